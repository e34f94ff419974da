"""``python -m s2sad``: the command line (see :mod:`s2sad.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
