"""Django's own texts that its Swedish catalog lacks, translated in ours.

makemessages finds these here, so they stay in src/granska/locale/sv; at run time our catalog
takes precedence over Django's and fills the gap.
"""

from django.utils.translation import gettext_noop

DJANGO_TEXTS = (
    # The empty choice of a select (Django 6.1's BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
    # allauth's names of its login addresses, which its Swedish writes "Epost-adress".
    gettext_noop("email address"),
    gettext_noop("email addresses"),
    gettext_noop("verified"),
    gettext_noop("primary"),
    # django-tasks-db's task results in the admin (its package has no Swedish catalog).
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("args kwargs"),
    gettext_noop("backend name"),
    gettext_noop("enqueued at"),
    gettext_noop("exception class path"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("return value"),
    gettext_noop("run after"),
    gettext_noop("started at"),
    gettext_noop("task path"),
    gettext_noop("traceback"),
    gettext_noop("worker id"),
)
