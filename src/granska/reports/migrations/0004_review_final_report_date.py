"""Fills `Review.final_report_date` from the first version of each review's final report, so that
the apps below the report (the handlingsplan, the reviews' own reads) know it without reading
the report."""

from typing import Any

from django.db import migrations
from django.db.models import Min
from django.utils import timezone


def fill(apps: Any, schema_editor: Any) -> None:
    Review = apps.get_model("reviews", "Review")
    FinalReport = apps.get_model("reports", "FinalReport")
    firsts = FinalReport.objects.values("review_id").annotate(first=Min("issued_at"))
    for row in firsts:
        Review.objects.filter(pk=row["review_id"]).update(
            final_report_date=timezone.localdate(row["first"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_finalreport_public_copy"),
        ("reviews", "0008_review_final_report_date"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
