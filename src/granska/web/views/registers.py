"""The kansli's registers: units and their contacts, care providers, regions, specialties, the
inspectors' ties (anknytningar) and the observers' scopes. Only the kansli reaches them
(`reviews.manage`); every write goes through `reviews.registers`."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from granska.accounts.models import Role, User
from granska.reviews.models import (
    Affiliation,
    CareProvider,
    ObserverScope,
    Region,
    Register,
    Specialty,
    Unit,
)
from granska.reviews.registers import (
    SIMILAR,
    UnitConflict,
    affiliation_add,
    affiliation_remove,
    care_provider_add,
    observer_scope_add,
    observer_scope_remove,
    region_add,
    register_rename,
    specialty_add,
    unit_change,
)
from granska.web.forms import AffiliationForm, ObserverScopeForm, RegisterNameForm, UnitChangeForm
from granska.web.views.common import form_errors, request_user, require_kansli


def _is_similar(error: ValidationError) -> bool:
    """Whether the service refused the name only as near one registered (confirmable)."""
    inner = getattr(error, "error_dict", {}).get("name", [])
    return bool(inner) and all(e.code == SIMILAR for e in inner)


@require_GET
@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    require_kansli(request)
    counts = {
        "units": Unit.objects.count(),
        "care_providers": CareProvider.objects.count(),
        "regions": Region.objects.count(),
        "specialties": Specialty.objects.count(),
        "inspectors": User.objects.filter(role=Role.INSPEKTOR).count(),
        "observers": User.objects.filter(role=Role.OBSERVATOR).count(),
        "people": User.objects.count(),
    }
    return render(request, "registers/index.html", {"counts": counts})


# ---- Care providers, regions, specialties: a name each ----------------------------------------


@dataclass(frozen=True)
class NameRegister:
    """One of the registers that hold a name: its model, its service and its words."""

    model: type[Register]
    add: Any  # the service that adds one: (by=, name=, confirm_similar=) -> the row
    title: Any
    lede: Any
    add_heading: Any
    list_url: str
    item_url: str


REGISTERS = {
    "care_provider": NameRegister(
        CareProvider,
        care_provider_add,
        gettext_lazy("Care providers"),
        gettext_lazy(
            "The care providers (vårdgivare) units belong to. A unit's care provider is chosen "
            "from here; an inspector employed by one never reviews its units."
        ),
        gettext_lazy("Add a care provider"),
        "registers:care-providers",
        "registers:care-provider",
    ),
    "region": NameRegister(
        Region,
        region_add,
        gettext_lazy("Regions"),
        gettext_lazy("The regions units belong to; observers may be given a region."),
        gettext_lazy("Add a region"),
        "registers:regions",
        "registers:region",
    ),
    "specialty": NameRegister(
        Specialty,
        specialty_add,
        gettext_lazy("Specialties"),
        gettext_lazy(
            "The medical specialties whose ST is reviewed, loaded from the list of Swedish "
            "specialties (granska specialties)."
        ),
        gettext_lazy("Add a specialty"),
        "registers:specialties",
        "registers:specialty",
    ),
}


def _name_form_context(form: RegisterNameForm, similar: bool) -> dict[str, Any]:
    # The confirmation is offered only once the service has named the near ones.
    return {"form": form, "similar": similar}


@require_http_methods(["GET", "POST"])
@login_required
def register_list_view(request: HttpRequest, kind: str) -> HttpResponse:
    """A register's names, and adding one: the same name in another case or spacing is
    refused; one near a registered name is added only when the kansli confirms it."""
    require_kansli(request)
    register = REGISTERS[kind]
    form = RegisterNameForm(request.POST if request.method == "POST" else None)
    similar = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = register.add(
                by=request_user(request), name=data["name"], confirm_similar=data["confirm_similar"]
            )
        except ValidationError as error:
            similar = _is_similar(error)
            form_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added to the register.") % {"name": row.name})
            return redirect(register.list_url)
    rows = register.model._default_manager.annotate(unit_count=Count("units"))
    return render(
        request,
        "registers/names.html",
        {"register": register, "rows": rows, **_name_form_context(form, similar)},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def register_item_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Renaming a care provider, region or specialty, with the checks of adding one."""
    require_kansli(request)
    register = REGISTERS[kind]
    row = get_object_or_404(register.model._default_manager, pk=pk)
    form = RegisterNameForm(
        request.POST if request.method == "POST" else None, initial={"name": row.name}
    )
    similar = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = register_rename(
                by=request_user(request),
                row=row,
                name=data["name"],
                confirm_similar=data["confirm_similar"],
            )
        except ValidationError as error:
            similar = _is_similar(error)
            form_errors(form, error)
        else:
            messages.success(request, _("The name is now %(name)s.") % {"name": row.name})
            return redirect(register.list_url)
    units = Unit.objects.filter(**{kind: row}).select_related("care_provider")
    return render(
        request,
        "registers/name.html",
        {"register": register, "row": row, "units": units, **_name_form_context(form, similar)},
        status=422 if form.errors else 200,
    )


# ---- Units --------------------------------------------------------------------------------------


def _unit_initial(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "care_provider": unit.care_provider_id,
        "region": unit.region_id,
        "specialty": unit.specialty_id,
        "contacts": [person.pk for person in unit.members.all()],
        "version": unit.version,
    }


@require_http_methods(["GET", "POST"])
@login_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Changing a unit and its contacts. A change based on an older version than the saved one
    is refused (409), with the saved values beside the form: two kansli never overwrite each
    other silently."""
    require_kansli(request)
    unit = get_object_or_404(Unit.objects.select_related("care_provider"), pk=pk)
    form = UnitChangeForm(
        request.POST if request.method == "POST" else None, initial=_unit_initial(unit)
    )
    conflict: Unit | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_change(
                by=request_user(request),
                unit=unit,
                version=data["version"],
                name=data["name"],
                kind=data["kind"],
                care_provider=data["care_provider"],
                region=data["region"],
                specialty=data["specialty"],
                contacts=list(data["contacts"]),
            )
        except UnitConflict as error:
            conflict = error.current
            # The form keeps what this person typed, at the version now saved: saving again
            # is a deliberate choice, made with the other change in view.
            post = request.POST.copy()
            post["version"] = str(conflict.version)
            form = UnitChangeForm(post, initial=_unit_initial(conflict))
            form.is_valid()
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(unit)s is changed.") % {"unit": unit.name})
            return redirect("reviews:units")
    status = 409 if conflict else 422 if form.errors else 200
    return render(
        request,
        "registers/unit.html",
        {"unit": unit, "form": form, "conflict": conflict},
        status=status,
    )


# ---- Inspectors and their ties ------------------------------------------------------------------


@require_GET
@login_required
def inspector_list_view(request: HttpRequest) -> HttpResponse:
    require_kansli(request)
    inspectors = User.objects.filter(role=Role.INSPEKTOR).prefetch_related(
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("care_provider", "unit"),
        )
    )
    return render(request, "registers/inspectors.html", {"inspectors": inspectors})


def _person(pk: int, role: str) -> User:
    return get_object_or_404(User, pk=pk, role=role)


@require_http_methods(["GET", "POST"])
@login_required
def inspector_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspector's ties (anknytningar): employers and workplaces, added and removed here."""
    require_kansli(request)
    inspector = _person(pk, Role.INSPEKTOR)
    form = AffiliationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            affiliation = affiliation_add(
                by=request_user(request),
                inspector=inspector,
                care_provider=form.cleaned_data["care_provider"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("The tie of %(name)s to %(place)s is recorded.")
                % {"name": inspector, "place": affiliation.care_provider or affiliation.unit},
            )
            return redirect("registers:inspector", pk=inspector.pk)
    affiliations = inspector.affiliations.select_related("care_provider", "unit")
    return render(
        request,
        "registers/inspector.html",
        {"inspector": inspector, "affiliations": affiliations, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def affiliation_remove_view(request: HttpRequest, pk: int, affiliation_pk: int) -> HttpResponse:
    require_kansli(request)
    affiliation = get_object_or_404(Affiliation, pk=affiliation_pk, inspector_id=pk)
    affiliation_remove(by=request_user(request), affiliation=affiliation)
    messages.success(
        request,
        _("The tie to %(place)s is removed.")
        % {"place": affiliation.care_provider or affiliation.unit},
    )
    return redirect("registers:inspector", pk=pk)


# ---- Observers and their scopes -----------------------------------------------------------------


@require_GET
@login_required
def observer_list_view(request: HttpRequest) -> HttpResponse:
    require_kansli(request)
    observers = User.objects.filter(role=Role.OBSERVATOR).prefetch_related(
        Prefetch(
            "observer_scopes", queryset=ObserverScope.objects.select_related("specialty", "region")
        )
    )
    return render(request, "registers/observers.html", {"observers": observers})


@require_http_methods(["GET", "POST"])
@login_required
def observer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An observer's scopes: what reviews they read (a specialty, a region, or both)."""
    require_kansli(request)
    observer = _person(pk, Role.OBSERVATOR)
    form = ObserverScopeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            scope = observer_scope_add(
                by=request_user(request), observer=observer, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now reads the reviews of %(scope)s.")
                % {"name": observer, "scope": scope},
            )
            return redirect("registers:observer", pk=observer.pk)
    scopes = observer.observer_scopes.select_related("specialty", "region")
    return render(
        request,
        "registers/observer.html",
        {"observer": observer, "scopes": scopes, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def observer_scope_remove_view(request: HttpRequest, pk: int, scope_pk: int) -> HttpResponse:
    require_kansli(request)
    scope = get_object_or_404(ObserverScope, pk=scope_pk, observer_id=pk)
    observer_scope_remove(by=request_user(request), scope=scope)
    messages.success(request, _("The scope %(scope)s is removed.") % {"scope": scope})
    return redirect("registers:observer", pk=pk)
