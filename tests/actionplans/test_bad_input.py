"""Bad input on the handlingsplan and the draft's comments gets a Swedish answer, never a 500,
and nothing saved is lost; files missing from the storage are not found, not an error."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from granska.actionplans.models import ActionPlan, FollowUpReport
from granska.actionplans.services import ITEM_FIELDS, ItemInput, followup_report, plan_save
from granska.lifecycle import Status
from granska.reports.models import DraftComment, FinalReport
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews.models import Review
from granska.workflow.moves import review_move
from granska.workflow.plans import plan_accept
from tests.builders import review_at
from tests.chain import People
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

FULL = ItemInput(
    action="Åtgärd.",
    completion="Q2 2027",
    responsible="Studierektor",
    followup="Q4 2027",
    followup_responsible="Verksamhetschef",
)


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def delete_stored(file: FieldFile) -> None:
    """The stored file is lost, as a disk fault or a careless clean-up would lose it."""
    assert file.name
    file.storage.delete(file.name)


def test_a_nul_character_in_any_form_is_refused_in_swedish_and_nothing_is_saved(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    item = plan.items.first()
    assert item is not None
    response = client.post(
        reverse("actionplans:plan", args=[plan.review_id]),
        {"version": "0", "intent": "save", f"item-{item.pk}-action": "Inklistrat\x00text"},
    )
    assert response.status_code == 400
    assert "osynligt styrtecken (NUL)" in text(response)
    assert f"item-{item.pk}-action" in text(response)
    item.refresh_from_db()
    assert item.action == ""


def test_an_address_too_long_to_store_is_named_not_a_server_error(
    client: Client, plan: ActionPlan, people: People
) -> None:
    client.force_login(people.contact)
    item = plan.items.first()
    assert item is not None
    address = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "se"  # valid in form, 300+ characters
    assert len(address) > 254
    data = {"version": "0", "intent": "save"}
    for pk in plan.items.values_list("pk", flat=True):
        data |= {f"item-{pk}-{name}": "" for name in ITEM_FIELDS}
    data[f"item-{item.pk}-responsible_email"] = address
    response = client.post(reverse("actionplans:plan", args=[plan.review_id]), data)
    assert response.status_code == 422
    assert f"E-postadressen får vara högst 254 tecken; den är {len(address)}." in text(response)


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), FULL)
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    return plan_accept(plan=plan, by=people.inspector)


def test_a_report_sent_twice_is_one_report(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    client.force_login(people.contact)
    url = reverse("actionplans:report", args=[accepted.review_id, item.pk])
    client.post(url, {"text": "Gjort."})
    response = client.post(url, {"text": "Gjort."}, follow=True)
    assert "väntar på svar" in text(response)
    assert FollowUpReport.objects.filter(item=item).count() == 1
    with pytest.raises(ValidationError) as error:
        followup_report(item=item, by=people.contact, text="En gång till.")
    assert error.value.message_dict == {
        "text": ["Redovisningen av åtgärden väntar på svar; den kan inte kompletteras nu."]
    }


def test_a_missing_attachment_or_report_file_is_not_found(
    client: Client, accepted: ActionPlan, people: People
) -> None:
    item = accepted.items.first()
    assert item is not None
    report = followup_report(
        item=item,
        by=people.contact,
        text="Gjort.",
        attachment=SimpleUploadedFile("rutin.txt", b"Rutin"),
    )
    delete_stored(report.attachment)
    client.force_login(people.contact)
    url = reverse("actionplans:attachment", args=[accepted.review_id, report.pk])
    assert client.get(url).status_code == 404

    final = FinalReport.objects.filter(review=accepted.review, replaced_at__isnull=True).get()
    delete_stored(final.pdf)
    assert client.get(reverse("reports:pdf", args=[accepted.review_id])).status_code == 404
    delete_stored(final.public_pdf)  # the public copy is a file of its own
    assert Client().get(reverse("published:pdf", args=[accepted.review_id])).status_code == 404


def test_a_review_marked_final_without_an_issued_report_is_not_listed(
    client: Client, protocol: Any
) -> None:
    review = review_at(
        Status.FAKTAGRANSKNING, protocol, unit=UnitFactory(), regulations=("SOSFS 2015:8",)
    )
    # No move closes a review without its final report: only an edit of the database could.
    Review.objects.filter(pk=review.pk).update(status=Status.AVSLUTAD)
    assert review.unit.name not in text(client.get(reverse("published:list")))
    assert client.get(reverse("published:pdf", args=[review.pk])).status_code == 404


def test_the_final_report_waits_for_every_comment_to_be_answered(
    review: Review, people: People
) -> None:
    comment = draft_comment_add(review=review, by=people.contact, section="A", text="Fel år.")
    with pytest.raises(ValidationError, match="inte besvarad"):
        review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    draft_comment_answer(comment=comment, by=people.inspector, answer="Rättat.", decision="changed")
    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    later = DraftComment.objects.create(review=review, section="B", text="Sent.", by=people.contact)
    with pytest.raises(ValidationError, match="utfärdad"):
        draft_comment_answer(comment=later, by=people.inspector, answer="x", decision="changed")
