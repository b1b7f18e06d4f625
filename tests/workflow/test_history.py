"""A review's history page: filtered by area, person and kind of change, in pages, the filters
in the URL; a fixed number of queries however long the history."""

import datetime
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from granska.accounts.models import Role, User
from granska.catalog.models import ProtocolVersion
from granska.grading.vocabulary import Outcome
from granska.lifecycle import Status
from granska.reports.services import draft_comment_add, draft_comment_answer
from granska.reviews.history import BY_SYSTEM, HistoryEntry
from granska.reviews.models import Review
from granska.reviews.services import finding_record, summary_fingerprint, summary_save
from granska.web.paging import PER_PAGE
from granska.workflow.history import (
    HISTORY_KINDS,
    history_filter,
    history_people,
    review_history,
)
from tests.builders import kansli_user, review_at, walk
from tests.factories import UnitFactory, UserFactory


def history_url(review: Review) -> str:
    return reverse("reviews:history", args=[review.pk])


def entries(response: Any) -> list[HistoryEntry]:
    return list(response.context["entries"])


def text(response: Any) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def anna(db: None) -> User:
    return UserFactory(role=Role.INSPEKTOR, full_name="Anna Andersson")


@pytest.fixture
def bo(db: None) -> User:
    return UserFactory(role=Role.INSPEKTOR, full_name="Bo Berg")


@pytest.fixture
def lived(protocol: ProtocolVersion, anna: User, bo: User) -> Review:
    """A review that has been through every kind of change: booked, inspectors assigned, every
    area assessed (a D in E), the summary written, a comment from the unit answered, the final
    report issued, the plan written and accepted (the report issued again)."""
    review = review_at(
        Status.FAKTAGRANSKNING,
        protocol,
        unit=UnitFactory(name="Barnkliniken Ekudden"),
        regulations=("HSLF-FS 2021:8",),
        inspectors=[anna, bo],
        deviations={"E4": Outcome.EJ_UPPFYLLT},
    )
    summary_save(
        by=bo,
        review=review,
        strengths="Engagerade handledare.",
        weaknesses="",
        improvements="",
        fingerprint=summary_fingerprint(review),
    )
    contact = UserFactory(role=Role.VERKSAMHET, full_name="Eva Strand")
    review.unit.members.add(contact)
    comment = draft_comment_add(
        review=review, by=contact, section="E", text="Vi har två handledare, inte en."
    )
    draft_comment_answer(comment=comment, by=bo, answer="Rättat.", decision="changed")
    return walk(review, Status.UPPFOLJNING)


def test_every_change_says_its_kind_and_every_kind_is_offered(
    client: Client, lived: Review
) -> None:
    history = review_history(lived)
    assert {entry.kind for entry in history} == set(HISTORY_KINDS)
    for kind in HISTORY_KINDS:
        chosen = history_filter(history, kind=kind)
        assert chosen
        assert {entry.kind for entry in chosen} == {kind}
    # Each area's changes carry its code: findings, grades, narratives, actions, comments.
    assert {e.area for e in history_filter(history, kind="finding")} == set("ABCDEFGH")
    assert {e.area for e in history_filter(history, kind="grade")} == set("ABCDEFGH")
    assert {e.area for e in history_filter(history, kind="plan") if e.area} == {"E"}
    assert {e.area for e in history_filter(history, kind="comments")} == {"E"}
    for kind in ("status", "booking", "inspectors", "summary", "report"):
        assert {e.area for e in history_filter(history, kind=kind)} == {""}, kind
    assert [e.new for e in history_filter(history, kind="report")] == ["2", "1"]

    client.force_login(kansli_user())
    url = history_url(lived)
    in_e = client.get(url, {"area": "E"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert in_e.status_code == 200
    assert entries(in_e)
    assert {e.area for e in entries(in_e)} == {"E"}
    page = text(in_e)
    assert "Kriterium E4" in page
    assert "Kriterium A1" not in page
    comments = text(client.get(url, {"area": "E", "kind": "comments"}, HTTP_ACCEPT_LANGUAGE="sv"))
    assert "Bo Berg Kommentar till område E svar – Rättat. (Ändrat i rapporten)" in comments
    assert "Eva Strand Kommentar till område E kommentar – Vi har två handledare, inte en." in (
        comments
    )
    moves = entries(client.get(url, {"kind": "status"}))
    assert [e.new for e in moves][:2] == ["Uppföljning", "Handlingsplan"]
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', html)
    for kind, label in HISTORY_KINDS.items():
        assert (kind, str(label)) in options
    assert ("E", str(lived.protocol.areas.get(code="E"))) in options
    # The people who made changes, by name; Granska itself (the moves it makes) last.
    people = [person.name for person in history_people(review_history(lived))]
    assert people[-1] == "systemet"
    assert people[:-1] == sorted(people[:-1], key=str.casefold)
    assert {"Bo Berg", "Eva Strand", kansli_user().full_name} <= set(people)
    assert (BY_SYSTEM, "systemet") in options


def _area_post(client: Client, review: Review, code: str, version: int, note: str) -> None:
    """The assessment page's form for area `code`, every criterion met, each note `note`."""
    area = review.protocol.areas.get(code=code)
    data = {"version": str(version), "narrative": f"Område {code}: {note}", "grade-2015": "A"}
    data["reason-2015"] = ""
    for criterion in area.criteria.all():
        if criterion.applies_to("SOSFS 2015:8"):
            data |= {
                f"outcome-{criterion.code}": "uppfyllt",
                f"note-{criterion.code}": note,
                f"source-{criterion.code}": "",
            }
    response = client.post(reverse("reviews:assessment", args=[review.pk, code]), data)
    assert response.status_code == 302, response.content.decode()


def test_the_page_filters_by_person_and_each_filter_combines(
    client: Client, protocol: ProtocolVersion, anna: User, bo: User
) -> None:
    review = review_at(Status.BESOK, protocol, regulations=("SOSFS 2015:8",), inspectors=[anna, bo])
    client.force_login(anna)
    _area_post(client, review, "A", 0, "Första")
    _area_post(client, review, "A", 1, "Andra")
    client.force_login(bo)
    _area_post(client, review, "B", 0, "Bos")
    url = history_url(review)

    by_anna = entries(client.get(url, {"person": str(anna.pk)}))
    assert by_anna
    assert {(e.by, e.area) for e in by_anna} == {("Anna Andersson", "A")}
    assert {e.kind for e in by_anna} == {"finding", "grade", "narrative"}
    by_bo = entries(client.get(url, {"person": str(bo.pk)}))
    assert by_bo
    assert {(e.by, e.area) for e in by_bo} == {("Bo Berg", "B")}
    assert entries(client.get(url, {"person": str(bo.pk), "area": "A"})) == []
    assert [
        (e.subject, e.old, e.new)
        for e in entries(client.get(url, {"person": str(anna.pk), "kind": "narrative"}))
    ] == [("Område A", "Område A: Första", "Område A: Andra"), ("Område A", "", "Område A: Första")]

    html = client.get(url, {"person": str(bo.pk)}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert re.search(r'<form method="get" action="[^"]*" class="filters"', html)
    people = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    assert (str(anna.pk), "", "Anna Andersson") in people
    assert (str(bo.pk), " selected", "Bo Berg") in people


def test_the_history_is_paged_and_the_pages_keep_the_filters(
    client: Client, protocol: ProtocolVersion, anna: User
) -> None:
    review = review_at(Status.BESOK, protocol, inspectors=[anna])
    _grow(review, anna, PER_PAGE + 10)
    client.force_login(anna)
    url = history_url(review)
    chosen = history_filter(review_history(review), kind="finding", area="A")
    assert len(chosen) > PER_PAGE
    first = client.get(url, {"kind": "finding", "area": "A"}, HTTP_ACCEPT_LANGUAGE="sv")
    html = first.content.decode()
    assert entries(first) == chosen[:PER_PAGE]
    assert '<nav class="pagination" aria-label="Sidor">' in html
    assert f"{len(chosen)} ändringar, 1–{PER_PAGE} visas" in text(first)
    (following,) = re.findall(r'<a href="([^"]*)" rel="next"', html)
    assert parse_qs(urlsplit(following.replace("&amp;", "&")).query) == {
        "kind": ["finding"],
        "area": ["A"],
        "page": ["2"],
    }
    second = client.get(url, {"kind": "finding", "area": "A", "page": "2"})
    assert entries(second) == chosen[PER_PAGE : PER_PAGE * 2]
    second_html = second.content.decode()
    assert '<time class="date" datetime="' in second_html
    assert 'rel="prev"' in second_html
    assert 'aria-current="page"' in second_html
    assert "Inga ändringar matchar filtren." in text(
        client.get(url, {"kind": "plan"}, HTTP_ACCEPT_LANGUAGE="sv")
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "Z"}, "area"),
        ({"area": "E" * 500}, "area"),
        ({"person": "abc"}, "person"),
        ({"person": "999999999999999999999"}, "person"),
        ({"kind": "lösenord"}, "kind"),
        ({"page": "abc"}, None),
        ({"page": "99999"}, None),
    ],
)
def test_a_bad_filter_is_named_and_left_out(
    client: Client,
    protocol: ProtocolVersion,
    anna: User,
    params: dict[str, str],
    field: str | None,
) -> None:
    review = review_at(Status.BESOK, protocol, inspectors=[anna])
    finding_record(
        by=anna, review=review, criterion=protocol.criteria.get(code="A1"), outcome="uppfyllt"
    )
    client.force_login(anna)
    response = client.get(history_url(review), params, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert len(entries(response)) == len(review_history(review))
    if field:
        html = response.content.decode()
        assert f'<p class="field-error" id="id_{field}_error">Välj ett giltigt alternativ.' in html


def _grow(review: Review, by: User, times: int) -> None:
    """`times` more changes to the findings of area A (and so to its history)."""
    criteria = list(review.protocol.criteria.filter(area__code="A").order_by("code"))
    outcomes = [Outcome.UPPFYLLT, Outcome.DELVIS]
    for n in range(times):
        finding_record(
            by=by,
            review=review,
            criterion=criteria[n % len(criteria)],
            outcome=outcomes[(n // len(criteria)) % 2],
            note=f"Anteckning {n}",
        )


@pytest.mark.parametrize(
    "params", [{}, {"area": "A", "kind": "finding"}, {"page": "2"}, {"person": "system"}]
)
def test_a_page_costs_the_same_queries_however_long_the_history(
    client: Client, protocol: ProtocolVersion, anna: User, params: dict[str, str]
) -> None:
    review = review_at(Status.BESOK, protocol, inspectors=[anna])
    client.force_login(anna)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(history_url(review), params).status_code == 200
        return len(queries)

    _grow(review, anna, 3)
    small = cost()
    _grow(review, anna, PER_PAGE * 3)
    assert len(review_history(review)) > PER_PAGE * 3
    assert cost() == small


def test_changes_made_at_one_moment_are_listed_newest_first(
    protocol: ProtocolVersion, anna: User
) -> None:
    # The demo, an import or one act that makes several moves: the same timestamp for each.
    with time_machine.travel(
        datetime.datetime(2026, 7, 4, 16, 23, tzinfo=datetime.UTC), tick=False
    ):
        review = review_at(Status.UTKAST, protocol, inspectors=[anna])
    moves = history_filter(review_history(review), kind="status")
    assert [(e.old, e.new) for e in moves] == [
        ("Besök", "Utkast"),
        ("Förberedelse", "Besök"),
        ("Bokad", "Förberedelse"),
    ]
