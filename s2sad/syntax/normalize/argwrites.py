"""Which arguments a user's function writes into, and which its result may hold.

Input: a user's Python function (its source read by ``parse_function``).
Output: plain facts, computed from the source without running it:

* :meth:`ArgumentWrites.written` ``{parameter: "item" or "list"}``, in the order
  of the signature: the parameters the function writes into (``p[i] = v``,
  ``p[i] += v``, ``p[a:b] = v``, ``np.add.at(p, ...)``: ``"item"``; a list or
  dict method, ``p.append(v)``, ``p.pop()``, ``p.update(...)``: ``"list"``), or
  passes, by name, to a user's function that writes into that parameter
  (followed through every function it reaches, recursion included).  A
  parameter the function binds again by name (``p = ...``, ``p += ...``, a loop
  target) is left out: such writes stay refused where they reach the caller's
  value.  A call of such a function is *functionalized*: it returns the new
  values of these arguments besides its result, and the caller's names follow.
* :meth:`ArgumentWrites.passed` the parameters given by name to such a function
  (bound again or not): the differentiated function copies them on entry.
* :func:`returned_parameters`: the parameters whose value (or a view or item of
  it) the result may hold, or None when the source does not tell.

A function without readable source, with ``*args``/``**kwargs``, or a wrapper
made with ``functools.wraps``, writes into nothing here.
"""

import ast
import builtins
import inspect
import textwrap
from typing import Dict, Tuple

import gast

from ...rules import registry
from .. import anno, nodes
from ..parse import is_user_function, parse_function
from .callees import lambda_definition, np_function, source_function
from .dicts import dict_names

#: the methods that change a list or dict in place
CONTAINER_METHODS = frozenset({"append", "extend", "insert", "pop", "update"})


def writing_function(obj):
    """Whether ``obj`` is a user's plain Python function whose writes into its
    arguments s2sad can follow: no rule, no ``*args``/``**kwargs``, not a wrapper."""
    if not is_user_function(obj) or registry.lookup(obj) is not None \
            or hasattr(obj, "__wrapped__"):
        return False
    return not obj.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


class _Scan:
    """What one function's source shows: its parameters, those it binds again, its
    own writes and the calls passing a parameter to another user's function."""

    def __init__(self, fn, parsed=None):
        code = fn.__code__
        self.params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
        self.rebound, self.direct, self.calls, self.given = set(), {}, [], []
        self._walked, self._flows = [], None
        self._merged = set()   # ids of the names 'p |= {...}', 'p *= c' update (not rebinds)
        self.augmented = set()   # the parameters 'p op= v' updates (in place for an array)
        self._dicts = None   # the names the code shows to hold a dict, when first asked
        try:
            parsed = parse_function(fn) if parsed is None else parsed
        except Exception:   # no source: nothing is known to be written
            return
        self._walked = parsed.walked()   # (the fence's walk of the same tree)
        visit, params, rebound = self.visit, self.params, self.rebound
        made = _made_when_none(self._walked, params)
        for node in self._walked:
            cls = node.__class__
            if cls is gast.Name:   # (the commonest node: visit's first case, here)
                if node.id in params and isinstance(node.ctx, (gast.Store, gast.Del)) \
                        and id(node) not in made and id(node) not in self._merged:
                    rebound.add(node.id)   # (p |= {...} is p.update: p not rebound)
            elif cls in _VISITED:   # (visit looks at nothing else)
                visit(node, parsed)

    @property
    def flows(self) -> Dict[str, set]:
        """name -> the names a derivative may flow from into it (never an index).
        Found when first asked (only a function passing its arguments to one writing
        into them needs it): read from the tree as read, which nothing changes."""
        if self._flows is None:
            self._flows = {}
            for node in self._walked:
                self.visit_flows(node)
            self._walked = []
        return self._flows

    def flow(self, target, value):
        """Record that a derivative may flow from what ``value`` reads into the names
        ``target`` binds or writes into."""
        reads = _differentiable_names(value)
        for name in nodes.walk(target):
            if isinstance(name, gast.Name):
                self._flows.setdefault(name.id, set()).update(reads)

    def visit_flows(self, node):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                self.flow(target, node.value)
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign)) and node.value is not None:
            self.flow(node.target, node.value)
        elif isinstance(node, gast.For):
            self.flow(node.target, node.iter)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            if node.func.attr == "at" and node.args:   # np.add.at(p, indices, values)
                self.flow(node.args[0], gast.Tuple(elts=list(node.args[2:]), ctx=gast.Load()))
            else:   # p.append(v), p.update(...)
                self.flow(node.func.value, gast.Tuple(elts=list(node.args), ctx=gast.Load()))

    def visit(self, node, parsed):
        params = self.params
        if isinstance(node, gast.Name) and node.id in params \
                and isinstance(node.ctx, (gast.Store, gast.Del)) and id(node) not in self._merged:
            self.rebound.add(node.id)
        elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) \
                and isinstance(node.op, gast.BitOr) and node.target.id in params \
                and self.a_dict(node.value, parsed):
            self.direct[node.target.id] = "list"   # p |= {...}: p.update({...})
            self._merged.add(id(node.target))   # (walked after this node)
        elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) \
                and node.target.id in params:
            # p *= c: for an array, the caller's array changes in place, as by p[...] *= c
            # (the call checks the argument is one: .functionalize)
            self.direct.setdefault(node.target.id, "item")
            self.augmented.add(node.target.id)
            self._merged.add(id(node.target))   # (walked after this node)
        elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            self.rebound.add(node.target.id)
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                and isinstance(node.value, gast.Name) and node.value.id in params:
            self.direct.setdefault(node.value.id, "item")
        elif isinstance(node, gast.Call):
            self.visit_call(node, parsed)

    def a_dict(self, value, parsed):
        """Is ``value`` (of ``p |= value``) certain to be a dict: a display, ``dict(...)``,
        or a name the function's code shows to hold one (then ``p`` is a dict too)?"""
        if isinstance(value, (gast.Dict, gast.DictComp)):
            return True
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
                and value.func.id == "dict":
            return True
        if not isinstance(value, gast.Name):
            return False
        if self._dicts is None:
            self._dicts = dict_names(parsed.node, self._walked)
        return value.id in self._dicts

    def visit_call(self, node, parsed):
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in self.params and func.attr in CONTAINER_METHODS:
            self.direct[func.value.id] = "list"
            return
        if isinstance(func, gast.Attribute) and func.attr == "at" and node.args \
                and isinstance(node.args[0], gast.Name) and node.args[0].id in self.params:
            self.direct.setdefault(node.args[0].id, "item")   # np.add.at(p, i, v)
            return
        callee = _resolve(func, parsed)
        if not writing_function(callee):
            return
        code = callee.__code__
        positional = code.co_varnames[:code.co_argcount]
        given = {}   # the callee's parameter -> the argument expression
        for index, arg in enumerate(node.args):
            if isinstance(arg, gast.Starred):
                break
            if index < len(positional):
                given[positional[index]] = arg
        given.update({kw.arg: kw.value for kw in node.keywords if kw.arg is not None})
        passed = {k: v.id for k, v in given.items()
                  if isinstance(v, gast.Name) and v.id in self.params}
        self.calls.append((callee, passed))
        self.given.append((callee, {k: _differentiable_names(v) for k, v in given.items()}))


def _made_when_none(walked, params):
    """The ids of the ``Name`` nodes binding a parameter ``p`` in ``if p is None: p = ...``
    (the ``out=None`` idiom): a value made there only when the call passes none, so a
    write into ``p`` after it, or in its ``else`` branch, is still a write into what a
    call passes (a binding in the ``else`` branch is another value: ``p`` is rebound)."""
    found = set()
    for node in nodes.of_class(walked, gast.If):
        test = node.test
        if isinstance(test, gast.Compare) and isinstance(test.left, gast.Name) \
                and test.left.id in params and len(test.ops) == 1 \
                and isinstance(test.ops[0], gast.Is) and isinstance(test.comparators[0], gast.Constant) \
                and test.comparators[0].value is None:
            found |= {id(n) for stmt in node.body for n in nodes.walk(stmt)
                      if isinstance(n, gast.Name) and n.id == test.left.id
                      and isinstance(n.ctx, gast.Store)}
    return found


#: the classes of the nodes :meth:`_Scan.visit` looks at (gast's classes have no subclasses)
_VISITED = frozenset((gast.Name, gast.AugAssign, gast.Subscript, gast.Call))


def _differentiable_names(expr):
    """The names whose derivative may flow into the value of ``expr``: not an index,
    not a comparison's operands."""
    found, todo = set(), [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            found.add(node.id)
        elif isinstance(node, gast.Subscript):
            todo.append(node.value)   # (never the index)
        elif not isinstance(node, gast.Compare):
            for field in nodes.child_fields(node.__class__):
                value = getattr(node, field, None)
                if isinstance(value, gast.AST):
                    todo.append(value)
                elif value.__class__ is list:
                    todo.extend([item for item in value if isinstance(item, gast.AST)])
    return found


def _resolve(func, parsed):
    """The object the callee expression ``func`` (``f`` or ``module.f``) names, or None."""
    return parsed.resolve_callee(func)


class ArgumentWrites:
    """The written arguments of the functions one normalization meets, each scan made
    once (see the module docstring)."""

    def __init__(self, parsed=None):
        self.scans: Dict[int, Tuple] = {}   # id(function) -> (function, its _Scan)
        # the function being normalized, already read (not read again for its scan)
        if parsed is not None and parsed.rewritten:
            parsed = parsed.as_read
        self.parsed = parsed

    def scan(self, fn):
        found = self.scans.get(id(fn))
        if found is None or found[0] is not fn:
            parsed = self.parsed if self.parsed is not None and self.parsed.func is fn \
                else None
            found = self.scans[id(fn)] = (fn, _Scan(fn, parsed))
        return found[1]

    def all_written(self, fn):
        """``{function: {parameter: kind}}`` for ``fn`` and every function it reaches,
        the least fixed point over their calls (recursion included)."""
        reached, todo = {}, [fn]
        while todo:
            current = todo.pop()
            if current in reached:
                continue
            reached[current] = self.scan(current)
            todo.extend(callee for callee, _ in reached[current].calls)
        written = {f: {p: k for p, k in s.direct.items() if p not in s.rebound}
                   for f, s in reached.items()}
        changed = True
        while changed:
            changed = False
            for f, s in reached.items():
                for callee, passed in s.calls:
                    for param, kind in written[callee].items():
                        mine = passed.get(param)
                        if mine is not None and mine not in s.rebound \
                                and written[f].get(mine) not in (kind, "list"):
                            written[f][mine] = kind if mine not in written[f] else "list"
                            changed = True
        return written

    def depends(self, fn):
        """``{written parameter: the parameters a derivative may reach its new value
        from}`` (itself included), over every function ``fn`` reaches: the new value
        of an index array ``r`` holds no derivative of a float array ``A`` the call
        also takes."""
        written = self.all_written(fn)
        summaries = {f: {p: {p} for p in w} for f, w in written.items()}
        changed = True
        while changed:
            changed = False
            for f in summaries:
                scan = self.scan(f)
                graph = {name: set(reads) for name, reads in scan.flows.items()}
                for (callee, passed), (_, given) in zip(scan.calls, scan.given):
                    for param, sources in summaries.get(callee, {}).items():
                        if param in passed:
                            graph.setdefault(passed[param], set()).update(
                                *(given[s] for s in sources if s in given))
                for param in summaries[f]:
                    reached = _reach(graph, param) & set(scan.params)
                    if not reached <= summaries[f][param]:
                        summaries[f][param] |= reached
                        changed = True
        return {p: frozenset(summaries[fn][p]) for p in self.written(fn)}

    def written(self, fn):
        """``{parameter: "item" or "list"}``, in the signature's order (empty for a
        function :func:`writing_function` does not admit)."""
        if not writing_function(fn):
            return {}
        found = self.all_written(fn)[fn]
        return {p: found[p] for p in self.scan(fn).params if p in found}

    def passed(self, fn):
        """``{parameter: kind}`` of the parameters ``fn`` passes by name to a function
        writing into them (whether or not ``fn`` binds them again)."""
        if not writing_function(fn):
            return {}
        written = self.all_written(fn)
        found = {}
        for callee, passed in self.scan(fn).calls:
            for param, kind in written[callee].items():
                if param in passed:
                    found.setdefault(passed[param], kind)
        return found


def returned_parameters(fn, _active=()):
    """The parameters of ``fn`` whose value, or a view or an item of it, its result
    may hold, or None when the source does not tell.  A name holds what every value
    bound to it may hold; an operator other than ``+``/``*`` (which join lists), a
    comparison and a constant hold nothing; a call of a function with an
    ``allocates`` rule nothing, of a user's function what its result holds (itself
    included: the least fixed point), of anything else what its arguments hold."""
    if getattr(fn, "__dict__", {}).get(anno.RETURNS_NEW):   # a derivative's code
        return frozenset()
    fn = source_function(fn)   # (a helper given a function: the helper's source)
    if getattr(fn, "__wrapped__", None) is not None:
        return None   # (inspect would read the wrapped function's source, not fn's)
    if getattr(fn, "__name__", None) == "<lambda>":
        node = lambda_definition(fn)   # (its source line is an assignment, a call...)
    else:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            return None
        node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or fn in _active:
        return None
    found = frozenset()
    while True:   # the result of a recursive call: what this pass assumed, until it holds
        again = _returned(fn, node, found, _active + (fn,))
        if again is None or again == found:
            return again
        found = again


def _bindings(node):
    """Local name -> the expressions bound to it in the function ``node`` (None: not
    known): an assignment's value, an augmented assignment's operand, the iterable of
    a loop or comprehension over it (an item holds what the iterable holds)."""
    bound = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign):
            for target in sub.targets:
                value = sub.value if isinstance(target, ast.Name) else None
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                        bound.setdefault(name.id, []).append(value)
        elif isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            bound.setdefault(sub.target.id, []).append(sub.value)
        elif isinstance(sub, (ast.For, ast.comprehension)):
            for name in ast.walk(sub.target):
                if isinstance(name, ast.Name):
                    bound.setdefault(name.id, []).append(sub.iter)
        elif isinstance(sub, (ast.With, ast.NamedExpr, ast.AsyncFor)):
            for name in ast.walk(getattr(sub, "target", sub)):
                if isinstance(name, ast.Name):
                    bound.setdefault(name.id, []).append(None)
    return bound


#: methods whose result is a new value whatever they are called on (a number, a new
#: array, a list of numbers, a dict's keys): never the object, a view or an item of it;
#: and xs.pop(), d.popitem(), an item taken out (a change of the list after leaves it)
_NEW_VALUE_METHODS = frozenset((
    "sum", "mean", "prod", "std", "var", "max", "min", "dot", "cumsum", "cumprod", "trace",
    "all", "any", "argmax", "argmin", "item", "tolist", "clip", "round", "count", "index",
    "keys", "pop", "popitem"))


def _arithmetic(expr, fn):
    """Whether ``expr`` is certainly a float, complex or numpy value (never an int, a
    list or a tuple): a float literal, a numpy ufunc's result, or an operation on one
    (``+`` and ``*`` of such a value and anything else are new values too: a list
    times a float raises, a numpy value times a list is a new array)."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (float, complex))
    if isinstance(expr, ast.UnaryOp):
        return _arithmetic(expr.operand, fn)
    if isinstance(expr, ast.BinOp):
        return _arithmetic(expr.left, fn) or _arithmetic(expr.right, fn)
    if isinstance(expr, ast.Call):
        return type(_resolve_ast(expr.func, fn)).__name__ == "ufunc"
    return False


def _returned(fn, node, assumed, active):
    """One pass of :func:`returned_parameters`, a call of ``fn`` holding ``assumed``."""
    args = node.args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    bound = _bindings(node)
    known = {}

    def name_holds(name):
        found = {name} if name in params else set()
        if name not in bound:
            return found
        if name not in known:
            known[name] = set()   # (in progress: its other values decide)
            parts = [holds(v) for v in bound[name]]
            known[name] = None if None in parts else set().union(*parts)
        return None if known[name] is None else found | known[name]

    def call_holds(call):
        callee = _resolve_ast(call.func, fn)
        if callee is not None and registry.allocates(callee) or callee is np_function("array") \
                and not any(k.arg == "copy" for k in call.keywords) \
                or _new_value_builtin(call.func, fn, bound, params) \
                or len(call.args) == 1 and not call.keywords \
                and _new_value_builtin(call.func, fn, bound, params, (builtins.sum,)):
            return set()   # (np.array copies unless told not to, as returns_new_values;
            # sum(xs) is 0 + the items: a new value, where sum(xs, start) may be start)
        if call.args and _first_argument_only(callee):
            return holds(call.args[0])
        returned = assumed if callee is fn else returned_parameters(callee, active) \
            if is_user_function(callee) and registry.lookup(callee) is None else None
        given = list(zip(_positional(callee), call.args)) if returned is not None else []
        if returned is None or any(isinstance(a, ast.Starred) for a in call.args):
            parts = [holds(a) for a in call.args] + [holds(k.value) for k in call.keywords]
        else:
            given += [(k.arg, k.value) for k in call.keywords]
            parts = [holds(v) for p, v in given if p in returned]
        if callee is None and isinstance(call.func, ast.Attribute) \
                and call.func.attr not in _NEW_VALUE_METHODS:
            parts.append(holds(call.func.value))   # t.reshape(-1), t.values(): of t
        return None if None in parts else set().union(*parts)

    def holds(expr):
        if expr is None or isinstance(expr, (ast.Lambda, ast.NamedExpr)):
            return None
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return holds(expr.elt)   # (its loop names hold what they loop over)
        if isinstance(expr, ast.DictComp):
            return holds(expr.value)   # (a key is hashable: no array, list or dict)
        if isinstance(expr, ast.Name):
            return name_holds(expr.id)
        if isinstance(expr, (ast.Constant, ast.Compare, ast.UnaryOp)) or (
                isinstance(expr, ast.BinOp) and (not isinstance(expr.op, (ast.Add, ast.Mult))
                                                 or _arithmetic(expr, fn))):
            return set()
        if isinstance(expr, ast.Call):
            return call_holds(expr)
        if isinstance(expr, (ast.Subscript, ast.Attribute, ast.Starred)):
            return holds(expr.value)   # an item, a view (never the index), *xs's items
        parts = [holds(child) for child in ast.iter_child_nodes(expr)
                 if isinstance(child, ast.expr)]
        return None if None in parts else set().union(*parts)

    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Return) and sub.value is not None:
            held = holds(sub.value)
            if held is None:
                return None
            found |= held
    return frozenset(found & params)


#: builtins whose result is a new number, bool or string, never an argument (len(xs))
_NEW_VALUE_BUILTINS = (builtins.len, builtins.isinstance, builtins.bool, builtins.int,
                       builtins.float, builtins.str, builtins.id, builtins.hash)


def _new_value_builtin(func, fn, bound, params, among=_NEW_VALUE_BUILTINS):
    """Whether the ``ast`` callee ``func`` names, in ``fn``, one of the builtins
    ``among`` (not a local, parameter or global of that name)."""
    if not isinstance(func, ast.Name) or func.id in bound or func.id in params \
            or func.id in fn.__globals__:
        return False
    found = getattr(builtins, func.id, None)
    return any(found is b for b in among)


def _first_argument_only(callee):
    """Whether ``callee`` is one of s2sad's runtime helpers whose result is its first
    argument, a view or a copy of it, never another argument (``unbroadcast(g, x)``,
    ``unshared(x_bar, (x, w))``): what generated code returns, read when a derivative
    is called inside a differentiated function."""
    if not (getattr(callee, "__module__", None) or "").startswith("s2sad.runtime"):
        return False
    return registry.view_of(callee) is True or callee in (
        registry.runtime_helper("unshared"), registry.runtime_helper("scalar_checked"))


def _positional(fn):
    """The positional parameters of the function ``fn``."""
    code = getattr(fn, "__code__", None)
    return code.co_varnames[:code.co_argcount] if code is not None else ()


def _resolve_ast(func, fn):
    """The object the ``ast`` callee expression ``func`` names in ``fn``'s module, or None."""
    path = []
    while isinstance(func, ast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    obj = fn.__globals__.get(func.id)
    for part in reversed(path):
        if not inspect.ismodule(obj):
            return None
        obj = getattr(obj, part, None)
    return obj


def _reach(graph, start):
    """The names ``graph`` (name -> names it reads) reaches from ``start``."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen
