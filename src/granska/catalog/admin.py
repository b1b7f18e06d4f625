from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from granska.catalog.models import Area, Criterion, ProtocolVersion


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """The catalog changes only through catalog files (`granska catalog load`), never by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "max_ki_exceptions", "source_name", "loaded_at")


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "group", "protocol")
    list_filter = ("protocol",)


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "text", "reading_confidence", "protocol")
    list_filter = ("protocol", "level", "reading_confidence", "area__code")
    search_fields = ("code", "text")
