"""The catalog loader: valid files load, broken ones are refused whole with a precise message."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from granska.catalog.loader import CatalogError, read_catalog
from granska.catalog.models import Criterion, ProtocolVersion
from granska.catalog.services import protocol_load
from tests.factories import ReviewFactory

BOTH = ["SOSFS 2015:8", "HSLF-FS 2021:8"]


def small_catalog() -> dict[str, Any]:
    """A valid two-area catalog, small enough to break in one place at a time."""
    return {
        "protocol": {
            "code": "test-protocol",
            "title": "Testprotokoll",
            "max_ki_exceptions": 1,
            "regulations": BOTH,
        },
        "areas": [
            {
                "code": "A",
                "title": "Verksamheten",
                "group": "STRUKTUR",
                "preamble": ["Inledning."],
                "scale": [
                    {"grade": "A", "wording": "Allt följs."},
                    {"grade": "B", "wording": "Föreskrifter följs."},
                    {"grade": "D", "wording": "Brister."},
                ],
                "reading": {"source": "test", "confidence": "high"},
                "criteria": [
                    {"code": "A1", "level": "foreskrift", "regulations": BOTH, "text": "Ett."},
                    {
                        "code": "A2",
                        "level": "kvalitetsindikator",
                        "regulations": ["HSLF-FS 2021:8"],
                        "text": "Två.",
                        "reading": {"source": "gissning", "confidence": "low"},
                    },
                ],
            },
            {
                "code": "B",
                "title": "Medarbetare",
                "group": "STRUKTUR",
                "scale": [{"grade": g, "wording": f"Nivå {g}."} for g in ("A", "B", "C", "D")],
                "reading": {"source": "test", "confidence": "medium"},
                "criteria": [
                    {"code": "B1", "level": "allmant_rad", "regulations": BOTH, "text": "Tre."}
                ],
            },
        ],
    }


class PlainDumper(yaml.SafeDumper):
    """Writes a value used twice out twice: a catalog file may hold no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write(tmp_path: Path, data: Any, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=PlainDumper, allow_unicode=True), encoding="utf-8")
    return path


def test_valid_file_reads_into_a_spec(tmp_path: Path) -> None:
    spec = read_catalog(write(tmp_path, small_catalog()))
    assert spec.code == "test-protocol"
    assert [a.code for a in spec.areas] == ["A", "B"]
    a2 = spec.areas[0].criteria[1]
    assert (a2.level, a2.regulations) == ("kvalitetsindikator", ("HSLF-FS 2021:8",))
    # A criterion without its own reading takes the area's.
    assert (spec.areas[0].criteria[0].reading_confidence, a2.reading_confidence) == ("high", "low")


@pytest.mark.parametrize(
    ("breakage", "place", "words"),
    [
        (
            lambda d: d["areas"][0]["criteria"][0].update(level="must"),
            "areas[A].criteria[A1].level",
            "'must'",
        ),
        (
            lambda d: d["areas"][1]["criteria"][0].update(regulations=["SOSFS 2099:1"]),
            "areas[B].criteria[B1].regulations[0]",
            "SOSFS 2099:1",
        ),
        (
            lambda d: d["areas"][1]["criteria"][0].update(code="A1"),
            "areas[B].criteria[A1].code",
            "A1",
        ),
        (lambda d: d["areas"][0]["criteria"][0].pop("text"), "areas[A].criteria[A1]", "'text'"),
        (
            lambda d: d["areas"][0]["criteria"][0].update(txet="x"),
            "areas[A].criteria[A1]",
            "'txet'",
        ),
        (
            lambda d: d["areas"][0].update(scale=[{"grade": "A", "wording": "x"}]),
            "areas[A].scale",
            "A, B, D",
        ),
        (lambda d: d["areas"][0].update(group="RESULTAT"), "areas[A].group", "RESULTAT"),
        (lambda d: d["protocol"].update(max_ki_exceptions=-1), "protocol.max_ki_exceptions", ""),
        (lambda d: d["protocol"].update(code="Med Mellanslag"), "protocol.code", ""),
        (lambda d: d["areas"][1].pop("reading"), "areas[B].criteria[B1]", "reading"),
        (
            lambda d: d["areas"][0]["criteria"][1]["reading"].update(confidence="sure"),
            "areas[A].criteria[A2].reading.confidence",
            "sure",
        ),
        (lambda d: d.update(areas=[]), "areas", ""),
    ],
)
def test_broken_file_is_refused_naming_file_place_and_problem(
    tmp_path: Path, breakage: Any, place: str, words: str
) -> None:
    data = copy.deepcopy(small_catalog())
    breakage(data)
    path = write(tmp_path, data)
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    message = str(caught.value)
    assert f"{path}: {place}: " in message
    assert words in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = small_catalog()
    data["areas"][0]["criteria"][0]["level"] = "must"
    data["areas"][1]["group"] = "RESULTAT"
    with pytest.raises(CatalogError) as caught:
        read_catalog(write(tmp_path, data))
    assert [place for place, _ in caught.value.problems] == [
        "areas[A].criteria[A1].level",
        "areas[B].group",
    ]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("protocol:\n  code: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.yaml: (rad|line) \d+: "):
        read_catalog(path)


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("protocol: {title: 'Lokaler och utrustning å'}".encode("latin-1"))
    with pytest.raises(CatalogError, match="UTF-8"):
        read_catalog(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"nope\.yaml"):
        read_catalog(tmp_path / "nope.yaml")


def test_loading_stores_areas_and_criteria_in_order(no_catalog: None, tmp_path: Path) -> None:
    result = protocol_load(spec=read_catalog(write(tmp_path, small_catalog())))
    assert result.outcome == "created"
    protocol = result.protocol
    assert list(protocol.areas.values_list("code", "position")) == [("A", 1), ("B", 2)]
    assert list(
        protocol.criteria.order_by("area__position", "position").values_list(
            "code", "level", "regulations", "reading_confidence"
        )
    ) == [
        ("A1", "foreskrift", BOTH, "high"),
        ("A2", "kvalitetsindikator", ["HSLF-FS 2021:8"], "low"),
        ("B1", "allmant_rad", BOTH, "medium"),
    ]


def test_loading_the_same_file_twice_changes_nothing(no_catalog: None, tmp_path: Path) -> None:
    path = write(tmp_path, small_catalog())
    first = protocol_load(spec=read_catalog(path))
    second = protocol_load(spec=read_catalog(path))
    assert second.outcome == "unchanged"
    assert second.protocol.pk == first.protocol.pk
    assert Criterion.objects.count() == 3


def test_a_version_in_use_is_never_changed(no_catalog: None, tmp_path: Path) -> None:
    protocol = protocol_load(spec=read_catalog(write(tmp_path, small_catalog()))).protocol
    review = ReviewFactory(protocol=protocol)
    revised = small_catalog()
    revised["areas"][0]["criteria"][0]["text"] = "Ett, omformulerat."
    with pytest.raises(CatalogError, match="test-protocol"):
        protocol_load(spec=read_catalog(write(tmp_path, revised, "revised.yaml")))
    review.refresh_from_db()
    assert review.protocol.criteria.get(code="A1").text == "Ett."


def test_a_revision_under_a_new_code_leaves_older_reviews_alone(
    no_catalog: None, tmp_path: Path
) -> None:
    old = protocol_load(spec=read_catalog(write(tmp_path, small_catalog()))).protocol
    review = ReviewFactory(protocol=old)
    revised = small_catalog()
    revised["protocol"]["code"] = "test-protocol-2"
    revised["areas"][0]["criteria"][0]["text"] = "Ett, omformulerat."
    new = protocol_load(spec=read_catalog(write(tmp_path, revised, "revised.yaml"))).protocol
    assert new.pk != old.pk
    review.refresh_from_db()
    assert review.protocol == old
    assert old.criteria.get(code="A1").text == "Ett."
    assert new.criteria.get(code="A1").text == "Ett, omformulerat."


def test_a_version_no_review_uses_may_be_replaced(no_catalog: None, tmp_path: Path) -> None:
    protocol_load(spec=read_catalog(write(tmp_path, small_catalog())))
    revised = small_catalog()
    revised["areas"][0]["criteria"][0]["text"] = "Ett, rättat."
    result = protocol_load(spec=read_catalog(write(tmp_path, revised, "revised.yaml")))
    assert result.outcome == "replaced"
    assert ProtocolVersion.objects.count() == 1
    assert Criterion.objects.get(code="A1").text == "Ett, rättat."


def test_the_shipped_catalog_file_is_valid() -> None:
    spec = read_catalog(settings.GRANSKA_DEFAULT_CATALOG)
    assert sum(len(area.criteria) for area in spec.areas) == 76
