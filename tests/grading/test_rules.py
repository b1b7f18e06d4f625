"""The grading rules (SPEC §4): worked examples on areas like SPUR's, input errors, properties."""

from dataclasses import replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from granska.grading import (
    GRADE_ORDER,
    REGULATIONS,
    AreaRule,
    CriterionRule,
    GradingInputError,
    Level,
    Outcome,
    Reason,
    ReasonKind,
    Suggestion,
    parse_outcome,
    suggest_grade,
    worse,
)
from granska.grading.vocabulary import Grade

SOSFS_2015 = "SOSFS 2015:8"
HSLF_2021 = "HSLF-FS 2021:8"
BOTH = frozenset(REGULATIONS)
ONLY_2015 = frozenset({SOSFS_2015})
ONLY_2021 = frozenset({HSLF_2021})
ABCD = ("A", "B", "C", "D")
ABD = ("A", "B", "D")

F = Level.FORESKRIFT
AR = Level.ALLMANT_RAD
KI = Level.KVALITETSINDIKATOR
UPPFYLLT = Outcome.UPPFYLLT
DELVIS = Outcome.DELVIS
EJ_UPPFYLLT = Outcome.EJ_UPPFYLLT
EJ_RELEVANT = Outcome.EJ_RELEVANT
NOT_FULLY_MET = (DELVIS, EJ_UPPFYLLT)


def criteria(
    prefix: str, numbers: range, level: Level, regulations: frozenset[str]
) -> list[CriterionRule]:
    return [CriterionRule(f"{prefix}{n}", level, regulations) for n in numbers]


# Modelled on SPUR area E, Handledning och kompetensbedömning (SPEC §3).
AREA_E = AreaRule(
    "E",
    ABCD,
    (
        *criteria("E", range(1, 5), F, BOTH),
        *criteria("E", range(5, 8), F, ONLY_2021),
        *criteria("E", range(8, 13), AR, BOTH),
        *criteria("E", range(13, 14), AR, ONLY_2015),
        *criteria("E", range(14, 16), KI, BOTH),
    ),
)

# Modelled on SPUR area A, Verksamheten: no allmänna råd and a scale without C.
AREA_A = AreaRule(
    "A",
    ABD,
    (*criteria("A", range(1, 4), F, BOTH), *criteria("A", range(4, 5), KI, BOTH)),
)


def all_met(area: AreaRule, regulation: str, **overrides: Outcome) -> dict[str, Outcome]:
    """Every criterion of `area` that applies to `regulation` met, except those overridden."""
    findings = {c.code: UPPFYLLT for c in area.criteria_for(regulation)}
    findings.update(overrides)
    return findings


def rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


# --- Worked examples ---------------------------------------------------------------------------


@pytest.mark.parametrize("regulation", REGULATIONS)
def test_everything_met_gives_a(regulation: str) -> None:
    suggestion = suggest_grade(AREA_E, regulation, all_met(AREA_E, regulation))

    assert suggestion == Suggestion(
        grade=Grade.A,
        complete=True,
        reasons=(Reason(ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT, Grade.A, ()),),
        missing=(),
        total=len(AREA_E.criteria_for(regulation)),
    )


@pytest.mark.parametrize("outcome", NOT_FULLY_MET)
def test_foreskrift_not_met_gives_d(outcome: Outcome) -> None:
    suggestion = suggest_grade(AREA_E, HSLF_2021, all_met(AREA_E, HSLF_2021, E4=outcome))

    assert suggestion.grade == "D"
    assert suggestion.reasons == (Reason(ReasonKind.FORESKRIFT_NOT_MET, Grade.D, ("E4",)),)


def test_foreskrift_endast_2021_not_met_gives_d_for_2021() -> None:
    suggestion = suggest_grade(AREA_E, HSLF_2021, all_met(AREA_E, HSLF_2021, E6=EJ_UPPFYLLT))

    assert suggestion.grade == "D"
    assert suggestion.reasons[0].criteria == ("E6",)


@pytest.mark.parametrize("outcome", NOT_FULLY_MET)
def test_allmant_rad_not_met_gives_c(outcome: Outcome) -> None:
    suggestion = suggest_grade(AREA_E, SOSFS_2015, all_met(AREA_E, SOSFS_2015, E13=outcome))

    assert suggestion.grade == "C"
    assert suggestion.reasons == (Reason(ReasonKind.ALLMANT_RAD_NOT_MET, Grade.C, ("E13",)),)


def test_allmant_rad_not_met_gives_b_on_a_scale_without_c() -> None:
    area = AreaRule("X", ABD, (CriterionRule("X1", F, BOTH), CriterionRule("X2", AR, BOTH)))

    suggestion = suggest_grade(area, SOSFS_2015, {"X1": UPPFYLLT, "X2": DELVIS})

    assert suggestion.grade == "B"
    assert suggestion.reasons == (Reason(ReasonKind.ALLMANT_RAD_NOT_MET, Grade.B, ("X2",)),)


@pytest.mark.parametrize("outcome", NOT_FULLY_MET)
def test_one_quality_indicator_not_met_still_gives_a(outcome: Outcome) -> None:
    suggestion = suggest_grade(AREA_E, SOSFS_2015, all_met(AREA_E, SOSFS_2015, E15=outcome))

    assert suggestion.grade == "A"
    assert suggestion.reasons == (
        Reason(ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT, Grade.A, ("E15",)),
    )


def test_two_quality_indicators_not_met_give_b() -> None:
    findings = all_met(AREA_E, SOSFS_2015, E14=DELVIS, E15=EJ_UPPFYLLT)

    suggestion = suggest_grade(AREA_E, SOSFS_2015, findings)

    assert suggestion.grade == "B"
    assert suggestion.reasons == (
        Reason(ReasonKind.KVALITETSINDIKATOR_NOT_MET, Grade.B, ("E14", "E15")),
    )


def test_max_ki_exceptions_sets_how_many_indicators_may_fail() -> None:
    one_failed = all_met(AREA_E, SOSFS_2015, E14=DELVIS)
    two_failed = all_met(AREA_E, SOSFS_2015, E14=DELVIS, E15=DELVIS)

    assert suggest_grade(AREA_E, SOSFS_2015, one_failed, max_ki_exceptions=0).grade == "B"
    assert suggest_grade(AREA_E, SOSFS_2015, two_failed, max_ki_exceptions=2).grade == "A"


def test_d_area_lists_lower_deficiencies_for_information() -> None:
    findings = all_met(AREA_E, SOSFS_2015, E3=EJ_UPPFYLLT, E1=DELVIS, E8=DELVIS, E14=DELVIS)
    findings |= {"E15": EJ_UPPFYLLT}

    suggestion = suggest_grade(AREA_E, SOSFS_2015, findings)

    assert suggestion.grade == "D"
    assert suggestion.reasons == (
        Reason(ReasonKind.FORESKRIFT_NOT_MET, Grade.D, ("E1", "E3")),
        Reason(ReasonKind.ALLMANT_RAD_NOT_MET, Grade.C, ("E8",)),
        Reason(ReasonKind.KVALITETSINDIKATOR_NOT_MET, Grade.B, ("E14", "E15")),
    )


def test_quality_indicator_within_limit_is_not_a_reason_when_grade_is_worse_than_a() -> None:
    findings = all_met(AREA_E, SOSFS_2015, E9=DELVIS, E14=DELVIS)

    suggestion = suggest_grade(AREA_E, SOSFS_2015, findings)

    assert suggestion.reasons == (Reason(ReasonKind.ALLMANT_RAD_NOT_MET, Grade.C, ("E9",)),)


def test_reason_lists_criteria_in_catalog_order_whatever_the_order_of_findings() -> None:
    findings = {"E12": DELVIS, "E10": EJ_UPPFYLLT, "E8": DELVIS}

    suggestion = suggest_grade(AREA_E, SOSFS_2015, findings)

    assert suggestion.reasons[0].criteria == ("E8", "E10", "E12")


def test_allmant_rad_on_a_scale_without_c_comes_before_quality_indicators() -> None:
    area = AreaRule(
        "X", ABD, (CriterionRule("X1", AR, BOTH), *criteria("K", range(1, 3), KI, BOTH))
    )

    suggestion = suggest_grade(area, SOSFS_2015, {"X1": DELVIS, "K1": DELVIS, "K2": DELVIS})

    assert suggestion.grade == "B"
    assert [reason.kind for reason in suggestion.reasons] == [
        ReasonKind.ALLMANT_RAD_NOT_MET,
        ReasonKind.KVALITETSINDIKATOR_NOT_MET,
    ]


def test_ej_relevant_criteria_are_left_out() -> None:
    findings = all_met(AREA_E, HSLF_2021, E2=EJ_RELEVANT, E10=EJ_RELEVANT, E14=EJ_RELEVANT)
    findings["E15"] = DELVIS

    suggestion = suggest_grade(AREA_E, HSLF_2021, findings, max_ki_exceptions=1)

    # E14 found not relevant is no exception, so E15 is the only one and the grade stays A.
    assert suggestion == Suggestion(
        grade=Grade.A,
        complete=True,
        reasons=(Reason(ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT, Grade.A, ("E15",)),),
        missing=(),
        total=14,
    )


def test_unassessed_criteria_are_missing_and_the_grade_comes_from_the_rest() -> None:
    suggestion = suggest_grade(AREA_E, SOSFS_2015, {"E1": UPPFYLLT, "E8": DELVIS})

    assert suggestion.grade == "C"
    assert not suggestion.complete
    # Catalog order; E5–E7 apply to 2021 only and are not missing for 2015.
    assert suggestion.missing == (
        "E2",
        "E3",
        "E4",
        "E9",
        "E10",
        "E11",
        "E12",
        "E13",
        "E14",
        "E15",
    )


def test_no_findings_gives_no_suggestion_not_an_a() -> None:
    suggestion = suggest_grade(AREA_E, HSLF_2021, {})

    assert suggestion.grade is None
    assert suggestion.reasons == ()
    assert not suggestion.complete
    assert suggestion.missing == tuple(f"E{n}" for n in (*range(1, 13), 14, 15))
    assert (suggestion.assessed, suggestion.total) == (0, 14)


def test_only_ej_relevant_findings_give_no_suggestion() -> None:
    some = suggest_grade(AREA_A, SOSFS_2015, {"A1": EJ_RELEVANT, "A4": EJ_RELEVANT})
    every = suggest_grade(AREA_A, SOSFS_2015, dict.fromkeys(("A1", "A2", "A3", "A4"), EJ_RELEVANT))

    assert (some.grade, some.complete, some.assessed, some.total) == (None, False, 2, 4)
    assert (every.grade, every.complete, every.assessed, every.total) == (None, True, 4, 4)
    assert some.reasons == every.reasons == ()


def test_one_finding_beside_the_unassessed_gives_the_best_grade_still_possible() -> None:
    suggestion = suggest_grade(AREA_E, HSLF_2021, {"E1": UPPFYLLT})

    assert suggestion.grade == "A"
    assert not suggestion.complete
    assert (suggestion.assessed, suggestion.total) == (1, 14)


def test_criteria_for_gives_the_criteria_of_each_regulation_in_order() -> None:
    codes_2015 = [c.code for c in AREA_E.criteria_for(SOSFS_2015)]
    codes_2021 = [c.code for c in AREA_E.criteria_for(HSLF_2021)]

    assert codes_2015 == [f"E{n}" for n in (1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15)]
    assert codes_2021 == [f"E{n}" for n in (*range(1, 13), 14, 15)]


def test_area_without_c_never_gives_c() -> None:
    assert suggest_grade(AREA_A, SOSFS_2015, all_met(AREA_A, SOSFS_2015, A4=DELVIS)).grade == "A"
    assert (
        suggest_grade(
            AREA_A, SOSFS_2015, all_met(AREA_A, SOSFS_2015, A4=DELVIS), max_ki_exceptions=0
        ).grade
        == "B"
    )
    assert suggest_grade(AREA_A, SOSFS_2015, all_met(AREA_A, SOSFS_2015, A2=DELVIS)).grade == "D"


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("A", "D", "D"), ("C", "B", "C"), ("B", "B", "B")]
)
def test_worse_gives_the_worse_grade(a: str, b: str, expected: str) -> None:
    assert worse(a, b) == expected
    assert worse(b, a) == expected


@pytest.mark.parametrize("outcome", list(Outcome))
def test_parse_outcome_reads_each_stored_value(outcome: Outcome) -> None:
    assert parse_outcome(outcome.value) is outcome


def test_findings_as_plain_strings_grade_like_outcomes() -> None:
    findings: dict[str, str] = {"E1": "delvis"}

    suggestion = suggest_grade(AREA_E, SOSFS_2015, findings)  # type: ignore[arg-type]  # on purpose

    assert suggestion.grade == "D"


# --- Input errors ------------------------------------------------------------------------------


def test_grading_input_error_is_a_value_error() -> None:
    assert issubclass(GradingInputError, ValueError)


def test_unknown_regulation_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Okänd föreskrift 'SOSFS 2011:1'"):
        suggest_grade(AREA_E, "SOSFS 2011:1", {})


def test_criteria_for_an_unknown_regulation_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Okänd föreskrift 'HSLF-FS 2021:9'"):
        AREA_E.criteria_for("HSLF-FS 2021:9")


def test_finding_on_a_criterion_of_another_area_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Område E har inget kriterium med koden D1, E99"):
        suggest_grade(AREA_E, SOSFS_2015, {"E1": UPPFYLLT, "E99": DELVIS, "D1": UPPFYLLT})


@pytest.mark.parametrize(
    ("regulation", "code", "only"),
    [(HSLF_2021, "E13", SOSFS_2015), (SOSFS_2015, "E5", HSLF_2021)],
)
def test_finding_on_a_criterion_of_the_other_regulation_is_refused(
    regulation: str, code: str, only: str
) -> None:
    expected = rf"Kriteriet {code} gäller inte {regulation} \(endast {only}\)"
    with pytest.raises(GradingInputError, match=expected):
        suggest_grade(AREA_E, regulation, {code: UPPFYLLT})


def test_negative_max_ki_exceptions_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"kvalitetsindikatorerna.*negativt.*-1"):
        suggest_grade(AREA_E, SOSFS_2015, {}, max_ki_exceptions=-1)


@pytest.mark.parametrize("value", ["Uppfyllt", "delvis uppfyllt", "ej bedömt", ""])
def test_parse_outcome_refuses_anything_but_the_exact_values(value: str) -> None:
    expected = (
        rf"Okänt utfall {value!r}\. Giltiga värden är uppfyllt, delvis, ej_uppfyllt, ej_relevant"
    )
    with pytest.raises(GradingInputError, match=expected):
        parse_outcome(value)


def test_misspelt_outcome_in_findings_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Okänt utfall 'Delvis' för kriteriet E2"):
        suggest_grade(AREA_E, SOSFS_2015, {"E2": "Delvis"})  # type: ignore[dict-item]  # on purpose


def test_worse_refuses_an_unknown_grade() -> None:
    with pytest.raises(GradingInputError, match=r"Okänt betyg 'E'"):
        worse("A", "E")


@pytest.mark.parametrize("scale", [("A", "B", "C"), ("A", "C", "D"), ("D", "C", "B", "A"), ()])
def test_area_with_an_unknown_scale_is_refused(scale: tuple[str, ...]) -> None:
    with pytest.raises(GradingInputError, match=r"Område X har betygsskalan"):
        AreaRule("X", scale, ())


def test_area_with_two_criteria_of_the_same_code_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Område X har flera kriterier med koden X1\b"):
        AreaRule("X", ABCD, (CriterionRule("X1", F, BOTH), CriterionRule("X1", AR, ONLY_2015)))


def test_criterion_with_an_unknown_regulation_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Kriteriet X1 anger okänd föreskrift SOSFS 2015"):
        CriterionRule("X1", F, frozenset({"SOSFS 2015"}))


def test_criterion_of_no_regulation_is_refused() -> None:
    with pytest.raises(GradingInputError, match=r"Kriteriet X1 gäller ingen föreskrift"):
        CriterionRule("X1", F, frozenset())


# --- Properties --------------------------------------------------------------------------------

Case = tuple[AreaRule, str, dict[str, Outcome], int]


@st.composite
def areas(draw: st.DrawFn) -> AreaRule:
    specs = draw(
        st.lists(
            st.tuples(st.sampled_from(Level), st.sets(st.sampled_from(REGULATIONS), min_size=1)),
            max_size=10,
        )
    )
    return AreaRule(
        "X",
        draw(st.sampled_from([ABCD, ABD])),
        tuple(CriterionRule(f"X{i}", level, frozenset(r)) for i, (level, r) in enumerate(specs)),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """An area, a regulation, findings on some of its criteria (others unassessed), a limit N."""
    area = draw(areas())
    regulation = draw(st.sampled_from(REGULATIONS))
    findings: dict[str, Outcome] = {}
    for criterion in area.criteria_for(regulation):
        outcome = draw(st.none() | st.sampled_from(Outcome))
        if outcome is not None:
            findings[criterion.code] = outcome
    return area, regulation, findings, draw(st.integers(min_value=0, max_value=3))


@st.composite
def cases_with_a_new_criterion(draw: st.DrawFn) -> tuple[Case, AreaRule]:
    """A case and its area with one more criterion "NY" that applies to the case's regulation."""
    case = draw(cases())
    area, regulation, _, _ = case
    others = draw(st.sets(st.sampled_from(REGULATIONS)))
    new = CriterionRule("NY", draw(st.sampled_from(Level)), frozenset({regulation, *others}))
    at = draw(st.integers(min_value=0, max_value=len(area.criteria)))
    return case, replace(area, criteria=(*area.criteria[:at], new, *area.criteria[at:]))


def not_fully_met(
    area: AreaRule, regulation: str, findings: dict[str, Outcome], level: Level
) -> list[str]:
    return [
        c.code
        for c in area.criteria_for(regulation)
        if c.level == level and findings.get(c.code) in NOT_FULLY_MET
    ]


@given(cases_with_a_new_criterion(), st.sampled_from(NOT_FULLY_MET))
def test_a_foreskrift_not_met_always_gives_d(
    case_and_area: tuple[Case, AreaRule], outcome: Outcome
) -> None:
    (_, regulation, findings, limit), area = case_and_area
    area = replace(
        area, criteria=tuple(replace(c, level=F) if c.code == "NY" else c for c in area.criteria)
    )

    suggestion = suggest_grade(
        area, regulation, {**findings, "NY": outcome}, max_ki_exceptions=limit
    )

    assert suggestion.grade == "D"
    assert suggestion.reasons[0].kind is ReasonKind.FORESKRIFT_NOT_MET
    assert "NY" in suggestion.reasons[0].criteria


@given(cases())
def test_d_only_when_a_foreskrift_is_not_met(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    assert (suggestion.grade == "D") == bool(not_fully_met(area, regulation, findings, F))


@given(cases_with_a_new_criterion())
def test_ej_relevant_is_the_same_as_leaving_the_criterion_out(
    case_and_area: tuple[Case, AreaRule],
) -> None:
    (area, regulation, findings, limit), with_new = case_and_area

    without = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)
    ej_relevant = suggest_grade(
        with_new, regulation, {**findings, "NY": EJ_RELEVANT}, max_ki_exceptions=limit
    )
    unassessed = suggest_grade(with_new, regulation, findings, max_ki_exceptions=limit)

    # It counts among the criteria in scope, and changes nothing else.
    assert replace(ej_relevant, total=without.total) == without
    assert ej_relevant.total == without.total + 1
    # Left unassessed instead, the criterion changes only the completeness.
    assert (
        replace(unassessed, complete=without.complete, missing=without.missing, total=without.total)
        == without
    )
    assert "NY" in unassessed.missing


@given(cases())
def test_changing_a_finding_to_uppfyllt_never_worsens_the_grade(case: Case) -> None:
    area, regulation, findings, limit = case
    before = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    for criterion in area.criteria_for(regulation):
        after = suggest_grade(
            area, regulation, {**findings, criterion.code: UPPFYLLT}, max_ki_exceptions=limit
        )
        assert after.grade is not None, criterion.code  # something met is something to grade
        if before.grade is not None:
            assert rank(after.grade) <= rank(before.grade), criterion.code


@given(cases())
def test_changing_a_finding_to_ej_uppfyllt_never_improves_the_grade(case: Case) -> None:
    area, regulation, findings, limit = case
    before = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    for criterion in area.criteria_for(regulation):
        after = suggest_grade(
            area, regulation, {**findings, criterion.code: EJ_UPPFYLLT}, max_ki_exceptions=limit
        )
        assert after.grade is not None, criterion.code
        if before.grade is not None:
            assert rank(after.grade) >= rank(before.grade), criterion.code


@given(cases())
def test_unassessed_criteria_count_as_met_once_something_is_graded(case: Case) -> None:
    area, regulation, findings, limit = case
    filled = all_met(area, regulation) | findings

    partial = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)
    full = suggest_grade(area, regulation, filled, max_ki_exceptions=limit)

    assert full.complete
    if partial.grade is not None:
        assert (partial.grade, partial.reasons) == (full.grade, full.reasons)


def graded(area: AreaRule, regulation: str, findings: dict[str, Outcome]) -> list[str]:
    """The criteria in scope with a finding the rules grade: any but *ej relevant*."""
    return [
        c.code
        for c in area.criteria_for(regulation)
        if c.code in findings and findings[c.code] is not EJ_RELEVANT
    ]


@given(cases())
def test_no_suggestion_exactly_while_nothing_but_ej_relevant_is_found(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    assert (suggestion.grade is None) == (not graded(area, regulation, findings))
    if suggestion.grade is None:
        assert suggestion.reasons == ()
        assert all(findings[code] is EJ_RELEVANT for code in findings)


@given(cases())
def test_assessed_and_total_count_the_criteria_in_scope(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    assert suggestion.total == len(area.criteria_for(regulation))
    assert suggestion.assessed == len(findings)
    assert suggestion.assessed + len(suggestion.missing) == suggestion.total


@given(cases(), st.sampled_from([UPPFYLLT, DELVIS, EJ_UPPFYLLT]))
def test_the_first_graded_finding_gives_a_suggestion(case: Case, outcome: Outcome) -> None:
    area, regulation, findings, limit = case
    only_ej_relevant = {code: o for code, o in findings.items() if o is EJ_RELEVANT}
    open_criteria = [c.code for c in area.criteria_for(regulation) if c.code not in findings]
    assume(open_criteria)

    before = suggest_grade(area, regulation, only_ej_relevant, max_ki_exceptions=limit)
    after = suggest_grade(
        area, regulation, {**only_ej_relevant, open_criteria[0]: outcome}, max_ki_exceptions=limit
    )

    assert before.grade is None
    assert after.grade in area.scale
    assert after.assessed == before.assessed + 1


@given(cases())
def test_complete_exactly_when_nothing_is_missing(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    assert suggestion.complete == (suggestion.missing == ())


@given(cases())
def test_missing_is_exactly_the_unassessed_criteria_of_the_regulation(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    in_scope = [c.code for c in area.criteria_for(regulation)]
    assert list(suggestion.missing) == [code for code in in_scope if code not in findings]


@given(cases())
def test_grade_is_on_the_area_scale(case: Case) -> None:
    area, regulation, findings, limit = case

    grade = suggest_grade(area, regulation, findings, max_ki_exceptions=limit).grade
    assert grade is None or grade in area.scale


@given(cases(), st.integers(min_value=0, max_value=3))
def test_a_larger_max_ki_exceptions_never_worsens_the_grade(case: Case, more: int) -> None:
    area, regulation, findings, limit = case

    strict = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)
    lenient = suggest_grade(area, regulation, findings, max_ki_exceptions=limit + more)

    assert (lenient.grade is None) == (strict.grade is None)
    if strict.grade is not None and lenient.grade is not None:
        assert rank(lenient.grade) <= rank(strict.grade)


@given(cases())
def test_first_reason_decides_the_grade(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    if suggestion.grade is None:
        assert suggestion.reasons == ()  # no grade, so nothing decided it
        return
    assert suggestion.reasons[0].grade == suggestion.grade
    # The further reasons are told for information: none of them is worse than the first.
    assert all(rank(r.grade) <= rank(suggestion.grade) for r in suggestion.reasons)


@given(cases())
def test_reasons_name_only_criteria_in_scope_and_a_only_with_its_own_reason(case: Case) -> None:
    area, regulation, findings, limit = case

    suggestion = suggest_grade(area, regulation, findings, max_ki_exceptions=limit)

    kinds = [reason.kind for reason in suggestion.reasons]
    within_limit = ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT
    assert (suggestion.grade == "A") == (kinds == [within_limit])
    assert len(kinds) == len(set(kinds))
    for reason in suggestion.reasons:
        level = {
            ReasonKind.FORESKRIFT_NOT_MET: F,
            ReasonKind.ALLMANT_RAD_NOT_MET: AR,
            ReasonKind.KVALITETSINDIKATOR_NOT_MET: KI,
            ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT: KI,
        }[reason.kind]
        assert list(reason.criteria) == not_fully_met(area, regulation, findings, level)


def test_the_grading_rules_import_no_django() -> None:
    """The rules are plain Python: importing them loads no part of Django."""
    import subprocess
    import sys

    script = "import sys, granska.grading; print(sorted(m for m in sys.modules if 'django' in m))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={}
    )
    assert result.stdout.strip() == "[]"
