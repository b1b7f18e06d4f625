"""Builders for the surveys' tests: a small questionnaire, a round, respondents with their links.

A test reaches a round as Granska does: `round_open` opens it, `invitations_add` invites, and the
link a respondent gets is read from the e-mail the sending task wrote (the token is stored
nowhere else)."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Review
from granska.surveys.models import (
    FactField,
    Invitation,
    Questionnaire,
    QuestionnaireArea,
    Round,
    Statement,
)
from granska.surveys.sending import invitation_send
from granska.surveys.services import answer_submit, invitations_add, round_open
from granska.surveys.vocabulary import Group
from tests.builders import kansli_user

EVERYONE = [g.value for g in Group]


def questionnaire_small(protocol: ProtocolVersion, code: str = "test-enkat") -> Questionnaire:
    """Per area of `protocol`: a statement for ST-läkare and handledare on its first criterion,
    one for ST-läkare on its first two, one for the studierektor and verksamhetschef; a free-text
    question; and four facts."""
    questionnaire = Questionnaire.objects.create(
        code=code, title="Testenkät", protocol=protocol, source_name="test", source_sha256="0" * 64
    )
    for position, area in enumerate(protocol.areas.order_by("position")):
        criteria = [c.code for c in area.criteria.order_by("position")]
        qarea = QuestionnaireArea.objects.create(
            questionnaire=questionnaire,
            code=area.code,
            title=area.title,
            free_text="Något mer om området?",
            position=position,
        )
        for number, (groups, mapped) in enumerate(
            (
                (["st_lakare", "handledare"], criteria[:1]),
                (["st_lakare"], criteria[:2]),
                (["studierektor", "verksamhetschef"], criteria[:1]),
            ),
            start=1,
        ):
            Statement.objects.create(
                area=qarea,
                code=f"{area.code}{number}",
                text=f"Påstående {number} om {area.title}.",
                groups=groups,
                criteria=mapped,
                position=number,
            )
    for position, (field_code, label, kind) in enumerate(
        (
            ("specialister", "Antal specialister", "number"),
            ("st_lakare", "Antal ST-läkare", "number"),
            ("sidotjanstgoring", "Sidotjänstgöring", "text"),
            ("bt", "Tar emot BT-läkare", "yes_no"),
        )
    ):
        FactField.objects.create(
            questionnaire=questionnaire, code=field_code, label=label, kind=kind, position=position
        )
    return questionnaire


def round_for(review: Review, *, days: int = 14) -> Round:
    """The review's round, opened by the kansli, closing in `days` days; the review must be in
    förberedelse and a questionnaire loaded for its protocol."""
    return round_open(
        by=kansli_user(), review=review, closes_on=timezone.localdate() + datetime.timedelta(days)
    )


LINK = re.compile(r"/enkat/([A-Za-z0-9_-]+)/")


def last_token(to: str) -> str:
    """The token of the newest link e-mailed to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = LINK.search(str(message.body))
            assert found, message.body
            return found.group(1)
    raise AssertionError(f"no link was sent to {to}")


def invited(round_: Round, text: str, group: Group | None = None) -> dict[str, str]:
    """Invites the respondents of `text` and sends each link now; address → token."""
    invitations_add(by=kansli_user(), round_=round_, text=text, default_group=group)
    tokens = {}
    for invitation in Invitation.objects.filter(round=round_, sent_on__isnull=True):
        assert invitation_send.call(invitation.pk, False)
        tokens[invitation.email] = last_token(invitation.email)
    return tokens


def answered(round_: Round, group: Group, count: int, value: str = "helt") -> list[str]:
    """`count` respondents of `group` invited and answering every statement of theirs with
    `value`; returns their tokens."""
    start = Invitation.objects.filter(round=round_).count() + round_.answers.count()
    addresses = [f"svarande{start + n}.{group.value}@enhet.test" for n in range(count)]
    tokens = invited(round_, "\n".join(addresses), group)
    statements = Statement.objects.filter(area__questionnaire=round_.questionnaire)
    values = {s.code: value for s in statements if group.value in s.groups}
    for address in addresses:
        answer_submit(token=tokens[address], values=values, free_text={})
    return [tokens[a] for a in addresses]
