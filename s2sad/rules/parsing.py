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
import types
from dataclasses import dataclass
from typing import Any, Dict, Tuple

import gast

from ..errors import RuleDefinitionError, SourceLocation
from ..syntax.anno import VIEW_OF


@dataclass
class Template:
    """A rule function parsed once: its parameters, body and returned expression."""

    fn: Any
    params: Tuple[str, ...]
    body: list
    result: Any               # gast expression returned by the template
    assigned: Tuple[str, ...]  # names the body assigns (renamed fresh at splicing)
    free: Dict[str, Any]      # free names -> the objects they denote

    def __post_init__(self):
        snapshot_modules(self.free)


def _is_running_code(source, fn):
    """Whether ``source`` (the rule's text as read from its file now, which is read when
    the rule is first used) compiles to ``fn``'s code: a file edited or replaced since
    the import (a checkout, a merge) gives another function's lines.  A rule with free
    variables of an enclosing function is not compared (its text alone compiles to
    other instructions)."""
    code = getattr(fn, "__code__", None)
    if code is None or code.co_freevars:
        return True
    try:
        module = compile(source, code.co_filename, "exec", dont_inherit=True)
    except SyntaxError:
        return False
    for const in module.co_consts:
        if inspect.iscode(const) and const.co_name == code.co_name:
            # (not the bytecode, which compile flags change: the names and constants)
            return const.co_names == code.co_names and const.co_varnames == code.co_varnames \
                and const.co_argcount == code.co_argcount \
                and [repr(c) for c in const.co_consts if not inspect.iscode(c)] \
                == [repr(c) for c in code.co_consts if not inspect.iscode(c)]
    return False


def parse_template(fn) -> Template:
    """Parse a rule function into a :class:`Template` (checked, reusable)."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as exc:
        raise RuleDefinitionError(f"cannot read the source of rule {fn.__name__}: {exc}") from None
    if fn.__name__ == "<lambda>":   # (its lines may hold other lambdas: not compared)
        raise RuleDefinitionError(
            "rule <lambda> must be defined with 'def'",
            hint="write it as 'def name(...): return ...' decorated by the registration "
                 "(s2sad reads a rule's statements from its source)")
    if not _is_running_code(source, fn):
        raise RuleDefinitionError(
            f"the source of rule {fn.__name__} changed on disk since "
            f"{getattr(fn, '__module__', 'its module')} was imported: its file no longer "
            f"defines the code that runs; restart Python (or reload the module)")
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
                f"rule {fn.__name__}: only 'name = expression' statements may precede the "
                f"return (its body is spliced into the generated code as expressions)",
                hint="put the loop or the other statements in a function of your own and "
                     "call it in the rule: return my_adjoint(y_bar, x, ...)")
        assigned.extend(t.id for t in stmt.targets)
    loaded = sorted({n.id for s in body for n in gast.walk(s)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)})
    free, late = {}, {}
    for name in loaded:
        if name in params or name in assigned:
            continue
        if name in fn.__globals__:
            free[name] = _module_of(fn.__globals__[name])
        elif hasattr(builtins, name):
            free[name] = getattr(builtins, name)
        else:   # (a helper defined below the rule: Python looks it up when it runs)
            late[name] = next(n for s in body for n in gast.walk(s)
                              if isinstance(n, gast.Name) and n.id == name)
    template = Template(fn=fn, params=params, body=body[:-1], result=body[-1].value,
                        assigned=tuple(assigned), free=free)
    return LateTemplate(template, late, source) if late else template


class LateTemplate:
    """A user's rule reading a name its module does not define yet when the rule is
    registered (``spread``, a helper defined below the rule, as Python allows: it looks
    the name up when the rule runs).  Its free names are known (``free_names``, the
    names the registry reserves); their objects are looked up in the rule's module
    when the rule is first spliced (``free``), and a name still undefined then is a
    located :class:`RuleDefinitionError`."""

    __slots__ = ("template", "late", "source", "_free")

    def __init__(self, template, late, source):
        self.template = template
        self.late = late        # name -> its first read (a gast node of the rule's source)
        self.source = source    # the rule's source, dedented (for the located error)
        self._free = None

    fn = property(lambda self: self.template.fn)
    params = property(lambda self: self.template.params)
    body = property(lambda self: self.template.body)
    result = property(lambda self: self.template.result)
    assigned = property(lambda self: self.template.assigned)

    @property
    def free_names(self):
        return set(self.template.free) | set(self.late)

    @property
    def free(self):
        if self._free is None:
            fn, found = self.template.fn, {}
            for name, node in self.late.items():
                if name in fn.__globals__:
                    found[name] = _module_of(fn.__globals__[name])
                elif hasattr(builtins, name):
                    found[name] = getattr(builtins, name)
                else:
                    raise RuleDefinitionError(
                        f"rule {fn.__name__} uses the name {name!r}, which its module "
                        f"does not define (not when the rule was registered, nor now that "
                        f"it is used)", self._location(node),
                        hint=f"define {name} in {fn.__module__} (or import it there) "
                             f"before differentiating code the rule serves")
            snapshot_modules(found)
            self._free = {**self.template.free, **found}
        return self._free

    def _location(self, node):
        """Where ``node`` (read in the dedented source) stands in the rule's file."""
        fn = self.template.fn
        code = fn.__code__
        lines = self.source.splitlines()
        text = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
        try:
            original = inspect.getsourcelines(fn)[0][node.lineno - 1]
        except (OSError, TypeError, IndexError):
            original = text
        shift = len(original) - len(original.lstrip()) - (len(text) - len(text.lstrip()))
        return SourceLocation(code.co_filename, code.co_firstlineno + node.lineno - 1,
                              node.col_offset + 1 + max(shift, 0), original)


def _module_of(obj):
    """numpy for the runtime's copy of it (``runtime.numpy_view``: a rule written in a
    runtime module means numpy by ``np``, as every other rule), else ``obj``."""
    return obj.__dict__.get(VIEW_OF, obj) if isinstance(obj, types.ModuleType) else obj


class LazyTemplate:
    """The :class:`Template` of one of s2sad's own rules, parsed on first use of its
    body.  Its parameters (from the code object) and the free names it reads (from the
    bytecode: what the registry reserves at registration) are known without parsing."""

    __slots__ = ("fn", "params", "free", "_parsed")

    def __init__(self, fn):
        code = fn.__code__
        self.fn = fn
        self.params = code.co_varnames[:code.co_argcount]
        self.free = {name: _module_of(fn.__globals__[name]) if name in fn.__globals__
                     else getattr(builtins, name) for name in sorted(_globals_read(code))}
        self._parsed = None
        snapshot_modules(self.free)

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
        snapshot_modules(free)

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


# ------------------------------------------- the module attributes a template reads
#
# A template's ``np.cos(x)`` reads numpy's attribute when the generated code runs, where
# the user may have rebound it (``np.cos = np.sin``).  What the rule meant is what the
# attribute was when the rule was registered: each module a template reads is copied
# then (its names, and those of its submodules: ``np.linalg.inv``), once.

_SNAPSHOTS = {}   # id(module) -> (module, {name: object} when first read by a rule)


def snapshot_modules(free):
    """Copy the namespace of each module in ``free`` (and of its submodules) the first
    time a rule reads it."""
    for obj in free.values():
        if isinstance(obj, types.ModuleType) and id(obj) not in _SNAPSHOTS:
            _snapshot(obj)


def _snapshot(module):
    names = dict(vars(module))
    _SNAPSHOTS[id(module)] = (module, names)
    prefix = module.__name__ + "."
    for value in names.values():
        if isinstance(value, types.ModuleType) and id(value) not in _SNAPSHOTS \
                and value.__name__.startswith(prefix):
            _snapshot(value)


def meant(module, attrs):
    """The object ``module.attrs`` denoted when rules first read ``module`` (what it is
    now where no copy holds it)."""
    obj = module
    for attr in attrs:
        held = _SNAPSHOTS.get(id(obj))
        names = held[1] if held is not None and held[0] is obj else {}
        obj = names[attr] if attr in names else getattr(obj, attr)
    return obj


_READS = {}   # id(template) -> (template, its dotted_reads)


def dotted_reads(template):
    """``((root, attrs), ...)``: the dotted names (``np.cos``, ``np.linalg.inv``) the
    template reads through a module it names, in the order they are written."""
    held = _READS.get(id(template))
    if held is None or held[0] is not template:
        held = _READS[id(template)] = (template, _dotted_reads(template))
    return held[1]


def _dotted_reads(template):
    modules = {name for name, obj in template.free.items()
               if isinstance(obj, types.ModuleType)}
    if not modules:
        return ()
    found = []
    for tree in [*template.body, template.result]:
        for node in gast.walk(tree):
            if not isinstance(node, gast.Attribute):
                continue
            attrs, base = [node.attr], node.value
            while isinstance(base, gast.Attribute):
                attrs.append(base.attr)
                base = base.value
            if isinstance(base, gast.Name) and base.id in modules:
                found.append((base.id, _to_object(template.free[base.id],
                                                  tuple(attrs[::-1]))))
    # (an inner np.linalg of np.linalg.inv is read on the way: its own check is implied)
    return tuple(dict.fromkeys(found))


def _to_object(module, attrs):
    """``attrs`` up to the first that names no module: ``np.add.reduce`` reads the ufunc
    ``np.add``, whose method ``reduce`` (a new bound method at each read) no one can
    rebind; what is checked is ``np.add``."""
    for end in range(1, len(attrs)):
        if not isinstance(meant(module, attrs[:end]), types.ModuleType):
            return attrs[:end]
    return attrs
