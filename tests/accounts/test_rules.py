"""The object permissions (granska/accounts/rules.py) per role, and their agreement with the
selector that lists the reviews a person reaches."""

import pytest
from django.contrib.auth.models import AnonymousUser

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Assignment, ObserverScope, Review
from granska.reviews.selectors import reviews_visible_to
from granska.reviews.services import review_create
from tests.builders import kansli_user
from tests.factories import SpecialtyFactory, UnitFactory, UserFactory

# role → (may view, may change, may manage) for the review in the `world` fixture.
EXPECTED = {
    "kansli": (True, True, True),
    "superuser": (True, True, True),
    "assigned_inspector": (True, True, False),
    "other_inspector": (False, False, False),
    "own_unit": (True, False, False),
    "other_unit": (False, False, False),
    "observer": (True, False, False),  # a scope on the unit's region
    "observer_elsewhere": (False, False, False),  # a scope on another specialty
    "observer_without_scope": (False, False, False),
    "inactive_kansli": (False, False, False),
}

World = tuple[Review, list[Review], dict[str, User]]


@pytest.fixture
def world(protocol: ProtocolVersion) -> World:
    """A review with its people, and reviews of other units with other inspectors."""
    unit, other_unit = UnitFactory(), UnitFactory()
    people = {
        "kansli": UserFactory(role=Role.KANSLI),
        # A superuser may do everything whatever the role says.
        "superuser": UserFactory(role=Role.OBSERVATOR, is_superuser=True),
        "assigned_inspector": UserFactory(role=Role.INSPEKTOR),
        "other_inspector": UserFactory(role=Role.INSPEKTOR),
        "own_unit": UserFactory(role=Role.VERKSAMHET),
        "other_unit": UserFactory(role=Role.VERKSAMHET),
        "observer": UserFactory(role=Role.OBSERVATOR),
        "observer_elsewhere": UserFactory(role=Role.OBSERVATOR),
        "observer_without_scope": UserFactory(role=Role.OBSERVATOR),
        "inactive_kansli": UserFactory(role=Role.KANSLI, is_active=False),
    }
    ObserverScope.objects.create(observer=people["observer"], region=unit.region)
    ObserverScope.objects.create(
        observer=people["observer_elsewhere"], specialty=SpecialtyFactory(name="Kirurgi")
    )
    unit.members.add(people["own_unit"])
    other_unit.members.add(people["other_unit"])
    regulations = ("SOSFS 2015:8",)
    review = review_create(by=kansli_user(), unit=unit, protocol=protocol, regulations=regulations)
    Assignment.objects.create(review=review, inspector=people["assigned_inspector"])
    others = [
        review_create(
            by=kansli_user(), unit=other_unit, protocol=protocol, regulations=regulations
        ),
        review_create(
            by=kansli_user(), unit=unit, protocol=protocol, regulations=regulations
        ),  # no inspectors
        review_create(
            by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=regulations
        ),
    ]
    Assignment.objects.create(review=others[0], inspector=people["other_inspector"])
    return review, others, people


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_permissions_of_each_role_on_a_review(world: World, who: str) -> None:
    review, _others, people = world
    user = people[who]
    may_view, may_change, may_manage = EXPECTED[who]
    assert user.has_perm("reviews.view_review", review) is may_view
    assert user.has_perm("reviews.change_review", review) is may_change
    assert user.has_perm("reviews.manage") is may_manage


def test_an_anonymous_visitor_may_do_nothing(world: World) -> None:
    review, _others, _people = world
    anonymous = AnonymousUser()
    for permission in ("reviews.view_review", "reviews.change_review", "reviews.manage"):
        assert not anonymous.has_perm(permission, review)


def test_being_a_unit_contact_gives_nothing_to_an_inspector(world: World) -> None:
    """The unit rule is for the unit's own people: an inspector listed as a contact of the unit
    by mistake still reaches only assigned reviews."""
    review, _others, people = world
    inspector = people["other_inspector"]
    review.unit.members.add(inspector)
    assert not inspector.has_perm("reviews.view_review", review)
    assert review not in reviews_visible_to(inspector)


@pytest.mark.parametrize("who", sorted(set(EXPECTED) - {"inactive_kansli"}))
def test_view_permission_agrees_with_the_list_selector(world: World, who: str) -> None:
    review, others, people = world
    user = people[who]
    visible = set(reviews_visible_to(user).values_list("pk", flat=True))
    for each in [review, *others]:
        assert user.has_perm("reviews.view_review", each) is (each.pk in visible), each
