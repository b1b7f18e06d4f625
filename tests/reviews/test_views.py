"""The review list and the review page, as the people who use them see them."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, Review
from granska.reviews.services import area_grade_set, finding_record, review_create
from tests.builders import assessor, kansli_user, review_at
from tests.factories import RegionFactory, SpecialtyFactory, UnitFactory, UserFactory


@pytest.fixture
def kansli(db: None) -> User:
    return UserFactory(role=Role.KANSLI)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    """The page's text without tags and with whitespace folded."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_list_filters_by_status_specialty_and_region(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    north = RegionFactory(name="Region Nord")
    psychiatry = SpecialtyFactory(name="Psykiatri")
    a = review_at(
        Status.UTKAST,
        protocol,
        unit=UnitFactory(name="Enhet Alfa", region=north),
        regulations=("SOSFS 2015:8",),
    )
    b = review_create(
        by=kansli_user(),
        unit=UnitFactory(name="Enhet Beta", specialty=psychiatry),
        protocol=protocol,
        regulations=("SOSFS 2015:8",),
    )
    c = review_create(
        by=kansli_user(),
        unit=UnitFactory(name="Enhet Gamma"),
        protocol=protocol,
        regulations=("HSLF-FS 2021:8",),
    )
    logged_in(client, kansli)

    def names(**params: Any) -> set[str]:
        response = client.get(reverse("reviews:list"), params)
        return {r.unit.name for r in response.context["reviews"]}

    assert names() == {"Enhet Alfa", "Enhet Beta", "Enhet Gamma"}
    assert names(status="utkast") == {"Enhet Alfa"}
    assert names(specialty=psychiatry.pk) == {"Enhet Beta"}
    assert names(region=north.pk) == {"Enhet Alfa"}
    assert {a.pk, b.pk, c.pk} == {
        r.pk for r in client.get(reverse("reviews:list")).context["reviews"]
    }


def test_list_with_a_bad_filter_says_which_and_shows_all(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review_create(
        by=kansli_user(),
        unit=UnitFactory(name="Enhet Alfa"),
        protocol=protocol,
        regulations=("SOSFS 2015:8",),
    )
    response = logged_in(client, kansli).get(reverse("reviews:list"), {"status": "påhittad"})
    assert response.status_code == 200
    assert "påhittad" in text(response)  # "Välj ett giltigt alternativ. påhittad finns inte…"
    assert "Enhet Alfa" in text(response)


def test_list_answers_htmx_with_the_results_only(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review_create(
        by=kansli_user(),
        unit=UnitFactory(name="Enhet Alfa"),
        protocol=protocol,
        regulations=("SOSFS 2015:8",),
    )
    response = logged_in(client, kansli).get(
        reverse("reviews:list"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="results"' in html
    assert "Enhet Alfa" in html
    assert "<html" not in html


def test_review_page_shows_areas_criteria_findings_and_grades(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(),
        unit=UnitFactory(name="Enhet Alfa"),
        protocol=protocol,
        regulations=("SOSFS 2015:8", "HSLF-FS 2021:8"),
    )
    e4 = protocol.criteria.get(code="E4")
    finding_record(
        by=assessor(review),
        review=review,
        criterion=e4,
        outcome="ej_uppfyllt",
        note="Inga dokumenterade bedömningar.",
    )
    area_grade_set(
        by=assessor(review),
        review=review,
        area=protocol.areas.get(code="E"),
        regulation="SOSFS 2015:8",
        grade="D",
    )
    logged_in(client, kansli)
    overview = text(client.get(reverse("reviews:detail", args=[review.pk])))
    for area in protocol.areas.all():
        assert f"{area.code}. {area.title}" in overview
    # The findings are on each area's page of the assessment as saved.
    pages = {
        area.code: text(client.get(reverse("reviews:recorded-area", args=[review.pk, area.code])))
        for area in protocol.areas.all()
    }
    for criterion in protocol.criteria.select_related("area"):
        assert criterion.text in pages[criterion.area.code], criterion.code
    page = " ".join(pages.values())
    assert "Inga dokumenterade bedömningar." in page
    assert "ej uppfyllt" in page
    assert "endast 2021" in page
    assert "endast 2015" in page
    assert "STRUKTUR" in overview
    assert "PROCESS" in overview
    assert "Ej bedömda: E1, E2, E3" in page


def test_review_page_leaves_out_criteria_of_a_regulation_out_of_scope(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    logged_in(client, kansli)
    page = " ".join(
        text(client.get(reverse("reviews:recorded-area", args=[review.pk, code])))
        for code in ("E", "G")
    )
    only_2021 = protocol.criteria.filter(code__in=["E7", "G11"])
    assert only_2021.count() == 2
    for criterion in only_2021:
        assert f"{criterion.code} {criterion.text}" not in page
    assert "G3" in page
    assert "endast" not in page  # one regulation in scope: no "endast" labels
    assert "HSLF-FS 2021:8" not in page


def test_review_page_in_english(client: Client, kansli: User, protocol: ProtocolVersion) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    logged_in(client, kansli)
    client.post(reverse("set_language"), {"language": "en"})
    page = text(client.get(reverse("reviews:recorded-area", args=[review.pk, "E"])))
    assert "Not assessed" in page
    assert "Ej bedömda" not in page


def test_review_page_runs_a_fixed_number_of_queries(
    client: Client,
    kansli: User,
    protocol: ProtocolVersion,
    django_assert_max_num_queries: Any,
) -> None:
    def queries_for(review: Review) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200
        return len(captured)

    logged_in(client, kansli)
    # One finding and one grade against every finding and every grade, two inspectors.
    sparse = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    finding_record(
        by=assessor(sparse),
        review=sparse,
        criterion=protocol.criteria.get(code="A1"),
        outcome="uppfyllt",
    )
    area_grade_set(
        by=assessor(sparse),
        review=sparse,
        area=protocol.areas.get(code="A"),
        regulation="SOSFS 2015:8",
        grade="A",
    )
    full = review_create(
        by=kansli_user(),
        unit=UnitFactory(),
        protocol=protocol,
        regulations=("SOSFS 2015:8", "HSLF-FS 2021:8"),
    )
    for criterion in protocol.criteria.all():
        finding_record(by=assessor(full), review=full, criterion=criterion, outcome="uppfyllt")
    for area in protocol.areas.all():
        for regulation in full.regulations:
            area_grade_set(
                by=assessor(full), review=full, area=area, regulation=regulation, grade="A"
            )
    for inspector in UserFactory.create_batch(2):
        Assignment.objects.create(review=full, inspector=inspector)
        Assignment.objects.create(review=sparse, inspector=inspector)
    assert queries_for(sparse) == queries_for(full)
    with django_assert_max_num_queries(16):
        client.get(reverse("reviews:detail", args=[full.pk]))


def test_swedish_even_when_the_browser_asks_for_english(client: Client, kansli: User) -> None:
    page = logged_in(client, kansli).get(
        reverse("reviews:list"), headers={"Accept-Language": "en-US,en;q=0.9"}
    )
    assert "Granskningar" in text(page)
    assert 'lang="sv"' in page.content.decode()


def test_the_stylesheet_is_served(client: Client) -> None:
    response = client.get("/static/granska/granska.css")
    assert response.status_code == 200
    assert b":focus-visible" in response.getvalue()
