"""Faktagranskning: the unit comments on the draft per section; the inspectors answer and
decide; the comments stay with the review."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from granska.lifecycle import Status
from granska.reports.models import CommentDecision, DraftComment
from granska.reports.services import draft_comment_add
from granska.reviews.models import Review
from granska.workflow.moves import review_move
from tests.chain import People

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_unit_comments_the_inspector_answers_and_the_comment_stays(
    client: Client, review: Review, people: People
) -> None:
    report = reverse("reports:html", args=[review.pk])
    client.force_login(people.contact)
    page = text(client.get(report))
    assert page.count("Påpeka ett sakfel i det här avsnittet") == 9  # the summary and A–H
    response = client.post(
        reverse("reports:comment-add", args=[review.pk]),
        {"section": "E", "text": "Vi har fyra handledare, inte tre."},
        follow=True,
    )
    assert "Din kommentar är skickad till inspektörerna." in text(response)
    comment = DraftComment.objects.get(review=review)
    assert (comment.section, comment.by) == ("E", people.contact)

    client.force_login(people.inspector)
    page = text(client.get(report))
    assert "Vi har fyra handledare, inte tre." in page
    assert "Påpeka ett sakfel" not in page  # the inspectors answer, they do not comment
    client.post(
        reverse("reports:comment-answer", args=[review.pk, comment.pk]),
        {"answer": "Rättat i texten.", "decision": CommentDecision.CHANGED},
    )
    comment.refresh_from_db()
    assert (comment.decision, comment.answered_by) == (CommentDecision.CHANGED, people.inspector)

    review_move(review=review, target=Status.SLUTRAPPORT, by=people.kansli)
    client.force_login(people.contact)
    page = text(client.get(report))
    assert "Vi har fyra handledare, inte tre." in page
    assert "Ines Inspektör svarade (Ändrat i rapporten): Rättat i texten." in page
    assert "Påpeka ett sakfel" not in page  # the fact check is over


def test_comments_are_refused_outside_the_fact_check_and_on_unknown_sections(
    review: Review, people: People
) -> None:
    with pytest.raises(ValidationError) as error:
        draft_comment_add(review=review, by=people.contact, section="Q", text="Fel.")
    assert error.value.message_dict == {"section": ["Välj ett avsnitt i rapporten."]}
    with pytest.raises(ValidationError) as error:
        draft_comment_add(review=review, by=people.contact, section="A", text="  ")
    assert error.value.message_dict == {"text": ["Ange din kommentar."]}
    review = review_move(review=review, target=Status.UTKAST, by=people.kansli)
    with pytest.raises(ValidationError) as error:
        draft_comment_add(review=review, by=people.contact, section="A", text="Fel.")
    assert error.value.message_dict == {
        "text": [
            "Kommentarer till utkastet lämnas medan det är hos verksamheten för faktagranskning."
        ]
    }


def test_another_unit_cannot_comment(client: Client, review: Review, people: People) -> None:
    client.force_login(people.other_contact)
    response = client.post(
        reverse("reports:comment-add", args=[review.pk]), {"section": "A", "text": "Fel."}
    )
    assert response.status_code == 404
    assert not DraftComment.objects.exists()
