"""The questionnaire loader and its storing: the shipped file loads and maps only onto criteria
of its areas; a broken file is refused whole, each problem named with its place; a version in
use never changes."""

import copy
import dataclasses
import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from granska.catalog.loader import CatalogError
from granska.catalog.models import Criterion, ProtocolVersion
from granska.catalog.services import protocol_load
from granska.surveys.loader import (
    MAX_QUESTIONNAIRE_BYTES,
    MAX_STATEMENT_CHARS,
    QuestionnaireError,
    QuestionnaireSpec,
    parse_questionnaire,
    read_questionnaire,
)
from granska.surveys.loading import questionnaire_load
from granska.surveys.models import Questionnaire, Round, SelfAssessment, Statement
from granska.surveys.vocabulary import FactKind, Group
from tests.catalog.test_loader import PlainDumper
from tests.conftest import shipped_catalog
from tests.factories import ReviewFactory


def small_questionnaire() -> dict[str, Any]:
    """A valid two-area questionnaire for the shipped protocol, small enough to break in one
    place at a time."""
    return {
        "questionnaire": {
            "code": "test-enkat",
            "title": "Testenkät",
            "protocol": "spur-st-2025",
        },
        "facts": [
            {"code": "specialister", "label": "Antal specialister", "kind": "number"},
            {"code": "bt", "label": "BT-läkare", "kind": "yes_no", "hint": "Ja eller nej."},
        ],
        "areas": [
            {
                "code": "A",
                "free_text": "Något mer?",
                "statements": [
                    {
                        "code": "A1",
                        "groups": ["st_lakare", "handledare"],
                        "criteria": ["A1", "A3"],
                        "text": "Riktlinjerna är kända.",
                    },
                    {
                        "code": "A2",
                        "groups": ["verksamhetschef"],
                        "criteria": ["A4"],
                        "text": "Vi följer upp utbildningen.",
                    },
                ],
            },
            {
                "code": "E",
                "title": "Handledningen",
                "statements": [
                    {
                        "code": "E1",
                        "groups": ["st_lakare"],
                        "criteria": ["E1"],
                        "text": "Jag får handledning.",
                    }
                ],
            },
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "enkat.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=PlainDumper, allow_unicode=True), encoding="utf-8")
    return path


def refusal(path: Path) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(path)
    return caught.value


def places(error: QuestionnaireError) -> list[str]:
    return [place for place, _problem in error.problems]


# ---------------------------------------------------------------- the shipped questionnaire


def test_the_shipped_file_reads_into_a_spec() -> None:
    spec = read_questionnaire(settings.GRANSKA_DEFAULT_QUESTIONNAIRE)
    assert (spec.code, spec.protocol) == ("spur-enkat-2025", "spur-st-2025")
    assert [a.code for a in spec.areas] == list("ABCDEFGH")
    for area in spec.areas:
        assert 3 <= len(area.statements) <= 7, area.code
        assert area.free_text
    codes = [s.code for a in spec.areas for s in a.statements]
    assert len(codes) == len(set(codes))
    # Every group is asked something; the facts the inspectors ask about are there.
    assert {g for a in spec.areas for s in a.statements for g in s.groups} == set(Group)
    facts = {f.code: f.kind for f in spec.facts}
    assert facts["specialister"] == facts["st_lakare"] == facts["handledare"] == FactKind.NUMBER
    assert facts["studierektorer"] == FactKind.NUMBER
    assert facts["bt_lakare"] == FactKind.YES_NO
    assert facts["sidotjanstgoring"] == facts["listade_eller_vardplatser"] == FactKind.TEXT
    assert all(f.label and f.hint for f in spec.facts)


def test_the_shipped_questionnaire_maps_only_onto_criteria_of_its_areas(
    questionnaire: Questionnaire,
) -> None:
    assert questionnaire.protocol.code == "spur-st-2025"
    area_of = dict(
        Criterion.objects.filter(protocol=questionnaire.protocol).values_list("code", "area__code")
    )
    statements = Statement.objects.filter(area__questionnaire=questionnaire).select_related("area")
    assert statements.count() == 45
    for statement in statements:
        assert statement.criteria, statement.code
        for code in statement.criteria:
            assert area_of[code] == statement.area.code, (statement.code, code)
        assert set(statement.groups) <= {g.value for g in Group}
    # The areas without a title in the file take the protocol's.
    assert questionnaire.areas.get(code="E").title == "Handledning och kompetensbedömning"
    assert questionnaire.fact_fields.count() == 8


def words(text: str) -> list[str]:
    return re.findall(r"\w[\w-]*", text.lower())


def test_the_shipped_statements_are_our_own(seeds_dir: Path) -> None:
    """No statement shares five words in a row with the seed reports, whose texts (SPUR's
    criteria among them) are not ours to reuse as questions."""
    seeds = " " + " ".join(words(" ".join(p.read_text("utf-8") for p in seeds_dir.glob("*.txt"))))
    spec = read_questionnaire(settings.GRANSKA_DEFAULT_QUESTIONNAIRE)
    for area in spec.areas:
        for statement in area.statements:
            text = words(statement.text)
            for start in range(len(text) - 4):
                run = " ".join(text[start : start + 5])
                assert f" {run} " not in seeds + " ", (statement.code, run)


# ---------------------------------------------------------------- a broken file, place by place


def test_a_valid_file_reads_into_a_spec(tmp_path: Path) -> None:
    spec = read_questionnaire(write(tmp_path, small_questionnaire()))
    assert [(a.code, a.title) for a in spec.areas] == [("A", ""), ("E", "Handledningen")]
    assert spec.areas[0].statements[0].groups == ("st_lakare", "handledare")
    assert spec.areas[0].statements[0].criteria == ("A1", "A3")
    assert spec.areas[1].free_text == ""
    assert [(f.code, f.kind, f.hint) for f in spec.facts] == [
        ("specialister", "number", ""),
        ("bt", "yes_no", "Ja eller nej."),
    ]
    assert spec.source_name == "enkat.yaml"
    assert len(spec.source_sha256) == 64


def statement(data: dict[str, Any], area: int = 0, index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = data["areas"][area]["statements"][index]
    return result


@pytest.mark.parametrize(
    ("breakage", "place", "words"),
    [
        (lambda d: d.pop("questionnaire"), "", "'questionnaire'"),
        (lambda d: d.update(extra=1), "", "'extra'"),
        (lambda d: d["questionnaire"].pop("protocol"), "questionnaire", "'protocol'"),
        (lambda d: d["questionnaire"].update(code="Med Mellanslag"), "questionnaire.code", ""),
        (lambda d: d["questionnaire"].update(protocol=7), "questionnaire.protocol", ""),
        (lambda d: d["questionnaire"].update(title="x" * 201), "questionnaire.title", "201"),
        (lambda d: d["questionnaire"].update(title=""), "questionnaire.title", ""),
        (lambda d: d.update(areas=[]), "areas", ""),
        (lambda d: d.update(areas={"A": 1}), "areas", ""),
        (lambda d: d["areas"].append("B"), "areas[2]", ""),
        (lambda d: d["areas"][1].update(code="A"), "areas[A]", "A"),
        (lambda d: d["areas"][1].update(code="e"), "areas[e].code", "'e'"),
        (lambda d: d["areas"][0].update(statements=[]), "areas[A].statements", ""),
        (lambda d: d["areas"][0].update(free_text="x" * 501), "areas[A].free_text", "501"),
        (lambda d: d["areas"][0].update(freetext="?"), "areas[A]", "'freetext'"),
        (lambda d: statement(d).pop("groups"), "areas[A].statements[A1]", "'groups'"),
        (lambda d: statement(d).update(groups=[]), "areas[A].statements[A1].groups", ""),
        (lambda d: statement(d).update(groups="st_lakare"), "areas[A].statements[A1].groups", ""),
        (
            lambda d: statement(d).update(groups=["st_lakare", "patient"]),
            "areas[A].statements[A1].groups[1]",
            "'patient'",
        ),
        (
            lambda d: statement(d).update(groups=["st_lakare", "st_lakare"]),
            "areas[A].statements[A1].groups[1]",
            "st_lakare",
        ),
        (lambda d: statement(d).update(criteria=[]), "areas[A].statements[A1].criteria", ""),
        (
            lambda d: statement(d).update(criteria=["A1", "a2"]),
            "areas[A].statements[A1].criteria[1]",
            "'a2'",
        ),
        (
            lambda d: statement(d).update(criteria=["A1", "A1"]),
            "areas[A].statements[A1].criteria[1]",
            "A1",
        ),
        (lambda d: statement(d).update(code="E1"), "areas[A].statements[E1].code", "A"),
        (lambda d: statement(d, 1).update(code="A1"), "areas[E].statements[A1].code", "A1"),
        (lambda d: statement(d).update(code="A-1"), "areas[A].statements[A-1].code", "'A-1'"),
        (
            lambda d: statement(d).update(text="x" * (MAX_STATEMENT_CHARS + 1)),
            "areas[A].statements[A1].text",
            str(MAX_STATEMENT_CHARS + 1),
        ),
        (lambda d: statement(d).update(text=["a"]), "areas[A].statements[A1].text", ""),
        (
            lambda d: statement(d).update(text="Dold\u200btext"),
            "areas[A].statements[A1].text",
            "U+200B",
        ),
        (
            lambda d: statement(d).update(text="Vänd\u202etext"),
            "areas[A].statements[A1].text",
            "U+202E",
        ),
        (
            lambda d: d["facts"][0].update(label="Antal\ufeff"),
            "facts[specialister].label",
            "U+FEFF",
        ),
        (
            lambda d: statement(d).update(text="Styr\x07tecken"),
            "areas[A].statements[A1].text",
            "U+0007",
        ),
        (lambda d: statement(d).update(weight=2), "areas[A].statements[A1]", "'weight'"),
        (lambda d: d.update(facts={"a": 1}), "facts", ""),
        (lambda d: d["facts"][1].update(code="specialister"), "facts[specialister].code", ""),
        (lambda d: d["facts"][0].update(code="Antal"), "facts[Antal].code", "'Antal'"),
        (lambda d: d["facts"][0].update(kind="date"), "facts[specialister].kind", "'date'"),
        (lambda d: d["facts"][0].pop("label"), "facts[specialister]", "'label'"),
        (lambda d: d["facts"][0].update(hint="x" * 301), "facts[specialister].hint", "301"),
        (lambda d: d["facts"][0].update(code="x" * 41), "facts[xxxxxxxxxxx…].code", "41"),
    ],
)
def test_a_broken_file_is_refused_naming_the_place(
    tmp_path: Path, breakage: Any, place: str, words: str
) -> None:
    data = copy.deepcopy(small_questionnaire())
    breakage(data)
    error = refusal(write(tmp_path, data))
    matching = [problem for at, problem in error.problems if at == place]
    assert matching, error.problems
    assert any(words in problem for problem in matching), error.problems
    assert f"enkat.yaml: {place}: " in str(error) or (not place and "enkat.yaml: " in str(error))


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    data = small_questionnaire()
    statement(data)["groups"] = ["patient"]
    statement(data, 0, 1)["criteria"] = []
    data["facts"][0]["kind"] = "date"
    error = refusal(write(tmp_path, data))
    assert places(error) == [
        "facts[specialister].kind",
        "areas[A].statements[A1].groups[0]",
        "areas[A].statements[A2].criteria",
    ]


def test_the_messages_are_swedish(tmp_path: Path) -> None:
    data = small_questionnaire()
    statement(data)["groups"] = []
    message = str(refusal(write(tmp_path, data)))
    assert "areas[A].statements[A1].groups: ange minst en svarsgrupp: st_lakare" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("questionnaire: &a {code: x}\nareas: []\n", "rad 1: ankare (&namn) är inte tillåtna"),
        ("questionnaire: !!python/name:os.system x\n", "taggar (!namn) är inte tillåtna"),
        ("questionnaire: " + "[" * 20 + "]" * 20 + "\n", "nästlad i mer än 12 nivåer"),
        ("questionnaire: {}\n---\nareas: []\n", "rad 2: filen innehåller ett YAML-dokument"),
        ("areas: []\nareas: []\n", "rad 2: nyckeln 'areas' står två gånger"),
        ("questionnaire: [\n", "rad 2: är inte giltig YAML"),
        ("- 1\n- 2\n", "här ska stå"),
        ("", "här ska stå"),
    ],
)
def test_yaml_that_is_not_plain_data_is_refused(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "enkat.yaml"
    path.write_text(text, encoding="utf-8")
    assert words in str(refusal(path))


def test_a_file_that_is_not_utf8_too_large_or_missing_is_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("questionnaire: {title: Enkät}\n".encode("latin-1"))
    assert "latin.yaml: är inte text i UTF-8" in str(refusal(latin))
    large = tmp_path / "large.yaml"
    large.write_bytes(b"# " + b"x" * MAX_QUESTIONNAIRE_BYTES + b"\n")
    assert "large.yaml: är större än 1 MB; en enkätfil" in str(refusal(large))
    assert "missing.yaml: kan inte läsas" in str(refusal(tmp_path / "missing.yaml"))


def outcome(read: Any, *args: Any, **kwargs: Any) -> QuestionnaireSpec | list[tuple[str, str]]:
    """The spec read, or the problems of a refusal, which are never none; any other exception
    fails the test."""
    if "source" in kwargs:
        kwargs["sha256"] = "0" * 64
    try:
        spec: QuestionnaireSpec = read(*args, **kwargs)
    except QuestionnaireError as error:
        assert error.problems, "a refusal names its problems"  # noqa: PT017
        return error.problems
    return spec


# Random junk: any structure of YAML's plain values, in the file's own shape or not.
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["A1", "E", "st_lakare", "number", "spur-st-2025", "", "A"]),
)
KEYS = ["questionnaire", "areas", "facts", "code", "statements", "groups", "criteria", "text"]
KEYS += ["title", "protocol", "kind", "label", "hint", "free_text"]
_junk = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(KEYS),
                st.integers(),
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(data=_junk)
def test_random_data_is_refused_or_read_never_crashes(data: Any) -> None:
    assert isinstance(
        outcome(parse_questionnaire, data, source="junk.yaml"), (QuestionnaireSpec, list)
    )


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=st.data(), junk=_junk)
def test_a_valid_file_with_one_value_replaced_by_junk_never_crashes(
    choice: st.DataObject, junk: Any
) -> None:
    data = small_questionnaire()
    path = choice.draw(st.sampled_from(_paths(data)[1:]))
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = junk
    assert isinstance(
        outcome(parse_questionnaire, data, source="junk.yaml"), (QuestionnaireSpec, list)
    )


@hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_random_text_as_a_file_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "junk.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert isinstance(outcome(read_questionnaire, path), (QuestionnaireSpec, list))


# ---------------------------------------------------------------- storing, against the protocol


def load(tmp_path: Path, data: Any, name: str = "enkat.yaml") -> Any:
    return questionnaire_load(spec=read_questionnaire(write(tmp_path, data, name)))


def load_refusal(tmp_path: Path, data: Any) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as caught:
        load(tmp_path, data)
    return caught.value


@pytest.mark.django_db
def test_a_new_questionnaire_is_stored_whole(tmp_path: Path) -> None:
    result = load(tmp_path, small_questionnaire())
    assert result.outcome == "created"
    q = result.questionnaire
    assert (q.code, q.title, q.protocol.code, q.source_name) == (
        "test-enkat",
        "Testenkät",
        "spur-st-2025",
        "enkat.yaml",
    )
    assert [(a.code, a.title, a.free_text) for a in q.areas.all()] == [
        ("A", "Verksamheten", "Något mer?"),
        ("E", "Handledningen", ""),
    ]
    a1 = Statement.objects.get(area__questionnaire=q, code="A1")
    assert (a1.groups, a1.criteria, a1.text) == (
        ["st_lakare", "handledare"],
        ["A1", "A3"],
        "Riktlinjerna är kända.",
    )
    assert [(f.code, f.kind, f.hint) for f in q.fact_fields.all()] == [
        ("specialister", "number", ""),
        ("bt", "yes_no", "Ja eller nej."),
    ]


@pytest.mark.django_db
def test_criteria_missing_or_of_another_area_are_refused_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    data = small_questionnaire()
    statement(data)["criteria"] = ["A1", "A99"]
    statement(data, 1)["criteria"] = ["E1", "B1"]
    data["areas"].append(
        {
            "code": "Z",
            "statements": [
                {"code": "Z1", "groups": ["handledare"], "criteria": ["Z1"], "text": "Z."}
            ],
        }
    )
    error = load_refusal(tmp_path, data)
    assert error.problems == [
        (
            "areas[A].statements[A1].criteria[1]",
            "protokollversionen spur-st-2025 har inget kriterium A99",
        ),
        (
            "areas[E].statements[E1].criteria[1]",
            "B1 är ett kriterium i område B; ett påstående i område E gäller bara det områdets "
            "kriterier",
        ),
        ("areas[Z].code", "protokollversionen spur-st-2025 har inget område Z"),
    ]
    assert not Questionnaire.objects.filter(code="test-enkat").exists()


@pytest.mark.django_db
def test_a_protocol_that_is_not_loaded_is_refused(tmp_path: Path) -> None:
    data = small_questionnaire()
    data["questionnaire"]["protocol"] = "spur-st-2099"
    error = load_refusal(tmp_path, data)
    assert places(error) == ["questionnaire.protocol"]
    assert "spur-st-2099" in str(error)
    assert "granska catalog load" in str(error)


# ---------------------------------------------------------------- loading again


@pytest.mark.django_db
def test_the_same_file_again_is_unchanged(tmp_path: Path) -> None:
    first = load(tmp_path, small_questionnaire())
    again = load(tmp_path, small_questionnaire())
    assert again.outcome == "unchanged"
    assert again.questionnaire.pk == first.questionnaire.pk


@pytest.mark.django_db
def test_a_changed_file_that_no_survey_uses_replaces_the_version(tmp_path: Path) -> None:
    load(tmp_path, small_questionnaire())
    data = small_questionnaire()
    statement(data)["text"] = "Riktlinjerna är kända av alla."
    result = load(tmp_path, data)
    assert result.outcome == "replaced"
    assert Questionnaire.objects.filter(code="test-enkat").count() == 1
    assert Statement.objects.get(area__questionnaire=result.questionnaire, code="A1").text == (
        "Riktlinjerna är kända av alla."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("use", ["round", "self_assessment"])
def test_a_changed_file_under_a_code_in_use_is_refused(
    tmp_path: Path, protocol: ProtocolVersion, use: str
) -> None:
    q = load(tmp_path, small_questionnaire()).questionnaire
    review = ReviewFactory(protocol=protocol)
    if use == "round":
        Round.objects.create(
            review=review,
            questionnaire=q,
            opened_on=datetime.date(2026, 3, 1),
            closes_on=datetime.date(2026, 3, 15),
            reminder_days=3,
            reminder_max=2,
            min_answers=4,
        )
    else:
        SelfAssessment.objects.create(review=review, questionnaire=q)
    data = small_questionnaire()
    statement(data)["text"] = "Ändrad."
    error = load_refusal(tmp_path, data)
    assert places(error) == ["questionnaire.code"]
    assert "kan inte ändras; ge den reviderade enkäten en egen kod" in str(error)
    assert Statement.objects.get(area__questionnaire=q, code="A1").text == "Riktlinjerna är kända."
    # The same file as loaded is still fine.
    assert load(tmp_path, small_questionnaire()).outcome == "unchanged"


@pytest.mark.django_db
def test_a_protocol_a_questionnaire_maps_onto_is_not_replaced(tmp_path: Path) -> None:
    """Changing the catalog under the shipped code would pull the criteria from under the
    questionnaire: refused, as for a protocol that reviews use."""
    spec = shipped_catalog()
    changed = dataclasses.replace(
        spec, title="SPUR ST-protokoll 2025 (ändrad)", source_sha256="1" * 64
    )
    with pytest.raises(CatalogError) as caught:
        protocol_load(spec=changed)
    assert "enkäter kopplade till sina kriterier" in str(caught.value)
    assert ProtocolVersion.objects.get(code="spur-st-2025").title == "SPUR ST-protokoll 2025"
