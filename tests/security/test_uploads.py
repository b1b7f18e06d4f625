"""The follow-up uploads and the reminders: only documents a unit sends as evidence are taken,
a file too large is refused before or while it arrives (never after all of it), and a reminder
nobody could be sent waits for someone to send it to."""

import datetime
import io
import zipfile
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.actionplans.attachments import attachment_check
from granska.actionplans.models import ActionItem, ActionPlan, FollowUp, FollowUpReport, Reminder
from granska.actionplans.services import ItemInput, followup_report, plan_save
from granska.uploads import MAX_UPLOAD_BYTES
from granska.workflow.plans import plan_accept
from tests.chain import People

pytestmark = pytest.mark.django_db

ITEM = ItemInput(
    action="Rutin för revision av utbildningsprogram.",
    completion="2027-03-31",
    responsible="Nils Ek",
    responsible_email="nils.ek@enheten.example",
    followup="Q2 2027",
    followup_responsible="Mona Berg",
    followup_responsible_email="mona.berg@enheten.example",
)
ACCEPTED_LIST = (
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), PNG, JPEG eller vanlig text "
    "(.txt)"
)


@pytest.fixture
def accepted(plan: ActionPlan, people: People) -> ActionPlan:
    items = dict.fromkeys(plan.items.values_list("pk", flat=True), ITEM)
    plan = plan_save(plan=plan, version=0, items=items, by=people.contact, submit=True)
    return plan_accept(plan=plan, by=people.inspector)


@pytest.fixture
def item(accepted: ActionPlan) -> ActionItem:
    first = accepted.items.order_by("position").first()
    assert first is not None
    return first


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odf(kind: str) -> bytes:
    return zipped(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
        }
    )


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"

GOOD_FILES = [
    ("rutin.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    ("Rutin.PDF", b"%PDF-1.4\n"),
    ("protokoll.docx", DOCX),
    ("schema.xlsx", XLSX),
    ("protokoll.odt", odf("text")),
    ("schema.ods", odf("spreadsheet")),
    ("lokal.png", PNG),
    ("lokal.jpg", JPEG),
    ("lokal.jpeg", JPEG),
    ("rutin.txt", "Rutinen för handledning är antagen – se bilaga.\n".encode()),
]


@pytest.mark.parametrize(("name", "content"), GOOD_FILES)
def test_the_documents_a_unit_sends_as_evidence_are_taken(
    item: ActionItem, people: People, name: str, content: bytes
) -> None:
    report = followup_report(
        item=item,
        by=people.contact,
        text="Åtgärden är genomförd.",
        attachment=SimpleUploadedFile(name, content),
    )
    with report.attachment.open("rb") as stored:
        assert stored.read() == content


BAD_TYPES = ["program.exe", "sida.html", "bild.svg", "makro.docm", "rutin", "arkiv.zip"]


@pytest.mark.parametrize("name", BAD_TYPES)
def test_a_file_of_another_type_is_refused_naming_it_and_the_accepted_types(
    item: ActionItem, people: People, name: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        followup_report(
            item=item,
            by=people.contact,
            text="Åtgärden är genomförd.",
            attachment=SimpleUploadedFile(name, b"%PDF-1.7 but not really"),
        )
    assert caught.value.message_dict["attachment"] == [
        f"{name} är inte av en filtyp som Granska tar emot som underlag. Bifoga {ACCEPTED_LIST}."
    ]
    assert not FollowUpReport.objects.exists()
    item.refresh_from_db()
    assert item.followup == FollowUp.OPEN


DISGUISED = [
    ("rutin.pdf", b"<html><script>alert(1)</script></html>", "PDF"),
    ("rutin.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "PDF"),
    ("protokoll.docx", XLSX, "Word"),
    ("protokoll.docx", b"PK\x03\x04 not a zip at all", "Word"),
    ("protokoll.docx", zipped({"word/other.xml": b""}), "Word"),
    ("schema.xlsx", DOCX, "Excel"),
    ("protokoll.odt", odf("spreadsheet"), "OpenDocument"),
    ("schema.ods", zipped({"content.xml": b""}), "OpenDocument"),
    ("lokal.png", JPEG, "PNG"),
    ("lokal.jpg", PNG, "JPEG"),
    ("rutin.txt", "Rutin".encode("utf-16"), "vanlig text"),
    ("rutin.txt", b"Rutin \xe5tg\xe4rdad", "vanlig text"),
    ("rutin.txt", b"MZ\x90\x00\x03\x00", "vanlig text"),
]


@pytest.mark.parametrize(("name", "content", "kind"), DISGUISED)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    item: ActionItem, people: People, name: str, content: bytes, kind: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        followup_report(
            item=item,
            by=people.contact,
            text="Åtgärden är genomförd.",
            attachment=SimpleUploadedFile(name, content),
        )
    assert caught.value.message_dict["attachment"] == [
        f"{name} innehåller inte det som namnet säger ({kind}). Spara den igen som {kind}, "
        f"eller bifoga {ACCEPTED_LIST}."
    ]
    assert not FollowUpReport.objects.exists()


def test_an_empty_file_is_refused(item: ActionItem, people: People) -> None:
    with pytest.raises(ValidationError) as caught:
        followup_report(
            item=item, by=people.contact, text="Gjort.", attachment=SimpleUploadedFile("a.pdf", b"")
        )
    assert caught.value.message_dict["attachment"] == ["a.pdf är tom."]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.odt", "a.ods", "a.png", "a.txt", "a"]),
    content=st.binary(max_size=200)
    | st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail)
    | st.builds(
        lambda members: zipped(members),
        st.dictionaries(
            st.sampled_from(["mimetype", "word/document.xml", "xl/workbook.xml", "x"]),
            st.binary(max_size=60),
            max_size=3,
        ),
    ),
)
def test_any_bytes_under_any_accepted_name_are_taken_or_refused_with_a_message(
    name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content)
    try:
        attachment_check(upload)
    except ValidationError as error:
        messages = error.message_dict["attachment"]
    else:
        messages = []
    assert all(message.startswith(name) for message in messages)
    assert upload.file is not None
    assert upload.file.tell() == 0  # read back to the start, ready to be stored


def test_the_page_names_a_refused_file_and_saves_nothing(
    client: Client, item: ActionItem, people: People
) -> None:
    client.force_login(people.contact)
    url = reverse("actionplans:report", args=[item.plan.review_id, item.pk])
    response = client.post(
        url,
        {"text": "Klart.", "attachment": SimpleUploadedFile("rutin.html", b"<html></html>")},
    )
    # The plan page again, with the error beside the report's field and the text kept.
    assert response.status_code == 422
    assert "Klart." in response.content.decode()
    assert "rutin.html är inte av en filtyp som Granska tar emot som underlag." in (
        response.content.decode()
    )
    assert not FollowUpReport.objects.exists()


# -------------------------------------------------------------------------------- the size


class CountingStream:
    """A request body that counts what is read of it."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.read_bytes = 0

    def read(self, size: int = -1, /) -> bytes:
        data: bytes = self.stream.read(size)
        self.read_bytes += len(data)
        return data

    def readline(self, size: int = -1, /) -> bytes:
        data: bytes = self.stream.readline(size)
        self.read_bytes += len(data)
        return data


class CountingClient(Client):
    """The test client, with each request's body counted as the server reads it."""

    body: CountingStream | None = None

    def request(self, **request: Any) -> Any:
        self.body = CountingStream(request["wsgi.input"])
        request["wsgi.input"] = self.body
        return super().request(**request)


def post_file(client: CountingClient, item: ActionItem, size: int) -> Any:
    url = reverse("actionplans:report", args=[item.plan.review_id, item.pk])
    content = b"%PDF-1.7\n" + b"0" * (size - 9)
    return client.post(
        url, {"text": "Klart.", "attachment": SimpleUploadedFile("stor.pdf", content)}
    )


def test_a_body_larger_than_a_file_may_be_is_refused_before_a_byte_is_read(
    item: ActionItem, people: People
) -> None:
    client = CountingClient()
    client.force_login(people.contact)
    response = post_file(client, item, 13 * 2**20)
    assert response.status_code == 413
    assert client.body is not None
    assert client.body.read_bytes == 0
    text = response.content.decode()
    assert "Filen är för stor" in text
    assert "Det som skickades är större än 10 MB" in text
    assert "Inget sparades." in text
    assert not FollowUpReport.objects.exists()


def test_a_file_that_passes_the_limit_stops_the_reading_where_it_does(
    item: ActionItem, people: People
) -> None:
    """The body is within what a file and a form may be, but the file alone is over 10 MB: the
    reading stops just past the limit, not at the end of the body."""
    client = CountingClient()
    client.force_login(people.contact)
    response = post_file(client, item, MAX_UPLOAD_BYTES + 2**20)
    assert response.status_code == 413
    assert client.body is not None
    assert client.body.read_bytes < MAX_UPLOAD_BYTES + 2**19
    assert "Filen stor.pdf är större än 10 MB" in response.content.decode()
    assert not FollowUpReport.objects.exists()


def test_a_large_file_within_the_limit_arrives_whole(item: ActionItem, people: People) -> None:
    client = CountingClient()
    client.force_login(people.contact)
    response = post_file(client, item, 3 * 2**20)  # more than is kept in memory: spooled to disk
    assert response.status_code == 302
    report = FollowUpReport.objects.get()
    assert report.attachment.size == 3 * 2**20


# ------------------------------------------------------------------------------ the reminders

TZ = datetime.timezone(datetime.timedelta(hours=1))


def remind(day: datetime.date, capture: Any) -> list[Any]:
    """Runs `granska remind` on `day` with the tasks run at once; returns the mails sent."""
    before = len(mail.outbox)
    with (
        time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, tzinfo=TZ)),
        capture(execute=True),
    ):
        call_command("remind", stdout=io.StringIO())
    return mail.outbox[before:]


def test_a_reminder_with_nobody_to_send_to_waits_for_a_contact_and_reaches_them_once(
    plan: ActionPlan,
    people: People,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    capture = django_capture_on_commit_callbacks
    unit = plan.review.unit
    unit.members.remove(people.contact)  # the unit's only contact leaves
    plan.due_date = datetime.date(2027, 2, 22)
    plan.save(update_fields=["due_date"])

    assert remind(datetime.date(2027, 2, 8), capture) == []
    reminder = Reminder.objects.get()
    assert reminder.sent_at is None  # not sent: there was nobody to send it to
    assert "has no recipient yet" in caplog.text
    assert "@" not in caplog.text

    unit.members.add(people.contact)  # a contact is added
    later = remind(datetime.date(2027, 2, 9), capture)
    assert [message.to for message in later] == [[people.contact.email]]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert reminder.recipients == 1

    assert remind(datetime.date(2027, 2, 10), capture) == []  # and never twice
    assert remind(datetime.date(2027, 2, 23), capture) != []  # the overdue one is its own
