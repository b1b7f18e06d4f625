"""The final report: issued with the move to slutrapport, stored once, corrected by new versions."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reports.issuing import report_issue_final
from granska.reports.models import DraftComment, FinalReport
from granska.reports.services import draft_comment_answer
from granska.reviews.models import Assignment, ObserverScope, Review, StatusChange
from granska.workflow.moves import review_move
from tests.builders import review_at
from tests.factories import UnitFactory, UserFactory
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_bytes(report: FinalReport) -> bytes:
    with report.pdf.open("rb") as stored:
        return stored.read()


@pytest.fixture
def kansli(demo: list[Review]) -> User:
    return User.objects.get(email="kansli@granska.example")


@pytest.fixture
def in_fact_check(demo: list[Review]) -> Review:
    """The demo review in faktagranskning: every area graded; with the unit's comments answered,
    ready for its final report."""
    review = next(r for r in demo if r.status == Status.FAKTAGRANSKNING)
    inspector = review.inspectors.first()
    assert inspector is not None
    for comment in DraftComment.objects.filter(review=review, answered_at__isnull=True):
        draft_comment_answer(comment=comment, by=inspector, answer="Sett.", decision="unchanged")
    return review


def test_moving_to_the_final_report_stores_its_pdf_and_sha256(
    client: Client, kansli: User, in_fact_check: Review
) -> None:
    review_move(review=in_fact_check, target=Status.SLUTRAPPORT, by=kansli)
    report = FinalReport.objects.get(review=in_fact_check)
    assert (report.version, report.issued_by, report.replaced_at) == (1, kansli, None)
    pdf = stored_bytes(report)
    assert sha256(pdf) == report.sha256
    text = flat(" ".join(pdf_pages(pdf)))
    assert "UTKAST" not in text
    assert in_fact_check.unit.name in text


def test_the_stored_pdf_never_changes_when_the_review_does(
    client: Client, kansli: User, in_fact_check: Review
) -> None:
    review_move(review=in_fact_check, target=Status.SLUTRAPPORT, by=kansli)
    report = FinalReport.objects.get(review=in_fact_check)
    client.force_login(kansli)
    url = reverse("reports:pdf", args=[in_fact_check.pk])
    assert sha256(client.get(url).content) == report.sha256

    in_fact_check.strengths = "En helt ny styrka skriven efter utfärdandet."
    in_fact_check.save(update_fields=["strengths"])
    served = client.get(url).content
    assert sha256(served) == report.sha256 == sha256(stored_bytes(report))
    assert "helt ny styrka" not in flat(" ".join(pdf_pages(served)))


def test_a_correction_issues_version_2_and_marks_version_1_replaced(
    client: Client, kansli: User, demo: list[Review]
) -> None:
    final = next(r for r in demo if r.status == Status.SLUTRAPPORT)
    first = FinalReport.objects.get(review=final)  # issued by the demo
    first_bytes = stored_bytes(first)
    final.strengths = "Rättad styrka."
    final.save(update_fields=["strengths"])

    client.force_login(kansli)
    response = client.post(
        reverse("reports:reissue", args=[final.pk]), {"reason": "Styrkan rättad."}
    )
    assert response.status_code == 302

    first.refresh_from_db()
    second = FinalReport.objects.get(review=final, version=2)
    assert first.replaced_by == second
    assert first.replaced_at is not None
    assert second.replaced_at is None
    assert stored_bytes(first) == first_bytes
    assert sha256(first_bytes) == first.sha256

    current = client.get(reverse("reports:pdf", args=[final.pk])).content
    assert sha256(current) == second.sha256
    assert "Rättad styrka." in flat(" ".join(pdf_pages(current)))
    # Version 1 as issued stays in the storage; its download is the copy marked replaced.
    old = client.get(reverse("reports:version", args=[final.pk, 1])).content
    assert sha256(old) == first.replaced_sha256
    assert "ERSATT: version 1 är ersatt av version 2" in flat(pdf_pages(old)[0])

    page = client.get(reverse("reports:html", args=[final.pk])).content.decode()
    assert reverse("reports:version", args=[final.pk, 1]) in page
    assert reverse("reports:version", args=[final.pk, 2]) in page
    assert page.count('class="report-version-replaced"') == 1
    assert "Styrkan rättad." in page


def test_a_render_failure_leaves_the_review_where_it_was(
    kansli: User, in_fact_check: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("typesetting failed")

    monkeypatch.setattr("granska.reports.issuing.pdf_render", broken)
    with pytest.raises(ValidationError) as error:
        review_move(review=in_fact_check, target=Status.SLUTRAPPORT, by=kansli)
    assert error.value.messages == ["Slutrapporten kunde inte skapas, så ingenting ändrades."]
    in_fact_check.refresh_from_db()
    assert in_fact_check.status == Status.FAKTAGRANSKNING
    assert not FinalReport.objects.filter(review=in_fact_check).exists()
    assert not StatusChange.objects.filter(
        review=in_fact_check, to_status=Status.SLUTRAPPORT
    ).exists()


def test_a_draft_gets_no_final_report(kansli: User, demo: list[Review]) -> None:
    draft = next(r for r in demo if r.status == Status.UTKAST)
    with pytest.raises(ValidationError) as error:
        report_issue_final(review=draft, by=kansli)
    assert error.value.message_dict == {
        "status": ["Slutrapporten utfärdas när granskningen flyttas till slutrapport."]
    }
    assert not FinalReport.objects.filter(review=draft).exists()


# Who may download an issued version: everyone who may read the final report.
VERSION_ANSWERS = {
    "kansli": 200,
    "assigned_inspector": 200,
    "other_inspector": 404,
    "own_unit": 200,
    "other_unit": 404,
    "observer": 200,
}


@pytest.mark.parametrize("version", [1, 2])
def test_who_may_download_each_version(
    client: Client, protocol: ProtocolVersion, version: int
) -> None:
    review = review_at(
        Status.SLUTRAPPORT, protocol, unit=UnitFactory(), regulations=("HSLF-FS 2021:8",)
    )
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
    # The move to slutrapport issued version 1; a correction issues version 2.
    report_issue_final(review=review, by=people["kansli"])
    issued = FinalReport.objects.get(review=review, version=version)
    for role, expected in VERSION_ANSWERS.items():
        client.force_login(people[role])
        response = client.get(reverse("reports:version", args=[review.pk, version]))
        assert response.status_code == expected, role
        if expected == 200:
            # Version 1, replaced by 2, is served marked replaced; 2 as issued.
            assert sha256(response.content) == (issued.replaced_sha256 or issued.sha256)
            assert bool(issued.replaced_sha256) == (version == 1)
    client.force_login(people["kansli"])
    assert client.get(reverse("reports:version", args=[review.pk, 3])).status_code == 404
