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
)
