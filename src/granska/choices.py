"""The domain's words as Django sees them: model choices and labels, derived from the vocabulary.

The words themselves (regulations, levels, outcomes, grades) are defined once, in plain Python, in
`granska.grading.vocabulary`; here each gets its label in words (translated by gettext) and its
choices list in the vocabulary's order. A word added to the vocabulary without a label here stops
Granska at import, and the models' choices follow the vocabulary without anyone copying them.
"""

from collections.abc import Mapping
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from granska.grading.vocabulary import Grade, Level, Outcome, Regulation
from granska.lifecycle import Status

type Choices = list[tuple[str, StrOrPromise]]


def choices_of[E: StrEnum](words: type[E], labels: Mapping[E, StrOrPromise]) -> Choices:
    """`(stored value, label)` for every word of `words`, in its order; a missing label is an
    error here rather than a blank in a form."""
    missing = [word.value for word in words if word not in labels]
    if missing:
        raise LookupError(f"{words.__name__} has no label for {', '.join(missing)}")
    return [(word.value, labels[word]) for word in words]


# A regulation's name and a grade's letter are their own labels, in every language.
REGULATION_LABELS: Mapping[Regulation, StrOrPromise] = {r: r.value for r in Regulation}
GRADE_LABELS: Mapping[Grade, StrOrPromise] = {g: g.value for g in Grade}

LEVEL_LABELS: Mapping[Level, StrOrPromise] = {
    Level.FORESKRIFT: _("Regulation (föreskrift)"),
    Level.ALLMANT_RAD: _("General advice (allmänt råd)"),
    Level.KVALITETSINDIKATOR: _("Quality indicator (kvalitetsindikator)"),
}

OUTCOME_LABELS: Mapping[Outcome, StrOrPromise] = {
    Outcome.UPPFYLLT: _("met"),
    Outcome.DELVIS: _("partly met"),
    Outcome.EJ_UPPFYLLT: _("not met"),
    Outcome.EJ_RELEVANT: _("not relevant"),
}

REGULATION_CHOICES: Choices = choices_of(Regulation, REGULATION_LABELS)
GRADE_CHOICES: Choices = choices_of(Grade, GRADE_LABELS)
LEVEL_CHOICES: Choices = choices_of(Level, LEVEL_LABELS)
OUTCOME_CHOICES: Choices = choices_of(Outcome, OUTCOME_LABELS)

REGULATION_FIELDS: Mapping[Regulation, str] = {
    Regulation.SOSFS_2015_8: "under_2015",
    Regulation.HSLF_FS_2021_8: "under_2021",
}
"""The `Review` field that says whether a regulation is in the review's scope."""

STATUS_LABELS: Mapping[Status, StrOrPromise] = {
    Status.BOKAD: _("Booked"),
    Status.FORBEREDELSE: _("Preparation"),
    Status.BESOK: _("Site visit"),
    Status.UTKAST: _("Draft"),
    Status.FAKTAGRANSKNING: _("Fact check"),
    Status.SLUTRAPPORT: _("Final report"),
    Status.HANDLINGSPLAN: _("Action plan"),
    Status.UPPFOLJNING: _("Follow-up"),
    Status.AVSLUTAD: _("Closed"),
}
STATUS_CHOICES: Choices = choices_of(Status, STATUS_LABELS)


def status_label(status: str) -> str:
    """A review's status in words ("Slutrapport")."""
    return str(STATUS_LABELS[Status(status)])
