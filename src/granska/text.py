"""Text as people type it, made safe to store and to show in every format Granska writes.

Plain Python, no Django. Whatever a person can type (or paste from Word, or send through a form
crafted by hand) must be stored, shown on a page and written into a PDF, a Word file, a CSV file, a
calendar feed and an e-mail, or be refused with a message; it must never break one of them. The
characters that do break them carry no meaning a reader could see: control characters (Word's
Shift+Enter is a vertical tab, U+000B), NUL, which PostgreSQL cannot store, lone surrogates, and the
Unicode noncharacters (U+FFFE and the like), which XML and so Word refuse.

- `clean_text` is for text of several lines (a narrative, a note, a comment): line breaks of every
  kind become "\\n", tabs a space, and the rest of those characters go.
- `clean_line` is for one-line text (a name, a title, a date as written): it is `clean_text` with
  every run of white space, line breaks included, made one space, and trimmed.

Both return text in Unicode's composed form (NFC), so that "å" typed as "a" and a combining ring
is stored, searched and matched as the one letter it is.

- `form_int` reads a whole number a form sent (a version, an id): ASCII digits only, and not too
  many of them, since Python's own reading takes what no form of Granska sends ("²" passes
  `str.isdigit`, "٣" and "1_000" pass `int`) and refuses a number of 5,000 digits with an error.
"""

import re
import unicodedata

# Line breaks of every kind, the vertical tab (Word's Shift+Enter) and the form feed included.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# What no reader sees and some format refuses: the C0 controls but tab and line feed, DEL, the C1
# controls, lone surrogates, the noncharacters and U+FEFF (a byte-order mark inside a text,
# which PDF/A refuses).
_NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_INVISIBLE = re.compile(
    f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufeff{_NONCHARACTERS}]"
)
_WHITE_SPACE = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """`value` with line breaks made "\\n", tabs a space and invisible characters removed."""
    text = _LINE_BREAK.sub("\n", value).replace("\t", " ")
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


def clean_line(value: str) -> str:
    """`value` as one line: `clean_text`, with every run of white space one space, trimmed."""
    return _WHITE_SPACE.sub(" ", clean_text(value)).strip()


# A version or an id Granska writes into a form has far fewer digits; a 64-bit integer has 19.
FORM_INT_MAX_DIGITS = 18


def form_int(value: str | None, *, max_digits: int = FORM_INT_MAX_DIGITS) -> int | None:
    """The whole number `value` holds: one to `max_digits` ASCII digits, nothing else. None for
    anything else, a field the form did not send (None) included."""
    if value is None or not 0 < len(value) <= max_digits or not value.isascii():
        return None
    return int(value) if value.isdigit() else None


def invisible_characters(value: str) -> list[str]:
    """The characters `clean_text` would remove from `value` (line breaks and tabs aside), as
    code points ("U+000B"), each once in order of appearance: for a message naming them."""
    found: dict[str, None] = {}
    for match in _INVISIBLE.finditer(_LINE_BREAK.sub("\n", value)):
        found.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(found)
