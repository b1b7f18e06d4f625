"""What the round's tests share: the tasks run at once, a questionnaire, and a review in
förberedelse with its assigned inspector and its unit's contact."""

import re
from dataclasses import dataclass
from typing import Any

import pytest

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Review
from tests.builders import review_at
from tests.factories import UnitFactory, UserFactory
from tests.survey_builders import questionnaire_small

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Cast:
    review: Review
    kansli: User
    inspector: User
    contact: User
    observer: User
    other_contact: User


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def cast(protocol: ProtocolVersion, settings: Any) -> Cast:
    settings.TASKS = IMMEDIATE
    from granska.reviews.models import ObserverScope

    questionnaire_small(protocol)
    inspector = UserFactory(role=Role.INSPEKTOR)
    review = review_at(Status.FORBEREDELSE, protocol, inspectors=[inspector])
    contact = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(contact)
    other = UserFactory(role=Role.VERKSAMHET)
    UnitFactory().members.add(other)
    observer = UserFactory(role=Role.OBSERVATOR)
    ObserverScope.objects.create(observer=observer, specialty=review.specialty)
    return Cast(
        review=review,
        kansli=UserFactory(role=Role.KANSLI),
        inspector=inspector,
        contact=contact,
        observer=observer,
        other_contact=other,
    )
