"""Reverse mode: normalized function -> forward sweep + backward sweep.

Input: a :class:`NormalFunction` (straight-line SSA body ending in a return),
the ``wrt`` parameter names, and a flavor:

* ``"value_and_grad"``: one function ``f_value_and_grad(*params)`` that
  computes the scalar output, seeds its adjoint with 1, and returns
  ``(value, gradient)`` (a tuple of gradients when several ``wrt``);
* ``"vjp"``: ``f_vjp(*params)`` returning ``(value, f_pullback)`` where
  ``f_pullback(*cotangents)`` returns the gradients and may be called often.

Output: a :class:`Generated` whose function holds the primal statements
(forward sweep) followed by the adjoint statements in reverse order, each
adjoint block preceded by a comment quoting its source line.  Adjoints are
named ``<name>_bar``; only active names get one (see ``analysis.activity``).
Broadcasting is undone by ``unbroadcast`` calls that :meth:`_Reverse.unbroadcast`
writes, left out where the shape analysis proves nothing was broadcast.  Two
rewrites keep the sweep as lean as a hand-written one: an elementwise
temporary that only a sum reads differentiates together with the sum
(:meth:`_Reverse.fused_products`), and a loop temporary whose shape nothing
else tells keeps an unreduced adjoint until its own definition reduces it
(:meth:`_Reverse.defers_reduction`), so it is not taped for its shape.
"""

import copy
import operator

import gast

from ..analysis import ops
from ..analysis import kinds as kinds_
from ..analysis.activity import analyze
from ..analysis.ops import assigned_in, flatten
from ..analysis.shapes import known_scalars, shape_classes
from ..errors import NonScalarOutputError, RuleDefinitionError, UnsupportedSyntaxError
from ..optimize import eliminate_dead, fold, is_zero, optimize, propagate_copies
from ..rules.template import bind_arguments, splice
from ..rules import registry
from ..syntax import anno, nodes
from ..syntax.parse import is_user_function
from .callees import Derivative, derivative_for
from .calls import CallGraph, Callee, bind_call
from .common import (Generated, call_predicates, collect_bindings, comment, describe,
                     drop_orphan_comments, in_place_appends, numpy_module, rule_for,
                     runtime_helper, source_of, unshared_results)

FLAVORS = ("value_and_grad", "vjp")
#: on a rewritten call of a user function: (Callee, pullback name, argument names)
USER_CALL = "s2sad_user_call"


def reverse(nf, wrt, flavor="value_and_grad", calls=None, name=None, kinds=None):
    """The reverse-mode function of ``nf`` (see the module docstring), before the
    optimize pass (``s2sad.optimize.optimize``) removes its dead assignments.

    ``calls`` is the module's :class:`~s2sad.transform.calls.CallGraph` (calls to
    user functions are differentiated through it); ``name`` overrides the
    generated function's name; ``kinds``: the parameters' kinds when known
    (``{name: kind}``, see ``analysis.kinds``).
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown reverse flavor {flavor!r}")
    if calls is None:
        calls = CallGraph()
    return _Reverse(nf, tuple(wrt), flavor, calls, name, kinds).run()


def _vjp_transform(normal, wrt, calls, name, callee, kinds):
    """The vjp of a callee (see :mod:`s2sad.transform.callees`), optimized."""
    return optimize(reverse(normal, wrt, "vjp", calls=calls, name=name, kinds=kinds))


#: a user function's vjp, made by :func:`~s2sad.transform.callees.derivative_for`
VJP = Derivative("vjp", (), lambda name, wrt, normal, returns_tuple: Callee(
    name=name, returns_tuple=returns_tuple, wrt=wrt), _vjp_transform)


def _is_basic_index(index, scalars=()):
    """True when the index holds only ints and slices (no repeated positions).

    Names count when they are known to hold Python scalars (loop counters...).
    """
    for node in gast.walk(index):
        if isinstance(node, gast.Name):
            if node.id in scalars:
                continue
            return False
        if isinstance(node, gast.Constant) and node.value is not None \
                and not isinstance(node.value, int) and node.value is not Ellipsis:
            return False
    return True


class _Reverse:
    def __init__(self, nf, wrt, flavor, calls=None, name=None, kinds=None):
        self.param_kinds = dict(kinds or {})
        self.calls = calls
        self.name = name
        self.nf = nf
        self.parsed = nf.parsed
        self.wrt = wrt
        self.flavor = flavor
        self.namer = nf.namer
        self.adj = {}          # primal name -> expression holding its adjoint
        self.adj_names = {}    # primal name -> the <name>_bar identifier chosen for it
        self.owned = set()     # adjoint names holding a fresh array we may update in place
        self.bindings = {}
        self.comments = []
        self.pushes = {}       # id(loop) -> names its forward body pushes on the tape
        self.uses_tape = False  # writes into arrays save what they overwrite

    # ------------------------------------------------------------ helpers
    def helper(self, name):
        self.bindings[name] = runtime_helper(name)
        return nodes.name(name)

    def adjoint_name(self, primal):
        if primal not in self.adj_names:
            self.adj_names[primal] = self.namer.adjoint(primal)
        return self.adj_names[primal]

    def accumulate(self, primal, contribution, out, tree=False):
        """Add ``contribution`` to the adjoint of ``primal``; ``tree``: it comes from a
        helper's pullback, a list, tuple or dict adjoint where ``primal`` may be one."""
        contribution = fold(contribution)
        if primal not in self.adj and isinstance(contribution, gast.Constant):
            self.adj[primal] = contribution   # a constant adjoint stays symbolic and folds
            return
        if primal not in self.adj:
            name = self.adjoint_name(primal)
            out.append(nodes.assign(name, contribution))
            self.adj[primal] = nodes.name(name)
            return
        current = self.adj[primal]
        name = current.id if isinstance(current, gast.Name) else self.adjoint_name(primal)
        if primal in self.sequences:   # adjoints of tuples add elementwise
            total = nodes.call(self.helper("add_items"), [nodes.clone(current), contribution])
        elif _is_call_of(contribution, "times_bar") or (
                self.kind(nodes.name(primal)) != kinds_.LEAF
                and (tree or any(_is_call_of(contribution, h) for h in _CONTAINER_ADJOINTS))):
            # maybe a list or dict (``tree``: a helper's pullback gives a container
            # argument's adjoint as a container): never concatenated, added leaf by leaf
            total = nodes.call(self.helper("add_tree"), [nodes.clone(current), contribution])
        else:
            total = fold(gast.BinOp(left=nodes.clone(current), op=gast.Add(),
                                    right=contribution))
        out.append(nodes.assign(name, total))
        self.adj[primal] = nodes.name(name)
        self.owned.add(name)

    def is_active(self, atom):
        return isinstance(atom, gast.Name) and self.activity.is_active(atom.id)

    def kind(self, atom):
        """The kind (see ``analysis.kinds``) of an atom: a literal is a leaf."""
        if isinstance(atom, gast.Name):
            return self.kinds.get(atom.id, kinds_.UNKNOWN)
        return kinds_.LEAF if isinstance(atom, gast.Constant) else kinds_.UNKNOWN

    def in_structures(self, grads):
        """The returned adjoints of list, tuple and dict parameters in the parameter's
        own structure (the sweep builds them as lists: tuples come back as tuples)."""
        return [nodes.call(self.helper("tree_like"), [g, nodes.name(p)])
                if p in self.adj and kinds_.is_container(self.kinds.get(p)) else g
                for g, p in zip(grads, self.wrt)]

    def copy_of(self, primal, name):
        """A copy of the adjoint ``name`` of ``primal`` the sweep may write items into."""
        if kinds_.is_container(self.kind(nodes.name(primal))) or primal in self.sequences:
            return nodes.call(self.helper("adjoint_copy"), [nodes.name(name)])
        self.bindings["np"] = numpy_module()
        return nodes.call("np.copy", [nodes.name(name)])

    # --------------------------------------------------------------- driver
    def run(self):
        fn = self.nf.node
        body = fn.body
        ret = body[-1]
        primal = body[:-1]
        out_atoms = list(ret.value.elts) if isinstance(ret.value, gast.Tuple) else [ret.value]
        if self.flavor == "value_and_grad" and isinstance(ret.value, gast.Tuple):
            raise NonScalarOutputError(
                f"{fn.name} returns a tuple, so it has no gradient", self.parsed.location(
                    self.parsed.node.body[-1]),
                hint="use s2sad.vjp for functions with several outputs, or return one scalar")
        outputs = [a.id for a in out_atoms if isinstance(a, gast.Name)]
        self.activity = analyze(primal, self.wrt, outputs)
        self.kinds = kinds_.infer(primal, self.param_kinds)
        # names of unknown kind that are copies of a number or an array on some path (a
        # loop-carried value): ``n * v`` of those keeps its arithmetic adjoint
        self.leaf_on_a_path = {
            s.targets[0].id for s in flatten(primal) if isinstance(s, gast.Assign)
            and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name)
            and self.kinds.get(s.value.id) == kinds_.LEAF}
        self.scalars = known_scalars(list(_with_loops(primal)))
        self.single_defs, self.loop_temps = _definitions(primal)
        self.written = {s.targets[0].value.id for s in flatten(primal) if ops.is_store(s)}
        at_stores, self.shares_written = self.aliases_at_stores(primal)
        self.store_aliases = at_stores if self.flavor == "vjp" else {}
        self.same_shape = shape_classes(list(flatten(primal)), self.scalars)
        self.read_counts = _read_counts(fn)
        self.positions = _positions(primal)
        self.unreduced = set()   # names whose adjoint may be larger than they are
        self.spread = set()      # names whose adjoint may be smaller (see fused_products)
        primal = self.link_user_calls(primal)
        self.sequences = _sequence_names(primal) | {
            n for n, k in self.kinds.items() if kinds_.is_container(k)}
        # names of unknown kind read out of a list, tuple or dict (v = xs[i])
        self.container_items = {
            s.targets[0].id for s in flatten(primal) if isinstance(s, gast.Assign)
            and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript)
            and isinstance(s.value.value, gast.Name)
            and self.kinds.get(s.targets[0].id, kinds_.UNKNOWN) == kinds_.UNKNOWN
            and kinds_.is_container(self.kinds.get(s.value.value.id))}
        self.in_place = in_place_appends(primal)
        self.tape = self.namer.fresh("tape")
        self.tape_read = self.tape if self.flavor == "value_and_grad" \
            else self.namer.fresh("tape_copy")

        seed_params = []
        seed_stmts = []
        check_scalar = []
        if self.flavor == "value_and_grad":
            out = out_atoms[0]
            if isinstance(out, gast.Name) and out.id in self.sequences:
                raise NonScalarOutputError(
                    f"{fn.name} returns a list, tuple or dict, so it has no gradient",
                    self.parsed.location(next(
                        (n for n in gast.walk(self.parsed.node) if isinstance(n, gast.Return)),
                        self.parsed.node)),
                    hint="use s2sad.vjp for functions with several outputs, or return one "
                         "scalar")
            if isinstance(out, gast.Name):
                check_scalar.append(nodes.expr_stmt(nodes.call(
                    self.helper("ensure_scalar_output"),
                    [nodes.name(out.id), nodes.const(fn.name)])))
                if self.is_active(out):
                    self.adj[out.id] = nodes.const(1.0)
            elif isinstance(out, gast.Constant) and (
                    out.value is None or isinstance(out.value, (str, bytes, complex))):
                self.refuse_constant_output(out.value)
        else:
            for atom in out_atoms:
                base = atom.id if isinstance(atom, gast.Name) else "out"
                param = self.namer.adjoint(base)
                seed_params.append(param)
                if self.is_active(atom):
                    if atom.id in self.adj:   # the same name returned twice
                        self.accumulate(atom.id, nodes.name(param), seed_stmts)
                    else:
                        self.adj[atom.id] = nodes.name(param)
                        self.adj_names.setdefault(atom.id, param)

        backward = seed_stmts + self.backward_block(primal)
        saved = {n for names in self.pushes.values() for n in names}
        for chain in self.in_place.values():
            if chain & saved:   # never expected (see in_place_appends): no wrong gradient
                raise RuleDefinitionError(
                    f"internal: the backward sweep needs an earlier version of a list "
                    f"changed in place ({sorted(chain & saved)[0]!r})")
        forward = self.forward_block(primal) + check_scalar
        for check in reversed(self.nf.entry_checks):   # before anything reads an argument
            self.helper("ensure_unshared")
            forward.insert(0, copy.deepcopy(check))
        if self.pushes or self.uses_tape:
            forward.insert(0, nodes.assign(self.tape, nodes.call(self.helper("Stack"))))
            if self.flavor == "vjp":
                backward.insert(0, nodes.assign(self.tape_read, nodes.call(
                    nodes.attr(nodes.name(self.tape), "copy"))))
        grads = []
        for p in self.wrt:
            if p in self.adj:
                grads.append(nodes.clone(self.adj[p]))
            else:
                grads.append(nodes.call(self.helper("zeros_like"), [nodes.name(p)]))
        grad_expr = grads[0] if len(grads) == 1 else nodes.tuple_(grads)
        returned = {g.id for g in grads if isinstance(g, gast.Name)}
        backward = propagate_copies(backward, protected=returned | set(seed_params))
        backward = eliminate_dead(backward, live_out=returned)
        backward = drop_orphan_comments(backward)
        value_expr = nodes.clone(ret.value)
        rebound, rewritten = _restored_by(backward)

        if self.flavor == "value_and_grad":
            # the backward sweep restores earlier values: keep the output's final one
            snapshots = []
            for atom in (value_expr.elts if isinstance(value_expr, gast.Tuple) else [value_expr]):
                if isinstance(atom, gast.Name) and atom.id in rebound | rewritten:
                    keep = self.namer.fresh(f"{atom.id}_out")
                    value = nodes.name(atom.id)
                    if atom.id in rewritten:
                        self.bindings["np"] = numpy_module()
                        value = nodes.call("np.copy", [value])
                    snapshots.append(nodes.assign(keep, value))
                    atom.id = keep
            body = forward + snapshots + backward
            grads, given = unshared_results(grads, body, list(self.nf.params), [value_expr],
                                            self.bindings, self.helper, self.namer.fresh,
                                            self.comments)
            grads = self.in_structures(grads)
            grad_expr = grads[0] if len(grads) == 1 else nodes.tuple_(grads)
            body = [s for _, kept in given for s in kept] + body + [
                nodes.ret(nodes.tuple_([value_expr, grad_expr]))]
            name = self.name or f"{fn.name}_value_and_grad"
            new = nodes.function(name, [a.id for a in fn.args.args], body,
                                 **_signature_of(fn))
        else:
            pull_name = self.namer.fresh(f"{fn.name}_pullback")
            # the pullback restores earlier values into names and arrays of the forward
            # sweep: it works on its own copies, so it can run any number of times
            finals, starts = [], []
            # an array popped from the tape is the tape's own object (the tape copy is
            # shallow), and other entries may hold it too: one the pullback writes into
            # is popped as a copy, or the next call would see the values this one put back
            for node in nodes.statements(list(backward)):
                if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name) \
                        and node.targets[0].id in rewritten \
                        and isinstance(node.value, gast.Call) \
                        and isinstance(node.value.func, gast.Attribute) \
                        and node.value.func.attr == "pop":
                    self.bindings["np"] = numpy_module()
                    node.value = nodes.call("np.copy", [node.value])
            # a name assigned only inside a block may be unbound on some paths: start it
            # at None so the snapshot below always exists (the pullback then never uses it)
            top = _top_level_targets(primal) | set(self.nf.params)
            forward = [nodes.assign(n, nodes.const(None))
                       for n in sorted((rebound | rewritten) - top)] + forward
            for name in sorted(rebound | rewritten):
                final = self.namer.fresh(f"{name}_final")
                finals.append(nodes.assign(final, nodes.name(name)))
                start = nodes.name(final)
                if name in rewritten:
                    self.bindings["np"] = numpy_module()
                    start = nodes.call("np.copy", [start])
                starts.append(nodes.assign(name, start))
            # the pullback restores forward names it rebinds (from copies, for arrays it
            # writes into): the value returned is the one its final snapshot holds
            final_of = {a.value.id: a.targets[0].id for a in finals}
            returned = nodes.clone(value_expr)
            for atom in nodes.names(returned):
                atom.id = final_of.get(atom.id, atom.id)
            grads, given = unshared_results(
                grads, forward + finals + starts + backward,
                list(self.nf.params) + seed_params, [returned], self.bindings, self.helper,
                self.namer.fresh, self.comments)
            grads = self.in_structures(grads)
            grad_expr = grads[0] if len(grads) == 1 else nodes.tuple_(grads)
            # a cotangent is kept where the pullback starts, an argument where f_vjp does
            forward = [s for p, kept in given if p not in seed_params for s in kept] + forward
            starts = [s for p, kept in given if p in seed_params for s in kept] + starts
            pullback = nodes.function(pull_name, seed_params,
                                      starts + backward + [nodes.ret(grad_expr)])
            forward = forward + finals
            body = forward + [pullback, nodes.ret(nodes.tuple_([value_expr,
                                                                nodes.name(pull_name)]))]
            new = nodes.function(self.name or f"{fn.name}_vjp", [a.id for a in fn.args.args],
                                 body, **_signature_of(fn))
        return Generated(node=new, comments=self.comments, bindings=self.bindings,
                         wrt=self.wrt, flavor=self.flavor)

    # ------------------------------------------------------------ user calls
    def link_user_calls(self, stmts):
        """Rewrite active calls of user functions to call their generated vjp."""
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                stmt = copy.copy(stmt)
                stmt.body = self.link_user_calls(stmt.body)
                stmt.orelse = self.link_user_calls(stmt.orelse)
            elif isinstance(stmt, (gast.For, gast.While)):
                stmt = copy.copy(stmt)
                stmt.body = self.link_user_calls(stmt.body)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, gast.Call) \
                    and self.activity.is_active(stmt.targets[0].id):
                callee = anno.get(stmt.value, anno.CALLEE)
                if registry.lookup(callee) is None and is_user_function(callee):
                    stmt = self.user_call(stmt, callee)
            out.append(stmt)
        return out

    def user_call(self, stmt, callee):
        value = stmt.value
        site = self.parsed.location(getattr(value, "s2sad_call_site", value))
        arguments, arity = bind_call(callee, value, site)
        wrt, args = [], {}
        for param, atom in arguments.items():
            if isinstance(atom, (gast.List, gast.Tuple)):
                if any(self.is_active(e) for e in atom.elts):
                    raise UnsupportedSyntaxError(
                        f"passing a list or tuple literal to {callee.__name__} is not "
                        f"differentiated yet", site, hint="pass the arrays one by one")
                continue
            if self.is_active(atom):
                wrt.append(param)
                args[param] = atom.id
        # the callee is made for the containers its arguments hold here
        kinds = tuple(sorted((param, self.kind(atom)) for param, atom in arguments.items()
                             if isinstance(atom, (gast.Name, gast.Constant))
                             and kinds_.is_container(self.kind(atom))))
        info = derivative_for(self.calls, callee, tuple(wrt), site, arity, kinds, VJP)
        target = stmt.targets[0].id
        pullback = self.namer.fresh(f"{target}_pullback")
        call = nodes.clone(value)
        call.func = nodes.name(info.name)
        # the callee's pullback keeps its arguments: an array this function writes into
        # (or a name that may share its memory) goes in as a copy, so the pullback
        # sees the values of the call
        for part in list(call.args) + list(call.keywords):
            atom = part.value if isinstance(part, gast.keyword) else part
            if isinstance(atom, gast.Name) and (atom.id in self.written
                                                or atom.id in self.shares_written):
                self.bindings["np"] = numpy_module()
                copied = nodes.call("np.copy", [atom])
                if isinstance(part, gast.keyword):
                    part.value = copied
                else:
                    call.args[call.args.index(part)] = copied
        new = nodes.assign(nodes.tuple_([nodes.name(target, store=True),
                                         nodes.name(pullback, store=True)], store=True), call)
        anno.copy(stmt, new, anno.SOURCE)
        anno.set(new, USER_CALL, (info, pullback, [args[p] for p in info.wrt]))
        return new

    def adjoint_of_user_call(self, stmt):
        info, pullback, args = anno.get(stmt, USER_CALL)
        target = stmt.targets[0].elts[0].id
        if target not in self.adj:
            return []
        g = self.adj.pop(target)
        if info.returns_tuple:
            call = gast.Call(func=nodes.name(pullback),
                             args=[gast.Starred(value=g, ctx=gast.Load())], keywords=[])
        else:
            call = nodes.call(nodes.name(pullback), [g])
        out = []
        if len(args) == 1:
            self.accumulate(args[0], call, out, tree=True)
            return out
        parts, direct = [], []
        for arg, param in zip(args, info.wrt):
            if arg not in self.adj and args.count(arg) == 1:
                parts.append(self.adjoint_name(arg))   # the first contribution: name it x_bar
                direct.append(arg)
            else:
                parts.append(self.namer.fresh(f"{arg}_bar_{param}"))
        out.append(nodes.assign(nodes.tuple_([nodes.name(p, store=True) for p in parts],
                                             store=True), call))
        for arg, part in zip(args, parts):
            if arg in direct:
                self.adj[arg] = nodes.name(part)
            else:
                self.accumulate(arg, nodes.name(part), out, tree=True)
        return out

    # -------------------------------------------------------------- sweeps
    def forward_block(self, stmts, last=None):
        """The primal statements with comments, and pushes at the end of loop bodies.

        ``last`` is the source already quoted by the enclosing statement.
        """
        out = []
        for stmt in stmts:
            source = source_of(stmt)
            if source is not None and source != last:
                out.append(comment(self.comments, describe(source)))
                last = source
            if isinstance(stmt, gast.If):
                out.append(gast.If(test=nodes.clone(stmt.test),
                                   body=self.forward_block(stmt.body, last) or [gast.Pass()],
                                   orelse=self.forward_block(stmt.orelse, last)))
            elif isinstance(stmt, (gast.For, gast.While)):
                body = self.forward_block(stmt.body, last)
                saved = self.pushes.get(id(stmt), ())
                if saved:
                    split = _carried_copies_start(body, anno.get(stmt, anno.CARRIED, ()))
                    pushes = [nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.name(self.tape), "push"), [nodes.name(n)]))
                        for n in saved]
                    body[split:split] = pushes
                    nested = sorted(set(saved) & (assigned_in(stmt.body) - _top_level_targets(
                        stmt.body)) - set(anno.get(stmt, anno.CARRIED, ())))
                    out.extend(nodes.assign(n, nodes.const(None)) for n in nested)
                loop = copy.copy(stmt)
                loop.body = body
                if isinstance(stmt, gast.For):
                    loop.target = nodes.clone(stmt.target)
                    loop.iter = nodes.clone(stmt.iter)
                else:
                    loop.test = nodes.clone(stmt.test)
                out.append(loop)
            else:
                if ops.is_store(stmt):   # save what the write overwrites; undone backward
                    self.uses_tape = True
                    target = stmt.targets[0]
                    if self.is_active(stmt.value):
                        out.append(self.real_target_check(stmt))
                    for alias in self.store_aliases.get(id(stmt), ()):
                        out.append(nodes.expr_stmt(nodes.call(
                            nodes.attr(nodes.name(self.tape), "push"),
                            [nodes.call(self.helper("snapshot"), [nodes.name(alias)])])))
                    out.append(nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.name(self.tape), "push"),
                        [nodes.call(self.helper("overwritten"),
                                    [nodes.clone(target.value), _index_expr(target.slice)])])))
                elif isinstance(stmt, gast.Assign) and anno.get(stmt.value, anno.IN_PLACE) \
                        and isinstance(stmt.value.left, gast.Name) \
                        and stmt.value.left.id not in self.scalars:
                    out.append(self.real_target_check(stmt, "ensure_same_kind"))
                if id(stmt) in self.in_place and isinstance(stmt.value, gast.Subscript):
                    # v = items.pop(i) (the list_delete after it: y = items)
                    out.append(nodes.assign(stmt.targets[0].id, nodes.call(
                        nodes.attr(nodes.clone(stmt.value.value), "pop"),
                        [nodes.clone(stmt.value.slice)])))
                    continue
                if id(stmt) in self.in_place and len(stmt.value.args) == 3:
                    out.append(nodes.assign(stmt.targets[0].id,
                                            nodes.clone(stmt.value.args[0])))
                    continue
                if id(stmt) in self.in_place:   # items.append(item); y = items
                    items, item = stmt.value.args
                    out.append(nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.clone(items), "append"), [nodes.clone(item)])))
                    out.append(nodes.assign(stmt.targets[0].id, nodes.clone(items)))
                    continue
                out.append(nodes.clone(stmt))
        return out

    def real_target_check(self, stmt, helper="ensure_real_target"):
        """``ensure_real_target(x, file, line, column)`` before ``x[i] = v`` with an active
        ``v``: a write into an integer or bool array is refused when the code runs; and
        ``ensure_same_kind(x, v, ...)`` before ``x_1 = x + v`` from ``x += v``."""
        site = source_of(stmt)
        where = (site.filename, site.line, site.column + 1) if site is not None else (
            self.parsed.filename, self.parsed.node.lineno, 1)
        if helper == "ensure_real_target":
            args = [nodes.clone(stmt.targets[0].value)]
        else:
            args = [nodes.clone(stmt.value.left), nodes.clone(stmt.value.right)]
        return nodes.expr_stmt(nodes.call(
            self.helper(helper), args + [nodes.const(v) for v in where]))

    def aliases_at_stores(self, primal):
        """``({id(store): [names]}, names)``: for each write ``b[i] = v``, the other
        names that may share memory with ``b`` (a view ``u = b[0:2]``, a branch's
        ``u = b``) and are bound by then; and every name that may share memory with an
        array the function writes into.

        A pullback restores what the writes overwrote in its own copies of the
        written arrays (it may run many times; the arrays the function returns stay
        as they are).  A name of the first kind would keep seeing the values written
        later, so in a vjp the forward sweep saves it before the write and the
        backward sweep takes it back from the tape at the write's adjoint.  A name of
        the second kind goes to a helper's vjp as a copy (see :meth:`user_call`).
        """
        from ..analysis.aliases import ANYWHERE, origins
        stores = [stmt for stmt in nodes.statements(primal) if ops.is_store(stmt)]
        if not stores:
            return {}, set()
        allocates, is_function = call_predicates(self.bindings)
        of_name, _ = origins(primal, self.nf.params, allocates, is_function)
        order = {}   # name -> the flattened position of its first assignment
        for position, stmt in enumerate(nodes.statements(primal)):
            for node in nodes.names(stmt.targets if isinstance(stmt, gast.Assign) else
                                    stmt.target if isinstance(stmt, gast.For) else []):
                if isinstance(node.ctx, gast.Store):
                    order.setdefault(node.id, position)
        everywhere = {n.id for n in nodes.names(primal)}
        read = {n.id for n in nodes.names(primal) if isinstance(n.ctx, gast.Load)}
        positions = {id(stmt): k for k, stmt in enumerate(nodes.statements(primal))}
        found, sharing = {}, set()
        for stmt in stores:
            base = stmt.targets[0].value.id
            mine = of_name(base)
            names = []
            for name in sorted(everywhere - {base}):
                theirs = of_name(name)
                if not (ANYWHERE in mine or ANYWHERE in theirs or mine & theirs):
                    continue
                sharing.add(name)
                if name not in read or name in self.scalars \
                        or order.get(name, positions[id(stmt)]) >= positions[id(stmt)]:
                    continue
                if name in self.written and self.flavor == "vjp":
                    raise UnsupportedSyntaxError(
                        f"writing into {base!r} may change {name!r}, which may share its "
                        f"memory and is written into too: a pullback cannot restore both",
                        self.parsed.location(stmt),
                        hint=f"make one of them a copy ({name} = np.copy(...)), or use "
                             f"s2sad.grad / value_and_grad for a scalar output")
                names.append(name)
            if names:
                found[id(stmt)] = names
        return found, sharing

    def refuse_constant_output(self, value):
        """``return None`` (or a string, or a complex number) in a function asked for its
        gradient: there is no number to differentiate (the gradient would read 0)."""
        from ..errors import ValueTypeError
        where = next((n for n in gast.walk(self.parsed.node) if isinstance(n, gast.Return)
                      and isinstance(n.value, gast.Constant) and n.value.value == value),
                     self.parsed.node)
        kind = "None" if value is None else "a complex number" if isinstance(
            value, complex) else "a string"
        raise ValueTypeError(
            f"{self.parsed.name} returns {kind}, which has no gradient",
            self.parsed.location(where),
            hint="return the float (or 0-d array) to differentiate")

    def backward_block(self, stmts, enclosing=None):
        """Adjoint statements of ``stmts`` in reverse order, grouped under comments.

        ``enclosing`` is the source the enclosing statement's comment quotes.
        """
        groups = []
        fused = self.fused_products(stmts)
        for stmt in reversed(stmts):
            if id(stmt) in fused:
                block = self.adjoint_of_sum_of_products(stmt, fused[id(stmt)])
                if block is None:
                    continue   # the product, done with the sum that reads it
            elif isinstance(stmt, gast.If):
                block = self.adjoint_of_if(stmt)
            elif isinstance(stmt, (gast.For, gast.While)):
                block = self.adjoint_of_loop(stmt)
            else:
                block = self.adjoint_of(stmt)
            if not block:
                continue
            source = source_of(stmt)
            compound = isinstance(stmt, (gast.If, gast.For, gast.While))
            if compound or not groups or groups[-1][0] != source or groups[-1][2]:
                groups.append((source, [], compound))
            groups[-1][1].extend(block)
        body = []
        for index, (source, block, _) in enumerate(groups):
            if source is not None and not (index == 0 and source == enclosing):
                body.append(comment(self.comments, "grad of " + describe(source)))
            body.extend(block)
        return body

    def fused_products(self, stmts):
        """Pairs ``x = a * b; s = np.sum(x)`` (adjacent, one source line, ``x`` read
        nowhere else), by ``id`` of both statements: the sum and the product.  Any
        elementwise operation that :meth:`spreads_exactly` fuses the same way.

        Their adjoints fuse: ``a`` gets ``unbroadcast(s_bar * b, a)`` straight from
        ``s_bar``, without spreading it over ``x``'s shape first (the
        ``np.sum(r * r)`` of every least-squares loss).  A sum over some axes
        (literal ``axis`` and ``keepdims``) fuses too, with ``s_bar``'s summed axes
        put back as axes of length 1.  Value: ``{id: product}`` for the sum,
        ``{id: None}`` for the product.
        """
        fused = {}
        for product, total in zip(stmts, stmts[1:]):
            if not (isinstance(product, gast.Assign) and isinstance(total, gast.Assign)
                    and isinstance(product.targets[0], gast.Name)
                    and isinstance(total.targets[0], gast.Name)):
                continue
            x, value, reduction = product.targets[0].id, product.value, total.value
            axes = _summed_axes(reduction) if isinstance(reduction, gast.Call) else None
            if not (self.spreads_exactly(value)
                    and axes is not None
                    and not (axes[2] and x in self.loop_temps)   # a mean reads x's size
                    and isinstance(reduction.args[0], gast.Name)
                    and reduction.args[0].id == x
                    and self.read_counts.get(x) == 1 and x in self.single_defs
                    and source_of(product) == source_of(total)
                    and anno.get(product, USER_CALL) is None
                    and anno.get(total, USER_CALL) is None):
                continue
            fused[id(total)] = product
            fused[id(product)] = None
        return fused

    def spreads_exactly(self, value):
        """Whether the adjoint rule of the elementwise operation ``value`` gives every
        operand its exact adjoint from a ``y_bar`` smaller than ``y`` (the summed axes of
        length 1), once each contribution is unbroadcast to its operand's shape.

        That holds when spreading a contribution to its operand's shape restores
        ``y``'s whole shape: for a function of one array (``y`` has its shape), for
        ``*``, ``/`` and ``**`` (each contribution reads the other operand or ``y``),
        and for ``+`` and ``-`` when every active operand has ``y``'s shape (their
        contribution is ``y_bar`` alone: a number added to an array gets the sum
        over the array, which spreading to the number's shape would lose).
        """
        if isinstance(value, gast.BinOp):
            operands = (value.left, value.right)
            if not all(isinstance(v, (gast.Name, gast.Constant)) for v in operands):
                return False
            if isinstance(value.op, (gast.Mult, gast.Div, gast.Pow)):
                return True
            if isinstance(value.op, (gast.Add, gast.Sub)):
                for mine, other in (operands, operands[::-1]):
                    if not self.is_active(mine) or isinstance(other, gast.Constant):
                        continue
                    if not (other.id in self.scalars or self.same_shape(mine.id, other.id)):
                        return False   # the other operand may be larger than this one
                return True
            return False
        if isinstance(value, gast.UnaryOp):
            return isinstance(value.op, (gast.USub, gast.UAdd)) \
                and isinstance(value.operand, gast.Name)
        if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            callee = anno.get(value, anno.CALLEE)
            rule = registry.lookup(callee)
            return getattr(callee, "nin", None) == 1 and rule is not None \
                and rule.adjoint is not None
        return False

    def adjoint_of_sum_of_products(self, stmt, product):
        """The fused adjoint of ``x = a * b; s = np.sum(x)`` (see :meth:`fused_products`):
        None for the product, the block for the sum."""
        if product is None:
            return None
        name = stmt.targets[0].id
        if not self.activity.is_active(name) or name not in self.adj:
            return []
        g = self.adj.pop(name)
        axis, keepdims, mean = _summed_axes(stmt.value)
        if axis is not None and not keepdims:   # the summed axes back, of length 1
            self.bindings["np"] = numpy_module()
            g = nodes.call("np.expand_dims", [nodes.clone(g), nodes.clone(axis)])
        out = []
        x = product.targets[0].id
        if mean:   # each element's share: s_bar over the count averaged, named x_bar
            self.bindings["np"] = numpy_module()
            count = nodes.call("np.size", [nodes.name(x)])
            if axis is not None:
                count = gast.BinOp(left=count, op=gast.FloorDiv(),
                                   right=nodes.call("np.size", [nodes.name(name)]))
            share = self.adjoint_name(x)
            out.append(nodes.assign(share, fold(gast.BinOp(left=g, op=gast.Div(),
                                                           right=count))))
            g = nodes.name(share)
        value = product.value
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)):
            self.adjoint_of_operation(x, value, g, out, spread="smaller", consumer=product)
            return out
        a, b = value.left, value.right
        if isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id:
            if self.is_active(a):   # s = sum(a * a): a gets 2 s_bar a, a's shape already
                # (s_bar has a's shape but for the summed axes, which have length 1)
                self.accumulate(a.id, gast.BinOp(
                    left=gast.BinOp(left=nodes.const(2.0), op=gast.Mult(),
                                    right=nodes.clone(g)),
                    op=gast.Mult(), right=nodes.name(a.id)), out)
            return out
        same = isinstance(a, gast.Name) and isinstance(b, gast.Name) \
            and self.same_shape(a.id, b.id)
        for mine, other in ((a, b), (b, a)):
            if not self.is_active(mine):
                continue
            part = fold(gast.BinOp(left=nodes.clone(g), op=gast.Mult(),
                                   right=nodes.clone(other)))
            whole = same or self.only_array_operand(value, mine)
            if whole and self.defers_spread(mine.id, product):
                self.spread.add(mine.id)   # s_bar * other, spread by mine's own definition
                self.accumulate(mine.id, part, out)
                continue
            if isinstance(part, gast.Name):   # 1.0 * b: an adjoint never aliases a value
                self.bindings["np"] = numpy_module()
                part = nodes.call("np.copy", [part])
            if not same:   # s_bar * other has other's shape: reduce or spread it to mine
                part = nodes.call(self.helper("unbroadcast"), [part, nodes.name(mine.id)])
            self.accumulate(mine.id, part, out)
        return out

    # ----------------------------------------------------------- control flow
    def materialize(self, names, out):
        """Put the adjoint of each name in its canonical ``<name>_bar`` variable."""
        for primal in sorted(names):
            name = self.adjoint_name(primal)
            current = self.adj.get(primal)
            if current is None:
                # (a list or tuple's adjoint is a list the sweep writes items into)
                zeros = "zeros_tree" if kinds_.is_sequence(self.kinds.get(primal)) \
                    else "zeros_like"
                out.append(nodes.assign(name, nodes.call(self.helper(zeros),
                                                         [nodes.name(primal)])))
                self.owned.add(name)
            elif not (isinstance(current, gast.Name) and current.id == name):
                out.append(nodes.assign(name, nodes.clone(current)))
                self.owned.discard(name)
            self.adj[primal] = nodes.name(name)

    def adjoint_of_if(self, stmt):
        local = assigned_in([stmt])
        entry_adj, entry_owned = dict(self.adj), set(self.owned)
        then_body = self.backward_block(stmt.body, source_of(stmt))
        then_adj, then_owned = self.adj, self.owned
        self.adj, self.owned = dict(entry_adj), set(entry_owned)
        else_body = self.backward_block(stmt.orelse, source_of(stmt))
        else_adj, else_owned = self.adj, self.owned
        merged = {n for n in set(then_adj) | set(else_adj) if n not in local
                  and not _same(then_adj.get(n), else_adj.get(n))}
        self.adj, self.owned = then_adj, then_owned
        self.materialize(merged, then_body)
        then_adj, then_owned = self.adj, self.owned
        self.adj, self.owned = else_adj, else_owned
        self.materialize(merged, else_body)
        self.adj = {n: a for n, a in self.adj.items() if n not in local}
        self.owned = self.owned & then_owned
        if not then_body and not else_body:
            return []
        return [gast.If(test=nodes.clone(stmt.test), body=then_body or [gast.Pass()],
                        orelse=else_body)]

    def adjoint_of_loop(self, stmt):
        carried = set(anno.get(stmt, anno.CARRIED, ()))
        local = assigned_in(stmt.body) - carried
        if isinstance(stmt, gast.For):
            local |= assigned_in([stmt.target])
        reads = set()
        for simple in flatten(stmt.body):
            if ops.targets(simple) & self.activity.active and ops.carries_derivative(simple):
                reads |= ops.differentiable_reads(simple)
        keep = {n for n in (carried | (reads - local)) if self.activity.is_active(n)}
        writes = any(ops.is_store(s) for s in flatten(stmt.body))
        if not keep and not writes:
            return []   # (a loop that writes into arrays is always undone: its saved values)
        out = []
        self.materialize(keep, out)
        self.owned -= {self.adjoint_name(n) for n in carried}
        # adjoints the body updates in place are copied once here, not once per trip
        for primal in sorted(keep - carried):
            name = self.adjoint_name(primal)
            if primal in _written_or_indexed(stmt.body) and name not in self.owned:
                out.append(nodes.assign(name, self.copy_of(primal, name)))
                self.owned.add(name)
        # a list the body pops adjoints off (appends in place) is one of this sweep's
        # own, copied once here
        popped = set().union(*(self.in_place[id(s)] for s in flatten(stmt.body)
                               if id(s) in self.in_place))
        for primal in sorted(keep & carried & popped):
            name = self.adjoint_name(primal)
            out.append(nodes.assign(name, nodes.call(self.helper("list_bar"),
                                                     [nodes.name(name)])))
        entry_owned = set(self.owned)
        body = self.backward_block(stmt.body, source_of(stmt))
        self.materialize(keep, body)
        for name in sorted(entry_owned - self.owned):   # keep the invariant for the next trip
            primal = next((n for n in keep if self.adjoint_name(n) == name), None)
            if primal is not None:
                body.append(nodes.assign(name, self.copy_of(primal, name)))
                self.owned.add(name)
        self.adj = {n: a for n, a in self.adj.items() if n not in local}
        self.owned &= entry_owned
        # copies between this trip's own adjoints go; anything another trip or the
        # code after the loop may read stays (before what the loop saves is decided)
        lasting = {a for n, a in self.adj_names.items() if n not in local}
        body = propagate_copies(body, protected=lasting | _upward_exposed(body))
        needed = _loads(body)
        invariant = _loop_invariants(stmt, carried)
        saved = sorted(n for n in needed if n in (local | carried) and n not in invariant
                       and not (isinstance(stmt, gast.For) and n == stmt.target.id))
        # values the backward sweep can get back without the tape: reads of arrays the
        # loop never changes, at the loop's counter (xs[t]), are made again; the value a
        # carried name gets at the end of a trip is that name as the next trip starts
        recomputed = [self.single_defs[n] for n in saved
                      if _recomputable(self.single_defs.get(n), stmt, self.written)]
        recovered = [(v, c) for c, v in _carried_copies(stmt) if v in saved and c in saved]
        drop = {s.targets[0].id for s in recomputed} | {v for v, _ in recovered}
        saved = [n for n in saved if n not in drop]
        before_pops = [nodes.assign(v, nodes.name(c)) for v, c in recovered]
        after_pops = [nodes.clone(s) for s in recomputed]
        if saved or before_pops or after_pops:
            self.pushes[id(stmt)] = saved
            pops = [nodes.assign(n, nodes.call(nodes.attr(nodes.name(self.tape_read), "pop")))
                    for n in reversed(saved)]
            body = before_pops + pops + after_pops + body
        if isinstance(stmt, gast.For):
            header = gast.For(target=nodes.clone(stmt.target),
                              iter=nodes.call(nodes.name("reversed"), [nodes.clone(stmt.iter)]),
                              body=body, orelse=[], type_comment=None)
        else:
            counter = self.namer.fresh("iteration")
            header = gast.For(target=nodes.name(counter, store=True),
                              iter=nodes.call(nodes.name("range"),
                                              [nodes.name(anno.get(stmt, anno.TRIPS))]),
                              body=body, orelse=[], type_comment=None)
        out.append(header)
        return out

    # ------------------------------------------------------- one statement
    def adjoint_of(self, stmt):
        if not isinstance(stmt, gast.Assign):
            return []
        target = stmt.targets[0]
        if anno.get(stmt, USER_CALL) is not None:
            return self.adjoint_of_user_call(stmt)
        if ops.is_store(stmt):
            return self.adjoint_of_store(stmt)
        if isinstance(target, gast.Tuple):
            return self.adjoint_of_unpack(stmt)
        if id(stmt) in self.in_place and isinstance(stmt.value, gast.Subscript):
            return []   # v = items.pop(i): its adjoint goes back with the pop's
        if id(stmt) in self.in_place and len(stmt.value.args) == 3:
            return self.adjoint_of_pop(stmt)
        name = target.id
        if not self.activity.is_active(name) or name not in self.adj:
            return []
        value = stmt.value
        g = self.adj.pop(name)  # the name's earlier value (in a loop) starts from zero
        if not ops.carries_derivative(stmt):
            return []   # np.zeros(...) and friends: a constant start, nothing flows back
        if not any(self.activity.is_active(n) for n in ops.differentiable_reads(stmt)):
            return []   # e.g. C.sum() of a constant, merged into an active name
        out = []
        if id(stmt) in self.in_place and isinstance(g, gast.Name):
            # the item's adjoint is popped off the list's (a list of the backward
            # sweep's own: see adjoint_of_loop), which then is the shorter list's
            items, item = value.args
            popped = nodes.call(nodes.attr(nodes.clone(g), "pop"))
            if self.is_active(item):
                self.accumulate(item.id, popped, out)
            else:
                out.append(nodes.expr_stmt(popped))
            if self.is_active(items):
                self.accumulate(items.id, nodes.clone(g), out)
            return out
        if self.accumulator(name, value, g, out):
            return out
        if ops.names_in(value) & {name}:
            held = self.namer.fresh(f"{name}_bar_out")
            out.append(nodes.assign(held, nodes.clone(g)))
            g = nodes.name(held)
        if isinstance(value, gast.Subscript):
            self.adjoint_of_subscript(value, g, out)
        elif isinstance(value, (gast.Tuple, gast.List)):
            for i, elt in enumerate(value.elts):
                if self.is_active(elt):
                    self.accumulate(elt.id, _element(g, i), out)
        elif isinstance(value, gast.Dict):
            for key, elt in zip(value.keys, value.values):
                if self.is_active(elt):
                    self.accumulate(elt.id, nodes.subscript(nodes.clone(g),
                                                            nodes.clone(key)), out)
        elif isinstance(value, gast.Name):
            if self.is_active(value):
                self.accumulate(value.id, nodes.clone(g), out)
        elif isinstance(value, (gast.Constant, gast.Attribute)):
            pass  # a literal or a global such as np.pi: nothing to propagate to
        elif isinstance(value, gast.BinOp) and kinds_.is_sequence(self.kinds.get(name)):
            self.adjoint_of_container_op(name, value, g, out)
        elif self.may_concatenate(name, value):
            # a list plus a value of unknown kind: a concatenation (another list) or
            # numpy's sum (an array): plus_bar decides when the code runs
            parts = self.namer.fresh("parts")
            out.append(nodes.assign(parts, nodes.call(self.helper("plus_bar"), [
                nodes.clone(g), nodes.clone(value.left), nodes.clone(value.right)])))
            for position, operand in enumerate((value.left, value.right)):
                if self.is_active(operand):
                    self.accumulate(operand.id, nodes.subscript(
                        nodes.name(parts), nodes.const(position)), out)
        elif self.may_repeat(name, value):
            count, items = (value.left, value.right) if self.is_count(value.left) \
                else (value.right, value.left)
            self.accumulate(items.id, nodes.call(self.helper("times_bar"), [
                nodes.clone(g), nodes.name(items.id), nodes.clone(count)]), out)
        else:
            spread = "larger" if name in self.unreduced else \
                "smaller" if name in self.spread else None
            self.adjoint_of_operation(name, value, g, out, consumer=stmt, spread=spread)
        return out

    def is_count(self, atom):
        """An int literal, or a number that carries no derivative: maybe a repetition
        count."""
        if isinstance(atom, gast.Constant):
            return type(atom.value) is int
        return isinstance(atom, gast.Name) and atom.id in self.scalars \
            and not self.is_active(atom)

    def may_concatenate(self, name, value):
        """``a = b + c`` of unknown kind where ``b`` or ``c`` is a list or tuple."""
        return isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) \
            and self.kinds.get(name, kinds_.UNKNOWN) == kinds_.UNKNOWN \
            and any(kinds_.is_sequence(self.kind(o)) for o in (value.left, value.right))

    def may_repeat(self, name, value):
        """``a = n * b`` where ``b`` is not known to be an array or a container and ``n``
        may be an int: a list's repetition or an array's product, as the values decide
        when the code runs (``times_bar``)."""
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
                or self.kinds.get(name, kinds_.UNKNOWN) != kinds_.UNKNOWN:
            return False
        for count, items in ((value.left, value.right), (value.right, value.left)):
            if self.is_count(count) and self.is_active(items) \
                    and self.kind(items) == kinds_.UNKNOWN \
                    and items.id not in self.leaf_on_a_path:
                return True
        return False

    def adjoint_of_container_op(self, name, value, g, out):
        """``a = b + c`` (a concatenation) and ``a = b * n`` / ``a = n * b`` (a repetition)
        of lists or tuples: the adjoint of each operand is its part of ``a``'s adjoint,
        never an arithmetic one."""
        left, right = value.left, value.right
        if isinstance(value.op, gast.Add):
            if self.is_active(left):
                part = nodes.subscript(nodes.clone(g), gast.Slice(
                    lower=None, upper=nodes.call("len", [nodes.clone(left)]), step=None))
                self.accumulate(left.id, part, out)
            if self.is_active(right):
                lower = nodes.call("len", [nodes.clone(left)]) if isinstance(left, gast.Name) \
                    else nodes.const(len(left.elts))
                part = nodes.subscript(nodes.clone(g), gast.Slice(lower=lower, upper=None,
                                                                  step=None))
                self.accumulate(right.id, part, out)
            return
        if not isinstance(value.op, gast.Mult):
            raise UnsupportedSyntaxError(
                f"{type(value.op).__name__} of lists or tuples has no derivative",
                self.parsed.location(value))
        items = left if kinds_.is_sequence(self.kind(left)) else right \
            if kinds_.is_sequence(self.kind(right)) else \
            right if isinstance(left, gast.Constant) else left
        if self.is_active(items):
            self.accumulate(items.id, nodes.call(self.helper("repetition_bar"), [
                nodes.clone(g), nodes.name(items.id)]), out)

    def adjoint_of_pop(self, stmt):
        """``v = items.pop(i); y = items`` in place, backward: the adjoint of ``v``
        (zeros without one) put back into ``y``'s adjoint at ``i``, which then is the
        adjoint of ``items`` (a list of the backward sweep's own: see
        adjoint_of_loop)."""
        name = stmt.targets[0].id
        items, index, item = stmt.value.args
        g = self.adj.pop(name, None) if self.activity.is_active(name) else None
        item_g = self.adj.pop(item.id, None) if self.is_active(item) else None
        if not isinstance(g, gast.Name):
            if item_g is None:
                return []
            raise RuleDefinitionError(   # never expected: a wrong gradient otherwise
                f"internal: the list {name!r} a pop in place leaves has no adjoint")
        if item_g is None:
            item_g = nodes.call(self.helper("zeros_like"), [nodes.name(item.id)])
        position = index.value
        if position == -1:
            put = nodes.call(nodes.attr(nodes.clone(g), "append"), [item_g])
        else:
            where = nodes.const(position) if position >= 0 else gast.BinOp(
                left=nodes.call(nodes.name("len"), [nodes.clone(g)]), op=gast.Add(),
                right=nodes.const(position + 1))
            put = nodes.call(nodes.attr(nodes.clone(g), "insert"), [where, item_g])
        out = [nodes.expr_stmt(put)]
        if self.is_active(items):
            self.accumulate(items.id, nodes.clone(g), out)
        return out

    def accumulator(self, name, value, g, out):
        """``s = s + e`` / ``s = s - e``: the adjoint of s passes through unchanged and
        e gets it (negated for -), with no temporary.  False when shapes may differ."""
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))
                and isinstance(value.left, gast.Name) and value.left.id == name):
            return False
        other = value.right
        if isinstance(other, gast.Name) and other.id == name:
            return False
        bound = {"a": value.left, "b": other}
        if isinstance(g, gast.Constant) or not (
                _may_broadcast("a", bound, self.scalars, self.same_shape)
                or _may_broadcast("b", bound, self.scalars, self.same_shape)):
            self.adj[name] = g
            if self.is_active(other):
                part = nodes.clone(g)
                if isinstance(value.op, gast.Sub):
                    part = gast.UnaryOp(op=gast.USub(), operand=part)
                self.accumulate(other.id, part, out)
            return True
        return False

    def adjoint_of_operation(self, name, value, g, out, spread=None, consumer=None):
        """The adjoint of ``name = value`` (the statement ``consumer``) for an operation
        with a rule.

        ``spread="smaller"``: ``g`` lacks some of ``name``'s axes (length 1 there, see
        :meth:`adjoint_of_sum_of_products`), so every contribution is unbroadcast to
        its operand's shape, and copied when it is ``g`` itself or a value.
        ``spread="larger"``: ``g`` may be larger than ``name`` (its reduction was
        deferred, see :meth:`defers_reduction`), so every contribution of a
        broadcasting rule is unbroadcast.
        """
        rule = rule_for(value, self.parsed, "adjoint")
        bound = bind_arguments(rule, value, self.parsed.location)
        template = rule.adjoint
        collect_bindings(template, self.bindings)
        role = {template.params[0]: nodes.name(name), template.params[1]: nodes.clone(g)}
        role.update(bound)
        for param in rule.shape_only:   # read the shape from a name the sweep has anyway
            atom = bound.get(param)
            if isinstance(atom, gast.Name) and atom.id in self.loop_temps:
                witness = self.shape_witness(atom.id)
                if len(witness) == 1:
                    role[param] = nodes.name(witness[0])
        statements, results = splice(template, role, self.namer)
        if len(results) != len(rule.diff_params):
            raise RuleDefinitionError(
                f"the adjoint rule of {rule.label} returns {len(results)} values for "
                f"{len(rule.diff_params)} differentiable parameters")
        out.extend(statements)
        for param, contribution in zip(rule.diff_params, results):
            atom = bound[param]
            if isinstance(atom, (gast.List, gast.Tuple)):
                active = [(i, e) for i, e in enumerate(atom.elts) if self.is_active(e)]
                if not active:
                    continue
                holder = self.namer.fresh(f"{param}_bar")
                out.append(nodes.assign(holder, fold(contribution)))
                for i, elt in active:
                    self.accumulate(elt.id, nodes.subscript(nodes.name(holder), nodes.const(i)),
                                    out)
                continue
            if not self.is_active(atom):
                continue
            contribution = fold(contribution)
            if is_zero(contribution):
                continue
            if spread == "smaller":
                whole = self.same_shape(name, atom.id) or self.only_array_operand(value, atom)
                if whole and self.defers_spread(atom.id, consumer):
                    self.spread.add(atom.id)   # its own definition takes it smaller too
                elif isinstance(contribution, gast.Name) or _is_call_of(contribution,
                                                                        "np.expand_dims"):
                    self.bindings["np"] = numpy_module()   # never alias g or a value
                    contribution = self.unbroadcast(nodes.call("np.copy", [contribution]),
                                                    atom.id)
                elif not (whole and any(self.same_shape(n, atom.id) or n == name
                                        for n in ops.names_in(contribution))):
                    # (when it reads an array of the operand's shape, the result's too,
                    # it has that shape already)
                    contribution = self.unbroadcast(contribution, atom.id)
            elif param in rule.broadcast and (spread == "larger" or (
                    not isinstance(g, gast.Constant)
                    and _may_broadcast(param, bound, self.scalars, self.same_shape))):
                if self.defers_reduction(atom.id, consumer):
                    self.unreduced.add(atom.id)
                else:
                    contribution = self.unbroadcast(contribution, atom.id)
            self.accumulate(atom.id, contribution, out)

    def defers_spread(self, name, consumer):
        """Whether the temporary ``name`` may take an adjoint smaller than itself
        (missing axes or length 1 where ``name`` is longer) from ``consumer``, because
        its own elementwise definition spreads such an adjoint exactly
        (:meth:`spreads_exactly`): ``name`` is read once, by ``consumer``, in the same
        block with only assignments between.  ``np.sum(np.exp(h) * 0.5)`` then
        differentiates to ``h_bar = 0.5 * exp`` without an array of 0.5s."""
        if consumer is None or self.read_counts.get(name) != 1:
            return False
        definition = self.single_defs.get(name)
        return definition is not None and self.simple_between(definition, consumer) \
            and anno.get(definition, USER_CALL) is None \
            and self.spreads_exactly(definition.value)

    def only_array_operand(self, value, atom):
        """``atom`` is the one operand of ``value`` that may be an array (the others are
        literals or numbers): the result has its shape, whatever that shape is."""
        if isinstance(value, gast.UnaryOp):
            operands = [value.operand]
        elif isinstance(value, gast.BinOp):
            operands = [value.left, value.right]
        elif isinstance(value, gast.Call) and not value.keywords:
            operands = list(value.args)
        else:
            return False
        arrays = [v for v in operands if not (isinstance(v, gast.Constant) or (
            isinstance(v, gast.Name) and v.id in self.scalars))]
        return len(arrays) == 1 and isinstance(arrays[0], gast.Name) \
            and arrays[0].id == atom.id

    def defers_reduction(self, name, consumer):
        """Whether the adjoint of the loop temporary ``name`` may stay larger than
        ``name`` (unreduced) until its own definition is differentiated.

        Reducing it needs ``name``'s shape, and when nothing else in the backward
        sweep tells that shape, ``name`` itself would go on the tape only for it
        (``xs[t] @ Wx + h @ Wh`` in an RNN).  The reduction can wait when ``name``
        is read once, by ``consumer``, in the same block with only simple
        statements between, and is defined by ``+ - * /`` (whose contributions are
        then unbroadcast to their own operands) or by ``@`` (whose adjoint helpers
        reduce a larger adjoint themselves).
        """
        if consumer is None or name not in self.loop_temps or self.read_counts.get(name) != 1:
            return False
        definition = self.single_defs.get(name)
        if definition is None or not self.simple_between(definition, consumer):
            return False
        if not any(w in self.loop_temps for w in self.shape_witness(name)):
            return False   # names the sweep has anyway tell the shape: reduce now
        value = definition.value
        if isinstance(value, gast.BinOp) and isinstance(
                value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.MatMult)):
            return all(isinstance(v, (gast.Name, gast.Constant))
                       for v in (value.left, value.right)) \
                and anno.get(definition, USER_CALL) is None
        if not (isinstance(value, gast.Call) and not value.keywords and len(value.args) == 2
                and all(isinstance(v, gast.Name) for v in value.args)
                and anno.get(definition, USER_CALL) is None):
            return False
        rule, matmul = registry.lookup(registry.operation_target(value)), \
            registry.lookup(operator.matmul)
        return rule is not None and matmul is not None and rule.adjoint is matmul.adjoint

    def simple_between(self, first, last):
        """``first`` and ``last`` are in one block, with only assignments between."""
        where, here = self.positions.get(id(first)), self.positions.get(id(last))
        if where is None or here is None or where[0] is not here[0] or where[1] >= here[1]:
            return False
        return all(isinstance(s, gast.Assign) for s in where[0][where[1]:here[1]])

    def adjoint_of_subscript(self, value, g, out):
        base = value.value
        if not self.is_active(base):
            return
        index = nodes.clone(value.slice)
        basic = _is_basic_index(index, self.scalars)
        primal = base.id
        if kinds_.is_sequence(self.kinds.get(primal)) and not isinstance(index, gast.Slice) \
                and basic:
            self.adjoint_of_item(primal, index, g, out)
            return
        if primal in self.sequences:
            current = self.adj.get(primal)
            if isinstance(current, gast.Name) and current.id in self.owned \
                    and not isinstance(index, (gast.Slice, gast.Tuple)):
                # an adjoint of the sweep's own gets g at index in place (O(1), not a
                # new list per read: a loop reading every item stays linear)
                out.append(nodes.assign(current.id, nodes.call(self.helper("add_item"), [
                    nodes.name(current.id), _index_expr(index), nodes.clone(g)])))
                return
            self.accumulate(primal, nodes.call(self.helper("item_bar"), [
                nodes.name(primal), _index_expr(index), nodes.clone(g)]), out)
            return
        g = nodes.clone(g)
        if primal not in self.adj and basic and primal in self.container_items:
            # an item of a container, of unknown kind (an array, or a tuple in a list
            # of arrays and tuples): item_bar decides when the code runs
            name = self.adjoint_name(primal)
            out.append(nodes.assign(name, nodes.call(self.helper("item_bar"), [
                nodes.name(primal), _index_expr(index), g])))
            self.adj[primal] = nodes.name(name)
            self.owned.add(name)
            return
        # a single name as the index of a value not known to be an array may be a key
        # of a dict (a loop over the keys of a parameter of unknown kind): add_at_key
        # decides when the code runs (np.add.at in place for an array)
        keyed = isinstance(index, gast.Name) and not basic \
            and self.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF
        if primal not in self.adj:
            name = self.adjoint_name(primal)
            out.append(nodes.assign(name, nodes.call(self.helper("zeros_like"),
                                                     [nodes.name(primal)])))
            self.adj[primal] = nodes.name(name)
            self.owned.add(name)
            if basic and self.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF:
                # not known to be an array: a tuple's adjoint becomes a list to take
                # the item (add_item), an array's takes it in place
                out.append(nodes.assign(name, nodes.call(self.helper("add_item"), [
                    nodes.name(name), _index_expr(index), g])))
            elif basic:
                out.append(nodes.assign(nodes.subscript(nodes.name(name), index, store=True), g))
            elif keyed:
                out.append(nodes.assign(name, nodes.call(self.helper("add_at_key"), [
                    nodes.name(name), index, g])))
            else:
                out.append(self.add_at(name, index, g))
            return
        current = self.adj[primal]
        if isinstance(current, gast.Name) and current.id in self.owned and keyed:
            out.append(nodes.assign(current.id, nodes.call(self.helper("add_at_key"), [
                nodes.name(current.id), index, g])))
            return
        if isinstance(current, gast.Name) and current.id in self.owned:
            if basic and self.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF:
                # not known to be an array: for a list, ``xs_bar[1:] += g`` would
                # concatenate and ``xs_bar[0] += g`` add in place into the array stored
                # there (another adjoint); add_item adds item by item into a new value
                # (``+`` for an array), a tuple's adjoint becoming a list to take it
                out.append(nodes.assign(current.id, nodes.call(self.helper("add_item"), [
                    nodes.name(current.id), _index_expr(index), g])))
            elif basic:
                out.append(gast.AugAssign(
                    target=nodes.subscript(nodes.name(current.id), index, store=True),
                    op=gast.Add(), value=g))
            else:
                out.append(self.add_at(current.id, index, g))
            return
        name = self.adjoint_name(primal)
        out.append(nodes.assign(name, nodes.call(self.helper("add_at"),
                                                 [nodes.clone(current), _index_expr(index), g])))
        self.adj[primal] = nodes.name(name)
        self.owned.add(name)

    def adjoint_of_item(self, primal, index, g, out):
        """``v = xs[i]`` of a list or tuple ``xs`` (an int index): ``xs_bar[i]`` gets
        ``g``, in a list adjoint the sweep owns (made by ``zeros_tree``, or copied once:
        O(1) per item in a loop).  Items are replaced, never changed in place, so an
        adjoint stored into the list is never written through."""
        name = self.adjoint_name(primal)
        current = self.adj.get(primal)
        if current is None:
            out.append(nodes.assign(name, nodes.call(self.helper("zeros_tree"),
                                                     [nodes.name(primal)])))
            self.owned.add(name)
        elif not (isinstance(current, gast.Name) and current.id in self.owned):
            out.append(nodes.assign(name, nodes.call(self.helper("adjoint_copy"),
                                                     [nodes.clone(current)])))
            self.owned.add(name)
        elif current.id != name:
            name = current.id
        self.adj[primal] = nodes.name(name)
        item = nodes.subscript(nodes.name(name), nodes.clone(index))
        if kinds_.element(self.kinds.get(primal)) == kinds_.LEAF:
            total = fold(gast.BinOp(left=item, op=gast.Add(), right=nodes.clone(g)))
        else:
            total = nodes.call(self.helper("add_tree"), [item, nodes.clone(g)])
        out.append(nodes.assign(nodes.subscript(nodes.name(name), nodes.clone(index),
                                                store=True), total))

    def adjoint_of_store(self, stmt):
        """``x[index] = v`` backward: v gets x_bar[index], which then becomes zero, and
        the overwritten values come back from the tape."""
        target, value = stmt.targets[0], stmt.value
        base, index = target.value.id, target.slice
        out = []
        if self.activity.is_active(base) and base in self.adj:
            g = self.adj[base]
            name = self.adjoint_name(base)
            in_place = isinstance(g, gast.Name) and g.id == name and name in self.owned
            later = []
            if self.is_active(value):
                basic = _is_basic_index(index, self.scalars)
                if basic:
                    part = nodes.subscript(nodes.clone(g), nodes.clone(index))
                else:   # an integer array may name a position twice: the last write wins
                    part = nodes.call(self.helper("stored_part"),
                                      [nodes.clone(g), _index_expr(index)])
                if value.id not in self.scalars:
                    part = self.unbroadcast(part, value.id)
                if in_place and basic:
                    self.bindings["np"] = numpy_module()
                    part = nodes.call("np.copy", [part])
                if value.id == base:   # b[idx] = b: the part reaches b after the zeroing
                    held = self.namer.fresh(f"{base}_part")
                    out.append(nodes.assign(held, part))
                    later.append(nodes.name(held))
                else:
                    self.accumulate(value.id, part, out)
            if in_place:
                out.append(nodes.assign(nodes.subscript(nodes.name(name), nodes.clone(index),
                                                        store=True), nodes.const(0.0)))
            else:
                out.append(nodes.assign(name, nodes.call(self.helper("zero_at"), [
                    nodes.clone(g), _index_expr(index)])))
                self.owned.add(name)
            self.adj[base] = nodes.name(name)
            for held in later:
                self.accumulate(base, held, out)
        out.append(nodes.assign(nodes.subscript(nodes.name(base), nodes.clone(index),
                                                store=True),
                                nodes.call(nodes.attr(nodes.name(self.tape_read), "pop"))))
        for alias in reversed(self.store_aliases.get(id(stmt), ())):
            out.append(nodes.assign(alias, nodes.call(nodes.attr(nodes.name(self.tape_read),
                                                                 "pop"))))
        return out

    def unbroadcast(self, contribution, name):
        """``unbroadcast(contribution, name)``, reading the shape from names the backward
        sweep has anyway when ``name`` is a temporary of a loop (so it need not be taped).
        A negation moves outside (``-unbroadcast(g, x)``): it then acts on the reduced
        array, never on a larger one."""
        if isinstance(contribution, gast.UnaryOp) and isinstance(contribution.op, gast.USub):
            return gast.UnaryOp(op=gast.USub(),
                                operand=self.unbroadcast(contribution.operand, name))
        if name in self.loop_temps:
            witness = self.shape_witness(name)
            if witness != (name,):
                if len(witness) == 1:
                    return nodes.call(self.helper("unbroadcast"),
                                      [contribution, nodes.name(witness[0])])
                shape = nodes.call(self.helper("shape_of"), [nodes.name(w) for w in witness])
                return nodes.call(self.helper("unbroadcast_to"), [contribution, shape])
        return nodes.call(self.helper("unbroadcast"), [contribution, nodes.name(name)])

    def shape_witness(self, name, depth=0):
        """Names whose broadcast has ``name``'s shape: its elementwise operands, recursively,
        stopping at names that are not temporaries of a loop."""
        stmt = self.single_defs.get(name)
        if stmt is None or name not in self.loop_temps or depth > 20:
            return (name,)
        value = stmt.value
        operands = None
        if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
            operands = [value.operand]
        elif isinstance(value, gast.BinOp) and isinstance(
                value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)):
            operands = [value.left, value.right]
        elif isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and getattr(anno.get(value, anno.CALLEE), "nin", None) == 1:
            operands = [value.args[0]]
        if operands is None:
            return (name,)
        direct = {a.id for a in operands if isinstance(a, gast.Name)
                  and a.id not in self.scalars}
        full = self._full_witness(name, operands, depth)
        if any(w in self.loop_temps for w in full) and len(direct) == 1:
            return (direct.pop(),)   # one operand carries the shape: cheaper than temporaries
        return full

    def _full_witness(self, name, operands, depth):
        names = []
        for atom in operands:
            if isinstance(atom, gast.Constant) or (
                    isinstance(atom, gast.Name) and atom.id in self.scalars):
                continue
            if not isinstance(atom, gast.Name):
                return (name,)
            for w in self.shape_witness(atom.id, depth + 1):
                if w not in names:
                    names.append(w)
        return tuple(names) if names else (name,)

    def add_at(self, name, index, g):
        self.bindings["np"] = numpy_module()
        return nodes.expr_stmt(nodes.call("np.add.at", [nodes.name(name), _index_expr(index), g]))

    def adjoint_of_unpack(self, stmt):
        source = stmt.value
        names = [e.id for e in stmt.targets[0].elts]
        if not self.is_active(source) or not any(n in self.adj for n in names):
            return []
        parts = [self.adj.pop(n) if n in self.adj
                 else nodes.call(self.helper("zeros_like"), [nodes.name(n)]) for n in names]
        out = []
        self.accumulate(source.id, nodes.tuple_(parts), out)
        return out


def _may_broadcast(param, bound, scalars, same_shape):
    """Can the other arguments broadcast ``param`` to a larger shape?

    Not when every other argument is a literal, a name known to hold a Python
    scalar, or a name known to have the same shape as ``param``.
    """
    mine = bound[param]
    for other, atom in bound.items():
        if other == param or isinstance(atom, gast.Constant):
            continue
        if isinstance(atom, gast.Name) and (atom.id in scalars or (
                isinstance(mine, gast.Name) and same_shape(atom.id, mine.id))):
            continue
        return True
    return False


def _element(g, i):
    if isinstance(g, (gast.Tuple, gast.List)):
        return nodes.clone(g.elts[i])
    return nodes.subscript(nodes.clone(g), nodes.const(i))


def _index_expr(index):
    """An index as an expression usable as a call argument (slices become slice())."""
    if isinstance(index, gast.Slice):
        parts = [index.lower, index.upper, index.step]
        return nodes.call(nodes.name("slice"),
                          [nodes.clone(p) if p is not None else nodes.const(None)
                           for p in parts])
    if isinstance(index, gast.Tuple):
        return nodes.tuple_([_index_expr(e) for e in index.elts])
    return nodes.clone(index)




def _same(a, b):
    if a is None or b is None:
        return a is b
    return gast.dump(a) == gast.dump(b)


def _loads(stmts):
    """Names the statements ``stmts`` load."""
    return {n.id for n in nodes.names(stmts) if isinstance(n.ctx, gast.Load)}


def _carried_copies_start(body, carried):
    """Index where the trailing copies into carried names begin."""
    index = len(body)
    while index > 0:
        stmt = body[index - 1]
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in carried \
                and isinstance(stmt.value, (gast.Name, gast.Constant)):
            index -= 1
        else:
            break
    return index


def _top_level_targets(stmts):
    """Names assigned by the simple statements of ``stmts`` itself (not nested blocks)."""
    return {t for s in stmts if not isinstance(s, (gast.If, gast.For, gast.While))
            for t in ops.targets(s)}


def _sequence_names(primal):
    """Names certain to hold a tuple, list or dict: literals, unpacked values, tuple
    results, lists built by append, and copies of those."""
    names = set()
    simple = list(flatten(primal))
    for stmt in simple:
        if not isinstance(stmt, gast.Assign):
            continue
        target, value = stmt.targets[0], stmt.value
        info = anno.get(stmt, USER_CALL)
        if info is not None and info[0].returns_tuple:
            names.add(target.elts[0].id)
        elif isinstance(target, gast.Name) and isinstance(value, (gast.Tuple, gast.List,
                                                                  gast.Dict)):
            names.add(target.id)
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and (anno.get(value, anno.CALLEE) in registry.LIST_RESULTS
                     or anno.get(value, anno.CALLEE) is registry.LIST_HELPERS.get(
                         "copy_container")):   # (made for a list or dict changed later)
            names.add(target.id)
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and anno.get(value, anno.CALLEE) is registry.DICT_HELPERS.get("dict_set"):
            names.add(target.id)
        elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and isinstance(value.slice, gast.Constant) and isinstance(value.slice.value, str):
            names.add(value.value.id)   # d["key"]: d is a dict
        elif isinstance(target, gast.Tuple) and isinstance(value, gast.Name):
            names.add(value.id)
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name) \
                and anno.get(value, anno.CALLEE) in (registry.DICT_HELPERS.get("dict_keys"),
                                                     registry.DICT_HELPERS.get("dict_set"),
                                                     registry.DICT_HELPERS.get("dict_get")):
            names.add(value.args[0].id)   # dict_keys(d), d.get(k): d is a dict
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name):
            rule = registry.lookup(anno.get(value, anno.CALLEE))
            if rule is not None and rule.params[:1] in (("arrays",), ("iterable",)):
                names.add(value.args[0].id)   # np.stack(xs), sum(xs): xs is a sequence
    for _ in range(2):   # copies of those (a second pass reaches loop-carried copies)
        for stmt in simple:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, gast.Name) and stmt.value.id != "UNBOUND":
                # (UNBOUND, the value of a name on a path that leaves it unbound, is
                # copied into names of every kind)
                pair = {stmt.targets[0].id, stmt.value.id}
                if pair & names:
                    names |= pair
    return names


def _signature_of(fn):
    """The defaults and keyword-only parameters of ``fn``, for a generated function
    called with the user's own arguments."""
    return dict(defaults=nodes.clone(fn.args.defaults),
                kwonly=[a.id for a in fn.args.kwonlyargs],
                kw_defaults=nodes.clone(fn.args.kw_defaults))


def _with_loops(primal):
    """Simple statements and loop headers, in source order."""
    for stmt in primal:
        if isinstance(stmt, gast.If):
            yield from _with_loops(stmt.body)
            yield from _with_loops(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            yield stmt
            yield from _with_loops(stmt.body)
        else:
            yield stmt


def _written_or_indexed(stmts):
    """Arrays written into or read by subscript in ``stmts`` (their adjoints change in place)."""
    names = set()
    for stmt in flatten(stmts):
        if ops.is_store(stmt):
            names.add(stmt.targets[0].value.id)
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Subscript) \
                and isinstance(stmt.value.value, gast.Name):
            names.add(stmt.value.value.id)
    return names


def _restored_by(backward):
    """(names the backward sweep rebinds, arrays it writes into) among primal values."""
    rebound, rewritten = set(), set()
    for node in nodes.statements(list(backward)):   # assignments are statements
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Call) \
                and isinstance(node.value.func, gast.Attribute) \
                and node.value.func.attr == "pop":
            target = node.targets[0]
            if isinstance(target, gast.Name):
                rebound.add(target.id)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                rewritten.add(target.value.id)
    return rebound, rewritten


def _positions(body):
    """``{id(stmt): (the statement list holding it, its index there)}``, in every block."""
    out = {}

    def visit(stmts):
        for index, stmt in enumerate(stmts):
            out[id(stmt)] = (stmts, index)
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    visit(inner)
    visit(body)
    return out


def _read_counts(node):
    """How many times each name is read anywhere in ``node``."""
    counts = {}
    for n in nodes.names(node):
        if isinstance(n.ctx, gast.Load):
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts


#: runtime helpers whose result is the adjoint of a list (or dict) when the value is
#: one (``list(xs)``'s ``iterable_bar``, a loop's ``loop_items_bar``): added to another
#: adjoint of a value that may be a list by ``add_tree``, never by ``+`` (which would
#: concatenate two lists)
_CONTAINER_ADJOINTS = ("iterable_bar", "item_bar", "repetition_bar", "repeat_bar",
                       "loop_items_bar", "dict_entries_bar", "sorted_bar")


def _is_call_of(node, dotted):
    """``node`` is a call of the function spelled ``dotted`` (``"np.copy"``)."""
    if not isinstance(node, gast.Call):
        return False
    func, parts = node.func, dotted.split(".")
    for part in reversed(parts[1:]):
        if not (isinstance(func, gast.Attribute) and func.attr == part):
            return False
        func = func.value
    return isinstance(func, gast.Name) and func.id == parts[0]


def _summed_axes(call):
    """For ``np.sum(x)``, ``np.sum(x, axis)`` or ``np.sum(x, axis=..., keepdims=...)``
    with literal arguments, and ``np.mean`` the same way: ``(axis, keepdims, mean)``,
    axis a node or None for every axis.  None for anything else (other functions,
    dtype or out arguments, computed axes)."""
    callee = anno.get(call, anno.CALLEE)
    kind = getattr(callee, "__name__", None)
    if not (kind in ("sum", "mean")
            and (getattr(callee, "__module__", None) or "").startswith("numpy")
            and 1 <= len(call.args) <= 2):
        return None
    given = dict(zip(("x", "axis"), call.args))
    for keyword in call.keywords:
        if keyword.arg not in ("axis", "keepdims") or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    axis, keepdims = given.get("axis"), given.get("keepdims")
    if keepdims is not None and not (isinstance(keepdims, gast.Constant)
                                     and isinstance(keepdims.value, bool)):
        return None
    if axis is not None:
        literal = axis.elts if isinstance(axis, gast.Tuple) else [axis]
        if not all(isinstance(a, gast.Constant) and type(a.value) is int for a in literal):
            return None   # axis=None spelled out, or an axis computed at run time
    return axis, bool(keepdims is not None and keepdims.value), kind == "mean"


def _definitions(primal):
    """(name -> its one defining statement, names assigned inside some loop body)."""
    counts, defs, loop_temps = {}, {}, set()

    def visit(stmts, in_loop):
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                visit(stmt.body, in_loop)
                visit(stmt.orelse, in_loop)
            elif isinstance(stmt, (gast.For, gast.While)):
                carried = set(anno.get(stmt, anno.CARRIED, ()))
                visit(stmt.body, True)
                loop_temps.difference_update(carried)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                name = stmt.targets[0].id
                counts[name] = counts.get(name, 0) + 1
                defs[name] = stmt
                if in_loop:
                    loop_temps.add(name)
    visit(primal, False)
    single = {n: s for n, s in defs.items() if counts[n] == 1}
    return single, loop_temps


def _loop_invariants(loop, carried):
    """Names a loop body computes only from values the loop never changes (the same
    value on every trip, so the backward sweep can read the last one)."""
    changed = set(carried) | assigned_in([loop.target] if isinstance(loop, gast.For) else [])
    changed |= {s.targets[0].value.id for s in flatten(loop.body) if ops.is_store(s)}
    simple = [s for s in flatten(loop.body)]
    assigned = assigned_in(loop.body)
    counts = {}
    for stmt in simple:
        for t in ops.targets(stmt):
            counts[t] = counts.get(t, 0) + 1
    # a name assigned twice in the body (branches, nested loops) is not one value
    changed |= {n for n, c in counts.items() if c != 1}
    invariant = set()
    grew = True
    while grew:
        grew = False
        for stmt in simple:
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            name = stmt.targets[0].id
            if name in invariant or name in changed:
                continue
            reads = ops.names_in(stmt.value)
            if all(r in invariant or r not in assigned and r not in changed for r in reads) \
                    and _pure(stmt.value):
                invariant.add(name)
                grew = True
    return invariant


def _pure(value):
    """Gives the same value for the same inputs: no calls but to functions with rules
    (np.random.normal, user functions and method calls such as tape.pop() are not)."""
    for node in gast.walk(value):
        if isinstance(node, gast.Call) and registry.lookup(anno.get(node, anno.CALLEE)) is None:
            return False
    return True


def _upward_exposed(body):
    """Names a block reads before assigning them (their values come from outside)."""
    assigned, exposed = set(), set()
    for stmt in body:
        exposed |= _loads([stmt]) - assigned
        assigned |= {n.id for n in gast.walk(stmt)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    return exposed


def _carried_copies(loop):
    """``(carried, value)`` for the copies ``carried = value`` that end a loop body."""
    carried = set(anno.get(loop, anno.CARRIED, ()))
    pairs = []
    for stmt in reversed(loop.body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in carried and isinstance(stmt.value, gast.Name):
            pairs.append((stmt.targets[0].id, stmt.value.id))
        elif not (isinstance(stmt, gast.Expr)):   # comment markers may sit among them
            break
    sources = [v for _, v in pairs]
    # only when the value is not itself carried (a swap needs the tape)
    return [(c, v) for c, v in pairs if v not in carried and sources.count(v) == 1]


def _recomputable(stmt, loop, written):
    """``x = a[i]`` where ``a`` never changes in the loop (nor anywhere by a write) and
    ``i`` is the loop counter, a constant, or a name the loop does not assign."""
    if stmt is None or not isinstance(stmt.value, gast.Subscript):
        return False
    base = stmt.value.value
    if not isinstance(base, gast.Name) or base.id in written:
        return False
    changed = assigned_in(loop.body) | set(anno.get(loop, anno.CARRIED, ()))
    if base.id in changed:
        return False
    counter = loop.target.id if isinstance(loop, gast.For) else None
    for node in gast.walk(stmt.value.slice):
        if isinstance(node, gast.Name) and node.id != counter and node.id in changed:
            return False
    return stmt in list(flatten(loop.body)) and stmt in loop.body
