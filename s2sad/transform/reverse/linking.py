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

import copy

import gast

from ...analysis import kinds as kinds_
from ...analysis.facts import USER_CALL
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
                    and self.facts.activity.is_active(stmt.targets[0].id):
                callee = anno.get(stmt.value, anno.CALLEE)
                if registry.lookup(callee) is None and is_user_function(callee):
                    stmt = self.user_call(stmt, callee)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
                    and anno.get(stmt.value, anno.WRITES) is not None:
                stmt = writing_primal(stmt, self.bindings)   # (no derivative through it)
            out.append(stmt)
        return out

    def user_call(self, stmt, callee):
        """The statement calling ``callee``'s vjp in place of ``stmt``."""
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
        kinds = tuple(sorted((param, self.facts.kind(atom)) for param, atom in arguments.items()
                             if isinstance(atom, (gast.Name, gast.Constant))
                             and kinds_.is_container(self.facts.kind(atom))))
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
        copied_params = []
        for part in list(call.args) + list(call.keywords):
            atom = part.value if isinstance(part, gast.keyword) else part
            original = value.keywords[call.keywords.index(part)].value \
                if isinstance(part, gast.keyword) else value.args[call.args.index(part)]
            if id(original) in own:
                continue
            if isinstance(atom, gast.Name) and (atom.id in self.facts.written
                                                or atom.id in self.facts.shares_written):
                # (copy_of: np.copy, lazy for Dask)
                self.bindings["copy_of"] = runtime_helper("copy_of")
                copied = nodes.call(anno.set(nodes.name("copy_of"), anno.HELPER_NAME, True),
                                    [atom])
                copied_params.append(original)
                if isinstance(part, gast.keyword):
                    part.value = copied
                else:
                    call.args[call.args.index(part)] = copied
        new = nodes.assign(nodes.tuple_([nodes.name(target, store=True),
                                         nodes.name(pullback, store=True)], store=True), call)
        anno.copy(stmt, new, anno.SOURCE)
        anno.set(new, USER_CALL, (info, pullback, [args[p] for p in info.wrt]))
        self.refuse_returned_copies(callee, arguments, copied_params, site)
        return new

    @staticmethod
    def refuse_returned_copies(callee, arguments, copied, site):
        """The pullback keeps its arguments as copies (this function writes into them
        after the call): refused where the callee may return such an argument or a
        view of it, whose result would then not share memory with the argument as
        Python's does (``a[0], a[1] = rows(a)`` stores the changed rows)."""
        if not copied or returns_new_values(callee):
            return
        returned = returned_parameters(callee)
        for param, atom in arguments.items():
            if any(atom is c for c in copied) and (returned is None or param in returned):
                raise UnsupportedSyntaxError(
                    f"{callee.__name__} may return its argument {param!r} (or a view of it), "
                    f"which this function writes into after the call: in reverse mode s2sad "
                    f"differentiates the call on a copy, whose result would not share "
                    f"memory with {getattr(atom, 'id', param)!r} as Python's does", site,
                    hint=f"copy what {callee.__name__} returns (np.copy(...)) before writing "
                         f"into {getattr(atom, 'id', param)!r}, or write into a copy of it")

