"""Linking: active calls of user functions call their generated vjp.

:class:`Linker` rewrites ``y = helper(a, b)`` whose result is active into
``y, y_pullback = helper_vjp(a, b)`` (arrays the function writes into, or names
that may share their memory, passed as copies), made once per callee by
:func:`~s2sad.transform.callees.derivative_for` with the vjp transform it is
given; the new statement carries ``USER_CALL`` (the callee, the pullback's
name, the arguments differentiated), which the sweeps read.  Input: a block
of the primal body and the facts of the body.  Output: a new block (blocks
holding a rewritten call are new; the input is not changed).
"""

import ast
import copy

import gast

from ...analysis.attribute_reads import callee_kinds
from ...analysis.aliases import ANYWHERE, origins
from ...analysis.facts import USER_CALL
from ...analysis.lookup import call_predicates
from ...analysis.ops import flatten, is_store
from ...errors import UnsupportedSyntaxError
from ...rules import registry
from ...syntax import anno, nodes
from ...syntax.normalize.argwrites import returned_parameters
from ...syntax.normalize.callees import returns_new_values
from ...syntax.parse import is_user_function
from ..callees import derivative_for
from ..calls import bind_call, writing_primal
from ..common import runtime_helper


class Linker:
    """Links the active user calls of one function (see the module docstring)."""

    def __init__(self, facts, namer, bindings, parsed, calls, vjp):
        self.facts = facts
        self.namer = namer
        self.bindings = bindings   # the generated code's (copy_of, for copies of arguments)
        self.parsed = parsed
        self.calls = calls
        self.vjp = vjp   # the callee derivative (a callees.Derivative) of reverse mode

    def link_user_calls(self, stmts):
        """Rewrite active calls of user functions to call their generated vjp."""
        self.body = stmts
        self._of_name = None
        return self._link(stmts, frozenset())

    def _link(self, stmts, after):
        """``link_user_calls`` of the block ``stmts``; ``after``: the arrays written
        into after the block runs (later in program order, or anywhere in a loop body
        around it: its next trip)."""
        out = []
        later = [after]   # later[k]: the arrays written into after stmts[k]
        for stmt in reversed(stmts[1:]):
            later.append(later[-1] | _stored_into([stmt]))
        later.reverse()
        for stmt, written_later in zip(stmts, later):
            if isinstance(stmt, gast.If):
                stmt = copy.copy(stmt)
                stmt.body = self._link(stmt.body, written_later)
                stmt.orelse = self._link(stmt.orelse, written_later)
            elif isinstance(stmt, (gast.For, gast.While)):
                stmt = copy.copy(stmt)
                # the next trips' writes, but into a name bound to a new array each trip
                # before them (e = np.zeros(2); e[i] = 1.0): the array this trip gave a
                # call is not the one they write into
                next_trips = _stored_into(stmt.body) - _new_each_trip(stmt.body, self.body)
                stmt.body = self._link(stmt.body, written_later | next_trips)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, gast.Call) \
                    and self.facts.activity.is_active(stmt.targets[0].id):
                callee = anno.get(stmt.value, anno.CALLEE)
                if registry.lookup(callee) is None and is_user_function(callee):
                    stmt = self.user_call(stmt, callee, written_later)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
                    and anno.get(stmt.value, anno.WRITES) is not None:
                stmt = writing_primal(stmt, self.bindings)   # (no derivative through it)
            out.append(stmt)
        return out

    def user_call(self, stmt, callee, written_later=None):
        """The statement calling ``callee``'s vjp in place of ``stmt``; ``written_later``:
        the arrays written into after it (None: any array the function writes into)."""
        value = stmt.value
        site = self.parsed.location(getattr(value, anno.CALL_SITE, value))
        arguments, arity = bind_call(callee, value, site)
        wrt, args = [], {}
        for param, atom in arguments.items():
            if isinstance(atom, (gast.List, gast.Tuple)):
                if any(self.facts.is_active(e) for e in atom.elts):
                    raise UnsupportedSyntaxError(
                        f"passing a list or tuple literal to {callee.__name__} is not "
                        f"differentiated yet", site, hint="pass the arrays one by one")
                continue
            if self.facts.is_active(atom):
                wrt.append(param)
                args[param] = atom.id
        # the callee is made for the containers its arguments hold here
        kinds = callee_kinds(arguments, self.facts.kinds, self.parsed)   # (and self's class)
        info = derivative_for(self.calls, callee, tuple(wrt), site, arity, kinds, self.vjp)
        target = stmt.targets[0].id
        pullback = self.namer.fresh(f"{target}_pullback")
        call = nodes.clone(value)
        call.func = nodes.name(info.name)
        # the callee's pullback keeps its arguments: an array this function writes into
        # (or a name that may share its memory) goes in as a copy, so the pullback
        # sees the values of the call
        # (not an argument the callee writes into: it works on a copy of its own, see
        # normalize.functionalize)
        own = {id(atom) for param, atom in arguments.items()
               if param in (anno.get(value, anno.WRITES) or ())}
        copies = []   # (the part of the call, its atom, the argument as normalized)
        for part in list(call.args) + list(call.keywords):
            atom = part.value if isinstance(part, gast.keyword) else part
            original = value.keywords[call.keywords.index(part)].value \
                if isinstance(part, gast.keyword) else value.args[call.args.index(part)]
            if id(original) not in own and isinstance(atom, gast.Name) and (
                    atom.id in self.facts.written or atom.id in self.facts.shares_written) \
                    and self.written_after(atom.id, written_later):
                copies.append((part, atom, original))
        kept = self.kept_params(callee, value, arguments, [c[2] for c in copies], site)
        for part, atom, original in copies:
            if id(original) in kept:
                copied = self.kept_argument(atom, kept[id(original)], site)
            else:
                # (copy_of: np.copy, lazy for Dask)
                self.bindings["copy_of"] = runtime_helper("copy_of")
                copied = nodes.call(anno.set(nodes.name("copy_of"), anno.HELPER_NAME, True),
                                    [atom])
            if isinstance(part, gast.keyword):
                part.value = copied
            else:
                call.args[call.args.index(part)] = copied
        new = nodes.assign(nodes.tuple_([nodes.name(target, store=True),
                                         nodes.name(pullback, store=True)], store=True), call)
        anno.copy(stmt, new, anno.SOURCE)
        anno.set(new, USER_CALL, (info, pullback, [args[p] for p in info.wrt]))
        return new

    def written_after(self, name, written_later):
        """Whether ``name`` or a name that may share its memory is among
        ``written_later`` (the arrays written into after the call; None: any).  A write
        before the call (and out of any loop around it) leaves the values the call's
        pullback keeps as they were at the call."""
        if written_later is None or name in written_later:
            return True
        if not written_later or name not in self.facts.shares_written:
            return False
        if self._of_name is None:
            self._of_name, _ = origins(self.body, self.parsed_params(),
                                       *call_predicates({}))
        mine = self._of_name(name)
        for base in written_later:
            theirs = self._of_name(base)
            if ANYWHERE in mine or ANYWHERE in theirs or mine & theirs:
                return True
        return False

    def parsed_params(self):
        """The parameters of the function linked (their values the caller holds)."""
        args = self.parsed.node.args
        found = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs) + [
            a for a in (args.vararg, args.kwarg) if a is not None]
        return [a.id for a in found if isinstance(a, gast.Name)]

    @staticmethod
    def kept_params(callee, value, arguments, copied, site):
        """``{id(argument atom): (refusal message, hint)}`` of the arguments among
        ``copied`` that ``callee`` may return (or a view of them).  The pullback keeps
        those as copies (this function writes into them after the call); a copy
        returned would not share memory with the argument as Python's result does
        (``a[0], a[1] = rows(a)`` stores the changed rows).  A number, which nothing
        writes into, needs no copy (``s[i]`` of a 1-D ``s``): only the running code
        tells, so such an argument goes in through ``kept_argument``, which refuses
        an array or a list."""
        if not copied or returns_new_values(callee):
            return {}
        returned = returned_parameters(callee)
        params = [param for param, atom in arguments.items()
                  if any(atom is c for c in copied) and (returned is None or param in returned)]
        if not params:
            return {}
        user_call = getattr(value, anno.CALL_SITE, None)
        spelled = _spelled_arguments(callee, user_call, site)
        fixed = _with_copies(callee, user_call, params, site)
        found = {}
        for param in params:
            atom = arguments[param]
            name = spelled.get(param) or getattr(atom, "id", param)
            found[id(atom)] = (
                f"{callee.__name__} may return its argument {param!r} (or a view of it), "
                f"here {name!r}, an array (or a list) this function writes into after the "
                f"call: in reverse mode s2sad differentiates the call on a copy of it, whose "
                f"result would not share memory with {name!r} as Python's does",
                f"pass {callee.__name__} copies of the arrays it may return, "
                + (fixed if fixed else f"np.copy({name})")
                + ", where what it returns is not meant to change with the writes after "
                  "the call (Python's result sees them through the shared memory)")
        return found

    def kept_argument(self, atom, refusal, site):
        """``kept_argument(atom, message, hint, file, line, column)``: ``atom`` itself
        when it is a number, else the refusal (see :meth:`kept_params`)."""
        self.bindings["kept_argument"] = runtime_helper("kept_argument")
        message, hint = refusal
        return nodes.call(anno.set(nodes.name("kept_argument"), anno.HELPER_NAME, True), [
            atom, nodes.const(message), nodes.const(hint), nodes.const(site.filename),
            nodes.const(site.line), nodes.const(site.column)])


def _stored_into(stmts):
    """The arrays ``stmts`` (nested blocks included) write into (``b[i] = v``)."""
    return frozenset(s.targets[0].value.id for s in flatten(stmts) if is_store(s))


def _new_each_trip(body, whole):
    """The names a loop's ``body`` binds to a new array on every trip before any write
    into them: bound once in the function ``whole``, by a top-level statement of
    ``body`` that allocates (a call declared ``allocates``, without ``out=``), which
    comes before every statement of ``body`` writing into them."""
    bound = {}
    for stmt in flatten(whole):
        if isinstance(stmt, gast.Assign):
            for target in stmt.targets:
                for name in nodes.names(target):
                    if isinstance(name.ctx, gast.Store) and isinstance(target, (
                            gast.Name, gast.Tuple, gast.List)):
                        bound[name.id] = bound.get(name.id, 0) + 1
    loop_targets = {n.id for loop in nodes.walk(gast.Module(body=whole, type_ignores=[]))
                    if isinstance(loop, gast.For) for n in nodes.names(loop.target)}
    found, written = set(), set()
    for stmt in body:
        written |= _stored_into([stmt])
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Call) \
                and not any(k.arg == "out" for k in stmt.value.keywords) \
                and registry.allocates(anno.get(stmt.value, anno.CALLEE, None)):
            name = stmt.targets[0].id
            if bound.get(name) == 1 and name not in written and name not in loop_targets:
                found.add(name)
    return frozenset(found)


def _spelled_arguments(callee, call, site):
    """``{parameter: the argument's source text}`` of the call as the user wrote it
    (``s[i]``), or ``{}`` where it cannot be told."""
    if not isinstance(call, gast.Call):
        return {}
    try:
        arguments, _ = bind_call(callee, call, site)
        return {param: ast.unparse(gast.gast_to_ast(node)) for param, node in arguments.items()
                if isinstance(node, gast.AST)}
    except Exception:   # (a form bind_call or unparse does not read: the internal names)
        return {}



def _with_copies(callee, call, params, site):
    """The source text of the call as the user wrote it with ``np.copy(...)`` around
    the arguments of ``params``, or None where it cannot be told."""
    if not isinstance(call, gast.Call):
        return None
    try:
        arguments, _ = bind_call(callee, call, site)
        wrapped = {id(arguments[p]) for p in params if isinstance(arguments.get(p), gast.AST)}
        tree = gast.gast_to_ast(call)
        pairs = list(zip(call.args, tree.args)) + [
            (k.value, t.value) for k, t in zip(call.keywords, tree.keywords)]
        for node, converted in pairs:
            if id(node) in wrapped:
                copied = ast.Call(func=ast.Attribute(value=ast.Name(id="np", ctx=ast.Load()),
                                                     attr="copy", ctx=ast.Load()),
                                  args=[converted], keywords=[])
                if converted in tree.args:
                    tree.args[tree.args.index(converted)] = copied
                else:
                    for k in tree.keywords:
                        if k.value is converted:
                            k.value = copied
        return ast.unparse(tree)
    except Exception:   # (a form bind_call or unparse does not read)
        return None
