"""The kansli's import page: the upload, the progress the page polls, the previews with the
unknowns marked, the refusal, the confirmation and the reviews it made. On the real importer
once it is on main (tests/imports/importer.py), else on its stand-in."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.imports.batches import batch_create
from granska.imports.models import BatchItem, BatchItemState, ImportBatch
from tests.factories import UserFactory
from tests.imports.importer import BROKEN, UNIT_A, variant_a, variant_b

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
Capture = Callable[..., Any]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog(protocol: ProtocolVersion) -> None:
    """The shipped catalog, which the reader matches against."""


@pytest.fixture
def kansli(client: Client) -> User:
    user = UserFactory(role=Role.KANSLI)
    client.force_login(user)
    return user


def uploads(seeds_dir: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("bjorkhaga-2024.txt", variant_a(seeds_dir), "text/plain"),
        SimpleUploadedFile("sjovik.txt", variant_b(seeds_dir), "text/plain"),
        SimpleUploadedFile("trasig.txt", BROKEN, "text/plain"),
    ]


def uploaded(client: Client, seeds_dir: Path, capture: Capture, settings: Any) -> ImportBatch:
    settings.TASKS = IMMEDIATE
    with capture(execute=True):
        response = client.post(reverse("imports:upload"), {"files": uploads(seeds_dir)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    return batch


def test_the_kansli_finds_the_page_in_the_menu(client: Client, kansli: User) -> None:
    page = client.get(reverse("reviews:home"))
    assert reverse("imports:upload") in page.content.decode()
    form = client.get(reverse("imports:upload")).content.decode()
    assert 'type="file"' in form
    assert "multiple" in form


def test_others_do_not_see_the_page(client: Client) -> None:
    client.force_login(UserFactory(role=Role.INSPEKTOR))
    assert reverse("imports:upload") not in client.get(reverse("reviews:home")).content.decode()
    assert client.get(reverse("imports:upload")).status_code == 403


def test_no_file_is_refused_naming_the_field(client: Client, kansli: User) -> None:
    response = client.post(reverse("imports:upload"), {}, headers={"Accept-Language": "sv"})
    assert response.status_code == 422
    assert "Välj minst en fil" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_zip_with_a_path_outside_it_is_refused(client: Client, kansli: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../rapport.txt", b"text")
    response = client.post(
        reverse("imports:upload"),
        {"files": [SimpleUploadedFile("arkiv.zip", buffer.getvalue(), "application/zip")]},
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 422
    assert "arkiv.zip" in response.content.decode()


def test_the_previews_show_what_was_read_and_the_refusal(
    client: Client,
    kansli: User,
    seeds_dir: Path,
    django_capture_on_commit_callbacks: Capture,
    settings: Any,
) -> None:
    batch = uploaded(client, seeds_dir, django_capture_on_commit_callbacks, settings)
    a, b, broken = batch.items.order_by("position")
    assert [a.state, b.state, broken.state] == [
        BatchItemState.READ,
        BatchItemState.READ,
        BatchItemState.REFUSED,
    ]
    page = client.get(reverse("imports:batch", args=[batch.pk]), headers={"Accept-Language": "sv"})
    html = page.content.decode()
    assert "3 av 3 lästa" in html
    assert "hx-trigger" not in html  # nothing more to wait for
    assert UNIT_A in html
    assert "okänt" in html  # seed 001 has no cover: no unit, no date
    assert broken.message in html
    assert f'name="items" value="{a.pk}"' in html
    assert f'name="items" value="{broken.pk}"' not in html  # a refused file cannot be chosen


def test_the_page_polls_while_the_files_are_read(
    client: Client, kansli: User, seeds_dir: Path
) -> None:
    batch = batch_create(by=kansli, files=[("a.txt", variant_a(seeds_dir))])  # queued
    page = client.get(reverse("imports:batch", args=[batch.pk]), headers={"Accept-Language": "sv"})
    html = page.content.decode()
    assert "0 av 1 lästa" in html
    assert 'hx-trigger="every 2s"' in html
    assert 'role="status"' in html
    status_url = reverse("imports:batch-status", args=[batch.pk])
    assert client.get(status_url, headers={"HX-Request": "true"}).status_code == 200
    # Once read, the answer stops the polling (286) and brings the previews out of band.
    BatchItem.objects.filter(batch=batch).update(
        state=BatchItemState.REFUSED, message="Filen är tom."
    )
    done = client.get(status_url, headers={"HX-Request": "true", "Accept-Language": "sv"})
    assert done.status_code == 286
    assert 'hx-swap-oob="true"' in done.content.decode()
    assert "Filen är tom." in done.content.decode()
    assert "1 av 1 lästa" in done.content.decode()


def test_confirming_some_makes_their_reviews_and_links_them(
    client: Client,
    kansli: User,
    seeds_dir: Path,
    django_capture_on_commit_callbacks: Capture,
    settings: Any,
) -> None:
    batch = uploaded(client, seeds_dir, django_capture_on_commit_callbacks, settings)
    a, b, _broken = batch.items.order_by("position")
    response = client.post(
        reverse("imports:confirm", args=[batch.pk]),
        {"items": [str(a.pk), "x", "²"]},
        headers={"Accept-Language": "sv"},
        follow=True,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == BatchItemState.IMPORTED
    assert a.review is not None
    assert b.state == BatchItemState.SKIPPED
    html = response.content.decode()
    assert reverse("reviews:detail", args=[a.review.pk]) in html
    assert "1 rapport importerades." in html
    # The review is in the list.
    listing = client.get(reverse("reviews:list")).content.decode()
    assert reverse("reviews:detail", args=[a.review.pk]) in listing
    # Confirming again imports nothing more.
    client.post(reverse("imports:confirm", args=[batch.pk]), {"items": [str(b.pk)]})
    b.refresh_from_db()
    assert b.state == BatchItemState.SKIPPED


def test_confirming_while_reading_says_to_wait(
    client: Client, kansli: User, seeds_dir: Path
) -> None:
    batch = batch_create(by=kansli, files=[("a.txt", variant_a(seeds_dir))])
    response = client.post(
        reverse("imports:confirm", args=[batch.pk]),
        {"items": []},
        headers={"Accept-Language": "sv"},
        follow=True,
    )
    assert "Vänta tills" in response.content.decode()


def zip_of(size: int) -> SimpleUploadedFile:
    """A zip of one report padded to about `size` bytes (stored, not compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("rapport.txt", b"x" * size)
    return SimpleUploadedFile("arkiv.zip", buffer.getvalue(), "application/zip")


def test_the_kansli_sends_a_zip_larger_than_other_uploads(client: Client, kansli: User) -> None:
    from granska.uploads import MAX_UPLOAD_BYTES

    response = client.post(reverse("imports:upload"), {"files": [zip_of(MAX_UPLOAD_BYTES + 2**20)]})
    # Read and judged by the page (a report of nothing but x's), not refused as too large.
    assert response.status_code != 413


@pytest.mark.parametrize("role", [None, Role.INSPEKTOR, Role.VERKSAMHET])
def test_nobody_else_sends_more_than_the_usual_limit(client: Client, role: str | None) -> None:
    from granska.uploads import MAX_UPLOAD_BYTES

    if role is not None:
        client.force_login(UserFactory(role=role))
    response = client.post(reverse("imports:upload"), {"files": [zip_of(MAX_UPLOAD_BYTES + 2**20)]})
    assert response.status_code == 413
