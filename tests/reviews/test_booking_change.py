"""The kansli changes a booked review's visit date, until the final report states it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.reviews.services import review_booking_change
from tests.builders import kansli_user, review_at
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def book(protocol: ProtocolVersion, status: str = Status.BOKAD) -> Review:
    return review_at(
        status,
        protocol,
        unit=UnitFactory(),
        regulations=("SOSFS 2015:8",),
        visit_date=datetime.date(2027, 1, 20),
    )


def test_the_kansli_moves_the_visit_and_the_change_is_kept_in_history(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = book(protocol)
    client.force_login(UserFactory(role=Role.KANSLI))
    response = client.post(
        reverse("reviews:booking-change", args=[review.pk]),
        {"visit_date": "2027-02-10", "publish_report": "on"},
        follow=True,
    )
    assert "Bokningen är ändrad." in text(response.content)
    review.refresh_from_db()
    assert review.visit_date == datetime.date(2027, 2, 10)
    dates = [h.visit_date for h in review.history.order_by("history_date")]
    assert dates[-2:] == [datetime.date(2027, 1, 20), datetime.date(2027, 2, 10)]


def test_a_date_that_cannot_be_read_is_named(client: Client, protocol: ProtocolVersion) -> None:
    review = book(protocol)
    client.force_login(UserFactory(role=Role.KANSLI))
    response = client.post(
        reverse("reviews:booking-change", args=[review.pk]),
        {"visit_date": "tjugonde februari"},
        follow=True,
    )
    assert "Besöksdatum: Fyll i ett giltigt datum." in text(response.content)
    review.refresh_from_db()
    assert review.visit_date == datetime.date(2027, 1, 20)
    assert review.publish_report is True


def test_the_visit_date_of_an_issued_report_stays(protocol: ProtocolVersion) -> None:
    review = book(protocol, status=Status.SLUTRAPPORT)
    with pytest.raises(ValidationError) as error:
        review_booking_change(
            by=kansli_user(),
            review=review,
            visit_date=datetime.date(2027, 3, 1),
            publish_report=True,
        )
    assert error.value.message_dict == {
        "visit_date": ["Besöksdatumet står i den utfärdade slutrapporten och ändras inte."]
    }
    # Publication may still change.
    review_booking_change(
        by=kansli_user(), review=review, visit_date=review.visit_date, publish_report=False
    )
    review.refresh_from_db()
    assert review.publish_report is False


def test_a_visited_review_keeps_a_visit_date(protocol: ProtocolVersion) -> None:
    review = book(protocol, status=Status.BESOK)
    with pytest.raises(ValidationError, match="besöksdatum"):
        review_booking_change(by=kansli_user(), review=review, visit_date=None, publish_report=True)
