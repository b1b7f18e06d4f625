"""Reading a list of respondents: each problem with its line, nothing taken while any remains;
an uploaded file read in the encodings people's programs save, a binary one refused."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from granska.surveys.respondents import (
    MAX_FILE_BYTES,
    Respondent,
    respondents_file_text,
    respondents_read,
)
from granska.surveys.vocabulary import Group


def test_a_line_takes_its_own_group_or_the_lists() -> None:
    found, problems = respondents_read(
        "Anna@Enhet.test\nbo@enhet.test; Handledare\ncia@enhet.test,studierektor\n\n"
        "dan@enhet.test\tST-läkare\n",
        Group.VERKSAMHETSCHEF,
    )
    assert problems == []
    assert found == [
        Respondent("anna@enhet.test", Group.VERKSAMHETSCHEF),
        Respondent("bo@enhet.test", Group.HANDLEDARE),
        Respondent("cia@enhet.test", Group.STUDIEREKTOR),
        Respondent("dan@enhet.test", Group.ST_LAKARE),
    ]


def test_each_problem_names_its_line() -> None:
    _found, problems = respondents_read(
        "a@enhet.test\nfel\nA@enhet.test\nb@enhet.test; kirurg\nc@enhet.test; st; mer\n"
        "d@enhet.test",
        Group.HANDLEDARE,
        known=frozenset({"d@enhet.test"}),
    )
    assert [line for line, _problem in problems] == [2, 3, 4, 5, 6]
    assert problems[0][1] == "”fel” är inte en e-postadress."
    assert problems[1][1] == "A@enhet.test står redan på rad 1."
    assert problems[4][1] == "d@enhet.test är redan inbjuden."


def test_a_line_without_a_group_needs_one_chosen() -> None:
    _found, problems = respondents_read("a@enhet.test", None)
    assert [line for line, _problem in problems] == [1]


@given(st.text(max_size=300))
def test_any_text_gives_respondents_or_problems_never_an_error(text: str) -> None:
    found, problems = respondents_read(text, Group.HANDLEDARE)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(found) + len(problems) <= len(lines)
    assert all(isinstance(line, int) and isinstance(p, str) for line, p in problems)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("åsa@åby.test\n".encode(), "åsa@åby.test\n"),
        (b"\xef\xbb\xbf" + "åsa@åby.test\n".encode(), "åsa@åby.test\n"),
        ("åsa@åby.test;handledare\r\n".encode("cp1252"), "åsa@åby.test;handledare\r\n"),
        ("“citat” – €\n".encode("cp1252"), "“citat” – €\n"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "windows-1252-quotes"],
)
def test_a_file_in_each_encoding(raw: bytes, text: str) -> None:
    assert respondents_file_text(raw) == text


@pytest.mark.parametrize(
    "raw",
    [
        b"PK\x03\x04\x14\x00\x06\x00",  # a zip: an .xlsx
        "a@enhet.test\n".encode("utf-16"),
        b"%PDF-1.7\n\x81\x8d\x8f\x90",  # bytes no encoding of ours defines
    ],
    ids=["xlsx", "utf-16", "undefined-bytes"],
)
def test_a_binary_file_is_refused(raw: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        respondents_file_text(raw)
    assert "file" in refused.value.message_dict


def test_a_file_too_large_is_refused() -> None:
    with pytest.raises(ValidationError):
        respondents_file_text(b"a" * (MAX_FILE_BYTES + 1))
    assert respondents_file_text(b"a" * MAX_FILE_BYTES)
