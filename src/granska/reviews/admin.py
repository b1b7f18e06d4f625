from django.contrib import admin
from django.http import HttpRequest
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


class AssignmentInline(admin.TabularInline[Assignment, Review]):
    model = Assignment
    extra = 0
    autocomplete_fields = ("inspector",)


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "specialty", "visit_date", "status", "under_2015", "under_2021")
    list_filter = ("status", "specialty", "unit__region")
    search_fields = ("unit__name",)
    inlines = (AssignmentInline,)


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ("review", "criterion", "outcome", "source")
    list_filter = ("outcome",)


class AreaGradeInline(admin.TabularInline[AreaGrade, AreaAssessment]):
    model = AreaGrade
    extra = 0


@admin.register(AreaAssessment)
class AreaAssessmentAdmin(SimpleHistoryAdmin):
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
