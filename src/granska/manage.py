"""The `granska` command: the project's manage.py as a console script."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "granska.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A setting the operator must fix: say which, without a stack trace.
        sys.stderr.write(f"granska: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
