"""Calls of the user's functions that write into their arguments, functionalized.

Input: a call the normalizer's walk meets whose callee (a user's function, see
:mod:`.argwrites`) writes into some of its parameters (``r[n] = v``,
``xs.append(v)``, or passing them on to such a function).
Output, emitted through the normalizer: ``out = helper(a, r, c)`` annotated
``anno.WRITES`` (the parameters written), whose callee returns ``(result, new r,
new c)`` (the callee is normalized so: see ``core``), then ``y, r_1, c_1 = out``;
the caller's arrays ``r`` and ``c`` take the new values (``r[...] = r_1``: written
into in place, as Python's call writes into them), a list or dict (whose changes
make new versions) is followed by every name bound to it.  With helpers inlined
(second order) the body goes in place of the call, its written parameters bound
to copies, and the names follow what the body leaves in them.

Refused at the call, with what to write instead: an argument that is not a name
of the function (a global, an item or view of another value), the same value
passed twice, a written parameter left to its default, a name read earlier in the
same statement, and (decided with every path known) a value another name read
later shares, as for a write ``r[i] = v`` there.

:class:`WritingCalls` is the normalizer's collaborator (``walk.writing``); its
state: the scans of :class:`.argwrites.ArgumentWrites` and the user statement
being normalized.
"""

import inspect

import gast

from ...errors import SharedWriteError
from ...rules import registry
from .. import anno, nodes
from ..wrappers import signature
from .argwrites import ArgumentWrites, returned_parameters
from .inline import callee_of

#: argument expressions whose value is new: nothing else holds what the callee writes
FRESH = (gast.BinOp, gast.UnaryOp, gast.List, gast.Tuple, gast.Dict, gast.ListComp,
         gast.DictComp, gast.Constant)


class WritingCalls:
    """Functionalizes the calls of functions that write into their arguments (see the
    module docstring)."""

    def __init__(self, walk):
        self.walk = walk
        self.scan = ArgumentWrites(walk.parsed)
        self.statement = None   # the user statement the walk is normalizing

    def writer(self, node):
        """The user's function the call ``node`` applies when it writes into some of
        its arguments, else None."""
        walk = self.walk
        func = node.func
        if isinstance(func, gast.Name) and (func.id in walk.env or func.id in walk.locals):
            return None
        if walk.module_names.global_path(func) is None:
            return None
        obj = callee_of(func, walk.parsed)
        return obj if self.scan.written(obj) else None

    def followed_in(self, tree):
        """The user names the calls in ``tree`` (a loop) pass to a function writing into
        them, and the names bound to the same values: each gets a new value there."""
        found = set()
        for node in nodes.walk(tree):
            fn = self.writer(node) if isinstance(node, gast.Call) else None
            if fn is None:
                continue
            try:
                bound = signature(fn).bind(
                    *node.args, **{k.arg: k.value for k in node.keywords if k.arg})
            except TypeError:
                continue   # (refused where the call is normalized)
            found |= {bound.arguments[p].id for p in self.scan.written(fn)
                      if isinstance(bound.arguments.get(p), gast.Name)}
        env, aliases = self.walk.env, self.walk.aliases
        found |= {u for u, a in env.items() if any(_same(env.get(f), a) for f in found)}
        # (an array is written into in place: only a list's or dict's name changes)
        return {u for u in found if isinstance(env.get(u), gast.Name) and (
            env[u].id in aliases.list_values or self.holds_dict(u, env[u]))}

    def call(self, node, target, fn):
        """Emit the functionalized call ``node`` of ``fn`` (see the module docstring);
        returns the name of its result (``target``'s new version when given)."""
        walk = self.walk
        written = self.scan.written(fn)
        followed = self.check_call(node, fn, written)
        helper = walk.inliner.inlinable(node) if walk.inline_helpers else None
        if helper is not None:
            kinds = {p: "dict" if p in followed and self.holds_dict(
                followed[p], walk.env.get(followed[p])) else k for p, k in written.items()}
            result, atoms, finals = walk.inliner.inline_helper(node, helper, kinds)
            name = walk.flat.inlined_value(node, target, lambda: result)
        else:
            value = walk.flat.call(node)
            anno.set(value, anno.WRITES, tuple(written))
            atoms = _bound_atoms(fn, value)
            out = walk.namer.fresh(f"{fn.__name__}_out")
            walk.emit(nodes.assign(out, value))
            walk.defined.add(out)
            name = walk.scope.new_version(target) if target else walk.namer.fresh(fn.__name__)
            finals = {p: walk.scope.new_version(followed[p]) if p in followed
                      else walk.namer.fresh(p) for p in written}
            unpack = walk.emit(nodes.assign(nodes.tuple_(
                [nodes.name(name, store=True)] + [nodes.name(finals[p], store=True)
                                                  for p in written], store=True),
                nodes.name(out)))
            walk.defined.update([name] + list(finals.values()))
            finals = {p: nodes.name(n) for p, n in finals.items()}
            depends = self.scan.depends(fn)
            flows = {finals[p].id: tuple(sorted(
                atoms[q].id for q in depends[p] if isinstance(atoms.get(q), gast.Name)))
                for p in written}
            anno.set(unpack, anno.WRITES, (self.record_result(fn, name, atoms, finals,
                                                              followed), flows))
        for param, user in followed.items():
            self.follow(fn, param, user, atoms[param], finals[param], node)
        return name

    def follow(self, fn, param, user, current, new, node):
        """The caller's value ``current`` of ``user`` gets the new value ``new`` the call
        gave its parameter ``param``: an array is written into in place
        (``r[...] = r_1``, a write like any other, checked so), a list or dict (whose
        changes make new versions) is followed by every name bound to it."""
        walk = self.walk
        if not isinstance(current, gast.Name):
            return
        is_dict = self.holds_dict(user, current)
        if current.id not in walk.aliases.list_values and not is_dict:
            def write_back():
                if param in self.scan.scan(fn).augmented:   # p *= c: in place for an array only
                    walk.writes.check_in_place(walk.env[user],
                                               *_augmented_refusal(fn, param, user), node)
                target = gast.Subscript(value=nodes.name(user), slice=nodes.const(Ellipsis),
                                        ctx=gast.Store())
                for sub in gast.walk(target):
                    gast.copy_location(sub, node)
                walk.assigns.store(target, new)
            if _may_hold_none(walk.parsed.node, user):
                self.write_back_unless_none(user, write_back, node)
            else:
                write_back()
            return
        self.check_write(fn, param, user, current, node, is_dict)
        for other, atom in list(walk.env.items()):
            if isinstance(atom, gast.Name) and atom.id == current.id:
                walk.env[other] = nodes.clone(new)
        if isinstance(new, gast.Name):
            if current.id in walk.aliases.list_values:
                walk.aliases.list_values.add(new.id)
                walk.aliases.list_items[new.id] = set(
                    walk.aliases.list_items.get(current.id, ()))
            if is_dict:
                walk.dicts.add(new.id)   # (a new dict: the callee's copy, written into)

    def write_back_unless_none(self, user, write_back, node):
        """``if user is not None: write_back()``: a caller's name that may hold None
        (``def w(x, ob=None): h(x, ob)``) passes nothing the callee writes into (the
        callee makes its own value, ``if ob is None: ob = ...``), and keeps its None."""
        walk = self.walk
        test = gast.Compare(left=nodes.name(user), ops=[gast.IsNot()],
                            comparators=[nodes.const(None)])
        for sub in gast.walk(test):
            gast.copy_location(sub, node)
        atom = walk.flat.atom(test)

        def then():
            saved, walk.out = walk.out, []
            write_back()
            body, walk.out = walk.out, saved
            return body

        walk.scope.branch(atom, then, lambda: [])

    def check_call(self, node, fn, written):
        """Refuse what the functionalized call cannot follow (see the module docstring);
        returns ``{parameter: the caller's name passed for it}`` for the names followed."""
        walk = self.walk
        listed = ", ".join(repr(p) for p in written)
        if any(isinstance(a, gast.Starred) for a in node.args) \
                or any(k.arg is None for k in node.keywords):
            raise walk.error(f"{fn.__name__} writes into its arguments ({listed}): s2sad "
                             f"follows the names a call passes, not '*' or '**' arguments",
                             node, hint="pass each argument by position or keyword")
        try:
            bound = signature(fn).bind(*node.args,
                                               **{k.arg: k.value for k in node.keywords})
        except TypeError as exc:
            raise walk.error(f"cannot match the call to {fn.__name__}: {exc}", node) from None
        followed = {}
        for param in written:
            if param not in bound.arguments and _defaults_to_none(fn, param):
                continue   # (if p is None: p = ...: the callee's own value, nobody's)
            if param not in bound.arguments:
                raise walk.error(
                    f"{fn.__name__} writes into its parameter {param!r}, which this call "
                    f"leaves to its default: Python would change the default value "
                    f"itself, and every later call would see it", node,
                    hint=f"pass {param} explicitly, a value of its own")
            user = self.check_argument(fn, param, bound.arguments[param], node)
            if user is not None:
                followed[param] = user
        for param, user in followed.items():
            for other, expr in bound.arguments.items():
                if other != param and isinstance(expr, gast.Name) \
                        and _same(walk.env.get(expr.id), walk.env.get(user)):
                    raise walk.error(
                        f"the call passes the same value ({user!r}) as {param!r} and as "
                        f"{other!r}, and {fn.__name__} writes into {param!r}: Python's "
                        f"{other!r} sees that write, which s2sad does not follow", node,
                        hint=f"pass a copy as one of them ({user}.copy())")
        self.check_earlier_reads(fn, followed, node)
        return followed

    def check_argument(self, fn, param, expr, node):
        """The caller's name to follow for the argument ``expr`` of ``param`` (None: a
        new value nothing else holds), or the refusal of an argument that is a value
        the function does not own."""
        walk = self.walk
        what = f"{fn.__name__} writes into its parameter {param!r}"
        if isinstance(expr, gast.Name):
            atom = walk.env.get(expr.id)
            if atom is None or isinstance(atom, gast.Name) and atom.id not in walk.defined:
                raise walk.error(
                    f"{what}, and the call passes {expr.id!r}, which is defined outside "
                    f"the function: the write would change it there, which the derivative "
                    f"cannot follow", node,
                    hint=f"pass a copy under a local name: local = np.copy({expr.id}) "
                         f"(or list(...)), then {fn.__name__}(..., local, ...)")
            if isinstance(atom, gast.Name) and (
                    (walk.callee and atom.id in walk.params) or atom.id in walk.inlined_args):
                raise walk.error(
                    f"{what}, and the call passes {walk.function_name}'s own argument "
                    f"{expr.id!r}, which {walk.function_name} also binds again: the write "
                    f"would change the caller's value, which s2sad does not follow", node,
                    hint=f"bind {expr.id!r} once, or pass a copy (np.copy({expr.id}))")
            return expr.id if isinstance(atom, gast.Name) else None
        if isinstance(expr, FRESH) or isinstance(expr, gast.Call) and _new_value(expr, walk):
            return None
        text = _spelled(expr)
        raise walk.error(
            f"{what}, and the call passes {text}, an item or a view of another value "
            f"(or a value the function did not make): Python's write would change that "
            f"value too, which s2sad does not follow into it", node,
            hint=(f"bind a copy to a name first (part = np.copy({text}), or list(...)), "
                  f"pass the name, and store it back if the values are needed")
            if not isinstance(expr, gast.Call) else
            f"bind its result to a name first (part = {text}), pass the name, and store "
            f"it back if the values are needed")

    def check_earlier_reads(self, fn, followed, node):
        """Refuse a name holding a followed value read earlier in the same statement
        (``a + h(a)``): Python reads the object, which the call then changes."""
        walk = self.walk
        if self.statement is None or not followed:
            return
        earlier = _loads_before(self.statement, node)
        if earlier is None:
            return
        for param, user in followed.items():
            current = walk.env.get(user)
            for name in earlier:
                if name in walk.env and (name == user or _same(walk.env[name], current)):
                    raise walk.error(
                        f"{name!r} is read in this statement before the call to "
                        f"{fn.__name__}, which writes into {user!r}: Python's value of "
                        f"{name!r} is the object the call changes", node,
                        hint=f"call {fn.__name__} in a statement of its own first")

    def holds_dict(self, user, current):
        """Whether the caller's name ``user`` (its value ``current``) holds a dict: a
        dict made here, or a name the function's code shows to be a dict (a loop's
        carried version of one)."""
        return isinstance(current, gast.Name) and current.id in self.walk.dicts \
            or user in self.walk.dict_writes.dict_names()

    def check_write(self, fn, param, user, current, node, is_dict):
        """The checks of a write into ``current`` (the caller's value of ``user``), as
        for ``user[i] = v``: another name read later that shares its memory would see
        Python's write and not s2sad's new value."""
        walk = self.walk
        line = getattr(node, "lineno", 0)
        for other, atom in sorted(walk.env.items()):
            if other == user or not isinstance(atom, gast.Name) or atom.id == current.id:
                continue
            if walk.writes.may_hold(atom.id, current.id) and walk.writes.read_after(
                    other, line, node):
                raise SharedWriteError(
                    f"{fn.__name__} writes into {user!r} (its parameter {param!r}), which "
                    f"would also change {other!r}, which shares its memory and is read "
                    f"later", walk.parsed.location(node),
                    hint=f"to leave {other!r} as it is, make {user!r} "
                         f"{'a list' if current.id in walk.aliases.list_values else 'an array'} "
                         f"of its own right before the call: {user} = "
                         f"{'list' if current.id in walk.aliases.list_values else 'np.copy'}"
                         f"({user})")
        if is_dict:
            walk.writes.record_dict_write(current.id, user, node)
            return
        kind = "list" if current.id in walk.aliases.list_values else "array"
        walk.writes.record_write(current.id, node, user, kind=kind)

    def record_result(self, fn, name, atoms, finals, followed):
        """Record what the result ``name`` of the call may hold: the arguments (their
        new values for the written ones) of the parameters it may return; returns
        the names the generated code's result may share memory with, sorted (the
        unpacking's ``anno.WRITES``: the written arguments' new values are new
        arrays, see ``analysis.aliases``).  The callee writes into a copy of each
        written argument, made on entry: its result never holds a written array
        itself, only that copy (a list or dict is copied shallowly: its items stay
        the caller's)."""
        aliases = self.walk.aliases
        returned = returned_parameters(fn)
        held, shared = set(), set()
        for param, atom in atoms.items():
            if returned is not None and param not in returned:
                continue
            if param in finals and isinstance(atom, gast.Name):
                # Python's result would be the caller's array itself (or a view of it),
                # which takes the new values in place: a later write into either is
                # checked against reads of the other
                aliases.link(name, atom.id)
                held.add(atom.id)
                if not self.holds_array(followed.get(param), atom):
                    shared.add(atom.id)
            atom = finals.get(param, atom)
            if isinstance(atom, gast.Name):
                if param in finals:
                    aliases.link(name, atom.id)
                else:
                    aliases.hold(name, atom.id)
                held.add(atom.id)
                shared.add(atom.id)
        if held:
            aliases.call_holds[name] = held
            aliases.copied_calls.add(name)   # (its arguments are copies in generated code)
        return tuple(sorted(shared))

    def holds_array(self, user, current):
        """Whether ``current`` (the caller's value of ``user``, None for a value no
        name holds) is an array, as :meth:`follow` tells: neither a list nor a dict."""
        return current.id not in self.walk.aliases.list_values \
            and current.id not in self.walk.dicts \
            and not (user is not None and self.holds_dict(user, current))


def _bound_atoms(fn, call):
    """``{parameter: atom}`` of the normalized call ``call`` of ``fn``."""
    bound = signature(fn).bind(*call.args, **{k.arg: k.value for k in call.keywords})
    return dict(bound.arguments)


def _same(a, b):
    return isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id


def _new_value(call, walk):
    """Whether the user's call expression ``call`` makes a new value: a function whose
    rule allocates, or a user's function that returns none of its arguments."""
    func = call.func
    if isinstance(func, gast.Attribute) and walk.module_names.global_path(func) is None:
        # a method of a local value (x.copy()): new where its function's rule allocates
        entry = registry.METHODS.get(func.attr)
        return entry is not None and registry.allocates(entry[0])
    if walk.module_names.global_path(func) is None:
        return False
    obj = callee_of(func, walk.parsed)
    if registry.allocates(obj):
        return True
    return inspect.isfunction(obj) and registry.lookup(obj) is None \
        and returned_parameters(obj) == frozenset()


def _spelled(expr):
    try:
        return gast.unparse(expr)
    except Exception:   # pragma: no cover - gast versions without unparse
        return "the argument"


def _loads_before(stmt, call):
    """The names ``stmt`` reads before it evaluates ``call`` (the call's own arguments
    are not before it), in Python's order; None where ``call`` is not in ``stmt``."""
    found = []

    def visit(node):
        if node is call:
            return True
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            found.append(node.id)
        if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
            targets = getattr(node, "targets", None) or [node.target]
            order = [node.value] + targets
        elif isinstance(node, (gast.If, gast.While)):
            order = [node.test]
        elif isinstance(node, gast.For):
            order = [node.iter]
        elif isinstance(node, (gast.FunctionDef, gast.Lambda)):
            order = []
        else:
            order = list(gast.iter_child_nodes(node))
        return any(visit(child) for child in order if child is not None)

    return found if visit(stmt) else None


def _defaults_to_none(fn, param):
    """Whether the parameter ``param`` of ``fn`` defaults to None (a value no write
    changes: a call leaving it so passes nothing the callee's writes could reach)."""
    found = signature(fn).parameters.get(param)
    return found is not None and found.default is None


def _augmented_refusal(fn, param, user):
    """The message and hint of the run-time refusal of a number passed as ``user`` to
    ``fn``'s parameter ``param``, which ``fn`` updates with ``param op= ...``."""
    return (f"{fn.__name__} updates its parameter {param!r} with an augmented assignment "
            f"({param} += ..., {param} *= ...), which changes the caller's {user!r} in place when it is "
            f"an array, as s2sad follows, but here {user!r} is a number, for which it makes "
            f"a new value the caller never sees",
            f"pass an array, or return the new value from {fn.__name__} and assign it "
            f"({user} = {fn.__name__}(...))")


def _may_hold_none(fn_node, user):
    """Whether the name ``user`` of the function ``fn_node`` may hold None where a call
    passes it: a parameter (any caller may pass None), or a name some binding gives an
    expression holding the constant None or another such name (``ob = None``, ``ob =
    None if c else a``, ``b = ob``)."""
    params = {a.id for a in fn_node.args.args + fn_node.args.kwonlyargs
              if isinstance(a, gast.Name)}
    bound = {}
    for node in gast.walk(fn_node):
        if isinstance(node, (gast.Assign, gast.AnnAssign)) and node.value is not None:
            for target in getattr(node, "targets", None) or [node.target]:
                if isinstance(target, gast.Name):
                    bound.setdefault(target.id, []).append(node.value)
    seen = set()

    def may(name):
        if name in params:
            return True
        if name in seen:
            return False
        seen.add(name)
        for value in bound.get(name, ()):
            for sub in gast.walk(value):
                if isinstance(sub, gast.Constant) and sub.value is None:
                    return True
            if isinstance(value, gast.Name) and may(value.id):
                return True
        return False

    return may(user)
