"""Storing an earlier report as a review (issue 13): the file kept once by its SHA-256, the
review made in the state the report shows, with what was read and nothing guessed.

`report_import` takes the bytes (the command, the import page): a file imported before is a
duplicate, a file the reader refuses is refused, a dry run saves nothing. `reading_store` stores
a report already read (the page's batch reads first, confirms later). Both are the kansli's
(`imports.import`), checked here for every caller.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.limits import FULL_NAME_MAX_CHARS
from granska.accounts.models import Role, User
from granska.accounts.rules import require
from granska.actionplans.dates import PlanDateError, plan_date_read
from granska.actionplans.limits import ACTION_MAX_CHARS, DATE_TEXT_MAX_CHARS, PERSON_MAX_CHARS
from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, PlanStatus
from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.choices import REGULATION_FIELDS
from granska.imports.catalogs import catalog_indexes
from granska.imports.models import ImportedReview, SourceFile
from granska.imports.parsed import (
    AREA_CODES,
    FileResult,
    ParsedReport,
    report_from_json,
    report_json,
)
from granska.imports.reading import report_read
from granska.lifecycle import Status, months_after
from granska.reviews.limits import (
    NARRATIVE_MAX_CHARS,
    SPECIALTY_NAME_MAX_CHARS,
    SUMMARY_LIST_MAX_CHARS,
    UNIT_NAME_MAX_CHARS,
)
from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Assignment,
    CareProvider,
    Region,
    Review,
    Specialty,
    Unit,
    UnitKind,
    name_key,
)
from granska.text import clean_line, clean_text
from granska.workflow.imported import review_imported

logger = logging.getLogger(__name__)

# The register entries a unit made from a report is filed under: a report names its clinic, not
# the clinic's care provider or region. Clearly named, so that the kansli finds them and moves
# the units to their real provider and region (the unit's page), or merges them with a unit
# registered already. Data, in Swedish like every register's names.
IMPORTED_CARE_PROVIDER = "Okänd vårdgivare (importerad)"
IMPORTED_REGION = "Okänd region (importerad)"
IMPORTED_SPECIALTY = "Okänd specialitet (importerad)"
# A report that names no unit: a unit of its own per file, named after the file.
IMPORTED_UNIT = "Okänd enhet (importerad från {file})"
# The address of an inspector made from a report: no one receives mail there (RFC 2606's
# .invalid), and the same name always gives the same address, so that it is made once.
IMPORTED_INSPECTOR_EMAIL = "importerad-{key}@importerad.invalid"

# What reads a report's bytes: `granska.imports.reading.report_read` with the catalog's
# indexes, or a stand-in in tests.
Reader = Callable[[str, bytes], ParsedReport]


def _reader_default(name: str, data: bytes) -> ParsedReport:
    """The reader: `report_read` against the loaded protocol versions."""
    return report_read(name, data, catalog_indexes())


def _refusal(error: Exception) -> str:
    """The message to give for a file whose reading failed. The reader promises a ReportRefused
    (with its Swedish `.message`) and nothing else; anything else is a bug in the reader, logged
    (without the file's contents), and one file's bug must not stop the batch."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    logger.exception("import: the reader failed on a file")
    return _("The file could not be read as a SPUR report.")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _duplicate_of(sha256: str) -> ImportedReview | None:
    return (
        ImportedReview.objects.filter(source__sha256=sha256)
        .select_related("review", "review__unit")
        .first()
    )


def _duplicate(name: str, earlier: ImportedReview) -> FileResult:
    return FileResult(
        file=name,
        outcome="duplicate",
        message=_duplicate_message(earlier),
        review=earlier.review_id,
        report=report_from_json(earlier.reading),
    )


def _duplicate_message(earlier: ImportedReview) -> str:
    return _("The file was imported before: review %(review)s (%(name)s).") % {
        "review": earlier.review_id,
        "name": earlier.review,
    }


def report_import(
    *,
    by: User,
    name: str,
    data: bytes,
    dry_run: bool = False,
    read: Reader | None = None,
) -> FileResult:
    """Reads one file and, unless `dry_run`, stores it as a review. `name` is the file as given
    (the command's path, the upload's name): the result names it so. Never raises for the
    file's sake: a file refused is a result, and the batch goes on."""
    require(by, "imports.import")
    earlier = _duplicate_of(sha256_of(data))
    if earlier is not None:
        return _duplicate(name, earlier)
    try:
        parsed = (read or _reader_default)(name, data)
    except Exception as error:  # a refusal, or a reader's bug: see `_refusal`
        return FileResult(file=name, outcome="refused", message=_refusal(error))
    if dry_run:
        return FileResult(file=name, outcome="would_import", report=parsed)
    stored: list[SourceFile] = []
    try:
        # The file's row and the review in one transaction: a review refused leaves no file.
        with transaction.atomic():
            source = source_keep(by=by, name=name, data=data)
            stored.append(source)
            review = reading_store(by=by, parsed=parsed, source=source)
    except (ValidationError, IntegrityError) as error:
        _stored_forget(stored)
        earlier = _duplicate_of(sha256_of(data))  # the same file, imported meanwhile
        if earlier is not None:
            return _duplicate(name, earlier)
        if isinstance(error, IntegrityError):
            raise
        return FileResult(
            file=name, outcome="refused", message=" ".join(error.messages), report=parsed
        )
    return FileResult(file=name, outcome="imported", review=review.pk, report=parsed)


def _stored_forget(stored: list[SourceFile]) -> None:
    """Deletes the bytes a rolled-back transaction stored, unless a row still holds them."""
    for source in stored:
        if source.content.name and not SourceFile.objects.filter(sha256=source.sha256).exists():
            source.content.storage.delete(source.content.name)


def source_keep(*, by: User, name: str, data: bytes) -> SourceFile:
    """The file's row, its bytes stored under MEDIA_ROOT the first time only: the same bytes
    again (an upload read before, confirmed now) are the same file, whatever their name."""
    require(by, "imports.import")
    sha256 = sha256_of(data)
    existing = SourceFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    base = clean_line(PurePath(name.replace("\\", "/")).name) or "rapport"
    source = SourceFile(sha256=sha256, name=base[:255], size=len(data), uploaded_by=by)
    # The stored name is the hash: the original name is the row's, shown and sent on download.
    suffix = PurePath(base).suffix.lower()[:8]
    source.content.save(f"{sha256}{suffix}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        source.content.delete(save=False)
        raise
    return source


def _clip(text: str, limit: int) -> str:
    """A text within its column: the whole reading stays in the ImportedReview's JSON."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _register_row[R: (CareProvider, Region, Specialty)](model: type[R], name: str) -> R:
    """The register's row named `name` (case and spacing aside, as `name_key` compares), made
    when there is none."""
    row = model.named(name)
    if row is None:
        row = model(name=name)
        row.full_clean()
        row.save()
    return row


def _specialty_for(parsed: ParsedReport) -> Specialty | None:
    name = clean_line(parsed.header.specialty or "")
    return _register_row(Specialty, _clip(name, SPECIALTY_NAME_MAX_CHARS)) if name else None


def _unit_for(parsed: ParsedReport, specialty: Specialty | None, file: str) -> Unit:
    """The unit the report names, when one of that name is registered (one of the specialty's
    first, should two providers have a unit of that name); else a unit made under the imported
    placeholders, for the kansli to move or merge."""
    name = clean_line(parsed.header.unit or "")
    if name:
        key = name_key(name)
        same = [unit for unit in Unit.objects.all() if name_key(unit.name) == key]
        same.sort(
            key=lambda unit: (specialty is None or unit.specialty_id != specialty.pk, unit.pk)
        )
        if same:
            return same[0]
    else:
        name = IMPORTED_UNIT.format(file=file)
    name = _clip(name, UNIT_NAME_MAX_CHARS)
    provider = _register_row(CareProvider, IMPORTED_CARE_PROVIDER)
    existing = next(
        (unit for unit in provider.units.all() if name_key(unit.name) == name_key(name)), None
    )
    if existing is not None:
        return existing
    unit = Unit(
        name=name,
        kind=UnitKind.ANNAN,
        care_provider=provider,
        region=_register_row(Region, IMPORTED_REGION),
        specialty=specialty or _register_row(Specialty, IMPORTED_SPECIALTY),
    )
    unit.full_clean()
    unit.save()
    return unit


def _inspector_for(name: str) -> User:
    """The inspector of that name (case and spacing aside), or one made with no login: an
    unusable password, not active, never invited, at an address no one receives."""
    key = name_key(name)
    for person in User.objects.filter(role=Role.INSPEKTOR):
        if name_key(person.full_name) == key:
            return person
    email = IMPORTED_INSPECTOR_EMAIL.format(key=hashlib.sha256(key.encode()).hexdigest()[:16])
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    person = User.objects.create_user(
        email=email, full_name=name, role=Role.INSPEKTOR, is_active=False
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person


def _protocol_for(parsed: ParsedReport) -> ProtocolVersion:
    """The version the report's criteria match best, else the newest loaded."""
    found = (
        ProtocolVersion.objects.filter(code=parsed.protocol.code).first()
        if parsed.protocol
        else None
    )
    found = found or ProtocolVersion.objects.order_by("-loaded_at", "-pk").first()
    if found is None:
        raise ValidationError({"protocol": _("No protocol version is loaded: load the catalog.")})
    return found


def regulations_for(
    parsed: ParsedReport, protocol: ProtocolVersion
) -> tuple[tuple[str, ...], bool]:
    """The regulations in scope, and whether they are known: those the report names, else
    those its grade grid marks a grade under, else (unknown) every one of the protocol's, since
    a review needs one in scope; the page then says they were unknown."""
    offered = [r for r in REGULATION_FIELDS if r in protocol.regulations]
    named = [r for r in offered if r in parsed.header.regulations]
    if named:
        return tuple(named), True
    graded = [r for r in offered if any(area.grades.get(r) for area in parsed.areas.values())]
    if graded:
        return tuple(graded), True
    return tuple(offered), False


def _report_date(parsed: ParsedReport) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(parsed.header.date) if parsed.header.date else None
    except ValueError:
        return None


def _summary_text(items: list[str]) -> str:
    return _clip(
        "\n".join(clean_line(item) for item in items if clean_line(item)), SUMMARY_LIST_MAX_CHARS
    )


def _grades_store(
    review: Review, assessment: AreaAssessment, parsed: ParsedReport, regulations_known: bool
) -> None:
    """The grades the file shows, and no more. An adjusted area ("Gradering justerad till C.")
    had a D: its grade is the D, the adjusted grade the one in force, as an accepted plan
    records it. Where the grid is not read the D is known only for a review under one known
    regulation; under two, which one had the D is not said, and the grade stays unknown."""
    reading = parsed.areas.get(assessment.area.code)
    if reading is None:
        return
    grades = assessment.area.grades
    for regulation in review.regulations:
        grade = reading.grades.get(regulation)
        if (
            grade is None
            and reading.adjusted
            and regulations_known
            and len(review.regulations) == 1
        ):
            grade = "D"
        if grade not in grades:
            continue
        adjusted = reading.adjusted if grade == "D" and reading.adjusted in grades else ""
        AreaGrade.objects.create(
            assessment=assessment, regulation=regulation, grade=grade, adjusted_grade=adjusted or ""
        )


def _plan_date(text: str | None) -> tuple[str, datetime.date | None]:
    """A plan's date as written, and the day it reads as (None when it cannot be read)."""
    written = _clip(clean_line(text or ""), DATE_TEXT_MAX_CHARS)
    if not written:
        return "", None
    try:
        return written, plan_date_read(written).last_day
    except PlanDateError:
        return written, None


def _plan_store(review: Review, parsed: ParsedReport, areas: dict[str, Area]) -> None:
    """The handlingsplan as the report gives it, accepted and followed up (the review is
    closed: no reminder goes out for it). An item without a known area is kept only in the
    reading; two items for the same criterion (or for an area without one) are one, their
    actions joined, as the plan's rows allow one each."""
    if not parsed.plan:
        return
    issued = review.final_report_date
    plan = ActionPlan.objects.create(
        review=review,
        status=PlanStatus.GODKAND,
        # Due three months after the report; without its date, the day of the import (the
        # column needs one; the plan was long since handled).
        due_date=months_after(issued, 3) if issued else timezone.localdate(),
    )
    criteria = {c.code: c for c in Criterion.objects.filter(protocol=review.protocol)}
    items: dict[tuple[str, str | None], ActionItem] = {}
    for item in parsed.plan:
        criterion = criteria.get(item.criterion or "")
        area = criterion.area if criterion else areas.get(item.area or "")
        if area is None:
            continue
        key = (area.code, criterion.code if criterion else None)
        action = _clip(clean_text(item.action).strip(), ACTION_MAX_CHARS)
        if key in items:
            earlier = items[key]
            joined = "\n\n".join(part for part in (earlier.action, action) if part)
            earlier.action = _clip(joined, ACTION_MAX_CHARS)
            earlier.save(update_fields=["action"])
            continue
        completion_text, completion_date = _plan_date(item.due)
        followup_text, followup_date = _plan_date(item.follow_up)
        items[key] = ActionItem.objects.create(
            plan=plan,
            area=area,
            criterion=criterion,
            position=len(items) + 1,
            action=action,
            completion_text=completion_text,
            completion_date=completion_date,
            responsible=_clip(clean_line(item.responsible or ""), PERSON_MAX_CHARS),
            followup_text=followup_text,
            followup_date=followup_date,
            followup_responsible=_clip(
                clean_line(item.follow_up_responsible or ""), PERSON_MAX_CHARS
            ),
            followup=FollowUp.CONFIRMED,
        )


def _storable(value: Any) -> Any:
    """The reading as JSON PostgreSQL stores: without NUL, which jsonb refuses (the readers
    give none; a NUL in a string read would otherwise lose the whole file)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


@transaction.atomic
def reading_store(*, by: User, parsed: ParsedReport, source: SourceFile) -> Review:
    """Makes the review an earlier report was: its unit, specialty and inspectors (matched to
    the registers by name, else made as imported records), its regulations and protocol, the
    summary, each area's narrative, the grades where read, the handlingsplan, and the state
    Avslutad with the report's date as the final report's, so that the unit falls due again
    from it. No findings: the reports hold none. ValidationError when the file has a review
    already or nothing can be made (no protocol loaded)."""
    require(by, "imports.import")
    if ImportedReview.objects.filter(source=source).exists():
        raise ValidationError(
            {"source": _duplicate_message(ImportedReview.objects.get(source=source))}
        )
    protocol = _protocol_for(parsed)
    specialty = _specialty_for(parsed)
    unit = _unit_for(parsed, specialty, source.name)
    regulations, known = regulations_for(parsed, protocol)
    date = _report_date(parsed)
    review = Review(
        unit=unit,
        specialty=specialty or unit.specialty,
        protocol=protocol,
        visit_date=date,
        final_report_date=date,
        status=Status.BOKAD,
        strengths=_summary_text(parsed.summary.styrkor),
        weaknesses=_summary_text(parsed.summary.svagheter),
        improvements=_summary_text(parsed.summary.forbattringspotential),
    )
    for regulation, field in REGULATION_FIELDS.items():
        setattr(review, field, regulation in regulations)
    review.full_clean()
    review.save()
    seen: set[int] = set()
    for name in parsed.header.inspectors:
        name = _clip(clean_line(name), FULL_NAME_MAX_CHARS)
        if not name:
            continue
        inspector = _inspector_for(name)
        if inspector.pk not in seen:
            seen.add(inspector.pk)
            Assignment.objects.create(review=review, inspector=inspector)
    areas = {area.code: area for area in protocol.areas.all()}
    for code in AREA_CODES:
        area = areas.get(code)
        if area is None:
            continue
        reading = parsed.areas.get(code)
        narrative = clean_text((reading.narrative or "") if reading else "").strip()
        narrative = _clip(narrative, NARRATIVE_MAX_CHARS)
        assessment = AreaAssessment.objects.create(review=review, area=area, narrative=narrative)
        _grades_store(review, assessment, parsed, known)
    _plan_store(review, parsed, areas)
    review = review_imported(review=review, status=Status.AVSLUTAD, by=by)
    ImportedReview.objects.create(
        review=review, source=source, reading=_storable(report_json(parsed)), imported_by=by
    )
    return review
