"""`granska demo`'s surveys: an open round partly answered, one closed above the threshold, one
closed with a group under it, and a unit's self-assessment; all made through the services."""

import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command

from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.surveys.models import Answer, Invitation, Link, Round
from granska.surveys.services import min_answers
from tests.demo_facts import DEMO_SELF_ASSESSED, DEMO_SURVEYS


def demo() -> None:
    call_command("demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_surveys() -> None:
    """One run of the demo (it takes some seconds), then each of its promises."""
    mail.outbox.clear()
    demo()
    rounds_open_closed_and_under_the_threshold()
    answers_complete_varied_and_some_with_free_text()
    self_assessment_submitted()


def rounds_open_closed_and_under_the_threshold() -> None:
    # The links went to the demo's respondents in memory: nothing was sent or left to send.
    assert mail.outbox == []
    rounds = {r.review.unit.name: r for r in Round.objects.select_related("review__unit")}
    assert set(rounds) == set(DEMO_SURVEYS)
    for unit, (state, invited, answered) in DEMO_SURVEYS.items():
        round_ = rounds[unit]
        counted = Counter(round_.answers.values_list("group", flat=True))
        assert counted == answered, unit
        if state == "open":
            assert round_.closed_on is None
            assert round_.review.status == Status.FORBEREDELSE
            by_group = Counter(round_.invitations.values_list("group", flat=True))
            assert by_group == invited
            assert round_.invitations.filter(answered=True).count() == sum(answered.values())
            # An answered link is spent; each of the others has its one link, still usable.
            assert not Link.objects.filter(invitation__round=round_, invitation__answered=True)
            assert Link.objects.filter(invitation__round=round_).count() == sum(
                invited.values()
            ) - sum(answered.values())
        else:
            assert round_.closed_on is not None
            # Closed in förberedelse, then the review went on as the kansli moves it.
            assert round_.review.status != Status.FORBEREDELSE
            assert not Invitation.objects.filter(round=round_).exists()
            assert dict(round_.group_counts.values_list("group", "invited")) == invited

    threshold = min_answers(rounds["Psykiatriska kliniken Älvby"])
    above = Counter(rounds["Psykiatriska kliniken Älvby"].answers.values_list("group", flat=True))
    assert above["st_lakare"] >= threshold
    assert above["handledare"] >= threshold
    assert above["studierektor"] == 1
    under = Counter(rounds["Barnkliniken Ekudden"].answers.values_list("group", flat=True))
    assert under["st_lakare"] >= threshold > under["handledare"] > 0
    open_round = Counter(rounds["Tallmons vårdcentral"].answers.values_list("group", flat=True))
    assert all(n < threshold for n in open_round.values())


def answers_complete_varied_and_some_with_free_text() -> None:
    for answer in Answer.objects.select_related("round__questionnaire"):
        statements = [
            s.code
            for area in answer.round.questionnaire.areas.all()
            for s in area.statements.all()
            if answer.group in s.groups
        ]
        assert sorted(answer.values) == sorted(statements)
    closed = Answer.objects.filter(round__review__unit__name="Psykiatriska kliniken Älvby")
    values = Counter(v for a in closed for v in a.values.values())
    assert len(values) == 5, values  # every answer of the scale, ej relevant too
    assert sum(1 for a in closed if a.free_text) >= 2
    assert Answer.objects.filter(group="studierektor").exclude(free_text={}).exists()


def self_assessment_submitted() -> None:
    review = Review.objects.get(unit__name=DEMO_SELF_ASSESSED)
    assessment = review.self_assessment
    assert assessment.submitted_at is not None
    fields = set(assessment.questionnaire.fact_fields.values_list("code", flat=True))
    assert set(assessment.facts) == fields
    assert all(assessment.facts.values())
    criteria = {
        c.code
        for area in review.protocol.areas.all()
        for c in area.criteria.all()
        if any(c.applies_to(r) for r in review.regulations)
    }
    assert set(assessment.findings) == criteria
    assert any(f["comment"] for f in assessment.findings.values())
