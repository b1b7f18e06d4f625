"""The survey's results: the anonymity rules of `granska.surveys.results`, as properties over
random answer sets and group sizes, then on the rows Granska stores (selectors, CSV, XLSX)."""

import csv
import io
import random
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.surveys.models import Round, Statement
from granska.surveys.results import (
    AnswerRow,
    AreaRow,
    RoundResults,
    StatementRow,
    export_rows,
    response_rate_sentence,
    results_build,
    round_results,
)
from granska.surveys.services import answer_submit, round_close
from granska.surveys.vocabulary import ANONYMOUS, IDENTIFIABLE, SCALE, Group, Value
from tests.builders import kansli_user, review_at
from tests.factories import UserFactory
from tests.survey_builders import answered, invited, questionnaire_small, round_for

AREAS = [AreaRow("A", "Area A", "Mer?"), AreaRow("B", "Area B", "Mer?")]
STATEMENTS = [
    StatementRow("A", "A1", "Ett", ("st_lakare", "handledare"), ("A1",)),
    StatementRow("A", "A2", "Två", ("st_lakare",), ("A1", "A2")),
    StatementRow("A", "A3", "Tre", ("studierektor", "verksamhetschef"), ("A1",)),
    StatementRow("B", "B1", "Fyra", ("st_lakare", "handledare"), ("B1",)),
]
CODES = {g: [s.code for s in STATEMENTS if g.value in s.groups] for g in Group}
ANSWER_VALUES = st.sampled_from([None, *(v.value for v in Value)])  # None: not answered


@st.composite
def answer_sets(draw: st.DrawFn) -> list[AnswerRow]:
    answers = []
    for group in Group:
        for _n in range(draw(st.integers(0, 9 if group in ANONYMOUS else 2))):
            values = {c: v for c in CODES[group] if (v := draw(ANSWER_VALUES)) is not None}
            text = {a.code: draw(st.sampled_from(["", "Bra", "Dåligt", "=1+1"])) for a in AREAS}
            answers.append(AnswerRow(group.value, values, {k: v for k, v in text.items() if v}))
    return answers


def build(answers: list[AnswerRow], threshold: int, *, personal: bool = True) -> RoundResults:
    invited_counts: dict[str, int] = {}
    for a in answers:
        invited_counts[a.group] = invited_counts.get(a.group, 0) + 1
    invited_counts = {g: n + 3 for g, n in invited_counts.items()}
    return results_build(
        areas=AREAS,
        statements=STATEMENTS,
        answers=answers,
        invited=invited_counts,
        threshold=threshold,
        closed=True,
        personal=personal,
    )


def scrambled(answer: AnswerRow, codes: set[str] | None, rng: random.Random) -> AnswerRow:
    """The same answer with other values of the scale where it had one (for `codes`, or all),
    and other free text: what a hidden answer may be without changing what is shown."""
    values = {
        code: rng.choice(SCALE).value
        if value != Value.EJ_RELEVANT and (codes is None or code in codes)
        else value
        for code, value in answer.values.items()
    }
    text = {k: rng.choice(["X", "Y"]) for k in answer.free_text} if codes is None else {}
    return replace(answer, values=values, free_text=text or answer.free_text)


@given(answer_sets(), st.integers(1, 6), st.randoms())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_nothing_shown_depends_on_a_hidden_group_or_statement(
    answers: list[AnswerRow], threshold: int, rng: random.Random
) -> None:
    """Whatever a group below the threshold answered, and whatever the few who answered a
    statement on the scale answered it, every result is the same: nothing shown (no figure, no
    total, no combination) can be derived from them."""
    result = build(answers, threshold)
    sizes = {g: sum(1 for a in answers if a.group == g.value) for g in Group}
    hidden_groups = {g.value for g in ANONYMOUS if sizes[g] < threshold}
    # The statements fewer than the threshold answered on the scale, per group shown.
    hidden_statements: dict[str, set[str]] = {}
    for group in ANONYMOUS:
        if group.value in hidden_groups:
            continue
        for code in CODES[group]:
            scale = [a for a in answers if a.group == group.value and a.values.get(code) in SCALE]
            if len(scale) < threshold:
                hidden_statements.setdefault(group.value, set()).add(code)
    other = [
        scrambled(a, None, rng)
        if a.group in hidden_groups
        else scrambled(a, hidden_statements[a.group], rng)
        if a.group in hidden_statements
        else a
        for a in answers
    ]
    assert build(other, threshold) == result
    assert build(other, threshold, personal=False) == build(answers, threshold, personal=False)


@given(answer_sets(), st.integers(1, 6))
@settings(max_examples=150)
def test_every_figure_is_one_group_at_or_above_the_threshold(
    answers: list[AnswerRow], threshold: int
) -> None:
    result = build(answers, threshold)
    sizes = {g: sum(1 for a in answers if a.group == g.value) for g in Group}
    assert result.shown_groups == {g for g in ANONYMOUS if sizes[g] >= threshold}
    for area in result.areas:
        for statement in area.statements:
            for group_result in statement.groups:
                assert group_result.group in ANONYMOUS
                dist = group_result.distribution
                if dist is None:
                    continue
                assert sizes[group_result.group] >= threshold
                mine = [
                    a.values[statement.code]
                    for a in answers
                    if a.group == group_result.group.value and statement.code in a.values
                ]
                assert dist.answered >= threshold
                assert dist.counts == tuple(mine.count(v.value) for v in SCALE)
                assert dist.not_relevant == mine.count(Value.EJ_RELEVANT.value)
                assert dist.answered == sum(dist.counts)
                assert sum(dist.shares) == pytest.approx(1)
        for text in area.free_text:
            assert text.group in result.shown_groups
            assert list(text.texts) == sorted(text.texts)
        for personal in area.personal:
            assert personal.group in IDENTIFIABLE


@given(answer_sets(), st.integers(1, 6))
@settings(max_examples=60)
def test_while_open_only_the_counts(answers: list[AnswerRow], threshold: int) -> None:
    result = results_build(
        areas=AREAS,
        statements=STATEMENTS,
        answers=answers,
        invited={g.value: 20 for g in Group},
        threshold=threshold,
        closed=False,
        personal=True,
    )
    assert result.areas == ()
    assert result.shown_groups == frozenset()
    assert {r.group: r.answered for r in result.rates} == {
        g: sum(1 for a in answers if a.group == g.value) for g in Group
    }


@given(answer_sets(), st.integers(1, 6))
@settings(max_examples=60)
def test_without_read_personal_no_free_text_nor_identifiable_answer(
    answers: list[AnswerRow], threshold: int
) -> None:
    result = build(answers, threshold, personal=False)
    assert all(not a.free_text and not a.personal for a in result.areas)


def test_a_statement_few_answered_is_hidden_though_the_group_is_shown() -> None:
    """10 answered the survey, 2 of them statement A2 (the rest ej relevant or nothing)."""
    answers = [AnswerRow("st_lakare", {"A1": "helt", "A2": "inte_alls"}, {}) for _ in range(2)]
    answers += [AnswerRow("st_lakare", {"A1": "ganska_bra", "A2": "ej_relevant"}, {})] * 4
    answers += [AnswerRow("st_lakare", {"A1": "helt"}, {})] * 4
    result = build(answers, 4)
    a1, a2 = result.areas[0].statements[:2]
    st_a1 = next(r for r in a1.groups if r.group == Group.ST_LAKARE)
    st_a2 = next(r for r in a2.groups if r.group == Group.ST_LAKARE)
    assert st_a1.distribution is not None
    assert st_a1.distribution.counts == (6, 4, 0, 0)
    assert st_a1.distribution.shares == (0.6, 0.4, 0, 0)
    assert st_a2.distribution is None
    assert result.for_criterion("A2") == (a2,)
    assert result.for_criterion("A1") == result.areas[0].statements[:3]


# ---- On the stored rows -------------------------------------------------------------------------


def answer_each(
    round_: Round, group: Group, rows: list[tuple[dict[str, str], dict[str, str]]]
) -> None:
    start = round_.invitations.count() + round_.answers.count()
    addresses = [f"person{start + n}.{group.value}@enhet.test" for n in range(len(rows))]
    tokens = invited(round_, "\n".join(addresses), group)
    for address, (values, text) in zip(addresses, rows, strict=True):
        answer_submit(token=tokens[address], values=values, free_text=text)


@pytest.fixture
def survey(protocol: ProtocolVersion) -> Round:
    questionnaire_small(protocol)
    inspector = UserFactory(role=Role.INSPEKTOR)
    review = review_at(Status.FORBEREDELSE, protocol, inspectors=[inspector])
    return round_for(review)


def inspector_of(round_: Round) -> User:
    return round_.review.assignments.get().inspector


def test_the_response_rate_sentence_names_the_anonymous_groups(survey: Round) -> None:
    answered(survey, Group.ST_LAKARE, 3)
    invited(survey, "x1@enhet.test\nx2@enhet.test", Group.ST_LAKARE)
    answered(survey, Group.HANDLEDARE, 1)
    answered(survey, Group.STUDIEREKTOR, 1)
    with translation.override("sv"):
        assert response_rate_sentence(survey) == (
            "Enkäten besvarades av 3 av 5 ST-läkare och 1 av 1 handledare."
        )
        rates = round_results(by=kansli_user(), round_=survey).rates
        assert [r.text for r in rates] == [
            "3 av 5 ST-läkare har svarat",
            "1 av 1 handledare har svarat",
            "1 av 1 studierektor har svarat",
        ]
    with translation.override("en"):
        assert response_rate_sentence(survey) == (
            "The survey was answered by 3 of 5 ST doctors and 1 of 1 supervisor."
        )


def test_the_results_are_refused_to_the_unit(survey: Round) -> None:
    member = UserFactory(role=Role.VERKSAMHET)
    survey.review.unit.members.add(member)
    with pytest.raises(PermissionDenied):
        round_results(by=member, round_=survey)
    with pytest.raises(PermissionDenied):
        export_rows(by=member, round_=survey)


def test_the_export_is_refused_while_open(survey: Round) -> None:
    answered(survey, Group.ST_LAKARE, 5)
    with pytest.raises(ValidationError):
        export_rows(by=kansli_user(), round_=survey)


def closed_mixed(survey: Round) -> Round:
    """5 ST-läkare (one writing "=HYPERLINK" in area A), 3 handledare (below 4), a
    studierektor writing "Hemligt"."""
    st_values = {
        s.code: "ganska_bra"
        for s in Statement.objects.filter(area__questionnaire=survey.questionnaire)
        if "st_lakare" in s.groups
    }
    answer_each(
        survey,
        Group.ST_LAKARE,
        [(st_values, {"A": '=HYPERLINK("x")'})] + [(st_values, {"A": "Bra handledning"})] * 4,
    )
    answer_each(survey, Group.HANDLEDARE, [({"A1": "inte_alls"}, {"A": "Handledartext"})] * 3)
    answer_each(survey, Group.STUDIEREKTOR, [({"A3": "ganska_daligt"}, {"A": "Hemligt"})])
    return round_close(by=None, round_=survey)


def test_the_exports_hold_only_the_groups_shown(client: Client, survey: Round) -> None:
    round_ = closed_mixed(survey)
    client.force_login(kansli_user())
    with translation.override("sv"):
        response = client.get(reverse("surveys:results-csv", args=[round_.review_id]))
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Område", "Påstående", "Text", "Grupp"]
    groups = {row[3] for row in rows[1:]}
    assert groups == {"ST-läkare"}
    a1 = next(row for row in rows if row[1] == "A1")
    assert a1[4:8] == ["0", "5", "0", "0"]
    assert a1[-1] == "5"
    for secret in ("HYPERLINK", "Bra handledning", "Handledartext", "Hemligt", "studierektor"):
        assert secret.lower() not in body.lower()
    with translation.override("sv"):
        xlsx = client.get(reverse("surveys:results-xlsx", args=[round_.review_id]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:4] == ["Område", "Påstående", "Text", "Grupp"]
    assert {row[3] for row in cells[1:]} == {"ST-läkare"}
    flat = " ".join(str(v) for row in cells for v in row).lower()
    for secret in ("hyperlink", "bra handledning", "handledartext", "hemligt", "studierektor"):
        assert secret not in flat
    assert len(cells) == len(rows)


def test_a_formula_in_a_statement_is_not_run(client: Client, survey: Round) -> None:
    Statement.objects.filter(code="A1").update(text='=HYPERLINK("http://x")')
    answered(survey, Group.ST_LAKARE, 4)
    round_close(by=None, round_=survey)
    client.force_login(kansli_user())
    body = client.get(reverse("surveys:results-csv", args=[survey.review_id])).content.decode()
    assert "'=HYPERLINK" in body
    xlsx = client.get(reverse("surveys:results-xlsx", args=[survey.review_id]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYP"))
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    ("st_count", "supervisors", "threshold"),
    [(0, 0, 4), (3, 5, 4), (5, 3, 4), (4, 4, 4), (6, 1, 4), (5, 5, 6)],
)
def test_no_output_carries_a_hidden_group(
    client: Client, protocol: ProtocolVersion, st_count: int, supervisors: int, threshold: int
) -> None:
    """The page, the CSV and the XLSX have figures of the groups at or above the threshold only:
    the handledare answer "inte alls" to all, the ST-läkare "helt", so a bar or a count of
    "inte alls" anywhere would be theirs."""
    questionnaire_small(protocol)
    review = review_at(Status.FORBEREDELSE, protocol)
    round_ = round_for(review)
    Round.objects.filter(pk=round_.pk).update(min_answers=threshold)
    round_.refresh_from_db()
    for group, count, value in (
        (Group.ST_LAKARE, st_count, "helt"),
        (Group.HANDLEDARE, supervisors, "inte_alls"),
    ):
        if count:
            answered(round_, group, count, value)
    round_close(by=None, round_=round_)
    client.force_login(kansli_user())
    with translation.override("sv"):
        page = client.get(reverse("surveys:results", args=[review.pk])).content.decode()
        body = client.get(reverse("surveys:results-csv", args=[review.pk])).content.decode()
        xlsx = client.get(reverse("surveys:results-xlsx", args=[review.pk])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    xlsx_groups = {row[3].value for row in list(sheet.iter_rows())[1:]}
    csv_groups = {line.split(";")[3] for line in body.splitlines()[1:]}
    for group, label, count in (
        (Group.ST_LAKARE, "ST-läkare", st_count),
        (Group.HANDLEDARE, "handledare", supervisors),
    ):
        shown = count >= threshold
        assert (label in csv_groups) == shown
        assert (label in xlsx_groups) == shown
        assert (f'id="caption-A-{group.value}"' in page) == shown
        assert f"{count} av {count} {label} har svarat" in page or count == 0
    if supervisors < threshold:
        assert 'class="bar bar-3"' not in page
        assert "(100 %)" not in page or st_count >= threshold
        assert all(line.split(";")[7] == "0" for line in body.splitlines()[1:])


@given(answer_sets(), st.integers(1, 6), st.randoms(), st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_page_and_exports_do_not_depend_on_a_hidden_group(
    answers: list[AnswerRow], threshold: int, rng: random.Random, personal: bool
) -> None:
    """The page's HTML and the export's cells, rendered from random results, are the same
    whatever a hidden group or a statement answered by too few said, and name no group below
    the threshold nor an identifiable one."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from granska.surveys.results import export_rows_of, sentence_of
    from granska.web.views.survey_results import export_cells, results_context

    review = SimpleNamespace(pk=1, unit=SimpleNamespace(name="Enheten"))
    round_ = SimpleNamespace(closes_on=None)

    def outputs(rows: list[AnswerRow]) -> tuple[str, list[list[object]]]:
        results = build(rows, threshold, personal=personal)
        with translation.override("sv"):
            html = render_to_string(
                "surveys/results.html",
                results_context(review, round_, results, sentence_of(results.rates)),
            )
            cells = [export_cells(row) for row in export_rows_of(results)]
        return html, cells

    html, cells = outputs(answers)
    sizes = {g: sum(1 for a in answers if a.group == g.value) for g in Group}
    hidden = {g.value for g in ANONYMOUS if sizes[g] < threshold}
    hidden_statements: dict[str, set[str]] = {}
    for group in ANONYMOUS:
        for code in CODES[group]:
            scale = [a for a in answers if a.group == group.value and a.values.get(code) in SCALE]
            if group.value not in hidden and len(scale) < threshold:
                hidden_statements.setdefault(group.value, set()).add(code)
    other = [
        scrambled(a, None, rng)
        if a.group in hidden
        else scrambled(a, hidden_statements[a.group], rng)
        if a.group in hidden_statements
        else a
        for a in answers
    ]
    assert outputs(other) == (html, cells)
    labels = {"st_lakare": "ST-läkare", "handledare": "handledare"}
    exported = {row[3] for row in cells}
    assert exported <= {labels[g] for g in labels if g not in hidden}
    for code in hidden:
        assert f'id="caption-A-{code}"' not in html
    if not personal:
        assert "Fritext" not in html
        assert "Studierektorns svar" not in html
