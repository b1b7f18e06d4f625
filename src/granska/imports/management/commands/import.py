"""`granska import [--dry-run] [--json] [--by E-MAIL] PATH...`: earlier SPUR reports (PDF or
text) into reviews (issue 13). Each PATH a file, or a folder whose .pdf and .txt files are read,
recursively, in name order. `--json` prints one JSON array, an object per file in the order
given (`granska.imports.parsed.result_json`, the issue's contract); without it a line per file
and a total. A bar on standard error shows the progress when that is a terminal.

The import is the kansli's: the command acts as the kansli member `--by` names, or as the one
active kansli member when there is exactly one. Exit status 0 when every file was imported, would
be, or was a duplicate; 1 when any was refused; 2 on a usage error.

(The file is named `import.py`, as Django names a command by its module's file; Python's
`import` statement cannot name it, Django's loader, `importlib`, can.)
"""

import json
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.accounts.models import Role, User
from granska.imports.parsed import FileResult, result_json
from granska.imports.services import report_import

SUFFIXES = (".pdf", ".txt")
# A file larger than the reader takes is refused unread by it; reading it whole first would cost
# the memory the limit is there to save.
READ_LIMIT_BYTES = 50 * 2**20 + 1


def files_of(paths: list[str]) -> Iterator[str]:
    """Each path as given, a folder replaced by its .pdf and .txt files (recursively, sorted)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            yield from (str(p) for p in sorted(found))
        else:
            yield given


def importer_of(email: str | None) -> User:
    """The kansli member the command acts as: `--by`'s, or the only one."""
    kansli = User.objects.filter(role=Role.KANSLI, is_active=True)
    if email:
        person = kansli.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(
                _("No active kansli member has the e-mail address %(email)s.") % {"email": email},
                returncode=2,
            )
        return person
    people = list(kansli[:2])
    if len(people) != 1:
        raise CommandError(
            _("Name the kansli member the import is made by: --by E-MAIL."), returncode=2
        )
    return people[0]


class Progress:
    """A bar on a terminal, nothing elsewhere (a pipe, a log)."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total = stream, total
        self.shown = stream.isatty() and total > 1

    def step(self, done: int) -> None:
        if self.shown:
            width = 30
            filled = width * done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {done}/{self.total}")
            self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Imports earlier SPUR reports (PDF or text files, or folders of them) as reviews."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Read only; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON array.")
        parser.add_argument("--by", metavar="E-MAIL", help="The kansli member importing.")

    def handle(self, *args: Any, **options: Any) -> None:
        by = importer_of(options["by"])
        files = list(files_of(options["paths"]))
        progress = Progress(sys.stderr, len(files))
        results: list[FileResult] = []
        for done, name in enumerate(files, start=1):
            results.append(self.one(by=by, name=name, dry_run=options["dry_run"]))
            progress.step(done)
        progress.end()
        if options["json"]:
            self.stdout.write(
                json.dumps([result_json(r) for r in results], ensure_ascii=False, indent=2)
            )
        else:
            for result in results:
                self.stdout.write(line_of(result))
            self.stdout.write(total_of(results))
        if any(r.outcome == "refused" for r in results):
            sys.exit(1)

    def one(self, *, by: User, name: str, dry_run: bool) -> FileResult:
        try:
            with open(name, "rb") as file:
                data = file.read(READ_LIMIT_BYTES)
        except OSError as error:
            return FileResult(
                file=name,
                outcome="refused",
                message=_("The file cannot be read: %(reason)s.") % {"reason": error.strerror},
            )
        return report_import(by=by, name=name, data=data, dry_run=dry_run)


def line_of(result: FileResult) -> str:
    words = {
        "imported": _("imported as review %(review)s"),
        "would_import": _("would be imported"),
        "duplicate": _("imported before"),
        "refused": _("refused"),
    }
    text = words[result.outcome] % {"review": result.review}
    return f"{result.file}: {text}" + (f" ({result.message})" if result.message else "")


def total_of(results: list[FileResult]) -> str:
    count = {
        o: sum(r.outcome == o for r in results)
        for o in ("imported", "would_import", "duplicate", "refused")
    }
    return _(
        "%(files)d files: %(imported)d imported, %(would_import)d would be imported, "
        "%(duplicate)d imported before, %(refused)d refused."
    ) % {"files": len(results), **count}
