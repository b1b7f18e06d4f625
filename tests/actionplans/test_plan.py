"""The handlingsplan from the final report with a D to the closed review: opened with the right
items, written and submitted by the unit, returned or accepted by the inspectors (the D adjusted
to C in the report), then followed up action by action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from granska.actionplans.models import (
    ActionItem,
    ActionPlan,
    Decision,
    FollowUp,
    PlanStatus,
)
from granska.actionplans.services import (
    ItemInput,
    PlanConflict,
    followup_report,
    plan_return,
    plan_save,
)
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status, months_after
from granska.reports.models import FinalReport
from granska.reviews.models import AreaGrade, Review, StatusChange
from granska.reviews.selectors import review_next_due
from granska.reviews.services import area_grade_set
from granska.workflow.history import review_history
from granska.workflow.moves import review_move
from granska.workflow.plans import followup_decide, plan_accept
from tests.builders import assessor
from tests.chain import People, graded_review
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.django_db

COMPLETE = ItemInput(
    action="Studierektor går igenom varje IUP med ST-läkaren två gånger om året.",
    completion="Våren 2027",
    responsible="Studierektor Nils Ek",
    responsible_email="nils.ek@enheten.example",
    followup="2027-09-01",
    followup_responsible="Verksamhetschef Mona Berg",
)


def codes(plan: ActionPlan) -> list[str]:
    return [str(item) for item in plan.items.select_related("area", "criterion")]


def fill(plan: ActionPlan, data: ItemInput = COMPLETE) -> dict[int, ItemInput]:
    return dict.fromkeys(plan.items.values_list("pk", flat=True), data)


def submitted(plan: ActionPlan, people: People) -> ActionPlan:
    return plan_save(
        plan=plan, version=plan.version, items=fill(plan), by=people.contact, submit=True
    )


def test_a_final_report_with_a_d_opens_a_plan_for_each_foreskrift_not_met(
    review: Review, plan: ActionPlan
) -> None:
    review.refresh_from_db()
    assert review.status == Status.HANDLINGSPLAN
    # D7, E4 and H2 are föreskrifter not fully met in D areas; E9 (allmänt råd) and B9
    # (kvalitetsindikator) need no action.
    assert codes(plan) == ["D7", "E4", "H2"]
    assert plan.status == PlanStatus.UTKAST
    assert plan.due_date == months_after(timezone.localdate(), 3)
    moves = list(
        StatusChange.objects.filter(review=review)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )
    assert moves[-2:] == [
        (Status.FAKTAGRANSKNING, Status.SLUTRAPPORT),
        (Status.SLUTRAPPORT, Status.HANDLINGSPLAN),
    ]


def test_a_final_report_without_a_d_opens_no_plan(
    protocol: ProtocolVersion, people: People
) -> None:
    review = graded_review(protocol, {"E9": Outcome.DELVIS})
    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    review.refresh_from_db()
    assert review.status == Status.SLUTRAPPORT
    assert not ActionPlan.objects.filter(review=review).exists()


def test_a_d_set_against_the_findings_gets_an_action_for_the_area_as_a_whole(
    protocol: ProtocolVersion, people: People
) -> None:
    review = graded_review(protocol, {"F3": Outcome.DELVIS})
    area_grade_set(
        by=assessor(review),
        review=review,
        area=protocol.areas.get(code="F"),
        regulation="HSLF-FS 2021:8",
        grade="D",
        reason="Kurserna ställs in gång på gång.",
    )
    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    plan = ActionPlan.objects.get(review=review)
    (item,) = plan.items.all()
    assert (item.area.code, item.criterion) == ("F", None)


def test_months_after_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_after(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert months_after(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)
    assert months_after(datetime.date(2026, 1, 15), 12 * 5) == datetime.date(2031, 1, 15)


def test_a_draft_may_be_incomplete_but_never_holds_an_unreadable_date(
    plan: ActionPlan, people: People
) -> None:
    first = plan.items.first()
    assert first is not None
    partial = {first.pk: ItemInput(action="Ett första utkast.")}
    plan = plan_save(plan=plan, version=0, items=partial, by=people.contact, submit=False)
    first.refresh_from_db()
    assert (plan.status, plan.version, first.action) == (PlanStatus.UTKAST, 1, "Ett första utkast.")

    unreadable = {first.pk: ItemInput(action="Ändrat.", completion="snart")}
    with pytest.raises(ValidationError) as error:
        plan_save(plan=plan, version=1, items=unreadable, by=people.contact, submit=False)
    message = " ".join(error.value.message_dict[f"items.{first.pk}.completion"])
    assert "”snart”" in message
    # The accepted forms are shown.
    assert "våren 2027" in message
    assert "Q2 2026" in message
    first.refresh_from_db()
    assert first.action == "Ett första utkast."  # nothing of the refused save was kept


def test_submitting_needs_every_field_and_keeps_each_date_as_written(
    plan: ActionPlan, people: People
) -> None:
    items = fill(plan)
    first_pk = next(iter(items))
    items[first_pk] = ItemInput(action="Bara en åtgärd.")
    with pytest.raises(ValidationError) as error:
        plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    fields = error.value.message_dict
    for field in ("completion", "responsible", "followup", "followup_responsible"):
        assert f"items.{first_pk}.{field}" in fields
    assert plan.items.get(pk=first_pk).action == ""

    plan = submitted(plan, people)
    assert (plan.status, plan.submitted_by) == (PlanStatus.INLAMNAD, people.contact)
    item = plan.items.get(pk=first_pk)
    assert (item.completion_text, item.completion_date) == (
        "Våren 2027",
        datetime.date(2027, 5, 31),
    )
    assert (item.followup_text, item.followup_date) == ("2027-09-01", datetime.date(2027, 9, 1))
    with pytest.raises(ValidationError) as error:  # submitted: no longer the unit's to change
        plan_save(
            plan=plan, version=plan.version, items=fill(plan), by=people.contact, submit=False
        )

    assert error.value.message_dict == {"plan": ["Planen är inlämnad och kan inte ändras."]}


def test_a_follow_up_before_the_action_is_done_is_refused(plan: ActionPlan, people: People) -> None:
    early = ItemInput(**{**COMPLETE.__dict__, "completion": "december 2027", "followup": "Q1 2027"})
    with pytest.raises(ValidationError) as error:
        plan_save(plan=plan, version=0, items=fill(plan, early), by=people.contact, submit=True)
    assert all("followup" in key for key in error.value.message_dict)


def test_a_bad_address_and_too_long_a_name_are_named(plan: ActionPlan, people: People) -> None:
    bad = ItemInput(
        **{**COMPLETE.__dict__, "responsible_email": "nils.ek", "responsible": "x" * 201}
    )
    with pytest.raises(ValidationError) as error:
        plan_save(plan=plan, version=0, items=fill(plan, bad), by=people.contact, submit=False)
    keys = set(error.value.message_dict)
    assert any(key.endswith(".responsible_email") for key in keys)
    assert any(key.endswith(".responsible") for key in keys)


def test_a_save_based_on_an_older_version_is_a_conflict(plan: ActionPlan, people: People) -> None:
    plan_save(plan=plan, version=0, items=fill(plan), by=people.contact, submit=False)
    with pytest.raises(PlanConflict) as conflict:
        plan_save(
            plan=plan,
            version=0,
            items=fill(plan, ItemInput(action="Äldre.")),
            by=people.contact,
            submit=False,
        )
    assert conflict.value.current.version == 1
    assert set(plan.items.values_list("action", flat=True)) == {COMPLETE.action}


def test_returning_needs_a_comment_and_gives_the_plan_back_to_the_unit(
    plan: ActionPlan, people: People
) -> None:
    plan = submitted(plan, people)
    with pytest.raises(ValidationError) as error:
        plan_return(plan=plan, by=people.inspector, comments={})
    assert error.value.message_dict == {
        "comment": ["Säg vad verksamheten ska ändra: kommentera minst en åtgärd."]
    }
    first = plan.items.first()
    assert first is not None
    plan = plan_return(
        plan=plan,
        by=people.inspector,
        comments={first.pk: "Ange vem som ansvarar, inte bara en roll."},
    )
    first.refresh_from_db()
    assert (plan.status, plan.decided_by) == (PlanStatus.ATERFORVISAD, people.inspector)
    assert first.return_comment == "Ange vem som ansvarar, inte bara en roll."
    assert plan.writable
    plan = submitted(plan, people)
    assert plan.status == PlanStatus.INLAMNAD


def test_accepting_adjusts_each_d_keeps_it_in_history_and_issues_the_report_again(
    review: Review, plan: ActionPlan, people: People
) -> None:
    with pytest.raises(ValidationError) as error:  # a draft is not for the inspectors to accept
        plan_accept(plan=plan, by=people.inspector)
    assert error.value.message_dict == {
        "plan": ["Bara en inlämnad plan kan godkännas eller återförvisas; den här är utkast."]
    }
    plan = plan_accept(plan=submitted(plan, people), by=people.inspector)
    review.refresh_from_db()
    assert (plan.status, review.status) == (PlanStatus.GODKAND, Status.UPPFOLJNING)

    d_grades = AreaGrade.objects.filter(assessment__review=review, grade="D")
    assert sorted(g.assessment.area.code for g in d_grades) == ["D", "E", "H"]
    assert {g.adjusted_grade for g in d_grades} == {"C"}
    adjustments = [
        (entry.subject, entry.old, entry.new)
        for entry in review_history(review)
        if entry.field == "gradering efter handlingsplanen"
    ]
    assert sorted(adjustments) == [
        (f"Område {code}, HSLF-FS 2021:8", "", "C") for code in ("D", "E", "H")
    ]

    first, second = FinalReport.objects.filter(review=review).order_by("version")
    assert first.replaced_by == second
    text = flat(" ".join(pdf_pages(second.pdf.read())))
    # Once in each adjusted area (D, E and H), after its narrative.
    assert text.count("Handlingsplan mottagen. Gradering justerad till C.") == 3
    assert "HANDLINGSPLAN" in text
    assert COMPLETE.action is not None
    assert COMPLETE.action in text
    assert "Våren 2027" in text
    assert "Studierektor Nils Ek" in text
    assert "Handlingsplan mottagen" not in flat(" ".join(pdf_pages(first.pdf.read())))


def test_a_d_on_an_a_b_d_scale_is_adjusted_to_b(protocol: ProtocolVersion, people: People) -> None:
    review = graded_review(protocol, {"A1": Outcome.EJ_UPPFYLLT})
    review.unit.members.add(people.contact)
    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    plan = ActionPlan.objects.get(review=review)
    plan_accept(plan=submitted(plan, people), by=people.kansli)
    grade = AreaGrade.objects.get(assessment__review=review, assessment__area__code="A")
    assert (grade.grade, grade.adjusted_grade) == ("D", "B")


def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    return plan_accept(plan=submitted(plan, people), by=people.inspector)


def test_follow_up_is_reported_answered_and_the_review_closes_when_all_are_confirmed(
    review: Review, plan: ActionPlan, people: People
) -> None:
    plan = accepted(plan, people)
    items = list(plan.items.all())
    report = followup_report(item=items[0], by=people.contact, text="Rutinen är införd.")
    items[0].refresh_from_db()
    assert items[0].followup == FollowUp.REPORTED
    with pytest.raises(ValidationError) as error:  # asking for more says what
        followup_decide(report=report, by=people.inspector, decision=Decision.MORE)
    assert error.value.message_dict == {
        "comment": ["Säg vad mer verksamheten ska göra eller visa."]
    }
    followup_decide(
        report=report, by=people.inspector, decision=Decision.MORE, comment="Bifoga rutinen."
    )
    items[0].refresh_from_db()
    assert items[0].followup == FollowUp.MORE

    again = followup_report(item=items[0], by=people.contact, text="Rutinen bifogas.")
    with pytest.raises(ValidationError) as error:  # the first report is answered already
        followup_decide(report=report, by=people.kansli, decision=Decision.CONFIRMED)
    assert error.value.message_dict == {"decision": ["Redovisningen är redan besvarad."]}
    for item in items[1:]:
        followup_decide(
            report=followup_report(item=item, by=people.contact, text="Gjort."),
            by=people.kansli,
            decision=Decision.CONFIRMED,
        )
    review.refresh_from_db()
    assert review.status == Status.UPPFOLJNING  # one action is still not confirmed
    followup_decide(report=again, by=people.inspector, decision=Decision.CONFIRMED)
    review.refresh_from_db()
    assert review.status == Status.AVSLUTAD
    assert all(item.confirmed_at for item in ActionItem.objects.filter(plan=plan))
    with pytest.raises(ValidationError) as error:
        followup_report(item=items[0], by=people.contact, text="Mer.")
    assert error.value.message_dict == {"text": ["Åtgärden är redan bekräftad som uppföljd."]}
    issued = FinalReport.objects.filter(review=review).order_by("version").first()
    assert issued is not None
    assert review_next_due(review) == months_after(timezone.localdate(issued.issued_at), 60)


def test_follow_up_waits_for_the_accepted_plan(plan: ActionPlan, people: People) -> None:
    item = plan.items.first()
    assert item is not None
    with pytest.raises(ValidationError) as error:
        followup_report(item=item, by=people.contact, text="För tidigt.")
    assert error.value.message_dict == {"text": ["Åtgärderna följs upp när planen är godkänd."]}
