"""Recognising a protocol's areas and criteria in a report's text (issue 13).

Plain Python, no Django. A `CatalogIndex` is what the readers need of one protocol version: its
area titles, its criterion texts and the preambles of its boxes. Texts are compared by a key
that ignores case, spacing and punctuation, so that a line the PDF wrapped, a hyphen it broke a
word at ("ST-" + "utbildningen") and a comma it lost all compare equal to the catalog's text.
"""

import difflib
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CatalogIndex:
    """One protocol version as the importer reads it."""

    protocol: str  # the version's code
    areas: tuple[tuple[str, str], ...]  # (area code, title), in order
    criteria: tuple[tuple[str, str, str], ...]  # (criterion code, area code, text), in order
    preambles: tuple[tuple[str, str], ...] = ()  # (area code, paragraph)

    def area_criteria(self, area: str) -> list[str]:
        """The codes of the area's criteria, in order."""
        return [code for code, area_code, _ in self.criteria if area_code == area]


@functools.lru_cache(maxsize=8192)
def text_key(text: str) -> str:
    """`text` as compared: letters and digits only, case folded, in composed form."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).casefold() if ch.isalnum())


@dataclass(frozen=True)
class Known:
    """A text the catalogs know: a criterion (code set) or a preamble paragraph (code None)."""

    protocol: str
    area: str
    code: str | None


@dataclass
class TextMatcher:
    """Finds the catalogs' criterion and preamble texts in a run of lines, however wrapped."""

    catalogs: Sequence[CatalogIndex]
    known: dict[str, list[Known]] = field(init=False, default_factory=dict)
    prefixes: set[str] = field(init=False, default_factory=set)
    titles: dict[str, str] = field(init=False, default_factory=dict)  # key -> area code
    title_prefixes: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        for index in self.catalogs:
            for code, area, text in index.criteria:
                self._add(text, Known(index.protocol, area, code))
            for area, text in index.preambles:
                self._add(text, Known(index.protocol, area, None))
            for area, title in index.areas:
                key = text_key(title)
                if key:
                    self.titles.setdefault(key, area)
                    self.title_prefixes.update(key[:n] for n in range(1, len(key)))

    def _add(self, text: str, known: Known) -> None:
        key = text_key(text)
        if not key:
            return
        self.known.setdefault(key, []).append(known)
        self.prefixes.update(key[:n] for n in range(1, len(key)))

    def match(self, lines: Sequence[str], start: int, limit: int = 12) -> tuple[int, str] | None:
        """The longest known text that lines[start:] begin with: (lines it takes, its key)."""
        accumulated = ""
        best: tuple[int, str] | None = None
        for offset in range(min(limit, len(lines) - start)):
            line = lines[start + offset]
            if not line:
                break
            accumulated += text_key(line)
            if accumulated in self.known:
                best = (offset + 1, accumulated)
            if accumulated not in self.prefixes:
                break
        return best

    def title(self, lines: Sequence[str], start: int) -> tuple[int, str] | None:
        """The area whose title lines[start:] hold (on one line or two, after an optional
        "D. "): (lines it takes, area code)."""
        first = lines[start]
        if len(first) > 2 and first[0] in "ABCDEFGH" and first[1] == "." and first[2] == " ":
            first = first[3:]
        key = text_key(first)
        if not key:
            return None
        if key in self.titles:
            return 1, self.titles[key]
        if key in self.title_prefixes and start + 1 < len(lines):
            joined = key + text_key(lines[start + 1])
            if joined in self.titles:
                return 2, self.titles[joined]
        return None


def criterion_find(
    index: CatalogIndex, text: str, area: str | None = None, cutoff: float = 0.9
) -> str | None:
    """The code of the criterion of `index` (in `area` when given) whose text `text` is: the
    same text, else one close enough (a word changed between versions); None when none is."""
    key = text_key(text)
    if not key:
        return None
    candidates = [(code, text_key(t)) for code, a, t in index.criteria if area in (None, a)]
    for code, candidate in candidates:
        if candidate == key:
            return code
    best, best_ratio = None, cutoff
    for code, candidate in candidates:
        ratio = difflib.SequenceMatcher(None, key, candidate, autojunk=False).ratio()
        if ratio >= best_ratio:
            best, best_ratio = code, ratio
    return best
