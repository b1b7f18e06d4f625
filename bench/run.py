"""`make bench`: each figure on a line of its own as `name: value`.

Timings are medians of repeated runs in this process, each beside a baseline measured in the same
run, because these machines are shared and noisy: read the ratios, not the milliseconds.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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
from granska.reviews.models import Review  # noqa: E402
from granska.reviews.views.assessment import EDITABLE  # noqa: E402

ROUNDS = 40


def median_ms(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    work()  # warm up caches and templates
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def show(name: str, value: float) -> None:
    print(f"{name}: {value:.3f}")


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

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
        Review.objects.filter(status__in=EDITABLE)
        .annotate(n=Count("findings"))
        .order_by("-n")
        .first()
    )
    assert editable is not None
    assessment = reverse("reviews:assessment", args=[editable.pk, "E"])

    def assessment_page() -> None:
        assert client.get(assessment).status_code == 200

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


if __name__ == "__main__":
    sys.exit(main())
