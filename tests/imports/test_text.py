"""Decoding a report's bytes and cleaning the lines PDF extraction left."""

import codecs

import pytest

from granska.imports.text import ReportRefused, lines_clean, text_decode

SWEDISH = "Förbättringspotential: Åtgärd krävs för ST-läkarnas handledning – ”citat” €"


@pytest.mark.parametrize(
    "data",
    [
        SWEDISH.encode("utf-8"),
        codecs.BOM_UTF8 + SWEDISH.encode("utf-8"),
        codecs.BOM_UTF16_LE + SWEDISH.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SWEDISH.encode("utf-16-be"),
        SWEDISH.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "windows-1252"],
)
def test_every_encoding_of_old_exports_decodes_to_the_same_text(data: bytes) -> None:
    assert text_decode(data) == SWEDISH


def test_windows_1252_is_read_only_when_utf8_fails() -> None:
    # "Ã¥" is what UTF-8 "å" looks like in Windows-1252: valid UTF-8 must win.
    assert text_decode("på".encode()) == "på"
    assert text_decode("på".encode("cp1252")) == "på"


def test_decoded_text_is_composed() -> None:
    assert text_decode("a\u030a".encode()) == "å"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n\n",
        b"Styrkor\x00Svagheter",
        bytes(range(256)),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        codecs.BOM_UTF16_LE + b"\x00\xd8a",  # a lone surrogate
        b"caf\x81",  # undefined in Windows-1252, and no UTF-8
    ],
    ids=["empty", "blank", "nul", "all-bytes", "png", "bad-utf16", "undefined-byte"],
)
def test_bytes_that_are_no_text_are_refused_with_a_message(data: bytes) -> None:
    with pytest.raises(ReportRefused) as refused:
        text_decode(data)
    assert refused.value.message


def test_lines_clean_drops_the_blank_line_after_every_line_and_keeps_paragraph_breaks() -> None:
    text = "Styrkor  \n\nBra dokument\n\nuppföljning.\n\n\n\nSTRUKTUR\n\nVerksamheten\n"
    assert lines_clean(text) == [
        "Styrkor",
        "Bra dokument",
        "uppföljning.",
        "",
        "STRUKTUR",
        "Verksamheten",
    ]


def test_lines_clean_keeps_single_blank_lines_of_a_single_spaced_text() -> None:
    text = "Verksamheten\nGoda dokument\nfinns.\n\nFöreskrift\nDen vårdgivare\n"
    assert lines_clean(text) == [
        "Verksamheten",
        "Goda dokument",
        "finns.",
        "",
        "Föreskrift",
        "Den vårdgivare",
    ]


def test_lines_clean_reads_crlf_cr_and_form_feeds_as_line_breaks() -> None:
    assert lines_clean("A\r\nB\rC\x0cD\u2028E") == ["A", "B", "C", "D", "E"]
    # A page break between two doubled lines is no paragraph break.
    assert lines_clean("A\r\n\r\nB\x0c\r\nC\r\n\r\nD\r\n") == ["A", "B", "C", "D"]


def test_lines_clean_collapses_spaces_and_drops_invisible_characters() -> None:
    assert lines_clean("\ufeffST-\u00adläkare\t har\u00a0 handledare   ") == [
        "ST-läkare har handledare"
    ]


def test_lines_clean_of_nothing_is_nothing() -> None:
    assert lines_clean("") == []
    assert lines_clean("\n\n \x0c\n") == []


def test_refusal_is_translated_with_its_parameters() -> None:
    refused = ReportRefused("The file is %(size)s MB.", size=51)
    assert refused.message == "The file is 51 MB."
    swedish = refused.translated(lambda msgid: msgid.replace("The file is", "Filen är"))
    assert swedish.message == "Filen är 51 MB."
    assert swedish.msgid == "The file is %(size)s MB."
