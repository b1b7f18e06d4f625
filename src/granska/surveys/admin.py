from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from granska.catalog.admin import ReadOnlyAdmin
from granska.surveys.models import FactField, Questionnaire, QuestionnaireArea, Statement


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """A questionnaire's parts, shown with it and changed only by loading a file."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AreaInline(ReadOnlyInline):
    model = QuestionnaireArea
    fields = ("position", "code", "title", "free_text")


class FactFieldInline(ReadOnlyInline):
    model = FactField
    fields = ("position", "code", "label", "kind", "hint")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    """A questionnaire version changes only through its file (`granska questionnaire load`)."""

    list_display = ("title", "code", "protocol", "source_name", "loaded_at")
    inlines = (AreaInline, FactFieldInline)


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("code", "text", "groups", "criteria", "area")
    list_filter = ("area__questionnaire", "area__code")
    search_fields = ("code", "text")
