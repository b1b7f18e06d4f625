from collections.abc import Callable
from typing import Any, ClassVar

from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from granska.accounts.models import Invitation, SecondFactor, User


def _to_the_index(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return HttpResponseRedirect(reverse("admin:index"))


# The admin's own login form is never shown: it would log in with the password alone, past the
# second factor and the login throttle, and would let someone logged in log in as another
# person. Someone not logged in is sent to allauth's login (password, then the code) and back;
# staff already logged in go to the admin's index; anyone else is refused (403).
admin_login: Callable[..., HttpResponse] = secure_admin_login(_to_the_index)
admin.site.login = admin_login  # type: ignore[method-assign]  # replaces the admin's own login


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("full_name", "email")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "totp_enrolment_required")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "password1", "password2"),
            },
        ),
    )
    filter_horizontal: ClassVar[tuple[str, ...]] = ("groups",)

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            # allauth keeps addresses it has seen in a table of its own, and logs in and sends
            # password resets by them too: the old address must stop working.
            EmailAddress.objects.filter(user=obj).exclude(email__iexact=obj.email).delete()


# allauth's own admin of the second factor shows a TOTP secret and the recovery codes, and lets
# them be edited: whoever reads the admin could then make codes for that person. Here an
# authenticator shows whose it is, which kind, and when it was made and last used; it can only be
# deleted (a lost phone), after which the person enrols anew at the next login.
# Shown as the proxy SecondFactor, whose names are Swedish.
admin.site.unregister(Authenticator)


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Authenticator.Type.choices]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(type=self.value()) if self.value() else queryset


@admin.register(SecondFactor)
class AuthenticatorAdmin(admin.ModelAdmin[SecondFactor]):
    list_display = ("person", "kind", "created", "last_used")
    list_filter = (KindFilter,)
    search_fields = ("user__full_name", "user__email")
    fields = ("person", "kind", "created", "last_used")
    readonly_fields = fields

    @admin.display(description=_("person"), ordering="user__full_name")
    def person(self, obj: SecondFactor) -> str:
        return str(obj.user)

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, obj: SecondFactor) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj: SecondFactor) -> object:
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: SecondFactor) -> object:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SecondFactor | None = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Who was invited when, by whom, and whether the link was used; never the token's hash.
    Invitations are sent from the kansli's register of people (/register/personer/)."""

    list_display = ("user", "invited_by", "created_at", "expires_at", "used_at")
    search_fields = ("user__full_name", "user__email")
    fields = ("user", "invited_by", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False


# Django stores a permission's name once, in English ("Can add unit"): the admin shows it in the
# reader's language instead, from the model's own (translated) name.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "Granskningar | enhet | Kan lägga till enhet", in the language of the page."""
    model = permission.content_type.model_class()
    action = PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None or action is None:
        return str(permission)
    app = apps.get_app_config(model._meta.app_label).verbose_name
    name = model._meta.verbose_name
    return f"{app} | {name} | {action % {'model': name}}"


class PermissionsField(forms.ModelMultipleChoiceField[Permission]):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest | None = None, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)
