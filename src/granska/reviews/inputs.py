"""What callers hand the reviews' services: typed input, read leniently from a form, a file or
an API and validated by the service (`area_save`), whoever the caller."""

from dataclasses import dataclass, field

# A finding as the form sent it: outcome, note, source; None for a part the form did not send.
SentFinding = tuple[str | None, str | None, str | None]
# A grade as the form sent it: grade, reason; None for a part the form did not send.
SentGrade = tuple[str | None, str | None]


@dataclass
class AreaInput:
    """What the assessment form of one area submitted, read leniently (validation is the
    service's): criterion code -> (outcome, note, source); regulation -> (grade, reason).

    A criterion or regulation is there when the form sent any of its fields, and a part it did
    not send is None, as is a narrative or version not sent: `area_save` refuses them all,
    since reading them as empty would erase what is saved."""

    findings: dict[str, SentFinding] = field(default_factory=dict)
    grades: dict[str, SentGrade] = field(default_factory=dict)
    narrative: str | None = None
    version: int | None = None


def finding_key(code: str) -> str:
    """The prefix of the error keys of a criterion's finding: "findings.E4" (the service adds the
    part: "findings.E4.outcome", "findings.E4.note")."""
    return f"findings.{code}"


def grade_key(regulation: str) -> str:
    """The error key of an area's grade under a regulation: "grades.HSLF-FS 2021:8"."""
    return f"grades.{regulation}"


def errors_under(errors: dict[str, list[str]], key: str) -> list[str]:
    """The messages of `key` and of every key below it ("findings.E4" and "findings.E4.note")."""
    return [
        text
        for name, texts in errors.items()
        if name == key or name.startswith(key + ".")
        for text in texts
    ]
