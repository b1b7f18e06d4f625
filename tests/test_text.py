"""The cleaning of typed text: what it removes, what it keeps, and that what it returns is safe."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from granska.text import clean_line, clean_text, invisible_characters

# Every code point, surrogates and noncharacters included, as a crafted form post could send them.
any_text = st.text(alphabet=st.characters(codec=None, categories=None))


def test_line_breaks_of_every_kind_become_newlines() -> None:
    assert clean_text("a\r\nb\rc\x0bd\x0ce\u2028f\u2029g\x85h") == "a\nb\nc\nd\ne\nf\ng\nh"


def test_invisible_characters_are_removed_and_visible_ones_kept() -> None:
    typed = "Bra\x00 handledning\x01 \ufffe✓ 😀 مرحبا שלום Ωμέγα Жук \ufffd\x7f\x9b"
    assert clean_text(typed) == "Bra handledning ✓ 😀 مرحبا שלום Ωμέγα Жук \ufffd"


def test_tabs_become_spaces() -> None:
    assert clean_text("a\tb") == "a b"


def test_composed_form() -> None:
    assert clean_text("a\u030a") == "å"


def test_a_line_has_single_spaces_and_no_breaks() -> None:
    assert clean_line("  Region\n Österå\x0b\t AB \x1f ") == "Region Österå AB"


def test_invisible_characters_are_named() -> None:
    assert invisible_characters("a\x0bb\x01c\x01\ufffe") == ["U+0001", "U+FFFE"]


@given(any_text)
def test_cleaned_text_has_nothing_invisible_and_is_stable(value: str) -> None:
    cleaned = clean_text(value)
    assert clean_text(cleaned) == cleaned
    for character in cleaned:
        category = unicodedata.category(character)
        assert character == "\n" or category not in ("Cc", "Cs"), repr(character)
        assert not 0xFDD0 <= ord(character) <= 0xFDEF
        assert ord(character) & 0xFFFE != 0xFFFE
    assert invisible_characters(cleaned) == []


@given(any_text)
def test_cleaned_text_is_valid_xml_text(value: str) -> None:
    """Word files are XML: lxml, which python-docx writes with, refuses what XML cannot hold."""
    element = etree.Element("t")
    element.text = clean_text(value)
    assert etree.fromstring(etree.tostring(element)).text in (element.text, None)


@given(any_text)
def test_a_cleaned_line_is_one_trimmed_line(value: str) -> None:
    line = clean_line(value)
    assert "\n" not in line
    assert line == line.strip()
    assert "  " not in line
