from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from granska.accounts.models import Role, User
from granska.catalog.models import Area, ProtocolVersion, Regulation
from granska.reviews.models import CareProvider, Region, Review, Specialty, Status, Unit


class ReviewFilterForm(forms.Form):
    """The filters of the review list; every field may be left empty."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Status.choices], required=False
    )
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )


class UnitForm(forms.ModelForm[Unit]):
    """Registering a unit: the care provider may be a new one, typed by name."""

    care_provider_name = forms.CharField(
        label=_("Care provider"),
        max_length=200,
        help_text=_("An existing care provider by its exact name, or a new one."),
    )

    class Meta:
        model = Unit
        fields = ("name", "kind", "region", "specialty")

    def save(self, commit: bool = True) -> Unit:
        self.instance.care_provider = CareProvider.objects.get_or_create(
            name=self.cleaned_data["care_provider_name"].strip()
        )[0]
        return super().save(commit)


class BookingForm(forms.Form):
    """Booking a review: which unit, under which regulations, with which protocol, when."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    regulations = forms.MultipleChoiceField(
        label=_("Regulations in scope"),
        choices=Regulation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The regulations the unit's ST-läkare follow; one or both."),
    )
    protocol = forms.ModelChoiceField(
        label=_("Protocol version"), queryset=ProtocolVersion.objects.all()
    )
    visit_date = forms.DateField(
        label=_("Planned visit date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BookingChangeForm(forms.Form):
    """What the kansli may change in a booked review: the visit date (until the final report)
    and whether the final report is published."""

    visit_date = forms.DateField(
        label=_("Visit date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    publish_report = forms.BooleanField(
        label=_("Publish the final report"),
        required=False,
        help_text=_("Published final reports are open to everyone on the public report list."),
    )


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label=_("Inspector"), queryset=User.objects.filter(role=Role.INSPEKTOR, is_active=True)
    )


class SummaryForm(forms.Form):
    """The report's three summary lists, one point a line, and the version they were read at."""

    strengths = forms.CharField(
        label=_("Strengths"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        help_text=_("One point a line."),
    )
    weaknesses = forms.CharField(
        label=_("Weaknesses"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        help_text=_("One point a line."),
    )
    improvements = forms.CharField(
        label=_("Improvement potential"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
        help_text=_("One point a line."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass
class AreaInput:
    """What the assessment form of one area submitted, read leniently (validation is the
    service's): criterion code -> (outcome, note, source); regulation -> (grade, reason)."""

    findings: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    grades: dict[str, tuple[str, str]] = field(default_factory=dict)
    narrative: str = ""
    version: int | None = None


def area_input_from_post(post: QueryDict, review: Review, area: Area) -> AreaInput:
    """Reads the assessment form of `area` from a POST."""
    findings = {}
    for criterion in area.criteria.all():
        if not any(criterion.applies_to(r) for r in review.regulations):
            continue
        code = criterion.code
        if f"outcome-{code}" in post or f"note-{code}" in post:
            findings[code] = (
                post.get(f"outcome-{code}", ""),
                post.get(f"note-{code}", ""),
                post.get(f"source-{code}", ""),
            )
    grades = {}
    for regulation in review.regulations:
        year = Regulation(regulation).year
        if f"grade-{year}" in post:
            grades[regulation] = (post.get(f"grade-{year}", ""), post.get(f"reason-{year}", ""))
    raw_version = post.get("version", "")
    return AreaInput(
        findings=findings,
        grades=grades,
        narrative=post.get("narrative", ""),
        version=int(raw_version) if raw_version.isdigit() else None,
    )
