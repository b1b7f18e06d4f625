"""The handlingsplan's pages: the unit writes and submits it and reports the follow-up; the
inspectors accept or return it and confirm the follow-up; the kansli follows every plan; the
unit's calendar feed."""

import csv
import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from granska.accounts.models import User
from granska.actionplans.attachments import ACCEPTED_EXTENSIONS
from granska.actionplans.calendar import calendar_render
from granska.actionplans.causes import item_causes
from granska.actionplans.lateness import item_late_since, plan_late_since
from granska.actionplans.models import (
    ActionItem,
    ActionPlan,
    Decision,
    FollowUp,
    FollowUpReport,
    PlanStatus,
)
from granska.actionplans.selectors import followup_overview, plan_items
from granska.actionplans.services import (
    ITEM_FIELDS,
    ItemInput,
    PlanConflict,
    followup_report,
    plan_return,
    plan_save,
    unit_calendar_renew,
)
from granska.reviews.models import Review, Unit
from granska.reviews.selectors import review_next_due
from granska.text import clean_line, form_int
from granska.web.views.common import request_user, require_kansli, visible_review
from granska.workflow.moves import review_now_text
from granska.workflow.plans import followup_decide, plan_accept, plan_accept_changes

logger = logging.getLogger(__name__)


def _plan(request: HttpRequest, pk: int) -> tuple[Review, ActionPlan]:
    """The review and its plan, for those who may read the review; 404 when it has no plan."""
    review = visible_review(request, pk)
    plan = ActionPlan.objects.filter(review=review).first()
    if plan is None:
        raise Http404
    return review, plan


def _submitted_items(request: HttpRequest, plan: ActionPlan) -> dict[int, ItemInput]:
    """Every item of the plan as the form sent it; a field it did not send is None."""
    ids = plan.items.values_list("pk", flat=True)
    return {
        pk: ItemInput(**{name: request.POST.get(f"item-{pk}-{name}") for name in ITEM_FIELDS})
        for pk in ids
    }


def _render(
    request: HttpRequest,
    review: Review,
    plan: ActionPlan,
    *,
    submitted: dict[int, ItemInput] | None = None,
    errors: dict[str, list[str]] | None = None,
    conflict: bool = False,
    status: int = 200,
    failed: str = "",
    form_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The plan page. `submitted` and `errors` are the plan form's as sent; `failed` names
    another of the page's forms that was refused ("decide", "report-<item>", "confirm-<report>"),
    shown again with what was typed in it and `form_errors` beside its fields."""
    user = request_user(request)
    items = plan_items(plan)
    errors = errors or {}
    form_errors = form_errors or {}
    typed = request.POST if failed else None

    def typed_in(form: str, name: str) -> str:
        return (typed.get(name) or "") if typed is not None and failed == form else ""

    def errors_in(form: str, *names: str) -> list[str]:
        if failed != form:
            return []
        return [text for name in names for text in form_errors.get(name, [])]

    today = timezone.localdate()
    causes = item_causes(review, items)
    rows = []
    for item in items:
        typed_item = submitted.get(item.pk) if submitted else None
        values = {
            "action": item.action,
            "completion": item.completion_text,
            "responsible": item.responsible,
            "responsible_email": item.responsible_email,
            "followup": item.followup_text,
            "followup_responsible": item.followup_responsible,
            "followup_responsible_email": item.followup_responsible_email,
        }
        shown = values
        if typed_item:
            # What the person typed; where the form sent nothing, what is saved.
            shown = {
                name: value if (value := getattr(typed_item, name)) is not None else values[name]
                for name in ITEM_FIELDS
            }
        reports = list(item.reports.all())
        awaiting = reports[-1] if reports and not reports[-1].decision else None
        report_form = f"report-{item.pk}"
        confirm_form = f"confirm-{awaiting.pk}" if awaiting else ""
        rows.append(
            {
                "item": item,
                "values": shown,
                "saved": values,
                "errors": {name: errors.get(f"items.{item.pk}.{name}", []) for name in ITEM_FIELDS},
                "reports": reports,
                "awaiting": awaiting,
                "return_typed": typed_in("decide", f"comment-{item.pk}"),
                "return_errors": errors_in("decide", f"items.{item.pk}.return_comment"),
                "report_typed": typed_in(report_form, "text"),
                "report_errors": errors_in(report_form, "text", "attachment"),
                "answer_typed": typed_in(confirm_form, "comment") if awaiting else "",
                "answer_errors": errors_in(confirm_form, "comment", "decision") if awaiting else [],
                "cause": causes[item.pk],
                "late_since": item_late_since(item, plan, today),
            }
        )
    may_write = user.has_perm("actionplans.write_plan", review)
    may_decide = user.has_perm("actionplans.decide_plan", review)
    context = {
        "review": review,
        "plan": plan,
        "rows": rows,
        "errors": errors,
        "conflict": conflict,
        "failed": failed,
        "decide_typed": typed_in("decide", "comment"),
        "decide_errors": errors_in("decide", "comment", "plan", "decision", "status"),
        "may_write": may_write and plan.writable,
        # A plan never submitted is the unit's own draft: others see that it is under way.
        "show_items": may_write or plan.submitted_at is not None,
        "may_decide": may_decide and plan.status == PlanStatus.INLAMNAD,
        "may_report": may_write and plan.status == PlanStatus.GODKAND,
        "may_confirm": may_decide and plan.status == PlanStatus.GODKAND,
        "calendar": may_write or user.has_perm("reviews.manage"),
        "calendar_url": settings.GRANSKA_SITE_URL
        + reverse("actionplans:calendar", args=[review.unit.calendar_token]),
        "next_review": review_next_due(review),
        "plan_late": plan_late_since(plan, today),
        "FollowUp": FollowUp,
        "Decision": Decision,
        "attachment_accept": ",".join(ACCEPTED_EXTENSIONS),
    }
    return render(request, "actionplans/plan.html", context, status=status)


def _refused(
    request: HttpRequest,
    review: Review,
    plan: ActionPlan,
    error: ValidationError,
    *,
    form: str,
    still_open: bool,
    item: ActionItem | None = None,
) -> HttpResponse:
    """A refused decision, report or answer: while its form is still on the page, the page
    again with what was typed and the errors beside the fields (422); otherwise (the plan or
    report moved on meanwhile) the plan page with the reasons as messages."""
    if still_open:
        return _render(
            request, review, plan, failed=form, form_errors=error.message_dict, status=422
        )
    for text in error.messages:
        if item is not None:
            text = _("Action %(item)s: %(text)s") % {"item": item, "text": text}
        messages.error(request, text)
    return redirect("actionplans:plan", pk=review.pk)


@require_http_methods(["GET", "POST"])
@login_required
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: read by everyone who reads the review; written and submitted by the unit."""
    review, plan = _plan(request, pk)
    if request.method == "GET":
        return _render(request, review, plan)
    if not request_user(request).has_perm("actionplans.write_plan", review):
        raise PermissionDenied
    submitted = _submitted_items(request, plan)
    submit = request.POST.get("intent") == "submit"
    try:
        plan_save(
            plan=plan,
            version=form_int(request.POST.get("version")),
            items=submitted,
            by=request_user(request),
            submit=submit,
        )
    except PlanConflict as conflict:
        return _render(
            request, review, conflict.current, submitted=submitted, conflict=True, status=409
        )
    except ValidationError as error:
        return _render(
            request, review, plan, submitted=submitted, errors=error.message_dict, status=422
        )
    if submit:
        messages.success(request, _("The action plan is submitted to the inspectors."))
    else:
        messages.success(request, _("The action plan is saved as a draft."))
    return redirect("actionplans:plan", pk=review.pk)


def _accept_confirmation(
    request: HttpRequest, review: Review, plan: ActionPlan, user: User
) -> HttpResponse:
    """The confirmation of accepting the plan: the grades it adjusts, the report issued again;
    posted back with `confirm` naming the plan's version (refused as accepting it would be)."""
    changes = plan_accept_changes(plan=plan, by=user)
    return render(
        request,
        "confirm.html",
        {
            "review": review,
            "act": _("Accept the action plan"),
            "crumb": _("Action plan"),
            "changes": changes,
            "action_url": reverse("actionplans:decide", args=[review.pk]),
            "fields": [("decision", "accept")],
            "confirm": plan.version,
            "cancel_url": reverse("actionplans:plan", args=[review.pk]),
        },
    )


@require_POST
@login_required
def plan_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspectors (or the kansli) accept the submitted plan or return it with comments."""
    review, plan = _plan(request, pk)
    user = request_user(request)
    if not user.has_perm("actionplans.decide_plan", review):
        raise PermissionDenied
    decision = request.POST.get("decision")
    confirmed = request.POST.get("confirm")
    try:
        if decision == "accept" and confirmed != str(plan.version):
            if confirmed is not None:
                # Confirmed for a version of the plan that has changed since.
                messages.error(
                    request, _("The action plan changed while you confirmed; nothing was decided.")
                )
                return redirect("actionplans:plan", pk=review.pk)
            return _accept_confirmation(request, review, plan, user)
        if decision == "accept":
            plan_accept(plan=plan, by=user)
            review.refresh_from_db()
            messages.success(
                request,
                _(
                    "The action plan is accepted; the grades are adjusted and the final report "
                    "is issued again."
                )
                + " "
                + review_now_text(review),
            )
        elif decision == "return":
            comments = {
                item.pk: request.POST.get(f"comment-{item.pk}", "") for item in plan.items.all()
            }
            plan_return(
                plan=plan, by=user, comments=comments, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("The action plan is returned to the unit."))
        else:
            raise ValidationError({"decision": _("Accept the plan or return it to the unit.")})
    except ValidationError as error:
        plan.refresh_from_db()
        return _refused(
            request,
            review,
            plan,
            error,
            form="decide",
            still_open=plan.status == PlanStatus.INLAMNAD,
        )
    return redirect("actionplans:plan", pk=review.pk)


@require_POST
@login_required
def followup_report_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The unit reports what was done for one action, optionally with a file."""
    review, plan = _plan(request, pk)
    if not request_user(request).has_perm("actionplans.write_plan", review):
        raise PermissionDenied
    item = get_object_or_404(plan.items, pk=item_pk)
    try:
        followup_report(
            item=item,
            by=request_user(request),
            text=request.POST.get("text", ""),
            attachment=request.FILES.get("attachment"),
        )
    except ValidationError as error:
        item.refresh_from_db()
        still_open = plan.status == PlanStatus.GODKAND and item.followup in (
            FollowUp.OPEN,
            FollowUp.MORE,
        )
        return _refused(
            request,
            review,
            plan,
            error,
            form=f"report-{item.pk}",
            still_open=still_open,
            item=item,
        )
    messages.success(request, _("The follow-up of %(item)s is reported.") % {"item": item})
    return redirect("actionplans:plan", pk=review.pk)


@require_POST
@login_required
def followup_decide_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """The kansli or an inspector confirms a follow-up report or asks for more."""
    review, plan = _plan(request, pk)
    user = request_user(request)
    if not user.has_perm("actionplans.decide_plan", review):
        raise PermissionDenied
    report = get_object_or_404(FollowUpReport, pk=report_pk, item__plan=plan)
    try:
        followup_decide(
            report=report,
            by=user,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        report.refresh_from_db()
        latest = report.item.reports.order_by("-reported_at", "-pk").first()
        return _refused(
            request,
            review,
            plan,
            error,
            form=f"confirm-{report.pk}",
            still_open=not report.decision and latest == report,
        )
    messages.success(request, _("The answer on %(item)s is saved.") % {"item": report.item})
    return redirect("actionplans:plan", pk=review.pk)


@require_GET
@never_cache
@login_required
def attachment_view(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    """A follow-up report's file, for those who may read the plan; never kept by a browser or a
    proxy, since it may hold personal data."""
    _review, plan = _plan(request, pk)
    report = get_object_or_404(FollowUpReport, pk=report_pk, item__plan=plan)
    if not report.attachment:
        raise Http404
    name = (report.attachment.name or "").rsplit("/", 1)[-1]
    try:
        stored = report.attachment.open("rb")
    except FileNotFoundError:
        logger.error("The attachment of follow-up report %s is missing", report.pk)
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=name)


@require_POST
@login_required
def calendar_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit (or the kansli) renews the calendar link: the old one stops working."""
    review = visible_review(request, pk)
    user = request_user(request)
    if not (user.has_perm("actionplans.write_plan", review) or user.has_perm("reviews.manage")):
        raise PermissionDenied
    unit_calendar_renew(by=request_user(request), unit=review.unit)
    messages.success(request, _("The calendar link is renewed; the old one no longer works."))
    return redirect("actionplans:plan", pk=review.pk)


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The unit's dates as an iCalendar feed, at a URL whose secret is the only key."""
    unit = get_object_or_404(Unit, calendar_token=token)
    feed = calendar_render(unit)
    response = HttpResponse(feed, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="granska.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    # The feed is the same until an event changes: a calendar that asks again with its ETag
    # is told so (304) without the feed.
    etag = f'"{hashlib.sha256(feed).hexdigest()[:32]}"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


@require_GET
@login_required
def overview_view(request: HttpRequest) -> HttpResponse:
    """The kansli's follow-up: plans awaited, submitted, returned, accepted; dates due soon and
    overdue; reports awaiting confirmation; units due for a new review."""
    require_kansli(request)
    return render(
        request,
        "actionplans/overview.html",
        {"overview": followup_overview(timezone.localdate())},
    )


@require_GET
@login_required
def overview_csv_view(request: HttpRequest) -> HttpResponse:
    """The same overview as CSV, a row per plan, date and unit due, for a spreadsheet."""
    require_kansli(request)
    overview = followup_overview(timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="uppfoljning-{overview.today.isoformat()}.csv"'
    )
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = _SpreadsheetWriter(response)
    writer.writerow(
        [_("Kind"), _("Unit"), _("Review"), _("Action"), _("Date"), _("Written as"), _("State")]
    )
    plan_lists = (
        (_("Plan awaited"), overview.awaited),
        (_("Plan submitted"), overview.submitted),
        (_("Plan returned"), overview.returned),
        (_("Plan accepted"), overview.accepted),
    )
    for label, plans in plan_lists:
        for plan in plans:
            writer.writerow(
                [
                    label,
                    plan.review.unit.name,
                    plan.review_id,
                    "",
                    plan.due_date.isoformat(),
                    "",
                    plan.get_status_display(),
                ]
            )
    for label, dues in ((_("Due soon"), overview.due_soon), (_("Overdue"), overview.overdue)):
        for due in dues:
            writer.writerow(
                [
                    label,
                    due.review.unit.name,
                    due.review.pk,
                    str(due.item or ""),
                    due.day.isoformat(),
                    due.written,
                    _due_kind(due.kind),
                ]
            )
    for review, day in overview.new_review_due:
        writer.writerow(
            [
                _("New review due"),
                review.unit.name,
                review.pk,
                "",
                day.isoformat(),
                "",
                review.get_status_display(),
            ]
        )
    return response


# What makes a spreadsheet read a cell as a formula (OWASP's CSV injection), as its first character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell as a spreadsheet shows it and never runs it: text as one line without invisible
    characters, and a leading quote before text that a spreadsheet would take for a formula
    (OWASP). Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    cleaned = clean_line(value)
    if value.startswith(FORMULA_START) or cleaned.startswith(FORMULA_START):
        return "'" + cleaned
    return cleaned


class _SpreadsheetWriter:
    """A csv writer (";" between cells, as a Swedish spreadsheet reads them) whose every cell
    goes through `csv_cell`."""

    def __init__(self, response: HttpResponse) -> None:
        self.writer = csv.writer(response, delimiter=";")

    def writerow(self, row: list[object]) -> None:
        self.writer.writerow([csv_cell(value) for value in row])


def _due_kind(kind: str) -> str:
    return {
        "plan": _("Action plan to submit"),
        "action": _("Action to be done"),
        "followup": _("Follow-up"),
    }[kind]
