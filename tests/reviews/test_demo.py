"""`granska demo`: fictional data that shows every part, loaded once, never in production."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from granska.accounts.models import Role, User
from granska.lifecycle import Status
from granska.reviews.models import AreaGrade, Review
from tests.builders import kansli_user


def demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_has_a_user_for_every_role_and_prints_the_logins() -> None:
    output = demo()
    for role in Role:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.email in output
        assert user.check_password("granska-demo")
    assert "granska-demo" in output


@pytest.mark.django_db
def test_demo_reviews_span_states_regulations_and_grades() -> None:
    demo()
    reviews = Review.objects.all()
    assert len({r.status for r in reviews}) >= 5
    assert {r.regulations for r in reviews} >= {
        ("SOSFS 2015:8",),
        ("HSLF-FS 2021:8",),
        ("SOSFS 2015:8", "HSLF-FS 2021:8"),
    }
    grades = set(AreaGrade.objects.values_list("grade", flat=True))
    assert {"A", "B", "C", "D"} <= grades
    assert AreaGrade.objects.exclude(deviation_reason="").exists()
    assert reviews.filter(status=Status.SLUTRAPPORT).exclude(strengths="").exists()


@pytest.mark.django_db
def test_demo_twice_changes_nothing() -> None:
    demo()
    counts = (User.objects.count(), Review.objects.count(), AreaGrade.objects.count())
    assert "redan" in demo()
    assert (User.objects.count(), Review.objects.count(), AreaGrade.objects.count()) == counts


@pytest.mark.django_db
def test_every_demo_review_page_opens_for_the_kansli(client: Client) -> None:
    demo()
    client.force_login(User.objects.get(role=Role.KANSLI))
    for review in Review.objects.all():
        assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200


@pytest.mark.django_db
def test_demo_is_refused_in_production(settings: Settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="produktion"):
        demo()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_inspectors_have_employers_that_the_booking_respects() -> None:
    from django.core.exceptions import ValidationError

    from granska.reviews.services import inspector_assign

    demo()
    norrhamn = Review.objects.get(unit__name="Kirurgkliniken Norrhamn")
    with pytest.raises(ValidationError, match="Region Österå"):
        inspector_assign(
            by=kansli_user(), review=norrhamn, inspector=User.objects.get(full_name="Johan Berg")
        )
    inspector_assign(
        by=kansli_user(), review=norrhamn, inspector=User.objects.get(full_name="Per Holm")
    )


@pytest.mark.django_db
def test_the_demo_observer_reads_only_allmanmedicin() -> None:
    from granska.reviews.selectors import reviews_visible_to

    demo()
    observer = User.objects.get(role=Role.OBSERVATOR)
    specialties = {r.specialty.name for r in reviews_visible_to(observer)}
    assert specialties == {"Allmänmedicin"}


@pytest.mark.django_db
def test_demo_shows_every_step_after_the_visit() -> None:
    from django.utils import timezone

    from granska.actionplans.models import ActionItem, FollowUp, PlanStatus
    from granska.actionplans.selectors import followup_overview
    from granska.reports.models import DraftComment

    demo()
    in_fact_check = Review.objects.get(status=Status.FAKTAGRANSKNING)
    assert DraftComment.objects.filter(review=in_fact_check).count() == 2
    assert DraftComment.objects.filter(review=in_fact_check, answered_at__isnull=False).exists()
    plans = {
        r.unit.name: r.action_plan.status for r in Review.objects.filter(action_plan__isnull=False)
    }
    assert sorted(plans.values()) == sorted(
        [
            PlanStatus.UTKAST,
            PlanStatus.ATERFORVISAD,
            PlanStatus.GODKAND,
            PlanStatus.GODKAND,
            PlanStatus.GODKAND,
        ]
    )
    adjusted = AreaGrade.objects.exclude(adjusted_grade="")
    assert adjusted.exists()
    assert set(adjusted.values_list("grade", flat=True)) == {"D"}
    closed = Review.objects.get(status=Status.AVSLUTAD)
    assert (
        not ActionItem.objects.filter(plan__review=closed)
        .exclude(followup=FollowUp.CONFIRMED)
        .exists()
    )
    overview = followup_overview(timezone.localdate())
    assert any(due.kind == "action" for due in overview.overdue)  # in follow-up, overdue
    assert overview.reports_waiting
    assert [review for review, _day in overview.new_review_due] == [closed]


@pytest.mark.django_db
def test_home_says_what_the_plans_ask_of_each_person(client: Client) -> None:
    demo()
    client.force_login(User.objects.get(email="lina.moberg@granska.example"))
    page = client.get(reverse("reviews:home")).content.decode()
    assert page.count("Redovisa uppföljningen av 1 åtgärd.") == 2  # Storvik and Västerby
    assert "Lämna in handlingsplanen senast" in page  # Lindvik's returned plan
    client.force_login(User.objects.get(role=Role.KANSLI))
    page = client.get(reverse("reviews:home")).content.decode()
    assert "1 uppföljning att bekräfta." in page  # Västerby's report
