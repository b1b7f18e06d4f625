"""The services keep the domain's rules themselves, for every caller (a page, the API, the
importer, a command): who may act, in which state, with what input."""

import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionPlan, Decision, PlanStatus
from granska.actionplans.services import ItemInput, followup_report, plan_return, plan_save
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reports.models import DraftComment
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews import registers
from granska.reviews.inputs import AreaInput
from granska.reviews.models import Review
from granska.reviews.registers import unit_register
from granska.reviews.services import (
    area_grade_set,
    area_save,
    assessment_write,
    finding_record,
    inspector_assign,
    inspector_unassign,
    review_booking_change,
    review_create,
    summary_fingerprint,
    summary_save,
)
from granska.workflow.moves import final_report_correct, review_move
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import COMPLETE_ITEM, assessor, kansli_user, plan_written, review_at
from tests.chain import People
from tests.factories import RegionFactory, SpecialtyFactory, UnitFactory, UserFactory


def observer() -> User:
    return UserFactory(role=Role.OBSERVATOR)


def assessment_writes(review: Review) -> dict[str, Callable[[User], Any]]:
    """Every write to the inspectors' assessment, as a call by a given person."""
    area = review.protocol.areas.get(code="A")
    criterion = area.criteria.get(code="A1")
    return {
        "finding_record": lambda by: finding_record(
            by=by, review=review, criterion=criterion, outcome=Outcome.UPPFYLLT
        ),
        "assessment_write": lambda by: assessment_write(
            by=by, review=review, area=area, narrative="Text."
        ),
        "area_grade_set": lambda by: area_grade_set(
            by=by, review=review, area=area, regulation="HSLF-FS 2021:8", grade="A"
        ),
        "area_save": lambda by: area_save(
            by=by,
            review=review,
            area=area,
            data=AreaInput(narrative="Text.", version=0),
        ),
        "summary_save": lambda by: summary_save(
            by=by,
            review=review,
            strengths="",
            weaknesses="",
            improvements="",
            fingerprint=summary_fingerprint(review),
        ),
    }


@pytest.mark.parametrize(
    "write",
    ["finding_record", "assessment_write", "area_grade_set", "area_save", "summary_save"],
)
def test_only_those_who_work_on_the_review_write_its_assessment(
    review: Review, people: People, write: str
) -> None:
    call = assessment_writes(review)[write]
    outsiders = [people.contact, people.other_inspector, observer()]
    if write != "summary_save":
        outsiders.append(kansli_user())  # the findings, narratives and grades are the inspectors'
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            call(outsider)
    call(people.inspector)  # the assigned inspector may


@pytest.mark.parametrize("status", [Status.SLUTRAPPORT, Status.AVSLUTAD])
@pytest.mark.parametrize(
    "write",
    ["finding_record", "assessment_write", "area_grade_set", "area_save", "summary_save"],
)
def test_the_assessment_of_an_issued_report_stays_as_issued(
    protocol: ProtocolVersion, status: str, write: str
) -> None:
    review = review_at(status, protocol, regulations=("HSLF-FS 2021:8",))
    by = kansli_user() if write == "summary_save" else assessor(review)
    with pytest.raises(ValidationError) as refused:
        assessment_writes(review)[write](by)
    assert "bedömningen är stängd" in " ".join(refused.value.message_dict["status"])


def test_booking_and_registers_are_the_kansli_s(review: Review, people: People) -> None:
    unit = UnitFactory()
    calls: dict[str, Callable[[User], Any]] = {
        "review_create": lambda by: review_create(
            by=by, unit=unit, protocol=review.protocol, regulations=("HSLF-FS 2021:8",)
        ),
        "unit_register": lambda by: unit_register(
            by=by,
            name="Kliniken",
            kind="klinik",
            care_provider=unit.care_provider,
            region=RegionFactory(),
            specialty=SpecialtyFactory(),
        ),
        "unit_change": lambda by: registers.unit_change(
            by=by,
            unit=unit,
            version=unit.version,
            name="Kliniken",
            kind="klinik",
            care_provider=unit.care_provider,
            region=unit.region,
            specialty=unit.specialty,
            contacts=[],
        ),
        "care_provider_add": lambda by: registers.care_provider_add(by=by, name="Vård AB"),
        "region_add": lambda by: registers.region_add(by=by, name="Region Ny"),
        "specialty_add": lambda by: registers.specialty_add(by=by, name="Ny specialitet"),
        "register_rename": lambda by: registers.register_rename(
            by=by, row=unit.care_provider, name="Vård AB"
        ),
        "affiliation_add": lambda by: registers.affiliation_add(
            by=by, inspector=people.inspector, unit=unit
        ),
        "observer_scope_add": lambda by: registers.observer_scope_add(
            by=by, observer=observer(), region=unit.region
        ),
        "inspector_assign": lambda by: inspector_assign(
            by=by, review=review, inspector=UserFactory(role=Role.INSPEKTOR)
        ),
        "review_booking_change": lambda by: review_booking_change(
            by=by, review=review, visit_date=review.visit_date, publish_report=False
        ),
        "final_report_correct": lambda by: final_report_correct(
            by=by, review=review, reason="Rättat."
        ),
    }
    for name, call in calls.items():
        for outsider in (people.inspector, people.contact, observer()):
            with pytest.raises(PermissionDenied):
                call(outsider)
        assert Review.objects.get(pk=review.pk).publish_report, name


def test_a_review_is_always_booked_first(protocol: ProtocolVersion) -> None:
    review = review_create(
        by=kansli_user(), unit=UnitFactory(), protocol=protocol, regulations=("SOSFS 2015:8",)
    )
    assert review.status == Status.BOKAD
    # Nobody, the demo and the tests included, books a review in a later state.
    assert "status" not in inspect.signature(review_create).parameters


def test_who_may_make_which_move(review: Review, people: People) -> None:
    # The final report is the kansli's; the unit and an observer make no move at all.
    for outsider in (people.inspector, people.contact, observer()):
        with pytest.raises(PermissionDenied):
            review_move(review=review, target=Status.SLUTRAPPORT, by=outsider)
    # A move Granska makes itself is nobody's to choose.
    with pytest.raises(ValidationError):
        review_move(review=review, target=Status.HANDLINGSPLAN, by=people.kansli)
    review_move(review=review, target=Status.UTKAST, by=people.inspector)
    assert Review.objects.get(pk=review.pk).status == Status.UTKAST


def test_the_unit_writes_the_plan_and_the_inspectors_decide(
    plan: ActionPlan, people: People
) -> None:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), COMPLETE_ITEM)
    for outsider in (people.inspector, people.other_contact, observer()):
        with pytest.raises(PermissionDenied):
            plan_save(plan=plan, version=plan.version, items=items, by=outsider, submit=True)
    plan = plan_save(plan=plan, version=plan.version, items=items, by=people.contact, submit=True)
    for outsider in (people.contact, people.other_inspector, observer()):
        with pytest.raises(PermissionDenied):
            plan_accept(plan=plan, by=outsider)
        with pytest.raises(PermissionDenied):
            plan_return(plan=plan, by=outsider, comments={}, comment="Mer.")
    plan = plan_accept(plan=plan, by=people.inspector)
    item = plan.items.first()
    assert item is not None
    with pytest.raises(PermissionDenied):
        followup_report(item=item, by=people.inspector, text="Gjort.")
    report = followup_report(item=item, by=people.contact, text="Gjort.")
    with pytest.raises(PermissionDenied):
        followup_decide(report=report, by=people.contact, decision=Decision.CONFIRMED)


def test_a_plan_is_accepted_only_with_its_responsible_people(
    plan: ActionPlan, people: People
) -> None:
    # Submitted complete, then the responsible person of one action gone (as an import or an
    # edit elsewhere could leave it): acceptance names the action and changes nothing.
    plan = plan_written(plan.review, by=people.contact)
    item = plan.items.first()
    assert item is not None
    type(item).objects.filter(pk=item.pk).update(responsible="")
    with pytest.raises(ValidationError) as refused:
        plan_accept(plan=plan, by=people.inspector)
    assert str(item) in " ".join(refused.value.message_dict["plan"])
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.INLAMNAD
    assert Review.objects.get(pk=plan.review_id).status == Status.HANDLINGSPLAN


def test_the_draft_s_comments_are_the_unit_s_and_the_answers_the_inspectors(
    review: Review, people: People
) -> None:
    for outsider in (people.inspector, people.other_contact, observer()):
        with pytest.raises(PermissionDenied):
            draft_comment_add(review=review, by=outsider, section="A", text="Fel.")
    comment = draft_comment_add(review=review, by=people.contact, section="A", text="Fel.")
    for outsider in (people.contact, people.other_inspector, observer()):
        with pytest.raises(PermissionDenied):
            draft_comment_answer(comment=comment, by=outsider, answer="Rättat.", decision="changed")
    assert DraftComment.objects.get(pk=comment.pk).answered_at is None


def test_errors_are_keyed_by_the_domain(review: Review, people: People) -> None:
    area = review.protocol.areas.get(code="A")
    with pytest.raises(ValidationError) as refused:
        area_save(
            by=people.inspector,
            review=review,
            area=area,
            data=AreaInput(
                findings={"A1": ("kanske", "", "")},
                grades={"HSLF-FS 2021:8": ("D", "")},
                narrative="",
                version=0,
            ),
        )
    keys = set(refused.value.message_dict)
    assert keys == {"findings.A1.outcome", "grades.HSLF-FS 2021:8"}


def test_plan_errors_are_keyed_by_the_item(plan: ActionPlan, people: People) -> None:
    item = plan.items.first()
    assert item is not None
    bad = ItemInput(**(COMPLETE_ITEM.__dict__ | {"completion": "vintern 2027"}))
    with pytest.raises(ValidationError) as refused:
        plan_save(
            plan=plan, version=plan.version, items={item.pk: bad}, by=people.contact, submit=False
        )
    assert set(refused.value.message_dict) == {f"items.{item.pk}.completion"}


def test_the_inspectors_stay_once_the_final_report_names_them(protocol: ProtocolVersion) -> None:
    review = review_at(Status.SLUTRAPPORT, protocol, regulations=("HSLF-FS 2021:8",))
    named = set(review.assignments.values_list("inspector_id", flat=True))
    with pytest.raises(ValidationError) as refused:
        inspector_assign(
            by=kansli_user(), review=review, inspector=UserFactory(role=Role.INSPEKTOR)
        )
    assert "slutrapporten" in " ".join(refused.value.message_dict["inspector"]).lower()
    inspector = review.inspectors.first()
    assert inspector is not None
    with pytest.raises(ValidationError):
        inspector_unassign(by=kansli_user(), review=review, inspector=inspector)
    assert set(review.assignments.values_list("inspector_id", flat=True)) == named


def test_the_first_final_report_s_day_is_filled_in_for_reviews_issued_before_it_was_kept(
    protocol: ProtocolVersion,
) -> None:
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from granska.reports.models import FinalReport

    review = review_at(Status.SLUTRAPPORT, protocol, regulations=("HSLF-FS 2021:8",))
    first = FinalReport.objects.get(review=review, version=1)
    FinalReport.objects.filter(pk=first.pk).update(issued_at=timezone.now() - timedelta(days=400))
    Review.objects.filter(pk=review.pk).update(final_report_date=None)
    migration = importlib.import_module("granska.reports.migrations.0004_review_final_report_date")
    migration.fill(apps, None)
    first.refresh_from_db()
    assert Review.objects.get(pk=review.pk).final_report_date == timezone.localdate(first.issued_at)
