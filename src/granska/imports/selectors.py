"""Reads of imported reviews: what the review's page says of where it came from and what the
file did not give."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from granska.imports.models import ImportedReview
from granska.reviews.models import AreaGrade, Review


@dataclass(frozen=True)
class ImportedNotice:
    """The review's origin: the file, and the parts of the review its report did not give."""

    imported: ImportedReview
    unknown: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        name = self.imported.source.name
        if not self.unknown:
            return _("Imported from %(file)s.") % {"file": name}
        return _("Imported from %(file)s, %(unknown)s.") % {
            "file": name,
            "unknown": _(", ").join(self.unknown),
        }


def imported_notice(review: Review) -> ImportedNotice | None:
    """What an imported review's pages say of it; None for a review made in Granska. The
    unknowns are read from what was read (the reading's JSON) and what was stored (the grades):
    nothing guessed is shown as known. Pass the review read with "imported__source"."""
    # Read with the review (`select_related("imported__source")`), a review made in Granska
    # costs no query here.
    if not review.is_imported:
        return None
    imported = review.imported
    reading = imported.reading
    header = reading.get("header", {})
    unknown = []
    graded = AreaGrade.objects.filter(assessment__review=review).count()
    cells = review.assessments.count() * len(review.regulations)
    if graded == 0:
        unknown.append(_("grades unknown"))
    elif graded < cells:
        unknown.append(_("some grades unknown"))
    if not header.get("regulations"):
        unknown.append(_("regulations unknown (both are in scope)"))
    if not header.get("date"):
        unknown.append(_("date unknown"))
    if not header.get("unit"):
        unknown.append(_("unit unknown"))
    if not header.get("specialty"):
        unknown.append(_("specialty unknown"))
    if not header.get("inspectors"):
        unknown.append(_("inspectors unknown"))
    if not any(reading.get("summary", {}).values()):
        unknown.append(_("summary unknown"))
    silent = [code for code, area in reading.get("areas", {}).items() if not area.get("narrative")]
    if silent:
        unknown.append(_("no narrative for %(areas)s") % {"areas": _(", ").join(silent)})
    return ImportedNotice(imported=imported, unknown=unknown)


def imported_review_ids(reviews: list[Review]) -> set[int]:
    """Which of `reviews` were imported (for a list's "imported" tag, in one query)."""
    return set(
        ImportedReview.objects.filter(review__in=reviews).values_list("review_id", flat=True)
    )
