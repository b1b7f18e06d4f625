"""The report in the browser and as a PDF: content, and who may read it at which step."""

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, ObserverScope, Review
from tests.builders import review_at
from tests.demo_facts import DEMO_DRAFTS
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_demo_review_reads_in_the_browser(client: Client, demo: list[Review]) -> None:
    client.force_login(User.objects.get(email="kansli@granska.example"))
    drafts = set()
    for review in demo:
        response = client.get(reverse("reports:html", args=[review.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "EXTERN KVALITETSGRANSKNING" in html
        for area in review.protocol.areas.all():
            assert f"{area.code}. {area.title}" in html
        if 'class="report-draft"' in html:
            drafts.add(review.unit.name)
        assert reverse("reports:pdf", args=[review.pk]) in html
    # Marked a draft: every report before the final one is issued, and no other.
    assert drafts == DEMO_DRAFTS


def test_the_pdf_download_is_a_pdf(client: Client, demo: list[Review]) -> None:
    client.force_login(User.objects.get(email="kansli@granska.example"))
    response = client.get(reverse("reports:pdf", args=[demo[0].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"granskning-{demo[0].pk}-" in response["Content-Disposition"]


def test_the_review_page_links_to_the_report_for_those_who_may_read_it(
    client: Client, demo: list[Review]
) -> None:
    draft = next(r for r in demo if r.status == Status.UTKAST)
    client.force_login(User.objects.get(email="kansli@granska.example"))
    page = client.get(reverse("reviews:detail", args=[draft.pk])).content.decode()
    assert reverse("reports:html", args=[draft.pk]) in page


# Who may read the report at each step, beyond the booked review of tests/test_permissions.py.
ANSWERS = {
    Status.UTKAST: {
        "kansli": 200,
        "assigned_inspector": 200,
        "other_inspector": 404,
        "own_unit": 403,
        "other_unit": 404,
        "observer": 403,
    },
    Status.FAKTAGRANSKNING: {
        "kansli": 200,
        "assigned_inspector": 200,
        "other_inspector": 404,
        "own_unit": 200,
        "other_unit": 404,
        "observer": 403,
    },
    Status.SLUTRAPPORT: {
        "kansli": 200,
        "assigned_inspector": 200,
        "other_inspector": 404,
        "own_unit": 200,
        "other_unit": 404,
        "observer": 200,
    },
    Status.AVSLUTAD: {
        "kansli": 200,
        "assigned_inspector": 200,
        "other_inspector": 404,
        "own_unit": 200,
        "other_unit": 404,
        "observer": 200,
    },
}


@pytest.mark.parametrize("status", list(ANSWERS))
@pytest.mark.parametrize("url", ["reports:html", "reports:pdf"])
def test_who_may_read_the_report_at_each_step(
    client: Client, protocol: ProtocolVersion, status: Status, url: str
) -> None:
    review = review_at(status, protocol, unit=UnitFactory(), regulations=("HSLF-FS 2021:8",))
    people = {
        "kansli": UserFactory(role=Role.KANSLI),
        "assigned_inspector": UserFactory(role=Role.INSPEKTOR),
        "other_inspector": UserFactory(role=Role.INSPEKTOR),
        "own_unit": UserFactory(role=Role.VERKSAMHET),
        "other_unit": UserFactory(role=Role.VERKSAMHET),
        "observer": UserFactory(role=Role.OBSERVATOR),
    }
    Assignment.objects.create(review=review, inspector=people["assigned_inspector"])
    ObserverScope.objects.create(observer=people["observer"], specialty=review.specialty)
    review.unit.members.add(people["own_unit"])
    UnitFactory().members.add(people["other_unit"])
    for role, expected in ANSWERS[status].items():
        client.force_login(people[role])
        response = client.get(reverse(url, args=[review.pk]))
        assert response.status_code == expected, role
