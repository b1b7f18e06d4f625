from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from granska.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("full_name",)
    list_display = ("full_name", "email", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("full_name", "email")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role")}),
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
