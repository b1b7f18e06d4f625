"""Reading a round's results, with the anonymity rules of SPEC §7 built in.

Every selector here takes the person who reads and checks them (`require`), and every figure it
gives has passed the threshold (`services.min_answers`) where it is made, so that no page,
export or report can show more than these rules allow:

- the response rate per group is always shown ("10 av 15 ST-läkare har svarat");
- while the round is open, only that: no distribution at all;
- once it has closed, a statement's distribution for an anonymous group only when the group
  has at least the threshold's answers AND at least that many answered the statement on the
  scale (10 answered the survey, 2 the statement: that statement is hidden for the group);
- no figure across groups, ever: every distribution is one group's, so nothing hidden can be
  derived by subtracting what is shown from a total;
- free text only of a group at or above the threshold, sorted (not in the order it came), and
  only to those with `surveys.read_personal`;
- the answers of the groups that are one person (`IDENTIFIABLE`) only to those with
  `surveys.read_personal`, as theirs, never in an export, a report or the statistics.

`results_build` is the rule itself, on plain data, so that it can be tested without a database;
the selectors read the rows and call it.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.accounts.models import User
from granska.accounts.rules import holds, require
from granska.reviews.models import Review
from granska.surveys.models import (
    Answer,
    GroupChoice,
    Invitation,
    Round,
    RoundGroup,
    Statement,
    ValueChoice,
)
from granska.surveys.services import min_answers
from granska.surveys.vocabulary import ANONYMOUS, IDENTIFIABLE, SCALE, Group, Value


@dataclass(frozen=True)
class ResponseRate:
    """How many of a group were invited and how many answered."""

    group: Group
    label: str
    invited: int
    answered: int
    text: str  # "10 av 15 ST-läkare har svarat"


@dataclass(frozen=True)
class Distribution:
    """One group's answers to one statement: the four values of the scale, most agreeing first,
    their shares of `answered` (the answers on the scale), and *ej relevant* apart."""

    counts: tuple[int, int, int, int]
    shares: tuple[float, float, float, float]
    not_relevant: int
    answered: int

    @property
    def pairs(self) -> tuple[tuple[int, float], ...]:
        """(count, share) of each value of the scale."""
        return tuple(zip(self.counts, self.shares, strict=True))


@dataclass(frozen=True)
class GroupResult:
    """A statement's result for one anonymous group; `distribution` None is "för få svar"."""

    group: Group
    label: str
    distribution: Distribution | None


@dataclass(frozen=True)
class StatementResult:
    code: str
    text: str
    criteria: tuple[str, ...]
    groups: tuple[GroupResult, ...]


@dataclass(frozen=True)
class FreeText:
    """A group's free text of an area, sorted."""

    group: Group
    label: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class PersonalAnswer:
    """The answer of one person of an identifiable group in an area, shown as theirs:
    (statement code, statement text, the value's label) and what they wrote."""

    group: Group
    label: str  # "Studierektorns svar"
    values: tuple[tuple[str, str, str], ...]
    free_text: str


@dataclass(frozen=True)
class AreaResult:
    code: str
    title: str
    question: str  # the area's free-text question
    statements: tuple[StatementResult, ...]
    free_text: tuple[FreeText, ...] = ()
    personal: tuple[PersonalAnswer, ...] = ()


@dataclass(frozen=True)
class RoundResults:
    """What the reader may see of a round. `areas` is empty while the round is open; the free
    text and `personal` answers are empty unless `personal_allowed`."""

    closed: bool
    threshold: int
    rates: tuple[ResponseRate, ...]
    areas: tuple[AreaResult, ...] = ()
    personal_allowed: bool = False
    shown_groups: frozenset[Group] = field(default_factory=frozenset)

    def for_criterion(self, code: str) -> tuple[StatementResult, ...]:
        """The statements mapped to criterion `code`, with their distributions per group."""
        return tuple(s for a in self.areas for s in a.statements if code in s.criteria)


@dataclass(frozen=True)
class GroupBlock:
    """One anonymous group's statements of an area, for a chart and its table."""

    group: Group
    label: str
    rows: tuple[tuple[StatementResult, GroupResult], ...]
    shown: bool  # the group has answers enough


def group_blocks(
    statements: tuple[StatementResult, ...], shown: frozenset[Group]
) -> list[GroupBlock]:
    """An area's statements per anonymous group, as a chart and its table show them."""
    blocks = []
    for group in ANONYMOUS:
        rows = tuple((s, r) for s in statements for r in s.groups if r.group == group)
        if rows:
            blocks.append(GroupBlock(group, rows[0][1].label, rows, group in shown))
    return blocks


# ---- Words ------------------------------------------------------------------------------------


def group_label(group: Group) -> str:
    return str(GroupChoice(group.value).label)


def rate_text(group: Group, answered: int, invited: int) -> str:
    """ "10 av 15 ST-läkare har svarat", the noun's number following those invited."""
    values = {"answered": answered, "invited": invited}
    match group:
        case Group.ST_LAKARE:
            text = ngettext(
                "%(answered)d of %(invited)d ST doctor has answered",
                "%(answered)d of %(invited)d ST doctors have answered",
                invited,
            )
        case Group.HANDLEDARE:
            text = ngettext(
                "%(answered)d of %(invited)d supervisor has answered",
                "%(answered)d of %(invited)d supervisors have answered",
                invited,
            )
        case Group.STUDIEREKTOR:
            text = ngettext(
                "%(answered)d of %(invited)d director of studies has answered",
                "%(answered)d of %(invited)d directors of studies have answered",
                invited,
            )
        case Group.VERKSAMHETSCHEF:
            text = ngettext(
                "%(answered)d of %(invited)d head of the unit has answered",
                "%(answered)d of %(invited)d heads of the unit have answered",
                invited,
            )
    return text % values


def _sentence_part(group: Group, answered: int, invited: int) -> str:
    values = {"answered": answered, "invited": invited}
    if group == Group.ST_LAKARE:
        text = ngettext(
            "%(answered)d of %(invited)d ST doctor",
            "%(answered)d of %(invited)d ST doctors",
            invited,
        )
    else:
        text = ngettext(
            "%(answered)d of %(invited)d supervisor",
            "%(answered)d of %(invited)d supervisors",
            invited,
        )
    return text % values


def sentence_of(rates: Iterable[ResponseRate]) -> str:
    """The report's sentence of the anonymous groups' rates, "" when none was invited."""
    parts = [
        _sentence_part(r.group, r.answered, r.invited)
        for r in rates
        if r.group in ANONYMOUS and r.invited
    ]
    if not parts:
        return ""
    listed = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    )
    return _("The survey was answered by %(rates)s.") % {"rates": listed}


def personal_label(group: Group, number: int, of: int) -> str:
    """ "Studierektorns svar", numbered when the group had more than one answer."""
    if group == Group.STUDIEREKTOR:
        if of == 1:
            return _("The director of studies' answer")
        return _("Director of studies %(number)d's answer") % {"number": number}
    if of == 1:
        return _("The head of the unit's answer")
    return _("Head of the unit %(number)d's answer") % {"number": number}


# ---- The rule, on plain data ------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    """A statement as the rule needs it."""

    area: str
    code: str
    text: str
    groups: tuple[str, ...]
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class AreaRow:
    code: str
    title: str
    question: str


@dataclass(frozen=True)
class AnswerRow:
    group: str
    values: Mapping[str, str]
    free_text: Mapping[str, str]


def distribution_of(values: Sequence[str], threshold: int) -> Distribution | None:
    """The distribution of one group's values for one statement, or None when fewer than
    `threshold` answered it on the scale."""
    counted = Counter(values)
    counts = tuple(counted[v.value] for v in SCALE)
    answered = sum(counts)
    if answered < threshold or answered == 0:
        return None
    return Distribution(
        counts=(counts[0], counts[1], counts[2], counts[3]),
        shares=(
            counts[0] / answered,
            counts[1] / answered,
            counts[2] / answered,
            counts[3] / answered,
        ),
        not_relevant=counted[Value.EJ_RELEVANT.value],
        answered=answered,
    )


def rates_of(invited: Mapping[str, int], answers: Sequence[AnswerRow]) -> tuple[ResponseRate, ...]:
    answered = Counter(a.group for a in answers)
    return tuple(
        ResponseRate(
            group=g,
            label=group_label(g),
            invited=invited.get(g.value, 0),
            answered=answered[g.value],
            text=rate_text(g, answered[g.value], invited.get(g.value, 0)),
        )
        for g in Group
        if invited.get(g.value, 0) or answered[g.value]
    )


def results_build(
    *,
    areas: Sequence[AreaRow],
    statements: Sequence[StatementRow],
    answers: Sequence[AnswerRow],
    invited: Mapping[str, int],
    threshold: int,
    closed: bool,
    personal: bool,
) -> RoundResults:
    """The results the rules allow: see the module's docstring."""
    threshold = max(threshold, 1)
    rates = rates_of(invited, answers)
    if not closed:
        return RoundResults(closed=False, threshold=threshold, rates=rates)
    by_group: dict[str, list[AnswerRow]] = {}
    for answer in answers:
        by_group.setdefault(answer.group, []).append(answer)
    shown = frozenset(g for g in ANONYMOUS if len(by_group.get(g.value, ())) >= threshold)
    results = []
    for area in areas:
        mine = [s for s in statements if s.area == area.code]
        statement_results = tuple(
            StatementResult(
                code=s.code,
                text=s.text,
                criteria=s.criteria,
                groups=tuple(
                    GroupResult(
                        group=g,
                        label=group_label(g),
                        distribution=distribution_of(
                            [
                                a.values[s.code]
                                for a in by_group.get(g.value, ())
                                if s.code in a.values
                            ],
                            threshold,
                        )
                        if g in shown
                        else None,
                    )
                    for g in ANONYMOUS
                    if g.value in s.groups
                ),
            )
            for s in mine
        )
        free_text: tuple[FreeText, ...] = ()
        personal_answers: tuple[PersonalAnswer, ...] = ()
        if personal:
            free_text = tuple(
                FreeText(g, group_label(g), texts)
                for g in ANONYMOUS
                if g in shown
                and (
                    texts := tuple(
                        sorted(
                            a.free_text[area.code]
                            for a in by_group[g.value]
                            if a.free_text.get(area.code)
                        )
                    )
                )
            )
            personal_answers = tuple(_personal(area, mine, by_group))
        results.append(
            AreaResult(
                code=area.code,
                title=area.title,
                question=area.question,
                statements=statement_results,
                free_text=free_text,
                personal=personal_answers,
            )
        )
    return RoundResults(
        closed=True,
        threshold=threshold,
        rates=rates,
        areas=tuple(results),
        personal_allowed=personal,
        shown_groups=shown,
    )


def _personal(
    area: AreaRow, statements: Sequence[StatementRow], by_group: Mapping[str, list[AnswerRow]]
) -> Iterable[PersonalAnswer]:
    labels = {v.value: str(v.label) for v in ValueChoice}
    for group in sorted(IDENTIFIABLE):
        answers = by_group.get(group.value, [])
        for number, answer in enumerate(answers, start=1):
            values = tuple(
                (s.code, s.text, labels.get(answer.values.get(s.code, ""), "–"))
                for s in statements
                if group.value in s.groups
            )
            text = answer.free_text.get(area.code, "")
            if values or text:
                yield PersonalAnswer(
                    group=group,
                    label=personal_label(group, number, len(answers)),
                    values=values,
                    free_text=text,
                )


# ---- Selectors --------------------------------------------------------------------------------


def _invited(round_: Round) -> dict[str, int]:
    if round_.is_closed:
        return dict(RoundGroup.objects.filter(round=round_).values_list("group", "invited"))
    return dict(
        Invitation.objects.filter(round=round_)
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )


def _answers(round_: Round) -> list[AnswerRow]:
    return [
        AnswerRow(group, values, free_text)
        for group, values, free_text in Answer.objects.filter(round=round_)
        .order_by()
        .values_list("group", "values", "free_text")
    ]


def _statement_rows(
    statements: Iterable[Statement], area_codes: Mapping[int, str]
) -> list[StatementRow]:
    return [
        StatementRow(
            area=area_codes[s.area_id],
            code=s.code,
            text=s.text,
            groups=tuple(s.groups),
            criteria=tuple(s.criteria),
        )
        for s in statements
    ]


def round_results(*, by: User, round_: Round) -> RoundResults:
    """The round's results as `by` may see them (`surveys.view_results`); the free text and the
    identifiable groups' answers only with `surveys.read_personal`."""
    review: Review = round_.review
    require(by, "surveys.view_results", review)
    personal = holds(by, "surveys.read_personal", review)
    answers = _answers(round_)
    invited = _invited(round_)
    if not round_.is_closed:
        return results_build(
            areas=(),
            statements=(),
            answers=answers,
            invited=invited,
            threshold=min_answers(round_),
            closed=False,
            personal=False,
        )
    areas = list(round_.questionnaire.areas.order_by("position"))
    codes = {a.pk: a.code for a in areas}
    statements = Statement.objects.filter(area__questionnaire_id=round_.questionnaire_id)
    return results_build(
        areas=[AreaRow(a.code, a.title, a.free_text) for a in areas],
        statements=_statement_rows(statements, codes),
        answers=answers,
        invited=invited,
        threshold=min_answers(round_),
        closed=True,
        personal=personal,
    )


def area_results(*, by: User, round_: Round, code: str) -> RoundResults:
    """One area's results for the assessment page, in a fixed four queries (who reads, the
    area's statements, the answers, the number invited): everything of `round_results` but
    only area `code`, read by the review's inspectors (`surveys.read_personal`)."""
    require(by, "surveys.read_personal", round_.review, strict=True)
    answers = _answers(round_)
    invited = _invited(round_)
    if not round_.is_closed:
        return results_build(
            areas=(),
            statements=(),
            answers=answers,
            invited=invited,
            threshold=min_answers(round_),
            closed=False,
            personal=False,
        )
    statements = list(
        Statement.objects.filter(
            area__questionnaire_id=round_.questionnaire_id, area__code=code
        ).select_related("area")
    )
    areas = [AreaRow(s.area.code, s.area.title, s.area.free_text) for s in statements[:1]]
    return results_build(
        areas=areas,
        statements=_statement_rows(statements, {s.area_id: s.area.code for s in statements}),
        answers=answers,
        invited=invited,
        threshold=min_answers(round_),
        closed=True,
        personal=True,
    )


def response_rate_sentence(round_: Round) -> str:
    """The report's sentence of the anonymous groups' response rates: "Enkäten besvarades av 10
    av 15 ST-läkare och 8 av 12 handledare." Response rates are no secret (SPEC §7), so it
    takes no reader; "" when none of those groups was invited."""
    return sentence_of(rates_of(_invited(round_), _answers(round_)))


# ---- Export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    area: str
    statement: str
    text: str
    group: str
    counts: tuple[int, int, int, int]
    shares: tuple[float, float, float, float]
    not_relevant: int
    answered: int


def export_headers() -> tuple[str, ...]:
    return (
        _("Area"),
        _("Statement"),
        _("Text"),
        _("Group"),
        *(str(ValueChoice(v.value).label) for v in SCALE),
        *(_("Share (%%): %(value)s") % {"value": ValueChoice(v.value).label} for v in SCALE),
        str(ValueChoice.EJ_RELEVANT.label),
        _("Answered on the scale"),
    )


def export_rows(*, by: User, round_: Round) -> list[ExportRow]:
    """The aggregated results for an export: the anonymous groups at or above the threshold,
    per statement; no free text and no identifiable group. Refused while the round is open."""
    require(by, "surveys.view_results", round_.review)
    if not round_.is_closed:
        raise ValidationError({"status": _("The results are shown when the survey has closed.")})
    return export_rows_of(round_results(by=by, round_=round_))


def export_rows_of(results: RoundResults) -> list[ExportRow]:
    """The rows of an export of `results`: only the distributions shown, never free text, never
    an identifiable group."""
    return [
        ExportRow(
            area=area.code,
            statement=statement.code,
            text=statement.text,
            group=result.label,
            counts=result.distribution.counts,
            shares=result.distribution.shares,
            not_relevant=result.distribution.not_relevant,
            answered=result.distribution.answered,
        )
        for area in results.areas
        for statement in area.statements
        for result in statement.groups
        if result.distribution is not None and result.group in ANONYMOUS
    ]
