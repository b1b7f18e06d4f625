from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from granska.accounts.rules import holds
from granska.catalog.models import Area
from granska.imports.selectors import imported_notice, imported_review_ids
from granska.lifecycle import ASSESSMENT_OPEN, REPORT_FINAL
from granska.notices.selectors import notices_for
from granska.reviews.selectors import REVIEW_SORT_DEFAULT, review_list, review_overview
from granska.web.forms import (
    REVIEW_COLUMNS,
    HistoryFilterForm,
    ReviewFilterForm,
)
from granska.web.paging import paged, sort_headers
from granska.web.views.common import (
    HtmxHttpRequest,
    changeable_review,
    request_user,
    visible_review,
)
from granska.web.views.kansli import assign_form_for
from granska.web.views.survey_round import self_assessment_url
from granska.workflow.history import (
    HISTORY_KINDS,
    history_filter,
    history_people,
    review_history,
)
from granska.workflow.moves import review_moves
from granska.workflow.overview import review_overview_read
from granska.workflow.waiting import my_reviews, review_waiting


@require_GET
@login_required
def review_list_view(request: HtmxHttpRequest) -> HttpResponse:
    """Every review the person may read: searched by unit, filtered, sorted by any column, in
    pages; all of it in the URL. A value the form refuses is named beside its field, and the
    list is drawn without it."""
    form = ReviewFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data  # the fields that are valid
    sort = filters.get("sort") or REVIEW_SORT_DEFAULT
    reviews = review_list(
        request_user(request),
        status=filters.get("status", ""),
        specialty_id=filters["specialty"].pk if filters.get("specialty") else None,
        region_id=filters["region"].pk if filters.get("region") else None,
        unit_search=filters.get("q", ""),
        sort=sort,
    )
    page = paged(reviews, request.GET)
    context = {
        "form": form,
        "page": page,
        "reviews": page.items,
        "headers": sort_headers(REVIEW_COLUMNS, sort, request.GET),
        "sort": sort,
        "imported_ids": imported_review_ids(list(page.items)),
    }
    template = "reviews/review_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's overview: where it stands in the lifecycle, what waits for whom, its grades
    per area and regulation, and the ways to its areas, report, plan and history. The findings
    and texts themselves are on the area pages."""
    review = visible_review(
        request, pk, "action_plan", "survey_round__questionnaire", "imported__source"
    )
    user = request_user(request)
    can_change = user.has_perm("reviews.change_review", review)
    manages = holds(user, "reviews.manage")
    inspectors_open = review.status not in REPORT_FINAL
    # The inspectors' work (findings, grades, narratives) is theirs and the kansli's; the unit
    # and observers read it in the report, when they may read that.
    overview = review_overview_read(review, timezone.localdate(), grid=can_change)
    can_edit = can_change and review.status in ASSESSMENT_OPEN
    # The assigned inspectors assess; the kansli reads each area as saved.
    can_assess = can_edit and holds(user, "reviews.assess", review)
    area_page = "reviews:assessment" if can_assess else "reviews:recorded-area"
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "imported_notice": imported_notice(review),
            "steps": overview.steps,
            "waiting": review_waiting(overview.standing, user, late_since=overview.unit_late),
            "grid": overview.grid,
            # Each area's page: the assessment while it is open, the assessment as saved after.
            "area_links": [
                (row, reverse(area_page, args=[review.pk, row.code])) for row in overview.grid.rows
            ]
            if overview.grid
            else [],
            "inspectors": overview.inspectors,
            "survey": overview.survey,
            "self_assessment_url": self_assessment_url(review),
            "can_change": can_change,
            "can_read_report": user.has_perm("reports.view_report", review),
            "can_edit": can_edit,
            "can_assess": can_assess,
            # Until the final report names them (the service refuses it after).
            "inspectors_open": inspectors_open,
            "report_is_final": review.status in REPORT_FINAL,
            "plan": overview.plan,
            "plan_late": overview.plan_late,
            "manages": manages,
            "moves": review_moves(review, user, facts=overview.facts) if can_change else [],
            # Offered while a place is free (two inspectors a review).
            "assign_form": assign_form_for(review, overview.inspectors)
            if manages and inspectors_open and len(overview.inspectors) < 2
            else None,
        },
    )


@require_GET
@login_required
def assessment_read_view(request: HttpRequest, pk: int, code: str = "") -> HttpResponse:
    """The assessment as recorded, for those who work on the review, in every state: the
    summary, or one area's findings with their notes and sources, narrative and grades. While
    the assessment is open it is written on the assessment page; this page only reads."""
    review = changeable_review(request, pk)
    overview = review_overview(review)
    area = None
    if code:
        area = next((item for item in overview.areas if item.area.code == code), None)
        if area is None:
            raise Http404
    return render(
        request,
        "reviews/recorded.html",
        {
            "review": review,
            "areas": [item.area for item in overview.areas],
            "item": area,
            "can_edit": review.status in ASSESSMENT_OPEN,
            "can_assess": review.status in ASSESSMENT_OPEN
            and holds(request_user(request), "reviews.assess", review),
        },
    )


@require_GET
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Mina granskningar: the person's reviews, with what waits for them in each, and their own
    latest notices."""
    user = request_user(request)
    items = my_reviews(user)
    return render(request, "reviews/home.html", {"items": items, "notices": notices_for(user)})


@require_GET
@login_required
def history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed which finding, grade, narrative, summary or status, when, from what to what:
    filtered by area, person and kind of change, in pages, the filters in the URL."""
    review = visible_review(request, pk)
    user = request_user(request)
    if not user.has_perm("reviews.change_review", review):
        raise PermissionDenied
    entries = review_history(review, plan_drafts=user.has_perm("actionplans.write_plan", review))
    form = HistoryFilterForm(
        request.GET,
        areas=list(Area.objects.filter(protocol_id=review.protocol_id).order_by("position")),
        people=[(person.key, person.name) for person in history_people(entries)],
        kinds=HISTORY_KINDS,
    )
    form.is_valid()
    chosen = history_filter(
        entries,
        area=form.cleaned_data.get("area", ""),
        person=form.cleaned_data.get("person", ""),
        kind=form.cleaned_data.get("kind", ""),
    )
    page = paged(chosen, request.GET)
    return render(
        request,
        "reviews/history.html",
        {
            "review": review,
            "form": form,
            "page": page,
            "entries": page.items,
            "total": len(entries),
        },
    )
