from collections.abc import Collection
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
from granska.reviews.limits import UNIT_NAME_MAX_CHARS
from granska.reviews.models import CareProvider, Region, Review, Specialty, Unit, UnitKind
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


class FilteredSelect(forms.Select):
    """A select that static/granska/select-filter.js gives a search box narrowing its options
    as one types (case and accents aside); without JavaScript it is a plain select, which the
    keyboard also searches by first letters."""

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(attrs, **kwargs)
        self.attrs.setdefault("data-filter", "")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Translated per request, in the language of the page.
        context["widget"]["attrs"]["data-filter-label"] = str(_("Search the list"))
        context["widget"]["attrs"]["data-filter-none"] = str(_("No match; clear the search."))
        return context


class UnitForm(forms.Form):
    """Registering or changing a unit (`registers.unit_register` and `unit_change` check and
    store it). The care provider is chosen from the register, never typed: adding one is a
    deliberate act of its own (`registers.care_provider_add`)."""

    name = forms.CharField(
        label=_("Name"), widget=forms.TextInput(attrs={"maxlength": UNIT_NAME_MAX_CHARS})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    care_provider = forms.ModelChoiceField(
        label=_("Care provider"),
        queryset=CareProvider.objects.all(),
        widget=FilteredSelect,
        empty_label=_("Choose a care provider"),
        error_messages={
            "required": _("Choose the unit's care provider from the register."),
            "invalid_choice": _("Choose the unit's care provider from the register."),
        },
        help_text=_(
            "Choose from the register; type part of the name to narrow the list. A care "
            "provider not in the list is added under Care providers."
        ),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    specialty = forms.ModelChoiceField(label=_("Specialty"), queryset=Specialty.objects.all())
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        # Inactive ones too: a change of the unit must not drop a contact nobody unticked.
        queryset=User.objects.filter(role=Role.VERKSAMHET),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The unit's people who log in to see its reviews and write its plan."),
    )


class UnitChangeForm(UnitForm):
    """Changing a unit: the form carries the version it was read at."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_version(self) -> int | None:
        return form_int(self.cleaned_data.get("version"))


class RegisterNameForm(forms.Form):
    """Adding or renaming a care provider, region or specialty. `confirm_similar` is offered
    once the service has said the name is near one registered."""

    name = forms.CharField(label=_("Name"), widget=forms.TextInput(attrs={"maxlength": 200}))
    confirm_similar = forms.BooleanField(
        label=_("It is another one: add it anyway"), required=False
    )


class AffiliationForm(forms.Form):
    """Recording an inspector's tie: an employer or a workplace."""

    care_provider = forms.ModelChoiceField(
        label=_("Employer (care provider)"),
        queryset=CareProvider.objects.all(),
        required=False,
        widget=FilteredSelect,
        empty_label=_("None"),
    )
    unit = forms.ModelChoiceField(
        label=_("Workplace (unit)"),
        queryset=Unit.objects.select_related("care_provider"),
        required=False,
        widget=FilteredSelect,
        empty_label=_("None"),
    )


class ObserverScopeForm(forms.Form):
    """Giving an observer a scope: a specialty, a region, or both."""

    specialty = forms.ModelChoiceField(
        label=_("Specialty"), queryset=Specialty.objects.all(), required=False, empty_label=_("All")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )


class BookingForm(forms.Form):
    """Booking a review: which unit, under which regulations, with which protocol, when."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), widget=FilteredSelect
    )
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


class InspectorSelect(forms.Select):
    """The inspectors, those who may not review the unit shown but disabled, with the reason
    in the option's text (a disabled option cannot be chosen, by mouse or keyboard)."""

    def __init__(self, *args: Any, unavailable: frozenset[int] = frozenset(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.unavailable = unavailable

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        pk = getattr(value, "value", value)
        if pk in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


class InspectorChoiceField(forms.ModelChoiceField[User]):
    """The inspectors by name, or by name with the reason they are unavailable."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels: dict[int, str] = {}

    def label_from_instance(self, obj: User) -> str:
        return self.labels.get(obj.pk, str(obj))


class AssignForm(forms.Form):
    """Assigning an inspector to a review. Given the inspectors with their ties to the unit
    (`services.inspectors_with_ties`), the tied ones and those already assigned are shown
    unavailable, with the reason, before anyone submits; the service refuses them anyway."""

    inspector = InspectorChoiceField(
        label=_("Inspector"), queryset=User.objects.filter(role=Role.INSPEKTOR, is_active=True)
    )

    def __init__(
        self,
        *args: Any,
        ties: list[tuple[User, list[str]]] | None = None,
        assigned: Collection[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if ties is None:
            return
        labels: dict[int, str] = {}
        unavailable: set[int] = set()
        for inspector, reasons in ties:
            if inspector.pk in assigned:
                reasons = [str(_("already assigned"))]
            if reasons:
                unavailable.add(inspector.pk)
                labels[inspector.pk] = str(_("%(name)s – unavailable: %(reasons)s")) % {
                    "name": inspector,
                    "reasons": str(_(" and ")).join(reasons),
                }
        field = self.fields["inspector"]
        assert isinstance(field, InspectorChoiceField)
        field.labels = labels
        field.widget = InspectorSelect(
            attrs={"aria-describedby": "assign-hint"}, unavailable=frozenset(unavailable)
        )
        field.empty_label = _("Choose an inspector")
        field.widget.choices = field.choices  # the iterator reads the labels and empty label above


class InvitationForm(forms.Form):
    """Inviting a person by e-mail (`accounts.invitations.invitation_send` checks it)."""

    full_name = forms.CharField(label=_("Name"), widget=forms.TextInput(attrs={"maxlength": 200}))
    email = forms.CharField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "maxlength": 254}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationAcceptForm(forms.Form):
    """The invited person's own password, twice."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters, not only digits, not a common password and not like your "
            "name or e-mail address."
        ),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
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
