"""What the views share: the typed request, finding the review a person may reach, the kansli's
pages' check, and a service's refusal put on the form."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from granska.accounts.models import User
from granska.accounts.rules import holds
from granska.reviews.models import Review
from granska.reviews.selectors import reviews_visible_to


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by login_required
    return request.user


def visible_review(request: HttpRequest, pk: int, *related: str) -> Review:
    """The review, if the person may read it; 404 otherwise, so that its existence stays hidden.
    `related` names more of what hangs from it to read in the same query."""
    return get_object_or_404(
        reviews_visible_to(request_user(request)).select_related(
            "unit", "unit__region", "unit__care_provider", "specialty", "protocol", *related
        ),
        pk=pk,
    )


def changeable_review(request: HttpRequest, pk: int) -> Review:
    """The review, if the person may change it (kansli, assigned inspectors); 403 if they may
    only read it."""
    review = visible_review(request, pk)
    if not request_user(request).has_perm("reviews.change_review", review):
        raise PermissionDenied
    return review


def require_kansli(request: HttpRequest) -> None:
    """The kansli's pages: anyone else is refused (403)."""
    if not holds(request_user(request), "reviews.manage"):
        raise PermissionDenied


def form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field, or on the form as a whole
    when the form has no such field."""
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)
