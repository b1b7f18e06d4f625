"""The kansli's Django admin: the registers (units, care providers, ties, scopes) are edited here;
what the workflow owns (booking, status, assignments, findings, grades) is only read here, since
its rules (two inspectors without ties, a checked and recorded lifecycle, reasons for departing
grades, issued reports) live in the services that the workspace pages call."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from granska.reviews.models import (
    Affiliation,
    AreaAssessment,
    AreaGrade,
    Assignment,
    CareProvider,
    Finding,
    ObserverScope,
    Region,
    Review,
    Specialty,
    StatusChange,
    Unit,
)

admin.site.register(Region)
admin.site.register(CareProvider)
admin.site.register(Specialty)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "kind", "care_provider", "region", "specialty")
    list_filter = ("kind", "region", "specialty")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    # The secret of the unit's calendar feed: made at random, renewed by the unit on its page
    # (actionplans.services), never typed in.
    readonly_fields = ("calendar_token",)


class ReadOnlyMixin:
    """Shown, never written: the workspace's services are the only way in."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """The history of what the workflow owns, shown and never written.

    simple-history's page of a past version is a form whose POST saves that version as the
    current one ("revert"), checking only that the history may be viewed: the refusal of
    change in ReadOnlyMixin does not reach it. Only reading it is allowed here (and
    SIMPLE_HISTORY_REVERT_DISABLED hides the button)."""

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(_("Earlier versions are only shown here, never restored."))
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


class AssignmentInline(ReadOnlyMixin, admin.TabularInline[Assignment, Review]):
    """Inspectors are assigned on the review page, which refuses a third and anyone with ties."""

    model = Assignment
    extra = 0


@admin.register(Review)
class ReviewAdmin(ReadOnlyHistoryAdmin):
    """Reviews are booked, moved and worked on in the workspace; the admin reads them."""

    list_display = ("unit", "specialty", "visit_date", "status", "under_2015", "under_2021")
    list_filter = ("status", "specialty", "unit__region")
    search_fields = ("unit__name",)
    inlines = (AssignmentInline,)


@admin.register(Finding)
class FindingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("review", "criterion", "outcome", "source")
    list_filter = ("outcome",)


class AreaGradeInline(ReadOnlyMixin, admin.TabularInline[AreaGrade, AreaAssessment]):
    model = AreaGrade
    extra = 0


@admin.register(AreaAssessment)
class AreaAssessmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("review", "area")
    inlines = (AreaGradeInline,)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin[Affiliation]):
    """An inspector's employers and workplaces: the ties that bar them from a unit's review."""

    list_display = ("inspector", "care_provider", "unit")
    autocomplete_fields = ("inspector",)


@admin.register(ObserverScope)
class ObserverScopeAdmin(admin.ModelAdmin[ObserverScope]):
    list_display = ("observer", "specialty", "region")
    autocomplete_fields = ("observer",)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin[StatusChange]):
    """The lifecycle record is written by the moves themselves and only read here."""

    list_display = ("review", "from_status", "to_status", "by", "at")
    list_filter = ("to_status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
