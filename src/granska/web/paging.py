"""Lists in pages, sorted by their columns, with every filter kept in the URL: the links a
page draws change one parameter and keep the others."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination  # a list or a queryset

PER_PAGE = 50


def query_with(query: QueryDict, **changes: str | None) -> str:
    """The query string of `query` with `changes` made (None takes the parameter away), as a
    link's href: "?status=utkast&sort=unit", or "?" for none."""
    changed = query.copy()
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return f"?{changed.urlencode()}"


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the pages left out between two links ("…")
    href: str
    current: bool


@dataclass(frozen=True)
class Paged:
    """One page of a list and the links to the others."""

    page: Page[Any]
    links: list[PageLink]
    previous_href: str
    next_href: str

    @property
    def items(self) -> "_SupportsPagination[Any]":
        return self.page.object_list


def page_numbers(current: int, last: int) -> list[int | None]:
    """The first and the last page, and two either side of the current one; None where pages
    are left out."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def paged(
    items: "_SupportsPagination[Any]", query: QueryDict, *, per_page: int = PER_PAGE
) -> Paged:
    """The page of `items` that `query`'s "page" asks for: the first when it is not a number,
    the last when it is past the end (never an error)."""
    page = Paginator(items, per_page).get_page(query.get("page"))
    last = page.paginator.num_pages

    def href(number: int) -> str:
        return query_with(query, page=None if number == 1 else str(number))

    links = (
        [
            PageLink(number=n, href=href(n) if n else "", current=n == page.number)
            for n in page_numbers(page.number, last)
        ]
        if last > 1
        else []
    )
    return Paged(
        page=page,
        links=links,
        previous_href=href(page.number - 1) if page.has_previous() else "",
        next_href=href(page.number + 1) if page.has_next() else "",
    )


@dataclass(frozen=True)
class SortHeader:
    """A column's header: a link that sorts by it (ascending first, then the other way), and
    `aria_sort` on the column the list is sorted by."""

    key: str
    label: StrOrPromise
    href: str
    aria_sort: str  # "ascending", "descending" or "" when the list is not sorted by it


def sort_headers(
    columns: Sequence[tuple[str, StrOrPromise]], sort: str, query: QueryDict
) -> list[SortHeader]:
    headers = []
    for key, label in columns:
        aria_sort = {key: "ascending", f"-{key}": "descending"}.get(sort, "")
        following = f"-{key}" if aria_sort == "ascending" else key
        headers.append(
            SortHeader(
                key=key,
                label=label,
                href=query_with(query, sort=following, page=None),
                aria_sort=aria_sort,
            )
        )
    return headers
