from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from granska.accounts.models import Role, User
from granska.catalog.models import Area, ProtocolVersion
from granska.choices import REGULATION_CHOICES, STATUS_CHOICES
from granska.grading.vocabulary import Regulation
from granska.refusals import not_sent
from granska.reviews.inputs import AreaInput, SentFinding, SentGrade
from granska.reviews.limits import CARE_PROVIDER_NAME_MAX_CHARS, UNIT_NAME_MAX_CHARS
from granska.reviews.models import Region, Review, Specialty, Unit, UnitKind
from granska.text import form_int

# The review list's columns, in the order the table shows them; each sorts it.
REVIEW_COLUMNS = (
    ("unit", _("Unit")),
    ("specialty", _("Specialty")),
    ("region", _("Region")),
    ("visit_date", _("Visit date")),
    ("regulations", _("Regulations")),
    ("status", _("Status")),
    ("inspectors", _("Inspectors")),
)


class ReviewFilterForm(forms.Form):
    """The filters of the review list; every field may be left empty."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *STATUS_CHOICES], required=False
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
    q = forms.CharField(
        label=_("Unit"),
        help_text=_("Enter the unit's name or part of it; capitals do not matter."),
        required=False,
        max_length=UNIT_NAME_MAX_CHARS,
        error_messages={
            "max_length": _(
                "Enter at most %(limit_value)d characters of the unit's name (you entered "
                "%(show_value)d)."
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "maxlength": UNIT_NAME_MAX_CHARS}),
    )
    # The column headers link to each order too; this is the way on a phone, where the table
    # is read row by row and its headers are not shown.
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            (f"{prefix}{key}", format_lazy(wording, column=label))
            for key, label in REVIEW_COLUMNS
            for prefix, wording in (
                ("", _("{column}, ascending")),
                ("-", _("{column}, descending")),
            )
        ],
        required=False,
        error_messages={
            "invalid_choice": _(
                "The list cannot be sorted by “%(value)s”; it is sorted by visit date, newest "
                "first."
            )
        },
    )

    field_order = ("q", "status", "specialty", "region", "sort")


class HistoryFilterForm(forms.Form):
    """The filters of a review's history: an area, a person, a kind of change; each may be
    left empty. The choices are the review's areas and the people in its history."""

    def __init__(
        self,
        data: QueryDict,
        *,
        areas: list[Area],
        people: list[tuple[str, str]],
        kinds: dict[str, Any],
    ) -> None:
        super().__init__(data)
        every = [("", _("All"))]
        for name, label, choices in (
            ("area", _("Area"), [(area.code, str(area)) for area in areas]),
            ("person", _("Person"), people),
            ("kind", _("Kind of change"), list(kinds.items())),
        ):
            self.fields[name] = forms.ChoiceField(
                label=label, choices=[*every, *choices], required=False
            )


class UnitForm(forms.Form):
    """Registering a unit (`services.unit_register` checks and stores it): the care provider
    may be a new one, typed by name."""

    name = forms.CharField(
        label=_("Name"), widget=forms.TextInput(attrs={"maxlength": UNIT_NAME_MAX_CHARS})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    specialty = forms.ModelChoiceField(label=_("Specialty"), queryset=Specialty.objects.all())
    care_provider_name = forms.CharField(
        label=_("Care provider"),
        widget=forms.TextInput(attrs={"maxlength": CARE_PROVIDER_NAME_MAX_CHARS}),
        help_text=_(
            "An existing care provider by its name (capitals and spaces do not matter), or a "
            "new one."
        ),
    )


class BookingForm(forms.Form):
    """Booking a review: which unit, under which regulations, with which protocol, when."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    regulations = forms.MultipleChoiceField(
        label=_("Regulations in scope"),
        choices=REGULATION_CHOICES,
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An empty date clears it; a date the form did not send at all must not.
        if "visit_date" not in self.data:
            self.add_error("visit_date", not_sent(str(self.fields["visit_date"].label)))
        return cleaned


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label=_("Inspector"), queryset=User.objects.filter(role=Role.INSPEKTOR, is_active=True)
    )


SUMMARY_FIELDS = ("strengths", "weaknesses", "improvements")


class SentTextField(forms.CharField):
    """A text field that, when the form did not send it, shows the saved text again (its
    initial value) rather than an empty box that a second save would store."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial if data is None else data


class SummaryForm(forms.Form):
    """The report's three summary lists, one point a line, and the version they were read at.

    A list the form did not send is None in `cleaned_data`, never "", so that `summary_save`
    refuses it instead of erasing the saved list; its length is the service's to check."""

    strengths = SentTextField(
        label=_("Strengths"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("One point a line."),
    )
    weaknesses = SentTextField(
        label=_("Weaknesses"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("One point a line."),
    )
    improvements = SentTextField(
        label=_("Improvement potential"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("One point a line."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in (*SUMMARY_FIELDS, "fingerprint"):
            if name not in self.data:
                cleaned[name] = None
        return cleaned


def area_input_from_post(post: QueryDict, review: Review, area: Area) -> AreaInput:
    """Reads the assessment form of `area` from a POST."""
    findings: dict[str, SentFinding] = {}
    for criterion in area.criteria.all():
        if not any(criterion.applies_to(r) for r in review.regulations):
            continue
        names = [f"{part}-{criterion.code}" for part in ("outcome", "note", "source")]
        if any(name in post for name in names):
            outcome, note, source = (post.get(name) for name in names)
            findings[criterion.code] = (outcome, note, source)
    grades: dict[str, SentGrade] = {}
    for regulation in review.regulations:
        year = Regulation(regulation).year
        if f"grade-{year}" in post or f"reason-{year}" in post:
            grades[regulation] = (post.get(f"grade-{year}"), post.get(f"reason-{year}"))
    return AreaInput(
        findings=findings,
        grades=grades,
        narrative=post.get("narrative"),
        version=form_int(post.get("version")),
    )
