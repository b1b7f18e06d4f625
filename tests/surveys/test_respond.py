"""The respondent's page (`surveys:respond`): the form of the link's group, the answer taken once,
one neutral page for a link that leads nowhere, the headers, and no token in the logs."""

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse

from granska.lifecycle import Status
from granska.surveys.models import Answer, Round, Statement
from granska.surveys.services import round_close
from granska.surveys.vocabulary import Group
from tests.builders import review_at
from tests.survey_builders import invited, questionnaire_small, round_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(protocol: Any) -> Round:
    questionnaire_small(protocol)
    return round_for(review_at(Status.FORBEREDELSE, protocol))


def link(round_: Round, group: Group, address: str = "svarande@enhet.test") -> str:
    return reverse("surveys:respond", args=[invited(round_, address, group)[address]])


def codes(round_: Round, group: Group) -> list[str]:
    return [
        s.code
        for s in Statement.objects.filter(area__questionnaire=round_.questionnaire)
        if group.value in s.groups
    ]


def radios(html: str) -> set[str]:
    return set(re.findall(r'type="radio" name="(s-[^"]+)"', html))


def test_the_form_shows_the_groups_statements_only_with_the_scale_and_the_notes(
    client: Client, round_: Round
) -> None:
    response = client.get(link(round_, Group.HANDLEDARE))
    assert response.status_code == 200
    html = response.content.decode()
    assert radios(html) == {f"s-{code}" for code in codes(round_, Group.HANDLEDARE)}
    assert {"s-A2", "s-A3"}.isdisjoint(radios(html))
    # The five steps of the scale, for every statement.
    for label in (
        "Stämmer helt",
        "Stämmer ganska bra",
        "Stämmer ganska dåligt",
        "Stämmer inte alls",
        "Ej relevant",
    ):
        assert html.count(f"> {label}</label>") == len(codes(round_, Group.HANDLEDARE))
    areas = round_.questionnaire.areas.count()
    assert html.count('class="fieldset survey-area"') == areas
    assert html.count('name="t-') == areas
    assert "läses bara av inspektörerna" in html
    assert "Enkäten är anonym" in html
    assert "minst 4" in html
    assert round_.closes_on.isoformat() in html
    assert f'0</span> av <span class="survey-total">{areas}</span> påståenden' in html
    assert 'lang="sv"' in html
    assert "når inspektörerna som dina" not in html


@pytest.mark.parametrize("group", [Group.STUDIEREKTOR, Group.VERKSAMHETSCHEF])
def test_the_identifiable_groups_are_told_their_answers_are_theirs(
    client: Client, round_: Round, group: Group
) -> None:
    html = client.get(link(round_, group)).content.decode()
    assert "Dina svar når inspektörerna som dina" in html
    assert "aldrig med i en rapport, en export eller statistiken" in html
    assert "Enkäten är anonym" not in html
    assert radios(html) == {f"s-{code}" for code in codes(round_, group)}


def test_the_page_is_in_english_when_chosen(client: Client, round_: Round) -> None:
    path = link(round_, Group.ST_LAKARE)
    client.post(reverse("set_language"), {"language": "en", "next": path})
    html = client.get(path).content.decode()
    assert 'lang="en"' in html
    assert "Agree completely" in html
    assert "The survey is anonymous" in html
    assert "Send the answers" in html


def test_answers_are_taken_once_and_thanked_for(client: Client, round_: Round) -> None:
    path = link(round_, Group.ST_LAKARE)
    response = client.post(
        path, {"s-A1": "helt", "s-B2": "ej_relevant", "t-A": " Bra. ", "s-C1": ""}
    )
    assert response.status_code == 200
    assert "Tack för dina svar" in response.content.decode()
    answer = Answer.objects.get()
    assert answer.values == {"A1": "helt", "B2": "ej_relevant"}
    assert answer.free_text == {"A": "Bra."}
    assert answer.group == Group.ST_LAKARE
    again = client.get(path)
    assert again.status_code == 404
    assert client.post(path, {"s-A1": "inte_alls"}).status_code == 404
    assert Answer.objects.get().values == {"A1": "helt", "B2": "ej_relevant"}


def test_an_empty_answer_is_allowed(client: Client, round_: Round) -> None:
    assert client.post(link(round_, Group.ST_LAKARE), {}).status_code == 200
    assert Answer.objects.get().values == {}


def test_a_value_off_the_scale_is_named_beside_its_statement_and_the_rest_kept(
    client: Client, round_: Round
) -> None:
    path = link(round_, Group.ST_LAKARE)
    response = client.post(path, {"s-A1": "kanske", "s-A2": "ganska_bra", "t-B": "Min text"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Påstående A1: välj ett av svaren på skalan." in html
    assert 'href="#s-A1-helt"' in html
    assert 'id="s-A1-error"' in html
    assert 'value="ganska_bra" checked' in html
    assert ">Min text</textarea>" in html
    assert "data-survey-posted" in html
    assert not Answer.objects.exists()
    # The link still works: the respondent corrects and sends.
    assert client.post(path, {"s-A1": "helt", "s-A2": "ganska_bra"}).status_code == 200
    assert Answer.objects.get().values == {"A1": "helt", "A2": "ganska_bra"}


def test_a_statement_of_another_group_is_refused_with_a_message(
    client: Client, round_: Round
) -> None:
    response = client.post(link(round_, Group.HANDLEDARE), {"s-A2": "helt", "s-A1": "helt"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "A2 är inte ett påstående i den här enkäten." in html
    assert 'name="s-A1" id="s-A1-helt" value="helt" checked' in html
    assert not Answer.objects.exists()


def test_too_long_a_free_text_is_named_beside_its_field(client: Client, round_: Round) -> None:
    response = client.post(link(round_, Group.ST_LAKARE), {"t-A": "x" * 4001, "s-A1": "helt"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="t-A-error"' in html
    assert "Högst 4000 tecken." in html
    assert 'href="#t-A"' in html


def test_every_link_that_leads_nowhere_gets_the_same_page(client: Client, round_: Round) -> None:
    used = link(round_, Group.ST_LAKARE, "a@enhet.test")
    client.post(used, {"s-A1": "helt"})
    open_ = link(round_, Group.ST_LAKARE, "b@enhet.test")
    closed_before = link(round_, Group.HANDLEDARE, "c@enhet.test")
    round_close(by=None, round_=round_)
    pages = []
    for path in (used, closed_before, reverse("surveys:respond", args=["x" * 43]), open_):
        for response in (client.get(path), client.post(path, {"s-A1": "helt"})):
            assert response.status_code == 404
            assert response["Cache-Control"].count("no-store") == 1
            assert response["Referrer-Policy"] == "strict-origin"
            html = response.content.decode()
            # The same page but for the form's CSRF token and the language menu's way back.
            html = re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", html
            )
            pages.append(re.sub(r'name="next" value="[^"]+"', "", html))
            assert "Enkätlänken går inte att använda" in html
    assert len(set(pages)) == 1
    assert Answer.objects.count() == 1


def test_the_page_is_neither_cached_nor_referred(client: Client, round_: Round) -> None:
    path = link(round_, Group.ST_LAKARE)
    for response in (client.get(path), client.post(path, {"s-A1": "x"}), client.post(path)):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "strict-origin"
        html = response.content.decode()
        # No resource of another site.
        assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.fixture
def request_logs() -> Iterator[dict[str, io.StringIO]]:
    """What the configured handlers of django.request and django.server write (caplog listens
    on those loggers too)."""
    streams: dict[str, io.StringIO] = {}
    kept: list[tuple[logging.StreamHandler[Any], Any]] = []
    for name in ("django.request", "django.server"):
        streams[name] = io.StringIO()
        configured = [
            h for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler
        ]
        assert configured, name
        for handler in configured:
            kept.append((handler, handler.setStream(streams[name])))
    yield streams
    for handler, stream in kept:
        handler.setStream(stream)


def test_no_token_reaches_a_log(
    client: Client,
    round_: Round,
    caplog: pytest.LogCaptureFixture,
    request_logs: dict[str, io.StringIO],
) -> None:
    path = link(round_, Group.ST_LAKARE)
    token = path.split("/")[-2]
    caplog.set_level(logging.INFO)
    # django.request: "Unprocessable Content: /enkat/<token>/" and "Not Found: /enkat/<token>/".
    assert client.post(path, {"s-A1": "kanske"}).status_code == 422
    client.post(path, {"s-A1": "helt"})
    assert client.get(path).status_code == 404
    # The development server's request line, as runserver writes it.
    server = WSGIRequestHandler.__new__(WSGIRequestHandler)
    server.request = None  # type: ignore[assignment]
    server.requestline = f"GET {path} HTTP/1.1"
    server.log_request(404, 1234)
    records = [r for r in caplog.records if r.name in ("django.request", "django.server")]
    assert {r.name for r in records} == {"django.request", "django.server"}
    assert "Not Found: /enkat/…/" in caplog.text
    assert '"GET /enkat/…/ HTTP/1.1" 404 1234' in caplog.text
    assert token not in caplog.text
    written = request_logs["django.request"].getvalue() + request_logs["django.server"].getvalue()
    assert "/enkat/…/" in written
    assert token not in written
    assert all(getattr(r, "request", None) is None for r in records if r.name == "django.request")
