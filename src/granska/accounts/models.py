from collections.abc import Collection
from typing import Any, ClassVar

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from granska.accounts.limits import FULL_NAME_MAX_CHARS
from granska.refusals import too_long
from granska.text import clean_line


class Role(models.TextChoices):
    """The roles of SPEC §1. Respondents answer surveys through a link and have no account."""

    KANSLI = "kansli", _("Office (kansli)")
    INSPEKTOR = "inspektor", _("Inspector")
    VERKSAMHET = "verksamhet", _("Reviewed unit")
    OBSERVATOR = "observator", _("Observer")


class GranskaUserManager(UserManager["User"]):
    """Users are identified by e-mail address; there is no separate user name."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        email = clean_line(email)
        if not email:
            raise ValueError("An e-mail address is required.")
        extra["full_name"] = full_name_checked(extra.get("full_name", ""))
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # the e-mail address is the username
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(  # type: ignore[override]  # the e-mail address is the username
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.KANSLI)
        return self._create(email, password, **extra)


def full_name_checked(name: str) -> str:
    """A person's name as stored: one clean line; ValidationError when it is too long."""
    name = clean_line(name)
    problem = too_long(
        name,
        FULL_NAME_MAX_CHARS,
        gettext("The name may be at most %(limit)s characters; it is %(length)s."),
    )
    if problem:
        raise ValidationError({"full_name": problem})
    return name


class User(AbstractUser):
    """A person who logs in to Granska: kansli staff, an inspector, a unit's contact or an observer.

    The role decides what the person may do; which reviews they reach is decided by their
    links to reviews and units (assignments, unit memberships).
    """

    username = None  # type: ignore[assignment]  # removes the field, as Django documents
    first_name = None  # type: ignore[assignment]  # removes the field
    last_name = None  # type: ignore[assignment]  # removes the field
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=FULL_NAME_MAX_CHARS)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Set for a person invited by e-mail: whatever their role, they set up TOTP before they
    # reach anything else, and give its code at every login after (accounts.middleware).
    # db_default: rows written by code that predates the column (an older migration's state)
    # get False too.
    totp_enrolment_required = models.BooleanField(
        _("must use two-factor authentication"), default=False, db_default=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects: ClassVar[GranskaUserManager] = GranskaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("full_name",)

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # The admin's forms come here: the name and address are checked as the one clean line
        # each is stored as.
        self.full_name = clean_line(self.full_name)
        self.email = clean_line(self.email)
        super().clean_fields(exclude)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class Invitation(models.Model):
    """An invitation by e-mail to a person the kansli added: a link with a single-use token,
    kept here only as its SHA-256, that expires. Following it, the person sets their own password
    and then their authenticator (TOTP)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return str(self.user)


class SecondFactor(Authenticator):  # type: ignore[misc]  # allauth ships no types
    """allauth's authenticator (a TOTP app, the recovery codes) as the admin names it, in Swedish:
    a proxy, so that allauth's own table and model stay as they are."""

    class Meta:
        proxy = True
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")
