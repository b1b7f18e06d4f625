"""The admin reads what the workflow owns and never writes it: moves, assignments, findings and
grades go through the services, which check and record them."""

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, StatusChange
from granska.reviews.services import area_grade_set, finding_record, review_create
from tests.builders import assessor, kansli_user
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_review_but_cannot_move_or_staff_it(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    client.force_login(UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True))
    change = reverse("admin:reviews_review_change", args=[review.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()  # shown as text, not as a field

    inspector = UserFactory(role=Role.INSPEKTOR)
    response = client.post(
        change,
        {
            "unit": review.unit_id,
            "specialty": review.specialty_id,
            "protocol": review.protocol_id,
            "under_2015": "on",
            "status": Status.SLUTRAPPORT,
            "assignments-TOTAL_FORMS": "1",
            "assignments-INITIAL_FORMS": "0",
            "assignments-0-inspector": inspector.pk,
        },
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == Status.BOKAD
    assert not Assignment.objects.filter(review=review).exists()
    assert not StatusChange.objects.exists()
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403


def test_the_admin_cannot_change_findings_or_grades(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    finding = finding_record(
        by=assessor(review),
        review=review,
        criterion=protocol.criteria.get(code="A1"),
        outcome="uppfyllt",
    )
    grade = area_grade_set(
        by=assessor(review),
        review=review,
        area=protocol.areas.get(code="A"),
        regulation="SOSFS 2015:8",
        grade="B",
        reason="Skäl.",
    )
    client.force_login(UserFactory(role=Role.KANSLI, is_staff=True, is_superuser=True))
    finding_url = reverse("admin:reviews_finding_change", args=[finding.pk])
    assert client.get(finding_url).status_code == 200
    assert client.post(finding_url, {"outcome": "ej_uppfyllt"}).status_code == 403
    assessment_url = reverse("admin:reviews_areaassessment_change", args=[grade.assessment_id])
    assert client.post(assessment_url, {"narrative": "Ändrad."}).status_code == 403
    finding.refresh_from_db()
    grade.refresh_from_db()
    assert (finding.outcome, grade.grade) == ("uppfyllt", "B")
