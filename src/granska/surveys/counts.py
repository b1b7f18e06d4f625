"""How many were invited and how many answered, per group: what everyone who reads the review
may see of its survey, open or closed (SPEC §7: "10 av 15 ST-läkare har svarat").

Counts only, never who: while the round is open the number invited is read from the
invitations, after closing from `RoundGroup`; the number answered is always the number of
answers of the group, which says nothing of which invitation they came from."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count
from django.utils.translation import ngettext

from granska.reviews.models import Review
from granska.surveys.models import Answer, Invitation, Round, RoundGroup
from granska.surveys.vocabulary import Group


class RoundState(StrEnum):
    NOT_OPENED = "not_opened"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class GroupRate:
    group: Group
    invited: int
    answered: int

    @property
    def text(self) -> str:
        """'10 av 15 ST-läkare har svarat', the group's name in the number invited."""
        values = {"answered": self.answered, "invited": self.invited}
        match self.group:
            case Group.ST_LAKARE:
                return (
                    ngettext(
                        "%(answered)d of %(invited)d ST doctor has answered",
                        "%(answered)d of %(invited)d ST doctors have answered",
                        self.invited,
                    )
                    % values
                )
            case Group.HANDLEDARE:
                return (
                    ngettext(
                        "%(answered)d of %(invited)d supervisor has answered",
                        "%(answered)d of %(invited)d supervisors have answered",
                        self.invited,
                    )
                    % values
                )
            case Group.STUDIEREKTOR:
                return (
                    ngettext(
                        "%(answered)d of %(invited)d director of studies has answered",
                        "%(answered)d of %(invited)d directors of studies have answered",
                        self.invited,
                    )
                    % values
                )
            case Group.VERKSAMHETSCHEF:
                return (
                    ngettext(
                        "%(answered)d of %(invited)d head of unit has answered",
                        "%(answered)d of %(invited)d heads of unit have answered",
                        self.invited,
                    )
                    % values
                )


@dataclass(frozen=True)
class RoundSummary:
    """A review's survey as its readers see it: the state, its dates and the rates."""

    round: Round | None
    state: RoundState
    rates: list[GroupRate]

    @property
    def closes_on(self) -> datetime.date | None:
        return self.round.closes_on if self.round else None

    @property
    def closed_on(self) -> datetime.date | None:
        return self.round.closed_on if self.round else None

    @property
    def invited(self) -> int:
        return sum(rate.invited for rate in self.rates)

    @property
    def answered(self) -> int:
        return sum(rate.answered for rate in self.rates)


def response_rates(round_: Round) -> list[GroupRate]:
    """The groups invited, in the vocabulary's order, each with its number invited and answered
    (two queries)."""
    if round_.is_closed:
        invited = dict(RoundGroup.objects.filter(round=round_).values_list("group", "invited"))
    else:
        invited = dict(
            Invitation.objects.filter(round=round_)
            .values("group")
            .annotate(n=Count("id"))
            .values_list("group", "n")
        )
    answered = dict(
        Answer.objects.filter(round=round_)
        .values("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )
    return [
        GroupRate(group, invited.get(group.value, 0), answered.get(group.value, 0))
        for group in Group
        if invited.get(group.value) or answered.get(group.value)
    ]


def round_summary(review: Review) -> RoundSummary:
    """The review's survey: not opened, or open or closed with its rates. No query for the
    round when the review was read with it (`select_related("survey_round__questionnaire")`),
    one otherwise; two more for the rates of a round."""
    try:
        round_: Round | None = review.survey_round
    except Round.DoesNotExist:
        round_ = None
    if round_ is None:
        return RoundSummary(None, RoundState.NOT_OPENED, [])
    state = RoundState.CLOSED if round_.is_closed else RoundState.OPEN
    return RoundSummary(round_, state, response_rates(round_))


def invited_addresses(round_: Round) -> list[tuple[str, str]]:
    """The addresses invited to an open round with their group's name, by group and address;
    nothing that changes when one of them answers (not whether, not their reminders)."""
    if round_.is_closed:
        return []
    labels = dict(Invitation._meta.get_field("group").flatchoices)
    order = {group.value: n for n, group in enumerate(Group)}
    rows = Invitation.objects.filter(round=round_).values_list("email", "group")
    return [
        (email, str(labels.get(group, group)))
        for email, group in sorted(rows, key=lambda row: (order.get(row[1], 9), row[0]))
    ]
