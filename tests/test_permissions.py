"""Who may open which page: every URL of the project × every role → the expected answer.

The table is checked against the URL configuration, so a new URL without an entry here fails.
The admin (Django's own permission system, staff only) and the language switch are listed too.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.reviews.models import Assignment, Review
from granska.reviews.services import review_create
from tests.factories import UnitFactory, UserFactory

ROLES = (
    "anonymous",
    "kansli",
    "assigned_inspector",
    "other_inspector",
    "own_unit",
    "other_unit",
    "observer",
)

OK, LOGIN, NOT_FOUND, REDIRECT = 200, "login", 404, 302

# URL name → (how to build its path from the review, {role: expected answer to a GET}).
ALL_LOGGED_IN_OK = {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN}
TABLE: dict[str, tuple[Any, dict[str, Any]]] = {
    "home": (lambda r: reverse("home"), dict.fromkeys(ROLES, REDIRECT)),
    "login": (
        lambda r: reverse("login"),
        dict.fromkeys(ROLES, REDIRECT) | {"anonymous": OK},
    ),
    # Logging out is a POST; a GET is refused for everyone.
    "logout": (lambda r: reverse("logout"), dict.fromkeys(ROLES, 405)),
    "set_language": (lambda r: reverse("set_language"), dict.fromkeys(ROLES, REDIRECT)),
    "reviews:list": (lambda r: reverse("reviews:list"), ALL_LOGGED_IN_OK),
    "reviews:detail": (
        lambda r: reverse("reviews:detail", args=[r.pk]),
        {
            "anonymous": LOGIN,
            "kansli": OK,
            "assigned_inspector": OK,
            "other_inspector": NOT_FOUND,
            "own_unit": OK,
            "other_unit": NOT_FOUND,
            "observer": OK,
        },
    ),
    # The Django admin is for the kansli only.
    "admin:index": (
        lambda r: reverse("admin:index"),
        dict.fromkeys(ROLES, LOGIN) | {"kansli": OK},
    ),
}


def project_url_names() -> Iterator[str]:
    """Every named URL of the project outside the admin's own views."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_has_an_entry_in_the_table() -> None:
    assert set(project_url_names()) | {"admin:index"} == set(TABLE)


@pytest.fixture
def people(protocol: ProtocolVersion) -> tuple[Review, dict[str, User | None]]:
    review = review_create(unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",))
    other_unit = UnitFactory()
    people: dict[str, User | None] = {
        "anonymous": None,
        "kansli": UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True),
        "assigned_inspector": UserFactory(role=Role.INSPEKTOR),
        "other_inspector": UserFactory(role=Role.INSPEKTOR),
        "own_unit": UserFactory(role=Role.VERKSAMHET),
        "other_unit": UserFactory(role=Role.VERKSAMHET),
        "observer": UserFactory(role=Role.OBSERVATOR),
    }
    Assignment.objects.create(review=review, inspector=people["assigned_inspector"])
    review.unit.members.add(people["own_unit"])
    other_unit.members.add(people["other_unit"])
    review_create(unit=other_unit, protocol=protocol, regulations=("SOSFS 2015:8",))
    return review, people


@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_expected_answer(
    client: Client, people: tuple[Review, dict[str, User | None]], name: str, role: str
) -> None:
    review, users = people
    build, expected_by_role = TABLE[name]
    user = users[role]
    if user is not None:
        client.force_login(user)
    response = client.get(build(review))
    expected = expected_by_role[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/logga-in/" in response["Location"] or "/admin/login/" in response["Location"]
    else:
        assert response.status_code == expected


def test_a_unit_sees_only_its_own_reviews_in_the_list(
    client: Client, people: tuple[Review, dict[str, User | None]]
) -> None:
    review, users = people
    client.force_login(users["own_unit"])  # type: ignore[arg-type]
    assert [r.pk for r in client.get(reverse("reviews:list")).context["reviews"]] == [review.pk]
    client.force_login(users["other_inspector"])  # type: ignore[arg-type]
    assert list(client.get(reverse("reviews:list")).context["reviews"]) == []
