#!/usr/bin/env python
import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arp_portal.settings")
    # Exit normally on SIGTERM so atexit hooks run: one of them stops the embedded Postgres
    # (arp_portal/embedded_db.py) when the last process using it exits.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
