"""Anonymity as tests (issue 12, SPEC §7): the shape of the rows, not a promise, keeps an answer
apart from the person who gave it.

- The models: an answer has no relation to an invitation, a link or a user, no time, and a
  random id; no table ties an answer to an invitation.
- After a round closes no query can pair them: the invitations and links are gone, the answers
  have new ids and an order that is not the order of arrival.
- A link works once and only while its round is open; two sends of the same link at the same
  moment store one answer.
- An answer stores the group's statements on the scale and nothing else of the request: no IP,
  no user agent, no token, no address."""

import contextlib
import datetime
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from granska.accounts.models import User
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.surveys.models import Answer, Invitation, Link, Round, Statement
from granska.surveys.services import (
    VALUES,
    LinkState,
    LinkUnusable,
    answer_checked,
    answer_submit,
    link_open,
    round_close,
)
from granska.surveys.vocabulary import Group
from tests.builders import review_at
from tests.survey_builders import invited, questionnaire_small, round_for

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)
# What identifies a visitor's request; none of it may be stored.
IP = "203.0.113.77"
FORWARDED_IP = "198.51.100.23"
USER_AGENT = "Testläsaren/9.9 (unik-agent-4711)"


def path_of(token: str) -> str:
    return reverse("surveys:respond", args=[token])


def statement_codes(round_: Round, group: Group) -> list[str]:
    return [
        s.code
        for s in Statement.objects.filter(area__questionnaire=round_.questionnaire)
        if group.value in s.groups
    ]


@pytest.fixture
def round_(protocol: ProtocolVersion) -> Round:
    questionnaire_small(protocol)
    return round_for(review_at(Status.FORBEREDELSE, protocol))


# ---- The models ------------------------------------------------------------------------------


def related_models(model: type[models.Model]) -> set[type[models.Model]]:
    """Every model `model` reaches by a field of its own or that reaches it by one."""
    return {f.related_model for f in model._meta.get_fields() if f.is_relation and f.related_model}


def test_an_answer_relates_to_its_round_only() -> None:
    assert related_models(Answer) == {Round}
    assert not related_models(Answer) & {Invitation, Link, User}
    (round_field,) = [f for f in Answer._meta.get_fields() if f.is_relation]
    assert round_field.name == "round"
    assert isinstance(round_field, models.ForeignKey)
    # Nothing points at an answer: no row of another table can name one.
    assert not [f for f in Answer._meta.get_fields() if f.auto_created and f.is_relation]


def test_an_answer_holds_no_time_and_nothing_of_a_person() -> None:
    names = {f.name for f in Answer._meta.get_fields()}
    assert names == {"id", "round", "group", "values", "free_text"}
    assert not [f for f in Answer._meta.concrete_fields if isinstance(f, TIME_FIELDS)]
    assert not [
        f
        for f in Answer._meta.concrete_fields
        if isinstance(f, models.GenericIPAddressField | models.EmailField)
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
    ]


def test_an_answers_id_is_a_random_uuid() -> None:
    pk = Answer._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4
    assert not isinstance(pk, models.AutoField | models.BigAutoField)
    # The rows are read in the order of that id, never of arrival.
    assert Answer._meta.ordering == ("id",)


def test_no_table_ties_an_answer_to_an_invitation_or_a_link() -> None:
    for model in apps.get_models(include_auto_created=True):
        reached = related_models(model)
        if model is not Round:
            assert not ({Answer} & reached and {Invitation, Link} & reached), model
    # A round reaches both, as their parent: but it holds no key of either.
    assert not [
        f
        for f in Round._meta.concrete_fields
        if f.is_relation and f.related_model in (Answer, Invitation, Link)
    ]


@pytest.mark.django_db
def test_the_answer_table_in_the_database_has_the_columns_of_the_model_only() -> None:
    """The schema itself, not only the model: no column or foreign key a migration could add."""
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        constraints = connection.introspection.get_constraints(cursor, table)
    assert columns == {"id", "round_id", "group", "values", "free_text"}
    foreign = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
    assert foreign == {Round._meta.db_table}


# ---- After the round -------------------------------------------------------------------------


def answer_all(round_: Round, count: int, group: Group = Group.ST_LAKARE) -> list[str]:
    """`count` respondents answering one after the other, each marked by its free text (its
    place in the order of arrival); returns their tokens in that order."""
    addresses = [f"person{n}.{round_.pk}@enhet.test" for n in range(count)]
    tokens = invited(round_, "\n".join(addresses), group)
    codes = statement_codes(round_, group)
    for n, address in enumerate(addresses):
        answer_submit(
            token=tokens[address], values={codes[0]: "helt"}, free_text={"A": f"svar {n}"}
        )
    return [tokens[a] for a in addresses]


def arrival(answers: list[Answer]) -> list[int]:
    return [int(a.free_text["A"].split()[1]) for a in answers]


def physical_order(round_: Round) -> list[int]:
    """The rows as the database hands them out without an ORDER BY (the order they lie in)."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT free_text FROM {table} WHERE round_id = %s", [round_.pk])  # noqa: S608
        texts = [row[0] for row in cursor.fetchall()]
    # SQLite hands out the JSON's text, PostgreSQL the decoded value.
    decoded = [json.loads(t) if isinstance(t, str) else t for t in texts]
    return [int(text["A"].split()[1]) for text in decoded]


@pytest.mark.django_db
def test_after_closing_no_invitation_or_link_remains_and_the_answers_are_new_rows(
    round_: Round,
) -> None:
    tokens = answer_all(round_, 5)
    invited(round_, "ej.svarat@enhet.test", Group.HANDLEDARE)
    before = set(Answer.objects.filter(round=round_).values_list("id", flat=True))
    round_close(by=None, round_=round_)
    assert not Invitation.objects.filter(round=round_).exists()
    assert not Link.objects.filter(invitation__round=round_).exists()
    assert not Link.objects.exists()
    assert not Invitation.objects.exists()
    after = list(Answer.objects.filter(round=round_))
    assert len(after) == 5
    assert not before & {a.id for a in after}
    assert all(a.id.version == 4 for a in after)
    assert sorted(arrival(after)) == list(range(5))
    # What stays is counts per group, no address.
    assert dict(round_.group_counts.values_list("group", "invited")) == {
        "st_lakare": 5,
        "handledare": 1,
    }
    for token in tokens:
        assert link_open(token).state == LinkState.UNKNOWN
    if connection.vendor == "postgresql":
        # Written again in one transaction: not even the system columns say when each came.
        table = Answer._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(DISTINCT xmin::text) FROM {table} WHERE round_id = %s",  # noqa: S608
                [round_.pk],
            )
            assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_after_closing_the_order_of_the_answers_is_not_the_order_of_arrival(
    protocol: ProtocolVersion,
) -> None:
    """Over many rounds, the first to answer is not always first: neither by the id the rows are
    read in, nor in the order the database keeps them. (Before closing the table may keep them
    in the order they came: the invitations still exist then, and the unit sees counts only.)"""
    questionnaire_small(protocol)
    first_by_id, first_in_table, identical = [], [], []
    for _n in range(8):
        round_ = round_for(review_at(Status.FORBEREDELSE, protocol))
        answer_all(round_, 4)
        round_close(by=None, round_=round_)
        by_id = arrival(list(Answer.objects.filter(round=round_).order_by("id")))
        in_table = physical_order(round_)
        assert sorted(by_id) == sorted(in_table) == [0, 1, 2, 3]
        first_by_id.append(by_id[0])
        first_in_table.append(in_table[0])
        identical.append(in_table == [0, 1, 2, 3])
    # Each is a 1 in 4 chance per round, so all eight alike by chance is 1 in 16384.
    assert set(first_by_id) != {0}
    assert set(first_in_table) != {0}
    assert not all(identical)


# ---- A link that leads nowhere -----------------------------------------------------------------


def nothing_answered(client: Client, token: str, round_: Round) -> None:
    """GET and POST of the link answer the neutral page and store nothing."""
    before = Answer.objects.count()
    codes = statement_codes(round_, Group.ST_LAKARE)
    for response in (
        client.get(path_of(token)),
        client.post(path_of(token), {f"s-{codes[0]}": "helt"}),
    ):
        assert response.status_code == 404
        html = response.content.decode()
        assert "Enkätlänken går inte att använda" in html
        assert 'name="s-' not in html
    with pytest.raises(LinkUnusable):
        answer_submit(token=token, values={codes[0]: "helt"}, free_text={})
    assert Answer.objects.count() == before


@pytest.mark.django_db
def test_a_used_link_answers_nothing(client: Client, round_: Round) -> None:
    (token,) = answer_all(round_, 1)
    nothing_answered(client, token, round_)


@pytest.mark.django_db
def test_a_link_past_the_closing_day_answers_nothing(client: Client, round_: Round) -> None:
    token = invited(round_, "sen@enhet.test", Group.ST_LAKARE)["sen@enhet.test"]
    assert link_open(token).state == LinkState.OPEN
    with time_machine.travel(round_.closes_on, tick=False):
        assert link_open(token).state == LinkState.OPEN  # the closing day is the last day
    # The day after, before the nightly job has closed the round.
    day_after = datetime.datetime.combine(
        round_.closes_on + datetime.timedelta(days=1), datetime.time(9), datetime.UTC
    )
    with time_machine.travel(day_after, tick=False):
        assert link_open(token).state == LinkState.CLOSED
        nothing_answered(client, token, round_)


@pytest.mark.django_db
def test_a_link_of_a_closed_round_answers_nothing(client: Client, round_: Round) -> None:
    token = invited(round_, "stangd@enhet.test", Group.ST_LAKARE)["stangd@enhet.test"]
    round_close(by=None, round_=round_)
    nothing_answered(client, token, round_)


@pytest.mark.django_db
def test_an_unknown_token_answers_nothing(client: Client, round_: Round) -> None:
    invited(round_, "finns@enhet.test", Group.ST_LAKARE)
    for token in ("x" * 43, "a", "å" * 30, "x" * 101):
        nothing_answered(client, token, round_)


# ---- The same link sent twice at once ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_of_one_link_store_one_answer(
    protocol: ProtocolVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both requests have opened the link (it was open for both) when either takes the answer:
    the second waits for the first's lock on the invitation, then finds it answered."""
    questionnaire_small(protocol)
    round_ = round_for(review_at(Status.FORBEREDELSE, protocol))
    token = invited(round_, "dubbel@enhet.test", Group.ST_LAKARE)["dubbel@enhet.test"]
    codes = statement_codes(round_, Group.ST_LAKARE)
    both_opened = threading.Barrier(2, timeout=5)
    submit = answer_submit

    def submit_when_both_have_opened(**kwargs: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_opened.wait()
        time.sleep(0.05)
        submit(**kwargs)

    monkeypatch.setattr(
        "granska.web.views.survey_respond.answer_submit", submit_when_both_have_opened
    )
    answers: list[int] = []

    def send(n: int) -> None:
        try:
            response = Client().post(
                path_of(token), {f"s-{codes[0]}": "helt", f"s-{codes[1]}": ["inte_alls", "helt"][n]}
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [200, 404]
    assert Answer.objects.filter(round=round_).count() == 1
    assert Invitation.objects.get(round=round_).answered
    assert not Link.objects.exists()


# ---- What an answer stores ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_stores_the_groups_statements_and_scale_values_only(
    client: Client, round_: Round
) -> None:
    token = invited(round_, "hl@enhet.test", Group.HANDLEDARE)["hl@enhet.test"]
    mine = statement_codes(round_, Group.HANDLEDARE)
    others = set(statement_codes(round_, Group.ST_LAKARE)) - set(mine)
    data = {f"s-{code}": "ganska_bra" for code in mine}
    # Another group's statement, or a value off the scale: refused whole, nothing stored.
    for wrong in ({f"s-{sorted(others)[0]}": "helt"}, {f"s-{mine[0]}": "100"}):
        assert client.post(path_of(token), data | wrong).status_code == 422
        assert not Answer.objects.exists()
    # Fields that are no statement of the form are not kept either.
    extra = {"ip": IP, "s-": "helt", "x-A1": "helt", "tA": "text", "group": "st_lakare"}
    assert client.post(path_of(token), data | extra).status_code == 200
    answer = Answer.objects.get()
    assert answer.group == Group.HANDLEDARE
    assert answer.values == dict.fromkeys(mine, "ganska_bra")
    assert answer.free_text == {}


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.dictionaries(
        st.sampled_from(["A1", "A2", "A3", "B1", "H3", "Z9", "a1", ""]) | st.text(max_size=5),
        st.sampled_from(sorted(VALUES)) | st.text(max_size=12),
        max_size=8,
    )
)
def test_whatever_is_sent_only_the_groups_statements_on_the_scale_are_kept(
    round_: Round, values: dict[str, str]
) -> None:
    allowed = set(statement_codes(round_, Group.ST_LAKARE))
    try:
        kept, _text = answer_checked(round_, Group.ST_LAKARE, values, {})
    except ValidationError:
        assert any(v and (k not in allowed or v not in VALUES) for k, v in values.items())
    else:
        assert set(kept) <= allowed
        assert set(kept.values()) <= VALUES
        assert kept == {k: v for k, v in values.items() if v}


def database_text() -> Iterator[str]:
    """Every value of every row of every table, as text."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    yield value.hex() if isinstance(value, bytes | memoryview) else str(value)


@pytest.mark.django_db
def test_no_ip_user_agent_token_or_address_is_stored(client: Client, round_: Round) -> None:
    address = "sparbar.person@enhet.test"
    token = invited(round_, address, Group.ST_LAKARE)[address]
    codes = statement_codes(round_, Group.ST_LAKARE)
    request = {
        "REMOTE_ADDR": IP,
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_X_FORWARDED_FOR": FORWARDED_IP,
    }
    assert client.get(path_of(token), **request).status_code == 200  # type: ignore[arg-type]
    response = client.post(path_of(token), {f"s-{codes[0]}": "helt"}, **request)  # type: ignore[arg-type]
    assert response.status_code == 200
    stored = "\n".join(database_text())
    for secret in (IP, FORWARDED_IP, USER_AGENT, "unik-agent-4711", token):
        assert secret not in stored
    assert address in stored  # the invitation, until the round closes
    round_close(by=None, round_=round_)
    stored = "\n".join(database_text())
    for secret in (IP, FORWARDED_IP, USER_AGENT, token, address, "sparbar"):
        assert secret not in stored


@pytest.mark.django_db
def test_an_answer_whose_round_closes_while_it_waits_is_refused(
    round_: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link is found, then the round closes (its invitations deleted) before the answer
    locks the invitation's row: the link leads nowhere, it is no error."""
    token = invited(round_, "sen@enhet.test", Group.ST_LAKARE)["sen@enhet.test"]
    found = Link.objects.select_related("invitation").get()
    round_close(by=None, round_=round_)

    class Found:
        """The link as it was read before the close."""

        def filter(self, **_: Any) -> "Found":
            return self

        def select_related(self, *_: Any) -> "Found":
            return self

        def first(self) -> Link:
            return found

    monkeypatch.setattr(Link, "objects", Found())
    with pytest.raises(LinkUnusable) as refused:
        answer_submit(token=token, values={}, free_text={})
    assert refused.value.state == LinkState.CLOSED
    assert not Answer.objects.filter(round=round_).exists()
