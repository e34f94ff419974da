"""The command line's arguments: one ``argparse`` parser with the ``grad``,
``check`` and ``graph`` commands, and the exit codes its help shows.
"""

import argparse
import textwrap

from .. import __version__
from ..pipeline import PASSES


EXIT_OK = 0
EXIT_STALE = 1
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3

EXIT_CODES_HELP = """\
exit codes:
  0  success (check: every module is up to date)
  1  check: at least one module is stale (a unified diff is printed)
  2  user error: bad arguments, missing file or function, unsupported
     construct, bad --wrt, refused overwrite, Graphviz not installed
  3  internal error in s2sad (please report it; --traceback shows where)
"""


def _para(text):
    return textwrap.fill(text, 79)


def build_parser():
    """The ``s2sad`` argument parser; ``args.command`` names the command to run."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="s2sad", formatter_class=formatter,
        description=_para("Source-to-source automatic differentiation for numeric Python: "
                          "write readable derivative modules, check they are up to date, "
                          "draw computational graphs."),
        epilog=EXIT_CODES_HELP + "\nRun 's2sad COMMAND --help' for the options of a command.")
    parser.add_argument("--version", action="version", version=f"s2sad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_grad(sub, formatter)
    _add_check(sub, formatter)
    _add_graph(sub, formatter)
    return parser


def _output_path(text):
    """``-o``'s path; ``-`` (the usual name of standard output) is stdout, as no ``-o``
    is: None.  A file named ``-`` is ``./-``."""
    return None if text == "-" else text


def _add_grad(sub, formatter):
    """The ``grad`` command's arguments."""
    grad = sub.add_parser(
        "grad", formatter_class=formatter, help="write the derivative module of a function",
        description=_para("Differentiate FUNCTION in PATH.py and write a standalone module "
                    "(stdout without -o). Its header records the command that made it, "
                    "with paths relative to the module's directory, for 's2sad check'."),
        epilog=EXIT_CODES_HELP)
    grad.add_argument("target", metavar="PATH.py:FUNCTION", help="the function to differentiate")
    grad.add_argument("--wrt", metavar="NAMES",
                      help="comma-separated parameter names (or indices) to differentiate "
                           "with respect to; default: the first parameter")
    grad.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="differentiation mode (default: reverse)")
    grad.add_argument("--flavor", choices=("value_and_grad", "vjp", "jvp", "hvp"),
                      help="reverse mode: value_and_grad (default), f(...) -> (value, "
                           "gradient), or vjp, f(...) -> (value, pullback); forward mode: "
                           "jvp (default), f(..., x_dot) -> (value, tangent), or hvp, "
                           "f(..., x_dot) -> ((value, gradient), Hessian @ x_dot), forward "
                           "over reverse")
    grad.add_argument("--target", dest="backend", choices=("numpy", "numba"),
                      default="numpy",
                      help="numpy (default): plain Python over numpy; numba: the same code "
                           "with a numba tape and helpers, each function @numba.njit "
                           "(needs numba to run: pip install 's2sad[numba]'); what numba "
                           "cannot take is refused here, naming the line")
    grad.add_argument("-o", "--output", metavar="OUT.py", type=_output_path,
                      help="write here (atomically) instead of stdout; never the source "
                           "file; '-o -' is stdout (a file named '-': -o ./-)")
    grad.add_argument("--force", action="store_true",
                      help="overwrite OUT.py even if s2sad did not write it")
    passes = tuple(PASSES) + tuple(p for p in ("forward",) if p not in PASSES)
    grad.add_argument("--dump-after", metavar="PASS", choices=passes,
                      help=f"print the program after PASS ({', '.join(passes)}; "
                           f"reverse or forward as --mode says) and stop; "
                           f"nothing is written")
    grad.add_argument("--traceback", action="store_true",
                      help="show the Python traceback of an error")


def _add_check(sub, formatter):
    """The ``check`` command's arguments."""
    check = sub.add_parser(
        "check", formatter_class=formatter,
        help="fail when generated modules are stale (for CI)",
        description=_para("Find the s2sad-generated modules among PATHs (files, or directories "
                    "searched recursively), regenerate each in memory from the command "
                    "recorded in its header, and print a unified diff for every stale one."),
        epilog=EXIT_CODES_HELP)
    check.add_argument("paths", metavar="PATH", nargs="+", help="files or directories")
    check.add_argument("--update", action="store_true",
                       help="rewrite stale modules instead of failing (exit 0 when all "
                            "could be regenerated)")
    check.add_argument("--traceback", action="store_true",
                       help="show the Python traceback of an error")


def _add_graph(sub, formatter):
    """The ``graph`` command's arguments."""
    graph = sub.add_parser(
        "graph", formatter_class=formatter,
        help="draw the computational graph of a function",
        description=_para("The computational graph of the normalized function: inputs, "
                    "intermediates, operations and outputs; nodes active with respect to "
                    "--wrt are drawn in blue, non-differentiable reads dashed. DOT text "
                    "needs nothing else; .svg, .png and .pdf need Graphviz's 'dot' program."),
        epilog=EXIT_CODES_HELP)
    graph.add_argument("target", metavar="PATH.py:FUNCTION", help="the function to draw")
    graph.add_argument("--wrt", metavar="NAMES",
                       help="parameters activity is computed for (default: the first)")
    graph.add_argument("-o", "--output", metavar="GRAPH", type=_output_path,
                       help="graph.dot (or .gv), graph.svg, graph.png or graph.pdf; "
                            "default (or '-o -'): DOT on stdout")
    graph.add_argument("--force", action="store_true",
                       help="overwrite GRAPH even if s2sad did not write it")
    graph.add_argument("--traceback", action="store_true",
                       help="show the Python traceback of an error")
