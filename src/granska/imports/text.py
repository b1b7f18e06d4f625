"""The bytes of a report's text file made into text, and that text into clean lines (issue 13).

Plain Python, no Django. Old reports come as text extracted from PDFs, exported over the years
from Windows and elsewhere: UTF-8 with or without a byte-order mark, UTF-16 with one, and, when
neither reads, Windows-1252, the encoding such exports used. Bytes that are no text at all (NULs,
control characters, a binary) are refused with a message rather than read as mojibake.

`ReportRefused` lives here, in the pure layer, so that the pure readers can refuse; its message is
the English msgid (marked for translation) until `granska.imports.reading` translates it.
"""

import codecs
import re
import unicodedata
from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Marks `message` for the translation catalog (makemessages knows this name); the reader
    that shows it translates it."""
    return message


class ReportRefused(Exception):
    """The file is not read as a report: `message` says why, in the reader's language once
    `translated` (the pure readers give the English msgid, `params` filled in)."""

    def __init__(self, message: str, **params: object) -> None:
        self.msgid = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)

    def translated(self, translate: Callable[[str], str]) -> "ReportRefused":
        """The same refusal with its message in the language `translate` gives."""
        refused = ReportRefused(translate(self.msgid), **self.params)
        refused.msgid = self.msgid
        return refused


# Controls that no text file holds (tab, line feed, vertical tab, carriage return and form feed
# are text: line breaks and page breaks).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Windows-1252 leaves five bytes undefined; Python refuses them, which is right: they are no text.


def text_decode(data: bytes) -> str:
    """`data` as text: UTF-8 (a BOM dropped), UTF-16 with its BOM, else Windows-1252.

    Raises ReportRefused for an empty file and for bytes that are no text (NULs or other
    controls, undefined bytes)."""
    if not data or data.isspace():
        raise ReportRefused(gettext_noop("The file is empty."))
    text: str | None = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReportRefused(
                gettext_noop("The file says it is UTF-16 text but is not: it cannot be read.")
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = None
    if text is None or _CONTROL.search(text) or "\ufffd" in text:
        raise ReportRefused(
            gettext_noop(
                "The file is not text (it holds bytes that no text file has): it is neither a "
                "PDF nor a text file of a report."
            )
        )
    return unicodedata.normalize("NFC", text.lstrip("\ufeff"))


_LINE_BREAK = re.compile("\r\n|[\r\x0b\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def lines_clean(text: str) -> list[str]:
    """The text's lines, trimmed, with the artefacts of PDF extraction gone.

    Every kind of line break becomes one; a form feed (a page break) is a line break, and the
    blank lines right after it are no paragraph break; runs of
    spaces become one space. When the extraction left a blank line after every line (most lines
    followed by exactly one blank), those single blanks go and a longer run of blanks, the
    paragraph break, stays as one "". Otherwise every run of blank lines stays as one "".
    Leading and trailing blanks are dropped."""
    # A page break ends its line but is no blank line: a paragraph goes on over a page.
    text = _LINE_BREAK.sub("\n", text).replace("\x0c", "\n\x0c\n")
    text = _INVISIBLE.sub("", text)
    runs: list[tuple[str, int]] = []  # (line, blanks after it)
    page_break = False
    for raw in text.split("\n"):
        if raw == "\x0c":
            page_break = True
            continue
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            if runs and not page_break:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            continue
        page_break = False
        runs.append((line, 0))
    if not runs:
        return []
    followed_by_one = sum(1 for _, blanks in runs[:-1] if blanks == 1)
    doubled = len(runs) > 2 and followed_by_one * 2 > len(runs) - 1
    lines: list[str] = []
    for index, (line, blanks) in enumerate(runs):
        lines.append(line)
        if index == len(runs) - 1:
            break
        if (doubled and blanks >= 2) or (not doubled and blanks >= 1):
            lines.append("")
    return lines
