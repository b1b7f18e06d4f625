"""The chain after the visit, for the tests of the handlingsplan and the faktagranskning: a review
ready for its final report, graded from its findings, with its people (fixtures registered in
tests/conftest.py)."""

from dataclasses import dataclass

import pytest

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.workflow.moves import review_move
from tests.builders import review_at
from tests.factories import UnitFactory, UserFactory

ONLY_2021 = ("HSLF-FS 2021:8",)
BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")
# Föreskrifter D7, E4 and H2 not fully met: D, E and H are graded D. B9, a quality indicator,
# and E9, general advice, are not föreskrifter and get no action.
DEVIATIONS: dict[str, str] = {
    "D7": Outcome.DELVIS,
    "E4": Outcome.EJ_UPPFYLLT,
    "E9": Outcome.DELVIS,
    "H2": Outcome.DELVIS,
    "B9": Outcome.DELVIS,
}


@dataclass
class People:
    kansli: User
    inspector: User
    other_inspector: User
    contact: User
    other_contact: User


def graded_review(
    protocol: ProtocolVersion,
    deviations: dict[str, str],
    regulations: tuple[str, ...] = ONLY_2021,
    status: str = Status.FAKTAGRANSKNING,
    inspectors: tuple[User, ...] = (),
) -> Review:
    """A review in `status` whose every area is assessed and graded as its findings suggest."""
    return review_at(
        status,
        protocol,
        regulations=regulations,
        deviations=deviations,
        inspectors=inspectors,
    )


@pytest.fixture
def people(db: None) -> People:
    return People(
        kansli=UserFactory(role=Role.KANSLI, full_name="Kerstin Kansli"),
        inspector=UserFactory(role=Role.INSPEKTOR, full_name="Ines Inspektör"),
        other_inspector=UserFactory(role=Role.INSPEKTOR),
        contact=UserFactory(
            role=Role.VERKSAMHET, full_name="Vera Verksamhet", email="vera@enheten.example"
        ),
        other_contact=UserFactory(role=Role.VERKSAMHET),
    )


@pytest.fixture
def review(protocol: ProtocolVersion, people: People) -> Review:
    """In faktagranskning with D in D, E and H, its inspector and its unit's contact set."""
    review = graded_review(
        protocol, DEVIATIONS, inspectors=(people.inspector, UserFactory(role=Role.INSPEKTOR))
    )
    review.unit.members.add(people.contact)
    UnitFactory().members.add(people.other_contact)
    return review


@pytest.fixture
def plan(review: Review, people: People) -> ActionPlan:
    """The plan the final report with a D opens."""
    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    return ActionPlan.objects.get(review=review)
