"""`make bench`: each figure on a line of its own as `name: value`.

Timings are medians of repeated runs in this process, each beside a baseline measured in the same
run, because these machines are shared and noisy: read the ratios, not the milliseconds.

Then reading the demo's final reports back as an import would (`import_*`, issue 13).

Last, the survey under load (`survey_*`, bench/survey_load.py): gunicorn and PostgreSQL in
processes of their own, about two minutes. `--no-survey` leaves it out, `--survey-only` runs it
alone (`make bench-survey`).
"""

import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "granska.settings")
_tmp = tempfile.mkdtemp(prefix="granska-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{Path(_tmp) / 'bench.sqlite3'}"
os.environ["GRANSKA_ALLOWED_HOSTS"] = "testserver"  # the test client's host name

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from granska.accounts.models import Role, User  # noqa: E402
from granska.catalog.loader import read_catalog  # noqa: E402
from granska.catalog.services import protocol_load  # noqa: E402
from granska.lifecycle import ASSESSMENT_OPEN  # noqa: E402
from granska.reports.html import html_render  # noqa: E402
from granska.reports.pdf import pdf_render  # noqa: E402
from granska.reports.selectors import ReportData, report_data  # noqa: E402
from granska.reviews.models import Review  # noqa: E402

ROUNDS = 40
REPORT_ROUNDS = 20
# `make report-images` writes the largest demo report's pages here, and so does `make bench`.
PAGES_DIR = settings.BASE_DIR / "var" / "report-pages"


def median_ms(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    work()  # warm up caches and templates
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def show(name: str, value: float) -> None:
    print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")


def largest_report() -> ReportData:
    """The report of the demo review whose PDF has the most pages (the most findings first
    among equals): both regulations, or an accepted handlingsplan, make a report long."""
    reviews = Review.objects.annotate(n=Count("findings")).order_by("-n", "pk")
    reports = [report_data(review) for review in reviews]
    return max(reports, key=lambda data: page_count(pdf_render(data)))


def longer(data: ReportData, times: int) -> ReportData:
    """The same report `times` as long: every area, and the summary, repeated."""
    result = copy.deepcopy(data)
    for group in result["groups"]:
        group["areas"] = group["areas"] * times
    summary = result["summary"]
    summary["strengths"] *= times
    summary["weaknesses"] *= times
    summary["improvements"] *= times
    result["plan"] = result["plan"] * times
    return result


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def write_pages(data: ReportData) -> None:
    """The report's pages as PNG images at 70 dpi, with pdftoppm, to look at."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("report pages: pdftoppm is missing (apt-get install poppler-utils)", file=sys.stderr)
        return
    shutil.rmtree(PAGES_DIR, ignore_errors=True)
    PAGES_DIR.mkdir(parents=True)
    pdf = PAGES_DIR / "report.pdf"
    pdf.write_bytes(pdf_render(data))
    subprocess.run([pdftoppm, "-png", "-r", "70", str(pdf), str(PAGES_DIR / "page")], check=True)
    print(f"report pages: {PAGES_DIR}", file=sys.stderr)


def variants(data: ReportData, count: int) -> Iterator[ReportData]:
    """`count` copies of the report, each with its own text in every narrative paragraph.

    Typst memoizes within a process: typesetting the very same input again takes a fraction of
    the time (`report_pdf_same_input_ms`). A real report is rendered from new text, so each
    timed round gets text it has not seen."""
    for n in range(count):
        variant = copy.deepcopy(data)
        for group in variant["groups"]:
            for area in group["areas"]:
                area["narrative"] = [f"{paragraph} ({n})" for paragraph in area["narrative"]]
        yield variant


def report_bench() -> None:
    """The largest demo report typeset by Typst against WeasyPrint typesetting its HTML, and
    Typst's time on a report five times as long."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its CSS notes, not errors
    data = largest_report()
    fresh = variants(data, REPORT_ROUNDS + 1)
    fresh_html = (html_render(d) for d in variants(data, REPORT_ROUNDS + 1))
    fresh_5x = (longer(d, 5) for d in variants(data, REPORT_ROUNDS + 1))
    typst_ms = median_ms(lambda: pdf_render(next(fresh)), rounds=REPORT_ROUNDS)
    same_ms = median_ms(lambda: pdf_render(data), rounds=REPORT_ROUNDS)
    weasy_ms = median_ms(lambda: HTML(string=next(fresh_html)).write_pdf(), rounds=REPORT_ROUNDS)
    typst_5x_ms = median_ms(lambda: pdf_render(next(fresh_5x)), rounds=REPORT_ROUNDS)
    show("report_pdf_ms", typst_ms)
    show("report_pdf_same_input_ms", same_ms)
    show("weasyprint_pdf_ms", weasy_ms)
    show("report_speedup_vs_weasyprint", weasy_ms / typst_ms)
    show("report_pages", page_count(pdf_render(data)))
    show("report_pdf_5x_pages", page_count(pdf_render(longer(data, 5))))
    show("report_pdf_5x_ms", typst_5x_ms)
    show("report_pdf_5x_ratio", typst_5x_ms / typst_ms)
    write_pages(data)


def import_bench() -> None:
    """Reading the demo's final-report PDFs back (issue 13): seconds per report, and for 100
    reports in one batch, against pypdfium2's text extraction alone in the same run.

    What is timed is `report_read` (pdf_read and the text parser) once it exists, else
    `pdf_read` alone; `import_reader` says which."""
    from granska.imports.pdf import pdf_read
    from granska.reports.models import FinalReport

    pdfs = []
    for report in FinalReport.objects.filter(replaced_at__isnull=True).order_by("pk"):
        with report.pdf.open("rb") as file:
            pdfs.append(file.read())
    if not pdfs:
        print("import: skipped, the demo issued no final report", file=sys.stderr)
        return
    read: Callable[[bytes], object] = pdf_read
    reader = "pdf_read"
    try:
        from granska.imports.catalogs import catalog_indexes  # type: ignore[import-not-found]
        from granska.imports.reading import report_read  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        catalogs = catalog_indexes()

        def read(data: bytes) -> object:
            return report_read("bench.pdf", data, catalogs)

        reader = "report_read"

    def text_only(data: bytes) -> None:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            "\f".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    def each(work: Callable[[bytes], object]) -> Callable[[], None]:
        def run() -> None:
            for pdf in pdfs:
                work(pdf)

        return run

    rounds = 3
    import_s = median_ms(each(read), rounds=rounds) / 1000 / len(pdfs)
    text_s = median_ms(each(text_only), rounds=rounds) / 1000 / len(pdfs)
    batch = [pdfs[n % len(pdfs)] for n in range(100)]
    start = time.perf_counter()
    for pdf in batch:
        read(pdf)
    batch_s = time.perf_counter() - start
    start = time.perf_counter()
    for pdf in batch:
        text_only(pdf)
    batch_text_s = time.perf_counter() - start
    print(f"import_reader: {reader}")
    print(f"import_reports: {len(pdfs)}")
    show("import_seconds_per_report", import_s)
    show("pdf_text_seconds_per_report", text_s)
    show("import_per_report_ratio", import_s / text_s)
    show("import_seconds_100_reports", batch_s)
    show("pdf_text_seconds_100_reports", batch_text_s)
    show("import_100_reports_ratio", batch_s / batch_text_s)


def survey_bench() -> None:
    """300 respondents answering within a minute, against gunicorn and PostgreSQL
    (bench/survey_load.py, which says how); skipped with a note when PostgreSQL is not there."""
    import psycopg
    import survey_load

    try:
        survey_load.run()
    except psycopg.OperationalError as error:
        print(f"survey load: skipped, no PostgreSQL ({error})".strip(), file=sys.stderr)


def main() -> None:
    if "--survey-only" in sys.argv:
        survey_bench()
        return
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if "--pages-only" in sys.argv:
        write_pages(largest_report())
        return
    if "--import-only" in sys.argv:
        import_bench()
        return

    # The review page of the largest demo review against a page of the same layout with no data.
    client = Client()
    client.force_login(User.objects.get(role=Role.KANSLI))
    largest = Review.objects.annotate(n=Count("findings")).order_by("-n").first()
    assert largest is not None
    detail = reverse("reviews:detail", args=[largest.pk])
    empty = Client()

    def review_page() -> None:
        assert client.get(detail).status_code == 200

    def empty_page() -> None:
        assert empty.get(reverse("account_login")).status_code == 200

    # The assessment page of the largest area (E) of the largest review still being assessed.
    editable = (
        Review.objects.filter(status__in=ASSESSMENT_OPEN)
        .annotate(n=Count("findings"))
        .order_by("-n")
        .first()
    )
    assert editable is not None
    assessment = reverse("reviews:assessment", args=[editable.pk, "E"])
    # As its inspector: the kansli reads an area as saved, the inspectors assess it.
    inspector = Client()
    assignment = editable.assignments.select_related("inspector").order_by("pk").first()
    assert assignment is not None
    inspector.force_login(assignment.inspector)

    def assessment_page() -> None:
        assert inspector.get(assessment).status_code == 200

    review_ms = median_ms(review_page)
    assessment_ms = median_ms(assessment_page)
    empty_ms = median_ms(empty_page)
    show("review_page_ms", review_ms)
    show("assessment_page_ms", assessment_ms)
    show("empty_page_ms", empty_ms)
    show("review_page_ratio", review_ms / empty_ms)
    show("assessment_page_ratio", assessment_ms / empty_ms)

    # Loading the catalog into the database against only reading and validating the file.
    renamed = replace(
        read_catalog(settings.GRANSKA_DEFAULT_CATALOG), code="bench-protocol", source_sha256="-"
    )

    def load() -> None:
        with transaction.atomic():
            protocol_load(spec=renamed)
            transaction.set_rollback(True)

    parse_ms = median_ms(lambda: read_catalog(settings.GRANSKA_DEFAULT_CATALOG), rounds=10)
    load_ms = median_ms(load, rounds=10)
    show("catalog_parse_ms", parse_ms)
    show("catalog_store_ms", load_ms)
    show("catalog_store_ratio", load_ms / parse_ms)

    report_bench()
    import_bench()
    if "--no-survey" not in sys.argv:
        survey_bench()


if __name__ == "__main__":
    sys.exit(main())
