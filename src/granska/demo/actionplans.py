"""The demo's chain after the visit: comments on a draft, and handlingsplaner at every step
(awaited, returned, accepted, in follow-up with an overdue action, closed). Written for Granska;
every name and text is invented. Dates are set relative to the day the demo is loaded, so that
what is due soon or overdue stays so."""

import datetime

from django.conf import settings
from django.utils import timezone

from granska.accounts.models import Role, User
from granska.actionplans.models import ActionItem, ActionPlan, Decision, FollowUpReport
from granska.actionplans.services import ItemInput, followup_report, plan_return, plan_save
from granska.demo.scenarios import DemoReview
from granska.lifecycle import Status, months_after
from granska.reports.models import CommentDecision, FinalReport
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews.models import Review, StatusChange
from granska.workflow.plans import followup_decide, plan_accept

# Planned actions by area, in our own words.
ACTIONS = {
    "A": "Verksamhetschefen skriver riktlinjer för ST och går igenom dem med handledarna.",
    "B": "Studierektorn får en skriftlig uppdragsbeskrivning med avsatt tid.",
    "D": "Varje ST-läkares utbildningsprogram stäms av med studierektorn två gånger om året, "
    "och avstämningen dokumenteras i programmet.",
    "E": "Handledningen schemaläggs varannan vecka och följs upp vid varje avstämning av "
    "utbildningsprogrammet. Bedömningar görs med mini-CEX eller DOPS minst fyra gånger om året.",
    "F": "Kursplaneringen förs in i varje utbildningsprogram.",
    "G": "ST-läkarna får avsatt tid för det skriftliga individuella arbetet.",
    "H": "Ledarskap och kommunikation bedöms i samband med handledningen, med en gemensam mall.",
}
RESPONSIBLE = ("Studierektor Karin Holm", "Verksamhetschef Anders Lund")


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _item_input(item: ActionItem, completion: str, followup: str) -> ItemInput:
    return ItemInput(
        action=ACTIONS[item.area.code],
        completion=completion,
        responsible=RESPONSIBLE[0],
        followup=followup,
        followup_responsible=RESPONSIBLE[1],
    )


def _backdate(review: Review, days_ago: int) -> None:
    """Moves the final report, and the plan's deadline, to `days_ago` days before today."""
    issued = timezone.now() - datetime.timedelta(days=days_ago)
    FinalReport.objects.filter(review=review).update(issued_at=issued)
    Review.objects.filter(pk=review.pk).update(final_report_date=timezone.localdate(issued))
    StatusChange.objects.filter(review=review).update(at=issued)
    ActionPlan.objects.filter(review=review).update(
        due_date=months_after(timezone.localdate(issued), settings.GRANSKA_PLAN_MONTHS)
    )


def demo_chain(review: Review, plan: DemoReview, users: dict[str, User]) -> None:
    """Takes the demo review to the step `plan.chain` names."""
    inspector = users[plan.inspectors[0]]
    kansli = next(user for user in users.values() if user.role == Role.KANSLI)
    contact = review.unit.members.filter(role=Role.VERKSAMHET).first()
    if plan.chain == "comments":
        assert contact is not None
        first = draft_comment_add(
            review=review,
            by=contact,
            section="E",
            text="Kliniken har sedan i våras fem handledare med handledarutbildning, inte tre.",
        )
        draft_comment_answer(
            comment=first,
            by=inspector,
            answer="Tack, rättat i texten under E.",
            decision=CommentDecision.CHANGED,
        )
        draft_comment_add(
            review=review,
            by=contact,
            section="summary",
            text="Utbildningsprogrammen revideras varje höst; vi bifogar rutinen.",
        )
        return
    if plan.final_days_ago:
        _backdate(review, plan.final_days_ago)
    action_plan = ActionPlan.objects.get(review=review)
    unit_user = contact or kansli
    items = list(action_plan.items.select_related("area"))
    if plan.chain == "plan_draft":
        # Begun: the first action written, the rest still open.
        plan_save(
            plan=action_plan,
            version=action_plan.version,
            items={
                items[0].pk: _item_input(
                    items[0],
                    f"Våren {timezone.localdate().year + 1}",
                    f"HT {timezone.localdate().year + 1}",
                )
            },
            by=unit_user,
            submit=False,
        )
        return
    written = {item.pk: _dates(item, n, plan) for n, item in enumerate(items)}
    action_plan = plan_save(
        plan=action_plan, version=action_plan.version, items=written, by=unit_user, submit=True
    )
    if plan.chain == "plan_returned":
        plan_return(
            plan=action_plan,
            by=inspector,
            comments={
                items[0].pk: "Ange vem som ansvarar med namn, och hur ni mäter att handledningen "
                "blir av."
            },
        )
        return
    action_plan = plan_accept(plan=action_plan, by=inspector)
    # The plan was accepted two months after the final report.
    accepted = timezone.now() - datetime.timedelta(days=plan.final_days_ago - 60)
    FinalReport.objects.filter(review=review, version__gt=1).update(issued_at=accepted)
    ActionPlan.objects.filter(pk=action_plan.pk).update(
        decided_at=accepted, submitted_at=accepted - datetime.timedelta(days=5)
    )
    StatusChange.objects.filter(review=review, to_status=Status.UPPFOLJNING).update(at=accepted)
    items = list(action_plan.items.select_related("area"))
    if plan.chain == "followup":
        for n, item in enumerate(items):
            if n % 3 == 1:
                followup_report(item=item, by=unit_user, text="Rutinen är införd och används.")
            elif n % 3 == 2:
                followup_decide(
                    report=followup_report(
                        item=item, by=unit_user, text="Genomfört; protokollet visas vid besök."
                    ),
                    by=kansli,
                    decision=Decision.CONFIRMED,
                )
    if plan.chain == "closed":
        for item in items:
            followup_decide(
                report=followup_report(item=item, by=unit_user, text="Genomfört enligt planen."),
                by=kansli,
                decision=Decision.CONFIRMED,
            )
        closed = accepted + datetime.timedelta(days=200)
        FollowUpReport.objects.filter(item__plan=action_plan).update(
            reported_at=closed - datetime.timedelta(days=10), decided_at=closed
        )
        ActionItem.objects.filter(plan=action_plan).update(confirmed_at=closed)
        StatusChange.objects.filter(review=review, to_status=Status.AVSLUTAD).update(at=closed)


def _dates(item: ActionItem, n: int, plan: DemoReview) -> ItemInput:
    """The dates of the demo's actions: periods next year for a plan under way; around today in
    follow-up, so that one action is overdue, one reported and one confirmed; months after the
    final report for a closed review."""
    if plan.chain == "followup":
        completion, followup = [(-30, 60), (-60, -10), (-90, -40)][n % 3]
        return _item_input(item, _day(completion).isoformat(), _day(followup).isoformat())
    if plan.chain == "closed":
        issued = _day(-plan.final_days_ago)
        return _item_input(
            item, months_after(issued, 6).isoformat(), months_after(issued, 9).isoformat()
        )
    next_year = timezone.localdate().year + 1
    return _item_input(item, f"Q{1 + n % 2} {next_year}", f"december {next_year}")
