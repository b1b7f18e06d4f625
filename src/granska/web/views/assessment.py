"""The inspectors' workspace: assessing an area criterion by criterion, and the summary."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from granska.accounts.rules import holds
from granska.catalog.models import Area
from granska.choices import OUTCOME_CHOICES
from granska.grading.vocabulary import Regulation
from granska.lifecycle import ASSESSMENT_OPEN
from granska.reviews.inputs import AreaInput
from granska.reviews.models import Review, Source
from granska.reviews.selectors import AreaWorkspace, area_workspace, workspace_areas
from granska.reviews.services import (
    AreaConflict,
    SummaryConflict,
    area_save,
    summary_fingerprint,
    summary_initial,
    summary_save,
)
from granska.surveys.models import Round, SelfAssessment
from granska.surveys.results import RoundResults, area_results, sentence_of
from granska.web.forms import SUMMARY_FIELDS, SummaryForm, area_input_from_post
from granska.web.views.common import changeable_review, request_user, visible_review


def _editable_review(request: HttpRequest, pk: int) -> Review:
    review = changeable_review(request, pk)
    _assessment_open(review)
    return review


def _areas(review: Review, code: str) -> tuple[Area, list[Area]]:
    """The area `code` of the review's protocol (404 if it has none such) and all its areas."""
    areas = workspace_areas(review)
    area = next((a for a in areas if a.code == code), None)
    if area is None:
        raise Http404
    return area, areas


def field_id(key: str) -> str:
    """The id of the page's element for a service's error key: "findings.E4.note" is the
    criterion's fieldset "finding-E4", "grades.HSLF-FS 2021:8" the grade's field "grade-2021"."""
    if key.startswith("findings."):
        return f"finding-{key.split('.')[1]}"
    if key.startswith("grades."):
        regulation = key.removeprefix("grades.")
        if regulation in set(Regulation):
            return f"grade-{Regulation(regulation).year}"
    return key


def error_summary(errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(element id, message) for each error, in the order the service gave them."""
    return [(field_id(key), message) for key, texts in errors.items() for message in texts]


@dataclass(frozen=True)
class Tab:
    """An area's tab on the assessment page, in words: "4 av 4", "A / B"."""

    href: str
    code: str
    title: str
    count: str
    grades: str  # the grades set per regulation, "" while none is
    current: bool


def _tabs(review: Review, workspace: AreaWorkspace) -> list[Tab]:
    return [
        Tab(
            href=reverse("reviews:assessment", args=[review.pk, tab.code]),
            code=tab.code,
            title=tab.title,
            count=_("%(assessed)s of %(total)s") % {"assessed": tab.assessed, "total": tab.total},
            grades=" / ".join(grade or "–" for grade in tab.grades) if any(tab.grades) else "",
            current=tab.code == workspace.area.code,
        )
        for tab in workspace.tabs
    ]


def outcome_choices() -> list[tuple[str, str]]:
    """The choices of a finding on the page: every outcome, then "ej bedömt" (no value); the
    labels translated once for the page, not once per criterion."""
    return [*((value, str(label)) for value, label in OUTCOME_CHOICES), ("", _("not assessed"))]


@dataclass(frozen=True)
class Beside:
    """What is shown beside the criteria of an area: the unit's self-assessment (once submitted)
    and the survey's results of the area (for the review's inspectors, as the selector allows),
    with the report's sentence of the response rates."""

    self_findings: dict[str, dict[str, str]]
    survey: RoundResults | None
    sentence: str


def _one_to_one(review: Review, name: str) -> object | None:
    try:
        found: object = getattr(review, name)
        return found
    except (Round.DoesNotExist, SelfAssessment.DoesNotExist):
        return None


def beside_of(request: HttpRequest, review: Review, area: Area) -> Beside:
    """Read with the review (joined, no query) and, when the review has a survey, a fixed four
    queries (see `area_results`)."""
    self_assessment = _one_to_one(review, "self_assessment")
    findings: dict[str, dict[str, str]] = {}
    if isinstance(self_assessment, SelfAssessment) and self_assessment.submitted_at is not None:
        findings = self_assessment.findings
    round_ = _one_to_one(review, "survey_round")
    survey = None
    if isinstance(round_, Round):
        round_.review = review
        survey = area_results(by=request_user(request), round_=round_, code=area.code)
    return Beside(findings, survey, sentence_of(survey.rates) if survey else "")


def _render(
    request: HttpRequest,
    review: Review,
    area: Area,
    areas: list[Area],
    *,
    submitted: AreaInput | None = None,
    errors: dict[str, list[str]] | None = None,
    conflict: bool = False,
    use_suggestion: str | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = area_workspace(
        review,
        area,
        areas=areas,
        submitted=submitted,
        errors=errors,
        use_suggestion=use_suggestion,
    )
    return render(
        request,
        "reviews/assessment.html",
        {
            "ws": workspace,
            "tabs": _tabs(review, workspace),
            "review": review,
            "conflict": conflict,
            "errors": errors or {},
            "error_summary": error_summary(errors or {}),
            "outcome_choices": outcome_choices(),
            "source_choices": [(value, str(label)) for value, label in Source.choices],
            # The form holds what the person has not saved: after an error, a conflict, or the
            # suggestion taken into it without script.
            "unsaved": bool(submitted),
            "beside": beside_of(request, review, area),
        },
        status=status,
    )


def _suggestion_asked(request: HttpRequest, review: Review) -> str | None:
    """The regulation whose suggestion "Använd förslaget" asked for, sent without script ("" for
    a year the review does not have: the form comes back unchanged)."""
    year = request.POST.get("use-suggestion")
    if year is None:
        return None
    return next((r for r in review.regulations if Regulation(r).year == year), "")


def _assessment_open(review: Review) -> None:
    # The services refuse the writes themselves; the pages are not offered once they would.
    if review.status not in ASSESSMENT_OPEN:
        raise PermissionDenied(
            _("The final report is issued; the assessment can no longer change.")
        )


def _assessable_review(
    request: HttpRequest, pk: int, *, kansli_reads: bool = False
) -> Review | None:
    """The review whose findings and grades the person sets: its assigned inspectors only. The
    kansli, who works on the review but sets none, is refused, or (`kansli_reads`) answered None:
    it reads the area as saved. One check of the assignments for the inspectors."""
    # The survey's round and the self-assessment, shown beside the criteria, come with it.
    review = visible_review(request, pk, "survey_round", "self_assessment")
    user = request_user(request)
    if holds(user, "reviews.assess", review):
        _assessment_open(review)
        return review
    if not user.has_perm("reviews.change_review", review):
        raise PermissionDenied
    _assessment_open(review)
    if kansli_reads:
        return None
    raise PermissionDenied(_("The findings and grades are set by the review's inspectors."))


@require_http_methods(["GET", "POST"])
@login_required
def assessment_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    review = _assessable_review(request, pk, kansli_reads=request.method == "GET")
    if review is None:
        return redirect("reviews:recorded-area", pk=pk, code=code)
    area, areas = _areas(review, code)
    if request.method == "GET":
        return _render(request, review, area, areas)
    data = area_input_from_post(request.POST, review, area)
    if (regulation := _suggestion_asked(request, review)) is not None:
        # "Använd förslaget" without script: the form comes back as sent, with that grade set
        # to the suggestion of the findings in it. Nothing is saved.
        return _render(request, review, area, areas, submitted=data, use_suggestion=regulation)
    try:
        area_save(by=request_user(request), review=review, area=area, data=data)
    except AreaConflict:
        # Someone saved meanwhile: show their version beside this person's, keep what was typed.
        return _render(request, review, area, areas, submitted=data, conflict=True, status=409)
    except ValidationError as error:
        return _render(
            request, review, area, areas, submitted=data, errors=error.message_dict, status=422
        )
    messages.success(request, _("Area %(code)s is saved.") % {"code": area.code})
    return redirect("reviews:assessment", pk=review.pk, code=area.code)


@require_POST
@login_required
def assessment_suggestion_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The suggested grades for the findings in the form as it stands, saving nothing."""
    review = _assessable_review(request, pk)
    assert review is not None  # refused, not None, to the kansli
    area, areas = _areas(review, code)
    workspace = area_workspace(
        review, area, areas=areas, submitted=area_input_from_post(request.POST, review, area)
    )
    # With each regulation's "Använd förslaget" line beside its grade, out of band (htmx).
    return render(request, "reviews/assessment.html#suggestions", {"ws": workspace, "oob": True})


@require_http_methods(["GET", "POST"])
@login_required
def summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Styrkor, svagheter and förbättringspotential of the report."""
    review = _editable_review(request, pk)
    form = SummaryForm(
        request.POST if request.method == "POST" else None, initial=summary_initial(review)
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            summary_save(by=request_user(request), review=review, **form.cleaned_data)
        except SummaryConflict:
            conflict = True
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                # The fingerprint is hidden: its error is the form's as a whole.
                form.add_error(field if field in SUMMARY_FIELDS else None, texts)
        else:
            messages.success(request, _("The summary is saved."))
            return redirect("reviews:summary", pk=review.pk)
    review.refresh_from_db()
    context = {
        "review": review,
        "form": form,
        "conflict": conflict,
        "rows": [
            (form[name], getattr(review, name))
            for name in ("strengths", "weaknesses", "improvements")
        ],
        # After a conflict the next save is a deliberate merge over the newest version.
        "fingerprint": summary_fingerprint(review),
    }
    status = 409 if conflict else 422 if form.errors else 200
    return render(request, "reviews/summary.html", context, status=status)
