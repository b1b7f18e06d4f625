"""The kansli's registers: units and their contacts, care providers, regions, specialties, the
inspectors' ties (anknytningar) and the observers' scopes. Every write is a service taking `by`
(the kansli only, `reviews.manage`), checked for every caller: the pages, the demo, a command.

A care provider is never typed where a unit is registered: it is chosen from the register, and
adding one is an act of its own that refuses the same name in another case or spacing and asks
for confirmation of a name near one registered ("Region Ostera" beside "Region Österå"), since
a second spelling of a care provider would hide an inspector's employment there.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User
from granska.accounts.rules import require
from granska.refusals import not_versioned, too_long
from granska.reviews.limits import UNIT_NAME_MAX_CHARS
from granska.reviews.models import (
    Affiliation,
    CareProvider,
    ObserverScope,
    Region,
    Register,
    Specialty,
    Unit,
    UnitKind,
    name_key,
)
from granska.reviews.names import names_similar
from granska.text import clean_line

# The code of the refusal that a confirmation lifts: the name is near one already registered.
SIMILAR = "similar"


def register_similar[R: Register](
    model: type[R], name: str, *, exclude: int | None = None
) -> list[R]:
    """The rows of `model`'s register whose names are probably `name` (see `reviews.names`),
    the row `exclude` aside. Registers hold some hundred names: they are compared here."""
    return [
        row
        for row in model._default_manager.all()
        if row.pk != exclude and names_similar(row.name, name)
    ]


def _register_save[R: Register](row: R, *, confirm_similar: bool) -> R:
    """Checks and saves a register's row: its name one clean line within its limit, never the
    same as another's whatever the case and spacing (refused), and near another's only when
    `confirm_similar` (otherwise refused with the code SIMILAR, naming the near ones)."""
    row.full_clean()  # the name cleaned, its length and the same name refused (Register.clean)
    if not confirm_similar:
        near = register_similar(type(row), row.name, exclude=row.pk)
        if near:
            raise ValidationError(
                {
                    "name": ValidationError(
                        _(
                            "“%(name)s” is close to %(near)s, already registered. Choose the "
                            "registered one, or confirm that %(name)s is another one."
                        )
                        % {
                            "name": row.name,
                            "near": _(", ").join(
                                _("“%(name)s”") % {"name": other.name} for other in near
                            ),
                        },
                        code=SIMILAR,
                    )
                }
            )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        # The same name registered by someone else meanwhile (the unique constraint).
        raise ValidationError(
            {
                "name": _("There is already a %(register)s named “%(name)s”.")
                % {"register": row._meta.verbose_name, "name": row.name}
            }
        ) from error
    return row


@transaction.atomic
def care_provider_add(*, by: User, name: str, confirm_similar: bool = False) -> CareProvider:
    """Adds a care provider to the register (see `_register_save`)."""
    require(by, "reviews.manage")
    return _register_save(CareProvider(name=name), confirm_similar=confirm_similar)


@transaction.atomic
def region_add(*, by: User, name: str, confirm_similar: bool = False) -> Region:
    """Adds a region to the register (see `_register_save`)."""
    require(by, "reviews.manage")
    return _register_save(Region(name=name), confirm_similar=confirm_similar)


@transaction.atomic
def specialty_add(*, by: User, name: str, confirm_similar: bool = False) -> Specialty:
    """Adds a specialty to the register (see `_register_save`)."""
    require(by, "reviews.manage")
    return _register_save(Specialty(name=name), confirm_similar=confirm_similar)


@transaction.atomic
def register_rename[R: Register](
    *, by: User, row: R, name: str, confirm_similar: bool = False
) -> R:
    """Renames a care provider, region or specialty: the same checks as adding one. Its units,
    reviews and ties follow it, since they hold the row, not the name."""
    require(by, "reviews.manage")
    row = type(row)._default_manager.select_for_update().get(pk=row.pk)
    # The same name in another case or spacing: its neighbours were there before, and stay.
    unchanged = name_key(name) == name_key(row.name)
    row.name = name
    return _register_save(row, confirm_similar=confirm_similar or unchanged)


class UnitConflict(Exception):
    """Someone changed the unit after the version the form was based on."""

    def __init__(self, current: Unit) -> None:
        self.current = current
        super().__init__(f"unit {current.pk} is at version {current.version}")


def _unit_checked(
    *,
    unit: Unit,
    name: str,
    kind: str,
    care_provider: CareProvider | None,
    contacts: Iterable[User],
) -> list[User]:
    """Sets the unit's name, kind and care provider after checking them; the contacts checked.
    ValidationError naming each field that is wrong."""
    name = clean_line(name)
    errors: dict[str, list[str]] = {}
    problem = (
        too_long(
            name,
            UNIT_NAME_MAX_CHARS,
            _("The unit's name may be at most %(limit)s characters; it is %(length)s."),
        )
        if name
        else _("Give the unit's name.")
    )
    if problem:
        errors["name"] = [problem]
    if kind not in UnitKind.values:
        errors["kind"] = [_("Choose one of the kinds of unit offered.")]
    if care_provider is None or care_provider.pk is None:
        errors["care_provider"] = [_("Choose the unit's care provider from the register.")]
    people = list(contacts)
    others = [person for person in people if person.role != Role.VERKSAMHET]
    if others:
        errors["contacts"] = [
            _("%(name)s is not a unit's contact (their role is %(role)s).")
            % {"name": person, "role": person.get_role_display()}
            for person in others
        ]
    if not errors and care_provider is not None:
        same = next(
            (
                u
                for u in care_provider.units.exclude(pk=unit.pk)
                if name_key(u.name) == name_key(name)
            ),
            None,
        )
        if same is not None:
            errors["name"] = [
                _("%(provider)s already has a unit named “%(unit)s”.")
                % {"provider": care_provider.name, "unit": same.name}
            ]
    if errors:
        raise ValidationError(errors)
    assert care_provider is not None
    unit.name, unit.kind, unit.care_provider = name, kind, care_provider
    return people


@transaction.atomic
def unit_register(
    *,
    by: User,
    name: str,
    kind: str,
    care_provider: CareProvider | None,
    region: Region,
    specialty: Specialty,
    contacts: Sequence[User] = (),
) -> Unit:
    """Registers a unit under a care provider chosen from the register (`care_provider_add`
    adds one, deliberately): never a name typed here, so that a second spelling of a provider
    can never hide an inspector's tie to it."""
    require(by, "reviews.manage")
    unit = Unit(region=region, specialty=specialty)
    people = _unit_checked(
        unit=unit, name=name, kind=kind, care_provider=care_provider, contacts=contacts
    )
    unit.full_clean()
    unit.save()
    unit.members.set(people)
    return unit


@transaction.atomic
def unit_change(
    *,
    by: User,
    unit: Unit,
    version: int | None,
    name: str,
    kind: str,
    care_provider: CareProvider | None,
    region: Region,
    specialty: Specialty,
    contacts: Sequence[User],
) -> Unit:
    """Changes a unit and its contacts, unless someone changed it after `version` (the version
    the form was read at): then UnitConflict, and nothing is written."""
    require(by, "reviews.manage")
    if version is None:
        raise ValidationError({"version": not_versioned()})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.version != version:
        raise UnitConflict(unit)
    people = _unit_checked(
        unit=unit, name=name, kind=kind, care_provider=care_provider, contacts=contacts
    )
    unit.region, unit.specialty = region, specialty
    unit.version += 1  # the row is locked: no one else moves the version meanwhile
    unit.full_clean()
    unit.save()
    unit.members.set(people)
    return unit


@transaction.atomic
def affiliation_add(
    *,
    by: User,
    inspector: User,
    care_provider: CareProvider | None = None,
    unit: Unit | None = None,
) -> Affiliation:
    """Records an inspector's tie: an employer (care provider) or a workplace (unit). From then
    on the inspector is never assigned to a review of a unit of that provider, or of that unit."""
    require(by, "reviews.manage")
    if inspector.role != Role.INSPEKTOR:
        raise ValidationError(
            {"inspector": _("%(name)s is not an inspector.") % {"name": inspector}}
        )
    if (care_provider is None) == (unit is None):
        raise ValidationError(
            {"care_provider": _("Choose either an employer or a workplace, one at a time.")}
        )
    existing = Affiliation.objects.filter(
        inspector=inspector, care_provider=care_provider, unit=unit
    )
    if existing.exists():
        raise ValidationError(
            {
                "care_provider" if care_provider else "unit": _(
                    "The tie of %(name)s to %(place)s is already recorded."
                )
                % {"name": inspector, "place": care_provider or unit}
            }
        )
    return Affiliation.objects.create(inspector=inspector, care_provider=care_provider, unit=unit)


@transaction.atomic
def affiliation_remove(*, by: User, affiliation: Affiliation) -> None:
    """Removes a recorded tie of an inspector (it was recorded in error, or has ended)."""
    require(by, "reviews.manage")
    Affiliation.objects.filter(pk=affiliation.pk).delete()


@transaction.atomic
def observer_scope_add(
    *,
    by: User,
    observer: User,
    specialty: Specialty | None = None,
    region: Region | None = None,
) -> ObserverScope:
    """Lets an observer read the reviews of a specialty, of a region, or of a specialty in a
    region."""
    require(by, "reviews.manage")
    if observer.role != Role.OBSERVATOR:
        raise ValidationError({"observer": _("%(name)s is not an observer.") % {"name": observer}})
    if specialty is None and region is None:
        raise ValidationError({"specialty": _("Choose a specialty, a region, or both.")})
    if ObserverScope.objects.filter(observer=observer, specialty=specialty, region=region).exists():
        raise ValidationError({"specialty": _("The observer already has that scope.")})
    return ObserverScope.objects.create(observer=observer, specialty=specialty, region=region)


@transaction.atomic
def observer_scope_remove(*, by: User, scope: ObserverScope) -> None:
    """Takes a scope from an observer."""
    require(by, "reviews.manage")
    ObserverScope.objects.filter(pk=scope.pk).delete()


SPECIALTIES_FILE = Path(__file__).parent / "data" / "specialties.txt"


def specialty_names(path: Path = SPECIALTIES_FILE) -> list[str]:
    """The specialties of the list file: one name a line, "#" starting a comment."""
    lines = (clean_line(line.split("#", 1)[0]) for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


@transaction.atomic
def specialties_load(path: Path = SPECIALTIES_FILE) -> list[Specialty]:
    """Adds the specialties of the list file not yet registered (whatever their case and
    spacing), and changes nothing else: run again, it adds nothing. Reference data, loaded by
    `granska specialties` (and `make run`), as the catalog is by `granska catalog load`."""
    added = []
    for name in specialty_names(path):
        if Specialty.named(name) is None:
            added.append(_register_save(Specialty(name=name), confirm_similar=True))
    return added
