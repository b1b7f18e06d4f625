from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from granska.accounts.models import User
from granska.reviews.forms import ReviewFilterForm
from granska.reviews.selectors import review_list, review_overview, reviews_visible_to


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by login_required
    return request.user


@require_GET
@login_required
def review_list_view(request: HtmxHttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reviews = review_list(
        _user(request),
        status=filters.get("status", ""),
        specialty_id=filters["specialty"].pk if filters.get("specialty") else None,
        region_id=filters["region"].pk if filters.get("region") else None,
    )
    context = {"form": form, "reviews": reviews}
    template = "reviews/review_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        reviews_visible_to(_user(request)).select_related(
            "unit", "unit__region", "unit__care_provider", "specialty", "protocol"
        ),
        pk=pk,
    )
    overview = review_overview(review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "overview": overview,
            "inspectors": list(review.inspectors.all()),
        },
    )
