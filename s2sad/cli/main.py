"""``s2sad``'s entry point: parse the arguments, run the command, turn every error
into a message and an exit code (2 a user error, 3 a bug in s2sad).
"""

import sys
import traceback

from ..errors import S2sadError
from .check import cmd_check
from .generate import cmd_grad
from .graph_command import cmd_graph
from .messages import CliError, from_s2sad_error, print_error, shown_path
from .parser import EXIT_INTERNAL_ERROR, EXIT_USER_ERROR, build_parser

#: the function that runs each command
COMMANDS = {"grad": cmd_grad, "check": cmd_check, "graph": cmd_graph}


def main(argv=None):
    """Entry point of ``s2sad`` and ``python -m s2sad``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CliError as exc:
        if args.traceback:
            traceback.print_exc()
        print_error(exc)
        return EXIT_USER_ERROR
    except S2sadError as exc:
        if args.traceback:
            traceback.print_exc()
        print_error(from_s2sad_error(exc))
        return EXIT_USER_ERROR
    except OSError as exc:  # e.g. permission denied while writing
        if args.traceback:
            traceback.print_exc()
        where = shown_path(exc.filename) if exc.filename else ""
        print_error(CliError(exc.strerror or str(exc), where=where))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("s2sad: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in s2sad: say so, exit 3
        if args.traceback:
            traceback.print_exc()
        print(f"s2sad: internal error: {type(exc).__name__}: {exc}\n"
              f"this is a bug in s2sad; rerun with --traceback and report it",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR
