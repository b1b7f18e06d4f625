"""Reading a YAML data file (a catalog, a questionnaire) as plain data, collecting problems.

The catalog loader and the questionnaire loader share these: `read_yaml` reads a file of at most
a given size and composes it without recursion, refusing anchors, aliases, tags and deep nesting;
`Reader` walks the parsed data and collects every problem with its place instead of stopping at
the first. Nothing here touches the database.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _

from granska.text import invisible_characters

# A data file nests some six deep; YAML parsers recurse on nesting, so a file nested far deeper
# is refused before it is built.
MAX_DEPTH = 12
# How much of a code a place in a message quotes ("areas[E]").
PLACE_CODE_CHARS = 12

# libyaml's parser when PyYAML was built with it: about ten times faster.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Problems = list[tuple[str, str]]
"""(place, problem) pairs; the place is empty for the file as a whole."""


def max_length(model: type[models.Model], name: str) -> int:
    """The `max_length` of a model's text field: the loaders check every length against it."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no max_length")
    return field.max_length


def read_yaml(path: Path, *, max_bytes: int, too_large: str) -> tuple[Any, str, Problems]:
    """The YAML document at `path` as plain data, the SHA-256 of the file, and the problems that
    make it unreadable (none if it was read). `too_large` is the message for a file larger than
    `max_bytes`."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, "", [("", _("cannot be read (%(error)s)") % {"error": reason})]
    if len(raw) > max_bytes:
        return None, "", [("", too_large)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "", [("", _("is not UTF-8 text"))]
    data, problems = compose(text)
    return data, hashlib.sha256(raw).hexdigest(), problems


def shown(value: Any) -> str:
    """A value as a message quotes it: short, on one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def code_of(value: Any) -> str:
    """The code of an item, to name its place in messages ("areas[E]")."""
    code = value.get("code") if isinstance(value, dict) else None
    if not isinstance(code, str):
        return ""
    code = " ".join(code.split())
    return code if len(code) <= PLACE_CODE_CHARS else code[: PLACE_CODE_CHARS - 1] + "…"


class DataFileError(Exception):
    """A data file that cannot be loaded; `problems` holds (place, problem) pairs, each shown
    on a line of its own after the file's name."""

    def __init__(self, source: str, problems: Problems) -> None:
        self.source = source
        self.problems = problems
        super().__init__(
            "\n".join(
                f"{source}: {place}: {problem}" if place else f"{source}: {problem}"
                for place, problem in problems
            )
        )


class Reader:
    """Walks the parsed YAML, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: Problems = []

    def problem(self, place: str, text: str) -> None:
        self.problems.append((place, text))

    def mapping(
        self, value: Any, place: str, *, required: set[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(place, _("expected a mapping of keys to values"))
            return None
        for key in sorted(required - value.keys()):
            self.problem(place, _("the key '%(key)s' is missing") % {"key": key})
        for key in sorted(set(value) - required - optional, key=str):
            if isinstance(key, str):
                self.problem(place, _("unknown key '%(key)s'") % {"key": shown(key)})
            else:
                self.problem(
                    place,
                    _("the key %(key)s is not a text; a key is a word such as 'code'")
                    % {"key": shown(key)},
                )
        return value

    def text(self, value: Any, place: str, *, limit: int | None = None) -> str:
        """One line of text, white space made single spaces; at most `limit` characters."""
        if not isinstance(value, str) or not value.strip():
            self.problem(place, _("expected a non-empty text"))
            return ""
        invisible = invisible_characters(value)
        if invisible:
            self.problem(
                place,
                _("contains characters that cannot be shown or stored: %(characters)s")
                % {"characters": ", ".join(invisible)},
            )
            return ""
        text = " ".join(unicodedata.normalize("NFC", value).split())
        if limit is not None and len(text) > limit:
            self.problem(
                place,
                _("is %(length)d characters long; at most %(limit)d fit")
                % {"length": len(text), "limit": limit},
            )
            return ""
        return text

    def code(
        self, item: dict[str, Any], place: str, *, limit: int, pattern: str, wrong: str
    ) -> str:
        """The item's `code`, checked against `pattern`; "" when it is missing or refused.
        `wrong` is the message for a code of another shape, naming it as %(code)s."""
        if "code" not in item:
            return ""
        code = self.text(item["code"], f"{place}.code", limit=limit)
        if code and not re.fullmatch(pattern, code):
            self.problem(f"{place}.code", wrong % {"code": shown(code)})
            return ""
        return code

    def choice(self, value: Any, place: str, choices: list[str]) -> str:
        if not isinstance(value, str) or value not in choices:
            self.problem(
                place,
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": shown(value), "choices": ", ".join(choices)},
            )
            return ""
        return value

    def text_list(self, value: Any, place: str, *, allow_empty: bool) -> tuple[str, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.problem(place, _("expected a list of texts"))
            return ()
        return tuple(self.text(item, f"{place}[{i}]") for i, item in enumerate(value))


class _Refused(Exception):
    """What makes the rest of a YAML file unreadable: the place and the problem."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(place, problem)
        self.place = place
        self.problem = problem


def _line(mark: Any) -> str:
    return _("line %(line)s") % {"line": mark.line + 1} if mark is not None else ""


@dataclass
class _Open:
    """A mapping or list being built, and for a mapping the key whose value comes next."""

    value: dict[Any, Any] | list[Any]
    key: Any = None
    has_key: bool = False


_FRAMING_EVENTS = (
    yaml.StreamStartEvent,
    yaml.StreamEndEvent,
    yaml.DocumentStartEvent,
    yaml.DocumentEndEvent,
)


def compose(text: str) -> tuple[Any, Problems]:
    """The YAML document in `text` as plain data, built from the parser's events without
    recursion, so that no nesting can exhaust the stack; with the problems found on the way.

    A data file is plain data: mappings, lists and scalars. Aliases and anchors (which can make
    a small file expand to gigabytes), tags, nesting deeper than MAX_DEPTH and a second
    document are refused at once; a key given twice, a key that is a list or a mapping, and a
    scalar that cannot be read (a date such as 2025-13-45) are refused naming their line.
    """
    loader = _Loader(text)
    problems: Problems = []
    documents: list[Any] = []
    stack: list[_Open] = []

    def add(value: Any, mark: Any) -> None:
        if not stack:
            documents.append(value)
            return
        top = stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif not top.has_key:
            if isinstance(value, (dict, list)):
                raise _Refused(_line(mark), _("a key must be a word, not a list or a mapping"))
            if value in top.value:
                problems.append(
                    (_line(mark), _("the key '%(key)s' is given twice") % {"key": shown(value)})
                )
            top.key, top.has_key = value, True
        else:
            top.value[top.key] = value
            top.key, top.has_key = None, False

    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            mark = event.start_mark
            if isinstance(event, yaml.DocumentStartEvent) and documents:
                raise _Refused(_line(mark), _("the file holds one YAML document, not more"))
            if isinstance(event, _FRAMING_EVENTS):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                add(stack.pop().value, mark)
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(
                    _line(mark), _("aliases (*name) are not allowed; write the value out")
                )
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                raise _Refused(
                    _line(mark), _("anchors (&name) are not allowed; write the value out")
                )
            if getattr(event, "tag", None) is not None:
                raise _Refused(_line(mark), _("tags (!name) are not allowed; put a text in quotes"))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(
                        _line(mark),
                        _("nested more than %(depth)d levels deep; a data file has far fewer")
                        % {"depth": MAX_DEPTH},
                    )
                stack.append(_Open({} if isinstance(event, yaml.MappingStartEvent) else []))
                continue
            if isinstance(event, yaml.ScalarEvent):
                add(_scalar(loader, event, problems), mark)
    except _Refused as refused:
        return None, [*problems, (refused.place, refused.problem)]
    except yaml.YAMLError as error:
        error_mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        return None, [
            *problems,
            (_line(error_mark), _("is not valid YAML: %(problem)s") % {"problem": problem}),
        ]
    finally:
        loader.dispose()
    return (documents[0] if documents else None), problems


def _scalar(loader: yaml.SafeLoader, event: Any, problems: Problems) -> Any:
    """A scalar as YAML reads it (text, number, true/false, null, date); one that cannot be
    read is named and kept as the text it is."""
    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        problems.append(
            (
                _line(event.start_mark),
                _("'%(value)s' cannot be read as a value; put it in quotes if it is a text")
                % {"value": shown(event.value)},
            )
        )
        return event.value
