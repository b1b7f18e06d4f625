"""Writes to the handlingsplan: opening it, the unit's saves and submission, the inspectors'
decision, the follow-up of each action. Each validates before it saves, and saves all or nothing."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.actionplans.attachments import attachment_check
from granska.actionplans.dates import ACCEPTED_FORMS, PlanDateError, plan_date_read
from granska.actionplans.models import (
    ActionItem,
    ActionPlan,
    Decision,
    FollowUp,
    FollowUpReport,
    PlanStatus,
)
from granska.catalog.models import Level
from granska.reports.models import FinalReport
from granska.reports.services import report_issue_final
from granska.reviews.models import (
    AreaGrade,
    Finding,
    Outcome,
    Review,
    Status,
    Unit,
    calendar_token_new,
)
from granska.reviews.services import status_record
from granska.uploads import MAX_UPLOAD_BYTES


class PlanConflict(Exception):
    """Someone saved the plan after the form was read: the save would overwrite their work."""

    def __init__(self, current: ActionPlan) -> None:
        super().__init__(current.pk)
        self.current = current


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def final_report_date(review: Review) -> datetime.date | None:
    """The day the first version of the final report was issued, in Swedish time."""
    first = FinalReport.objects.filter(review=review).order_by("version").first()
    return timezone.localdate(first.issued_at) if first else None


def next_review_due(issued: datetime.date) -> datetime.date:
    """The day a unit is due for a new review: five years after the final report of `issued`."""
    return months_after(issued, 12 * settings.GRANSKA_REVIEW_INTERVAL_YEARS)


def review_next_due(review: Review) -> datetime.date | None:
    """The day the unit is due for a new review after `review`, once its report is final."""
    issued = final_report_date(review)
    return next_review_due(issued) if issued else None


def adjusted_grade(scale: list[str]) -> str:
    """The grade a D is adjusted to: C on an A/B/C/D scale, B on an A/B/D one."""
    return scale[scale.index("D") - 1]


def plan_deficiencies(review: Review) -> list[tuple[int, int | None]]:
    """(area id, criterion id) for each item a plan needs: every föreskrift judged ej uppfyllt
    or delvis uppfyllt in an area graded D under a regulation it applies to, in catalog order;
    (area id, None) for a D area where no such föreskrift explains the grade."""
    d_grades = AreaGrade.objects.filter(assessment__review=review, grade="D").values_list(
        "assessment__area_id", "regulation"
    )
    d_areas: dict[int, set[str]] = {}
    for area_id, regulation in d_grades:
        d_areas.setdefault(area_id, set()).add(regulation)
    findings = (
        Finding.objects.filter(
            review=review,
            criterion__area_id__in=d_areas,
            criterion__level=Level.FORESKRIFT,
            outcome__in=(Outcome.EJ_UPPFYLLT, Outcome.DELVIS),
        )
        .select_related("criterion")
        .order_by("criterion__area__position", "criterion__position")
    )
    items: list[tuple[int, int | None]] = []
    explained: set[int] = set()
    for finding in findings:
        criterion = finding.criterion
        if any(criterion.applies_to(r) for r in d_areas[criterion.area_id]):
            items.append((criterion.area_id, criterion.pk))
            explained.add(criterion.area_id)
    positions = dict(review.protocol.areas.values_list("pk", "position"))
    items += [(area_id, None) for area_id in d_areas if area_id not in explained]
    items.sort(key=lambda pair: (positions[pair[0]], pair[1] is None))
    return items


@transaction.atomic
def plan_open(*, review: Review) -> ActionPlan:
    """The review's handlingsplan, created at the move to handlingsplan with an item for each
    deficiency and due three months after the final report; an existing plan is returned as is."""
    existing = ActionPlan.objects.filter(review=review).first()
    if existing is not None:
        return existing
    issued = final_report_date(review) or timezone.localdate()
    plan = ActionPlan.objects.create(
        review=review, due_date=months_after(issued, settings.GRANSKA_PLAN_MONTHS)
    )
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, area_id=area_id, criterion_id=criterion_id, position=n)
        for n, (area_id, criterion_id) in enumerate(plan_deficiencies(review), start=1)
    )
    return plan


@dataclass(frozen=True)
class ItemInput:
    """One item of the plan form, as typed."""

    action: str = ""
    completion: str = ""
    responsible: str = ""
    responsible_email: str = ""
    followup: str = ""
    followup_responsible: str = ""
    followup_responsible_email: str = ""


ITEM_FIELDS = tuple(ItemInput.__dataclass_fields__)
EMAIL_MAX_CHARS = 254  # what the address fields hold
ITEM_COLUMNS = [
    "action",
    "completion_text",
    "completion_date",
    "responsible",
    "responsible_email",
    "followup_text",
    "followup_date",
    "followup_responsible",
    "followup_responsible_email",
]


def date_refusal(text: str, error: PlanDateError) -> str:
    """Why a written date was refused, with the forms Granska reads."""
    forms = ", ".join(f"”{form}”" for form in ACCEPTED_FORMS)
    if error.reason == "ambiguous_winter":
        return _(
            "“%(text)s” could be either end of the winter; write the two years, as in "
            "“vintern 2026/2027”. Granska reads: %(forms)s."
        ) % {"text": text, "forms": forms}
    if error.reason == "invalid_date":
        return _("“%(text)s” is not a date in the calendar.") % {"text": text}
    if error.reason == "year_out_of_range":
        return _("“%(text)s” names a year outside 2000–2100.") % {"text": text}
    return _("Granska cannot read “%(text)s” as a date or a period. It reads: %(forms)s.") % {
        "text": text,
        "forms": forms,
    }


def _read_dates(
    item: ActionItem, data: ItemInput, errors: dict[str, list[str]], *, complete: bool
) -> None:
    """Reads and checks one item's input into `item`, collecting the problems by field name."""

    def error(field: str, message: str) -> None:
        errors.setdefault(f"item-{item.pk}-{field}", []).append(message)

    item.action = data.action.strip()
    item.responsible = data.responsible.strip()
    item.followup_responsible = data.followup_responsible.strip()
    for field in ("responsible", "followup_responsible", "completion", "followup"):
        limit = 60 if field in ("completion", "followup") else 200
        if len(getattr(data, field).strip()) > limit:
            error(field, _("At most %(limit)d characters.") % {"limit": limit})
    for field in ("responsible_email", "followup_responsible_email"):
        value = getattr(data, field).strip()
        setattr(item, field, value)
        if value:
            try:
                validate_email(value)
                if len(value) > EMAIL_MAX_CHARS:
                    raise ValidationError("too long")
            except ValidationError:
                error(field, _("“%(value)s” is not an e-mail address.") % {"value": value})
    for field, text_field, date_field in (
        ("completion", "completion_text", "completion_date"),
        ("followup", "followup_text", "followup_date"),
    ):
        written = getattr(data, field).strip()
        setattr(item, text_field, written)
        setattr(item, date_field, None)
        if not written or f"item-{item.pk}-{field}" in errors:
            continue
        try:
            read = plan_date_read(written)
        except PlanDateError as refused:
            error(field, date_refusal(written, refused))
        else:
            setattr(item, text_field, read.text)
            setattr(item, date_field, read.last_day)
    if item.completion_date and item.followup_date and item.followup_date < item.completion_date:
        error("followup", _("The follow-up comes before the action is done; it must come after."))
    if complete:
        required = {
            "action": (item.action, _("Describe the planned action.")),
            "completion": (item.completion_text, _("Give the date the action is done.")),
            "responsible": (item.responsible, _("Name who is responsible for the action.")),
            "followup": (item.followup_text, _("Give the date of the follow-up.")),
            "followup_responsible": (
                item.followup_responsible,
                _("Name who is responsible for the follow-up."),
            ),
        }
        for field, (value, message) in required.items():
            if not value and f"item-{item.pk}-{field}" not in errors:
                error(field, message)


@transaction.atomic
def plan_save(
    *, plan: ActionPlan, version: int, items: dict[int, ItemInput], by: User, submit: bool
) -> ActionPlan:
    """Saves the unit's plan as a draft, or submits it to the inspectors.

    A draft may be incomplete but never holds a date Granska cannot read; a submitted plan has
    every field of every item. A save based on an older version raises `PlanConflict`."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.writable:
        raise ValidationError(
            {
                "plan": _("The plan is %(status)s and cannot change.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    if version != plan.version:
        raise PlanConflict(plan)
    errors: dict[str, list[str]] = {}
    stored = list(plan.items.all())
    for item in stored:
        _read_dates(item, items.get(item.pk, ItemInput()), errors, complete=submit)
    if errors:
        raise ValidationError(errors)
    for item in stored:  # one save each, so that the history keeps every item's change
        item.save(update_fields=ITEM_COLUMNS)
    plan.version += 1
    fields = ["version", "updated_at"]
    if submit:
        plan.status = PlanStatus.INLAMNAD
        plan.submitted_at = timezone.now()
        plan.submitted_by = by
        fields += ["status", "submitted_at", "submitted_by"]
    plan.save(update_fields=fields)
    return plan


def _decidable(plan: ActionPlan) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.INLAMNAD:
        raise ValidationError(
            {
                "plan": _("Only a submitted plan is accepted or returned; this one is %(status)s.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    return plan


@transaction.atomic
def plan_return(
    *, plan: ActionPlan, by: User, comments: dict[int, str], comment: str = ""
) -> ActionPlan:
    """Returns a submitted plan to the unit with a comment on each item that needs work."""
    plan = _decidable(plan)
    items = list(plan.items.all())
    comments = {pk: text.strip() for pk, text in comments.items() if text.strip()}
    if not comments and not comment.strip():
        raise ValidationError(
            {"comment": _("Say what the unit must change: comment on at least one action.")}
        )
    for item in items:
        new = comments.get(item.pk, "")
        if item.return_comment != new:
            item.return_comment = new
            item.save(update_fields=["return_comment"])
    plan.status = PlanStatus.ATERFORVISAD
    plan.return_comment = comment.strip()
    plan.decided_at, plan.decided_by = timezone.now(), by
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "return_comment",
            "decided_at",
            "decided_by",
            "version",
            "updated_at",
        ]
    )
    return plan


@transaction.atomic
def plan_accept(*, plan: ActionPlan, by: User) -> ActionPlan:
    """Accepts a submitted plan: every D of the review is adjusted one step up its area's scale
    (the D stays, as the grade set), the review goes on to follow-up, and the final report is
    issued again with the adjusted grades and the plan."""
    plan = _decidable(plan)
    incomplete = [
        str(item)
        for item in plan.items.select_related("area", "criterion")
        if not (
            item.action
            and item.responsible
            and item.followup_responsible
            and item.completion_date
            and item.followup_date
        )
    ]
    if incomplete:
        raise ValidationError(
            {
                "plan": _(
                    "An action plan is accepted only with every action planned, dated and "
                    "with its responsible people; missing in: %(items)s."
                )
                % {"items": ", ".join(incomplete)}
            }
        )
    for grade in AreaGrade.objects.filter(assessment__review=plan.review, grade="D").select_related(
        "assessment__area"
    ):
        grade.adjusted_grade = adjusted_grade(grade.assessment.area.grades)
        grade.save(update_fields=["adjusted_grade", "updated_at"])
    plan.items.exclude(return_comment="").update(return_comment="")
    plan.status = PlanStatus.GODKAND
    plan.return_comment = ""
    plan.decided_at, plan.decided_by = timezone.now(), by
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "return_comment",
            "decided_at",
            "decided_by",
            "version",
            "updated_at",
        ]
    )
    review = Review.objects.select_for_update().get(pk=plan.review_id)
    status_record(review=review, target=Status.UPPFOLJNING, by=by)
    report_issue_final(review=review, by=by)
    return plan


@transaction.atomic
def followup_report(
    *, item: ActionItem, by: User, text: str, attachment: UploadedFile[bytes] | None = None
) -> FollowUpReport:
    """The unit reports what was done for one action of an accepted plan."""
    item = ActionItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if item.plan.status != PlanStatus.GODKAND:
        raise ValidationError({"text": _("Actions are followed up once the plan is accepted.")})
    if item.followup == FollowUp.CONFIRMED:
        raise ValidationError({"text": _("This action is already confirmed as followed up.")})
    if item.followup == FollowUp.REPORTED:
        # Also what a form sent twice meets: one report at a time awaits the answer.
        raise ValidationError(
            {"text": _("The report of this action awaits the answer; it cannot be added to.")}
        )
    if not text.strip():
        raise ValidationError({"text": _("Describe what was done.")})
    if attachment is not None and attachment.size and attachment.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "attachment": _("The file is larger than %(mb)d MB.")
                % {"mb": MAX_ATTACHMENT_BYTES // 2**20}
            }
        )
    if attachment is not None:
        attachment_check(attachment)
    report = FollowUpReport(item=item, text=text.strip(), reported_by=by)
    if attachment is not None:
        report.attachment.save(attachment.name or "bilaga", attachment, save=False)
    report.save()
    item.followup = FollowUp.REPORTED
    item.save(update_fields=["followup"])
    return report


MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES


@transaction.atomic
def followup_decide(
    *, report: FollowUpReport, by: User, decision: str, comment: str = ""
) -> FollowUpReport:
    """The kansli or an inspector confirms a follow-up report or asks for more. When every action
    of the plan is confirmed, the review is closed ("Avslutad")."""
    report = (
        FollowUpReport.objects.select_for_update().select_related("item__plan").get(pk=report.pk)
    )
    item = report.item
    if report.decision:
        raise ValidationError({"decision": _("This report is already answered.")})
    if report.pk != item.reports.order_by("-reported_at", "-pk").values_list("pk", flat=True)[0]:
        raise ValidationError({"decision": _("A newer report of this action awaits the answer.")})
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Confirm the report or ask for more.")})
    if decision == Decision.MORE and not comment.strip():
        raise ValidationError({"comment": _("Say what more the unit must do or show.")})
    report.decision = decision
    report.decision_comment = comment.strip()
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["decision", "decision_comment", "decided_by", "decided_at"])
    if decision == Decision.CONFIRMED:
        item.followup, item.confirmed_at = FollowUp.CONFIRMED, timezone.now()
        item.save(update_fields=["followup", "confirmed_at"])
    else:
        item.followup = FollowUp.MORE
        item.save(update_fields=["followup"])
    plan = item.plan
    if not plan.items.exclude(followup=FollowUp.CONFIRMED).exists():
        review = Review.objects.select_for_update().get(pk=plan.review_id)
        if review.status == Status.UPPFOLJNING:
            status_record(review=review, target=Status.AVSLUTAD, by=by)
    return report


@transaction.atomic
def unit_calendar_renew(*, unit: Unit) -> Unit:
    """A new secret for the unit's calendar feed: the old link stops working."""
    unit.calendar_token = calendar_token_new()
    unit.save(update_fields=["calendar_token"])
    return unit
