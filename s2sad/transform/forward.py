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
(:meth:`_Forward.block`), so compound statements slot in as new handlers.
"""

import copy
import dataclasses
import inspect
import operator
from dataclasses import dataclass
from typing import Any, List, Optional

import gast

from ..analysis import ops
from ..analysis.activity import analyze
from ..errors import RuleDefinitionError, SourceLocation, UnsupportedSyntaxError
from ..optimize import eliminate_dead, fold
from ..rules import registry
from ..rules.template import bind_arguments, splice
from ..syntax import anno, nodes
from .common import (Generated, collect_bindings, comment, describe, drop_orphan_comments,
                     numpy_module, rule_for, source_of)

#: identifier of the symbolic zero marker; it never reaches emitted code
ZERO_ID = "__s2sad_zero__"
#: annotation on a zero marker: the atom whose shape the zero has (None: a scalar zero)
ZERO_OF = "s2sad_zero_of"


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


def forward(nf, wrt, tangent_outputs=None, name=None):
    """Generate the forward-mode function of ``nf`` with respect to ``wrt``.

    ``tangent_outputs``: indices of the returned tuple whose tangents are
    returned (default: all, mirroring the output); ``name``: the generated
    function's name (default ``<f>_jvp``).
    """
    return _Forward(nf, tuple(wrt), tangent_outputs, name).run()


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
    def __init__(self, nf, wrt, tangent_outputs, name):
        self.nf = nf
        self.parsed = nf.parsed
        self.namer = nf.namer
        self.wrt = wrt
        self.tangent_outputs = tangent_outputs
        self.name = name
        self.tangents = {}          # primal name -> Tangent
        self.tangent_names = set()  # every identifier that holds a tangent
        self.bindings = {}
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
            return SourceLocation(site.filename, site.line, site.column, site.text)
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

    def materialize(self, node):
        """Replace zero markers left in ``node`` by real zeros."""
        if is_zero(node):
            of = anno.get(node, ZERO_OF)
            if isinstance(of, gast.Name):
                return nodes.call(self.helper("zeros_like"), [copy.deepcopy(of)])
            return nodes.const(0.0)
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

    def define(self, name, expr, out, exact=True, items=None):
        """Record ``expr`` as the tangent of ``name``; emit ``name_dot = expr`` if needed."""
        if is_zero(expr):
            self.tangents[name] = Tangent(zero(nodes.name(name)))
            return
        if not exact and name in self.sensitive:
            expr = nodes.call(self.helper("broadcast_like"), [expr, nodes.name(name)])
            exact = True
        if isinstance(expr, gast.Name):
            self.tangents[name] = Tangent(expr, exact, items)
            return
        tname = self.namer.tangent(name)
        out.append(nodes.assign(tname, expr))
        self.tangent_names.add(tname)
        # numpy arithmetic always returns a new array: it may be written in place later
        owned = isinstance(expr, (gast.BinOp, gast.UnaryOp))
        self.tangents[name] = Tangent(nodes.name(tname), exact, items, owned)

    def is_varied(self, stmt, name):
        """Forward activity, extended on the fly for values that mutation made varied."""
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
        self.varied = set(analyze(primal, self.wrt, outputs).varied)
        self.scalars = _known_scalars(primal)
        self.sensitive = _shape_sensitive(primal, out_atoms)

        params = []
        for p in self.wrt:
            tname = self.namer.tangent(p)
            params.append(tname)
            self.tangent_names.add(tname)
            self.tangents[p] = Tangent(nodes.name(tname))
        out = self.block(primal)

        selected = self.tangent_outputs
        if selected is None:
            selected = tuple(range(len(out_atoms))) if many else 0
        if isinstance(selected, int):
            tangent_expr = self.output_tangent(out_atoms[selected])
        else:
            tangent_expr = nodes.tuple_([self.output_tangent(out_atoms[i]) for i in selected])
        body = out + [nodes.ret(nodes.tuple_([copy.deepcopy(ret.value), tangent_expr]))]
        body = drop_orphan_comments(eliminate_dead(body))
        new = nodes.function(self.name or f"{fn.name}_jvp", list(self.nf.params) + params, body)
        return Generated(node=new, comments=self.comments, bindings=self.bindings,
                         wrt=self.wrt, flavor="jvp")

    def output_tangent(self, atom):
        return self.materialize(self.tangent_of(atom))

    # ------------------------------------------------------------ statements
    def block(self, stmts):
        """Primal and tangent statements of a statement list, grouped by source line."""
        out, last = [], None
        for stmt in stmts:
            source = source_of(stmt)
            if source is not None and source is not last:
                out.append(comment(self.comments, describe(source)))
                last = source
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt):
        out = [copy.deepcopy(stmt)]
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                self.assign(stmt, target.id, stmt.value, out)
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

    def assign(self, stmt, name, value, out):
        if not self.is_varied(stmt, name):
            return
        if isinstance(value, gast.Subscript):
            self.subscript(name, value, out)
        elif isinstance(value, (gast.Tuple, gast.List)):
            self.sequence(name, value, out)
        elif isinstance(value, gast.Name):
            t = self.tangents.get(value.id)
            self.tangents[name] = copy.deepcopy(t) if t is not None else Tangent(zero(value))
            if t is not None:
                self.tangents[name].owned = False
        elif isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)):
            self.operation(name, value, out)
        # attributes (.shape) and comparisons carry no derivative

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
        tnames = [self.namer.tangent(n) for n in names]
        out.append(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in tnames],
                                             store=True), copy.deepcopy(t.expr)))
        for n, tn in zip(names, tnames):
            self.tangent_names.add(tn)
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
        tname = self.namer.tangent(base)
        if t is None or is_zero(t.expr):
            value = nodes.call(self.helper("zeros_like"), [nodes.name(base)])
        else:
            value = nodes.call(self.helper("writable_copy"), [copy.deepcopy(t.expr)])
        out.append(nodes.assign(tname, value))
        self.tangent_names.add(tname)
        self.tangents[base] = Tangent(nodes.name(tname), owned=True)
        self.varied.add(base)
        return tname

    def store(self, stmt, target, value, out, add):
        """``x[i] = v`` and ``x[i] += v``: the tangent array is written the same way."""
        base = target.value
        if not isinstance(base, gast.Name):
            raise UnsupportedSyntaxError("forward mode can only write into a named array",
                                         self.location(stmt))
        v = self.tangent_of(value)
        current = self.tangents.get(base.id)
        if is_zero(v) and (current is None or is_zero(current.expr)):
            return
        if is_zero(v) and add:
            return
        tname = self.owned_tangent(base.id, out)
        dest = nodes.subscript(nodes.name(tname), copy.deepcopy(target.slice), store=True)
        v = self.materialize(v)
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


def _known_scalars(primal):
    """Names that certainly hold Python numbers: sizes, lengths, arithmetic on them."""
    scalars = set()
    shapes = set()

    def scalar(atom):
        return isinstance(atom, gast.Constant) or (
            isinstance(atom, gast.Name) and atom.id in scalars)

    for stmt in primal:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if isinstance(value, gast.Attribute):
            if value.attr in ("ndim", "size"):
                scalars.add(name)
            elif value.attr == "shape":
                shapes.add(name)
        elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and value.value.id in shapes and isinstance(value.slice, gast.Constant):
            scalars.add(name)
        elif isinstance(value, gast.BinOp) and scalar(value.left) and scalar(value.right):
            scalars.add(name)
        elif isinstance(value, gast.Call) and getattr(
                anno.get(value, anno.CALLEE), "__name__", "") == "len":
            scalars.add(name)
    return scalars


def _shape_sensitive(primal, out_atoms):
    """Names whose tangent must have exactly the primal's shape where it is read.

    Everything read by an operation that is not elementwise (reductions,
    products of matrices, indexing, literals, calls), and the outputs.
    """
    sensitive = set()
    for stmt in primal:
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
        elif isinstance(stmt, (gast.AugAssign, gast.Expr)):
            sensitive |= _loads(stmt.value)
    for atom in out_atoms:
        sensitive |= _loads(atom)
    return sensitive
