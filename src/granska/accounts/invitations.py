"""Inviting a person by e-mail: the kansli gives the name, address and role; the person gets a
link with a single-use token that expires, sets their own password and then must set up TOTP
before anything else (`User.totp_enrolment_required`, held by accounts.middleware).

The token is sent once, in the e-mail, and kept only as its SHA-256: whoever reads the database
cannot log in as an invited person. Sending again makes a new token and ends the old ones.
"""

import datetime
import hashlib
import logging
import secrets
import smtplib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from granska.accounts.models import Invitation, Role, User, full_name_checked
from granska.accounts.rules import require
from granska.text import clean_line

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = datetime.timedelta(days=7)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_new(user: User, by: User) -> str:
    """A new invitation for `user`, the earlier ones ended; returns the token, which only the
    e-mail carries."""
    now = timezone.now()
    user.invitations.filter(used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        token_hash=token_hash(token),
        invited_by=by,
        expires_at=now + INVITATION_VALID_FOR,
    )
    transaction.on_commit(lambda: invitation_mail_send(user, token))
    return token


@transaction.atomic
def invitation_send(*, by: User, email: str, full_name: str, role: str) -> User:
    """Adds the person (no password yet: nobody can log in as them) and e-mails them the link."""
    require(by, "accounts.invite")
    email = clean_line(email).lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter an e-mail address such as namn@region.se.")]
    try:
        full_name = full_name_checked(full_name)
    except ValidationError as error:
        errors["full_name"] = error.message_dict["full_name"]
    if not full_name and "full_name" not in errors:
        errors["full_name"] = [_("Enter the person's name.")]
    if role not in Role.values:
        errors["role"] = [_("Choose one of the roles offered.")]
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [
            _("There is already an account with the e-mail address %(email)s.") % {"email": email}
        ]
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(
        email=email, full_name=full_name, role=role, totp_enrolment_required=True
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _invitation_new(user, by)
    return user


@transaction.atomic
def invitation_renew(*, by: User, user: User) -> None:
    """Sends a new link to a person who has not yet accepted (the old links stop working)."""
    require(by, "accounts.invite")
    if user.has_usable_password():
        raise ValidationError({"user": _("%(name)s has already set a password.") % {"name": user}})
    _invitation_new(user, by)


def invitation_valid(token: str) -> Invitation | None:
    """The invitation the token opens: unused and not expired; None otherwise."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("user")
        .filter(
            token_hash=token_hash(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str, password_again: str) -> User:
    """Sets the invited person's password, once: the token is used up. ValidationError on
    "token" (not valid, used or expired) or "password" (Django's password rules)."""
    invitation = invitation_valid(token)
    if invitation is None:
        raise ValidationError(
            {
                "token": _(
                    "The link is not valid: it has been used or has expired. Ask the office for "
                    "a new one."
                )
            }
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise ValidationError({"token": _("The link has already been used.")})
    user = invitation.user
    if password != password_again:
        raise ValidationError({"password_again": _("The two passwords differ.")})
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.totp_enrolment_required = True
    user.save(update_fields=["password", "totp_enrolment_required"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def invitation_mail(user: User, token: str) -> EmailMessage:
    """The invitation in Swedish, with the link."""
    with translation.override("sv"):
        context = {
            "name": user.full_name,
            "role": user.get_role_display(),
            "url": settings.GRANSKA_SITE_URL + reverse("invitation_accept", args=[token]),
            "days": INVITATION_VALID_FOR.days,
        }
        subject = _("You are invited to Granska")
        body = render_to_string("account/invitation_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def invitation_mail_send(user: User, token: str) -> None:
    """Sends the invitation; a failure is logged without the address (the kansli sends again)."""
    try:
        invitation_mail(user, token).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("An invitation could not be sent (%s)", type(error).__name__)
