"""The demo's surveys and self-assessment, made as a unit and its respondents make them.

Every round goes through the services: the kansli opens it while the review is in förberedelse
(`round_open`) and invites (`invitations_add`); each respondent's link is the one Granska's
sending task e-mails (the token is stored nowhere else, so the demo reads it from that e-mail,
caught in memory instead of sent); the respondents answer through it (`answer_submit`); and a
closed round is closed by `round_close`, which deletes the invitations. The answers and free
texts are invented for the demo, in our own words.
"""

import datetime
import io
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from granska.accounts.models import User
from granska.catalog.models import ProtocolVersion
from granska.catalog.selectors import protocol_areas
from granska.demo.scenarios import DemoReview
from granska.grading.vocabulary import Outcome
from granska.reviews.models import Review
from granska.surveys.models import (
    Invitation,
    Questionnaire,
    Round,
    Statement,
)
from granska.surveys.selfassessment import self_assessment_save, self_assessment_submit
from granska.surveys.sending import invitation_send
from granska.surveys.services import (
    answer_submit,
    invitations_add,
    questionnaire_for,
    round_close,
    round_open,
)
from granska.surveys.vocabulary import FactKind, Group, Value

LINK = re.compile(r"/enkat/([A-Za-z0-9_-]+)/")
# The demo's respondents lean to agreeing, as most do, with some of every answer.
WEIGHTED = (
    [Value.HELT] * 4
    + [Value.GANSKA_BRA] * 4
    + [Value.GANSKA_DALIGT] * 2
    + [Value.INTE_ALLS, Value.EJ_RELEVANT]
)
# Free texts of the demo's respondents, by group, in our own words.
FREE_TEXTS = {
    Group.ST_LAKARE: (
        "Handledningen är schemalagd men blir ofta inställd när mottagningen är full.",
        "Jag har fått bra stöd i att planera kurser och sidotjänstgöring.",
        "Jag skulle vilja ha fler gemensamma fallgenomgångar med specialisterna.",
        "Återkopplingen efter bedömningarna är kort och kommer sent.",
        "Det är svårt att hitta tid för det skriftliga arbetet.",
    ),
    Group.HANDLEDARE: (
        "Vi handledare behöver mer avsatt tid i schemat.",
        "Handledarträffarna en gång per termin är värdefulla.",
        "Det saknas en gemensam mall för återkoppling efter bedömningar.",
    ),
    Group.STUDIEREKTOR: (
        "Jag träffar handledarna varje termin och följer upp varje utbildningsplan två gånger "
        "om året.",
    ),
    Group.VERKSAMHETSCHEF: ("ST-utbildningen har en egen rad i verksamhetsplanen.",),
}
# The demo unit's facts about itself, by fact field code; other fields get a value of their kind.
FACTS = {
    "specialister": "14",
    "st_lakare": "7",
    "handledare": "6",
    "studierektorer": "1",
    "listade_eller_vardplatser": "32 vårdplatser och en öppenvårdsmottagning",
    "sidotjanstgoring": "Sex månader på vårdcentral och tre månader inom beroendevården.",
    "bt_lakare": "ja",
    "bt_lakare_antal": "2",
}
FACT_DEFAULTS = {
    FactKind.NUMBER: "3",
    FactKind.TEXT: "Se bifogad verksamhetsplan.",
    FactKind.YES_NO: "nej",
}
# What the unit says of some criteria in its self-assessment; the rest it finds met.
SELF_FINDINGS = {
    "B5": (Outcome.DELVIS, "Två av handledarna har ännu inte gått handledarutbildningen."),
    "C3": (Outcome.UPPFYLLT, "Alla ST-läkare har en egen arbetsplats sedan ombyggnaden i våras."),
    "E4": (Outcome.DELVIS, "Bedömningarna görs men dokumenteras inte alltid i portfolion."),
}


def demo_questionnaire(protocol: ProtocolVersion) -> Questionnaire:
    """The shipped questionnaire, loaded (`granska questionnaire load`) unless it is there."""
    found = Questionnaire.objects.filter(protocol=protocol).order_by("-loaded_at").first()
    if found is None:
        call_command("questionnaire", "load", verbosity=0, stdout=io.StringIO())
        found = Questionnaire.objects.filter(protocol=protocol).order_by("-loaded_at").first()
    assert found is not None, "the shipped questionnaire is for another protocol"
    return found


@contextmanager
def links_caught() -> Iterator[list[EmailMessage]]:
    """The e-mails sent meanwhile, kept in memory (Django's locmem backend) instead of sent or
    printed; the list holds them once the block has ended. What `mail.outbox` held before (a
    test's) stays there, and nothing of the block is left in it."""
    outbox: list[EmailMessage] | None = getattr(mail, "outbox", None)
    made = outbox is None
    if outbox is None:
        outbox = mail.outbox = []
    start = len(outbox)
    caught: list[EmailMessage] = []
    locmem = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    try:
        with override_settings(MAILERS=dict.fromkeys(settings.MAILERS, locmem)):
            yield caught
    finally:
        caught.extend(outbox[start:])
        del outbox[start:]
        if made:
            del mail.outbox


def _links_sent(round_: Round) -> list[tuple[Group, str]]:
    """Sends every invitation of the round not yet sent, now, and returns each one's group and
    the token of the link its e-mail carries."""
    sent = []
    for invitation in Invitation.objects.filter(round=round_, sent_on__isnull=True).order_by("pk"):
        with links_caught() as caught:
            assert invitation_send.call(invitation.pk, False), "a demo invitation was not sent"
        (message,) = caught
        found = LINK.search(str(message.body))
        assert found, "the invitation has no link"
        sent.append((Group(invitation.group), found.group(1)))
    return sent


def demo_survey(review: Review, plan: DemoReview, kansli: User) -> Round:
    """The review's round as `plan.survey` says: opened, its respondents invited and some of them
    answering with varied values and some free text, then closed unless it is still open."""
    survey = plan.survey
    assert survey is not None
    round_ = round_open(
        by=kansli,
        review=review,
        closes_on=timezone.localdate() + datetime.timedelta(days=survey.open_days),
    )
    lines = [
        f"{group.value}{n}.granskning{review.pk}@exempel.test, {group.value}"
        for group, count in survey.invited.items()
        for n in range(1, count + 1)
    ]
    invitations_add(by=kansli, round_=round_, text="\n".join(lines), default_group=None)
    statements = list(Statement.objects.filter(area__questionnaire=round_.questionnaire))
    areas = list(
        round_.questionnaire.areas.exclude(free_text="")
        .order_by("position")
        .values_list("code", flat=True)
    )
    rng = random.Random(plan.unit)  # noqa: S311 - the same invented answers every time
    answering = dict(survey.answered)
    for group, token in _links_sent(round_):
        if answering.get(group, 0) <= 0:
            continue
        answering[group] -= 1
        values = {s.code: rng.choice(WEIGHTED).value for s in statements if group.value in s.groups}
        texts = {}
        if areas and rng.random() < 0.6:
            texts[rng.choice(areas)] = rng.choice(FREE_TEXTS[group])
        answer_submit(token=token, values=values, free_text=texts)
    if survey.closed:
        round_ = round_close(by=kansli, round_=round_)
    return round_


def demo_self_assessment(review: Review, by: User) -> None:
    """The unit's self-assessment, its facts and its view of every criterion in scope, saved and
    submitted through the services."""
    questionnaire = questionnaire_for(review)
    assert questionnaire is not None, "the demo's questionnaire is loaded first"
    facts = {
        field.code: FACTS.get(field.code, FACT_DEFAULTS[FactKind(field.kind)])
        for field in questionnaire.fact_fields.all()
    }
    # Each criterion in scope: (outcome, comment), the shape the service takes.
    findings: dict[str, tuple[str, str]] = {}
    for area in protocol_areas(review.protocol):
        for criterion in area.criteria.all():
            if any(criterion.applies_to(r) for r in review.regulations):
                outcome, comment = SELF_FINDINGS.get(criterion.code, (Outcome.UPPFYLLT, ""))
                findings[criterion.code] = (outcome.value, comment)
    saved = self_assessment_save(by=by, review=review, facts=facts, findings=findings, version=0)
    self_assessment_submit(by=by, review=review, version=saved.version)
