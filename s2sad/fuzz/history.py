"""Generated text that depends on what the process did before (detleak18: a rule of the
user's, once registered, made every later generation avoid the names of its helpers, so a
``power_bar`` became ``power_bar_1`` in every module made after it).

For a share of the programs checked in reverse mode: the module text of ``f``
(``s2sad.source``) is made; then a rule of the user's, for a function of its own that
``f`` never calls, is registered, its adjoint calling helpers named as values of that
text (names s2sad handed out: adjoints, temporaries); the text made again must be
byte-identical.  The programs and the names are drawn from a stream of their own (seeded
from the program's seed): the shared stream, and so every program, is untouched.
"""

import ast
import atexit
import builtins
import difflib
import keyword
import random

from s2sad.fuzz.loader import _Loader

#: the share of the programs checked, and how many of the text's names the rule's
#: helpers take
SHARE = 0.25
MAX_HELPERS = 4
#: the names the rule's own module uses otherwise
_OWN = frozenset({"s2sad", "v", "x", "y", "y_bar", "unrelated_op", "unrelated_op_adjoint"})
_LOADER = []


def _stream(seed):
    return random.Random(seed ^ 0x5EED18)


def _loader():
    if not _LOADER:
        _LOADER.append(_Loader())
        atexit.register(_LOADER[0].close)
    return _LOADER[0]


def handed_out(text):
    """The names the module text ``text`` assigns (sorted), that a function may be named."""
    names = {node.id for node in ast.walk(ast.parse(text))
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return sorted(name for name in names - _OWN if not keyword.iskeyword(name)
                  and not hasattr(builtins, name) and not name.startswith("_"))


def rule_module(names):
    """The source of a module registering a rule whose adjoint calls helpers ``names``."""
    helpers = "".join(f"def {name}(v):\n    return v\n\n\n" for name in names)
    called = "y_bar"
    for name in names:
        called = f"{name}({called})"
    return ("import s2sad\n\n\n" + helpers
            + "def unrelated_op(x):\n    return x * 2.0\n\n\n"
            + "@s2sad.adjoint(unrelated_op)\ndef unrelated_op_adjoint(y, y_bar, x):\n"
            + f"    return {called} * 2.0\n")


def check(s2sad, prog, f, error_types, share=SHARE):
    """None, or ``("history-dependent-text", message)`` when registering the unrelated rule
    changed the module text of ``f`` (see the module docstring)."""
    stream = _stream(prog.seed)
    if stream.random() >= share:
        return None
    try:
        text = s2sad.source(f, wrt=tuple(prog.wrt))
    except error_types:
        return None   # (a refusal is the mode check's to judge)
    names = handed_out(text)
    if not names:
        return None
    chosen = sorted(stream.sample(names, min(MAX_HELPERS, len(names))))
    _loader().load(rule_module(chosen), "unrelated_rule")   # (its rule registered: parsed)
    _loader().forget()   # (a campaign's modules do not pile up in sys.modules)
    again = s2sad.source(f, wrt=tuple(prog.wrt))
    if again == text:
        return None
    diff = "\n".join(list(difflib.unified_diff(text.splitlines(), again.splitlines(),
                                               lineterm="", n=0))[2:12])
    return ("history-dependent-text",
            f"the module text of f changed once a rule f does not use was registered (its "
            f"helpers named {', '.join(chosen)}): generated text must depend on the "
            f"function and the rules it uses only\n{diff}")
