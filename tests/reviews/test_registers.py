"""The kansli's registers: near-duplicate names warned of and confirmed, units changed without
overwriting another's change, the inspectors' ties and the observers' scopes, the specialties."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.reviews import registers
from granska.reviews.models import Affiliation, CareProvider, ObserverScope, Specialty, Unit
from granska.reviews.names import names_similar, similar_key
from granska.reviews.selectors import reviews_visible_to
from granska.reviews.services import inspector_assign, review_create
from tests.builders import kansli_user
from tests.factories import CareProviderFactory, RegionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def kansli(client: Client) -> User:
    user = UserFactory(role=Role.KANSLI)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "other",
    [
        "region Österå",
        "Region  Österå",
        "Region Ostera",
        "REGION OSTERA",
        "Österå",
        "Region Österå AB",
        "Region Österä",
        "Regoin Österå",
        "Region-Österå",
    ],
)
def test_a_name_written_differently_is_near_the_registered_one(other: str) -> None:
    assert names_similar("Region Österå", other)


@pytest.mark.parametrize("other", ["Region Stockholm", "Region Västerdal", "Tallmon Hälsa AB"])
def test_another_name_is_not_near(other: str) -> None:
    assert not names_similar("Region Österå", other)


def test_the_folded_key_drops_case_accents_and_punctuation() -> None:
    assert similar_key("  Region\tÖSTERÅ-Norra ") == "region ostera norra"


def test_the_same_name_in_another_case_or_spacing_is_refused_even_when_confirmed() -> None:
    CareProvider.objects.create(name="Region Österå")
    for typed in ("region österå", " Region   Österå ", "REGION ÖSTERÅ"):
        with pytest.raises(ValidationError) as refused:
            registers.care_provider_add(by=kansli_user(), name=typed, confirm_similar=True)
        assert refused.value.message_dict == {
            "name": ["Det finns redan en vårdgivare som heter ”Region Österå”."]
        }
    assert CareProvider.objects.count() == 1


def test_a_near_name_is_added_only_when_confirmed() -> None:
    CareProvider.objects.create(name="Region Österå")
    with pytest.raises(ValidationError) as refused:
        registers.care_provider_add(by=kansli_user(), name="Region Ostera")
    assert refused.value.error_dict["name"][0].code == registers.SIMILAR
    assert "”Region Ostera” liknar ”Region Österå”" in str(refused.value)
    assert CareProvider.objects.count() == 1
    added = registers.care_provider_add(
        by=kansli_user(), name="Region Ostera", confirm_similar=True
    )
    assert added.name == "Region Ostera"


def test_the_page_warns_of_a_near_name_and_adds_it_on_confirmation(
    client: Client, kansli: User
) -> None:
    CareProvider.objects.create(name="Region Österå")
    url = reverse("registers:care-providers")
    response = client.post(url, {"name": "Region Ostera"})
    assert response.status_code == 422
    text = page_text(response)
    assert "liknar ”Region Österå”, som redan finns i registret" in text
    assert "Det är en annan: lägg till den ändå" in text
    assert 'name="confirm_similar"' in response.content.decode()
    # The first form offers no confirmation: adding anyway is asked only after the warning.
    assert 'name="confirm_similar"' not in client.get(url).content.decode()
    response = client.post(url, {"name": "Region Ostera", "confirm_similar": "on"})
    assert response.status_code == 302
    assert CareProvider.objects.filter(name="Region Ostera").exists()


def test_renaming_checks_as_adding_does() -> None:
    CareProvider.objects.create(name="Region Österå")
    other = CareProvider.objects.create(name="Tallmon Hälsa AB")
    with pytest.raises(ValidationError, match="Det finns redan"):
        registers.register_rename(by=kansli_user(), row=other, name="region österå")
    renamed = registers.register_rename(by=kansli_user(), row=other, name="tallmon  hälsa ab")
    assert renamed.name == "tallmon hälsa ab"


def unit_post(unit: Unit, **changes: Any) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "care_provider": unit.care_provider_id,
        "region": unit.region_id,
        "specialty": unit.specialty_id,
        "version": str(unit.version),
    } | changes


def test_two_kansli_changing_one_unit_never_overwrite_each_other(
    client: Client, kansli: User
) -> None:
    unit = UnitFactory(name="Vårdcentralen Norr")
    contact = UserFactory(role=Role.VERKSAMHET, full_name="Eva Strand")
    url = reverse("registers:unit", args=[unit.pk])
    first = unit_post(unit, name="Vårdcentralen Norra", contacts=[contact.pk])
    second = unit_post(unit, name="Norra vårdcentralen")  # read at the same version
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Vårdcentralen Norra", 1)
    assert list(unit.members.all()) == [contact]
    text = page_text(response)
    assert "Någon annan ändrade enheten medan du skrev" in text
    assert "Vårdcentralen Norra" in text  # the saved value, beside the form
    assert 'value="Norra vårdcentralen"' in response.content.decode()  # what this one typed
    # Saving again from the conflict page, at the version now saved, is a deliberate choice.
    assert client.post(url, second | {"version": "1"}).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Norra vårdcentralen", 2)


def test_a_unit_s_contacts_are_the_unit_s_people(client: Client, kansli: User) -> None:
    unit = UnitFactory()
    inspector = UserFactory(role=Role.INSPEKTOR)
    with pytest.raises(ValidationError, match="är inte kontaktperson för en enhet"):
        registers.unit_change(
            by=kansli,
            unit=unit,
            version=0,
            name=unit.name,
            kind=unit.kind,
            care_provider=unit.care_provider,
            region=unit.region,
            specialty=unit.specialty,
            contacts=[inspector],
        )


def test_a_tie_recorded_on_the_inspector_s_page_stops_the_assignment(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    unit = UnitFactory()
    inspector = UserFactory(role=Role.INSPEKTOR, full_name="Johan Berg")
    free = UserFactory(role=Role.INSPEKTOR, full_name="Sara Nyqvist")
    url = reverse("registers:inspector", args=[inspector.pk])
    response = client.post(url, {"care_provider": unit.care_provider_id})
    assert response.status_code == 302
    assert Affiliation.objects.filter(inspector=inspector, care_provider=unit.care_provider)
    response = client.post(url, {"care_provider": unit.care_provider_id, "unit": unit.pk})
    assert response.status_code == 422
    assert "Välj antingen en arbetsgivare eller en arbetsplats" in page_text(response)
    review = review_create(by=kansli, unit=unit, protocol=protocol, regulations=("SOSFS 2015:8",))
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert (
        f'<option value="{inspector.pk}" disabled>Johan Berg – ej tillgänglig: är anställd av '
        f"enhetens vårdgivare {unit.care_provider.name}</option>"
    ) in page
    assert f'<option value="{free.pk}">Sara Nyqvist</option>' in page
    with pytest.raises(ValidationError):
        inspector_assign(by=kansli, review=review, inspector=inspector)
    inspector_assign(by=kansli, review=review, inspector=free)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert f'<option value="{free.pk}" disabled>Sara Nyqvist – ej tillgänglig: redan ' in page
    # The tie removed, the inspector may be chosen again.
    tie = Affiliation.objects.get(inspector=inspector)
    remove = reverse("registers:affiliation-remove", args=[inspector.pk, tie.pk])
    assert client.post(remove).status_code == 302
    inspector_assign(by=kansli, review=review, inspector=inspector)


def test_an_observer_s_scope_decides_what_they_read(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    observer = UserFactory(role=Role.OBSERVATOR)
    unit = UnitFactory()
    review = review_create(by=kansli, unit=unit, protocol=protocol, regulations=("SOSFS 2015:8",))
    url = reverse("registers:observer", args=[observer.pk])
    assert client.post(url, {}).status_code == 422
    assert client.post(url, {"region": RegionFactory(name="Region Annan").pk}).status_code == 302
    assert not reviews_visible_to(observer).filter(pk=review.pk).exists()
    assert client.post(url, {"region": unit.region_id}).status_code == 302
    assert reviews_visible_to(observer).filter(pk=review.pk).exists()
    scope = ObserverScope.objects.get(observer=observer, region=unit.region)
    remove = reverse("registers:observer-scope-remove", args=[observer.pk, scope.pk])
    assert client.post(remove).status_code == 302
    assert not reviews_visible_to(observer).filter(pk=review.pk).exists()


def test_the_registers_list_what_they_hold(client: Client, kansli: User) -> None:
    unit = UnitFactory(name="Kirurgkliniken Norrhamn")
    inspector = UserFactory(role=Role.INSPEKTOR, full_name="Amira Haddad")
    registers.affiliation_add(by=kansli, inspector=inspector, unit=unit)
    assert "Kirurgkliniken Norrhamn" in page_text(client.get(reverse("reviews:units")))
    text = page_text(client.get(reverse("registers:inspectors")))
    assert "Amira Haddad" in text
    assert "Kirurgkliniken Norrhamn" in text
    text = page_text(client.get(reverse("registers:care-providers")))
    assert unit.care_provider.name in text
    assert "Vårdgivare" in page_text(client.get(reverse("registers:index")))


def test_the_specialties_load_from_the_list_once(no_catalog: None) -> None:
    Specialty.objects.all().delete()
    Specialty.objects.create(name="allmänmedicin")
    call_command("specialties")
    names = set(Specialty.objects.values_list("name", flat=True))
    assert {"allmänmedicin", "Internmedicin", "Ögonsjukdomar", "Barn- och ungdomspsykiatri"} <= (
        names
    )
    assert "Allmänmedicin" not in names  # registered already, in another case
    assert len(names) == len(registers.specialty_names())
    assert registers.specialties_load() == []


def test_a_unit_is_registered_under_a_provider_chosen_from_the_register(
    client: Client, kansli: User
) -> None:
    provider = CareProviderFactory(name="Region Österå")
    region = RegionFactory()
    contact = UserFactory(role=Role.VERKSAMHET)
    page = client.get(reverse("reviews:units")).content.decode()
    assert re.search(r'<select name="care_provider"[^>]* data-filter', page)
    assert 'name="care_provider_name"' not in page
    response = client.post(
        reverse("reviews:units"),
        {
            "name": "Vårdcentralen Syd",
            "kind": "vardcentral",
            "care_provider": provider.pk,
            "region": region.pk,
            "specialty": Specialty.objects.get_or_create(name="Allmänmedicin")[0].pk,
            "contacts": [contact.pk],
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Vårdcentralen Syd")
    assert (unit.care_provider, list(unit.members.all())) == (provider, [contact])
