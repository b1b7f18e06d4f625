"""`granska report REVIEW_ID --format pdf|html|docx -o FILE`, and `granska report --list`."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from granska.reports.docx import docx_render
from granska.reports.html import html_render
from granska.reports.pdf import pdf_render
from granska.reports.selectors import report_data
from granska.reviews.models import Review


class Command(BaseCommand):
    help = "Writes a review's report as PDF, HTML or Word, or lists the reviews."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("review_id", nargs="?", type=int, help=_("the review's id"))
        parser.add_argument("--format", choices=("pdf", "html", "docx"), default="pdf")
        parser.add_argument("-o", "--output", type=Path, help=_("the file to write"))
        parser.add_argument(
            "--list", action="store_true", help=_("list every review: id, unit, date, status")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if options["review_id"] is None or options["output"] is None:
            raise CommandError(_("Name a review and a file (-o FILE), or use --list."))
        review = (
            Review.objects.select_related("unit", "specialty", "protocol")
            .filter(pk=options["review_id"])
            .first()
        )
        if review is None:
            raise CommandError(_("There is no review %(id)s.") % {"id": options["review_id"]})
        data = report_data(review)
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(_("There is no folder %(folder)s.") % {"folder": output.parent})
        try:
            if options["format"] == "pdf":
                output.write_bytes(pdf_render(data))
            elif options["format"] == "docx":
                output.write_bytes(docx_render(data))
            else:
                output.write_text(html_render(data), encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": error.strerror}
            ) from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})

    def _list(self) -> None:
        for review in Review.objects.select_related("unit").order_by("pk"):
            date = review.visit_date.isoformat() if review.visit_date else "–"
            self.stdout.write(
                f"{review.pk:>5}  {review.unit.name:<40}  {date:<10}  {review.status:<16}"
                f"  {review.get_status_display()}"
            )
