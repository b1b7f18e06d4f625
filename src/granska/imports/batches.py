"""The import page's batches: the files the kansli uploads together (or a zip of them), each kept
once, read in the background, previewed, then imported all or in part.

A batch goes: `batch_create` (the files stored, a BatchItem each, a task per item queued once the
transaction commits) → `batch_item_read` in the worker (the item read, refused, or found a
duplicate) → `batch_confirm` (the chosen read items stored as reviews, the rest left out).

The reader and the storing belong to the importer (`granska.imports.reading`,
`granska.imports.services`); this module calls them in two places only, `file_read` and
`reading_import`, so that the page depends on their names and nothing more."""

import functools
import hashlib
import io
import logging
import posixpath
import zipfile
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.imports.catalogs import catalog_indexes
from granska.imports.models import (
    BatchItem,
    BatchItemState,
    ImportBatch,
    ImportedReview,
    SourceFile,
)
from granska.imports.parsed import (
    ParsedReport,
    report_from_json,
    report_json,
)
from granska.imports.reading import ReportRefused, report_read
from granska.imports.services import reading_store
from granska.reviews.models import Review

logger = logging.getLogger(__name__)

# A report larger than this is refused by the reader; a zip member larger is not even read out.
MAX_FILE_BYTES = 50 * 2**20
# What a zip may unpack to, in all, and how many files it may hold: years of reports fit, a zip
# bomb does not (each member is read with its limit, whatever its header claims).
MAX_ZIP_BYTES = 500 * 2**20
MAX_BATCH_FILES = 1000
REPORT_SUFFIXES = (".pdf", ".txt")
NAME_LENGTH = 255  # BatchItem.name, SourceFile.name

# ---- The seam: the two calls into the importer -------------------------------------------------


def file_read(name: str, data: bytes) -> ParsedReport | str:
    """What the importer reads in the file (`reading.report_read` against the loaded protocol
    versions), or the message of its refusal (`ReportRefused`)."""
    try:
        return report_read(name, data, catalog_indexes())
    except ReportRefused as refused:
        return str(refused.message)


def reading_import(*, by: User, parsed: ParsedReport, source: SourceFile) -> Review:
    """The importer's storing of what was read as a review (with its ImportedReview)."""
    return reading_store(by=by, parsed=parsed, source=source)


# ---- Creating a batch --------------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError({"files": [message]})


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the zip's maker wrote it: zipfile reads a name without the UTF-8 flag
    as CP437, but the tools of the last twenty years mostly wrote UTF-8 there."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.filename


def _unsafe_path(name: str) -> bool:
    """A member that would land outside a folder it were unpacked into (absolute, a drive, `..`),
    which no honest folder of reports holds. Nothing is unpacked; such a zip is refused."""
    normal = name.replace("\\", "/")
    return (
        normal.startswith("/")
        or (len(normal) > 1 and normal[1] == ":")
        or ".." in normal.split("/")
        or "\x00" in normal
    )


def zip_reports(zip_name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The .pdf and .txt files of a zip, in its order, with their names as in the zip (paths
    inside it kept). Read in memory, never unpacked to disk; each member read no further than
    its limit. Refused whole (ValidationError on `files`) when it cannot be read, is encrypted,
    names a path outside itself, or unpacks to more than the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        message = _("%(name)s is not a zip file that can be opened.") % {"name": zip_name}
        raise _refuse(message) from None
    found: list[tuple[str, bytes]] = []
    total = 0
    for info in members:
        name = _zip_name(info)
        if _unsafe_path(name):
            raise _refuse(
                _("%(name)s holds a file outside its folders (%(member)s): it is not read.")
                % {"name": zip_name, "member": name}
            )
        base = posixpath.basename(name.replace("\\", "/"))
        if info.is_dir() or base.startswith(".") or "__MACOSX/" in name:
            continue
        if not base.lower().endswith(REPORT_SUFFIXES):
            continue
        if info.flag_bits & 0x1:
            raise _refuse(
                _("%(name)s is encrypted: make a zip without a password.") % {"name": zip_name}
            )
        if len(found) >= MAX_BATCH_FILES:
            raise _refuse(
                _("%(name)s holds more than %(count)d reports: split it in several.")
                % {"name": zip_name, "count": MAX_BATCH_FILES}
            )
        try:
            with archive.open(info) as member:
                content = member.read(MAX_FILE_BYTES + 1)
        # BadZipFile, a CRC or zlib error, an unknown compression: a damaged member.
        except Exception:
            raise _refuse(
                _("%(member)s in %(name)s cannot be read out of the zip.")
                % {"name": zip_name, "member": name}
            ) from None
        if len(content) > MAX_FILE_BYTES:
            raise _refuse(
                _("%(member)s in %(name)s is larger than %(mb)d MB.")
                % {"name": zip_name, "member": name, "mb": MAX_FILE_BYTES // 2**20}
            )
        total += len(content)
        if total > MAX_ZIP_BYTES:
            raise _refuse(
                _("%(name)s unpacks to more than %(mb)d MB: split it in several.")
                % {"name": zip_name, "mb": MAX_ZIP_BYTES // 2**20}
            )
        found.append((name, content))
    if not found:
        raise _refuse(_("%(name)s holds no .pdf or .txt files.") % {"name": zip_name})
    return found


def files_expand(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The uploaded files with each zip replaced by its reports. Any other file is taken as it
    is: the reader tells a report by its content and refuses what is none, by name."""
    expanded: list[tuple[str, bytes]] = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            expanded.extend(zip_reports(name, data))
        else:
            expanded.append((name, data))
    if len(expanded) > MAX_BATCH_FILES:
        raise _refuse(_("Choose at most %(count)d files at a time.") % {"count": MAX_BATCH_FILES})
    return expanded


def _name_kept(name: str) -> str:
    """The name as given, its end kept (the extension) if longer than the column."""
    name = name.replace("\x00", "").strip() or "?"
    return name if len(name) <= NAME_LENGTH else "…" + name[-(NAME_LENGTH - 1) :]


def source_file(*, by: User, name: str, data: bytes) -> SourceFile:
    """The file kept once: the row of the same bytes if there is one, else a new one. Stored
    under a name made of its hash, whatever it was called (the name is kept on the row)."""
    digest = hashlib.sha256(data).hexdigest()
    if (found := SourceFile.objects.filter(sha256=digest).first()) is not None:
        return found
    suffix = ".pdf" if data.startswith(b"%PDF") else ".txt"
    source = SourceFile(sha256=digest, name=_name_kept(name), size=len(data), uploaded_by=by)
    source.content.save(digest[:20] + suffix, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # the same bytes stored meanwhile by another upload
        source.content.delete(save=False)
        return SourceFile.objects.get(sha256=digest)
    return source


def batch_create(*, by: User, files: Sequence[tuple[str, bytes]]) -> ImportBatch:
    """A batch of the uploaded files (a zip's reports in its place), each kept once and read in
    the background once the batch is saved. Refuses (ValidationError on `files`) an empty upload
    and a zip it will not open."""
    require(by, "imports.import")
    if not files:
        raise _refuse(_("Choose at least one file."))
    expanded = files_expand(files)
    with transaction.atomic():
        batch = ImportBatch.objects.create(created_by=by)
        for position, (name, data) in enumerate(expanded, start=1):
            item = BatchItem.objects.create(
                batch=batch,
                source=source_file(by=by, name=name, data=data),
                name=_name_kept(name),
                position=position,
            )
            transaction.on_commit(functools.partial(batch_item_read.enqueue, item.pk))
    logger.info("Import batch %s: %d files queued", batch.pk, len(expanded))
    return batch


# ---- Reading, in the worker --------------------------------------------------------------------


def _read_outcome(item: BatchItem) -> dict[str, Any]:
    """The item's state after reading, as the fields to set."""
    imported = ImportedReview.objects.filter(source=item.source_id).select_related("review")
    if (earlier := imported.first()) is not None:
        return {
            "state": BatchItemState.DUPLICATE,
            "review": earlier.review,
            "message": _("Imported before, as the review %(review)s.") % {"review": earlier.review},
        }
    twin = (
        BatchItem.objects.filter(
            batch=item.batch_id, source=item.source_id, position__lt=item.position
        )
        .order_by("position")
        .first()
    )
    if twin is not None:
        return {
            "state": BatchItemState.DUPLICATE,
            "message": _("The same file as %(name)s in this batch.") % {"name": twin.name},
        }
    with item.source.content.open("rb") as stored:
        data = stored.read(MAX_FILE_BYTES + 1)
    try:
        parsed = file_read(item.name, data)
    except Exception:  # a fault of the reader: the item says so, the batch goes on
        logger.exception("Import batch item %s: the reader failed", item.pk)
        parsed = _(
            "The file could not be read because of an error in Granska. Try again later, or "
            "report the error."
        )
    if isinstance(parsed, str):
        return {"state": BatchItemState.REFUSED, "message": parsed}
    return {"state": BatchItemState.READ, "reading": report_json(parsed), "message": ""}


@task()
def batch_item_read(item_id: int) -> str:
    """Reads one file of a batch, unless it has been read already (a task queued twice reads
    once); returns the state it was left in."""
    item = BatchItem.objects.select_related("source").filter(pk=item_id).first()
    if item is None or item.state != BatchItemState.QUEUED:
        return item.state if item else "gone"
    outcome = _read_outcome(item)
    # Reading may take a while: the row is written only if nobody has moved it meanwhile.
    BatchItem.objects.filter(pk=item_id, state=BatchItemState.QUEUED).update(**outcome)
    logger.info("Import batch item %s: %s", item_id, outcome["state"])
    return str(outcome["state"])


# ---- Confirming --------------------------------------------------------------------------------


def _source_kind(source: SourceFile) -> str:
    return "pdf" if (source.content.name or "").endswith(".pdf") else "text"


def batch_reading(batch: ImportBatch) -> bool:
    """Whether files of the batch still wait to be read."""
    return batch.items.filter(state=BatchItemState.QUEUED).exists()


def batch_confirm(*, by: User, batch: ImportBatch, item_ids: Sequence[int]) -> list[BatchItem]:
    """Imports the chosen items that were read, and leaves the batch's other read items out;
    returns the items imported now. Confirming again imports nothing more (only read items are
    imported, and an imported one is no longer read), and a file already made a review (in
    another batch meanwhile) becomes a duplicate instead. Refused while files are being read."""
    require(by, "imports.import")
    chosen = set(item_ids)
    imported: list[BatchItem] = []
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch_reading(batch):
            raise ValidationError(_("Wait until every file has been read, then confirm."))
        items = list(
            BatchItem.objects.select_for_update()
            .filter(batch=batch, state=BatchItemState.READ)
            .select_related("source")
            .order_by("position")
        )
        for item in items:
            if item.pk not in chosen:
                item.state = BatchItemState.SKIPPED
                item.save(update_fields=["state"])
                continue
            # The file's row locked: two batches holding it import it once.
            SourceFile.objects.select_for_update().filter(pk=item.source_id).first()
            earlier = (
                ImportedReview.objects.filter(source=item.source_id)
                .select_related("review")
                .first()
            )
            if earlier is not None:
                item.state = BatchItemState.DUPLICATE
                item.review = earlier.review
                item.message = _("Imported before, as the review %(review)s.") % {
                    "review": earlier.review
                }
                item.save(update_fields=["state", "review", "message"])
                continue
            parsed = report_from_json(item.reading or {}, source_kind=_source_kind(item.source))
            try:
                with transaction.atomic():
                    review = reading_import(by=by, parsed=parsed, source=item.source)
            except ValidationError as error:
                item.state = BatchItemState.REFUSED
                item.message = " ".join(error.messages)
                item.save(update_fields=["state", "message"])
                continue
            # The storing keeps the file with its review; should it not, the batch does, so
            # that the file is known as imported (and a duplicate from now on).
            ImportedReview.objects.get_or_create(
                source=item.source,
                defaults={"review": review, "reading": item.reading or {}, "imported_by": by},
            )
            item.state = BatchItemState.IMPORTED
            item.review = review
            item.message = ""
            item.save(update_fields=["state", "review", "message"])
            imported.append(item)
        if batch.confirmed_at is None:
            batch.confirmed_at = timezone.now()
            batch.save(update_fields=["confirmed_at"])
    logger.info("Import batch %s confirmed: %d imported", batch.pk, len(imported))
    return imported
