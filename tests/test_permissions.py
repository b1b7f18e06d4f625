"""Who may open which page: every URL of the project × every role → the expected answer.

The table is checked against the URL configuration, so a new URL without an entry here fails.
The admin (Django's own permission system, staff only) and the language switch are listed too.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, ActionPlan, FollowUpReport, PlanStatus
from granska.actionplans.services import ITEM_FIELDS
from granska.catalog.models import ProtocolVersion
from granska.reports.models import DraftComment
from granska.reviews.models import Assignment, ObserverScope, Review, Status
from granska.reviews.services import review_create, summary_fingerprint
from tests.builders import kansli_user
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

# Readers of a review: everyone who may see it (its plan too); others are told it does not exist.
READERS = {
    "anonymous": LOGIN,
    "kansli": OK,
    "assigned_inspector": OK,
    "other_inspector": NOT_FOUND,
    "own_unit": OK,
    "other_unit": NOT_FOUND,
    "observer": OK,
}
NOBODY_GETS = dict.fromkeys(ROLES, 405)


def with_plan(review: Review, status: str = PlanStatus.UTKAST, *, report: bool = False) -> int:
    """Puts the review in its handlingsplan with one action for A1 (dated, with responsible
    people, and with a follow-up report with a file when `report`); returns the review's id."""
    Review.objects.filter(pk=review.pk).update(
        status=Status.UPPFOLJNING if status == PlanStatus.GODKAND else Status.HANDLINGSPLAN
    )
    plan = ActionPlan.objects.create(
        review=review, status=status, due_date=datetime.date(2027, 3, 1)
    )
    item = ActionItem.objects.create(
        plan=plan,
        area=review.protocol.areas.get(code="A"),
        criterion=review.protocol.criteria.get(code="A1"),
        position=1,
        action="Åtgärd.",
        completion_text="Q2 2027",
        completion_date=datetime.date(2027, 6, 30),
        responsible="Studierektor",
        followup_text="Q3 2027",
        followup_date=datetime.date(2027, 9, 30),
        followup_responsible="Verksamhetschef",
    )
    if report:
        unit_user = review.unit.members.get()
        FollowUpReport.objects.create(
            item=item,
            text="Gjort.",
            reported_by=unit_user,
            attachment=SimpleUploadedFile("rutin.txt", b"Rutin"),
        )
    return review.pk


def item_of(review_pk: int) -> int:
    return ActionItem.objects.get(plan__review_id=review_pk).pk


def report_of(review_pk: int) -> int:
    return FollowUpReport.objects.get(item__plan__review_id=review_pk).pk


def in_fact_check(review: Review, *, comment: bool = False) -> int:
    Review.objects.filter(pk=review.pk).update(status=Status.FAKTAGRANSKNING)
    if comment:
        DraftComment.objects.create(
            review=review, section="A", text="Fel antal.", by=review.unit.members.get()
        )
    return review.pk


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
    # ---- The handlingsplan and the draft's comments (each builder puts the review in the step
    # its URL belongs to). ----
    "actionplans:plan": (lambda r: reverse("actionplans:plan", args=[with_plan(r)]), READERS),
    # A review without a plan has no plan page, for those who may read it as for others.
    "actionplans:decide": (lambda r: reverse("actionplans:decide", args=[r.pk]), NOBODY_GETS),
    "actionplans:report": (
        lambda r: reverse("actionplans:report", args=[r.pk, 1]),
        NOBODY_GETS,
    ),
    "actionplans:confirm": (lambda r: reverse("actionplans:confirm", args=[r.pk, 1]), NOBODY_GETS),
    "actionplans:attachment": (
        lambda r: reverse(
            "actionplans:attachment",
            args=[r.pk, report_of(with_plan(r, PlanStatus.GODKAND, report=True))],
        ),
        READERS,
    ),
    "actionplans:calendar-renew": (
        lambda r: reverse("actionplans:calendar-renew", args=[r.pk]),
        NOBODY_GETS,
    ),
    # The feed's secret is its only key: whoever has the link reads the unit's dates.
    "actionplans:calendar": (
        lambda r: reverse("actionplans:calendar", args=[r.unit.calendar_token]),
        dict.fromkeys(ROLES, OK),
    ),
    "actionplans:overview": (lambda r: reverse("actionplans:overview"), KANSLI_ONLY),
    "actionplans:overview-csv": (lambda r: reverse("actionplans:overview-csv"), KANSLI_ONLY),
    "reports:comment-add": (
        lambda r: reverse("reports:comment-add", args=[r.pk]),
        NOBODY_GETS,
    ),
    "reports:comment-answer": (
        lambda r: reverse("reports:comment-answer", args=[r.pk, 1]),
        NOBODY_GETS,
    ),
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
        lambda r: {
            "strengths": "Bra.",
            "weaknesses": "",
            "improvements": "",
            "fingerprint": summary_fingerprint(r),
        },
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
    # The unit writes its plan (the kansli may, on its behalf); the inspectors who decide on it
    # may not write in it.
    "actionplans:plan": (
        lambda r: reverse("actionplans:plan", args=[with_plan(r)]),
        lambda r: (
            {"version": "0", "intent": "save"}
            | {f"item-{item_of(r.pk)}-{name}": "" for name in ITEM_FIELDS}
            | {f"item-{item_of(r.pk)}-action": "Ny."}
        ),
        READERS
        | {
            "own_unit": REDIRECT,
            "kansli": REDIRECT,
            "assigned_inspector": FORBIDDEN,
            "observer": FORBIDDEN,
        },
    ),
    "actionplans:decide": (
        lambda r: reverse("actionplans:decide", args=[with_plan(r, PlanStatus.INLAMNAD)]),
        lambda r: {"decision": "return", "comment": "Ange datum."},
        READERS
        | {
            "kansli": REDIRECT,
            "assigned_inspector": REDIRECT,
            "own_unit": FORBIDDEN,
            "observer": FORBIDDEN,
        },
    ),
    "actionplans:report": (
        lambda r: reverse(
            "actionplans:report",
            args=[r.pk, item_of(with_plan(r, PlanStatus.GODKAND))],
        ),
        lambda r: {"text": "Rutinen är införd."},
        READERS
        | {
            "own_unit": REDIRECT,
            "kansli": REDIRECT,
            "assigned_inspector": FORBIDDEN,
            "observer": FORBIDDEN,
        },
    ),
    "actionplans:confirm": (
        lambda r: reverse(
            "actionplans:confirm",
            args=[r.pk, report_of(with_plan(r, PlanStatus.GODKAND, report=True))],
        ),
        lambda r: {"decision": "confirmed"},
        READERS
        | {
            "kansli": REDIRECT,
            "assigned_inspector": REDIRECT,
            "own_unit": FORBIDDEN,
            "observer": FORBIDDEN,
        },
    ),
    "actionplans:calendar-renew": (
        lambda r: reverse("actionplans:calendar-renew", args=[r.pk]),
        lambda r: {},
        READERS
        | {
            "kansli": REDIRECT,
            "own_unit": REDIRECT,
            "assigned_inspector": FORBIDDEN,
            "observer": FORBIDDEN,
        },
    ),
    # The unit comments on the draft in faktagranskning (the kansli may enter a comment for it);
    # the inspectors and the kansli answer.
    "reports:comment-add": (
        lambda r: reverse("reports:comment-add", args=[in_fact_check(r)]),
        lambda r: {"section": "summary", "text": "Antalet ST-läkare är fel."},
        WORKERS | {"own_unit": REDIRECT, "kansli": REDIRECT, "assigned_inspector": FORBIDDEN},
    ),
    "reports:comment-answer": (
        lambda r: reverse(
            "reports:comment-answer",
            args=[
                in_fact_check(r, comment=True),
                DraftComment.objects.get(review=r).pk,
            ],
        ),
        lambda r: {"answer": "Rättat.", "decision": "changed"},
        WORKERS | {"kansli": REDIRECT, "assigned_inspector": REDIRECT, "own_unit": FORBIDDEN},
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
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
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
    review_create(
        by=kansli_user(), unit=other_unit, protocol=protocol, regulations=("SOSFS 2015:8",)
    )
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
