"""The kansli's pages: units, booking, inspectors, and moving a review through its lifecycle."""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from granska.accounts.models import User
from granska.catalog.selectors import protocol_latest
from granska.lifecycle import Status
from granska.reviews.models import Review, Unit
from granska.reviews.registers import unit_register
from granska.reviews.services import (
    inspector_unassign,
    inspectors_with_ties,
    review_booking_change,
    review_create,
)
from granska.web.forms import AssignForm, BookingChangeForm, BookingForm, UnitForm
from granska.web.views.common import changeable_review, form_errors, request_user, require_kansli
from granska.workflow.assignments import inspector_assign
from granska.workflow.moves import (
    move_asks_confirmation,
    move_changes,
    move_check,
    move_label,
    review_move,
    review_now_text,
)


def assign_form_for(review: Review, assigned: Iterable[User]) -> AssignForm:
    """The assign form of `review`: the inspectors tied to its unit, and those already
    `assigned`, shown unavailable with the reason (two queries)."""
    return AssignForm(
        ties=inspectors_with_ties(review.unit), assigned={person.pk for person in assigned}
    )


@require_http_methods(["GET", "POST"])
@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    require_kansli(request)
    form = UnitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_register(by=request_user(request), **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(unit)s is registered.") % {"unit": unit.name})
            return redirect("reviews:units")
    units = Unit.objects.select_related("care_provider", "region", "specialty").prefetch_related(
        "members"
    )
    status = 422 if form.errors else 200
    return render(request, "reviews/units.html", {"form": form, "units": units}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def booking_view(request: HttpRequest) -> HttpResponse:
    require_kansli(request)
    form = BookingForm(
        request.POST if request.method == "POST" else None, initial={"protocol": protocol_latest()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = review_create(
                by=request_user(request),
                unit=data["unit"],
                protocol=data["protocol"],
                regulations=tuple(data["regulations"]),
                visit_date=data["visit_date"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("The review of %(unit)s is booked.") % {"unit": review.unit}
            )
            return redirect("reviews:detail", pk=review.pk)
    status = 422 if form.errors else 200
    return render(request, "reviews/booking.html", {"form": form}, status=status)


@require_POST
@login_required
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_kansli(request)
    review = changeable_review(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            inspector_assign(
                by=request_user(request), review=review, inspector=form.cleaned_data["inspector"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s is assigned.") % {"name": form.cleaned_data["inspector"]},
            )
    else:
        messages.error(request, _("Choose an inspector."))
    return redirect("reviews:detail", pk=review.pk)


@require_POST
@login_required
def unassign_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    require_kansli(request)
    review = changeable_review(request, pk)
    inspector = get_object_or_404(User, pk=user_pk)
    try:
        inspector_unassign(by=request_user(request), review=review, inspector=inspector)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is no longer assigned.") % {"name": inspector})
    return redirect("reviews:detail", pk=review.pk)


@require_POST
@login_required
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves the review to the status posted as `to`, if the person may and the rules allow.

    An official or undoing move (the final report, a step back, the visit before its date) is
    made only with `confirm` from its confirmation page, naming the status it was confirmed from;
    without it the confirmation page is shown instead, and one confirmed from a status the review
    has left since is refused."""
    review = changeable_review(request, pk)
    target = request.POST.get("to", "")
    if target not in set(Status):
        messages.error(request, _("Choose a status to move to."))
        return redirect("reviews:detail", pk=review.pk)
    user = request_user(request)
    confirmed = request.POST.get("confirm")
    if confirmed is not None and confirmed != review.status:
        # Confirmed from a status the review has since left: what was confirmed is not this.
        messages.error(
            request,
            _("The review moved on while you confirmed; nothing was changed.")
            + " "
            + review_now_text(review),
        )
        return redirect("reviews:detail", pk=review.pk)
    # Who may make which move is the lifecycle's: the workflow refuses the others (403).
    try:
        if move_asks_confirmation(review, target) and confirmed is None:
            move_check(review=review, target=target, by=user)
            return render(
                request,
                "confirm.html",
                {
                    "review": review,
                    "act": move_label(review.status, target),
                    "changes": move_changes(review, target),
                    "action_url": reverse("reviews:move", args=[review.pk]),
                    "fields": [("to", target)],
                    "confirm": review.status,
                    "cancel_url": reverse("reviews:detail", args=[review.pk]),
                },
            )
        moved = review_move(review=review, target=target, by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        text = review_now_text(moved)
        if target == Status.SLUTRAPPORT:
            text = _("The final report is issued.") + " " + text
        messages.success(request, text)
    return redirect("reviews:detail", pk=review.pk)


@require_http_methods(["GET", "POST"])
@login_required
def booking_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The kansli changes the visit date or the publication of the final report, on a page of
    its own: a refused change is shown again with each error beside its field and named in the
    summary above the form."""
    require_kansli(request)
    review = changeable_review(request, pk)
    if request.method == "GET":
        form = BookingChangeForm(
            initial={"visit_date": review.visit_date, "publish_report": review.publish_report}
        )
        return render(request, "reviews/booking_change.html", {"review": review, "form": form})
    form = BookingChangeForm(request.POST)
    if form.is_valid():
        try:
            review_booking_change(by=request_user(request), review=review, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The booking is changed."))
            return redirect("reviews:detail", pk=review.pk)
    errors = [
        (form[field].id_for_label if field in form.fields else "", label, text)
        for field, texts in form.errors.items()
        for label in [form.fields[field].label if field in form.fields else ""]
        for text in texts
    ]
    return render(
        request,
        "reviews/booking_change.html",
        {"review": review, "form": form, "errors": errors},
        status=422,
    )
