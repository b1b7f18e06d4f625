"""Which characters the report's PDF can show: those of its bundled fonts, and no others.

Plain Python (fontTools), no Django. The PDF is typeset from the fonts in `reports/fonts/` only
(Lato, then the Noto faces that fill in what Lato lacks), and as PDF/A, which refuses a character
no font has instead of drawing an empty box. So that such a character is named with the field
that holds it rather than failing the whole report, the text is checked before it is typeset.

Typst falls back from font to font character by character, so a character is shown when any
bundled font has it; those that are invisible by definition (joiners, variation selectors,
direction marks) need no glyph. The private use areas are refused, since PDF/A cannot say what
they mean.
"""

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "reports" / "fonts"

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): shown as nothing, so no
# glyph is needed. U+FEFF is one too, but PDF/A refuses it: `granska.text` removes it from
# every text.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_PRIVATE_USE_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
# Spaces and line breaks, which the template lays out itself.
_ALWAYS_FINE = frozenset("\n ")


def _in(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def is_ignorable(char: str) -> bool:
    """Whether `char` is shown as nothing (a joiner, a variation selector, a direction mark)."""
    return _in(ord(char), _IGNORABLE_RANGES)


@dataclass(frozen=True)
class Coverage:
    """The code points each bundled font family has (in any of its faces: Typst takes a regular
    face where a bold one lacks a character), the main family's first."""

    families: tuple[tuple[str, frozenset[int]], ...]
    union: frozenset[int]

    @property
    def main(self) -> frozenset[int]:
        return self.families[0][1]


MAIN_FAMILY = "Lato"


@cache
def coverage(font_dir: Path = FONT_DIR) -> Coverage:
    """The bundled fonts' code points, read once per process."""
    faces: dict[str, frozenset[int]] = {}
    for path in sorted(font_dir.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        family = font["name"].getBestFamilyName()
        codes = frozenset(code for code in font.getBestCmap() if not _in(code, _PRIVATE_USE_RANGES))
        faces[family] = faces.get(family, frozenset()) | codes
        font.close()
    ordered = sorted(faces.items(), key=lambda item: item[0] != MAIN_FAMILY)
    union = frozenset().union(*faces.values())
    return Coverage(families=tuple(ordered), union=union)


@cache
def fonts_identity(font_dir: Path = FONT_DIR) -> str:
    """A digest of the bundled fonts (names and contents): part of a cached PDF's key."""
    digest = hashlib.sha256()
    for path in sorted(font_dir.glob("*.ttf")):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def unshowable(text: str) -> list[str]:
    """The characters of `text` that no bundled font has, each once, in order of appearance.

    Typst looks for each character in the fonts in turn (an accent too, apart from its letter),
    so a character is shown when any bundled font has it."""
    fonts = coverage()
    chars = set(text) - _ALWAYS_FINE
    if {ord(char) for char in chars} <= fonts.main:
        return []  # the usual case: everything is in Lato
    missing = {char for char in chars if ord(char) not in fonts.union and not is_ignorable(char)}
    return [char for char in dict.fromkeys(text) if char in missing]


def character_label(char: str) -> str:
    """A character as a person can find it: "U+1F600 😀"; an accent on a dotted circle."""
    shown = f"\u25cc{char}" if unicodedata.category(char) in ("Mn", "Me") else char
    return f"U+{ord(char):04X} {shown}"
