"""factory_boy factories for the models tests build most often."""

from typing import TYPE_CHECKING, Any, TypeVar

from factory.declarations import PostGeneration, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from granska.accounts.models import Role, User
from granska.reviews.models import CareProvider, Region, Review, Specialty, Unit, UnitKind

PASSWORD = "rätt-lösenord-för-test"

M = TypeVar("M")


class ModelFactory(DjangoModelFactory[M]):
    """A DjangoModelFactory whose call, `UnitFactory(...)`, is typed as the model it creates."""

    if TYPE_CHECKING:
        # factory_boy's metaclass turns the call into `create(...)`, which returns the model, but
        # its `__call__` is untyped, and mypy reads a class's call from `__new__` (it never runs).
        def __new__(cls, **kwargs: Any) -> M: ...  # type: ignore[misc]  # a model, not a factory


def _set_password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    user.set_password(extracted or PASSWORD)
    if create:
        user.save(update_fields=["password"])


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"person{n}@granska.example")
    full_name = Sequence(lambda n: f"Person {n}")
    role = Role.INSPEKTOR
    password = PostGeneration(_set_password)


class RegionFactory(ModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = Sequence(lambda n: f"Region {n}")


class CareProviderFactory(ModelFactory[CareProvider]):
    class Meta:
        model = CareProvider
        django_get_or_create = ("name",)

    name = Sequence(lambda n: f"Vårdgivare {n}")


class SpecialtyFactory(ModelFactory[Specialty]):
    class Meta:
        model = Specialty
        django_get_or_create = ("name",)

    name = "Allmänmedicin"


class UnitFactory(ModelFactory[Unit]):
    class Meta:
        model = Unit

    name = Sequence(lambda n: f"Vårdcentralen {n}")
    kind = UnitKind.VARDCENTRAL
    care_provider = SubFactory(CareProviderFactory)
    region = SubFactory(RegionFactory)
    specialty = SubFactory(SpecialtyFactory)


class ReviewFactory(ModelFactory[Review]):
    """A review under both regulations; pass `protocol` (the `protocol` fixture)."""

    class Meta:
        model = Review

    unit = SubFactory(UnitFactory)
    specialty = SelfAttribute("unit.specialty")
    under_2015 = True
    under_2021 = True
