"""factory_boy factories for the models tests build most often."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from granska.accounts.models import Role, User
from granska.reviews.models import CareProvider, Region, Review, Specialty, Unit, UnitKind

PASSWORD = "rätt-lösenord-för-test"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@granska.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.INSPEKTOR

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


class CareProviderFactory(DjangoModelFactory[CareProvider]):
    class Meta:
        model = CareProvider
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Vårdgivare {n}")


class SpecialtyFactory(DjangoModelFactory[Specialty]):
    class Meta:
        model = Specialty
        django_get_or_create = ("name",)

    name = "Allmänmedicin"


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Vårdcentralen {n}")
    kind = UnitKind.VARDCENTRAL
    care_provider = factory.SubFactory(CareProviderFactory)
    region = factory.SubFactory(RegionFactory)
    specialty = factory.SubFactory(SpecialtyFactory)


class ReviewFactory(DjangoModelFactory[Review]):
    """A review under both regulations; pass `protocol` (the `protocol` fixture)."""

    class Meta:
        model = Review

    unit = factory.SubFactory(UnitFactory)
    specialty = factory.SelfAttribute("unit.specialty")
    under_2015 = True
    under_2021 = True
