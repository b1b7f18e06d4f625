"""Inviting people: the kansli's list of people and the invitation form, and the page the
invitation's link opens, where the person sets their password before setting up TOTP."""

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from granska.accounts.invitations import (
    invitation_accept,
    invitation_renew,
    invitation_send,
    invitation_valid,
)
from granska.accounts.models import Invitation, User
from granska.web.forms import InvitationAcceptForm, InvitationForm
from granska.web.views.common import request_user

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _require_inviter(request: HttpRequest) -> None:
    if not request_user(request).has_perm("accounts.invite"):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def people_view(request: HttpRequest) -> HttpResponse:
    """Everyone with an account, whether they have accepted their invitation, and inviting one."""
    _require_inviter(request)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_send(by=request_user(request), **form.cleaned_data)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(
                request,
                _("An invitation is sent to %(email)s. The link is valid for seven days.")
                % {"email": user.email},
            )
            return redirect("registers:people")
    people = User.objects.prefetch_related(
        Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at"))
    )
    return render(
        request,
        "registers/people.html",
        {"people": people, "form": form, "now": timezone.now()},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def invitation_renew_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_inviter(request)
    user = get_object_or_404(User, pk=pk)
    try:
        invitation_renew(by=request_user(request), user=user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("A new invitation is sent to %(email)s.") % {"email": user.email}
        )
    return redirect("registers:people")


# The invitation's token, once its link is opened: kept in the session, so that it leaves the
# address (and so the server's log and any Referer) before the person types anything.
SESSION_TOKEN = "granska_invitation_token"  # noqa: S105 - the session key, not a secret


@require_GET
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: a valid token goes into the session and the person on to the
    password form, at an address without it."""
    if invitation_valid(token) is None:
        return render(request, "account/invitation_invalid.html", status=404)
    request.session[SESSION_TOKEN] = token
    return redirect("invitation_password")


@require_http_methods(["GET", "POST"])
def invitation_password_view(request: HttpRequest) -> HttpResponse:
    """The invited person sets their password, is logged in, and is sent on to set up their
    authenticator (TOTP) before anything else."""
    token = request.session.get(SESSION_TOKEN, "")
    invitation = invitation_valid(token) if isinstance(token, str) else None
    if invitation is None:
        return render(request, "account/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            del request.session[SESSION_TOKEN]
            login(request, user, backend=LOGIN_BACKEND)
            # As allauth records a login by password, and as a fresh one: the person has just
            # typed it, so setting up TOTP next asks for no second password prompt.
            record_authentication(request, user, "password", email=user.email, reauthenticated=True)
            messages.success(
                request,
                _(
                    "Your password is set. Now set up two-factor authentication with an "
                    "authenticator app."
                ),
            )
            return redirect("mfa_activate_totp")
    return render(
        request,
        "account/invitation_accept.html",
        {"form": form, "invited": invitation.user},
        status=422 if form.errors else 200,
    )
