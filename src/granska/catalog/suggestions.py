"""The grading rules applied to a review's findings, and their reasons in words."""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.catalog.models import Area, Criterion
from granska.grading import Outcome, Reason, ReasonKind, Suggestion, suggest_grade


def area_suggestions(
    area: Area,
    criteria: list[Criterion],
    outcomes: Mapping[str, str],
    regulations: Iterable[str],
    *,
    max_ki_exceptions: int,
) -> dict[str, Suggestion]:
    """The suggested grade of `area` per regulation, from outcomes by criterion code.

    Blank outcomes (a note without a finding) count as not assessed.
    """
    rule = area.as_rule(criteria)
    suggestions = {}
    for regulation in regulations:
        in_scope = {c.code for c in rule.criteria_for(regulation)}
        findings = {
            code: Outcome(value) for code, value in outcomes.items() if value and code in in_scope
        }
        suggestions[regulation] = suggest_grade(
            rule, regulation, findings, max_ki_exceptions=max_ki_exceptions
        )
    return suggestions


def reason_text(reason: Reason, *, complete: bool = True) -> str:
    """One reason of a suggestion as a sentence naming the criteria that decided it.

    While criteria are unassessed (`complete` false) an A or B speaks only of what is assessed:
    an unassessed criterion may still lower it."""
    codes = ", ".join(reason.criteria)
    count = len(reason.criteria)
    match reason.kind:
        case ReasonKind.FORESKRIFT_NOT_MET:
            text = ngettext(
                "%(grade)s: the regulation criterion %(codes)s is not fully met.",
                "%(grade)s: the regulation criteria %(codes)s are not fully met.",
                count,
            )
        case ReasonKind.ALLMANT_RAD_NOT_MET:
            text = ngettext(
                "%(grade)s: the general advice %(codes)s is not fully followed.",
                "%(grade)s: the general advice %(codes)s are not fully followed.",
                count,
            )
        case ReasonKind.KVALITETSINDIKATOR_NOT_MET:
            text = ngettext(
                "%(grade)s: the quality indicator %(codes)s is not met, more than allowed.",
                "%(grade)s: the quality indicators %(codes)s are not met, more than allowed.",
                count,
            )
        case ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT if not complete:
            if not count:
                text = _(
                    "%(grade)s so far: the regulations and general advice assessed are followed "
                    "and every quality indicator assessed is met."
                )
            else:
                text = ngettext(
                    "%(grade)s so far: the regulations and general advice assessed are followed; "
                    "the quality indicator %(codes)s is an allowed exception.",
                    "%(grade)s so far: the regulations and general advice assessed are followed; "
                    "the quality indicators %(codes)s are allowed exceptions.",
                    count,
                )
        case ReasonKind.KVALITETSINDIKATOR_WITHIN_LIMIT:
            if not count:
                text = _(
                    "%(grade)s: regulations and general advice are followed and every quality "
                    "indicator is met."
                )
            else:
                text = ngettext(
                    "%(grade)s: regulations and general advice are followed; the quality "
                    "indicator %(codes)s is an allowed exception.",
                    "%(grade)s: regulations and general advice are followed; the quality "
                    "indicators %(codes)s are allowed exceptions.",
                    count,
                )
    return text % {"grade": reason.grade, "codes": codes}


def suggestion_texts(suggestion: Suggestion) -> list[str]:
    return [reason_text(reason, complete=suggestion.complete) for reason in suggestion.reasons]


def suggestion_label(suggestion: Suggestion) -> str:
    """The suggestion in a few words: its grade ("A"), or why there is none yet ("Inget förslag
    ännu (0 av 4 bedömda)"), never a grade from nothing."""
    if suggestion.grade is not None:
        return str(suggestion.grade)
    if not suggestion.complete:
        return _("No suggestion yet (%(assessed)s of %(total)s assessed)") % {
            "assessed": suggestion.assessed,
            "total": suggestion.total,
        }
    return ngettext(
        "No suggestion: the criterion is not relevant",
        "No suggestion: all %(total)s criteria are not relevant",
        suggestion.total,
    ) % {"total": suggestion.total}
