"""Reading the respondents the unit enters: one address, or a pasted or uploaded list.

A line is an address, optionally followed by its group after a semicolon, comma or tab
("anna@example.se; handledare"); a line without a group takes the one chosen for the list.
Blank lines are skipped. Every problem is reported with its line, and nothing is added while
any remains, so that a list is taken whole or not at all."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from granska.surveys.vocabulary import Group

# A list of some hundreds of people is large for one unit; more is not a list of respondents.
MAX_RESPONDENTS = 1000
MAX_LINE_CHARS = 400

# What a person may write for a group: the stored value, its Swedish name, with or without a
# hyphen, in any case.
GROUP_NAMES: dict[str, Group] = {
    "st_lakare": Group.ST_LAKARE,
    "st-läkare": Group.ST_LAKARE,
    "st-lakare": Group.ST_LAKARE,
    "stläkare": Group.ST_LAKARE,
    "st läkare": Group.ST_LAKARE,
    "st": Group.ST_LAKARE,
    "handledare": Group.HANDLEDARE,
    "studierektor": Group.STUDIEREKTOR,
    "verksamhetschef": Group.VERKSAMHETSCHEF,
}

_SEPARATOR = re.compile(r"[;,\t]")


@dataclass(frozen=True)
class Respondent:
    email: str
    group: Group


def group_named(name: str) -> Group | None:
    return GROUP_NAMES.get(" ".join(name.strip().casefold().split()))


def email_normalised(address: str) -> str:
    """The address as stored and compared: trimmed, the domain in lower case (the part before
    the @ is the mail server's to interpret, but people type it in any case: it is compared
    without case too)."""
    return address.strip().casefold()


def respondents_read(
    text: str, default_group: Group | None, *, known: frozenset[str] = frozenset()
) -> tuple[list[Respondent], list[tuple[int, str]]]:
    """The respondents of `text` and the problems found, as (line number, message) pairs.
    `known` holds the addresses already invited to the round (normalised)."""
    respondents: list[Respondent] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            problems.append(
                (number, _("The line is longer than %(max)d characters.") % {"max": MAX_LINE_CHARS})
            )
            continue
        parts = [part.strip() for part in _SEPARATOR.split(line)]
        parts = [part for part in parts if part]
        if not parts:
            continue
        address = parts[0]
        group = default_group
        if len(parts) > 2:
            problems.append(
                (number, _("Write an address and at most a group, separated by a semicolon."))
            )
            continue
        if len(parts) == 2:
            group = group_named(parts[1])
            if group is None:
                problems.append(
                    (
                        number,
                        _(
                            "“%(group)s” is not a group: write ST-läkare, handledare, studierektor "
                            "or verksamhetschef."
                        )
                        % {"group": parts[1][:60]},
                    )
                )
                continue
        if group is None:
            problems.append(
                (number, _("The line names no group, and none is chosen for the list."))
            )
            continue
        try:
            validate_email(address)
        except ValidationError:
            problems.append(
                (number, _("“%(address)s” is not an e-mail address.") % {"address": address[:80]})
            )
            continue
        key = email_normalised(address)
        if key in known:
            problems.append((number, _("%(address)s is already invited.") % {"address": address}))
            continue
        if key in seen:
            problems.append(
                (
                    number,
                    _("%(address)s is on line %(line)d already.")
                    % {"address": address, "line": seen[key]},
                )
            )
            continue
        seen[key] = number
        respondents.append(Respondent(email=key, group=group))
    if len(respondents) + len(known) > MAX_RESPONDENTS:
        problems.append(
            (0, _("A round takes at most %(max)d respondents.") % {"max": MAX_RESPONDENTS})
        )
    return respondents, problems


# A list of a thousand addresses is some tens of kilobytes; a larger file is not such a list.
MAX_FILE_BYTES = 256 * 1024
# What a text file holds besides printable characters: tab, line feed, carriage return.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def respondents_file_text(raw: bytes) -> str:
    """The text of an uploaded list (.txt or .csv): UTF-8, with or without a byte-order mark,
    or Windows-1252 (what Excel on Windows saves as "CSV"). A file larger than MAX_FILE_BYTES,
    or one that is not text, is refused with a message (ValidationError on "file")."""
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(kb)d kB: a list of addresses is smaller.")
                % {"kb": MAX_FILE_BYTES // 1024}
            }
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    not_text = ValidationError(
        {"file": _("The file is not text: save the list as a .txt or .csv file and try again.")}
    )
    if _BINARY.search(raw):
        raise not_text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined: not a text of that encoding either.
        raise not_text from None
