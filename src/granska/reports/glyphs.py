"""Before the PDF is typeset: every character of the report must be one its fonts can show.

`report_glyphs_check(data)` walks each text of the report with its place ("Område E, berättelse",
"Handlingsplan, åtgärd 3 (E4), ansvarig") and refuses a report holding a character that no
bundled font has, with a `ValidationError` naming the place and the character ("U+1F600 😀"), so
that the person who wrote it can find and change it. `typst_refusal` does the same from Typst's
own error, should Typst refuse something the check let through.
"""

import logging
import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from granska.glyphs import character_label, coverage, is_ignorable, unshowable
from granska.reports.selectors import ReportData

logger = logging.getLogger(__name__)

# A place's characters are named up to this many; the rest are counted.
SHOWN_CHARACTERS = 5


def report_text_places(data: ReportData) -> Iterator[tuple[str, str]]:
    """(place, text) for every text in the report that a person or the catalog wrote. The rest
    (dates, regulations, grades, fixed headings) is Granska's own wording."""
    yield _("The unit's name"), data["unit"]
    yield _("The specialty"), data["specialty"]
    yield _("Inspectors"), data["inspectors"]
    yield _("The issuing organisation (GRANSKA_REPORT_ISSUER)"), data["issuer"]
    if data["issue"] is not None:
        # The kansli's reason for a correction; the rest of the version's sentence is Granska's.
        yield _("Reason for the correction"), data["issue"]["reason"]
    summary = data["summary"]
    for part, items in (
        (_("Summary, strengths, point %(n)d"), summary["strengths"]),
        (_("Summary, weaknesses, point %(n)d"), summary["weaknesses"]),
        (_("Summary, improvements, point %(n)d"), summary["improvements"]),
    ):
        for n, point in enumerate(items, start=1):
            yield part % {"n": n}, point
    for group in data["groups"]:
        for area in group["areas"]:
            code = area["code"]
            yield _("Area %(code)s, title (the catalog)") % {"code": code}, area["title"]
            for paragraph in area["narrative"]:
                yield _("Area %(code)s, narrative") % {"code": code}, paragraph
            for paragraph in area["preamble"]:
                yield _("Area %(code)s, introduction (the catalog)") % {"code": code}, paragraph
            for level in area["levels"]:
                for criterion in level["criteria"]:
                    place = _("Criterion %(code)s (the catalog)") % {"code": criterion["code"]}
                    yield place, criterion["text"]
            for row in area["scale"]:
                place = _("Area %(code)s, wording of grade %(grade)s (the catalog)")
                yield place % {"code": code, "grade": row["grade"]}, row["wording"]
    number = 0
    for plan_area in data["plan"]:
        yield (
            _("Area %(code)s, title (the catalog)") % {"code": plan_area["code"]},
            plan_area["title"],
        )
        for item in plan_area["items"]:
            number += 1
            where = _("Action plan, action %(n)d (%(code)s)") % {"n": number, "code": item["code"]}
            yield _("Criterion %(code)s (the catalog)") % {"code": item["code"]}, item["criterion"]
            for label, text in (
                (_("planned action"), item["action"]),
                (_("date the action is done"), item["completion"]),
                (_("responsible for the action"), item["responsible"]),
                (_("date of the follow-up"), item["followup"]),
                (_("responsible for the follow-up"), item["followup_responsible"]),
            ):
                yield f"{where}, {label}", text


def report_glyphs_check(data: ReportData) -> None:
    """Refuses a report holding a character its fonts cannot show, naming each place."""
    found: dict[str, dict[str, None]] = {}
    for place, text in report_text_places(data):
        for char in unshowable(text):
            found.setdefault(place, {}).setdefault(char, None)
    if found:
        raise ValidationError([_message(place, list(chars)) for place, chars in found.items()])


def typst_refusal(error: Exception, data: ReportData) -> ValidationError | None:
    """Typst's refusal of a character, as the same message naming its place; None when `error`
    is about something else. The place is found by looking for the refused text in the report."""
    quoted = re.search(r'`"((?:[^"\\]|\\.)*)"`', str(error))
    if quoted is None or not re.search(r"could not be displayed|codepoint", str(error)):
        return None
    refused = _unescape(quoted.group(1))
    chars = [char for char in dict.fromkeys(refused) if not char.isspace()] or list(refused)
    # Of the refused text, what Lato lacks is what to name (an accent, not the letter under it).
    odd = [char for char in chars if ord(char) not in coverage().main] or chars
    # The refused text may hold a name: the log says which characters, never the text.
    logger.warning(
        "Typst refused characters in the report of review %s that the check let through: %s",
        data["review_id"],
        " ".join(f"U+{ord(char):04X}" for char in odd),
    )
    places = [place for place, text in report_text_places(data) if refused in text] or [
        place for place, text in report_text_places(data) if any(char in text for char in odd)
    ]
    if not places:
        return ValidationError(
            _("The report holds a character that cannot be shown in the PDF: %(characters)s.")
            % {"characters": ", ".join(character_label(char) for char in odd)}
        )
    return ValidationError([_message(place, odd) for place in dict.fromkeys(places)])


def _message(place: str, chars: list[str]) -> str:
    visible = [char for char in chars if not is_ignorable(char)] or chars
    labels = ", ".join(character_label(char) for char in visible[:SHOWN_CHARACTERS])
    if len(visible) > SHOWN_CHARACTERS:
        labels = _("%(characters)s and %(count)d more") % {
            "characters": labels,
            "count": len(visible) - SHOWN_CHARACTERS,
        }
    return ngettext(
        "%(place)s: the character %(characters)s cannot be shown in the PDF; remove it or "
        "write it another way.",
        "%(place)s: the characters %(characters)s cannot be shown in the PDF; remove them or "
        "write them another way.",
        len(visible),
    ) % {"place": place, "characters": labels}


def _unescape(text: str) -> str:
    """A string as Rust's Debug format writes it ("\\u{1f600}", "\\n", "\\\""), read back."""
    simple = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        return simple.get(match.group(2), match.group(2))

    return re.sub(r"\\(?:u\{([0-9a-fA-F]+)\}|(.))", one, text)
