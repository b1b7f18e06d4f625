"""Writes to the handlingsplan: opening it, the unit's saves and submission, the inspectors'
decision, the follow-up of each action. Each validates before it saves, and saves all or nothing."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from granska.accounts.models import User
from granska.accounts.rules import require
from granska.actionplans.attachments import attachment_check, attachment_name
from granska.actionplans.dates import ACCEPTED_FORMS, PlanDateError, plan_date_read
from granska.actionplans.limits import (
    ACTION_MAX_CHARS,
    DATE_TEXT_MAX_CHARS,
    EMAIL_MAX_CHARS,
    FOLLOWUP_TEXT_MAX_CHARS,
    MAX_ATTACHMENT_BYTES,
    PERSON_MAX_CHARS,
    RETURN_COMMENT_MAX_CHARS,
)
from granska.actionplans.models import (
    ActionItem,
    ActionPlan,
    FollowUp,
    FollowUpReport,
    PlanStatus,
)
from granska.grading.vocabulary import NOT_FULLY_MET, Grade, Level
from granska.notices.models import NoticeKind
from granska.notices.services import notify_inspectors, notify_unit
from granska.refusals import not_sent, not_versioned, too_long
from granska.reviews.models import (
    AreaGrade,
    Finding,
    Review,
    Unit,
    calendar_token_new,
)
from granska.text import clean_line, clean_text


class PlanConflict(Exception):
    """Someone saved the plan after the form was read: the save would overwrite their work."""

    def __init__(self, current: ActionPlan) -> None:
        super().__init__(current.pk)
        self.current = current


def plan_deficiencies(review: Review) -> list[tuple[int, int | None]]:
    """(area id, criterion id) for each item a plan needs: every föreskrift judged ej uppfyllt
    or delvis uppfyllt in an area graded D under a regulation it applies to, in catalog order;
    (area id, None) for a D area where no such föreskrift explains the grade."""
    d_grades = AreaGrade.objects.filter(assessment__review=review, grade=Grade.D).values_list(
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
            outcome__in=NOT_FULLY_MET,
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


@dataclass(frozen=True)
class ItemInput:
    """One item of the plan form, as typed. A field the form did not send is None, which
    `plan_save` refuses: it is never read as empty, which would erase what is saved."""

    action: str | None = ""
    completion: str | None = ""
    responsible: str | None = ""
    responsible_email: str | None = ""
    followup: str | None = ""
    followup_responsible: str | None = ""
    followup_responsible_email: str | None = ""


ITEM_FIELDS = tuple(ItemInput.__dataclass_fields__)


def item_as_saved(item: ActionItem) -> ItemInput:
    """An item's input as it is saved: what a save that does not touch the item keeps."""
    return ItemInput(
        action=item.action,
        completion=item.completion_text,
        responsible=item.responsible,
        responsible_email=item.responsible_email,
        followup=item.followup_text,
        followup_responsible=item.followup_responsible,
        followup_responsible_email=item.followup_responsible_email,
    )


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


def item_labels() -> dict[str, str]:
    """The fields of a plan's item, as the plan page names them."""
    return {
        "action": _("Planned action"),
        "completion": _("Date the action is done"),
        "responsible": _("Responsible for the action"),
        "responsible_email": _("E-mail of the responsible for the action"),
        "followup": _("Date of the follow-up"),
        "followup_responsible": _("Responsible for the follow-up"),
        "followup_responsible_email": _("E-mail of the responsible for the follow-up"),
    }


def _item_limits() -> dict[str, tuple[int, str]]:
    """Each field's limit, and what is said of a longer text (%(item)s names the item)."""
    email = _("The e-mail address may be at most %(limit)s characters; it is %(length)s.")
    return {
        "action": (
            ACTION_MAX_CHARS,
            _(
                "The planned action on %(item)s may be at most %(limit)s characters; it is "
                "%(length)s."
            ),
        ),
        "completion": (
            DATE_TEXT_MAX_CHARS,
            _(
                "The date the action on %(item)s is done may be at most %(limit)s characters; "
                "it is %(length)s."
            ),
        ),
        "responsible": (
            PERSON_MAX_CHARS,
            _(
                "The name of who is responsible for the action on %(item)s may be at most "
                "%(limit)s characters; it is %(length)s."
            ),
        ),
        "responsible_email": (EMAIL_MAX_CHARS, email),
        "followup": (
            DATE_TEXT_MAX_CHARS,
            _(
                "The date of the follow-up of %(item)s may be at most %(limit)s characters; it "
                "is %(length)s."
            ),
        ),
        "followup_responsible": (
            PERSON_MAX_CHARS,
            _(
                "The name of who is responsible for the follow-up of %(item)s may be at most "
                "%(limit)s characters; it is %(length)s."
            ),
        ),
        "followup_responsible_email": (EMAIL_MAX_CHARS, email),
    }


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
        errors.setdefault(f"items.{item.pk}.{field}", []).append(message)

    sent = {name: getattr(data, name) for name in ITEM_FIELDS}
    labels = item_labels()
    if any(value is None for value in sent.values()):
        for name, value in sent.items():
            if value is None:
                error(name, not_sent(labels[name]))
        return
    # The action has lines; every other field is one line: a name, an address, a date as written.
    typed = {
        name: clean_text(value).strip() if name == "action" else clean_line(value)
        for name, value in sent.items()
    }
    for name, (limit, message) in _item_limits().items():
        problem = too_long(typed[name], limit, message, item=str(item))
        if problem:
            error(name, problem)
    item.action = typed["action"]
    item.responsible = typed["responsible"]
    item.followup_responsible = typed["followup_responsible"]
    for field in ("responsible_email", "followup_responsible_email"):
        value = typed[field]
        setattr(item, field, value)
        if value and f"items.{item.pk}.{field}" not in errors:
            try:
                validate_email(value)
            except ValidationError:
                error(field, _("“%(value)s” is not an e-mail address.") % {"value": value})
    for field, text_field, date_field in (
        ("completion", "completion_text", "completion_date"),
        ("followup", "followup_text", "followup_date"),
    ):
        written = typed[field]
        setattr(item, text_field, written)
        setattr(item, date_field, None)
        if not written or f"items.{item.pk}.{field}" in errors:
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
            if not value and f"items.{item.pk}.{field}" not in errors:
                error(field, message)


@transaction.atomic
def plan_save(
    *,
    plan: ActionPlan,
    version: int | None,
    items: Mapping[int, ItemInput],
    by: User,
    submit: bool,
) -> ActionPlan:
    """Saves the unit's plan as a draft, or submits it to the inspectors.

    `items` maps an item's id to its input; an item left out keeps what is saved, and a field
    not sent (None) is refused, never read as empty. A draft may be incomplete but never holds a
    date Granska cannot read; a submitted plan has every field of every item filled in. A save
    based on an older version raises `PlanConflict`; one that names no version is refused."""
    if version is None:
        raise ValidationError({"plan": not_versioned()})
    plan = ActionPlan.objects.select_for_update().select_related("review").get(pk=plan.pk)
    require(by, "actionplans.write_plan", plan.review)
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
        _read_dates(item, items.get(item.pk) or item_as_saved(item), errors, complete=submit)
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
    if submit:
        notify_inspectors(
            kind=NoticeKind.PLAN_SUBMITTED,
            review=plan.review,
            event=f"plan{plan.pk}v{plan.version}",
            link=reverse("actionplans:plan", args=[plan.review_id]),
        )
    return plan


def plan_decidable(plan: ActionPlan, by: User) -> ActionPlan:
    """The plan, locked, when `by` may decide on it and it is submitted; refused otherwise."""
    plan = ActionPlan.objects.select_for_update().select_related("review").get(pk=plan.pk)
    require(by, "actionplans.decide_plan", plan.review)
    if plan.status != PlanStatus.INLAMNAD:
        raise ValidationError(
            {
                "plan": _("Only a submitted plan is accepted or returned; this one is %(status)s.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    return plan


def plan_decision_save(plan: ActionPlan, *, status: str, comment: str, by: User) -> ActionPlan:
    """Stores a decision on a submitted plan (returned or accepted): who, when, the comment on
    the plan, and the next version, so that a form read before it is a conflict."""
    plan.status = status
    plan.return_comment = comment
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
def plan_return(
    *, plan: ActionPlan, by: User, comments: Mapping[int, str], comment: str = ""
) -> ActionPlan:
    """Returns a submitted plan to the unit with a comment on each item that needs work.

    `comments` maps an item's id to its comment; an item left out has none. Each return is a
    decision of its own, so a comment not given replaces no saved one: the last return's
    comments are the unit's to answer, and its history keeps the earlier."""
    plan = plan_decidable(plan, by)
    items = {item.pk: item for item in plan.items.all()}
    errors: dict[str, list[str]] = {}
    plan_comment = clean_text(comment).strip()
    problem = too_long(
        plan_comment,
        RETURN_COMMENT_MAX_CHARS,
        _("The comment on the plan may be at most %(limit)s characters; it is %(length)s."),
    )
    if problem:
        errors["comment"] = [problem]
    cleaned: dict[int, str] = {}
    for pk, text in comments.items():
        if pk not in items:
            continue
        cleaned[pk] = clean_text(text).strip()
        problem = too_long(
            cleaned[pk],
            RETURN_COMMENT_MAX_CHARS,
            _("The comment on %(item)s may be at most %(limit)s characters; it is %(length)s."),
            item=str(items[pk]),
        )
        if problem:
            errors[f"items.{pk}.return_comment"] = [problem]
    if errors:
        raise ValidationError(errors)
    if not any(cleaned.values()) and not plan_comment:
        raise ValidationError(
            {"comment": _("Say what the unit must change: comment on at least one action.")}
        )
    for pk, item in items.items():
        new = cleaned.get(pk, "")
        if item.return_comment != new:
            item.return_comment = new
            item.save(update_fields=["return_comment"])
    plan = plan_decision_save(plan, status=PlanStatus.ATERFORVISAD, comment=plan_comment, by=by)
    notify_unit(
        kind=NoticeKind.PLAN_RETURNED,
        review=plan.review,
        event=f"plan{plan.pk}v{plan.version}",
        link=reverse("actionplans:plan", args=[plan.review_id]),
        date=plan.due_date.isoformat(),
    )
    return plan


@transaction.atomic
def followup_report(
    *,
    item: ActionItem,
    by: User,
    text: str,
    attachment: UploadedFile[bytes] | None = None,
) -> FollowUpReport:
    """The unit reports what was done for one action of an accepted plan, optionally with a
    file, stored under a safe name (`attachment_name`)."""
    item = ActionItem.objects.select_for_update().select_related("plan__review").get(pk=item.pk)
    require(by, "actionplans.write_plan", item.plan.review)
    if item.plan.status != PlanStatus.GODKAND:
        raise ValidationError({"text": _("Actions are followed up once the plan is accepted.")})
    if item.followup == FollowUp.CONFIRMED:
        raise ValidationError({"text": _("This action is already confirmed as followed up.")})
    if item.followup == FollowUp.REPORTED:
        # Also what a form sent twice meets: one report at a time awaits the answer.
        raise ValidationError(
            {"text": _("The report of this action awaits the answer; it cannot be added to.")}
        )
    text = clean_text(text).strip()
    if not text:
        raise ValidationError({"text": _("Describe what was done.")})
    problem = too_long(
        text,
        FOLLOWUP_TEXT_MAX_CHARS,
        _("The report on %(item)s may be at most %(limit)s characters; it is %(length)s."),
        item=str(item),
    )
    if problem:
        raise ValidationError({"text": problem})
    if attachment is not None and attachment.size and attachment.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "attachment": _("The file is larger than %(mb)d MB.")
                % {"mb": MAX_ATTACHMENT_BYTES // 2**20}
            }
        )
    if attachment is not None:
        attachment_check(attachment)
    report = FollowUpReport(item=item, text=text, reported_by=by)
    if attachment is not None:
        report.attachment.save(attachment_name(attachment.name or ""), attachment, save=False)
    report.save()
    item.followup = FollowUp.REPORTED
    item.save(update_fields=["followup"])
    return report


@transaction.atomic
def unit_calendar_renew(*, by: User, unit: Unit) -> Unit:
    """A new secret for the unit's calendar feed: the old link stops working. The unit's contacts
    and the kansli renew it."""
    if not (by.has_perm("reviews.manage") or unit.members.filter(pk=by.pk).exists()):
        raise PermissionDenied(_("Your role does not allow this here."))
    unit.calendar_token = calendar_token_new()
    unit.save(update_fields=["calendar_token"])
    return unit
