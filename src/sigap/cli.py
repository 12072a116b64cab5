"""`sigap`: Sigap's own commands (`up`, `demo`, `report`, `token`, ...) and every
Django management command, with configuration from the environment."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")
    from sigap.core.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sigap", *(sys.argv[1:] if argv is None else argv)])
    except ConfigError as exc:
        sys.stderr.write(f"sigap: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
