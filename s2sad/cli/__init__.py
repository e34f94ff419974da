"""The s2sad command line: ``grad``, ``check`` and ``graph``.

``s2sad grad model.py:loss --wrt w -o loss_grad.py`` writes a derivative
module whose header records, with paths relative to the module's own
directory, the command that made it; ``s2sad check DIR`` reads that command
back, regenerates in memory and compares bytes, which is what CI runs;
``s2sad graph`` draws the normalized function.

Exit codes (also shown by ``--help``): 0 success; 1 ``check`` found a stale
module; 2 a user error (bad arguments, missing file or function, unsupported
construct, refused overwrite, Graphviz missing); 3 an internal error, a bug
in s2sad.

The modules, one job each: ``parser`` (the arguments), ``messages`` (user
errors and how they print), ``files`` (safe file writing), ``target`` (the
user's module and function), ``generate`` (``grad``), ``check``,
``graph_command`` (``graph``), ``main`` (the entry point).
"""

from .check import recorded_command, regenerate_file
from .files import write_atomic
from .generate import FLAVORS, generate_module, regenerate_command, resolve_flavor
from .main import main
from .messages import CliError
from .parser import (EXIT_INTERNAL_ERROR, EXIT_OK, EXIT_STALE, EXIT_USER_ERROR,
                     build_parser)
from .target import user_module

__all__ = ["CliError", "EXIT_INTERNAL_ERROR", "EXIT_OK", "EXIT_STALE", "EXIT_USER_ERROR",
           "FLAVORS", "build_parser", "generate_module", "main", "recorded_command",
           "regenerate_command", "regenerate_file", "resolve_flavor", "user_module",
           "write_atomic"]
