"""What `pdf_read` refuses, and that nothing but `ReportRefused` ever leaves it: not-PDFs,
encrypted, truncated and textless PDFs, and (hypothesis) real PDFs cut short or with bytes
changed."""

import functools

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.imports.pdf import PdfReading, pdf_read
from granska.imports.text import ReportRefused
from tests.imports.typst_pdfs import Area, encrypted_pdf, report_pdf, typst_pdf


@functools.cache
def sample_pdf() -> bytes:
    return report_pdf(
        [
            Area("A", {"2015": ("B", "X"), "2021": ("D", "rect")}),
            Area("B", {"2015": ("A", "cross")}),
        ]
    )


def refusal(data: bytes) -> str:
    with translation.override("sv"), pytest.raises(ReportRefused) as caught:
        pdf_read(data)
    return caught.value.message


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "inte en PDF"),
        (b"Rapport\nA. Verksamheten\n", "inte en PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "inte en PDF"),
    ],
)
def test_what_is_no_pdf_is_refused(data: bytes, says: str) -> None:
    assert says in refusal(data)


def test_an_encrypted_pdf_is_refused() -> None:
    assert "lösenord" in refusal(encrypted_pdf())


def test_a_truncated_pdf_is_refused() -> None:
    assert "ofullständig" in refusal(sample_pdf()[: len(sample_pdf()) // 2])


def test_a_pdf_without_text_is_refused_as_a_scan() -> None:
    assert "ingen text" in refusal(typst_pdf("#rect(width: 5cm, height: 8cm, fill: gray)"))


def test_a_damaged_pdf_is_refused() -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
    assert "skadad" in refusal(data)


def _read_or_refuse(data: bytes) -> None:
    try:
        reading = pdf_read(data)
    except ReportRefused:
        return
    assert isinstance(reading, PdfReading)
    assert all(code in "ABCDEFGH" for code in reading.grades)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_pdf_cut_anywhere_is_read_or_refused(share: float) -> None:
    data = sample_pdf()
    cut = data[: int(len(data) * share)]
    _read_or_refuse(cut)
    _read_or_refuse(cut + b"\n%%EOF\n")  # cut, yet ending as a PDF does


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=0.9999), st.integers(0, 255)),
        min_size=1,
        max_size=40,
    )
)
def test_a_pdf_with_bytes_changed_is_read_or_refused(changes: list[tuple[float, int]]) -> None:
    data = bytearray(sample_pdf())
    for where, value in changes:
        data[int(where * len(data))] = value
    _read_or_refuse(bytes(data))
