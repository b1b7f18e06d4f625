"""The files a unit may attach to a follow-up report as evidence, checked by name and content.

A unit shows what it has done with documents: PDF, Word, Excel, OpenDocument text and
spreadsheets, pictures (PNG, JPEG) and plain text. A file is accepted when its name ends in one
of their extensions and its first bytes (or, for the zip-based office formats, the members the
format requires) are that format's; anything else, a program or a web page renamed, is refused
with a message naming the file and the types accepted. `followup_report` calls
`attachment_check`, so every caller meets the same rule.
"""

import codecs
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from granska.actionplans.limits import ATTACHMENT_NAME_MAX_BYTES
from granska.text import clean_line

# What the zip-based formats hold: Office Open XML names its main part, OpenDocument puts its
# media type in a member named "mimetype".
_OOXML_CONTENT_TYPES = "[Content_Types].xml"
_ODF_MIMETYPE_MEMBER = "mimetype"
_ZIP_SIGNATURE = b"PK\x03\x04"
# Enough of a "mimetype" member to compare, never more, however large it says it is.
_MIMETYPE_READ = 100
_TEXT_CHUNK = 64 * 2**10


@dataclass(frozen=True)
class AttachmentType:
    """One kind of file accepted as evidence: its name in messages, its extensions, and how its
    content is recognised."""

    label: str  # translated when shown
    extensions: tuple[str, ...]
    matches: Callable[[IO[bytes]], bool]


def _starts_with(*signatures: bytes) -> Callable[[IO[bytes]], bool]:
    def matches(file: IO[bytes]) -> bool:
        file.seek(0)
        head = file.read(max(len(signature) for signature in signatures))
        return head.startswith(signatures)

    return matches


def _zip_holding(member: str, *, mimetype: bytes | None = None) -> Callable[[IO[bytes]], bool]:
    """A zip archive with `member` (and, for OpenDocument, that media type in "mimetype")."""

    def matches(file: IO[bytes]) -> bool:
        file.seek(0)
        if file.read(len(_ZIP_SIGNATURE)) != _ZIP_SIGNATURE:
            return False
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if member not in names:
                    return False
                if mimetype is None:
                    return True
                with archive.open(_ODF_MIMETYPE_MEMBER) as stored:
                    return stored.read(_MIMETYPE_READ).strip() == mimetype
        # A damaged, encrypted or otherwise unreadable archive is not the document it claims.
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,
            NotImplementedError,
        ):
            return False

    return matches


def _utf8_text(file: IO[bytes]) -> bool:
    """Text that reads as UTF-8 throughout, with no NUL (which no text file holds)."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(_TEXT_CHUNK):
            if b"\0" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


ATTACHMENT_TYPES = (
    AttachmentType("PDF", (".pdf",), _starts_with(b"%PDF")),
    AttachmentType("Word", (".docx",), _zip_holding("word/document.xml")),
    AttachmentType("Excel", (".xlsx",), _zip_holding("xl/workbook.xml")),
    AttachmentType(
        "OpenDocument",
        (".odt",),
        _zip_holding(_ODF_MIMETYPE_MEMBER, mimetype=b"application/vnd.oasis.opendocument.text"),
    ),
    AttachmentType(
        "OpenDocument",
        (".ods",),
        _zip_holding(
            _ODF_MIMETYPE_MEMBER, mimetype=b"application/vnd.oasis.opendocument.spreadsheet"
        ),
    ),
    AttachmentType("PNG", (".png",), _starts_with(b"\x89PNG\r\n\x1a\n")),
    AttachmentType("JPEG", (".jpg", ".jpeg"), _starts_with(b"\xff\xd8\xff")),
    AttachmentType(gettext_noop("plain text"), (".txt",), _utf8_text),
)

# For the file input's `accept`, so that the browser offers these first.
ACCEPTED_EXTENSIONS = tuple(ext for kind in ATTACHMENT_TYPES for ext in kind.extensions)


def accepted_types_text() -> str:
    """The accepted types as a message lists them."""
    return _(
        "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), PNG, JPEG or plain text "
        "(.txt)"
    )


def attachment_check(attachment: UploadedFile[bytes]) -> None:
    """Refuses a file that is empty or not of an accepted type by both its name and content,
    with a message naming the file (ValidationError on "attachment")."""
    name = PurePath(attachment.name or "").name
    shown = name or _("The file")
    extension = PurePath(name).suffix.lower()
    kind = next((kind for kind in ATTACHMENT_TYPES if extension in kind.extensions), None)
    if kind is None:
        raise ValidationError(
            {
                "attachment": _(
                    "%(name)s is not of a type Granska takes as evidence. Attach %(types)s."
                )
                % {"name": shown, "types": accepted_types_text()}
            }
        )
    if not attachment.size:
        raise ValidationError({"attachment": _("%(name)s is empty.") % {"name": shown}})
    file = attachment.file
    try:
        matches = file is not None and kind.matches(file)
    finally:
        if file is not None:
            file.seek(0)
    if not matches:
        raise ValidationError(
            {
                "attachment": _(
                    "%(name)s does not hold what its name says (%(type)s). Save it again as "
                    "%(type)s, or attach %(types)s."
                )
                % {"name": shown, "type": _(kind.label), "types": accepted_types_text()}
            }
        )


# What a stored file's name keeps: letters and digits of any script, "-", "_" and ".", as
# Django's storage does; an extension is a dot and at most ten letters or digits.
_NAME_UNSAFE = re.compile(r"[^-\w.]")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def attachment_name(name: str) -> str:
    """A safe name to store an uploaded file under: no folders ("../", "C:\\"), no invisible
    characters, the extension kept, and at most ATTACHMENT_NAME_MAX_BYTES bytes in UTF-8, cut
    between characters (a name of 150 "å" is 300 bytes, more than a file system takes)."""
    name = clean_line(name).replace("\\", "/").rsplit("/", 1)[-1]
    extension_match = _EXTENSION.search(name)
    extension = extension_match.group() if extension_match else ""
    stem = name[: len(name) - len(extension)]
    stem = _NAME_UNSAFE.sub("", stem.replace(" ", "_")).strip("._")
    room = ATTACHMENT_NAME_MAX_BYTES - len(extension)
    stem = stem.encode()[:room].decode(errors="ignore").rstrip("._") or "bilaga"
    return stem + extension
