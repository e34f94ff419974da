"""What the source of a user's own Python function tells about a call of it.

Input: a Python function object (its source is read with :mod:`inspect`).
Output: plain facts, computed without running it and never cached here: whether
every ``return`` hands back a new value (:func:`returns_new_values`), a display
(:func:`returned_display`, a dict's: :func:`returns_dict`), one item of a parameter (:func:`returns_item_of`),
and which parameters it never reads (:func:`unread_parameters`).  A function
whose source cannot be read gets the cautious answer (None, False, empty).
The normalizer reads these facts to know what a call's result may hold.
"""

import ast
import builtins
import inspect
import numbers
import sys
import textwrap
import types

import gast

from ...errors import SourceUnavailableError, UnsupportedSyntaxError
from ...rules import registry
from .. import anno
from ..function_args import SPECIALIZES
from ..parse import is_user_function
from ..source import read_function


def source_function(fn):
    """The function whose source tells what a call of ``fn`` returns: for a helper
    given a function (``integ(rhs, y0)`` read as ``integ_rhs(y0)``, made by
    ``function_args.specialized``, which returns the helper's result), the helper
    itself (its parameters by name; the one given a function is no argument of the
    call); ``fn`` otherwise."""
    found = fn.__dict__.get(SPECIALIZES) if fn.__class__ is types.FunctionType else None
    return found[0] if found is not None else fn


def returns_displays(fn):
    """Whether every ``return`` of the Python function ``fn`` returns a dict, list or
    tuple display (or comprehension): a new container, never one of its arguments."""
    return returned_display(fn) is not None


def returned_display(fn):
    """``"list"``, ``"tuple"``, ``"dict"`` when every ``return`` of the Python function
    ``fn`` returns a display (or comprehension) of that one kind, ``"mixed"`` for
    displays of several kinds, else None."""
    fn = source_function(fn)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    kinds = {ast.List: "list", ast.ListComp: "list", ast.Tuple: "tuple",
             ast.Dict: "dict", ast.DictComp: "dict"}
    returns = [n for n in ast.walk(tree.body[0]) if isinstance(n, ast.Return)]
    found = {kinds.get(type(r.value)) for r in returns}
    if not returns or None in found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


def returns_dict(fn):
    """Whether ``fn`` is a user's function whose every ``return`` is a dict display or
    comprehension: each call makes a new dict (which may hold its arguments as
    items), never one of its arguments or a global."""
    return is_user_function(fn) and returned_display(fn) == "dict"


def is_python_function(fn):
    """A user's own Python function without a derivative rule: it may return an argument."""
    return is_user_function(fn) and registry.lookup(fn) is None


def may_return_argument(fn):
    """A user's own Python function whose result may be one of its arguments or a view
    of one: one without a rule, or one with a rule (``@s2sad.adjoint``) that declares
    neither ``allocates=True`` (always a new array) nor ``view=True`` (a view of its first
    argument, recorded as such).  Its source then tells what it may return."""
    if not is_user_function(fn):
        return False
    if registry.lookup(fn) is None:
        return True
    if (getattr(fn, "__module__", None) or "").startswith("s2sad."):
        return False   # s2sad's runtime helpers declare their views (the rest allocate)
    declared = registry.facts(fn)
    return not (declared.allocates or declared.view)


def returns_item_of(fn):
    """The position of the parameter ``p`` when every ``return`` of ``fn`` reads one
    item of it (``return p[0]``, ``return p[i]``: no slice) and ``p`` is never
    assigned, else None (of a helper given a function: its position among the
    parameters left to give)."""
    source = source_function(fn)
    if source is not fn:
        found = returns_item_of(source)
        code = source.__code__
        name = code.co_varnames[found] if found is not None else None
        left = fn.__code__.co_varnames[:fn.__code__.co_argcount]
        return left.index(name) if name in left else None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or node.args.vararg or node.args.kwarg:
        return None
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
    if not returns or not all(
            isinstance(r.value, ast.Subscript) and isinstance(r.value.value, ast.Name)
            and not isinstance(r.value.slice, (ast.Slice, ast.Tuple)) for r in returns):
        return None
    held = {r.value.value.id for r in returns}
    stores = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
              and not isinstance(n.ctx, ast.Load)}
    if len(held) != 1 or not held <= set(params) or held & stores:
        return None
    return params.index(held.pop())


def unread_parameters(fn):
    """The parameters of the Python function ``fn`` its code never reads (no load of
    the name anywhere in it, nested functions included): what a call gives them can
    be in nothing the call returns.  Empty when the source is not at hand."""
    fn = source_function(fn)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    node = tree.body[0]
    code = getattr(fn, "__code__", None)
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or code is None \
            or node.name != code.co_name or hasattr(fn, "__wrapped__"):
        return frozenset()   # (the source of another function: a wrapper's wrapped one)
    args = node.args
    if [a.arg for a in args.posonlyargs + args.args] != \
            list(code.co_varnames[:code.co_argcount]):
        return frozenset()
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and not isinstance(n.ctx, ast.Store)}
    if any(isinstance(n, ast.Name) and n.id in ("locals", "vars", "eval", "exec")
           for n in ast.walk(node)):
        return frozenset()
    return frozenset(params - read)


def returns_new_values(fn):
    """Whether every ``return`` of ``fn`` is an operator, a constant, or a call that
    allocates its result (``np.sum(a * b)``), so it never hands back an argument.
    Which calls allocate is the registry's fact (complete once the rules are loaded,
    as they are whenever a function is normalized).
    """
    fn = source_function(fn)
    if getattr(fn, "__dict__", {}).get(anno.RETURNS_NEW):   # a derivative's code
        return True
    if getattr(fn, "__name__", None) == "<lambda>":   # (its line: an assignment, a call...)
        node = lambda_definition(fn)
        if node is None:
            return False
        tree = ast.Module(body=[node], type_ignores=[])
    else:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            return False

    def resolve(node):
        if isinstance(node, ast.Name):
            if node.id in assigned or node.id in params:
                return None   # a local name: whatever it holds
            return fn.__globals__.get(node.id, getattr(builtins, node.id, None))
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            return getattr(base, node.attr, None) if inspect.ismodule(base) else None
        return None

    assigned = {}   # local name -> the values assigned to it (None: something else)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
                else:   # unpacking rebinds its names; w[0] = v writes into w, keeping it
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                            assigned.setdefault(name.id, []).append(None)
        elif isinstance(node, (ast.For, ast.With, ast.NamedExpr, ast.comprehension)):
            for name in ast.walk(getattr(node, "target", node)):
                if isinstance(name, ast.Name):
                    assigned.setdefault(name.id, []).append(None)
    params = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    known = {}   # local name -> whether it holds only new values (True while in progress)

    def new(node):
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Constant)):
            return True
        if isinstance(node, ast.Tuple):
            return all(new(e) for e in node.elts)
        if isinstance(node, ast.Call):
            if any(k.arg == "out" for k in node.keywords):
                return False
            if isinstance(node.func, ast.Attribute) and node.func.attr == "copy" \
                    and not node.args and not node.keywords \
                    and not inspect.ismodule(resolve(node.func.value)):
                return True   # v.copy(): a new array (numpy's copy() always is one)
            callee = resolve(node.func)
            if callee is np_function("array") or callee is np_function("clip"):
                # np.array copies unless told not to; np.clip makes a new array
                return not any(k.arg == "copy" for k in node.keywords)
            return registry.allocates(callee)
        if isinstance(node, ast.Name) and node.id in assigned and node.id not in params:
            if node.id not in known:
                known[node.id] = True   # a loop-carried name: its other assignments decide
                known[node.id] = all(v is not None and new(v) for v in assigned[node.id])
            return known[node.id]
        return False

    returns = [n for n in ast.walk(tree) if isinstance(n, ast.Return)]
    return bool(returns) and all(r.value is not None and new(r.value) for r in returns)


def lambda_definition(fn):
    """The lambda ``fn`` as an ``ast.FunctionDef`` returning its expression (read as
    s2sad reads a lambda it differentiates), or None where its source is not readable."""
    try:
        return gast.gast_to_ast(read_function(fn).node)
    except (SourceUnavailableError, UnsupportedSyntaxError, TypeError):
        return None


def np_function(name):
    """numpy's function ``name``, if numpy is loaded (the core never imports it)."""
    numpy = sys.modules.get("numpy")
    return vars(numpy).get(name) if numpy is not None else None   # (no old-alias warning)


def returned_globals(fn, _seen=None):
    """The free names (globals, closure values) of the Python function ``fn`` that a
    ``return`` of it may hand back (the value itself, an item or a view of it, in a
    tuple or display, through a local name, a view-making call or another helper of
    the user's) and whose value a write could change (an array, a dict, a list...).
    A write into the call's result may then change that value outside the function.
    A dict: name -> ``"same"`` (the value itself may be returned, or a view or item of
    it) or ``"items"`` (only a new container holding its items: ``dict(G)``).  Empty
    when the source is not at hand."""
    seen = set() if _seen is None else _seen
    fn = source_function(fn)
    if fn in seen or not is_user_function(fn):
        return {}
    seen.add(fn)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return {}
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    search = _ReturnedGlobals(fn, node, seen)
    for ret in ast.walk(node):
        if isinstance(ret, ast.Return):
            search.carried(ret.value)
    return search.found


def _local_assignments(node):
    """{local name: the expressions assigned to it} in the function ``node`` (a loop
    variable: the iterable; an unpacking: the whole value)."""
    assigned = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign):
            for target in sub.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                        assigned.setdefault(name.id, []).append(sub.value)
        elif isinstance(sub, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) \
                and isinstance(sub.target, ast.Name) and sub.value is not None:
            assigned.setdefault(sub.target.id, []).append(sub.value)
        elif isinstance(sub, (ast.For, ast.comprehension)):
            for name in ast.walk(sub.target):
                if isinstance(name, ast.Name):
                    assigned.setdefault(name.id, []).append(sub.iter)
    return assigned


class _ReturnedGlobals:
    """The search of :func:`returned_globals` through one function's returns."""

    def __init__(self, fn, node, seen):
        self.fn, self.seen = fn, seen
        self.assigned = _local_assignments(node)
        params = {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
        self.local = set(self.assigned) | params
        self.free = {}
        code = getattr(fn, "__code__", None)
        if code is not None and getattr(fn, "__closure__", None):
            for name, cell in zip(code.co_freevars, fn.__closure__):
                try:
                    self.free[name] = cell.cell_contents
                except ValueError:
                    pass
        self.found, self.done = {}, set()

    def add(self, name, how):
        if self.found.get(name) != "same":
            self.found[name] = how

    def lookup(self, name):
        if name in self.free:
            return self.free[name]
        return getattr(self.fn, "__globals__", {}).get(name, getattr(builtins, name, None))

    def carried(self, expr, how="same"):
        """Record the free values ``expr`` may hand back (``how``: see above)."""
        if expr is None or isinstance(expr, (ast.BinOp, ast.UnaryOp, ast.Compare,
                                             ast.Constant, ast.JoinedStr, ast.Lambda)):
            return
        if isinstance(expr, ast.Name):
            if expr.id in self.local:
                if (expr.id, how) not in self.done:
                    self.done.add((expr.id, how))
                    for value in self.assigned.get(expr.id, ()):
                        self.carried(value, how)
            elif writable(self.lookup(expr.id)):
                self.add(expr.id, how)
        elif isinstance(expr, ast.Attribute):
            base = expr.value
            if isinstance(base, ast.Name) and base.id not in self.local \
                    and inspect.ismodule(self.lookup(base.id)):
                if writable(getattr(self.lookup(base.id), expr.attr, None)):
                    self.add(f"{base.id}.{expr.attr}", how)
            else:
                self.carried(base, how)
        elif isinstance(expr, ast.Call):
            self.call(expr, how)
        else:
            for child in ast.iter_child_nodes(expr):
                if isinstance(child, ast.expr):
                    self.carried(child, how)

    def call(self, expr, how):
        """:meth:`carried` of a call: a new value (nothing), a new container of its
        arguments' items, another helper's returns, or (unknown) any operand."""
        arguments = [a.value if isinstance(a, ast.Starred) else a for a in expr.args] \
            + [k.value for k in expr.keywords]
        callee = None if any(k.arg == "out" for k in expr.keywords) \
            else _resolved(expr.func, self.local, self.lookup)
        if callee in (dict, list, tuple, set, sorted):
            # dict(G), list(G): a new container holding G's items, not G
            for arg in arguments:
                self.carried(arg, "items")
            return
        if callee is not None and is_user_function(callee) \
                and registry.lookup(callee) is None:
            for name, held in returned_globals(callee, self.seen).items():
                self.add(name, "items" if "items" in (how, held) else "same")
        elif callee is not None and registry.allocates(callee):
            return
        elif isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy" \
                and not expr.args and callee is None:
            return
        if isinstance(expr.func, ast.Attribute):
            self.carried(expr.func.value, how)
        for arg in arguments:
            self.carried(arg, how)


def _resolved(func, local, lookup):
    """The object a call's function expression names (a free name or a dotted path
    through modules), else None."""
    if isinstance(func, ast.Name):
        return None if func.id in local else lookup(func.id)
    if isinstance(func, ast.Attribute):
        base = _resolved(func.value, local, lookup)
        return getattr(base, func.attr, None) if inspect.ismodule(base) else None
    return None


def writable(value):
    """Whether a write could change ``value`` in place (or a value it holds): not a
    number, string, None, module, function or class, nor a tuple of such."""
    if value is None or isinstance(value, (numbers.Number, str, bytes, range, frozenset,
                                           type)) \
            or inspect.ismodule(value) or inspect.isroutine(value):
        return False
    if isinstance(value, tuple):
        return any(writable(v) for v in value)
    return hasattr(type(value), "__setitem__") or hasattr(value, "__dict__") \
        or hasattr(type(value), "__array__")
