"""`granska questionnaire load [FILE]`: validate and load a questionnaire version."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from granska.surveys.loader import QuestionnaireError, read_questionnaire
from granska.surveys.loading import questionnaire_load
from granska.surveys.models import Statement


class Command(BaseCommand):
    help = "Loads a questionnaire file (a questionnaire version mapped onto a protocol version)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="validate and load a questionnaire file")
        load.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=settings.GRANSKA_DEFAULT_QUESTIONNAIRE,
            help="the YAML file (default: the questionnaire shipped with Granska)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.load(options["file"])

    def load(self, path: Path) -> None:
        try:
            result = questionnaire_load(spec=read_questionnaire(path))
        except QuestionnaireError as error:
            raise CommandError(
                _("The questionnaire was not loaded:") + "\n" + str(error)
            ) from error
        questionnaire = result.questionnaire
        message = {
            "created": _(
                "Loaded %(title)s (%(code)s) for %(protocol)s: %(areas)d areas, "
                "%(statements)d statements, %(facts)d fact fields."
            ),
            "replaced": _(
                "Replaced %(title)s (%(code)s), which no survey used, for %(protocol)s: "
                "%(areas)d areas, %(statements)d statements, %(facts)d fact fields."
            ),
            "unchanged": _("%(title)s (%(code)s) is already loaded; nothing changed."),
        }[result.outcome]
        self.stdout.write(
            message
            % {
                "title": questionnaire.title,
                "code": questionnaire.code,
                "protocol": questionnaire.protocol.code,
                "areas": questionnaire.areas.count(),
                "statements": Statement.objects.filter(area__questionnaire=questionnaire).count(),
                "facts": questionnaire.fact_fields.count(),
            }
        )
