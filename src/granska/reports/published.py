"""The public list of published final reports, searched and filtered: by the unit's name, the
review's specialty, the unit's region and the year of the final report. Each row carries the
current version's number and the day it was issued."""

import datetime
import unicodedata
from dataclasses import dataclass

from django.db.models import DateTimeField, IntegerField, OuterRef, QuerySet, Subquery

from granska.reports.models import FinalReport
from granska.reports.selectors import reports_published
from granska.reviews.models import Region, Review, Specialty, Unit
from granska.text import clean_line


def name_folded(text: str) -> str:
    """A name as the search compares it: one line, the same in any Unicode form and any case
    ("ÖGONKLINIKEN" finds "Ögonkliniken", whatever the database's LIKE makes of non-ASCII
    letters)."""
    return unicodedata.normalize("NFKC", clean_line(text)).casefold()


@dataclass(frozen=True)
class PublishedFilters:
    """What the list is narrowed to; None (or "") is every one."""

    query: str = ""
    specialty: int | None = None
    region: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class PublishedChoices:
    """What the filters offer: the specialties, regions and years of the published reports."""

    specialties: list[tuple[int, str]]
    regions: list[tuple[int, str]]
    years: list[int]


def published_choices() -> PublishedChoices:
    published = reports_published()
    specialties = Specialty.objects.filter(reviews__in=published).distinct().order_by("name")
    regions = Region.objects.filter(units__reviews__in=published).distinct().order_by("name")
    years = sorted({day.year for day in published.dates("final_report_date", "year")}, reverse=True)
    return PublishedChoices(
        specialties=list(specialties.values_list("pk", "name")),
        regions=list(regions.values_list("pk", "name")),
        years=years,
    )


def reports_published_filtered(filters: PublishedFilters) -> QuerySet[Review]:
    """The published reports that meet `filters`, the newest final report first, each annotated
    with its current version (`report_version`) and when that was issued (`report_issued_at`)."""
    current = FinalReport.objects.filter(review=OuterRef("pk"), replaced_at__isnull=True)
    reviews = reports_published().annotate(
        report_version=Subquery(current.values("version")[:1], output_field=IntegerField()),
        report_issued_at=Subquery(current.values("issued_at")[:1], output_field=DateTimeField()),
    )
    if filters.specialty is not None:
        reviews = reviews.filter(specialty_id=filters.specialty)
    if filters.region is not None:
        reviews = reviews.filter(unit__region_id=filters.region)
    if filters.year is not None:
        reviews = reviews.filter(
            final_report_date__gte=datetime.date(filters.year, 1, 1),
            final_report_date__lte=datetime.date(filters.year, 12, 31),
        )
    wanted = name_folded(filters.query)
    if wanted:
        # Compared in Python: SQLite folds the case of ASCII letters only. The units with a
        # published report are some thousands at most.
        units = Unit.objects.filter(reviews__in=reviews).distinct().values_list("pk", "name")
        reviews = reviews.filter(
            unit_id__in=[pk for pk, name in units if wanted in name_folded(name)]
        )
    return reviews.order_by("-final_report_date", "-pk")
