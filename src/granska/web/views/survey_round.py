"""The review's survey round: its page (state, response rates, the addresses invited while it is
open), opening it, changing its dates, closing it (confirmed first: closing deletes the
addresses) and inviting respondents (one address, a pasted list or an uploaded file).

The rules are the services' (`granska.surveys.services`): who may, in which state, what a list
may hold. The views read the forms, call them and show their refusals beside the fields."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from granska.lifecycle import Status
from granska.reviews.models import Review
from granska.surveys.counts import invited_addresses, round_summary
from granska.surveys.models import GroupChoice, Round
from granska.surveys.respondents import MAX_FILE_BYTES, respondents_file_text
from granska.surveys.services import (
    MAX_REMINDER_DAYS,
    MAX_REMINDERS,
    RespondentsRefused,
    invitations_add,
    questionnaire_for,
    round_change,
    round_close,
    round_open,
)
from granska.surveys.vocabulary import Group
from granska.text import form_int
from granska.web.views.common import form_errors, request_user, visible_review

GROUP_CHOICES = [("", gettext_lazy("Choose a group")), *GroupChoice.choices]


class RoundForm(forms.Form):
    """The closing day and the reminders of a round, to open it or to change them."""

    closes_on = forms.DateField(
        label=gettext_lazy("Closing day"),
        help_text=gettext_lazy("The last day answers are taken, as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Enter the closing day as YYYY-MM-DD.")},
    )
    reminder_days = forms.IntegerField(
        label=gettext_lazy("Days between reminders"),
        min_value=1,
        max_value=MAX_REMINDER_DAYS,
        error_messages={"required": gettext_lazy("Enter the number of days between reminders.")},
    )
    reminder_max = forms.IntegerField(
        label=gettext_lazy("Reminders at most"),
        help_text=gettext_lazy("Only those who have not answered are reminded."),
        min_value=0,
        max_value=MAX_REMINDERS,
        error_messages={"required": gettext_lazy("Enter how many reminders at most.")},
    )


class InviteForm(forms.Form):
    """One address and its group, or a list (pasted or a file) with a group for the lines that
    name none."""

    email = forms.CharField(
        label=gettext_lazy("E-mail address"), required=False, max_length=400, strip=True
    )
    group = forms.ChoiceField(label=gettext_lazy("Group"), choices=GROUP_CHOICES, required=False)
    respondents = forms.CharField(
        label=gettext_lazy("List of addresses"),
        help_text=gettext_lazy(
            "One address a line, optionally followed by a semicolon and the group: "
            "anna.berg@region.se; handledare"
        ),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload the list as a file"),
        help_text=gettext_lazy("A .txt or .csv file, one address a line, at most 256 kB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,text/plain,text/csv"}),
    )
    default_group = forms.ChoiceField(
        label=gettext_lazy("Group for the lines that name none"),
        choices=GROUP_CHOICES,
        required=False,
    )


def _int(value: str | None) -> int | None:
    return form_int(value)


def self_assessment_url(review: Review) -> str:
    """The unit's self-assessment and facts, beside the survey."""
    return reverse("surveys:self", args=[review.pk])


def _round_of(review: Review) -> Round | None:
    return Round.objects.filter(review=review).first()


def _errors_of(form: forms.Form) -> list[tuple[str, str, str]]:
    """The error summary's lines: (the field's id, its label, the message)."""
    return [
        (form[field].id_for_label if field in form.fields else "", label, str(text))
        for field, texts in form.errors.items()
        for label in [str(form.fields[field].label) if field in form.fields else ""]
        for text in texts
    ]


def _page(
    request: HttpRequest,
    review: Review,
    *,
    open_form: RoundForm | None = None,
    change_form: RoundForm | None = None,
    invite_form: InviteForm | None = None,
    refused_lines: list[tuple[int, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The round page, with whichever form failed shown again with its errors."""
    user = request_user(request)
    if not user.has_perm("surveys.view_counts", review):
        raise PermissionDenied
    summary = round_summary(review)
    round_ = summary.round
    may_open = user.has_perm("surveys.open_round", review)
    may_invite = user.has_perm("surveys.invite", review)
    is_open = round_ is not None and not round_.is_closed
    takes_answers = is_open and round_ is not None and round_.closes_on >= timezone.localdate()
    why_not_open = ""
    if round_ is None and may_open:
        if review.status != Status.FORBEREDELSE:
            why_not_open = _("A survey is opened while the review is in preparation.")
        elif questionnaire_for(review) is None:
            why_not_open = _("No questionnaire is loaded for the review's protocol version.")
    defaults = {
        "closes_on": timezone.localdate() + datetime.timedelta(days=21),
        "reminder_days": settings.GRANSKA_SURVEY_REMINDER_DAYS,
        "reminder_max": settings.GRANSKA_SURVEY_REMINDER_MAX,
    }
    if open_form is None and round_ is None and may_open and not why_not_open:
        open_form = RoundForm(initial=defaults, prefix="open")
    if change_form is None and is_open and may_open and round_ is not None:
        change_form = RoundForm(
            initial={
                "closes_on": round_.closes_on,
                "reminder_days": round_.reminder_days,
                "reminder_max": round_.reminder_max,
            },
            prefix="change",
        )
    if invite_form is None and takes_answers and may_invite:
        invite_form = InviteForm()
    errors: list[tuple[str, str, str]] = []
    for form in (open_form, change_form, invite_form):
        if form is not None and form.is_bound:
            errors += _errors_of(form)
    # Addresses are for those who invite or run the round; observers read the counts only.
    show_addresses = is_open and (may_invite or may_open)
    return render(
        request,
        "surveys/round.html",
        {
            "review": review,
            "summary": summary,
            "round": round_,
            "addresses": invited_addresses(round_) if round_ and show_addresses else [],
            "show_addresses": show_addresses,
            "may_open": may_open,
            "may_invite": may_invite,
            "takes_answers": takes_answers,
            "why_not_open": why_not_open,
            "open_form": open_form,
            "change_form": change_form,
            "invite_form": invite_form if takes_answers and may_invite else None,
            "refused_lines": refused_lines or [],
            "errors": errors,
            "self_assessment_url": self_assessment_url(review),
            # The results (for the kansli and the inspectors): only counts until it has closed.
            "results_url": reverse("surveys:results", args=[review.pk])
            if round_ is not None and user.has_perm("surveys.view_results", review)
            else None,
            "max_file_kb": MAX_FILE_BYTES // 1024,
        },
        status=status,
    )


@require_GET
@login_required
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's survey: its state, the response rate per group, and while it is open the
    addresses invited (never who has answered) and the forms to invite and to change it."""
    return _page(request, visible_review(request, pk))


@require_POST
@login_required
def round_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = visible_review(request, pk)
    form = RoundForm(request.POST, prefix="open")
    if form.is_valid():
        try:
            round_open(
                by=request_user(request),
                review=review,
                closes_on=form.cleaned_data["closes_on"],
                reminder_days=form.cleaned_data["reminder_days"],
                reminder_max=form.cleaned_data["reminder_max"],
            )
        except ValidationError as error:
            if "status" in error.message_dict:
                for message in error.message_dict["status"]:
                    messages.error(request, message)
                return redirect("surveys:round", pk=review.pk)
            form_errors(form, error)
        else:
            messages.success(
                request, _("The survey is open. Invite the respondents, or let the unit do it.")
            )
            return redirect("surveys:round", pk=review.pk)
    elif not request_user(request).has_perm("surveys.open_round", review):
        raise PermissionDenied
    return _page(request, review, open_form=form, status=422)


@require_POST
@login_required
def round_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = visible_review(request, pk)
    round_ = _round_of(review)
    if not request_user(request).has_perm("surveys.open_round", review):
        raise PermissionDenied
    if round_ is None:
        messages.error(request, _("The review has no survey yet."))
        return redirect("surveys:round", pk=review.pk)
    form = RoundForm(request.POST, prefix="change")
    if form.is_valid():
        try:
            round_change(
                by=request_user(request),
                round_=round_,
                version=_int(request.POST.get("version")),
                closes_on=form.cleaned_data["closes_on"],
                reminder_days=form.cleaned_data["reminder_days"],
                reminder_max=form.cleaned_data["reminder_max"],
            )
        except ValidationError as error:
            refusal = error.message_dict
            if "status" in refusal or "version" in refusal:
                for message in refusal.get("status", []) + refusal.get("version", []):
                    messages.error(request, message)
                return redirect("surveys:round", pk=review.pk)
            form_errors(form, error)
        else:
            messages.success(request, _("The survey's closing day and reminders are changed."))
            return redirect("surveys:round", pk=review.pk)
    return _page(request, review, change_form=form, status=422)


@require_POST
@login_required
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Closes the round now, confirmed first: the POST without `confirm` shows what will change,
    and only the POST from that page, naming the round's version it was confirmed for, closes."""
    review = visible_review(request, pk)
    user = request_user(request)
    if not user.has_perm("surveys.open_round", review):
        raise PermissionDenied
    round_ = _round_of(review)
    if round_ is None or round_.is_closed:
        messages.error(request, _("The survey is not open."))
        return redirect("surveys:round", pk=review.pk)
    confirmed = request.POST.get("confirm")
    if confirmed is None:
        summary = round_summary(review)
        return render(
            request,
            "confirm.html",
            {
                "review": review,
                "act": _("Close the survey now"),
                "crumb": _("Survey"),
                "changes": [
                    _("No more answers are taken: every personal link stops working."),
                    _(
                        "The %(count)d addresses invited are deleted, with their links; "
                        "nobody can be reminded or invited again."
                    )
                    % {"count": summary.invited},
                    _("The number invited and the number answered per group are kept."),
                ],
                "action_url": reverse("surveys:round-close", args=[review.pk]),
                "fields": [],
                "confirm": str(round_.version),
                "cancel_url": reverse("surveys:round", args=[review.pk]),
            },
        )
    if _int(confirmed) != round_.version:
        messages.error(
            request, _("The survey was changed while you confirmed; nothing was closed.")
        )
        return redirect("surveys:round", pk=review.pk)
    round_close(by=user, round_=round_)
    messages.success(
        request, _("The survey is closed. The addresses are deleted; the counts are kept.")
    )
    return redirect("surveys:round", pk=review.pk)


def _list_text(
    form: InviteForm, upload: UploadedFile[bytes] | None
) -> tuple[str, Group | None, bool]:
    """What the form asks to invite: the text of its lines, the group for the lines without
    one, and whether it is the single address (whose group is the one chosen beside it)."""
    data = form.cleaned_data
    if data["email"]:
        group = data["group"] or None
        return data["email"], Group(group) if group else None, True
    default = data["default_group"] or None
    if upload is not None:
        return respondents_file_text(upload.read()), Group(default) if default else None, False
    # As typed: a tab separates an address from its group, which cleaning would make a space.
    return data["respondents"], Group(default) if default else None, False


@require_POST
@login_required
def invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Invites one address or a list, all of it or none: each line's problem is named and the
    text kept in the form to put right."""
    review = visible_review(request, pk)
    user = request_user(request)
    if not user.has_perm("surveys.invite", review):
        raise PermissionDenied
    round_ = _round_of(review)
    if round_ is None:
        messages.error(request, _("The review has no survey yet."))
        return redirect("surveys:round", pk=review.pk)
    form = InviteForm(request.POST, request.FILES)
    lines: list[tuple[int, str]] = []
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            text, group, single = _list_text(form, upload)
            if single and group is None:
                raise ValidationError({"group": _("Choose the group of the address.")})
            added = invitations_add(by=user, round_=round_, text=text, default_group=group)
        except RespondentsRefused as refused:
            lines = refused.lines
            if single:
                form.add_error("email", [problem for _n, problem in lines])
                lines = []
            else:
                # The text, from a file too, stays in the form to put right.
                form = InviteForm({**request.POST.dict(), "respondents": text}, prefix=form.prefix)
                form.is_valid()
                form.add_error(
                    "respondents",
                    _("Nothing was added: put right the lines named below and try again."),
                )
        except ValidationError as error:
            refusal: dict[str, Any] = error.message_dict
            if "status" in refusal:
                for message in refusal["status"]:
                    messages.error(request, message)
                return redirect("surveys:round", pk=review.pk)
            if "respondents" in refusal and form.cleaned_data.get("email"):
                refusal = {"email": refusal["respondents"]}
            form_errors(form, ValidationError(refusal))
        else:
            count = len(added)
            messages.success(
                request,
                _(
                    "%(count)d invited. Each gets a personal link by e-mail; the unit never "
                    "sees who has answered."
                )
                % {"count": count},
            )
            return redirect("surveys:round", pk=review.pk)
    return _page(request, review, invite_form=form, refused_lines=lines, status=422)
