"""One vocabulary: the catalog loader, the grading rules, the models and the pages agree with it.

The words (regulations, levels, outcomes, grades, scales) are defined once, in
`granska.grading.vocabulary`. Each test here holds one other part of Granska to them from its own
side, so that a word added, dropped or renamed on either side alone fails here.
"""

import re
from itertools import combinations
from typing import Any

import pytest
from django.db import models

from granska.catalog.loader import CatalogError, parse_catalog
from granska.catalog.models import Criterion
from granska.choices import (
    LEVEL_LABELS,
    OUTCOME_LABELS,
    REGULATION_FIELDS,
    choices_of,
)
from granska.grading import (
    AreaRule,
    CriterionRule,
    GradingInputError,
    parse_outcome,
    suggest_grade,
)
from granska.grading.vocabulary import (
    GRADE_ORDER,
    NOT_FULLY_MET,
    REGULATIONS,
    SCALES,
    Grade,
    Level,
    Outcome,
    Regulation,
    adjusted_grade,
)
from granska.reports.selectors import LEVEL_HEADINGS
from granska.reviews.models import AreaGrade, Finding, Review
from granska.web.forms import BookingForm
from granska.web.templatetags.assessment_tags import finding_choices
from granska.web.views.assessment import outcome_choices
from tests.catalog.test_loader import small_catalog

LEVELS = [level.value for level in Level]
OUTCOMES = [outcome.value for outcome in Outcome]
GRADES = [grade.value for grade in Grade]
REGULATION_NAMES = [regulation.value for regulation in Regulation]


def field_choices(model: type[models.Model], name: str) -> list[tuple[str, str]]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return [(value, str(label)) for value, label in field.choices or []]


# The vocabulary itself


def test_vocabulary_values_are_the_stored_ones() -> None:
    # Rows in every database hold these; changing one is a data migration, not an edit here.
    assert REGULATION_NAMES == ["SOSFS 2015:8", "HSLF-FS 2021:8"]
    assert LEVELS == ["foreskrift", "allmant_rad", "kvalitetsindikator"]
    assert OUTCOMES == ["uppfyllt", "delvis", "ej_uppfyllt", "ej_relevant"]
    assert GRADES == ["A", "B", "C", "D"]


def test_regulations_are_every_regulation_oldest_first() -> None:
    assert list(REGULATIONS) == list(Regulation)
    assert [r.year for r in REGULATIONS] == sorted(r.year for r in REGULATIONS)
    assert [r.year for r in REGULATIONS] == ["2015", "2021"]


def test_grade_order_is_every_grade_best_first() -> None:
    assert tuple(Grade) == GRADE_ORDER


@pytest.mark.parametrize("scale", SCALES)
def test_every_scale_runs_from_a_to_d_in_order(scale: tuple[Grade, ...]) -> None:
    assert scale[0] == Grade.A
    assert scale[-1] == Grade.D
    assert Grade.B in scale
    assert list(scale) == sorted(scale, key=GRADE_ORDER.index)


@pytest.mark.parametrize(
    ("scale", "adjusted"), [(("A", "B", "C", "D"), Grade.C), (("A", "B", "D"), Grade.B)]
)
def test_a_d_is_adjusted_one_step_up_its_scale(scale: tuple[str, ...], adjusted: Grade) -> None:
    assert scale in SCALES
    assert adjusted_grade(list(scale)) == adjusted


def test_not_fully_met_is_partly_and_not_met() -> None:
    assert {Outcome.DELVIS, Outcome.EJ_UPPFYLLT} == NOT_FULLY_MET


# The Django side: choices, labels and fields


def test_every_level_and_outcome_has_a_label() -> None:
    assert set(LEVEL_LABELS) == set(Level)
    assert set(OUTCOME_LABELS) == set(Outcome)
    assert set(LEVEL_HEADINGS) == set(Level)


def test_a_word_without_a_label_is_refused() -> None:
    labels: dict[Outcome, str] = {o: o.value for o in Outcome if o != Outcome.DELVIS}
    with pytest.raises(LookupError, match="delvis"):
        choices_of(Outcome, labels)


@pytest.mark.parametrize(
    ("model", "field", "expected"),
    [
        (Criterion, "level", [(level.value, str(LEVEL_LABELS[level])) for level in Level]),
        (Finding, "outcome", [(o.value, str(OUTCOME_LABELS[o])) for o in Outcome]),
        (AreaGrade, "regulation", [(r, r) for r in REGULATION_NAMES]),
        (AreaGrade, "grade", [(g, g) for g in GRADES]),
        (AreaGrade, "adjusted_grade", [(g, g) for g in GRADES]),
    ],
)
def test_model_choices_are_the_vocabulary(
    model: type[models.Model], field: str, expected: list[tuple[str, str]]
) -> None:
    assert field_choices(model, field) == expected


def test_the_grade_constraint_allows_every_grade_and_no_other() -> None:
    constraint = next(c for c in AreaGrade._meta.constraints if c.name == "grade_is_a_to_d")
    assert isinstance(constraint, models.CheckConstraint)
    assert isinstance(constraint.condition, models.Q)
    assert constraint.condition.children == [("grade__in", GRADES)]


def test_the_booking_form_offers_every_regulation() -> None:
    field = BookingForm().fields["regulations"]
    assert [value for value, _label in field.choices] == REGULATION_NAMES  # type: ignore[attr-defined]  # a ChoiceField's choices; Field has none


def test_regulation_fields_are_the_reviews_scope_fields() -> None:
    assert list(REGULATION_FIELDS) == list(REGULATIONS)
    scope_fields = {
        f.name
        for f in Review._meta.get_fields()
        if isinstance(f, models.BooleanField) and f.name.startswith("under_")
    }
    assert set(REGULATION_FIELDS.values()) == scope_fields


@pytest.mark.parametrize(
    "in_scope",
    [combo for n in range(1, len(REGULATIONS) + 1) for combo in combinations(REGULATIONS, n)],
)
def test_a_reviews_regulations_are_read_from_its_scope_fields(
    in_scope: tuple[Regulation, ...],
) -> None:
    review = Review(**{field: r in in_scope for r, field in REGULATION_FIELDS.items()})
    assert review.regulations == tuple(r.value for r in in_scope)


def test_the_assessment_page_offers_every_outcome() -> None:
    html = finding_choices("X1", "", outcome_choices())
    offered = re.findall(r'name="outcome-X1" value="([^"]*)"', html)
    assert offered == [*OUTCOMES, ""]  # the empty one is "ej bedömt"


# The catalog loader


def parsed(data: dict[str, Any]) -> Any:
    return parse_catalog(data, source="test.yaml", sha256="0" * 64)


def problems_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(CatalogError) as refused:
        parsed(data)
    return refused.value.problems


@pytest.mark.parametrize("level", list(Level))
def test_the_loader_accepts_every_level(level: Level) -> None:
    data = small_catalog()
    data["areas"][0]["criteria"][0]["level"] = level.value
    assert parsed(data).areas[0].criteria[0].level == level


def test_the_loader_accepts_only_the_levels() -> None:
    data = small_catalog()
    data["areas"][0]["criteria"][0]["level"] = "rekommendation"
    [(place, problem)] = problems_of(data)
    assert place == "areas[A].criteria[A1].level"
    assert problem.endswith(": " + ", ".join(LEVELS))


@pytest.mark.parametrize(
    "regulations",
    [list(combo) for n in range(1, len(REGULATIONS) + 1) for combo in combinations(REGULATIONS, n)],
)
def test_the_loader_accepts_every_regulation(regulations: list[Regulation]) -> None:
    data = small_catalog()
    data["protocol"]["regulations"] = [r.value for r in regulations]
    for area in data["areas"]:
        for criterion in area["criteria"]:
            criterion["regulations"] = [r.value for r in regulations]
    assert parsed(data).regulations == tuple(regulations)


def test_the_loader_accepts_only_the_regulations() -> None:
    data = small_catalog()
    data["protocol"]["regulations"] = [*REGULATION_NAMES, "SOSFS 1996:27"]
    [(place, problem)] = problems_of(data)
    assert place == "protocol.regulations[2]"
    assert problem.endswith(": " + ", ".join(REGULATION_NAMES))


@pytest.mark.parametrize("scale", SCALES)
def test_the_loader_accepts_every_scale(scale: tuple[Grade, ...]) -> None:
    data = small_catalog()
    data["areas"][0]["scale"] = [{"grade": g.value, "wording": f"Nivå {g}."} for g in scale]
    assert tuple(g for g, _wording in parsed(data).areas[0].scale) == scale


def test_the_loader_refuses_a_scale_not_in_the_vocabulary() -> None:
    data = small_catalog()
    data["areas"][0]["scale"] = [{"grade": g, "wording": "x"} for g in ("A", "B", "C")]
    [(place, _problem)] = problems_of(data)
    assert place == "areas[A].scale"


# The grading rules


def rule(level: Level, scale: tuple[Grade, ...] = SCALES[-1]) -> AreaRule:
    return AreaRule(
        code="X", scale=scale, criteria=(CriterionRule("X1", level, frozenset(REGULATIONS)),)
    )


@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_rules_read_every_outcome(outcome: Outcome) -> None:
    assert parse_outcome(outcome.value) == outcome


def test_the_rules_read_only_the_outcomes() -> None:
    with pytest.raises(GradingInputError) as refused:
        parse_outcome("bedömt")
    assert str(refused.value).endswith("Giltiga värden är " + ", ".join(OUTCOMES) + ".")


@pytest.mark.parametrize("outcome", list(Outcome))
def test_an_outcome_is_a_deficiency_exactly_when_not_fully_met(outcome: Outcome) -> None:
    suggestion = suggest_grade(rule(Level.FORESKRIFT), REGULATIONS[0], {"X1": outcome})
    assert (suggestion.grade == Grade.D) == (outcome in NOT_FULLY_MET)


@pytest.mark.parametrize("level", list(Level))
def test_every_level_counts_in_the_grade(level: Level) -> None:
    # A level the rules forgot would leave a criterion not met without effect: an A.
    for scale in SCALES:
        suggestion = suggest_grade(
            rule(level, scale), REGULATIONS[0], {"X1": Outcome.EJ_UPPFYLLT}, max_ki_exceptions=0
        )
        assert suggestion.grade in scale
        assert suggestion.grade != Grade.A


@pytest.mark.parametrize("regulation", REGULATIONS)
def test_the_rules_grade_every_regulation(regulation: Regulation) -> None:
    assert suggest_grade(rule(Level.FORESKRIFT), regulation, {}).missing == ("X1",)


def test_the_rules_grade_only_the_regulations() -> None:
    with pytest.raises(GradingInputError, match="Giltiga föreskrifter är"):
        CriterionRule("X1", Level.FORESKRIFT, frozenset({"SOSFS 1996:27"}))


def test_the_rules_take_only_the_scales() -> None:
    assert {rule(Level.FORESKRIFT, scale).scale for scale in SCALES} == set(SCALES)
    with pytest.raises(GradingInputError):
        rule(Level.FORESKRIFT, (Grade.A, Grade.C, Grade.D))
