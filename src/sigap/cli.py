"""`sigap`: Sigap's own commands (`up`, `demo`, `report`, `token`, ...) and every
Django management command, with configuration from the environment."""

from __future__ import annotations

import os
import sys

# Commands spelt with a hyphen, as documented, whose Django module names cannot be.
ALIASES = {"mail-in": "mail_in", "sla-sweep": "sla_sweep"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")
    from sigap.core.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        args = list(sys.argv[1:] if argv is None else argv)
        if args:
            args[0] = ALIASES.get(args[0], args[0])
        execute_from_command_line(["sigap", *args])
    except ConfigError as exc:
        sys.stderr.write(f"sigap: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
