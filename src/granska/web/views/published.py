"""The public list of published final reports, for anyone: searched by the unit's name and
filtered by specialty, region and year, every choice in the address so that a search can be
shared and bookmarked. A value the list cannot use (a region it does not know, a year that is
not a number, a search longer than any name) is left out, with a message that says so; it never
fails the page."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from granska.refusals import too_long
from granska.reports.published import (
    PublishedChoices,
    PublishedFilters,
    published_choices,
    reports_published_filtered,
)
from granska.reports.selectors import reports_published
from granska.reviews.limits import UNIT_NAME_MAX_CHARS
from granska.text import clean_line, form_int

# Reports a page of the list shows.
PAGE_SIZE = 25


@dataclass(frozen=True)
class Read:
    """The filters as the address gave them: those the list uses, what each field shows again,
    and why a value was left out, by field."""

    filters: PublishedFilters
    shown: dict[str, str]
    errors: dict[str, str]


def _choice(raw: str, offered: set[int]) -> int | None:
    number = form_int(raw)
    return number if number in offered else None


def filters_read(params: QueryDict, choices: PublishedChoices) -> Read:
    """The search and the filters from the address, each checked on its own."""
    errors: dict[str, str] = {}
    query = clean_line(params.get("q") or "").strip()
    problem = too_long(
        query,
        UNIT_NAME_MAX_CHARS,
        _(
            "Search for at most %(limit)s characters, the longest a unit's name may be; the "
            "search has %(length)s. It is not used."
        ),
    )
    if problem:
        errors["q"] = problem
        query = ""
    picked: dict[str, int | None] = {}
    offered = {
        "specialty": (
            {pk for pk, _name in choices.specialties},
            _("Choose a specialty from the list; the one in the address has no published report."),
        ),
        "region": (
            {pk for pk, _name in choices.regions},
            _("Choose a region from the list; the one in the address has no published report."),
        ),
        "year": (
            set(choices.years),
            _("Choose a year from the list; the one in the address has no published report."),
        ),
    }
    for name, (values, message) in offered.items():
        raw = (params.get(name) or "").strip()
        picked[name] = _choice(raw, values) if raw else None
        if raw and picked[name] is None:
            errors[name] = message
    shown = {
        "q": query,
        **{name: "" if value is None else str(value) for name, value in picked.items()},
    }
    filters = PublishedFilters(
        query=query, specialty=picked["specialty"], region=picked["region"], year=picked["year"]
    )
    return Read(filters=filters, shown=shown, errors=errors)


@require_GET
def published_list_view(request: HttpRequest) -> HttpResponse:
    """Every published final report, for anyone: the unit, the region and the public."""
    choices = published_choices()
    read = filters_read(request.GET, choices)
    reviews = reports_published_filtered(read.filters)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    narrowed = any(value for value in read.shown.values())
    return render(
        request,
        "reports/published.html",
        {
            "page": page,
            "reviews": page.object_list,
            "choices": choices,
            "shown": read.shown,
            "errors": read.errors,
            "narrowed": narrowed,
            "any_published": page.paginator.count > 0
            or (narrowed and reports_published().exists()),
            "issuer": clean_line(settings.GRANSKA_REPORT_ISSUER),
            "query_max": UNIT_NAME_MAX_CHARS,
        },
    )
