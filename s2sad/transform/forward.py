"""Forward mode: normalized function -> Jacobian-vector product code.

Input: a :class:`~s2sad.syntax.normalize.NormalFunction` (SSA/ANF body
ending in a return), the ``wrt`` parameter names, and optionally which
returned values need a tangent.

Output: a :class:`Generated` holding ``f_jvp(*params, *<wrt>_dot)`` that
returns ``(value, value_dot)``: the function's own return value and the
tangent of it (a tuple of tangents when ``f`` returns a tuple).  Each primal
statement is followed by its tangent statement; tangents are named
``<name>_dot`` and exist only for names that depend on a ``wrt`` input
(forward activity, ``analysis.activity``).  Each block is preceded by a
comment quoting the source line it comes from.

How tangents are represented while transforming:

* an inactive value has a *symbolic zero* tangent (:func:`zero`); a rule's
  terms multiplied by it are dropped at generation time, so no ``0 * e``,
  ``+ 0.0`` or zero array is ever computed unless a zero really has to be
  materialised (an element of ``np.concatenate([a_dot, zeros_like(b)])``);
* a tangent may be *narrow*: ``y = a + b`` with ``b`` inactive gives
  ``y_dot = a_dot``, which can be smaller than ``y`` when ``b`` broadcasts
  ``a``.  Elementwise operations take narrow tangents as they are (numpy
  broadcasting does the rest); a narrow tangent that reaches anything else
  (a reduction, a product of matrices, an index, the output) is broadcast to
  its primal's shape once, where it is defined (``broadcast_like``).

Statements are visited by a recursive visitor over statement lists
(:meth:`_Forward.block`); tangent statements go inline, inside the same
blocks as the primal ones (forward mode needs no tape).

Control flow.  The tangent of a primal name ``v`` lives, where it has to be
a variable, in one *canonical* variable ``v_dot`` (:meth:`_Forward.tangent_var`).
Between control-flow points a tangent may be symbolic (a zero, an alias of
another name's tangent, a narrow tangent); at the points where paths join it
is made canonical (:meth:`_Forward.canonicalize`):

* ``if``: each branch is transformed from the same entry state; every name
  whose tangent differs between the two ends of the branches (the merge
  copies, and arrays written in one branch) is put in its canonical variable
  at the end of both branches, a zero as ``zeros_like(v)`` (or ``0.0`` when
  ``v`` holds a Python number), so a tangent that is zero in one branch and
  real in the other is materialized in the first;
* ``for``/``while``: activity is the fixpoint over the whole body, so a
  carried name (``anno.CARRIED``) that is constant on entry but varied
  inside has a tangent too.  Each varied carried name, and each array the
  body writes into, gets its canonical tangent before the loop (zeros where
  the entry value is constant; a private copy for arrays written in place)
  and again at the end of the body, so every iteration starts from the same
  state.  Rebinding a canonical variable that another tangent still aliases
  first saves the old value (:meth:`_Forward.release`).

Calls of the user's own functions.  ``y = helper(a, b)`` with a varied
argument becomes ``y, y_dot = helper_jvp(a, b, a_dot=<tangent of a>)``:
:func:`jvp_for` generates the jvp of each callee once per set of varied
parameters into the module's :class:`~s2sad.transform.calls.CallGraph`
(recursion refers to it by name), tangents passed by keyword.

Tape operations (forward over reverse).  The gradient code reverse mode
generates saves values on a tape; :mod:`s2sad.transform.second_order`
rewrites ``tape.push(v)`` and ``v = tape.pop()`` into calls of the
``tape_push``/``tape_pop`` markers, with a *key* that pairs each push with its
pops (the name pushed).  A key carries tangents when any value pushed under
it is varied; then every push of that key also pushes the tangent (zeros
where the value is constant) right after the value, and every pop of it pops
the tangent first.  The order of pushes and pops stays consistent because
the decision is made per key, not per statement.
"""

import copy
import dataclasses
import inspect
import operator
from dataclasses import dataclass
from typing import Any, List, Optional

import gast

from ..analysis import kinds as kinds_
from ..analysis import ops
from ..analysis.activity import analyze
from ..analysis.ops import assigned_in, flatten
from ..analysis.shapes import known_scalars
from ..errors import RuleDefinitionError, SourceLocation, UnsupportedSyntaxError
from ..optimize import eliminate_dead, fold
from ..rules import registry
from ..rules.template import bind_arguments, splice
from ..syntax import anno, nodes
from .common import (Generated, collect_bindings, comment, describe, drop_orphan_comments,
                     in_place_appends, numpy_module, rule_for, source_of, unshared_results)

#: identifier of the symbolic zero marker; it never reaches emitted code
ZERO_ID = "__s2sad_zero__"
#: annotation on a zero marker: the atom whose shape the zero has (None: a scalar zero)
ZERO_OF = "s2sad_zero_of"
#: attribute of the runtime functions that stand for tape operations ("push" or "pop")
TAPE_OP = "s2sad_tape_op"


def zero(of=None):
    """A symbolic zero tangent, shaped like the atom ``of``."""
    node = nodes.name(ZERO_ID)
    anno.set(node, ZERO_OF, copy.deepcopy(of))
    return node


def is_zero(node):
    return isinstance(node, gast.Name) and node.id == ZERO_ID


@dataclass
class Tangent:
    """The tangent of one primal name."""

    expr: Any                       # a Name, or a zero marker
    exact: bool = True              # False: may be narrower than the primal (see module doc)
    items: Optional[List[Any]] = None   # element Tangents of a tuple/list literal
    owned: bool = False             # ``expr`` names an array only this tangent uses


def forward(nf, wrt, tangent_outputs=None, name=None, calls=None, tangent_params=None,
            kinds=None):
    """Generate the forward-mode function of ``nf`` with respect to ``wrt``.

    ``tangent_outputs``: indices of the returned tuple whose tangents are
    returned (default: all, mirroring the output); ``name``: the generated
    function's name (default ``<f>_jvp``); ``calls``: the module's
    :class:`~s2sad.transform.calls.CallGraph`, which receives the jvp of every
    user function called with varied arguments (see :func:`jvp_for`);
    ``tangent_params``: names for the tangent parameters (wrt name -> name);
    ``kinds``: the parameters' kinds when known (see ``analysis.kinds``).
    """
    return _Forward(nf, tuple(wrt), tangent_outputs, name, calls, tangent_params,
                    kinds).run()


@dataclass
class ForwardCallee:
    """A user function's generated jvp: ``name(*params, **{tangents[p]: p_dot})``."""

    name: str
    wrt: tuple
    tangents: dict          # parameter -> the name of its tangent parameter
    returns_tuple: bool


def jvp_for(calls, func, wrt, location, arity=None, kinds=()):
    """The jvp of the user function ``func`` with respect to its parameters ``wrt``,
    generated into ``calls`` on first use (recursion refers to it by name), for the
    ``(parameter, kind)`` pairs ``kinds`` its call knows (see ``analysis.kinds``).

    Its tangent parameters follow the function's own; they are keyword-only
    when the function has defaults, and call sites always pass them by name.
    """
    from ..syntax import fence
    from ..syntax.normalize import normalize
    from ..syntax.parse import parse_function
    from .calls import _expand_varargs
    key = ("jvp", func, tuple(wrt), arity, kinds)
    if key in calls.callees:
        return calls.callees[key]
    from ..syntax.wrappers import signature
    sig = signature(func)   # a wrapper passing *args, **kwargs on: what it passes
    for p in sig.parameters.values():
        if p.kind == p.VAR_KEYWORD:
            raise UnsupportedSyntaxError(
                f"calls to {func.__name__}, which takes **{p.name}, cannot be differentiated "
                f"yet", location, hint="list its parameters explicitly")
    parsed = parse_function(func)
    params = [p.name for p in sig.parameters.values()]
    if parsed.node.args.vararg is not None:
        params = _expand_varargs(parsed.node, arity or 0)
    fence.check(parsed)
    normal = normalize(parsed, callee=True)
    suffix = "" if len(wrt) == len(params) else "_" + "_".join(wrt)
    tangents = {p: normal.namer.tangent(p) for p in wrt}
    ret = normal.node.body[-1]
    callee = ForwardCallee(name=calls._fresh(f"{func.__name__}_jvp{suffix}"), wrt=tuple(wrt),
                           tangents=tangents, returns_tuple=isinstance(ret.value, gast.Tuple))
    calls.callees[key] = callee
    generated = forward(normal, tuple(wrt), calls=calls, name=callee.name,
                        tangent_params=tangents, kinds=dict(kinds))
    for free_name in sorted(normal.free_names):
        calls.bind(free_name, parsed.resolve(free_name), func, generated.node)
    for helper, obj in sorted({**getattr(normal, "helpers", {}), **generated.bindings}.items()):
        calls.bind(helper, obj, None, generated.node, helper=True)
    generated.bindings = {}
    calls.generated.append(generated)
    return callee


def _elementwise(rule):
    """Does the rule's operation act elementwise, with numpy broadcasting?"""
    if rule is None:
        return False
    if rule.broadcast:
        return True
    target = rule.target
    if target is operator.neg or target is operator.pos:
        return True
    # a numpy ufunc that is not a generalized ufunc (np.matmul has a signature)
    return getattr(target, "nin", None) is not None and getattr(target, "signature", "") is None


def _loads(node):
    return {n.id for n in gast.walk(node)
            if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Store)}


def _same_constant(a, b):
    return type(a) is type(b) and a == b


class _Forward:
    def __init__(self, nf, wrt, tangent_outputs, name, calls=None, tangent_params=None,
                 kinds=None):
        self.param_kinds = dict(kinds or {})
        self.calls = calls
        self.tangent_params = dict(tangent_params or {})
        self.nf = nf
        self.parsed = nf.parsed
        self.namer = nf.namer
        self.wrt = wrt
        self.tangent_outputs = tangent_outputs
        self.name = name
        self.tangents = {}          # primal name -> Tangent
        self.tangent_names = set()  # every identifier that holds a tangent
        self.vars = {}              # primal name -> its canonical tangent variable
        self.bound = set()          # canonical variables assigned somewhere already
        self.constants = {}         # name -> the Python number (or None) it holds now
        self.carrying = set()       # tape keys whose pushes carry a tangent
        self.seen = set(nf.params)  # names assigned so far
        # s2sad's own names the normalized code reads (list_append...)
        self.bindings = dict(getattr(nf, "helpers", None) or {})
        self.comments = []

    # ------------------------------------------------------------ helpers
    def helper(self, name):
        import importlib
        for module in ("s2sad.runtime", "s2sad.runtime_forward"):
            obj = getattr(importlib.import_module(module), name, None)
            if obj is not None:
                self.bindings[name] = obj
                return nodes.name(name)
        raise AssertionError(f"no runtime helper {name}")  # pragma: no cover

    def numpy(self, dotted):
        self.bindings["np"] = numpy_module()
        return nodes.dotted(dotted)

    def location(self, stmt):
        site = source_of(stmt)
        if site is not None:
            import linecache   # the whole line: the caret counts its indentation
            code = linecache.getline(site.filename, site.line) or site.text
            return SourceLocation(site.filename, site.line, site.column + 1, code)
        return self.parsed.location(self.parsed.node)

    def is_library_number(self, atom):
        """``np.pi``, ``math.e``: a number that is an attribute of numpy or math."""
        parts = []
        while isinstance(atom, gast.Attribute):
            parts.append(atom.attr)
            atom = atom.value
        if not isinstance(atom, gast.Name):
            return False
        obj = self.parsed.resolve(atom.id, None)
        if getattr(obj, "__name__", "").split(".")[0] not in ("numpy", "math"):
            return False
        for part in reversed(parts):
            obj = getattr(obj, part, None)
        return isinstance(obj, (int, float)) and not isinstance(obj, bool)

    def tangent_of(self, atom):
        """The tangent expression of an atom (a zero marker when it has none)."""
        if isinstance(atom, gast.Name):
            t = self.tangents.get(atom.id)
            if t is None or is_zero(t.expr):
                return zero(atom)
            return copy.deepcopy(t.expr)
        if isinstance(atom, (gast.List, gast.Tuple)):
            return type(atom)(elts=[self.tangent_of(e) for e in atom.elts], ctx=gast.Load())
        return zero(atom)

    def zero_value(self, of):
        """A real zero shaped like the atom ``of``: ``0.0`` for a Python number."""
        if isinstance(of, gast.Name) and of.id not in self.constants:
            return nodes.call(self.helper("zeros_like"), [copy.deepcopy(of)])
        return nodes.const(0.0)

    def materialize(self, node):
        """Replace zero markers left in ``node`` by real zeros."""
        if is_zero(node):
            return self.zero_value(anno.get(node, ZERO_OF))
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                setattr(node, field, [self.materialize(v) if isinstance(v, gast.AST) else v
                                      for v in value])
            elif isinstance(value, gast.AST):
                setattr(node, field, self.materialize(value))
        return node

    def carries_tangent(self, node):
        return any(isinstance(n, gast.Name) and (n.id in self.tangent_names or n.id == ZERO_ID)
                   for n in gast.walk(node))

    def simplify(self, node):
        """Drop zero terms (symbolic zeros), then fold identities."""
        node = _ZeroFolder(self).visit(node)
        if is_zero(node):
            return node
        return fold(self.materialize(node))

    def tangent_var(self, name):
        """The canonical variable holding the tangent of ``name`` (``name_dot``)."""
        var = self.vars.get(name)
        if var is None:
            var = self.vars[name] = self.namer.tangent(name)
            self.tangent_names.add(var)
        return var

    def bind(self, var, owner, value, out):
        """Emit ``var = value`` (``var`` is ``owner``'s canonical tangent variable)."""
        self.release(var, owner, out)
        out.append(nodes.assign(var, value))
        self.bound.add(var)

    def release(self, var, owner, out):
        """Before ``var`` is assigned again: tangents of other names that alias it keep
        its old value in a saved copy."""
        if var not in self.bound:
            return
        holders = [n for n, t in self.tangents.items() if n != owner and _mentions(t, var)]
        if not holders:
            return
        saved = self.namer.fresh(f"{var}_old")
        self.tangent_names.add(saved)
        out.append(nodes.assign(saved, nodes.name(var)))
        for n in holders:
            self.tangents[n] = _renamed(self.tangents[n], var, saved)

    def define(self, name, expr, out, exact=True, items=None):
        """Record ``expr`` as the tangent of ``name``; emit ``name_dot = expr`` if needed."""
        if is_zero(expr):
            self.tangents[name] = Tangent(zero(nodes.name(name)))
            return
        if not exact and name in self.sensitive:
            expr = nodes.call(self.helper("broadcast_like"), [expr, nodes.name(name)])
            exact = True
        if isinstance(expr, gast.Name):
            # an alias: the array it names is no longer any one tangent's to write into
            for other, t in list(self.tangents.items()):
                if t.owned and isinstance(t.expr, gast.Name) and t.expr.id == expr.id:
                    self.tangents[other] = dataclasses.replace(t, owned=False)
            self.tangents[name] = Tangent(expr, exact, items)
            return
        var = self.tangent_var(name)
        self.bind(var, name, expr, out)
        # numpy arithmetic always returns a new array: it may be written in place later
        owned = isinstance(expr, (gast.BinOp, gast.UnaryOp))
        self.tangents[name] = Tangent(nodes.name(var), exact, items, owned)

    def canonicalize(self, names, need_owned=frozenset()):
        """Put the tangent of each name in its canonical variable, exact (full shape).

        Names in ``need_owned`` get a tangent array no other tangent shares (they
        are written in place).  Returns the statements; updates the state.
        """
        out = []
        for name in names:
            t = self.tangents.get(name)
            var = self.tangent_var(name)
            want = name in need_owned
            if t is not None and not is_zero(t.expr) and isinstance(t.expr, gast.Name) \
                    and t.expr.id == var and t.exact and (t.owned or not want):
                self.tangents[name] = Tangent(nodes.name(var), True, None, t.owned and want)
                continue
            if t is None or is_zero(t.expr):
                value, owned = self.zero_value(nodes.name(name)), True
            else:
                value = copy.deepcopy(t.expr)
                owned = t.owned and isinstance(value, gast.Name) and value.id == var
                if not t.exact:
                    value = nodes.call(self.helper("broadcast_like"), [value, nodes.name(name)])
                if want and not owned:
                    value, owned = nodes.call(self.helper("writable_copy"), [value]), True
            self.bind(var, name, value, out)
            self.tangents[name] = Tangent(nodes.name(var), True, None, owned and want)
        return out

    def is_varied(self, stmt, name):
        """Forward activity (:func:`_forward_activity`), extended on the fly."""
        if name in self.varied:
            return True
        if ops.carries_derivative(stmt) and ops.differentiable_reads(stmt) & self.varied:
            self.varied.add(name)
            return True
        return False

    # --------------------------------------------------------------- driver
    def run(self):
        fn = self.nf.node
        body = fn.body
        ret = body[-1]
        if not isinstance(ret, gast.Return):  # pragma: no cover - normalize guarantees it
            raise AssertionError("a normalized function ends with its return")
        primal = body[:-1]
        many = isinstance(ret.value, gast.Tuple)
        out_atoms = list(ret.value.elts) if many else [ret.value]
        outputs = [a.id for a in out_atoms if isinstance(a, gast.Name)]
        self.varied, self.carrying = _forward_activity(primal, self.wrt, outputs)
        self.kinds = kinds_.infer(primal, self.param_kinds)
        self.scalars = known_scalars(list(ops.with_loops(primal)), derived=False)
        self.sensitive = _shape_sensitive(primal, out_atoms)
        self.writes_in_place = bool(_store_bases(primal))
        self.in_place = in_place_appends(primal)

        params = []
        for p in self.wrt:
            if p in self.tangent_params:
                self.vars[p] = self.tangent_params[p]
                self.tangent_names.add(self.tangent_params[p])
            tname = self.tangent_var(p)
            params.append(tname)
            self.bound.add(tname)
            self.tangents[p] = Tangent(nodes.name(tname))
        out = self.block(primal)

        selected = self.tangent_outputs
        if selected is None:
            selected = tuple(range(len(out_atoms))) if many else 0
        if isinstance(selected, int):
            results = [self.output_tangent(out_atoms[selected])]
        else:
            results = [self.output_tangent(out_atoms[i]) for i in selected]
        results, given = unshared_results(results, out, list(self.nf.params) + params,
                                          [ret.value], self.bindings, self.helper,
                                          self.namer.fresh, self.comments)
        tangent_expr = results[0] if isinstance(selected, int) else nodes.tuple_(results)
        out = [s for _, kept in given for s in kept] + out
        checks = [copy.deepcopy(c) for c in getattr(self.nf, "entry_checks", ())]
        if checks:   # before anything reads an argument
            self.helper("ensure_unshared")
            out = checks + out
        body = out + [nodes.ret(nodes.tuple_([copy.deepcopy(ret.value), tangent_expr]))]
        body = _tidy(eliminate_dead(body))
        if self.tangent_params:
            # a callee's jvp, called from generated code: its parameters keep their
            # kinds and defaults, and the tangents are keyword-only (passed by name)
            new = nodes.function(
                self.name or f"{fn.name}_jvp", [a.id for a in fn.args.args], body,
                defaults=copy.deepcopy(fn.args.defaults),
                kwonly=[a.id for a in fn.args.kwonlyargs] + params,
                kw_defaults=copy.deepcopy(fn.args.kw_defaults) + [None] * len(params))
        else:
            # a top-level jvp takes every value by position (keyword-only parameters
            # too), then the tangents: no defaults, which would fall on the tangents
            new = nodes.function(self.name or f"{fn.name}_jvp", list(self.nf.params) + params,
                                 body)
        return Generated(node=new, comments=self.comments, bindings=self.bindings,
                         wrt=self.wrt, flavor="jvp")

    def output_tangent(self, atom):
        return self.materialize(self.tangent_of(atom))

    # ------------------------------------------------------------ statements
    def block(self, stmts, last=None):
        """Primal and tangent statements of a statement list, grouped by source line.

        ``last`` is the source the enclosing statement's comment already quotes.
        """
        out = []
        for stmt in stmts:
            source = source_of(stmt)
            if source is not None and source != last:
                out.append(comment(self.comments, describe(source)))
                last = source
            out.extend(self.statement(stmt, last))
        return out

    def statement(self, stmt, last=None):
        if isinstance(stmt, gast.If):
            return self.if_statement(stmt, last)
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt, last)
        if isinstance(stmt, gast.Pass):
            return []
        op = _tape_op(stmt)
        if op is not None:
            return self.tape_operation(stmt, op)
        if id(stmt) in self.in_place and isinstance(stmt.value, gast.Call) \
                and self.pushes_in_place(stmt):
            # y = list_append(items, v) -> y = list_push(items, v): appended in place
            # (O(1), not a copy of the list), and so is the list's tangent; and
            # y = list_delete(items, i, v) -> y = list_remove(items, i, v)
            stmt = copy.deepcopy(stmt)
            helper = "list_push" if len(stmt.value.args) == 2 else "list_remove"
            fn = registry.LIST_HELPERS[helper]
            stmt.value.func = nodes.name(helper)
            anno.set(stmt.value, anno.CALLEE, fn)
            self.bindings[helper] = fn
        out = [copy.deepcopy(stmt)]
        self.track_constant(stmt)
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                self.assign(stmt, target.id, stmt.value, out)
                value = stmt.value
                if anno.get(value, anno.IN_PLACE) and isinstance(value.left, gast.Name) \
                        and value.left.id not in self.scalars:
                    # x += v on an integer array: numpy refuses a float result in place
                    out.insert(0, self.dtype_check(stmt, "ensure_same_kind",
                                                   [value.left, value.right]))
            elif isinstance(target, gast.Tuple):
                self.unpack(stmt, out)
            elif isinstance(target, gast.Subscript):
                self.store(stmt, target, stmt.value, out, add=False)
            else:
                raise UnsupportedSyntaxError(
                    f"forward mode cannot assign to a {type(target).__name__}",
                    self.location(stmt))
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
                and isinstance(stmt.op, gast.Add):
            self.store(stmt, stmt.target, stmt.value, out, add=True)
        elif isinstance(stmt, gast.Expr):
            self.expression_statement(stmt, out)
        elif isinstance(stmt, gast.Assert):
            pass
        else:
            raise UnsupportedSyntaxError(
                f"forward mode does not support '{type(stmt).__name__}' statements yet",
                self.location(stmt), hint="use mode='reverse'")
        return out

    def pushes_in_place(self, stmt):
        """Whether the list the append ``stmt`` changes has no tangent or one held in a
        variable (its list, which the tangent rule appends to in place)."""
        items = stmt.value.args[0]
        t = self.tangents.get(items.id)
        return not self.is_varied(stmt, stmt.targets[0].id) or (
            t is not None and isinstance(t.expr, gast.Name))

    # ---------------------------------------------------------- control flow
    def if_statement(self, stmt, last):
        """Both branches from the same entry state; differing tangents made canonical."""
        entry, entry_constants = dict(self.tangents), dict(self.constants)
        then_body = self.block(stmt.body, last)
        then_state = self.tangents
        self.tangents, self.constants = dict(entry), dict(entry_constants)
        else_body = self.block(stmt.orelse, last)
        else_state = self.tangents
        in_then, in_else = assigned_in(stmt.body), assigned_in(stmt.orelse)
        local = in_then ^ in_else      # defined on one path only: not read after the if
        merged = sorted(n for n in set(then_state) | set(else_state) if n not in local
                        and not _same_tangent(then_state.get(n), else_state.get(n)))
        self.tangents = then_state
        then_body += self.canonicalize(merged)
        self.tangents = else_state
        else_body += self.canonicalize(merged)
        self.tangents = {n: t for n, t in else_state.items() if n not in local}
        self.constants = {n: v for n, v in entry_constants.items()
                          if n not in in_then | in_else}
        return [gast.If(test=copy.deepcopy(stmt.test), body=then_body or [gast.Pass()],
                        orelse=else_body)]

    def loop(self, stmt, last):
        """A loop whose carried tangents are canonical at the start of every iteration."""
        carried = anno.get(stmt, anno.CARRIED)
        assigned = assigned_in(stmt.body)
        if isinstance(stmt, gast.For):
            assigned |= assigned_in([stmt.target])
        if carried is None:   # not from the normalizer: names that live across iterations
            carried = assigned & self.seen
        carried = set(carried)
        stored = _store_bases(stmt.body)
        kept = stored - (assigned - carried)      # arrays written in place across iterations
        head = sorted(n for n in carried | kept if n in self.varied)
        owned = set(head) & kept
        before = []
        for name in head:      # nothing defined before the loop may alias a carried tangent
            self.release(self.tangent_var(name), name, before)
        before += self.canonicalize(head, owned)
        entry = dict(self.tangents)
        for name in assigned:
            self.constants.pop(name, None)
        body = self.block(stmt.body, last)
        body += self.canonicalize(head, owned)
        self.tangents = {n: t for n, t in entry.items() if n not in assigned or n in head}
        for name in assigned:
            self.constants.pop(name, None)
        new = copy.copy(stmt)
        new.body = body or [gast.Pass()]
        if isinstance(stmt, gast.For):
            new.target, new.iter = copy.deepcopy(stmt.target), copy.deepcopy(stmt.iter)
        else:
            new.test = copy.deepcopy(stmt.test)
        return before + [new]

    def tape_operation(self, stmt, op):
        """``tape_push(tape, v, key)`` and ``v = tape_pop(tape, key)`` (see module doc)."""
        call = stmt.value
        tape, key = call.args[0], call.args[-1].value

        def method(name, args=()):
            return nodes.call(nodes.attr(copy.deepcopy(tape), name), list(args))

        if op == "push":
            value = call.args[1]
            out = [nodes.expr_stmt(method("push", [copy.deepcopy(value)]))]
            if key in self.carrying:
                t = self.tangents.get(value.id) if isinstance(value, gast.Name) else None
                expr = self.materialize(self.tangent_of(value))
                if t is not None and not is_zero(t.expr) and not t.exact:
                    expr = nodes.call(self.helper("broadcast_like"), [expr, copy.deepcopy(value)])
                out.append(nodes.expr_stmt(method("push", [expr])))
            return out
        target = stmt.targets[0].id
        self.constants.pop(target, None)
        out = []
        if key in self.carrying:
            var = self.tangent_var(target)
            self.bind(var, target, method("pop"), out)
            self.tangents[target] = Tangent(nodes.name(var))
        elif target in self.tangents:
            self.tangents[target] = Tangent(zero(nodes.name(target)))
        out.append(nodes.assign(target, method("pop")))
        return out

    def track_constant(self, stmt):
        self.seen |= ops.targets(stmt)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name, value = stmt.targets[0].id, stmt.value
            if isinstance(value, gast.Constant) and (value.value is None or type(
                    value.value) in (bool, int, float)):
                self.constants[name] = value.value
            else:
                self.constants.pop(name, None)

    def assign(self, stmt, name, value, out):
        if not self.is_varied(stmt, name):
            if name in self.tangents:   # a name assigned again (in a loop) drops its tangent
                self.tangents[name] = Tangent(zero(nodes.name(name)))
            return
        if not ops.carries_derivative(stmt):
            self.define(name, zero(), out)   # np.zeros(...), comparisons, .shape
            return
        if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) and all(
                is_zero(self.tangent_of(nodes.name(n))) for n in ops.differentiable_reads(stmt)):
            # a name varied elsewhere (a merge) but constant here: C.sum(axis=0)
            self.define(name, zero(), out)
            return
        if name in _loads(value):
            # ``y = y * x``: the tangent reads the old y, saved before the primal runs
            # (dead, and removed, when the tangent needs only y's tangent: s = s + x)
            saved = self.namer.fresh(f"{name}_old")
            out.insert(0, nodes.assign(saved, nodes.name(name)))
            old = self.tangents.get(name)
            if old is not None:
                self.tangents[saved] = dataclasses.replace(old, owned=False)
            value = _replace_names(copy.deepcopy(value), {name: nodes.name(saved)})
        if isinstance(value, gast.Subscript):
            self.subscript(name, value, out)
        elif isinstance(value, (gast.Tuple, gast.List)):
            self.sequence(name, value, out)
        elif isinstance(value, gast.Dict):
            self.mapping(name, value, out)
        elif isinstance(value, gast.Name):
            t = self.tangents.get(value.id)
            self.tangents[name] = copy.deepcopy(t) if t is not None else Tangent(zero(value))
            if t is not None:
                self.tangents[name].owned = False
        elif isinstance(value, gast.Call) and _user_callee(value) is not None:
            self.user_call(name, value, _user_callee(value), out)
        elif isinstance(value, gast.BinOp) and kinds_.is_sequence(self.kinds.get(name)):
            self.container_operation(name, value, out)
        elif isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)):
            self.operation(name, value, out)
        else:   # a literal, or a global such as np.pi
            self.define(name, zero(), out)

    def container_operation(self, name, value, out):
        """``a = b + c`` (a concatenation) and ``a = b * n`` (a repetition) of lists or
        tuples: the same operation on the tangents (a zero tangent is a container of
        zeros, so the items stay where they are), never an arithmetic rule."""
        left, right = value.left, value.right
        if isinstance(value.op, gast.Add):
            parts = [self.materialize(self.tangent_of(a)) for a in (left, right)]
            self.define(name, gast.BinOp(left=parts[0], op=gast.Add(), right=parts[1]), out)
            return
        if not isinstance(value.op, gast.Mult):
            raise UnsupportedSyntaxError(
                f"{type(value.op).__name__} of lists or tuples has no derivative",
                self.parsed.location(value))
        seq = left if kinds_.is_sequence(self._kind(left)) else right \
            if kinds_.is_sequence(self._kind(right)) else \
            right if isinstance(left, gast.Constant) else left
        count = right if seq is left else left
        t = self.tangent_of(seq)
        if is_zero(t):
            self.define(name, zero(), out)
            return
        self.define(name, gast.BinOp(left=t, op=gast.Mult(), right=copy.deepcopy(count)), out)

    def _kind(self, atom):
        if isinstance(atom, gast.Name):
            return self.kinds.get(atom.id, kinds_.UNKNOWN)
        return kinds_.LEAF if isinstance(atom, gast.Constant) else kinds_.UNKNOWN

    def user_call(self, name, value, callee, out):
        """``y = helper(a, b)`` -> ``y, y_dot = helper_jvp(a, b, a_dot=...)`` (in place of
        the primal call, which ``out[-1]`` holds)."""
        site = self.parsed.location(getattr(value, "s2sad_call_site", value))
        if self.calls is None:
            from .calls import CallGraph
            self.calls = CallGraph()
        from .calls import bind_call
        arguments, arity = bind_call(callee, value, site)
        wrt, tangents = [], {}
        for param, atom in arguments.items():
            if isinstance(atom, (gast.List, gast.Tuple)):
                if any(not is_zero(self.tangent_of(e)) for e in atom.elts):
                    raise UnsupportedSyntaxError(
                        f"passing a list or tuple literal to {callee.__name__} is not "
                        f"differentiated yet", site, hint="pass the arrays one by one")
                continue
            t = self.tangent_of(atom)
            if is_zero(t):
                continue
            record = self.tangents.get(atom.id) if isinstance(atom, gast.Name) else None
            if record is not None and not record.exact:
                t = nodes.call(self.helper("broadcast_like"), [t, copy.deepcopy(atom)])
            wrt.append(param)
            tangents[param] = t
        if not wrt:
            self.define(name, zero(), out)
            return
        # the callee is made for the containers its arguments hold here
        kinds = tuple(sorted((param, self._kind(atom)) for param, atom in arguments.items()
                             if isinstance(atom, (gast.Name, gast.Constant))
                             and kinds_.is_container(self._kind(atom))))
        info = jvp_for(self.calls, callee, tuple(wrt), site, arity, kinds)
        call = copy.deepcopy(value)
        call.func = nodes.name(info.name)
        call.keywords = list(call.keywords) + [
            gast.keyword(arg=info.tangents[p], value=tangents[p]) for p in wrt]
        var = self.tangent_var(name)
        self.release(var, name, out)
        out[-1:] = [nodes.assign(nodes.tuple_([nodes.name(name, store=True),
                                                nodes.name(var, store=True)], store=True), call)]
        self.bound.add(var)
        self.tangents[name] = Tangent(nodes.name(var))

    def subscript(self, name, value, out):
        base = value.value
        t = self.tangents.get(base.id) if isinstance(base, gast.Name) else None
        if t is None or is_zero(t.expr):
            self.define(name, zero(), out)
            return
        index = value.slice
        if t.items is not None and isinstance(index, gast.Constant) \
                and isinstance(index.value, int) and -len(t.items) <= index.value < len(t.items):
            item = t.items[index.value]
            self.tangents[name] = dataclasses.replace(item, owned=False)
            return
        self.define(name, nodes.subscript(copy.deepcopy(t.expr), copy.deepcopy(index)), out)

    def sequence(self, name, value, out):
        items = []
        for elt in value.elts:
            t = self.tangents.get(elt.id) if isinstance(elt, gast.Name) else None
            if t is None or is_zero(t.expr):
                items.append(Tangent(zero(elt)))
            else:
                items.append(dataclasses.replace(t, owned=False))
        if all(is_zero(i.expr) for i in items):
            self.define(name, zero(), out)
            return
        expr = type(value)(elts=[self.materialize(copy.deepcopy(i.expr)) for i in items],
                           ctx=gast.Load())
        self.define(name, expr, out, items=items)

    def mapping(self, name, value, out):
        """``d = {'k': v, ...}``: the tangent is the dict of the values' tangents (a dict
        literal used to get no tangent at all, so ``d['k']`` read as a constant)."""
        tangents = [self.tangent_of(v) for v in value.values]
        if all(is_zero(t) for t in tangents):
            self.define(name, zero(), out)
            return
        expr = gast.Dict(keys=[copy.deepcopy(k) for k in value.keys],
                         values=[self.materialize(t) for t in tangents])
        self.define(name, expr, out)

    def unpack(self, stmt, out):
        names = [e.id for e in stmt.targets[0].elts]
        source = stmt.value
        varied = [self.is_varied(stmt, n) for n in names]
        if not any(varied):
            return
        t = self.tangents.get(source.id) if isinstance(source, gast.Name) else None
        if t is None or is_zero(t.expr):
            for n in names:
                self.tangents[n] = Tangent(zero(nodes.name(n)))
            return
        if t.items is not None and len(t.items) == len(names):
            for n, item in zip(names, t.items):
                self.tangents[n] = dataclasses.replace(item, owned=False)
            return
        tnames = [self.tangent_var(n) for n in names]
        for n, tn in zip(names, tnames):
            self.release(tn, n, out)
        out.append(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in tnames],
                                             store=True), copy.deepcopy(t.expr)))
        for n, tn in zip(names, tnames):
            self.bound.add(tn)
            self.tangents[n] = Tangent(nodes.name(tn))

    def operation(self, name, value, out):
        rule = _tangent_view(rule_for(value, self.parsed, "tangent"))
        bound = bind_arguments(rule, value, self.parsed.location)
        template = rule.tangent
        collect_bindings(template, self.bindings)
        role = {template.params[0]: nodes.name(name)}
        for param in template.params[1:]:
            if param in bound:
                role[param] = copy.deepcopy(bound[param])
            elif param.endswith("_dot") and param[:-4] in bound:
                role[param] = self.tangent_of(bound[param[:-4]])
            else:
                raise RuleDefinitionError(
                    f"the tangent rule of {rule.label} takes {param!r}, which is neither a "
                    f"parameter of {rule.label} nor the tangent ('<parameter>_dot') of one")
        statements, results = splice(template, role, self.namer)
        if len(results) != 1:
            raise RuleDefinitionError(
                f"the tangent rule of {rule.label} must return one expression")
        local_zeros = {}
        for stmt in statements:
            stmt.value = self.simplify(_replace_names(stmt.value, local_zeros))
            target = stmt.targets[0].id
            if is_zero(stmt.value):
                local_zeros[target] = stmt.value
                continue
            if self.carries_tangent(stmt.value):
                self.tangent_names.add(target)
            out.append(stmt)
        expr = self.simplify(_replace_names(results[0], local_zeros))
        if is_zero(expr):
            self.define(name, expr, out)
            return
        expr = _drop_defaults(expr, template.free)
        if isinstance(expr, gast.Name) and self.writes_in_place:
            # ``y = x * 1.0``: the primal makes a new array, but the folded tangent only
            # names another tangent array, which a later write may change in place
            expr = nodes.call(self.helper("writable_copy"), [expr])
        exact = True
        if _elementwise(rule):
            exact = self.covers(name, expr, bound)
        self.define(name, expr, out, exact=exact)

    def covers(self, name, expr, bound):
        """Has an elementwise tangent ``expr`` the full broadcast shape of its output?"""
        reads = _loads(expr)
        if name in reads:
            return True
        for atom in bound.values():
            if isinstance(atom, gast.Constant):
                continue
            if isinstance(atom, gast.Attribute) and self.is_library_number(atom):
                continue  # np.pi cannot broadcast anything
            if not isinstance(atom, gast.Name):
                return False
            if atom.id in self.scalars or atom.id in reads:
                continue
            t = self.tangents.get(atom.id)
            if t is not None and t.exact and isinstance(t.expr, gast.Name) \
                    and not is_zero(t.expr) and t.expr.id in reads:
                continue
            return False
        return True

    # ---------------------------------------------------- mutation and effects
    def owned_tangent(self, base, out):
        """The name of an array holding ``base``'s tangent that may be written in place."""
        t = self.tangents.get(base)
        if t is not None and not is_zero(t.expr) and t.owned:
            return t.expr.id
        tname = self.tangent_var(base)
        if t is None or is_zero(t.expr):
            value = nodes.call(self.helper("zeros_like"), [nodes.name(base)])
        else:
            value = copy.deepcopy(t.expr)
            if not t.exact:
                value = nodes.call(self.helper("broadcast_like"), [value, nodes.name(base)])
            value = nodes.call(self.helper("writable_copy"), [value])
        self.bind(tname, base, value, out)
        self.tangents[base] = Tangent(nodes.name(tname), owned=True)
        self.varied.add(base)
        return tname

    def dtype_check(self, stmt, helper, args, extra=()):
        """``helper(*args, file, line, column, *extra)``: a run-time check of a write."""
        site = source_of(stmt)
        where = (site.filename, site.line, site.column + 1) if site is not None else (
            self.parsed.filename, self.parsed.node.lineno, 1)
        return nodes.expr_stmt(nodes.call(
            self.helper(helper), [nodes.clone(a) for a in args]
            + [nodes.const(w) for w in where] + [nodes.clone(e) for e in extra]))

    def store(self, stmt, target, value, out, add):
        """``x[i] = v`` and ``x[i] += v``: the tangent array is written the same way."""
        base = target.value
        if not isinstance(base, gast.Name):
            raise UnsupportedSyntaxError("forward mode can only write into a named array",
                                         self.location(stmt))
        v = self.tangent_of(value)
        current = self.tangents.get(base.id)
        checked = not is_zero(v)
        if is_zero(v) and (current is None or is_zero(current.expr)):
            return
        if is_zero(v) and add:
            return
        tname = self.owned_tangent(base.id, out)
        dest = nodes.subscript(nodes.name(tname), copy.deepcopy(target.slice), store=True)
        v = self.materialize(v)
        if checked:
            # an integer or bool array truncates what is written, and a real tangent array
            # drops the imaginary part of a complex tangent: both refused when the code runs
            if not isinstance(v, (gast.Name, gast.Constant)):
                held = self.namer.fresh(f"{base.id}_item_dot")
                out.append(nodes.assign(held, v))
                v = nodes.name(held)
            out.append(self.dtype_check(stmt, "ensure_real_target", [base], [v]))
        if add:
            out.append(gast.AugAssign(target=dest, op=gast.Add(), value=v))
        else:
            out.append(nodes.assign(dest, v))

    def expression_statement(self, stmt, out):
        call = stmt.value
        if isinstance(call, gast.Call) and _is_add_at(call, self.parsed) and len(call.args) == 3:
            base, index, value = call.args
            if not isinstance(base, gast.Name):
                raise UnsupportedSyntaxError("forward mode can only write into a named array",
                                             self.location(stmt))
            v = self.tangent_of(value)
            if is_zero(v):
                return
            tname = self.owned_tangent(base.id, out)
            out.append(nodes.expr_stmt(nodes.call(self.numpy("np.add.at"), [
                nodes.name(tname), copy.deepcopy(index), self.materialize(v)])))
            return
        if isinstance(call, gast.Call):
            rule = registry.lookup(registry.operation_target(call))
            if rule is not None and rule.nondifferentiable:
                return
            if not (_loads(call) & self.varied):
                return
        raise UnsupportedSyntaxError(
            "forward mode cannot differentiate the effect of this expression statement",
            self.location(stmt), hint="assign its result to a name")


class _ZeroFolder(gast.NodeTransformer):
    """Propagate symbolic zeros through a tangent expression (bottom-up).

    Tangent rules are linear in the tangents they receive, so a product with
    a zero is zero, a zero term of a sum is dropped, and a call none of whose
    tangent-carrying arguments is non-zero returns zero.
    """

    def __init__(self, fwd):
        self.fwd = fwd

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = is_zero(node.left), is_zero(node.right)
        if not (left or right):
            return node
        op = node.op
        if isinstance(op, (gast.Mult, gast.Div, gast.MatMult)):
            return zero()
        if isinstance(op, gast.Add):
            if left and right:
                return zero()
            return node.right if left else node.left
        if isinstance(op, gast.Sub):
            if left and right:
                return zero()
            if right:
                return node.left
            return gast.UnaryOp(op=gast.USub(), operand=node.right)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if is_zero(node.operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return zero()
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if is_zero(node.value):
            return zero()
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        parts = list(node.args) + [kw.value for kw in node.keywords]
        has_zero = any(is_zero(n) for p in parts for n in gast.walk(p))
        if not has_zero:
            return node
        live = [p for p in parts if self.fwd.carries_tangent(p)]
        if all(is_zero(p) or (isinstance(p, (gast.List, gast.Tuple))
                              and all(is_zero(e) for e in p.elts)) for p in live):
            return zero()
        return node


def _replace_names(node, table):
    if not table:
        return node

    class _Swap(gast.NodeTransformer):
        def visit_Name(self, n):
            if n.id in table and isinstance(n.ctx, gast.Load):
                return copy.deepcopy(table[n.id])
            return n

    return _Swap().visit(node)


def _tangent_view(rule):
    """The rule, with its parameters inferred from the tangent template if it has none.

    A rule registered with only ``@tangent`` knows its parameters from the
    template signature ``(y, *params, *<param>_dot)``.
    """
    if rule.params:
        return rule
    template = rule.tangent
    names = template.params[1:]
    params = tuple(p for p in names if not (p.endswith("_dot") and p[:-4] in names))
    diff = tuple(p for p in params if f"{p}_dot" in names)
    sig = inspect.signature(template.fn)
    defaults = {p.name: p.default for p in sig.parameters.values()
                if p.default is not inspect.Parameter.empty and p.name in params}
    return dataclasses.replace(rule, params=params, diff_params=diff, defaults=defaults)


def _resolve(expr, free):
    """The object a template's callee expression denotes, or None."""
    parts = []
    while isinstance(expr, gast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, gast.Name) or expr.id not in free:
        return None
    obj = free[expr.id]
    for part in reversed(parts):
        obj = getattr(obj, part, None)
    return obj


def _drop_defaults(expr, free):
    """``np.sum(x_dot, axis=None, keepdims=False)`` -> ``np.sum(x_dot)``.

    In calls to functions that have a rule, arguments equal to the default
    that rule declares for the parameter are left out (trailing positional
    ones and keywords), so a template's spelled-out parameters do not clutter
    the generated code.
    """
    for node in gast.walk(expr):
        if not isinstance(node, gast.Call):
            continue
        target = _resolve(node.func, free)
        rule = registry.lookup(target) if target is not None else None
        if rule is None or not rule.defaults:
            continue
        sig = registry.signature_of(target)
        positional = [] if sig is None else [
            p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

        def is_default(param, value):
            param = rule.spellings.get(param, param)   # the rule's name for it
            return (param in rule.defaults and isinstance(value, gast.Constant)
                    and _same_constant(value.value, rule.defaults[param]))

        node.keywords = [kw for kw in node.keywords if not is_default(kw.arg, kw.value)]
        if node.keywords:
            continue
        while node.args and len(node.args) <= len(positional) \
                and is_default(positional[len(node.args) - 1], node.args[-1]):
            node.args.pop()
    return expr


def _is_add_at(call, parsed):
    func = call.func
    if not (isinstance(func, gast.Attribute) and func.attr == "at"
            and isinstance(func.value, gast.Attribute) and func.value.attr == "add"):
        return False
    root = func.value.value
    if not isinstance(root, gast.Name):
        return False
    module = parsed.resolve(root.id, None)
    return getattr(module, "__name__", None) == "numpy"


def _shape_sensitive(primal, out_atoms):
    """Names whose tangent must have exactly the primal's shape where it is read.

    Everything read by an operation that is not elementwise (reductions,
    products of matrices, indexing, literals, calls, tape pushes), the
    outputs, and the names that meet at control-flow joins: names carried by
    loops, names both branches of an ``if`` assign, arrays written into.
    """
    sensitive = set()
    for stmt in flatten(primal):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            value = stmt.value
            if isinstance(value, (gast.Attribute, gast.Compare)):
                continue
            if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) and _elementwise(
                    registry.lookup(registry.operation_target(value))):
                continue
            if isinstance(value, gast.Subscript):
                sensitive |= _loads(value.value)
                continue
            sensitive |= _loads(value)
        elif isinstance(stmt, gast.Assign):
            sensitive |= _loads(stmt.value)
            if isinstance(stmt.targets[0], gast.Subscript):
                sensitive |= _loads(stmt.targets[0].value)
        elif isinstance(stmt, (gast.AugAssign, gast.Expr)):
            sensitive |= _loads(stmt.value)
    for node in primal:
        for sub in gast.walk(node):
            if isinstance(sub, (gast.For, gast.While)):
                sensitive |= set(anno.get(sub, anno.CARRIED, ()))
                sensitive |= assigned_in(sub.body) & _store_bases(sub.body)
            elif isinstance(sub, gast.If):
                sensitive |= assigned_in(sub.body) & assigned_in(sub.orelse)
    for atom in out_atoms:
        sensitive |= _loads(atom)
    return sensitive


def _store_bases(body):
    """Names of the arrays ``body`` writes into (``x[i] = v``, ``x[i] += v``,
    ``np.add.at(x, ...)``), nested blocks included."""
    bases = set()
    for stmt in flatten(body):
        target = None
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            target = stmt.targets[0]
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript):
            target = stmt.target
        if target is not None and isinstance(target.value, gast.Name):
            bases.add(target.value.id)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and len(stmt.value.args) == 3 and isinstance(stmt.value.args[0], gast.Name) \
                and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr == "at":
            bases.add(stmt.value.args[0].id)
    return bases


def _user_callee(call):
    """The user's Python function a call applies, when no rule covers it."""
    from ..syntax.parse import is_user_function
    target = anno.get(call, anno.CALLEE)
    if registry.lookup(target) is None and is_user_function(target):
        return target
    return None


def _tape_op(stmt):
    """"push" or "pop" for the tape markers of second-order code, else None."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call):
        return getattr(anno.get(stmt.value, anno.CALLEE), TAPE_OP, None)
    return None


def _forward_activity(primal, wrt, outputs):
    """(varied names, tape keys that carry tangents): the activity fixpoint.

    ``analysis.activity`` gives the names that depend on ``wrt``, loops
    included; on top of it, an array written with a varied value (or holding
    one) is varied, and the pops of a tape key are varied when a push of that
    key pushes a varied value.  Repeats until nothing changes.
    """
    simple = list(flatten(primal))
    seeds = set(wrt)
    while True:
        varied = set(analyze(primal, tuple(sorted(seeds)), outputs).varied)
        carrying = set()
        for stmt in simple:
            if _tape_op(stmt) == "push":
                value = stmt.value.args[1]
                if isinstance(value, gast.Name) and value.id in varied:
                    carrying.add(stmt.value.args[-1].value)
        extra = set()
        for stmt in simple:
            if _tape_op(stmt) == "pop" and stmt.value.args[-1].value in carrying:
                extra.add(stmt.targets[0].id)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
                    and isinstance(stmt.targets[0].value, gast.Name):
                base = stmt.targets[0].value.id
                if (_loads(stmt.value) | {base}) & varied:
                    extra.add(base)
            elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
                    and isinstance(stmt.target.value, gast.Name):
                base = stmt.target.value.id
                if (_loads(stmt.value) | {base}) & varied:
                    extra.add(base)
            elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                    and len(stmt.value.args) == 3 and isinstance(stmt.value.args[0], gast.Name):
                if _loads(stmt.value.args[2]) & varied:
                    extra.add(stmt.value.args[0].id)
        if extra <= varied:
            return varied, carrying
        seeds |= extra


def _mentions(t, var):
    """Does the Tangent ``t`` (or one of its items) read the variable ``var``?"""
    if isinstance(t.expr, gast.Name) and t.expr.id == var:
        return True
    return any(_mentions(item, var) for item in (t.items or ()))


def _renamed(t, old, new):
    expr = t.expr
    if isinstance(expr, gast.Name) and expr.id == old:
        expr = nodes.name(new)
    items = None if t.items is None else [_renamed(i, old, new) for i in t.items]
    return Tangent(expr, t.exact, items, False)


def _same_tangent(a, b):
    """Do two tangent states of one name agree (so no merge copy is needed)?"""
    za = a is None or is_zero(a.expr)
    zb = b is None or is_zero(b.expr)
    if za or zb:
        return za and zb
    if gast.dump(a.expr) != gast.dump(b.expr) or a.exact != b.exact or a.owned != b.owned:
        return False
    if (a.items is None) != (b.items is None):
        return False
    return a.items is None or (len(a.items) == len(b.items) and all(
        _same_tangent(x, y) for x, y in zip(a.items, b.items)))


def _tidy(body):
    """Drop orphan comments in every block; an emptied block holds ``pass``."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.If):
            stmt.body = _tidy(stmt.body) or [gast.Pass()]
            stmt.orelse = _tidy(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt.body = _tidy(stmt.body) or [gast.Pass()]
        out.append(stmt)
    return drop_orphan_comments(out)
