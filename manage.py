#!/usr/bin/env python
"""Django's command-line utility. A database that cannot be reached is reported in one line."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as exc:
        first_line = (str(exc).strip().splitlines() or ["unknown error"])[0]
        if not first_line.startswith(("connection", "could not connect")):
            raise  # an error from a reachable database: show it in full
        sys.stderr.write(f"yundian: cannot reach the database: {first_line}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
