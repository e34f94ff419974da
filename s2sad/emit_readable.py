"""A generated module's function made to be read, not run (second order).

Second derivatives read the gradient code's text back (``syntax.parse``) and never
run that code: compiling the whole text of a long gradient, only for a function
object to read it through, cost as much as parsing it.  :func:`readable_function`
gives what :func:`emit.compile_module` gives for reading: a function of the module's
name, defined at its line of the module's text (which ``linecache`` holds under the
file name ``compile_module`` gives it, so ``inspect`` and the parser read that text),
whose globals hold what the module's would (its bindings, the values given, what its
head imports or binds); its body is ``pass``, the only part not compiled.  A module of
more than one function (a callee's derivative beside it), or whose ``def`` line is not a
whole header, is compiled whole.
"""

import linecache
import re

from .emit import _without_bindings, compile_module
from .emit_names import generated_filename

#: a line opening a top-level definition (as ``emit``'s)
_DEFINITION = re.compile(r"^(?:@|def |async def |class )", re.MULTILINE)


def readable_function(emitted, values=None):
    """The function of the module ``emitted`` (an ``emit.Emitted``) with ``values`` for
    the user's free names, to be read (see the module docstring)."""
    text, name = emitted.text, emitted.function_name
    first = _DEFINITION.search(text)
    end = text.find("\n", first.start()) if first is not None else -1
    if first is None or end < 0 or not text.startswith(f"def {name}(", first.start()) \
            or not text[first.start():end].rstrip().endswith(":") \
            or _DEFINITION.search(text, end) is not None:
        return compile_module(emitted, values)
    filename = generated_filename(name, text)   # (compile_module's)
    lines = text.splitlines(keepends=True)
    linecache.cache[filename] = (len(text), None, lines, filename)
    head = text[:first.start()]
    head = _without_bindings(head, head.splitlines(keepends=True), set(emitted.user_names),
                             filename)
    stub = f"{head}{text[first.start():end]}\n    pass\n"
    namespace = {"__name__": f"s2sad_generated_{name}", **emitted.bindings, **(values or {})}
    exec(compile(stub, filename, "exec"), namespace)  # noqa: S102 - our own header
    return namespace[name]
