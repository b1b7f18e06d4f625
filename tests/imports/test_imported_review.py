"""An imported review's pages: the notice of where it came from and what is unknown, the
original file for its readers, the list's tag, and read-only history on every page that writes."""

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.imports.parsed import ParsedReport
from granska.imports.services import reading_store, source_keep
from granska.lifecycle import Status
from granska.reports.models import FinalReport
from granska.reviews.models import AreaAssessment, Review, StatusChange
from granska.reviews.services import summary_fingerprint
from tests.factories import UserFactory
from tests.imports.builders import parsed_report

pytestmark = pytest.mark.django_db

DATA = b"%PDF-1.7 en gammal rapport"


@pytest.fixture
def kansli() -> User:
    return UserFactory(role=Role.KANSLI, email="kansli@granska.example")


@pytest.fixture
def review(kansli: User, protocol: ProtocolVersion) -> Review:
    source = source_keep(by=kansli, name="2019-ögon storvik.pdf", data=DATA)
    return reading_store(by=kansli, parsed=parsed_report(), source=source)


@pytest.fixture
def kansli_client(client: Client, kansli: User) -> Client:
    client.force_login(kansli)
    return client


def test_the_review_page_says_where_it_came_from_and_what_is_unknown(
    kansli_client: Client, review: Review
) -> None:
    page = kansli_client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Importerad från 2019-ögon storvik.pdf, betyg okända." not in page  # one grade read
    assert "Importerad från 2019-ögon storvik.pdf, vissa betyg okända." in page
    assert reverse("reviews:source", args=[review.pk]) in page
    assert "importerad" in page


def test_a_report_with_nothing_read_names_each_unknown(
    kansli_client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    source = source_keep(by=kansli, name="tom.txt", data=b"tom")
    review = reading_store(by=kansli, parsed=ParsedReport(), source=source)
    page = kansli_client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "Importerad från tom.txt, betyg okända, " in page
    for part in ("datum okänt", "inspektörer okända", "föreskrifter okända"):
        assert part in page


def test_the_report_page_has_the_notice_and_no_reissue(
    kansli_client: Client, review: Review
) -> None:
    response = kansli_client.get(reverse("reports:html", args=[review.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Importerad från 2019-ögon storvik.pdf" in page
    assert reverse("reports:reissue", args=[review.pk]) not in page


def test_the_original_file_downloads_as_it_was(kansli_client: Client, review: Review) -> None:
    response = kansli_client.get(reverse("reviews:source", args=[review.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DATA  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "storvik.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/pdf"


def test_a_review_made_in_granska_has_no_file(
    kansli_client: Client, review: Review, protocol: ProtocolVersion
) -> None:
    other = Review.objects.create(unit=review.unit, specialty=review.specialty, protocol=protocol)
    assert kansli_client.get(reverse("reviews:source", args=[other.pk])).status_code == 404
    page = kansli_client.get(reverse("reviews:detail", args=[other.pk])).content.decode()
    assert "Importerad från" not in page


def test_the_list_marks_imported_reviews(kansli_client: Client, review: Review) -> None:
    page = kansli_client.get(reverse("reviews:list")).content.decode()
    assert 'class="tag tag-imported">importerad<' in page


def _unchanged(review: Review) -> None:
    fresh = Review.objects.get(pk=review.pk)
    assert fresh.status == Status.AVSLUTAD
    assert fresh.visit_date == review.visit_date
    assert fresh.strengths == review.strengths
    assert StatusChange.objects.filter(review=review).count() == 1
    assert not FinalReport.objects.filter(review=review).exists()


def test_the_summary_refuses_it(client: Client, review: Review, kansli: User) -> None:
    inspector = review.inspectors.first()
    assert inspector is not None
    for person in (kansli, inspector):
        client.force_login(person)
        client.post(
            reverse("reviews:summary", args=[review.pk]),
            {
                "strengths": "Nytt.",
                "weaknesses": "",
                "improvements": "",
                "fingerprint": summary_fingerprint(review),
            },
        )
    _unchanged(review)


def test_the_assessment_refuses_it(client: Client, review: Review) -> None:
    inspector = review.inspectors.first()
    assert inspector is not None
    # An imported inspector cannot log in; one who could would still find it closed.
    client.force_login(inspector)
    client.post(
        reverse("reviews:assessment", args=[review.pk, "A"]), {"version": "0", "narrative": "Ny."}
    )
    assert AreaAssessment.objects.get(review=review, area__code="A").narrative == (
        "Området A är beskrivet."
    )
    _unchanged(review)


def test_the_booking_refuses_it(kansli_client: Client, review: Review) -> None:
    kansli_client.post(
        reverse("reviews:booking-change", args=[review.pk]),
        {"visit_date": "2027-05-04", "publish_report": "on"},
    )
    kansli_client.post(
        reverse("reviews:booking-change", args=[review.pk]),
        {
            "visit_date": review.visit_date.isoformat() if review.visit_date else "",
            "publish_report": "",
        },
    )
    assert Review.objects.get(pk=review.pk).publish_report is True
    _unchanged(review)


@pytest.mark.parametrize("target", [s.value for s in Status])
def test_no_move_takes_it_anywhere(kansli_client: Client, review: Review, target: str) -> None:
    kansli_client.post(reverse("reviews:move", args=[review.pk]), {"to": target})
    _unchanged(review)


def test_no_corrected_final_report_is_issued_for_it(kansli_client: Client, review: Review) -> None:
    kansli_client.post(reverse("reports:reissue", args=[review.pk]), {"reason": "Rättelse."})
    _unchanged(review)


@pytest.mark.parametrize(
    "name",
    ["reviews:detail", "reviews:history", "reviews:recorded", "reports:html", "actionplans:plan"],
)
def test_every_page_of_it_opens(kansli_client: Client, review: Review, name: str) -> None:
    response = kansli_client.get(reverse(name, args=[review.pk]))
    assert response.status_code == 200


def test_its_plan_is_as_written(kansli_client: Client, review: Review) -> None:
    page = kansli_client.get(reverse("actionplans:plan", args=[review.pk])).content.decode()
    assert "Inför schemalagd studietid." in page
    assert "Våren 2027" in page
