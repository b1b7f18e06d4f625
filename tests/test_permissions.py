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
from granska.reviews.models import Assignment, ObserverScope, Review
from granska.reviews.services import review_create, summary_fingerprint
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

OK, LOGIN, NOT_FOUND, REDIRECT, FORBIDDEN = 200, "login", 404, 302, 403

ALL_LOGGED_IN_OK = {role: OK for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN}
KANSLI_ONLY = dict.fromkeys(ROLES, FORBIDDEN) | {"anonymous": LOGIN, "kansli": OK}
# Those who work on the review (kansli, its inspectors); readers of it are refused, others
# are told it does not exist.
WORKERS = {
    "anonymous": LOGIN,
    "kansli": OK,
    "assigned_inspector": OK,
    "other_inspector": NOT_FOUND,
    "own_unit": FORBIDDEN,
    "other_unit": NOT_FOUND,
    "observer": FORBIDDEN,
}

# URL name → (how to build its path from the review, {role: expected answer to a GET}).
TABLE: dict[str, tuple[Any, dict[str, Any]]] = {
    "home": (lambda r: reverse("home"), dict.fromkeys(ROLES, REDIRECT)),
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
    "reviews:home": (lambda r: reverse("reviews:home"), ALL_LOGGED_IN_OK),
    "reviews:book": (lambda r: reverse("reviews:book"), KANSLI_ONLY),
    "reviews:units": (lambda r: reverse("reviews:units"), KANSLI_ONLY),
    "reviews:history": (lambda r: reverse("reviews:history", args=[r.pk]), WORKERS),
    "reviews:summary": (lambda r: reverse("reviews:summary", args=[r.pk]), WORKERS),
    "reviews:assessment": (lambda r: reverse("reviews:assessment", args=[r.pk, "A"]), WORKERS),
    # POST only: a GET is refused for everyone; the POST_TABLE below says who may post.
    "reviews:assessment-suggestion": (
        lambda r: reverse("reviews:assessment-suggestion", args=[r.pk, "A"]),
        dict.fromkeys(ROLES, 405),
    ),
    "reviews:assign": (lambda r: reverse("reviews:assign", args=[r.pk]), dict.fromkeys(ROLES, 405)),
    "reviews:unassign": (
        lambda r: reverse("reviews:unassign", args=[r.pk, r.assignments.get().inspector_id]),
        dict.fromkeys(ROLES, 405),
    ),
    "reviews:move": (lambda r: reverse("reviews:move", args=[r.pk]), dict.fromkeys(ROLES, 405)),
    # The review here is booked, so its report is a draft: for those who work on it. The unit
    # reads it in faktagranskning and everyone who reads the review from the final report on
    # (tests/reports/test_views.py).
    "reports:html": (lambda r: reverse("reports:html", args=[r.pk]), WORKERS),
    "reports:pdf": (lambda r: reverse("reports:pdf", args=[r.pk]), WORKERS),
    # No final report is issued for a booked review: those who may read its report find no
    # version 1 (who may download issued versions: tests/reports/test_final.py).
    "reports:version": (
        lambda r: reverse("reports:version", args=[r.pk, 1]),
        WORKERS | {"kansli": NOT_FOUND, "assigned_inspector": NOT_FOUND},
    ),
    "reports:reissue": (
        lambda r: reverse("reports:reissue", args=[r.pk]),
        dict.fromkeys(ROLES, 405),
    ),
    "reviews:booking-change": (
        lambda r: reverse("reviews:booking-change", args=[r.pk]),
        dict.fromkeys(ROLES, 405),
    ),
    # The public list of published final reports is open to everyone; a booked review has no
    # final report, so nobody finds its PDF there (tests/reports/test_published.py).
    "published:list": (lambda r: reverse("published:list"), dict.fromkeys(ROLES, OK)),
    "published:pdf": (
        lambda r: reverse("published:pdf", args=[r.pk]),
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
}

# ---- Accounts (django-allauth under /konto/): every named URL allauth includes. ----------------
# Nobody signs up and nobody verifies an address (the kansli creates accounts), but allauth still
# names those pages: they answer harmlessly. The people fixture logs in without a second factor
# and none has TOTP, so the pages for an existing authenticator say 404, and the ones that change
# authenticators first ask for the password again (a redirect).
ANYONE_OK = dict.fromkeys(ROLES, OK)
ANONYMOUS_ONLY = dict.fromkeys(ROLES, REDIRECT) | {"anonymous": OK}  # the rest go home
LOGGED_IN_REDIRECT = dict.fromkeys(ROLES, REDIRECT) | {"anonymous": LOGIN}
NO_AUTHENTICATOR = dict.fromkeys(ROLES, NOT_FOUND) | {"anonymous": LOGIN}
TABLE |= {
    "account_login": (lambda r: reverse("account_login"), ANONYMOUS_ONLY),
    # A GET asks "log out?"; the logging out itself is a POST (POST_TABLE).
    "account_logout": (lambda r: reverse("account_logout"), ALL_LOGGED_IN_OK),
    "account_signup": (lambda r: reverse("account_signup"), ANONYMOUS_ONLY),
    "account_inactive": (lambda r: reverse("account_inactive"), ANYONE_OK),
    "account_reauthenticate": (lambda r: reverse("account_reauthenticate"), ALL_LOGGED_IN_OK),
    "account_email": (lambda r: reverse("account_email"), ALL_LOGGED_IN_OK),
    "account_email_verification_sent": (
        lambda r: reverse("account_email_verification_sent"),
        ANYONE_OK,
    ),
    "account_confirm_email": (
        lambda r: reverse("account_confirm_email", args=["ogiltig"]),
        ANYONE_OK,  # says the link is not valid
    ),
    "account_confirm_login_code": (
        lambda r: reverse("account_confirm_login_code"),
        LOGGED_IN_REDIRECT,  # no login by code: back to the login, or home
    ),
    "account_change_password": (lambda r: reverse("account_change_password"), ALL_LOGGED_IN_OK),
    # Everyone has a password: setting a first one sends them to changing it.
    "account_set_password": (lambda r: reverse("account_set_password"), LOGGED_IN_REDIRECT),
    "account_reset_password": (lambda r: reverse("account_reset_password"), ANYONE_OK),
    "account_reset_password_done": (lambda r: reverse("account_reset_password_done"), ANYONE_OK),
    "account_reset_password_from_key": (
        lambda r: reverse("account_reset_password_from_key", args=["1", "ogiltig"]),
        ANYONE_OK,  # says the link is not valid
    ),
    "account_reset_password_from_key_done": (
        lambda r: reverse("account_reset_password_from_key_done"),
        ANYONE_OK,
    ),
    "mfa_index": (lambda r: reverse("mfa_index"), ALL_LOGGED_IN_OK),
    # Only during a login that waits for its second factor; otherwise back to login, or home.
    "mfa_authenticate": (lambda r: reverse("mfa_authenticate"), LOGGED_IN_REDIRECT),
    "mfa_reauthenticate": (lambda r: reverse("mfa_reauthenticate"), LOGGED_IN_REDIRECT),
    "mfa_activate_totp": (lambda r: reverse("mfa_activate_totp"), LOGGED_IN_REDIRECT),
    "mfa_deactivate_totp": (lambda r: reverse("mfa_deactivate_totp"), NO_AUTHENTICATOR),
    "mfa_generate_recovery_codes": (
        lambda r: reverse("mfa_generate_recovery_codes"),
        LOGGED_IN_REDIRECT,
    ),
    "mfa_view_recovery_codes": (lambda r: reverse("mfa_view_recovery_codes"), NO_AUTHENTICATOR),
    "mfa_download_recovery_codes": (
        lambda r: reverse("mfa_download_recovery_codes"),
        NO_AUTHENTICATOR,
    ),
}
# ---- end of the accounts block ------------------------------------------------------------------

# URL name → (path, form data, {role: expected answer to a POST}) for every URL that takes one.
POST_TABLE: dict[str, tuple[Any, Any, dict[str, Any]]] = {
    "reviews:assessment": (
        lambda r: reverse("reviews:assessment", args=[r.pk, "A"]),
        lambda r: {"version": "0", "narrative": "Text."},
        WORKERS | {"kansli": REDIRECT, "assigned_inspector": REDIRECT},
    ),
    "reviews:assessment-suggestion": (
        lambda r: reverse("reviews:assessment-suggestion", args=[r.pk, "A"]),
        lambda r: {"outcome-A1": "delvis"},
        WORKERS,
    ),
    "reviews:summary": (
        lambda r: reverse("reviews:summary", args=[r.pk]),
        lambda r: {"strengths": "Bra.", "fingerprint": summary_fingerprint(r)},
        WORKERS | {"kansli": REDIRECT, "assigned_inspector": REDIRECT},
    ),
    "reviews:book": (
        lambda r: reverse("reviews:book"),
        lambda r: {"unit": r.unit_id, "regulations": ["SOSFS 2015:8"], "protocol": r.protocol_id},
        KANSLI_ONLY | {"kansli": REDIRECT},
    ),
    "reviews:units": (
        lambda r: reverse("reviews:units"),
        lambda r: {},
        KANSLI_ONLY | {"kansli": 422},
    ),
    "reviews:assign": (
        lambda r: reverse("reviews:assign", args=[r.pk]),
        lambda r: {"inspector": r.assignments.get().inspector_id},
        KANSLI_ONLY | {"kansli": REDIRECT},
    ),
    "reviews:unassign": (
        lambda r: reverse("reviews:unassign", args=[r.pk, r.assignments.get().inspector_id]),
        lambda r: {},
        KANSLI_ONLY | {"kansli": REDIRECT},
    ),
    # Moving on from booked is the kansli's; an assigned inspector may not make that move.
    "reviews:move": (
        lambda r: reverse("reviews:move", args=[r.pk]),
        lambda r: {"to": "forberedelse"},
        WORKERS | {"kansli": REDIRECT, "assigned_inspector": FORBIDDEN},
    ),
    "reviews:booking-change": (
        lambda r: reverse("reviews:booking-change", args=[r.pk]),
        lambda r: {"visit_date": "2027-05-04", "publish_report": "on"},
        KANSLI_ONLY | {"kansli": REDIRECT},
    ),
    # Reissuing is the kansli's; a booked review has no final report, so the kansli is sent back
    # to the report with the reason.
    "reports:reissue": (
        lambda r: reverse("reports:reissue", args=[r.pk]),
        lambda r: {},
        KANSLI_ONLY | {"kansli": REDIRECT},
    ),
}

# Accounts: logging out is a POST, for everyone logged in; a visitor is sent to the login.
POST_TABLE["account_logout"] = (
    lambda r: reverse("account_logout"),
    lambda r: {},
    dict.fromkeys(ROLES, REDIRECT) | {"anonymous": LOGIN},
)


def project_url_names() -> Iterator[str]:
    """Every named URL of the project outside the admin's own views."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                # An unnamed URL cannot be in the table: it fails the test until it has a name.
                yield f"{namespace}{pattern.name or f'<unnamed: {pattern.pattern}>'}"

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
    ObserverScope.objects.create(observer=people["observer"], specialty=review.specialty)
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
        location = response["Location"]
        assert location.startswith((reverse("account_login"), reverse("admin:login")))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(POST_TABLE))
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_expected_answer_to_a_post(
    client: Client, people: tuple[Review, dict[str, User | None]], name: str, role: str
) -> None:
    review, users = people
    build, data, expected_by_role = POST_TABLE[name]
    user = users[role]
    if user is not None:
        client.force_login(user)
    response = client.post(build(review), data(review))
    expected = expected_by_role[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def test_every_post_only_url_has_a_post_entry() -> None:
    post_only = {
        name for name, (_build, answers) in TABLE.items() if set(answers.values()) == {405}
    }
    assert post_only <= set(POST_TABLE)


def test_a_unit_sees_only_its_own_reviews_in_the_list(
    client: Client, people: tuple[Review, dict[str, User | None]]
) -> None:
    review, users = people
    client.force_login(users["own_unit"])  # type: ignore[arg-type]
    assert [r.pk for r in client.get(reverse("reviews:list")).context["reviews"]] == [review.pk]
    client.force_login(users["other_inspector"])  # type: ignore[arg-type]
    assert list(client.get(reverse("reviews:list")).context["reviews"]) == []
