"""The review list: searched by unit whatever the case, sorted by any column, in pages, with
every filter kept in the URL; bad values named, never a 500."""

import datetime
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews.models import Assignment, Review, Unit
from granska.reviews.selectors import REVIEW_SORT_KEYS, review_list, review_sort_keys
from granska.web.forms import REVIEW_COLUMNS
from granska.web.paging import PER_PAGE, page_numbers, query_with
from tests.factories import (
    RegionFactory,
    ReviewFactory,
    SpecialtyFactory,
    UnitFactory,
    UserFactory,
)

LIST = reverse("reviews:list")


@pytest.fixture
def kansli(db: None) -> User:
    return UserFactory(role=Role.KANSLI)


def units(response: Any) -> list[str]:
    return [review.unit.name for review in response.context["reviews"]]


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def review_of(protocol: ProtocolVersion, unit: Unit, **fields: Any) -> Review:
    return ReviewFactory(protocol=protocol, unit=unit, **fields)


@pytest.fixture
def three(protocol: ProtocolVersion) -> dict[str, Review]:
    """Three reviews that differ in every column, none in the same order twice but one."""
    alfa = review_of(
        protocol,
        UnitFactory(
            name="Ögonkliniken Österå",
            region=RegionFactory(name="Region Österå"),
            specialty=SpecialtyFactory(name="Ögonsjukdomar"),
        ),
        visit_date=datetime.date(2026, 3, 1),
        status=Status.UTKAST,
        under_2015=True,
        under_2021=False,
    )
    beta = review_of(
        protocol,
        UnitFactory(
            name="barnkliniken Ekudden",
            region=RegionFactory(name="Region Brohamn"),
            specialty=SpecialtyFactory(name="Barn- och ungdomsmedicin"),
        ),
        visit_date=datetime.date(2026, 9, 1),
        status=Status.BOKAD,
        under_2015=True,
        under_2021=True,
    )
    gamma = review_of(
        protocol,
        UnitFactory(
            name="Medicinkliniken Sjöstad",
            region=RegionFactory(name="region Ala"),
            specialty=SpecialtyFactory(name="Internmedicin"),
        ),
        visit_date=None,
        status=Status.AVSLUTAD,
        under_2015=False,
        under_2021=True,
    )
    for review, name in ((alfa, "Cecilia Ek"), (beta, "anders Berg"), (gamma, "Örjan Ås")):
        Assignment.objects.create(
            review=review, inspector=UserFactory(role=Role.INSPEKTOR, full_name=name)
        )
    return {"alfa": alfa, "beta": beta, "gamma": gamma}


def test_the_unit_is_found_whatever_the_case_of_every_letter(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    for typed in ("ÖSTERÅ", "österå", "  Österå ", "ögonKLINIKEN  österå"):
        assert units(client.get(LIST, {"q": typed})) == ["Ögonkliniken Österå"], typed
    assert units(client.get(LIST, {"q": "BARNKLINIKEN"})) == ["barnkliniken Ekudden"]
    assert units(client.get(LIST, {"q": "SJÖSTAD"})) == ["Medicinkliniken Sjöstad"]
    # LIKE's own wildcards are letters like the others.
    assert units(client.get(LIST, {"q": "%"})) == []
    assert units(client.get(LIST, {"q": "_"})) == []
    response = client.get(LIST, {"q": "Ingen sådan"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert units(response) == []
    assert "Inga granskningar matchar filtren." in text(response)


def test_the_search_and_the_filters_combine(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    assert units(client.get(LIST, {"q": "kliniken", "status": "bokad"})) == ["barnkliniken Ekudden"]
    region = three["alfa"].unit.region
    assert units(client.get(LIST, {"q": "kliniken", "region": str(region.pk)})) == [
        "Ögonkliniken Österå"
    ]


# Each column's order, ascending: names whatever their case, dates and states in time (an empty
# date last either way), regulations as the column reads, inspectors by the first one's name.
ASCENDING = {
    "unit": ["barnkliniken Ekudden", "Medicinkliniken Sjöstad", "Ögonkliniken Österå"],
    "specialty": ["barnkliniken Ekudden", "Medicinkliniken Sjöstad", "Ögonkliniken Österå"],
    "region": ["Medicinkliniken Sjöstad", "barnkliniken Ekudden", "Ögonkliniken Österå"],
    "visit_date": ["Ögonkliniken Österå", "barnkliniken Ekudden", "Medicinkliniken Sjöstad"],
    "regulations": ["Medicinkliniken Sjöstad", "Ögonkliniken Österå", "barnkliniken Ekudden"],
    "status": ["barnkliniken Ekudden", "Ögonkliniken Österå", "Medicinkliniken Sjöstad"],
    "inspectors": ["barnkliniken Ekudden", "Ögonkliniken Österå", "Medicinkliniken Sjöstad"],
}


def test_every_column_sorts_both_ways(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    assert set(ASCENDING) == set(REVIEW_SORT_KEYS)
    client.force_login(kansli)
    for column, order in ASCENDING.items():
        assert units(client.get(LIST, {"sort": column})) == order, column
        descending = units(client.get(LIST, {"sort": f"-{column}"}))
        if column == "visit_date":  # the review without a date stays last
            assert descending == [order[1], order[0], order[2]]
        else:
            assert descending == order[::-1], column


def test_the_default_order_is_the_newest_visit_first(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    assert units(client.get(LIST)) == [
        "barnkliniken Ekudden",
        "Ögonkliniken Österå",
        "Medicinkliniken Sjöstad",
    ]


def headers(html: str) -> dict[str, tuple[str, str]]:
    """Each column header's text: (its link's query, its aria-sort)."""
    found = {}
    for attrs, href, label in re.findall(r'<th scope="col"([^>]*)><a href="([^"]*)">([^<]+)', html):
        sort = re.search(r'aria-sort="(\w+)"', attrs)
        found[label.strip()] = (href.replace("&amp;", "&"), sort.group(1) if sort else "")
    return found


def test_the_headers_link_to_their_order_and_keep_the_filters(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    html = client.get(
        LIST,
        {"q": "klin", "status": "bokad", "sort": "unit", "page": "1"},
        HTTP_ACCEPT_LANGUAGE="sv",
    ).content.decode()
    found = headers(html)
    assert set(found) == {
        "Enhet",
        "Specialitet",
        "Region",
        "Besöksdatum",
        "Föreskrifter",
        "Status",
        "Inspektörer",
    }, found
    href, aria_sort = found["Enhet"]
    assert aria_sort == "ascending"
    assert parse_qs(urlsplit(href).query) == {"q": ["klin"], "status": ["bokad"], "sort": ["-unit"]}
    assert [aria for _href, aria in found.values()].count("") == 6
    href, _aria = found["Besöksdatum"]
    assert parse_qs(urlsplit(href).query)["sort"] == ["visit_date"]
    # The form keeps the order when a filter changes.
    assert '<option value="unit" selected>Enhet, stigande</option>' in html
    assert 'value="klin"' in html

    descending = client.get(LIST, {"sort": "-unit"}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    href, aria_sort = headers(descending)["Enhet"]
    assert aria_sort == "descending"
    assert parse_qs(urlsplit(href).query)["sort"] == ["unit"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"sort": "-"},
        {"sort": "unit__name"},
        {"sort": "--unit"},
        {"status": "påhittad"},
        {"specialty": "abc"},
        {"specialty": "99999999999999999999999"},
        {"region": "-1"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "999999"},
        {"q": "x" * 201},
    ],
)
def test_a_bad_value_is_named_and_never_a_500(
    client: Client, kansli: User, three: dict[str, Review], params: dict[str, str]
) -> None:
    client.force_login(kansli)
    response = client.get(LIST, params, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert len(units(response)) == 3  # the bad value is left out, the others apply
    html = response.content.decode()
    if "page" not in params:
        (field,) = params
        assert f'<p class="field-error" id="id_{field}_error">' in html
        assert f'aria-describedby="id_{field}_error"' in html or (
            f'aria-describedby="id_{field}_helptext id_{field}_error"' in html
        )


def test_an_unknown_sort_says_so_in_swedish_and_sorts_by_visit_date(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    response = client.get(LIST, {"sort": "hemligt"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Listan kan inte sorteras efter ”hemligt”" in text(response)
    assert units(response) == units(client.get(LIST))
    html = response.content.decode()
    assert '<option value="-visit_date" selected>Besöksdatum, fallande</option>' in html
    assert '<p class="field-error" id="id_sort_error">' in html
    assert 'aria-describedby="id_sort_error"' in html


def test_the_order_is_chosen_in_the_form_too_and_shows_the_one_in_use(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    html = client.get(LIST, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    options = re.findall(r'<option value="(-?[a-z_]+)"( selected)?>([^<]+)</option>', html)
    sorts = [(value, label) for value, _selected, label in options if value in review_sort_keys()]
    assert [value for value, _label in sorts] == review_sort_keys()
    assert ("-visit_date", "Besöksdatum, fallande") in sorts
    assert ("inspectors", "Inspektörer, stigande") in sorts
    assert [value for value, selected, _label in options if selected] == ["-visit_date"]
    assert [column for column, _label in REVIEW_COLUMNS] == list(REVIEW_SORT_KEYS)


def test_a_too_long_search_names_the_field(client: Client, kansli: User, db: None) -> None:
    client.force_login(kansli)
    response = client.get(LIST, {"q": "ö" * 250}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Ange högst 200 tecken av enhetens namn (du angav 250)." in text(response)


def test_the_list_is_paged_and_the_pages_keep_the_filters(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    region = RegionFactory(name="Region Nord")
    for n in range(PER_PAGE * 2 + 5):
        review_of(
            protocol,
            UnitFactory(name=f"Enhet {n:03}", region=region),
            visit_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
    review_of(protocol, UnitFactory(name="Enhet annan region"))
    client.force_login(kansli)
    params = {"region": str(region.pk), "sort": "unit"}
    first = client.get(LIST, params, HTTP_ACCEPT_LANGUAGE="sv")
    assert units(first) == [f"Enhet {n:03}" for n in range(PER_PAGE)]
    html = first.content.decode()
    assert '<nav class="pagination" aria-label="Sidor">' in html
    assert "105 granskningar" in text(first)
    assert 'aria-current="page"' in html
    nexts = re.findall(r'<a href="([^"]*)" rel="next"', html)
    assert len(nexts) == 1
    query = parse_qs(urlsplit(nexts[0].replace("&amp;", "&")).query)
    assert query == {"region": [str(region.pk)], "sort": ["unit"], "page": ["2"]}

    third = client.get(LIST, {**params, "page": "3"})
    assert units(third) == [f"Enhet {n:03}" for n in range(PER_PAGE * 2, PER_PAGE * 2 + 5)]
    assert 'rel="next"' not in third.content.decode()
    # Past the end: the last page.
    assert units(client.get(LIST, {**params, "page": "40"})) == units(third)


def test_a_page_costs_the_same_queries_whatever_the_number_of_reviews(
    client: Client,
    kansli: User,
    protocol: ProtocolVersion,
) -> None:
    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"sort": "inspectors"}).status_code == 200
        return len(queries)

    client.force_login(kansli)
    for _ in range(3):
        review = review_of(protocol, UnitFactory())
        Assignment.objects.create(review=review, inspector=UserFactory(role=Role.INSPEKTOR))
    small = cost()
    for _ in range(PER_PAGE + 10):
        review = review_of(protocol, UnitFactory())
        Assignment.objects.create(review=review, inspector=UserFactory(role=Role.INSPEKTOR))
    assert cost() == small


def test_the_htmx_answer_has_the_results_the_headers_and_the_pages(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    response = client.get(
        LIST,
        {"q": "ÖSTERÅ", "sort": "-status"},
        headers={"HX-Request": "true", "Accept-Language": "sv"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="results"')
    assert units(response) == ["Ögonkliniken Österå"]
    assert headers(html)["Status"][1] == "descending"
    assert '<form method="get"' not in html


def test_the_form_updates_the_results_in_place(
    client: Client, kansli: User, three: dict[str, Review]
) -> None:
    client.force_login(kansli)
    html = client.get(LIST).content.decode()
    form = re.search(r'<form method="get"[^>]*>', html)
    assert form is not None
    tag = form.group(0)
    assert 'class="filters"' in tag
    assert 'hx-target="#results"' in tag
    assert 'hx-push-url="true"' in tag
    assert 'type="search"' in html


def test_each_role_searches_and_sorts_only_the_reviews_it_may_read(
    client: Client, protocol: ProtocolVersion, three: dict[str, Review]
) -> None:
    alfa, beta = three["alfa"], three["beta"]
    inspector = alfa.inspectors.get()
    Assignment.objects.create(review=beta, inspector=inspector)
    contact = UserFactory(role=Role.VERKSAMHET)
    beta.unit.members.add(contact)

    for column in REVIEW_SORT_KEYS:
        for sort in (column, f"-{column}"):
            mine = set(review_list(inspector, sort=sort).values_list("pk", flat=True))
            assert mine == {alfa.pk, beta.pk}, sort
            assert review_list(inspector, sort=sort).count() == 2
    client.force_login(inspector)
    assert units(client.get(LIST, {"q": "sjöstad"})) == []
    assert set(units(client.get(LIST, {"sort": "inspectors"}))) == {
        "Ögonkliniken Österå",
        "barnkliniken Ekudden",
    }
    client.force_login(contact)
    assert units(client.get(LIST, {"q": "kliniken", "sort": "-unit"})) == ["barnkliniken Ekudden"]
    assert units(client.get(LIST, {"q": "ÖSTERÅ"})) == []


@pytest.mark.parametrize(
    ("current", "last", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
    ],
)
def test_the_pages_linked_are_the_ends_and_two_either_side(
    current: int, last: int, shown: list[int | None]
) -> None:
    assert page_numbers(current, last) == shown


def test_a_link_changes_one_parameter_and_keeps_the_others() -> None:
    query = QueryDict("q=%C3%B6ster%C3%A5&status=utkast&page=3")
    assert parse_qs(urlsplit(query_with(query, page="4")).query) == {
        "q": ["österå"],
        "status": ["utkast"],
        "page": ["4"],
    }
    assert parse_qs(urlsplit(query_with(query, page=None, sort="-unit")).query) == {
        "q": ["österå"],
        "status": ["utkast"],
        "sort": ["-unit"],
    }
    assert query_with(QueryDict("page=2"), page=None) == "?"
    # The markup escapes what the address holds.
    assert "<" not in query_with(QueryDict("q=<script>"), page="2")
