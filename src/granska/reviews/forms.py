from django import forms
from django.utils.translation import gettext_lazy as _

from granska.reviews.models import Region, Specialty, Status


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
