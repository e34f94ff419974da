"""Rule functions as templates: their parameters, body, returned expression and the
names they read, parsed from their source.

A user's rule is parsed when it is registered (a mistake in it is reported there);
s2sad's own rules, hundreds of them, are read when a transform first splices them
(:class:`LazyTemplate`): loading them then costs no parsing.
"""

import builtins
import dis
import inspect
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, Dict, Tuple

import gast

from ..errors import RuleDefinitionError


@dataclass
class Template:
    """A rule function parsed once: its parameters, body and returned expression."""

    fn: Any
    params: Tuple[str, ...]
    body: list
    result: Any               # gast expression returned by the template
    assigned: Tuple[str, ...]  # names the body assigns (renamed fresh at splicing)
    free: Dict[str, Any]      # free names -> the objects they denote


def parse_template(fn) -> Template:
    """Parse a rule function into a :class:`Template` (checked, reusable)."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as exc:
        raise RuleDefinitionError(f"cannot read the source of rule {fn.__name__}: {exc}") from None
    node = gast.parse(source).body[0]
    if not isinstance(node, gast.FunctionDef):
        raise RuleDefinitionError(f"rule {fn.__name__} must be defined with 'def'")
    params = tuple(a.id for a in node.args.args)
    body = [s for s in node.body
            if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        raise RuleDefinitionError(f"rule {fn.__name__} must end with 'return <expression>'")
    assigned = []
    for stmt in body[:-1]:
        if not isinstance(stmt, gast.Assign) or not all(
                isinstance(t, gast.Name) for t in stmt.targets):
            raise RuleDefinitionError(
                f"rule {fn.__name__}: only 'name = expression' statements may precede the return")
        assigned.extend(t.id for t in stmt.targets)
    loaded = sorted({n.id for s in body for n in gast.walk(s)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)})
    free = {}
    for name in loaded:
        if name in params or name in assigned:
            continue
        if name in fn.__globals__:
            free[name] = fn.__globals__[name]
        elif hasattr(builtins, name):
            free[name] = getattr(builtins, name)
        else:
            raise RuleDefinitionError(f"rule {fn.__name__} uses the undefined name {name!r}")
    return Template(fn=fn, params=params, body=body[:-1], result=body[-1].value,
                    assigned=tuple(assigned), free=free)


class LazyTemplate:
    """The :class:`Template` of one of s2sad's own rules, parsed on first use of its
    body.  Its parameters (from the code object) and the free names it reads (from the
    bytecode: what the registry reserves at registration) are known without parsing."""

    __slots__ = ("fn", "params", "free", "_parsed")

    def __init__(self, fn):
        code = fn.__code__
        self.fn = fn
        self.params = code.co_varnames[:code.co_argcount]
        self.free = {name: fn.__globals__[name] if name in fn.__globals__
                     else getattr(builtins, name) for name in sorted(_globals_read(code))}
        self._parsed = None

    def parsed(self):
        if self._parsed is None:
            self._parsed = parse_template(self.fn)
        return self._parsed

    @property
    def body(self):
        return self.parsed().body

    @property
    def result(self):
        return self.parsed().result

    @property
    def assigned(self):
        return self.parsed().assigned


class DerivedTemplate:
    """The tangent :class:`Template` derived for an op declared linear (the op applied to
    its tangents, ``np.reshape(a_dot, shape)``): its one-expression text parsed on first
    use."""

    __slots__ = ("fn", "params", "free", "text", "_result")
    body, assigned = [], ()   # (never changed: read only)

    def __init__(self, fn, params, free, text):
        self.fn, self.params, self.free, self.text = fn, params, free, text
        self._result = None

    @property
    def result(self):
        if self._result is None:
            self._result = gast.parse(self.text).body[0].value
        return self._result


#: (the opcodes read by _globals_read; from 3.11 LOAD_GLOBAL's argument is the name's
#: index shifted left by one, its low bit saying whether a NULL is pushed first)
_LOAD_GLOBAL, _EXTENDED_ARG = dis.opmap["LOAD_GLOBAL"], dis.opmap["EXTENDED_ARG"]
_NAME_SHIFT = 1 if sys.version_info >= (3, 11) else 0


def _globals_read(code):
    """The global (and builtin) names ``code`` and the code nested in it load (read
    from the raw bytecode: ``dis.get_instructions`` costs as much as parsing)."""
    raw, names, found, extended = code.co_code, code.co_names, set(), 0
    for i in range(0, len(raw), 2):
        op, arg = raw[i], raw[i + 1] | extended
        extended = arg << 8 if op == _EXTENDED_ARG else 0
        if op == _LOAD_GLOBAL:
            found.add(names[arg >> _NAME_SHIFT])
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            found |= _globals_read(const)
    return found
