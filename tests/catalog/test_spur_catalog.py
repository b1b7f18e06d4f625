"""The shipped SPUR ST catalog against SPEC §3 and the two real reports in the seeds."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from granska.catalog.loader import AreaSpec, ProtocolSpec, read_catalog

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")
ONLY_2015 = ("SOSFS 2015:8",)
ONLY_2021 = ("HSLF-FS 2021:8",)


@pytest.fixture(scope="module")
def spec() -> ProtocolSpec:
    return read_catalog(settings.GRANSKA_DEFAULT_CATALOG)


def area(spec: ProtocolSpec, code: str) -> AreaSpec:
    return next(a for a in spec.areas if a.code == code)


def codes(prefix: str, numbers: range) -> list[str]:
    return [f"{prefix}{n}" for n in numbers]


# SPEC §3, "Our reading": the level of every criterion, and the "endast" markers.
FORESKRIFT = [
    *codes("A", range(1, 4)),
    "B1",
    "B2",
    "B3",
    "B5",
    "B6",
    *codes("C", range(1, 4)),
    *codes("D", range(1, 8)),
    *codes("E", range(1, 8)),
    "F1",
    "F2",
    "G1",
    "G2",
    "G3",
    *codes("H", range(1, 10)),
]
ALLMANT_RAD = [
    "B4",
    "B7",
    *codes("D", range(8, 13)),
    *codes("E", range(8, 14)),
    "F3",
    "F4",
    "F5",
    *codes("G", range(4, 8)),
    "H10",
    "H11",
    "H12",
]
ONLY = {
    "E5": ONLY_2021,
    "E6": ONLY_2021,
    "E7": ONLY_2021,
    "E13": ONLY_2015,
    "G3": ONLY_2015,
    "G11": ONLY_2021,
}


def test_areas_titles_groups_and_scales(spec: ProtocolSpec) -> None:
    assert [(a.code, a.group, "".join(g for g, _ in a.scale)) for a in spec.areas] == [
        ("A", "STRUKTUR", "ABD"),
        ("B", "STRUKTUR", "ABCD"),
        ("C", "STRUKTUR", "ABD"),
        ("D", "PROCESS", "ABCD"),
        ("E", "PROCESS", "ABCD"),
        ("F", "PROCESS", "ABCD"),
        ("G", "PROCESS", "ABCD"),
        ("H", "PROCESS", "ABCD"),
    ]
    assert area(spec, "G").title == (
        "Medicinsk vetenskap och systematiskt kvalitets- och patientsäkerhetsarbete"
    )


def test_all_76_criteria_numbered_in_order(spec: ProtocolSpec) -> None:
    counts = {"A": 4, "B": 10, "C": 4, "D": 13, "E": 15, "F": 6, "G": 11, "H": 13}
    for a in spec.areas:
        assert [c.code for c in a.criteria] == codes(a.code, range(1, counts[a.code] + 1))
    assert sum(len(a.criteria) for a in spec.areas) == 76


def test_levels_follow_the_reading_in_spec(spec: ProtocolSpec) -> None:
    for a in spec.areas:
        for c in a.criteria:
            expected = (
                "foreskrift"
                if c.code in FORESKRIFT
                else "allmant_rad"
                if c.code in ALLMANT_RAD
                else "kvalitetsindikator"
            )
            assert c.level == expected, c.code


def test_endast_markers_follow_the_reading_in_spec(spec: ProtocolSpec) -> None:
    for a in spec.areas:
        for c in a.criteria:
            assert c.regulations == ONLY.get(c.code, BOTH), c.code


def test_every_level_reading_has_a_source_and_the_doubtful_ones_say_so(
    spec: ProtocolSpec,
) -> None:
    readings = {c.code: c for a in spec.areas for c in a.criteria}
    assert all(c.reading_source and c.reading_confidence for c in readings.values())
    # Certain: every criterion in seed 001's handlingsplan is a föreskrift.
    for code in ("D7", "E1", "E4", "E6", "H2", "H5", "H7", "H9"):
        assert readings[code].level == "foreskrift"
    assert readings["F6"].reading_confidence == "high"
    assert readings["G10"].reading_confidence == "high"
    for code in ("E5", "E6", "G3"):
        assert readings[code].reading_confidence == "low", code


def test_areas_a_c_d_f_open_with_the_provider_duty(spec: ProtocolSpec) -> None:
    for a in spec.areas:
        if a.code in "ACDF":
            assert a.preamble[0].startswith("Den vårdgivare som tar emot läkare")
            assert "SPUR-modellen" in a.preamble[1]
        else:
            assert a.preamble == ()


def _joined(text: str) -> str:
    """The seed's PDF lines joined back into running text, as the catalog writes it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out.endswith("-") and not out.endswith(" -"):
            out += line
        else:
            out += (" " if out else "") + line
    return re.sub(r"\s+", " ", out)


def test_every_criterion_text_is_the_text_of_the_real_report(
    spec: ProtocolSpec, seeds_dir: Path
) -> None:
    seed = _joined((seeds_dir / "000_76a68b3e09a9d094.txt").read_text(encoding="utf-8"))
    missing = [c.code for a in spec.areas for c in a.criteria if c.text not in seed]
    assert missing == []


def test_every_scale_wording_is_the_wording_of_the_real_report(
    spec: ProtocolSpec, seeds_dir: Path
) -> None:
    seed = _joined((seeds_dir / "000_76a68b3e09a9d094.txt").read_text(encoding="utf-8"))
    for a in spec.areas:
        for grade, wording in a.scale:
            assert f"{grade}. {wording}" in seed, (a.code, grade)


def test_the_handlingsplan_of_the_second_report_quotes_catalog_texts(
    spec: ProtocolSpec, seeds_dir: Path
) -> None:
    seed = _joined((seeds_dir / "001_70bf7bfa9be8bdb8.txt").read_text(encoding="utf-8"))
    plan = seed[seed.index("HANDLINGSPLAN") :]
    quoted = [c.code for a in spec.areas for c in a.criteria if c.text in plan]
    assert quoted == ["D7", "E1", "E4", "E6", "H2", "H5", "H7", "H9"]
