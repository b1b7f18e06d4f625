from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from granska.reviews.models import (
    AreaAssessment,
    AreaGrade,
    Assignment,
    CareProvider,
    Finding,
    Region,
    Review,
    Specialty,
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
