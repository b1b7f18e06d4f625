"""The command-line inputs: `granska catalog load` and `granska grade` refuse hostile or broken
files with a named problem (the file, the place, what is wrong), never a traceback, a crash or
minutes of work."""

import codecs
import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from granska.catalog.loader import (
    AREA_CODE_PATTERN,
    CRITERION_CODE_PATTERN,
    MAX_CATALOG_BYTES,
    CatalogError,
    ProtocolSpec,
    read_catalog,
)
from granska.catalog.management.commands.grade import MAX_INPUT_BYTES
from granska.catalog.models import ProtocolVersion
from granska.catalog.services import protocol_load
from tests.catalog.test_loader import PlainDumper, small_catalog, write

# ---------------------------------------------------------------- catalog load: the YAML itself


def yaml_file(tmp_path: Path, text: str, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    return str(caught.value)


def test_an_alias_bomb_is_refused_at_the_first_alias(tmp_path: Path) -> None:
    """Nine aliases of nine aliases...: a few hundred bytes that expand to gigabytes."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 6)]
    message = refusal(yaml_file(tmp_path, "\n".join(lines) + "\n"))
    assert "catalog.yaml: rad 1: ankare (&namn) är inte tillåtna" in message


def test_an_anchor_in_an_otherwise_valid_catalog_is_refused_naming_its_line(
    tmp_path: Path,
) -> None:
    """PyYAML writes a list used twice as an anchor and an alias; the catalog refuses both."""
    text = yaml.safe_dump(small_catalog(), allow_unicode=True)
    assert "&id001" in text
    assert "*id001" in text
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "&id001" in row)
    message = refusal(yaml_file(tmp_path, text))
    assert f"catalog.yaml: rad {line}: ankare (&namn) är inte tillåtna" in message


def test_an_alias_alone_is_refused(tmp_path: Path) -> None:
    message = refusal(yaml_file(tmp_path, "protocol: x\nareas: *nowhere\n"))
    assert "rad 2:" in message
    assert "alias (*namn) är inte tillåtna" in message


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_before_it_is_built(tmp_path: Path, opening: str) -> None:
    depth = 5000
    closing = {"[": "]", "{a: ": "}", "- ": ""}[opening]
    if opening == "- ":  # block lists, each inside the one before
        text = "".join("  " * level + "-\n" for level in range(100))
    else:
        text = "a: " + opening * depth + "1" + closing * depth + "\n"
    message = refusal(yaml_file(tmp_path, text))
    assert "nästlad i mer än 12 nivåer" in message


def test_deep_nesting_exits_cleanly_from_the_command_line(tmp_path: Path) -> None:
    """libyaml's composer recurses: 200,000 brackets crashed Python outright (SIGSEGV). In a
    subprocess, so that a crash cannot take the test run down with it."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("areas: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    script = Path(sys.executable).with_name("granska")
    result = subprocess.run(
        [str(script), "catalog", "load", str(deep)],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr[-500:]
    assert "Katalogen lästes inte in:" in result.stderr
    assert "deep.yaml: rad 1: nästlad i mer än 12 nivåer" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_larger_than_a_catalog_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * MAX_CATALOG_BYTES + b"\n")
    assert "huge.yaml: är större än 2 MB" in refusal(path)


def test_a_key_given_twice_is_refused_naming_its_line(tmp_path: Path) -> None:
    text = write(tmp_path, small_catalog()).read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("title: Testprotokoll"))
    lines.insert(at + 1, lines[at].replace("Testprotokoll", "Ett annat protokoll"))
    message = refusal(yaml_file(tmp_path, "\n".join(lines) + "\n"))
    assert f"catalog.yaml: rad {at + 2}: nyckeln 'title' står två gånger" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("protocol: !!python/object/apply:os.system [echo]\n", "taggar (!namn) är inte tillåtna"),
        ("protocol: !!str x\n", "taggar (!namn) är inte tillåtna"),
        ("protocol: {code: x}\n---\nareas: []\n", "ett YAML-dokument, inte fler"),
        ("protocol:\n  code: 2025-13-45\n", "rad 2: '2025-13-45' kan inte läsas"),
        ("protocol:\n  max_ki_exceptions: " + "1" * 5000 + "\n", "rad 2: '1111"),
        ("? [a, b]\n: x\n", "en nyckel måste vara ett ord"),
    ],
)
def test_yaml_a_catalog_has_no_need_of_is_refused_naming_it(
    tmp_path: Path, text: str, words: str
) -> None:
    assert words in refusal(yaml_file(tmp_path, text))


# ------------------------------------------------------------- catalog load: values and lengths


def broken(tmp_path: Path, breakage: Any) -> str:
    data = copy.deepcopy(small_catalog())
    breakage(data)
    return refusal(write(tmp_path, data))


def area(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = data["areas"][index]
    return result


def criterion(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = data["areas"][0]["criteria"][index]
    return result


@pytest.mark.parametrize(
    ("breakage", "place", "words"),
    [
        # A number, a mapping or a list where a list of regulations is expected.
        (
            lambda d: d["protocol"].update(regulations=5),
            "protocol.regulations",
            "här ska stå en lista med föreskrifter",
        ),
        (
            lambda d: d["protocol"].update(regulations={"SOSFS 2015:8": 1}),
            "protocol.regulations",
            "här ska stå en lista med föreskrifter",
        ),
        # A key that is not a text.
        (
            lambda d: area(d).update({7: "sju"}),  # type: ignore[dict-item]  # on purpose
            "areas[A]",
            "nyckeln 7 är inte en text",
        ),
        # A choice given as a list or a mapping, a boolean or null.
        (lambda d: area(d).update(group=["STRUKTUR"]), "areas[A].group", "är inte något av"),
        (
            lambda d: criterion(d).update(level={"foreskrift": True}),
            "areas[A].criteria[A1].level",
            "är inte något av",
        ),
        (
            lambda d: d["protocol"].update(title=True),
            "protocol.title",
            "här ska stå en text som inte är tom",
        ),
        (
            lambda d: d["protocol"].update(code=None),
            "protocol.code",
            "här ska stå en text som inte är tom",
        ),
        (
            lambda d: d["protocol"].update(max_ki_exceptions=True),
            "protocol.max_ki_exceptions",
            "heltal",
        ),
        # Numbers too large for the database's small integer.
        (
            lambda d: d["protocol"].update(max_ki_exceptions=99_999),
            "protocol.max_ki_exceptions",
            "från 0 till 32767",
        ),
        # Characters that a page, a PDF or PostgreSQL cannot take.
        (
            lambda d: criterion(d).update(text="Ett\x00två"),
            "areas[A].criteria[A1].text",
            "U+0000",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_named_with_its_place(
    tmp_path: Path, breakage: Any, place: str, words: str
) -> None:
    message = broken(tmp_path, breakage)
    assert f"catalog.yaml: {place}: " in message
    assert words in message


@pytest.mark.parametrize(
    ("breakage", "place", "limit"),
    [
        (lambda d: d["protocol"].update(code="p" * 81), "protocol.code", 80),
        (lambda d: d["protocol"].update(title="T" * 201), "protocol.title", 200),
        (lambda d: area(d).update(title="T" * 201), "areas[A].title", 200),
    ],
)
def test_a_text_too_long_for_its_field_is_refused_naming_the_limit(
    tmp_path: Path, breakage: Any, place: str, limit: int
) -> None:
    """SQLite stores any length; PostgreSQL refuses what passes the field's max_length."""
    message = broken(tmp_path, breakage)
    assert f"catalog.yaml: {place}: " in message
    assert f"högst {limit} får plats" in message


@pytest.mark.parametrize("code", ["A/", "a", "A.", "Å", "A 1", "1A", "E" * 5])
def test_an_area_code_the_urls_cannot_carry_is_refused(tmp_path: Path, code: str) -> None:
    def breakage(data: dict[str, Any]) -> None:
        area(data)["code"] = code
        for item in area(data)["criteria"]:
            item["code"] = code + "1"

    message = broken(tmp_path, breakage)
    assert re.search(r"areas\[[^\]]+\]\.code: ", message)
    assert "är inte en områdeskod" in message or "tecken lång" in message


@pytest.mark.parametrize("code", ["A1/", "A-1", "A", "A1a", "A12345"])
def test_a_criterion_code_of_another_form_is_refused(tmp_path: Path, code: str) -> None:
    message = broken(tmp_path, lambda d: criterion(d).update(code=code))
    assert re.search(r"areas\[A\]\.criteria\[[^\]]+\]\.code: ", message)


def test_the_shipped_catalog_has_the_codes_the_urls_accept(protocol: ProtocolVersion) -> None:
    """The patterns are what the URL converters accept; every shipped code fits them, and a
    review page can be reached for each area."""
    for area_ in protocol.areas.all():
        assert re.fullmatch(AREA_CODE_PATTERN, area_.code)
        assert reverse("reviews:assessment", args=[1, area_.code]).endswith(f"/{area_.code}/")
        for item in area_.criteria.all():
            assert re.fullmatch(CRITERION_CODE_PATTERN, item.code)


def test_a_refused_catalog_loads_nothing_and_the_command_says_why(tmp_path: Path) -> None:
    data = small_catalog()
    area(data)["code"] = "A/"
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "load", str(write(tmp_path, data)), stdout=io.StringIO())
    assert "catalog.yaml: areas[A/].code: 'A/' är inte en områdeskod" in str(caught.value)


@pytest.mark.django_db
def test_a_valid_catalog_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = write(tmp_path, small_catalog())
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    assert protocol_load(spec=read_catalog(path)).outcome == "created"


# A value of any kind YAML can write: the loader must name it wherever it stands.
yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["A", "E13", "foreskrift", "SOSFS 2015:8", "STRUKTUR", "high"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


@st.composite
def mutated_catalogs(draw: st.DrawFn) -> Any:
    """The small valid catalog with one of its values, anywhere, replaced by any value."""
    data = small_catalog()
    data = json.loads(json.dumps(data))
    path = draw(st.sampled_from(_paths(data)))
    replacement = draw(yaml_values)
    if not path:
        return replacement
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    return data


WRONG_VALUES = [None, True, 5, 1.5, "", "x" * 300, [], ["x"], {}, {"x": 1}, {5: "x"}]


@pytest.mark.parametrize("wrong", WRONG_VALUES, ids=repr)
def test_every_place_of_a_catalog_names_a_value_of_the_wrong_type(
    tmp_path: Path, wrong: Any
) -> None:
    """Each value of the small catalog, one at a time, replaced by a value of another kind."""
    original = json.loads(json.dumps(small_catalog()))
    for path in _paths(original)[1:]:
        data = copy.deepcopy(original)
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if parent[path[-1]] == wrong:
            continue
        parent[path[-1]] = wrong
        target = tmp_path / "wrong.yaml"
        target.write_text(yaml.dump(data, Dumper=PlainDumper), encoding="utf-8")
        # Refused with its problems named, or (an empty preamble, say) read as a catalog.
        with contextlib.suppress(CatalogError):
            read_catalog(target)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=mutated_catalogs())
def test_any_catalog_value_anywhere_is_a_named_problem_never_a_traceback(
    tmp_path: Path, data: Any
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.dump(data, Dumper=PlainDumper, allow_unicode=True), encoding="utf-8")
    try:
        spec: ProtocolSpec | None = read_catalog(path)
    except CatalogError as error:
        spec, problems = None, error.problems
    if spec is None:
        assert problems
        assert all(isinstance(problem, str) and problem for _place, problem in problems)


yaml_fragments = st.sampled_from(
    [
        "protocol:",
        "areas:",
        "code:",
        "!!int x",
        "!!float x",
        "x: 2025-13-45\n",
        " ",
        "  ",
        "\n",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "? ",
        "|",
        ">",
        "'",
        '"',
        "\\",
        "#",
        "---",
        "...",
        "2025-13-45",
        "0x1F",
        "1e999",
        "~",
        "true",
        "<<: ",
        "%YAML 1.1",
        "\t",
        "\x00",
        "\ufeff",
        "å",
        "A/",
        "E13",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(yaml_fragments | st.text(max_size=4), max_size=40).map("".join),
    noise=st.binary(max_size=8),
)
def test_any_yaml_ish_bytes_are_refused_with_a_catalog_error_only(
    tmp_path: Path, text: str, noise: bytes
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass") + noise)
    problems = [("", "read")]
    try:
        read_catalog(path)
    except CatalogError as error:
        problems = error.problems
    assert problems


# ------------------------------------------------------------------------------- granska grade

GOOD = {"area": "E", "regulation": "HSLF-FS 2021:8", "findings": {"E1": "uppfyllt"}}


def grade_file(tmp_path: Path, raw: bytes) -> dict[str, Any]:
    path = tmp_path / "in.json"
    path.write_bytes(raw)
    out = io.StringIO()
    call_command("grade", str(path), stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def grade_refusal(tmp_path: Path, raw: bytes) -> str:
    with pytest.raises(CommandError) as caught:
        grade_file(tmp_path, raw)
    return str(caught.value)


@pytest.mark.parametrize("opening", ["[", '{"a": '])
def test_grade_refuses_deep_json_naming_the_place(
    protocol: ProtocolVersion, tmp_path: Path, opening: str
) -> None:
    raw = '{"area": "E", "regulation": "HSLF-FS 2021:8", "findings": ' + opening * 100_000
    message = grade_refusal(tmp_path, raw.encode())
    assert "in.json är nästlad i mer än 8 nivåer (rad 1, kolumn " in message


def test_grade_counts_only_brackets_outside_strings(
    protocol: ProtocolVersion, tmp_path: Path
) -> None:
    raw = json.dumps({**GOOD, "area": '\\"' + "[" * 50 + "{" * 50}).encode()
    message = grade_refusal(tmp_path, raw)
    assert "Okänt område" in message  # read, then refused for what it says, not its depth


def test_grade_refuses_utf16_with_a_message(protocol: ProtocolVersion, tmp_path: Path) -> None:
    raw = json.dumps(GOOD).encode("utf-16")  # with its byte order mark
    assert "in.json är inte text i UTF-8 (den ser ut att vara UTF-16)" in grade_refusal(
        tmp_path, raw
    )
    raw = json.dumps(GOOD).encode("utf-16-le")  # without
    assert "in.json är inte text i UTF-8 (den ser ut att vara UTF-16)" in grade_refusal(
        tmp_path, raw
    )


def test_grade_refuses_other_bytes_than_utf8(protocol: ProtocolVersion, tmp_path: Path) -> None:
    raw = json.dumps({**GOOD, "area": "Å"}, ensure_ascii=False).encode("latin-1")
    assert "in.json är inte text i UTF-8 (byte " in grade_refusal(tmp_path, raw)


def test_grade_reads_utf8_with_a_byte_order_mark(protocol: ProtocolVersion, tmp_path: Path) -> None:
    result = grade_file(tmp_path, codecs.BOM_UTF8 + json.dumps(GOOD).encode())
    assert result["grade"] == "A"
    assert result["complete"] is False


def test_grade_reads_bytes_from_standard_input(
    protocol: ProtocolVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = codecs.BOM_UTF8 + json.dumps(GOOD).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="latin-1"))
    out = io.StringIO()
    call_command("grade", "-", stdout=out)
    assert json.loads(out.getvalue())["grade"] == "A"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ('{"area": "A", "area": "E", "regulation": "HSLF-FS 2021:8", "findings": {}}', "'area'"),
        (
            '{"area": "E", "regulation": "HSLF-FS 2021:8", '
            '"findings": {"E1": "ej_uppfyllt", "E1": "uppfyllt"}}',
            "'E1'",
        ),
    ],
)
def test_grade_refuses_a_key_given_twice_naming_it(
    protocol: ProtocolVersion, tmp_path: Path, raw: str, key: str
) -> None:
    message = grade_refusal(tmp_path, raw.encode())
    assert f"in.json anger nyckeln {key} två gånger i samma objekt" in message


@pytest.mark.parametrize(
    ("findings", "words"),
    [
        (
            {"E1": 3},
            'findings.E1: här ska stå ett utfall som text, till exempel "uppfyllt", inte ett tal',
        ),
        ({"E1": None}, "findings.E1: här ska stå ett utfall som text"),
        ({"E1": ["uppfyllt"]}, "inte en lista"),
        ({"E1": True}, "inte sant eller falskt"),
    ],
)
def test_grade_names_a_finding_of_the_wrong_type(
    protocol: ProtocolVersion, tmp_path: Path, findings: dict[str, Any], words: str
) -> None:
    raw = json.dumps({**GOOD, "findings": findings}).encode()
    message = grade_refusal(tmp_path, raw)
    assert message.startswith(f"{tmp_path / 'in.json'}: ")
    assert words in message


def test_grade_names_area_of_the_wrong_type(protocol: ProtocolVersion, tmp_path: Path) -> None:
    message = grade_refusal(tmp_path, json.dumps({**GOOD, "area": 5}).encode())
    assert "in.json: area: här ska stå en text, inte ett tal" in message


def test_grade_refuses_a_file_larger_than_an_input(
    protocol: ProtocolVersion, tmp_path: Path
) -> None:
    raw = json.dumps(GOOD).encode() + b" " * MAX_INPUT_BYTES
    assert "in.json är större än 1024 kB" in grade_refusal(tmp_path, raw)


def test_grade_refuses_a_number_of_thousands_of_digits(
    protocol: ProtocolVersion, tmp_path: Path
) -> None:
    raw = json.dumps({**GOOD, "findings": {}}).replace("{}", "1" + "0" * 5000).encode()
    assert "in.json är inte giltig JSON" in grade_refusal(tmp_path, raw)


def test_grade_of_a_directory_names_it(protocol: ProtocolVersion, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Kan inte läsa"):
        call_command("grade", str(tmp_path), stdout=io.StringIO())


json_fragments = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        '"',
        "\\",
        '"area"',
        '"regulation"',
        '"findings"',
        '"E"',
        '"E1"',
        '"HSLF-FS 2021:8"',
        '"uppfyllt"',
        "1",
        "-0",
        "1e999",
        "true",
        "null",
        "NaN",
        " ",
        "\n",
        "\ufeff",
        '"\\ud800"',
        '"\\u0000"',
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.one_of(
        st.lists(json_fragments | st.text(max_size=3), max_size=40).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
        st.binary(max_size=64),
        st.fixed_dictionaries(
            {
                "area": st.sampled_from(["E", "A", "Q", ""]) | st.integers(),
                "regulation": st.sampled_from(["HSLF-FS 2021:8", "SOSFS 2015:8", "X"]),
                "findings": st.dictionaries(
                    st.sampled_from(["E1", "E5", "E13", "A1", "Z9", ""]),
                    st.sampled_from(["uppfyllt", "delvis", "bra"])
                    | st.none()
                    | st.integers()
                    | st.lists(st.integers(), max_size=2),
                    max_size=4,
                ),
            }
        ).map(lambda data: json.dumps(data).encode()),
    )
)
def test_any_json_ish_input_gives_a_grade_or_a_command_error(
    protocol: ProtocolVersion, tmp_path: Path, raw: bytes
) -> None:
    try:
        result = grade_file(tmp_path, raw)
    except CommandError as error:
        result = {"error": str(error)}
    # No grade (null, and no reasons) while nothing but ej relevant is found: no A from nothing.
    assert result.get("error") or result["grade"] in {"A", "B", "C", "D", None}
    assert result.get("error") or (result["grade"] is None) == (result["reasons"] == [])
