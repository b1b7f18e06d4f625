"""The survey round's pages: opening (who, when), inviting (one, a list, a file), what each
reader sees (counts always, addresses while open, never who answered), closing confirmed."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from granska.lifecycle import Status
from granska.surveys.models import Answer, Invitation, Link, Round, RoundGroup
from granska.surveys.services import answer_submit
from granska.surveys.vocabulary import Group
from tests.builders import review_at
from tests.survey_builders import answered, invited, round_for
from tests.surveys.round_fixtures import Cast, cast, text

__all__ = ["cast"]

pytestmark = pytest.mark.django_db


def page(client: Client, cast: Cast) -> str:
    response = client.get(reverse("surveys:round", args=[cast.review.pk]))
    assert response.status_code == 200
    return text(response)


def open_form(days: int = 14, **more: Any) -> dict[str, Any]:
    closes = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    return {"open-closes_on": closes, "open-reminder_days": "5", "open-reminder_max": "2"} | more


# ---- Opening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["kansli", "inspector"])
def test_the_kansli_or_the_assigned_inspector_opens_the_round(
    client: Client, cast: Cast, who: str
) -> None:
    client.force_login(getattr(cast, who))
    assert "Öppna enkäten" in page(client, cast)
    response = client.post(reverse("surveys:round-open", args=[cast.review.pk]), open_form())
    assert response.status_code == 302
    round_ = Round.objects.get(review=cast.review)
    assert (round_.reminder_days, round_.reminder_max) == (5, 2)
    assert "Öppen till" in page(client, cast)


@pytest.mark.parametrize("who", ["contact", "observer"])
def test_the_unit_and_observers_may_not_open_it(client: Client, cast: Cast, who: str) -> None:
    client.force_login(getattr(cast, who))
    assert "Öppna enkäten" not in page(client, cast)
    response = client.post(reverse("surveys:round-open", args=[cast.review.pk]), open_form())
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_a_round_is_opened_only_in_preparation(client: Client, cast: Cast, protocol: Any) -> None:
    booked = review_at(Status.BOKAD, protocol)
    client.force_login(cast.kansli)
    shown = text(client.get(reverse("surveys:round", args=[booked.pk])))
    assert "En enkät öppnas medan granskningen är i förberedelse." in shown
    client.post(reverse("surveys:round-open", args=[booked.pk]), open_form())
    assert not Round.objects.filter(review=booked).exists()


def test_the_form_says_a_closing_day_that_has_passed(client: Client, cast: Cast) -> None:
    client.force_login(cast.kansli)
    response = client.post(reverse("surveys:round-open", args=[cast.review.pk]), open_form(-1))
    assert response.status_code == 422
    assert "Stängningsdagen har passerat." in text(response)
    assert not Round.objects.exists()


def test_the_defaults_come_from_the_settings(client: Client, cast: Cast, settings: Any) -> None:
    settings.GRANSKA_SURVEY_REMINDER_DAYS = 6
    client.force_login(cast.kansli)
    form = client.get(reverse("surveys:round", args=[cast.review.pk])).context["open_form"]
    assert form.initial["reminder_days"] == 6


def test_changing_needs_the_version_the_form_showed(client: Client, cast: Cast) -> None:
    round_ = round_for(cast.review)
    client.force_login(cast.inspector)
    closes = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    data = {
        "change-closes_on": closes,
        "change-reminder_days": "3",
        "change-reminder_max": "1",
        "version": str(round_.version),
    }
    url = reverse("surveys:round-change", args=[cast.review.pk])
    assert client.post(url, data).status_code == 302
    assert Round.objects.get().reminder_days == 3
    # The same form again, on the version it showed, changes nothing.
    client.post(url, data | {"change-reminder_days": "9"})
    assert Round.objects.get().reminder_days == 3


# ---- Inviting ---------------------------------------------------------------------------------


def invite(client: Client, cast: Cast, **data: Any) -> Any:
    return client.post(reverse("surveys:invite", args=[cast.review.pk]), data)


def test_the_unit_invites_a_pasted_list(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    shown = page(client, cast)
    assert "personlig länk" in shown
    assert "aldrig att se vem som har svarat" in shown
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            client,
            cast,
            respondents="anna@enhet.test\nbo@enhet.test; handledare\n\ncia@enhet.test\tST-läkare",
            default_group="st_lakare",
        )
    assert response.status_code == 302, text(response)[-2500:]
    assert sorted(Invitation.objects.values_list("email", "group")) == [
        ("anna@enhet.test", "st_lakare"),
        ("bo@enhet.test", "handledare"),
        ("cia@enhet.test", "st_lakare"),
    ]
    # Each gets a personal link by e-mail, sent after the invitations are saved.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@enhet.test",
        "bo@enhet.test",
        "cia@enhet.test",
    ]


def test_a_list_with_duplicates_and_bad_lines_adds_nothing_and_names_each_line(
    client: Client, cast: Cast
) -> None:
    round_ = round_for(cast.review)
    invited(round_, "redan@enhet.test", Group.ST_LAKARE)
    client.force_login(cast.contact)
    pasted = (
        "ny@enhet.test\n"
        "inte-en-adress\n"
        "ny@enhet.test\n"
        "Redan@enhet.test\n"
        "x@enhet.test; kirurg\n"
        "själv@enhet.test"
    )
    response = invite(client, cast, respondents=pasted, default_group="handledare")
    assert response.status_code == 422
    shown = text(response)
    assert "Rad 2: ”inte-en-adress” är inte en e-postadress." in shown
    assert "Rad 3: ny@enhet.test står redan på rad 1." in shown
    assert "Rad 4: Redan@enhet.test är redan inbjuden." in shown
    assert "Rad 5: ”kirurg” är inte en grupp" in shown
    # The text stays in the form to put right.
    assert response.context["invite_form"]["respondents"].value() == pasted
    assert Invitation.objects.count() == 1


def test_one_address_needs_its_group(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.kansli)
    response = invite(client, cast, email="ensam@enhet.test")
    assert response.status_code == 422
    assert "Välj adressens grupp." in text(response)
    assert invite(client, cast, email="ensam@enhet.test", group="studierektor").status_code == 302
    assert Invitation.objects.get().group == "studierektor"


@pytest.mark.parametrize(
    "raw",
    [
        "asa@åby.test;handledare\r\norjan@åby.test\r\n".encode(),
        b"\xef\xbb\xbf" + "asa@åby.test;handledare\norjan@åby.test\n".encode(),
        "asa@åby.test;handledare\r\norjan@åby.test\r\n".encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_an_uploaded_list_in_each_encoding(client: Client, cast: Cast, raw: bytes) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    upload = SimpleUploadedFile("lista.csv", raw, content_type="text/csv")
    response = invite(client, cast, file=upload, default_group="st_lakare")
    assert response.status_code == 302, text(response)
    assert sorted(Invitation.objects.values_list("email", "group")) == [
        ("asa@åby.test", "handledare"),
        ("orjan@åby.test", "st_lakare"),
    ]


def test_a_binary_file_is_refused_with_a_message(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    upload = SimpleUploadedFile("lista.xlsx", b"PK\x03\x04\x00\x00binary", content_type="text/csv")
    response = invite(client, cast, file=upload, default_group="st_lakare")
    assert response.status_code == 422
    assert "Filen är inte text" in text(response)
    assert not Invitation.objects.exists()


def test_a_file_too_large_is_refused(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    upload = SimpleUploadedFile("lista.txt", b"a@enhet.test\n" * 30000)
    response = invite(client, cast, file=upload, default_group="st_lakare")
    assert response.status_code == 422
    assert "Filen är större än 256 kB" in text(response)


def test_a_refused_file_keeps_its_text_in_the_form(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    upload = SimpleUploadedFile("lista.txt", "bra@enhet.test\ndålig\n".encode("cp1252"))
    response = invite(client, cast, file=upload, default_group="st_lakare")
    assert response.status_code == 422
    assert response.context["invite_form"]["respondents"].value() == "bra@enhet.test\ndålig\n"
    assert "Rad 2:" in text(response)


def test_observers_and_inspectors_may_not_invite(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    for who in (cast.observer, cast.inspector):
        client.force_login(who)
        assert invite(client, cast, email="a@enhet.test", group="handledare").status_code == 403
    assert not Invitation.objects.exists()


# ---- What each reader sees --------------------------------------------------------------------


def test_the_unit_sees_the_addresses_and_counts_but_never_who_answered(
    client: Client, cast: Cast
) -> None:
    round_ = round_for(cast.review)
    tokens = invited(round_, "a@enhet.test\nb@enhet.test\nc@enhet.test", Group.ST_LAKARE)
    client.force_login(cast.contact)
    before = page(client, cast)
    assert "a@enhet.test" in before
    assert "c@enhet.test" in before
    assert "0 av 3 ST-läkare har svarat" in before
    answer_submit(token=tokens["b@enhet.test"], values={"A1": "helt"}, free_text={})
    after = page(client, cast)
    assert "1 av 3 ST-läkare har svarat" in after
    # The page is the same but for the count: nothing marks b.
    assert after.replace("1 av 3", "0 av 3") == before


def test_observers_see_the_counts_only(client: Client, cast: Cast) -> None:
    round_ = round_for(cast.review)
    invited(round_, "a@enhet.test", Group.HANDLEDARE)
    client.force_login(cast.observer)
    shown = page(client, cast)
    assert "0 av 1 handledare har svarat" in shown
    assert "a@enhet.test" not in shown


def test_readers_of_other_reviews_find_nothing(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.other_contact)
    assert client.get(reverse("surveys:round", args=[cast.review.pk])).status_code == 404


def test_the_review_page_shows_the_survey_and_links_to_it(client: Client, cast: Cast) -> None:
    round_ = round_for(cast.review)
    answered(round_, Group.ST_LAKARE, 2)
    invited(round_, "x@enhet.test", Group.ST_LAKARE)
    client.force_login(cast.contact)
    response = client.get(reverse("reviews:detail", args=[cast.review.pk]))
    shown = text(response)
    assert "Enkäten är öppen till" in shown
    assert "2 av 3 ST-läkare har svarat" in shown
    assert reverse("surveys:round", args=[cast.review.pk]) in response.content.decode()


# ---- Closing ----------------------------------------------------------------------------------


def test_closing_is_confirmed_then_deletes_addresses_and_links_and_keeps_counts(
    client: Client, cast: Cast
) -> None:
    round_ = round_for(cast.review)
    answered(round_, Group.ST_LAKARE, 2)
    invited(round_, "kvar@enhet.test", Group.ST_LAKARE)
    client.force_login(cast.inspector)
    url = reverse("surveys:round-close", args=[cast.review.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert "De 3 inbjudnas adresser tas bort" in text(asked)
    assert Round.objects.get().closed_on is None
    # A confirmation for another version of the round closes nothing.
    client.post(url, {"confirm": str(round_.version + 7)})
    assert Round.objects.get().closed_on is None
    assert client.post(url, {"confirm": str(round_.version)}).status_code == 302
    assert Round.objects.get().closed_on == timezone.localdate()
    assert not Invitation.objects.exists()
    assert not Link.objects.exists()
    assert RoundGroup.objects.get().invited == 3
    assert Answer.objects.count() == 2
    shown = page(client, cast)
    assert "Stängd" in shown
    assert "2 av 3 ST-läkare har svarat" in shown
    assert "kvar@enhet.test" not in shown
    response = client.get(reverse("surveys:round", args=[cast.review.pk]))
    assert response.context["invite_form"] is None
    assert response.context["change_form"] is None


def test_the_unit_may_not_close(client: Client, cast: Cast) -> None:
    round_for(cast.review)
    client.force_login(cast.contact)
    url = reverse("surveys:round-close", args=[cast.review.pk])
    assert client.post(url, {"confirm": "0"}).status_code == 403
    assert Round.objects.get().closed_on is None


def test_without_a_questionnaire_the_page_says_why(client: Client, cast: Cast) -> None:
    from granska.surveys.models import Questionnaire

    Questionnaire.objects.all().delete()
    client.force_login(cast.kansli)
    shown = page(client, cast)
    assert "Inget frågeformulär är inläst för granskningens protokollversion." in shown


def test_the_survey_adds_a_fixed_number_of_queries_to_the_review_page(
    client: Client, cast: Cast
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("reviews:detail", args=[cast.review.pk]))
        return len(captured)

    client.force_login(cast.contact)
    before = queries()
    round_ = round_for(cast.review)
    answered(round_, Group.ST_LAKARE, 1)
    small = queries()
    answered(round_, Group.HANDLEDARE, 6)
    invited(round_, "\n".join(f"n{n}@enhet.test" for n in range(20)), Group.ST_LAKARE)
    assert queries() == small <= before + 2


def test_the_page_in_english(client: Client, cast: Cast) -> None:
    round_ = round_for(cast.review)
    answered(round_, Group.STUDIEREKTOR, 1)
    client.force_login(cast.contact)
    client.post(reverse("set_language"), {"language": "en"})
    shown = page(client, cast)
    assert "1 of 1 director of studies has answered" in shown
    assert "Invite respondents" in shown
    assert "har svarat" not in shown


def test_the_self_assessment_is_linked_only_where_its_page_exists(
    client: Client, cast: Cast
) -> None:
    from django.urls import NoReverseMatch

    client.force_login(cast.contact)
    html = client.get(reverse("reviews:detail", args=[cast.review.pk])).content.decode()
    try:
        url = reverse("surveys:self", args=[cast.review.pk])
    except NoReverseMatch:
        assert "sjalvvardering" not in html
    else:
        assert url in html


# ---- The way to the results -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [("kansli", True), ("inspector", True), ("contact", False), ("observer", False)],
)
def test_the_round_page_leads_to_the_results_for_those_who_read_them(
    client: Client, cast: Cast, who: str, sees: bool
) -> None:
    round_for(cast.review)
    client.force_login(getattr(cast, who))
    results = reverse("surveys:results", args=[cast.review.pk])
    html = client.get(reverse("surveys:round", args=[cast.review.pk])).content.decode()
    assert (f'href="{results}"' in html) is sees
    assert ("visas när enkäten har stängt" in html) is sees
