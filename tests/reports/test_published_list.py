"""The public list of reports: what SPUR is, each report's publication date and version, a
search by the unit's name in any case, filters by specialty, region and year kept in the
address, pages, and a word for an empty result or a value the list cannot use."""

import re
import unicodedata
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

from granska.reports.models import FinalReport
from granska.reviews.models import Review
from tests.demo_facts import DEMO_ISSUED

pytestmark = pytest.mark.django_db

URL = reverse("published:list")


def page(client: Client, **params: str) -> Any:
    response = client.get(URL, params)
    assert response.status_code == 200, params
    return html.fromstring(response.content)


def flat(element: Any) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def one(soup: Any, xpath: str) -> Any:
    found = soup.xpath(xpath)
    assert len(found) == 1, (xpath, found)
    return found[0]


def listed(soup: Any) -> list[str]:
    """The units of the table's rows, in order."""
    return [flat(row.xpath("td[1]/a")[0]) for row in soup.xpath("//table/tbody/tr")]


def rows(soup: Any) -> dict[str, list[Any]]:
    """Each row's cells, by its unit."""
    return {flat(row.xpath("td[1]/a")[0]): row.xpath("td") for row in soup.xpath("//tbody/tr")}


def words(soup: Any) -> str:
    return flat(one(soup, "//main"))


def by_unit(demo: list[Review], name: str) -> Review:
    return next(review for review in demo if review.unit.name == name)


def test_the_list_says_what_spur_is_and_when_each_report_was_published_in_which_version(
    client: Client, demo: list[Review], settings: Any
) -> None:
    soup = page(client)
    assert (
        "SPUR är den externa kvalitetsgranskningen av läkarnas specialiseringstjänstgöring (ST), "
        f"som {settings.GRANSKA_REPORT_ISSUER} driver." in words(soup)
    )
    assert sorted(listed(soup)) == sorted(DEMO_ISSUED)
    caption = one(soup, "//div[@class='table-scroll'][@role='region']/table/caption")
    assert flat(caption) == f"{len(DEMO_ISSUED)} publicerade rapporter"
    headers = [flat(th) for th in soup.xpath("//thead/tr/th")]
    assert headers == ["Enhet", "Specialitet", "Region", "Publicerad", "Version"]

    found = rows(soup)
    # Ögonkliniken Storvik's plan is accepted: its report was issued again, as version 2.
    storvik = by_unit(demo, "Ögonkliniken Storvik")
    assert storvik.final_report_date is not None
    second = FinalReport.objects.get(review=storvik, replaced_at__isnull=True)
    assert second.version == 2
    cells = found["Ögonkliniken Storvik"]
    published = one(cells[3], "time[@class='date']")
    assert published.get("datetime") == flat(published) == storvik.final_report_date.isoformat()
    issued = timezone.localtime(second.issued_at).date().isoformat()
    assert flat(cells[4]) == f"2 (utfärdad {issued})"
    assert one(cells[4], "time[@class='date']").get("datetime") == issued
    assert flat(found["Björkhagens vårdcentral"][4]) == "1"
    # The newest final report first.
    dates = [one(cells[3], "time").get("datetime") for cells in found.values()]
    assert dates == sorted(dates, reverse=True)


SEARCHES = [
    ("ÖGONKLINIKEN", ["Ögonkliniken Storvik"]),
    ("ögonkliniken storvik", ["Ögonkliniken Storvik"]),
    (unicodedata.normalize("NFD", "Ögon"), ["Ögonkliniken Storvik"]),  # Ö as O and ¨
    ("  åsby ", ["Infektionskliniken Åsby"]),
    ("VÅRDCENTRAL", ["Björkhagens vårdcentral", "Lindviks vårdcentral"]),
    ("Sjöstad", []),  # in faktagranskning: a draft, never public
]


def test_the_search_finds_a_unit_by_any_part_of_its_name_in_any_case(
    client: Client, demo: list[Review]
) -> None:
    for query, found in SEARCHES:
        soup = page(client, q=query)
        assert sorted(listed(soup)) == found, query
        field = one(soup, "//form[@class='filters'][@method='get']//input[@name='q']")
        assert field.get("value") == unicodedata.normalize("NFC", query.strip())


def test_the_filters_narrow_the_list_and_stay_in_the_address(
    client: Client, demo: list[Review]
) -> None:
    björkhagen = by_unit(demo, "Björkhagens vårdcentral")
    åsby = by_unit(demo, "Infektionskliniken Åsby")
    published = [review for review in demo if review.unit.name in DEMO_ISSUED]

    soup = page(client, specialty=str(björkhagen.specialty_id))
    expected = sorted(r.unit.name for r in published if r.specialty_id == björkhagen.specialty_id)
    assert "Björkhagens vårdcentral" in expected
    assert len(expected) < len(published)
    assert sorted(listed(soup)) == expected
    selected = one(soup, "//select[@name='specialty']/option[@selected]")
    assert flat(selected) == björkhagen.specialty.name

    soup = page(client, region=str(åsby.unit.region_id))
    expected = sorted(r.unit.name for r in published if r.unit.region_id == åsby.unit.region_id)
    assert "Infektionskliniken Åsby" in expected
    assert sorted(listed(soup)) == expected

    assert åsby.final_report_date is not None
    year = åsby.final_report_date.year
    soup = page(client, year=str(year))
    expected = sorted(
        r.unit.name for r in published if r.final_report_date and r.final_report_date.year == year
    )
    assert "Infektionskliniken Åsby" in expected
    assert len(expected) < len(published)
    assert sorted(listed(soup)) == expected
    assert one(soup, "//select[@name='year']/option[@selected]").get("value") == str(year)
    # The years offered are those with a published report, the newest first.
    offered = [value for value in soup.xpath("//select[@name='year']/option/@value") if value]
    assert offered == sorted(
        {str(r.final_report_date.year) for r in published if r.final_report_date}, reverse=True
    )

    # Together, with the search: each narrows the others.
    soup = page(client, q="klinik", region=str(åsby.unit.region_id), year=str(year))
    assert listed(soup) == ["Infektionskliniken Åsby"]
    soup = page(client, q="Björkhagen", year=str(year))
    assert listed(soup) == []


def test_an_empty_result_says_so_and_so_does_an_empty_list(
    client: Client, demo: list[Review]
) -> None:
    soup = page(client, q="Ingen sådan klinik")
    assert listed(soup) == []
    assert "Ingen publicerad rapport matchar sökningen." in words(soup)
    assert URL in soup.xpath("//main//a[normalize-space()='Visa alla rapporter']/@href")

    Review.objects.update(publish_report=False)
    soup = page(client)
    assert "Ingen rapport är publicerad ännu." in words(soup)
    assert soup.xpath("//form[@class='filters']") == []


BAD = [
    ({"region": "999999"}, "region", "Välj en region i listan"),
    ({"region": "abc"}, "region", "Välj en region i listan"),
    ({"region": "9" * 400}, "region", "Välj en region i listan"),
    ({"specialty": "1 OR 1=1"}, "specialty", "Välj en specialitet i listan"),
    ({"specialty": "-1"}, "specialty", "Välj en specialitet i listan"),
    ({"year": "abc"}, "year", "Välj ett år i listan"),
    ({"year": "1850"}, "year", "Välj ett år i listan"),
    ({"year": "\uff12\uff10\uff12\uff16"}, "year", "Välj ett år i listan"),  # full-width 2026
    ({"q": "Ö" * 10_000}, "q", "Skriv högst 200 tecken"),
]


def test_a_value_the_list_cannot_use_is_left_out_with_a_message(
    client: Client, demo: list[Review]
) -> None:
    for params, field, message in BAD:
        soup = page(client, **params, page="abc")
        assert sorted(listed(soup)) == sorted(DEMO_ISSUED), params  # the rest of the list
        error = one(soup, f"//*[@id='published-{field}-error']")
        assert flat(error).startswith(message)
        described = one(soup, f"//*[@id='published-{field}']").get("aria-describedby")
        assert f"published-{field}-error" in described.split()
        assert soup.xpath("//*[contains(@class, 'notice-warning')][@role='status']")


def test_a_bad_value_beside_a_good_one_leaves_the_good_one_working(
    client: Client, demo: list[Review]
) -> None:
    soup = page(client, q="storvik", region="abc", page="999")
    assert listed(soup) == ["Ögonkliniken Storvik"]
    assert soup.xpath("//*[@id='published-region-error']")
    assert not soup.xpath("//*[@id='published-q-error']")


def test_a_long_list_is_paged_and_the_pages_keep_the_search(
    client: Client, demo: list[Review], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("granska.web.views.published.PAGE_SIZE", 2)
    soup = page(client, q="n")  # every published unit has an n in its name
    seen = listed(soup)
    assert len(seen) == 2
    assert flat(one(soup, "//caption")) == f"{len(DEMO_ISSUED)} publicerade rapporter, sida 1 av 3"
    pagination = one(soup, "//nav[@class='pagination'][@aria-label='Sidor']")
    assert "Sida 1 av 3" in flat(pagination)
    assert pagination.xpath(".//a[@rel='next']/@href") == ["?q=n&page=2"]
    assert pagination.xpath(".//a[@rel='prev']") == []
    for number in (2, 3):
        soup = page(client, q="n", page=str(number))
        seen += listed(soup)
    assert sorted(seen) == sorted(DEMO_ISSUED)
    pagination = one(soup, "//nav[@class='pagination']")
    assert pagination.xpath(".//a[@rel='next']") == []
    assert pagination.xpath(".//a[@rel='prev']/@href") == ["?q=n&page=2"]
