"""The kansli's booking, inspectors and lifecycle moves; home and history pages."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Actor, ReviewFacts, Status, move_problems, moves_from
from granska.reviews.models import Affiliation, Assignment, CareProvider, Review, StatusChange, Unit
from granska.reviews.services import area_grade_set, finding_record, inspector_assign, review_create
from granska.workflow.moves import problem_text, review_move
from tests.builders import assessor, kansli_user, review_at
from tests.factories import CareProviderFactory, UnitFactory, UserFactory

BOTH = ("SOSFS 2015:8", "HSLF-FS 2021:8")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def facts(**changes: Any) -> ReviewFacts:
    base: dict[str, Any] = {
        "status": Status.BOKAD,
        "inspector_count": 2,
        "has_visit_date": True,
        "ungraded": (),
        "has_d": False,
    }
    return ReviewFacts(**(base | changes))


@pytest.mark.parametrize(
    ("kwargs", "target", "words"),
    [
        ({"inspector_count": 1}, Status.FORBEREDELSE, "Två inspektörer"),
        ({"status": Status.FORBEREDELSE, "has_visit_date": False}, Status.BESOK, "Besöksdatum"),
        (
            {"status": Status.UTKAST, "ungraded": ("E (SOSFS 2015:8)",)},
            Status.FAKTAGRANSKNING,
            "E (SOSFS 2015:8)",
        ),
        (
            {"status": Status.FAKTAGRANSKNING, "ungraded": ("A (SOSFS 2015:8)",)},
            Status.SLUTRAPPORT,
            "A (SOSFS 2015:8)",
        ),
        ({"status": Status.SLUTRAPPORT}, Status.HANDLINGSPLAN, "D"),
        ({"status": Status.SLUTRAPPORT, "has_d": True}, Status.AVSLUTAD, "handlingsplan"),
        ({}, Status.SLUTRAPPORT, "kan inte flyttas"),
    ],
)
def test_a_move_that_breaks_a_rule_is_refused_saying_why(
    kwargs: dict[str, Any], target: str, words: str
) -> None:
    given = facts(**kwargs)
    problems = move_problems(given, Status(target), {Actor.KANSLI})
    assert problems
    assert words in " ".join(problem_text(p, given, Status(target)) for p in problems)


def test_every_forward_move_is_allowed_when_its_rule_holds() -> None:
    status = Status.BOKAD
    kansli = {Actor.KANSLI}
    while status != Status.SLUTRAPPORT:
        target = moves_from(status, kansli)[0].target
        assert move_problems(facts(status=status), target, kansli) == []
        status = Status(target)
    assert move_problems(facts(status=status), Status.AVSLUTAD, kansli) == []
    assert move_problems(facts(status=status, has_d=True), Status.HANDLINGSPLAN, kansli) == []


@pytest.fixture
def kansli(db: None) -> User:
    return UserFactory(role=Role.KANSLI)


def test_kansli_adds_a_care_provider_then_registers_a_unit_under_it(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    unit = UnitFactory()  # brings a region and a specialty to choose
    client.force_login(kansli)
    response = client.post(reverse("registers:care-providers"), {"name": "Ny Vård AB"})
    assert response.status_code == 302
    provider = CareProvider.objects.get(name="Ny Vård AB")
    response = client.post(
        reverse("reviews:units"),
        {
            "name": "Vårdcentralen Ny",
            "kind": "vardcentral",
            "region": unit.region.pk,
            "specialty": unit.specialty.pk,
            "care_provider": provider.pk,
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="Vårdcentralen Ny").care_provider == provider


def test_unit_form_errors_name_the_field_and_keep_the_input(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    client.force_login(kansli)
    response = client.post(reverse("reviews:units"), {"name": "Halvfärdig enhet"})
    assert response.status_code == 422
    assert "Halvfärdig enhet" in response.content.decode()
    assert "Detta fält måste fyllas i." in text(response)


def test_kansli_books_a_review(client: Client, kansli: User, protocol: ProtocolVersion) -> None:
    unit = UnitFactory()
    client.force_login(kansli)
    response = client.post(
        reverse("reviews:book"),
        {
            "unit": unit.pk,
            "regulations": ["SOSFS 2015:8"],
            "protocol": protocol.pk,
            "visit_date": "2027-03-04",
        },
    )
    review = Review.objects.get(unit=unit)
    assert response["Location"] == reverse("reviews:detail", args=[review.pk])
    assert (review.regulations, review.status, str(review.visit_date)) == (
        ("SOSFS 2015:8",),
        "bokad",
        "2027-03-04",
    )


def test_booking_without_regulation_is_refused_naming_the_field(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    unit = UnitFactory()
    client.force_login(kansli)
    response = client.post(reverse("reviews:book"), {"unit": unit.pk, "protocol": protocol.pk})
    assert response.status_code == 422
    assert not Review.objects.exists()
    assert "Föreskrifter som granskningen avser" in text(response)


def test_an_inspector_with_ties_to_the_unit_is_refused_with_the_reason(
    protocol: ProtocolVersion,
) -> None:
    provider = CareProviderFactory(name="Region Exempel")
    review = review_create(
        by=kansli_user(),
        unit=UnitFactory(care_provider=provider),
        protocol=protocol,
        regulations=BOTH,
    )
    employed = UserFactory(role=Role.INSPEKTOR, full_name="Anna Anställd")
    Affiliation.objects.create(inspector=employed, care_provider=provider)
    working_there = UserFactory(role=Role.INSPEKTOR, full_name="Bo Bosatt")
    Affiliation.objects.create(inspector=working_there, unit=review.unit)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Region Exempel"):
        inspector_assign(by=kansli_user(), review=review, inspector=employed)
    with pytest.raises(ValidationError, match="arbetar på"):
        inspector_assign(by=kansli_user(), review=review, inspector=working_there)
    assert not Assignment.objects.exists()


def test_at_most_two_inspectors_and_only_inspectors(protocol: ProtocolVersion) -> None:
    from django.core.exceptions import ValidationError

    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=BOTH
    )
    inspector_assign(by=kansli_user(), review=review, inspector=UserFactory(role=Role.INSPEKTOR))
    inspector_assign(by=kansli_user(), review=review, inspector=UserFactory(role=Role.INSPEKTOR))
    with pytest.raises(ValidationError, match="två inspektörer"):
        inspector_assign(
            by=kansli_user(), review=review, inspector=UserFactory(role=Role.INSPEKTOR)
        )
    with pytest.raises(ValidationError, match="inte inspektör"):
        inspector_assign(
            by=kansli_user(), review=review, inspector=UserFactory(role=Role.OBSERVATOR)
        )


def test_kansli_assigns_through_the_page_and_sees_refusals(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=BOTH
    )
    tied = UserFactory(role=Role.INSPEKTOR)
    Affiliation.objects.create(inspector=tied, unit=review.unit)
    fine = UserFactory(role=Role.INSPEKTOR)
    client.force_login(kansli)
    client.post(reverse("reviews:assign", args=[review.pk]), {"inspector": fine.pk})
    response = client.post(
        reverse("reviews:assign", args=[review.pk]), {"inspector": tied.pk}, follow=True
    )
    assert "anknytning" in text(response)
    assert list(review.inspectors.all()) == [fine]
    client.post(reverse("reviews:unassign", args=[review.pk, fine.pk]))
    assert not review.inspectors.exists()


def test_moves_are_recorded_with_who_and_when(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    client.force_login(kansli)
    response = client.post(
        reverse("reviews:move", args=[review.pk]), {"to": "forberedelse"}, follow=True
    )
    assert "Två inspektörer" in text(response)
    review.refresh_from_db()
    assert review.status == Status.BOKAD
    for inspector in UserFactory.create_batch(2, role=Role.INSPEKTOR):
        inspector_assign(by=kansli_user(), review=review, inspector=inspector)
    client.post(reverse("reviews:move", args=[review.pk]), {"to": "forberedelse"})
    review.refresh_from_db()
    assert review.status == Status.FORBEREDELSE
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.by) == ("bokad", "forberedelse", kansli)


# Grades set with no finding recorded: there is no suggestion, so each needs its reason.
UNASSESSED = "Bedömt vid besöket; kriterierna förs in senare."


def test_no_draft_to_the_unit_while_an_area_lacks_a_grade(
    kansli: User, protocol: ProtocolVersion
) -> None:
    from django.core.exceptions import ValidationError

    review = review_at(Status.UTKAST, protocol, unit=UnitFactory(), regulations=BOTH)
    for area in protocol.areas.all():
        for regulation in BOTH:
            if (area.code, regulation) != ("H", "HSLF-FS 2021:8"):
                area_grade_set(
                    by=assessor(review),
                    review=review,
                    area=area,
                    regulation=regulation,
                    grade="A",
                    reason=UNASSESSED,
                )
    with pytest.raises(ValidationError, match=r"H \(HSLF-FS 2021:8\)"):
        review_move(review=review, target=Status.FAKTAGRANSKNING, by=kansli)
    area_grade_set(
        by=assessor(review),
        review=review,
        area=protocol.areas.get(code="H"),
        regulation="HSLF-FS 2021:8",
        grade="A",
        reason=UNASSESSED,
    )
    assert review_move(review=review, target=Status.FAKTAGRANSKNING, by=kansli).status == (
        Status.FAKTAGRANSKNING
    )


def test_an_inspector_may_not_issue_the_final_report(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = review_at(Status.FAKTAGRANSKNING, protocol, unit=UnitFactory(), regulations=BOTH)
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    client.force_login(inspector)
    assert (
        client.post(reverse("reviews:move", args=[review.pk]), {"to": "slutrapport"}).status_code
        == 403
    )
    # A step back is the inspector's too, once confirmed (tests/workflow/test_confirmations.py).
    move = reverse("reviews:move", args=[review.pk])
    assert client.post(move, {"to": "utkast"}).status_code == 200
    review.refresh_from_db()
    assert review.status == Status.FAKTAGRANSKNING
    assert client.post(move, {"to": "utkast", "confirm": "faktagranskning"}).status_code == 302
    review.refresh_from_db()
    assert review.status == Status.UTKAST


def test_home_shows_what_waits_for_the_inspector(client: Client, protocol: ProtocolVersion) -> None:
    review = review_at(
        Status.BESOK, protocol, unit=UnitFactory(name="Enhet Väntar"), regulations=("SOSFS 2015:8",)
    )
    inspector = UserFactory(role=Role.INSPEKTOR)
    Assignment.objects.create(review=review, inspector=inspector)
    review_create(
        by=kansli_user(), unit=UnitFactory(name="Enhet Annan"), protocol=protocol, regulations=BOTH
    )
    Review.objects.filter(pk=review.pk).update(visit_date=datetime.date(2027, 2, 3))
    client.force_login(inspector)
    page = text(client.get(reverse("reviews:home")))
    assert "Enhet Väntar" in page
    booked = review.created_at.date().isoformat()
    assert f"Enhet Väntar {booked} 2027-02-03 Besök" in page
    assert "8 graderingar att sätta" in page
    assert "Enhet Annan" not in page


def test_history_shows_who_changed_what_from_what(
    client: Client, kansli: User, protocol: ProtocolVersion
) -> None:
    review = review_at(Status.BESOK, protocol, unit=UnitFactory(), regulations=("SOSFS 2015:8",))
    inspector = UserFactory(role=Role.INSPEKTOR, full_name="Ida Inspektör")
    Assignment.objects.create(review=review, inspector=inspector)
    client.force_login(inspector)
    data = {"version": "0", "narrative": "Första texten.", "grade-2015": "A", "reason-2015": ""}
    for n in range(1, 5):
        data |= {f"outcome-A{n}": "uppfyllt", f"note-A{n}": "", f"source-A{n}": ""}
    assert (
        client.post(reverse("reviews:assessment", args=[review.pk, "A"]), data).status_code == 302
    )
    data |= {
        "version": "1",
        "outcome-A2": "delvis",
        "narrative": "Andra texten.",
        "grade-2015": "D",
    }
    assert (
        client.post(reverse("reviews:assessment", args=[review.pk, "A"]), data).status_code == 302
    )
    finding_record(
        by=assessor(review),
        review=review,
        criterion=protocol.criteria.get(code="B1"),
        outcome="uppfyllt",
    )
    review_move(review=review, target=Status.UTKAST, by=kansli)
    page = text(client.get(reverse("reviews:history", args=[review.pk])))
    assert "Ida Inspektör Område A, SOSFS 2015:8 gradering A D" in page
    assert f"{kansli.full_name} Status status Besök Utkast" in page
    assert "Kriterium A2 bedömning uppfyllt delvis uppfyllt" in page
    assert "Område A beskrivning Första texten. Andra texten." in page
    assert "systemet" in page  # the change made outside a request


def test_history_is_for_the_people_who_work_on_the_review(
    client: Client, protocol: ProtocolVersion
) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=BOTH
    )
    member = UserFactory(role=Role.VERKSAMHET)
    review.unit.members.add(member)
    client.force_login(member)
    assert client.get(reverse("reviews:history", args=[review.pk])).status_code == 403
