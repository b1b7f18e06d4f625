"""The review page shows the inspectors' work only to those who work on the review.

A unit's contact and an observer read the report when they may (the unit the draft from
faktagranskning on, observers the final report); the review page never shows them the working
material: findings, notes and sources, the suggested grades and their reasons, grades, reasons for
departing from a suggestion, narratives and the summary.
"""

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, ObserverScope, Review
from granska.reviews.services import area_grade_set, assessment_write, finding_record
from tests.builders import assessor, walk
from tests.chain import graded_review
from tests.factories import UserFactory

NOTE = "Anteckning-från-intervjun-7Q"
NARRATIVE = "Berättelse-om-området-7Q"
REASON = "Skäl-för-avvikelse-7Q"
STRENGTH = "Styrka-i-sammanfattningen-7Q"
WORKING_MATERIAL = (NOTE, NARRATIVE, REASON, STRENGTH)


def _review(protocol: ProtocolVersion, status: str) -> Review:
    review = graded_review(protocol, {}, status=Status.FORBEREDELSE)
    area = review.protocol.areas.get(code="B")
    finding_record(
        by=assessor(review),
        review=review,
        criterion=area.criteria.get(code="B9"),
        outcome="delvis",
        note=NOTE,
        source="intervju",
    )
    assessment_write(by=assessor(review), review=review, area=area, narrative=NARRATIVE)
    area_grade_set(
        by=assessor(review),
        review=review,
        area=area,
        regulation="HSLF-FS 2021:8",
        grade="C",
        reason=REASON,
    )
    Review.objects.filter(pk=review.pk).update(strengths=STRENGTH)
    return walk(review, status)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _people(review: Review) -> dict[str, User]:
    contact = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(contact)
    observer = UserFactory(role=Role.OBSERVATOR)
    ObserverScope.objects.create(observer=observer, specialty=review.specialty)
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    return {
        "kansli": UserFactory(role=Role.KANSLI),
        "inspector": inspector,
        "unit": contact,
        "observer": observer,
    }


@pytest.mark.parametrize(
    "status",
    [Status.BESOK, Status.UTKAST, Status.FAKTAGRANSKNING, Status.SLUTRAPPORT, Status.AVSLUTAD],
)
@pytest.mark.parametrize("reader", ["unit", "observer"])
def test_readers_never_see_the_working_material_on_the_review_page(
    protocol: ProtocolVersion, status: str, reader: str
) -> None:
    review = _review(protocol, status)
    people = _people(review)
    page = _client(people[reader]).get(reverse("reviews:detail", args=[review.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for secret in WORKING_MATERIAL:
        assert secret not in html, f"{reader} sees {secret!r} in {status}"
    assert 'class="grades"' not in html
    assert 'class="grade-grid"' not in html
    assert review.unit.name in html


@pytest.mark.parametrize(
    "status", [Status.BESOK, Status.UTKAST, Status.FAKTAGRANSKNING, Status.SLUTRAPPORT]
)
@pytest.mark.parametrize("worker", ["kansli", "inspector"])
def test_those_who_work_on_the_review_read_it_all_on_the_area_pages(
    protocol: ProtocolVersion, status: str, worker: str
) -> None:
    """The overview shows the grades as a grid; the findings, notes, narratives, reasons and
    the summary are on the pages of the assessment as saved, in every state."""
    review = _review(protocol, status)
    client = _client(_people(review)[worker])
    overview = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'class="grade-grid"' in overview
    for secret in WORKING_MATERIAL:
        assert secret not in overview
    area = client.get(reverse("reviews:recorded-area", args=[review.pk, "B"])).content.decode()
    summary = client.get(reverse("reviews:recorded", args=[review.pk])).content.decode()
    for secret in (NOTE, NARRATIVE, REASON):
        assert secret in area
    assert STRENGTH in summary


@pytest.mark.parametrize("reader", ["unit", "observer"])
def test_readers_never_reach_the_assessment_as_saved(
    protocol: ProtocolVersion, reader: str
) -> None:
    review = _review(protocol, Status.AVSLUTAD)
    client = _client(_people(review)[reader])
    for page in (
        reverse("reviews:recorded", args=[review.pk]),
        reverse("reviews:recorded-area", args=[review.pk, "B"]),
    ):
        response = client.get(page)
        assert response.status_code == 403
        for secret in WORKING_MATERIAL:
            assert secret not in response.content.decode()


@pytest.mark.parametrize(
    ("status", "reader", "expected"),
    [
        (Status.UTKAST, "unit", 403),
        (Status.FAKTAGRANSKNING, "unit", 200),
        (Status.FAKTAGRANSKNING, "observer", 403),
        (Status.SLUTRAPPORT, "observer", 200),
    ],
)
def test_readers_read_the_report_when_it_is_theirs_to_read(
    protocol: ProtocolVersion, status: str, reader: str, expected: int
) -> None:
    """The report shows the narrative and the summary, never the notes or reasons."""
    review = _review(protocol, status)
    client = _client(_people(review)[reader])
    detail = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    report = client.get(reverse("reports:html", args=[review.pk]))
    assert report.status_code == expected
    if expected == 200:
        html = report.content.decode()
        assert NARRATIVE in html
        assert STRENGTH in html
        assert NOTE not in html
        assert REASON not in html
        assert reverse("reports:html", args=[review.pk]) in detail
    else:
        assert reverse("reports:html", args=[review.pk]) not in detail
