"""Mangled seed texts and random bytes: the readers refuse or read, and nothing else escapes.

The readers' own safety net (any slip refused as "could not be read") is bypassed here: the
inner reader is called, so that a slip fails the test instead of hiding."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.imports import report as report_module
from granska.imports.matching import CatalogIndex
from granska.imports.parsed import AREA_CODES, report_json
from granska.imports.reading import report_read
from granska.imports.text import ReportRefused, lines_clean, text_decode

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def seed_lines(seeds_dir: Path) -> list[list[str]]:
    return [
        (seeds_dir / name).read_text(encoding="utf-8").split("\n")
        for name in ("000_76a68b3e09a9d094.txt", "001_70bf7bfa9be8bdb8.txt")
    ]


def parse_or_refuse(text: str, catalog: CatalogIndex) -> None:
    try:
        report = report_module._parse(text, [catalog])
    except ReportRefused as refused:
        message = refused.message
        assert message
        return
    body = report_json(report)
    assert list(body["areas"]) == list(AREA_CODES)
    for area in report.areas.values():
        assert set(area.grades.values()) == {None}
        assert area.criteria_found <= area.criteria_expected
    if report.protocol:
        assert 0.0 <= report.protocol.score <= 1.0


@st.composite
def mangled(draw: st.DrawFn, lines: list[str]) -> str:
    lines = list(lines)
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(st.sampled_from(["drop", "duplicate", "swap", "replace", "insert", "cut"]))
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if operation == "drop":
            del lines[at : at + draw(st.integers(1, 40))]
        elif operation == "duplicate":
            lines[at:at] = lines[at : at + draw(st.integers(1, 30))]
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "replace":
            line = lines[at]
            if line:
                position = draw(st.integers(0, len(line) - 1))
                lines[at] = line[:position] + draw(st.text(max_size=5)) + line[position + 1 :]
        elif operation == "insert":
            lines.insert(at, draw(st.text(max_size=80)))
        else:
            lines = lines[: at + 1]
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    return draw(st.sampled_from(["\n", "\r\n", "\x0c", "\n\n"])).join(lines)


@FUZZ
@given(data=st.data())
def test_mangled_seeds_are_read_or_refused(
    data: st.DataObject, seed_lines: list[list[str]], catalog: CatalogIndex
) -> None:
    lines = seed_lines[data.draw(st.integers(0, 1))]
    parse_or_refuse(data.draw(mangled(lines)), catalog)


@FUZZ
@given(text=st.text(max_size=2000))
def test_any_text_is_read_or_refused(text: str, catalog: CatalogIndex) -> None:
    parse_or_refuse(text, catalog)
    assert all("\n" not in line for line in lines_clean(text))


@FUZZ
@given(data=st.binary(max_size=3000))
def test_any_bytes_are_decoded_or_refused(data: bytes, catalog: CatalogIndex) -> None:
    try:
        text = text_decode(data)
    except ReportRefused:
        return
    parse_or_refuse(text, catalog)


@FUZZ
@given(data=st.data())
def test_seed_bytes_with_random_bytes_replaced(
    data: st.DataObject, seeds_dir: Path, catalog: CatalogIndex
) -> None:
    raw = bytearray((seeds_dir / "001_70bf7bfa9be8bdb8.txt").read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    try:
        text = text_decode(bytes(raw))
    except ReportRefused:
        return
    parse_or_refuse(text, catalog)


@FUZZ
@given(data=st.binary(max_size=2000), pdf=st.booleans())
def test_report_read_refuses_or_reads_any_bytes(
    data: bytes, pdf: bool, catalog: CatalogIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("granska.imports.reading._pdf_reader", lambda: None)
    try:
        report_read("fil", (b"%PDF-1.7\n" if pdf else b"") + data, [catalog])
    except ReportRefused as refused:
        message = refused.message
        assert message
