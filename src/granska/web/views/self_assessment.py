"""The unit's self-assessment and facts: the unit writes and submits them, everyone who reads the
review reads them (the inspectors before the visit).

The page is one long form, facts first and then the criteria area by area, with a table of
contents; each section has its own save button, and every button saves the whole form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from granska.accounts.rules import holds
from granska.reviews.models import Review
from granska.surveys.models import SelfAssessment
from granska.surveys.selfassessment import (
    SelfAssessmentConflict,
    SentFacts,
    SentFindings,
    comment_key,
    criteria_in_scope,
    fact_key,
    outcome_key,
    questionnaire_of,
    self_assessment_page,
    self_assessment_save,
    self_assessment_submit,
)
from granska.text import form_int
from granska.web.views.assessment import outcome_choices
from granska.web.views.common import request_user, visible_review


def field_id(key: str) -> str:
    """The id of the page's element for a service's error key: "facts.bt" is the fact's field
    "fact-bt", "findings.E4.comment" the criterion's fieldset "finding-E4"."""
    part, _sep, rest = key.partition(".")
    if part == "facts" and rest:
        return f"fact-{rest}"
    if part == "findings" and rest:
        return f"finding-{rest.split('.')[0]}"
    return {"version": "self-assessment", "status": "self-assessment"}.get(key, key)


def _readable_review(request: HttpRequest, pk: int) -> Review:
    review = visible_review(request, pk)
    if not request_user(request).has_perm("surveys.view_self_assessment", review):
        raise PermissionDenied
    return review


def _assessment(review: Review) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(review=review).first()


def _sent(
    post: QueryDict, review: Review
) -> tuple[SentFacts, SentFindings, int | None, dict[str, str]]:
    """What the form sent, read leniently (the service validates): every fact and criterion the
    page shows, None where the form did not send it; and the values as typed, by field key, to
    show again should the save fail."""
    # The fact fields of the questionnaire the self-assessment was begun with, as the service reads.
    questionnaire = questionnaire_of(review, _assessment(review))
    facts: dict[str, str | None] = {}
    for fact in questionnaire.fact_fields.all() if questionnaire is not None else []:
        facts[fact.code] = post.get(f"fact-{fact.code}")
    findings: dict[str, tuple[str | None, str | None]] = {}
    for _area, criteria in criteria_in_scope(review):
        for criterion in criteria:
            code = criterion.code
            findings[code] = (post.get(f"outcome-{code}"), post.get(f"comment-{code}"))
    typed = {fact_key(code): text for code, text in facts.items() if text is not None}
    for code, (outcome, comment) in findings.items():
        if outcome is not None:
            typed[outcome_key(code)] = outcome
        if comment is not None:
            typed[comment_key(code)] = comment
    return facts, findings, form_int(post.get("version")), typed


def _render(
    request: HttpRequest,
    review: Review,
    *,
    may_write: bool,
    edit: bool = True,
    shown: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    conflict: SelfAssessmentConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; the form when the person may write (`may_write`) and asked to (`edit`) while
    the self-assessment can change, and always after a failed save, which shows what was sent."""
    page = self_assessment_page(review, shown=shown, errors=errors, conflict=conflict)
    failed = shown is not None
    editing = (
        may_write and page.questionnaire is not None and (failed or (edit and page.problem is None))
    )
    errors = errors or {}
    return render(
        request,
        "surveys/self_assessment.html",
        {
            "review": review,
            "page": page,
            "editing": editing,
            "may_write": may_write and page.problem is None,
            # A draft is the unit's own until it is submitted: its readers see it then.
            "sees_draft": may_write,
            # The kansli writes only on the unit's behalf, from a link; it reads first.
            "on_behalf": may_write and holds(request_user(request), "reviews.manage"),
            "conflict": conflict,
            "errors": errors,
            "error_summary": [(field_id(k), m) for k, texts in errors.items() for m in texts],
            "outcome_choices": outcome_choices(),
            "unsaved": failed,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def self_assessment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment: the form for the unit's contacts while it can change, read-only for
    everyone else and afterwards; the kansli reads it and writes on the unit's behalf with
    `?edit=1`."""
    review = _readable_review(request, pk)
    user = request_user(request)
    may_write = user.has_perm("surveys.self_assess", review)
    if request.method == "GET":
        edit = not holds(user, "reviews.manage") or request.GET.get("edit") == "1"
        return _render(request, review, may_write=may_write, edit=edit)
    if not may_write:
        raise PermissionDenied
    facts, findings, version, typed = _sent(request.POST, review)
    try:
        assessment = self_assessment_save(
            by=user, review=review, facts=facts, findings=findings, version=version
        )
    except SelfAssessmentConflict as conflict:
        # Someone saved a field this person changed too: both values shown, nothing lost.
        return _render(
            request, review, may_write=True, shown=conflict.shown, conflict=conflict, status=409
        )
    except ValidationError as error:
        return _render(
            request, review, may_write=True, shown=typed, errors=error.message_dict, status=422
        )
    if version is not None and version < assessment.version - 1:
        messages.success(
            request,
            _(
                "The self-assessment is saved as a draft, together with what others saved "
                "while you were writing."
            ),
        )
    else:
        messages.success(request, _("The self-assessment is saved as a draft."))
    url = reverse("surveys:self", args=[review.pk])
    if holds(user, "reviews.manage"):
        url += "?edit=1"
    section = request.POST.get("section", "")
    if section.isascii() and section.replace("-", "").isalnum() and len(section) <= 20:
        url += f"#{section}"
    return redirect(url)


@require_POST
@login_required
def self_assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Submits the self-assessment, once, after a confirmation naming what it means."""
    review = _readable_review(request, pk)
    user = request_user(request)
    if not user.has_perm("surveys.self_assess", review):
        raise PermissionDenied
    page_url = reverse("surveys:self", args=[review.pk])
    confirmed = request.POST.get("confirm")
    if confirmed is None:
        page = self_assessment_page(review)
        if page.assessment is None or page.problem is not None:
            messages.error(
                request, page.problem or _("Save the self-assessment before you submit it.")
            )
            return redirect(page_url)
        return render(
            request,
            "confirm.html",
            {
                "review": review,
                "act": _("Submit the self-assessment"),
                "crumb": _("Self-assessment"),
                "changes": [
                    _(
                        "The self-assessment and the facts go to the inspectors as they are "
                        "saved now, and can no longer be changed."
                    ),
                    _("%(assessed)s of %(total)s criteria assessed.")
                    % {"assessed": page.assessed, "total": page.total},
                    _("%(filled)s of %(total)s facts filled in.")
                    % {"filled": page.facts_filled, "total": len(page.facts)},
                ],
                "action_url": reverse("surveys:self-submit", args=[review.pk]),
                "fields": [],
                "confirm": page.version,
                "cancel_url": page_url,
            },
        )
    try:
        self_assessment_submit(by=user, review=review, version=form_int(confirmed))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(page_url)
    messages.success(request, _("The self-assessment is submitted to the inspectors."))
    return redirect(page_url)
