"""Published final reports are open to everyone; the kansli may withhold one; drafts never show."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import User
from granska.lifecycle import Status
from granska.reports.models import FinalReport
from granska.reviews.models import Review
from tests.demo_facts import DEMO_DRAFTS, DEMO_ISSUED

pytestmark = pytest.mark.django_db


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


@pytest.fixture
def final(demo: list[Review]) -> Review:
    return next(r for r in demo if r.status == Status.SLUTRAPPORT)


@pytest.fixture
def kansli(demo: list[Review]) -> User:
    return User.objects.get(email="kansli@granska.example")


def test_anyone_reads_a_published_final_report_as_issued(
    client: Client, demo: list[Review], final: Review
) -> None:
    listing = client.get(reverse("published:list"))
    assert listing.status_code == 200
    page = text(listing.content)
    assert final.unit.name in page
    for review in demo:
        listed = review.unit.name in page
        assert listed == (review.unit.name in DEMO_ISSUED), review  # drafts are never listed
    pdf = client.get(reverse("published:pdf", args=[final.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    issued = FinalReport.objects.get(review=final)
    # The public copy, stored with its own SHA-256 (it names no one responsible in a plan).
    assert hashlib.sha256(pdf.content).hexdigest() == issued.public_sha256


def test_a_draft_has_no_public_pdf(client: Client, demo: list[Review]) -> None:
    answers = {
        review.unit.name: client.get(reverse("published:pdf", args=[review.pk])).status_code
        for review in demo
    }
    assert answers == dict.fromkeys(DEMO_ISSUED, 200) | dict.fromkeys(DEMO_DRAFTS, 404)


def test_the_kansli_withholds_a_report_and_publishes_it_again(
    client: Client, kansli: User, final: Review
) -> None:
    client.force_login(kansli)
    change = reverse("reviews:booking-change", args=[final.pk])
    date = final.visit_date.isoformat() if final.visit_date else ""
    assert client.post(change, {"visit_date": date}).status_code == 302
    final.refresh_from_db()
    assert final.publish_report is False
    detail = text(client.get(reverse("reviews:detail", args=[final.pk])).content)
    assert "Slutrapport inte publicerad" in detail

    anonymous = Client()
    assert final.unit.name not in text(anonymous.get(reverse("published:list")).content)
    assert anonymous.get(reverse("published:pdf", args=[final.pk])).status_code == 404
    # Those entitled to the review still read it inside Granska.
    assert client.get(reverse("reports:pdf", args=[final.pk])).status_code == 200

    client.post(change, {"visit_date": date, "publish_report": "on"})
    assert anonymous.get(reverse("published:pdf", args=[final.pk])).status_code == 200


def test_the_public_gets_the_corrected_version(client: Client, kansli: User, final: Review) -> None:
    client.force_login(kansli)
    client.post(reverse("reports:reissue", args=[final.pk]), {"reason": "Rättat stavfel."})
    second = FinalReport.objects.get(review=final, version=2)
    pdf = Client().get(reverse("published:pdf", args=[final.pk]))
    assert hashlib.sha256(pdf.content).hexdigest() == second.public_sha256
