"""``s2sad check``: find the generated modules among paths, regenerate each in memory
from the command its header records, and report (or ``--update``) the stale ones
with a unified diff.
"""

import contextlib
import difflib
import io
import os
import shlex
import sys

from ..errors import S2sadError
from ..pipeline import REGENERATE_MARK
from .files import has_s2sad_header, write_atomic, write_stdout
from .generate import generate_module
from .messages import CliError, from_s2sad_error, print_error, shown_path
from .parser import EXIT_OK, EXIT_STALE, EXIT_USER_ERROR, build_parser
from .target import parse_target


def _find_modules(paths):
    """Generated modules named by ``paths`` (files, or directories searched recursively)."""
    found, errors = [], []
    for path in paths:
        if os.path.isdir(path):
            hits = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and has_s2sad_header(full):
                        hits.append(full)
            if not hits:
                errors.append(CliError("no s2sad-generated modules found in this directory",
                                       where=shown_path(path)))
            found.extend(hits)
        elif os.path.isfile(path):
            if has_s2sad_header(path):
                found.append(path)
            else:
                errors.append(CliError("not an s2sad-generated module (no s2sad header)",
                                       where=shown_path(path)))
        else:
            errors.append(CliError("no such file or directory", where=shown_path(path)))
    return found, errors


def recorded_command(text, path):
    """The parsed ``s2sad grad`` arguments recorded in a generated module's header."""
    prefix = f"# {REGENERATE_MARK}"
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith(prefix):
            args = _parsed_command(line[len(prefix):].strip(), path)
            if args is None:
                break
            return args
    raise CliError("the header records no 's2sad grad' command to regenerate it with",
                   where=shown_path(path),
                   hint="regenerate it with 's2sad grad ... -o FILE' once; "
                        "modules made through the Python API cannot be checked")


def _parsed_command(command, path):
    """The arguments of the header's ``regenerate:`` command (None for another command,
    the API's ``s2sad.source(...)``); a CliError saying why for an ``s2sad grad`` command
    this version cannot run (an option it does not know)."""
    why = None
    try:
        words = shlex.split(command)
    except ValueError as exc:
        words, why = [], f"its quoting does not parse ({exc})"
    if why is None and words[:2] != ["s2sad", "grad"]:
        return None
    if why is None:
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            try:
                args = build_parser().parse_args(words[1:])
            except SystemExit:
                lines = errors.getvalue().strip().splitlines() or ["it does not parse"]
                why = "it does not parse: " + lines[-1].split("error: ", 1)[-1]
    if why is None and (args.dump_after or args.force):
        why = (f"it takes {'--dump-after' if args.dump_after else '--force'}, which a "
               f"recorded command never does")
    if why is None:
        return args
    raise CliError(f"the header's 'regenerate:' command is not one s2sad can run: {why}",
                   where=shown_path(path), detail=f"    {command}",
                   hint="regenerate it with 's2sad grad ... -o FILE' once (a module another "
                        "s2sad version wrote may record options this one does not know)")


def regenerate_file(path):
    """(bytes on disk, bytes regenerated from its header's command) of a generated module."""
    with open(path, "rb") as handle:
        current = handle.read()
    args = recorded_command(current.decode("utf-8", errors="replace"), path)
    directory = os.path.dirname(os.path.abspath(path))
    source_rel, func_name = parse_target(args.target)
    source = os.path.join(directory, source_rel)
    text, _, _ = generate_module(source, func_name, args.wrt, args.mode, args.flavor,
                                 output=path if args.output else None, base=directory,
                                 target=args.backend)
    return current, text.encode("utf-8")


def cmd_check(args):
    """``s2sad check``: regenerate each module in memory, print a diff for each stale one
    (or rewrite it with ``--update``); the exit code (see ``parser.EXIT_CODES_HELP``)."""
    modules, errors = _find_modules(args.paths)
    stale, updated, fresh = [], [], 0
    for path in modules:
        try:
            current, new = regenerate_file(path)
        except CliError as exc:
            exc.message = f"cannot regenerate {shown_path(path)}: {exc.message}"
            errors.append(exc)
            continue
        except Exception as exc:
            if not isinstance(exc, S2sadError):
                raise
            errors.append(from_s2sad_error(exc, prefix=f"cannot regenerate {shown_path(path)}: "))
            continue
        if current == new:
            fresh += 1
            continue
        shown = shown_path(path)
        if args.update:
            write_atomic(path, new)
            updated.append(shown)
            print(f"updated {shown}", file=sys.stderr)
            continue
        stale.append(shown)
        diff = difflib.unified_diff(
            current.decode("utf-8", errors="replace").splitlines(keepends=True),
            new.decode("utf-8").splitlines(keepends=True),
            fromfile=f"{shown} (on disk)", tofile=f"{shown} (regenerated)")
        write_stdout("".join(line if line.endswith("\n") else line + "\n\\ No newline at end "
                              "of file\n" for line in diff).encode("utf-8"))
    for error in errors:
        print_error(error)
    summary = f"s2sad check: {fresh} up to date"
    if updated:
        summary += f", {len(updated)} updated"
    if stale:
        summary += f", {len(stale)} stale ({', '.join(stale)})"
    if errors:
        summary += f", {len(errors)} error{'s' if len(errors) > 1 else ''}"
    print(summary, file=sys.stderr)
    if stale and not errors:
        print("hint: run 's2sad check --update' with the same paths to regenerate them",
              file=sys.stderr)
    if errors:
        return EXIT_USER_ERROR
    return EXIT_STALE if stale else EXIT_OK
