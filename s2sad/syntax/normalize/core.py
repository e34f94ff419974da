"""Normalize: a fenced function -> SSA/ANF form.

Input: a :class:`ParsedFunction` that passed the fence.
Output: a :class:`NormalFunction` whose ``node`` is a ``gast.FunctionDef``
whose body holds only

* ``t = <op>`` where ``<op>`` is one operation on atoms: a binary or unary
  operator, a comparison, a call (callee resolved, annotated ``anno.CALLEE``),
  an attribute, a subscript, or a tuple/list literal;
* ``a, b = t`` (unpacking a tuple-valued name);
* ``<name>[<index>] = <atom>``: a write into an array the function owns
  (an argument it writes into is copied first, ``x_1 = np.copy(x)``);
* ``assert <atom>``;
* ``if <atom>: ... else: ...`` whose branches end by assigning every name the
  two branches disagree on (the merge, or "phi", copies);
* ``for <name> in range(<atoms>): ...`` and ``while <name>: ...`` whose
  ``anno.CARRIED`` names are copied in before the loop and assigned again at
  the end of the body; a ``while`` also counts its iterations in
  ``anno.TRIPS``;
* a final ``return <atom>`` or ``return (<atom>, ...)``.

Loops over arrays, ``enumerate`` and ``zip`` become loops over ``range``;
conditional expressions and ``and``/``or`` become ``if`` statements.

An *atom* is a ``Name``, a ``Constant``, or a dotted reference to a global
(``np.pi``).  Every name is assigned once: a user name assigned again gets a
new version (``x``, ``x_1``, ...), a plain copy ``y = x`` becomes an alias and
emits nothing.  Every statement carries ``anno.SOURCE``, the user statement it
came from, for the comments of the generated code.
"""

import builtins
import inspect
from dataclasses import dataclass, field
from typing import Any, Dict, List, Set

import gast

from ...checks import IMMUTABLE_TYPES, UNBOUND, check_bound, check_not_shared
from ...errors import SharedWriteError, UnsupportedSyntaxError
from ...rules import registry
from .. import anno, nodes
from ..desugar import desugar, read_after_loop
from ..names import Namer
from ..parse import is_user_function, record_path
from .callees import is_python_function
from .liveness import exposed_reads
from .dictforms import DictForms
from .dicts import DictWrites, constant_key, kind_name
from .entry import ArgumentCopies, check_local_functions
from .lists import ListChanges, list_mutation, mutated_lists
from .sharing import AliasRecorder
from .temps import subscript_base
from .writechecks import WriteChecks
from .views import held_names, writes_in_place
from .writes import op_symbol

_BINOP_NAMES = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
    gast.Pow: "power", gast.MatMult: "matmul", gast.FloorDiv: "floordiv",
    gast.Mod: "mod",
}
_UNARY_NAMES = {gast.USub: "neg", gast.UAdd: "pos", gast.Not: "negation", gast.Invert: "inverted"}
_BUILTIN_NAMES = frozenset(dir(builtins))

#: builtins whose result is an iterator (no len(), no items by position)
_ITERATOR_BUILTINS = (builtins.zip, builtins.enumerate, builtins.map, builtins.filter,
                      builtins.iter, builtins.reversed)


@dataclass
class NormalFunction:
    parsed: Any
    node: gast.FunctionDef
    params: List[str]
    namer: Namer
    free_names: Set[str] = field(default_factory=set)
    helpers: Dict[str, Any] = field(default_factory=dict)   # s2sad's own free names
    #: free name -> the object it denotes (names read by inlined helpers included)
    free_objects: Dict[str, Any] = field(default_factory=dict)
    #: free name -> the helper function of another module whose globals bind it
    free_sources: Dict[str, Any] = field(default_factory=dict)
    #: statements a generated function runs first, before it reads its arguments: the
    #: check that no argument shares memory with one the function writes into
    entry_checks: List[Any] = field(default_factory=list)
    #: (parameter, location) of defaults the generated text cannot spell (they read a
    #: name the module does not hold): given at run time, refused in a written module
    unwritten_defaults: List[Any] = field(default_factory=list)


def user_names(fn_node) -> Set[str]:
    """Every identifier the function mentions (parameters, locals, globals)."""
    return {node.id for node in nodes.names(fn_node)}


def normalize(parsed, callee=False, inline_helpers=False, kinds=None) -> NormalFunction:
    """``callee=True`` for a function a differentiated function calls: its arguments
    are the caller's values, so an update in place of one (``a[i] = v``, ``a += v``)
    would change the caller's array, which the caller's derivative would not see:
    it is refused with a location instead of copied.

    ``inline_helpers=True`` puts the body of each call of the user's own
    module-level functions (same module, no closure; see :func:`_inlinable`) in
    place of the call, so the result calls no user function: second derivatives
    (forward over the reverse code) need code without pullback closures.

    ``kinds``: ``{parameter: kind}`` (see ``analysis.kinds``), the structure of the
    arguments the code is made for, when known: an item write into a list parameter
    is a list's (``list_set``), into a dict parameter a dict's (``dict_set``), never
    an array's (``np.copy`` of a list makes an array of it).
    A tuple argument's changes are refused (Python raises there).
    """
    parsed.node = desugar(parsed.node, user_names(parsed.node))
    return _Normalizer(parsed, callee, inline_helpers, kinds).run()


class _Normalizer:
    def __init__(self, parsed, callee=False, inline_helpers=False, kinds=None):
        self.parsed = parsed
        # the parameters known to hold a list / a tuple (kinds of the actual arguments)
        self.param_sequences = {p: k[0] for p, k in (kinds or {}).items()
                                if isinstance(k, tuple) and k and k[0] in ("list", "tuple")}
        self.callee = callee
        self.inline_helpers = inline_helpers
        fn = parsed.node
        self.function_name = fn.name
        # keyword-only parameters (def f(x, *, k=2.0)) are parameters like the others;
        # the generated functions keep them keyword-only where the user's call reaches
        self.params = [a.id for a in fn.args.args + fn.args.kwonlyargs]
        self.root_params = frozenset(self.params)
        self.locals = {t.id for t in nodes.names(fn.body) if isinstance(t.ctx, gast.Store)}
        check_local_functions(fn, self.error)
        reserved = user_names(fn)
        # names an inlined helper of another module reads as its module's globals: a
        # local of this function never takes one (see new_version)
        self.foreign_globals: Set[str] = set()
        # id(helper function) -> its parsed source, for every helper that may be inlined
        self.helper_sources: Dict[int, Any] = {}
        if inline_helpers:   # the names of inlined helpers are never handed out as temps
            self.helper_sources = _reachable_helpers(parsed)
            for helper in self.helper_sources.values():
                names = user_names(helper.node)
                reserved |= names
                if helper.globals is not parsed.globals:
                    self.foreign_globals |= {n for n in names if n in helper.globals}
        self.namer = Namer(reserved | registry.HELPER_NAMES)
        self.root = parsed   # the differentiated function (self.parsed: the one inlined now)
        self.free_objects: Dict[str, Any] = {}
        self.free_sources: Dict[str, Any] = {}
        # while a helper's body is inlined: the caller's values bound to its parameters
        self.inlined_args: Set[str] = set()
        self.inlined_functions: List[Any] = []
        self.env: Dict[str, Any] = {p: nodes.name(p) for p in self.params}
        self.defined: Set[str] = set(self.params)   # SSA names defined so far
        self.loop_stack: List[Any] = []             # (key, SSA names defined before)
        self.loop_inside: Dict[int, Set[str]] = {}  # loop key -> SSA names defined in it
        self.loop_carried: Dict[int, List[str]] = {}  # loop key -> its carried SSA names
        self.writes = WriteChecks(self)   # writes checked when all is known
        # the names desugaring gave the result of an early return: set just before the
        # function (or an inlined body) ends, so no write happens while they hold a value
        self.return_names: Set[str] = {getattr(parsed.node, "s2sad_result", None)}
        # second order: the checks of the gradient code this function is (see
        # transform.second_order), else made by copy_written_arguments
        self.entry_checks: List[Any] = list(getattr(parsed, "entry_checks", ()))
        self.unwritten_defaults: List[Any] = []
        # SSA names that hold UNBOUND on some path (where Python leaves the user's name
        # unbound), and those of them a read on the current path has checked already
        self.maybe_unbound: Set[str] = set()
        self.checked: Set[str] = set()
        self.tree_cache: Dict[Any, Any] = {}   # for read_after_loop (the tree stays as it is)
        self.dicts: Set[str] = set()   # SSA names of dict literals
        # SSA names of iterators (zip(...), map(...)...): no len(), no items by position
        self.iterators: Set[str] = set()
        # the parameters the arguments' structure shows to be lists and dicts (a dict
        # parameter never rebound: dict item writes are found by user name)
        kinds = kinds or {}
        # what may hold what (views, copies, containers, helpers' results)
        self.aliases = AliasRecorder(p for p in self.params if kind_name(kinds.get(p)) == "list")
        # dict item writes, and the dict parameters never rebound
        self.dict_writes = DictWrites(self, {p for p in self.params if kind_name(
            kinds.get(p)) == "dict" and p not in self.locals})
        self.dict_forms = DictForms(self)   # dict(...), {**a}, {k: v for ...}, d.update
        self.entry = ArgumentCopies(self)   # the copies of written arguments
        # list changes; the parameters known to hold a tuple (a change of one is refused)
        self.lists = ListChanges(self, {p for p, k in self.param_sequences.items()
                                        if k == "tuple" and p in self.params})
        # SSA name -> SSA names certain to hold the very same object (a helper's result
        # that is its argument)
        self.same_object: Dict[str, Set[str]] = {}
        # a loop's carried SSA name -> (user name, its value on entry, the loop)
        self.carried_from: Dict[str, Any] = {}
        self.free_names: Set[str] = set()
        self.helpers: Dict[str, Any] = {}           # s2sad names the code reads (list_append...)
        self.local_functions: Dict[str, Any] = {}   # nested def / lambda bound to a name
        self.inlining: List[str] = []
        self.claimed: Set[str] = set()              # user names whose first version is taken
        # names put into a list or tuple somewhere: an in-place update would reach it
        # (appended to a list, or an item of a list/tuple literal bound to one name):
        # name -> the lines where that happens
        self.held_in_containers, self.loop_spans = _containers_and_loops(fn)
        self.out: List[Any] = []
        self.source = None

    # ------------------------------------------------------------ driver
    def run(self) -> NormalFunction:
        fn = self.parsed.node
        body = list(fn.body)
        if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]  # docstring
        if body and not self.callee:
            self.source = self.parsed.source_ref(body[0])
            self.entry.copy_written_arguments()
        for stmt in body:
            self.source = self.parsed.source_ref(stmt)
            self.statement(stmt)
        self.writes.check_writes()
        self.writes.check_dict_writes()
        positional = fn.args.args[len(fn.args.args) - len(fn.args.defaults):]
        defaults = [self.default(a.id, d) for a, d in zip(positional, fn.args.defaults)]
        kw_defaults = [d if d is None else self.default(a.id, d)
                       for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)]
        new = nodes.function(fn.name, [a.id for a in fn.args.args], self.out,
                             defaults=defaults, kwonly=[a.id for a in fn.args.kwonlyargs],
                             kw_defaults=kw_defaults)
        return NormalFunction(self.parsed, new, self.params, self.namer, self.free_names,
                              self.helpers, self.free_objects, self.free_sources,
                              self.entry_checks, self.unwritten_defaults)

    def default(self, param, default):
        """The default of ``param`` in the generated function, as written (``k=K``: the
        module names it reads are free names of the generated code).  A default that
        reads a name the module does not hold (a value of the enclosing function, a
        global deleted since) is ``None`` in the text: the function's own value is
        given when the code is compiled (see api), and a written module, which cannot
        hold it, is refused (``unwritten_defaults``)."""
        names = [n for n in nodes.names(default) if isinstance(n.ctx, gast.Load)]
        if any(not self.parsed.is_resolvable(n.id) for n in names):
            self.unwritten_defaults.append((param, self.parsed.location(default)))
            return nodes.const(None)
        for name in names:
            self.use_global(name.id, name)
        return nodes.clone(default)

    def error(self, message, node, hint=""):
        return UnsupportedSyntaxError(message, self.parsed.location(node), hint=hint)

    def emit(self, stmt):
        anno.set(stmt, anno.SOURCE, self.source)
        self.out.append(stmt)
        return stmt

    # ------------------------------------------------------------ blocks
    def block(self, stmts, prologue=None):
        """Normalize ``stmts`` into a fresh list (env changes stay in self.env)."""
        saved_out, saved_source, saved_checked = self.out, self.source, set(self.checked)
        self.out = []
        if prologue is not None:
            prologue()
        for stmt in stmts:
            self.source = self.parsed.source_ref(stmt)
            self.statement(stmt)
        out = self.out
        self.out, self.source, self.checked = saved_out, saved_source, saved_checked
        return out

    def unbound(self):
        """The atom of a user name's value on a path where Python leaves it unbound."""
        self.helpers["UNBOUND"] = UNBOUND
        return anno.set(nodes.name("UNBOUND"), "s2sad_unbound", True)

    def may_be_unbound(self, atom):
        """Whether ``atom`` may be the marker of an unbound name (made here: generated
        code read back for second order names UNBOUND without being unbound itself)."""
        return isinstance(atom, gast.Name) and (getattr(atom, "s2sad_unbound", False)
                                                or atom.id in self.maybe_unbound)

    def merge_copies(self, body, pairs, loop=False, back=None, coalesce=True):
        """Append ``target = atom`` for each pair, renaming atom's definition instead
        where that is the only use of a name defined in ``body``.

        In a loop body (``loop=True``) a carried name read earlier in the body
        keeps its copy: the backward sweep needs its old and new values apart.
        """
        targets = {t for t, _ in pairs}
        held = []
        for index, (target, atom) in enumerate(pairs):
            if isinstance(atom, gast.Name) and atom.id in targets and atom.id != target:
                # the copies act at once (a swap of carried names): read the old value
                # into a temporary before any of them overwrites it
                hold = self.namer.fresh(f"{atom.id}_old")
                self.aliases.hold(hold, atom.id)
                self.defined.add(hold)
                held.append(anno.set(nodes.assign(hold, nodes.clone(atom)), anno.SOURCE,
                                     self.source))
                pairs[index] = (target, nodes.name(hold))
        body.extend(held)
        sources = [a.id for _, a in pairs if isinstance(a, gast.Name)]
        for target, atom in pairs:
            body.append(anno.set(nodes.assign(target, nodes.clone(atom)), anno.SOURCE,
                                 self.source))
            if isinstance(atom, gast.Name):
                self.aliases.hold(target, atom.id, back)
        for target, atom in reversed(pairs):
            if coalesce and isinstance(atom, gast.Name) and sources.count(atom.id) == 1:
                _coalesce_copy(body, target, loop, self.aliases.list_values)

    def merge_copy(self, body, target, atom, coalesce=True):
        self.merge_copies(body, [(target, atom)], coalesce=coalesce)

    def if_statement(self, stmt):
        test = self.atom(stmt.test)
        self.branch(test, lambda: self.block(stmt.body), lambda: self.block(stmt.orelse))

    def branch(self, test, then_fn, else_fn, extra=None):
        """Emit ``if test`` with both branches normalized and their names merged."""
        before = dict(self.env)
        then_body = then_fn()
        then_env, self.env = self.env, dict(before)
        else_body = else_fn()
        else_env, self.env = self.env, dict(before)
        merged = sorted(u for u in set(then_env) | set(else_env)
                        if not _same_atom(then_env.get(u), else_env.get(u)))
        then_pairs, else_pairs = [], []
        shared = {}   # names holding one list on both paths (b = a; b.append(v)) share a phi
        for user in merged:
            key = (_atom_key(then_env.get(user)), _atom_key(else_env.get(user)))
            if None not in key and key in shared:
                self.env[user] = nodes.name(shared[key])
                continue
            phi = self.new_version(user)
            if any(isinstance(env.get(user), gast.Name) and env[user].id in self.aliases.list_values
                   for env in (then_env, else_env)):
                shared[key] = phi
                if all(isinstance(env.get(user), gast.Name)
                       and env[user].id in self.aliases.list_values for env in (then_env, else_env)):
                    self.aliases.list_values.add(phi)
            self.defined.add(phi)
            then_pairs.append((phi, then_env.get(user) or self.unbound()))
            else_pairs.append((phi, else_env.get(user) or self.unbound()))
            if self.may_be_unbound(then_pairs[-1][1]) or self.may_be_unbound(else_pairs[-1][1]):
                self.maybe_unbound.add(phi)
            self.env[user] = nodes.name(phi)
        for user in sorted(set(then_env) & set(else_env)):
            if user not in merged:   # both paths leave the same value (y = x on each side)
                self.env[user] = nodes.clone(then_env[user])
        self.merge_copies(then_body, then_pairs)
        self.merge_copies(else_body, else_pairs)
        self.emit(gast.If(test=test, body=then_body or [gast.Pass()], orelse=else_body))

    def carried_names(self, loop):
        """User names a loop assigns that hold a value before it or are read after it."""
        loop_names = nodes.names(loop)
        assigned = {n.id for n in loop_names if isinstance(n.ctx, gast.Store)}
        mutated = set().union(*(mutated_lists(s) for s in loop.body + loop.orelse))
        mutated |= self.lists.list_stores(loop)   # xs[i] = v on a list: a new version too
        # a list changed through a name the body binds to it (u = t; u.append(v) in
        # the loop): the copies are followed over the whole body, not one statement
        mutated |= self.lists.lists_changed_through(loop)
        if mutated:   # and the names holding the same list (they follow its changes)
            mutated = self.lists.changed_lists() & (mutated | {
                u for u, a in self.env.items() if isinstance(a, gast.Name)
                and any(isinstance(self.env.get(m), gast.Name) and self.env[m].id == a.id
                        for m in mutated)})
        assigned |= mutated
        assigned |= self.dict_writes.dict_roots(loop.body + loop.orelse)   # d[k] = v: d gets a new dict
        targets = set()
        if isinstance(loop, gast.For):
            targets = {n.id for n in nodes.names(loop.target)}
        inside = {id(n) for n in loop_names}
        read_outside = {n.id for n in nodes.names(self.parsed.node)
                        if isinstance(n.ctx, gast.Load) and id(n) not in inside}
        # a loop target keeps its last trip's value after the loop (its old value, or
        # none, after a loop that ran no trip): carried when that value may be read
        kept = {u for u in targets if u in read_outside
                and read_after_loop(self.parsed.node, loop, u, self.tree_cache)}
        # a name the body may read before a trip assigns it reads, from the second
        # trip on, what the trip before assigned
        early = exposed_reads(loop, assigned)
        return sorted({u for u in assigned - targets
                       if u in self.env or u in read_outside or u in early} | kept)

    def enter_loop(self, carried, loop):
        names = {}
        lists = {}   # a list two names hold as the loop starts -> their one carried name
        changed = self.lists.changed_lists() if carried else set()
        # (a name the loop assigns may hold something else than a list after a trip)
        extended = {id(n.target) for n in nodes.walk(loop) if isinstance(n, gast.AugAssign)
                    and isinstance(n.op, gast.Add)}   # (xs += ys keeps a list a list)
        # (a name the loop only binds to list displays, st = [a, b], stays a list)
        to_lists = {id(n.targets[0]) for n in nodes.walk(loop) if isinstance(n, gast.Assign)
                    and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name)
                    and isinstance(n.value, (gast.List, gast.ListComp))}
        stored = {n.id for n in nodes.names(loop) if isinstance(n.ctx, gast.Store)
                  and id(n) not in extended and id(n) not in to_lists}
        for user in carried:
            entry = self.env.get(user)
            if user in changed and isinstance(entry, gast.Name) and entry.id in lists:
                names[user] = lists[entry.id]   # it changes through either name
                self.env[user] = nodes.name(names[user])
                continue
            name = self.new_version(user)
            if user in changed and isinstance(entry, gast.Name) \
                    and entry.id in self.aliases.list_values:
                lists[entry.id] = name
            entry = entry or self.unbound()
            self.emit(nodes.assign(name, nodes.clone(entry)))
            self.defined.add(name)
            if isinstance(entry, gast.Name) and entry.id in self.aliases.list_values \
                    and user not in stored:
                self.aliases.list_values.add(name)
                self.aliases.list_items[name] = set(self.aliases.list_items.get(entry.id, ()))
            if self.may_be_unbound(entry):
                self.maybe_unbound.add(name)
            names[user] = name
            self.env[user] = nodes.name(name)
            self.carried_from[name] = (user, entry, loop)
            if isinstance(entry, gast.Name):
                self.aliases.hold(name, entry.id)
        self.loop_stack.append((id(loop), set(self.defined)))
        self.loop_carried[id(loop)] = sorted(set(names.values()))
        return names

    def leave_loop(self, body, names, before, loop=None):
        key, defined_before = self.loop_stack.pop()
        self.loop_inside[key] = self.defined - defined_before
        pairs, ends = [], {}
        for user, name in names.items():
            atom = self.env.get(user)
            if name in ends:   # two names of one list: they must hold one value again
                other, end = ends[name]
                if not _same_atom(atom, end):
                    raise self.error(
                        f"{other!r} and {user!r} hold the same list as the loop starts, and "
                        f"a trip leaves them holding different values: s2sad follows a list "
                        f"changed in a loop through names that keep holding it", loop,
                        hint=f"make one of them a list of its own before the loop "
                             f"({user} = list({other}))")
                continue
            ends[name] = (user, atom)
            if not (isinstance(atom, gast.Name) and atom.id == name):
                pairs.append((name, atom))
        self.merge_copies(body, pairs, loop=True, back=key)
        self.env = dict(before)
        for user, name in names.items():
            self.env[user] = nodes.name(name)

    def for_statement(self, stmt, extra_carried=()):
        iterable = stmt.iter
        callee = start = over = looped = None
        rebound = False
        if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) \
                and iterable.func.id not in self.env:
            callee = self.parsed.resolve(iterable.func.id, None)
        # reversed(range(...)), reversed(rows), reversed(list), also inside enumerate
        # and zip: the items of the sequence from its end (backwards[k] for sequence k)
        written = []   # the sequences as the code names them (a loop over a list it changes)
        if callee is builtins.range and not iterable.keywords:
            bounds = [self.atom(a) for a in iterable.args]
            sequences, kind = [], "range"
        elif callee is builtins.zip and not iterable.keywords:
            inner = [self.reversed_argument(a) for a in iterable.args]
            backwards = [r is not None for r in inner]
            written = [a if r is None else r for a, r in zip(iterable.args, inner)]
            sequences = [self.atom(a if r is None else r) for a, r in zip(iterable.args, inner)]
            kind = "zip"
        elif callee is builtins.enumerate and 1 <= len(iterable.args) <= 2 and all(
                kw.arg == "start" for kw in iterable.keywords) \
                and len(iterable.args) + len(iterable.keywords) <= 2:
            # enumerate(x, start): the index counts from start (read in the body);
            # enumerate(zip(a, b)): the index and the items of each sequence
            zipped = self.zip_arguments(iterable.args[0])
            parts = [iterable.args[0]] if zipped is None else zipped
            inner = [self.reversed_argument(a) for a in parts]
            backwards = [r is not None for r in inner]
            written = [a if r is None else r for a, r in zip(parts, inner)]
            sequences = [self.atom(a if r is None else r) for a, r in zip(parts, inner)]
            kind = "enumerate" if zipped is None else "enumerate_zip"
            start = (iterable.args[1:] or [kw.value for kw in iterable.keywords] or [None])[0]
            if start is not None:
                start = self.atom(start)   # evaluated once, before the loop, as Python does
        elif isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Attribute) \
                and iterable.func.attr in ("keys", "items", "values") and not iterable.args \
                and not iterable.keywords and not isinstance(iterable.func.value, gast.Name) \
                and self.global_path(iterable.func) is None:
            # p["enc"].items(): the dict read once, under a name of its own, then looped
            # over as d.items() is
            source = self.namer.fresh("source")
            self.env[source] = self.atom(iterable.func.value)
            named = gast.copy_location(nodes.name(source), iterable.func.value)
            loop = gast.copy_location(gast.For(
                target=stmt.target, iter=gast.copy_location(gast.Call(
                    func=gast.copy_location(gast.Attribute(value=named, attr=iterable.func.attr,
                                                           ctx=gast.Load()), iterable.func),
                    args=[], keywords=[]), iterable),
                body=stmt.body, orelse=stmt.orelse, type_comment=None), stmt)
            for name in ("s2sad_may_exit",):
                if hasattr(stmt, name):
                    setattr(loop, name, getattr(stmt, name))
            return self.for_statement(loop, extra_carried)
        elif (over := self.dict_iteration(iterable, stmt.target, stmt.body)) is not None:
            # for k in d / d.keys() / d.items() / d.values(): a loop over the keys (in
            # insertion order), each value read from the dict as the trip starts
            owner, kind = over
            looped = self.read_name(owner.id, owner)
            rebound = owner.id in {n.id for n in nodes.names(stmt.body)
                                   if isinstance(n.ctx, gast.Store)}
            if rebound and owner.id in self.dict_writes.dict_roots(stmt.body):
                raise self.error(
                    f"this loop over the dict {owner.id!r} both binds {owner.id!r} to another "
                    f"value and writes items into it: which dict each step reads is not "
                    f"followed", stmt.iter,
                    hint=f"loop over a copy (for k in list({owner.id})) or use another "
                         f"name for the new dict")
            keys = self.operation_value(anno.set(nodes.call("dict_keys", [
                nodes.clone(looped)]), "s2sad_call_site", iterable), "keys",
                registry.DICT_HELPERS["dict_keys"])
            self.helpers["dict_keys"] = registry.DICT_HELPERS["dict_keys"]
            sequences, backwards = [keys], [False]
        else:
            inner = self.reversed_argument(iterable)
            backwards = [inner is not None]
            written = [iterable if inner is None else inner]
            sequences, kind = [self.atom(iterable if inner is None else inner)], "items"
        for position, sequence in enumerate(sequences):
            if isinstance(sequence, gast.Name) and (sequence.id in self.dicts or any(
                    u in self.dict_writes.dict_names() and isinstance(a, gast.Name) and a.id == sequence.id
                    for u, a in self.env.items())):
                # zip(d, ...), enumerate(d), reversed(d): a dict's items are its keys
                helper = registry.DICT_HELPERS["dict_keys"]
                self.helpers["dict_keys"] = helper
                sequences[position] = self.operation_value(
                    nodes.call("dict_keys", [sequence]), "keys", helper)
            elif isinstance(sequence, gast.Name) and self.dict_writes.may_be_dict(sequence.id):
                # a value whose kind the code does not show (a parameter, an item of a
                # container, a helper's result): its keys if it is a dict, decided when
                # the code runs, else its items
                helper = registry.DICT_HELPERS["loop_items"]
                self.helpers["loop_items"] = helper
                items = self.operation_value(nodes.call("loop_items", [sequence]), "items",
                                             helper)
                self.aliases.link(items.id, sequence.id)   # (the very list, for a list)
                sequences[position] = items
        # a loop over an iterator bound to a name (pairs = zip(xs, ys)): over the list of
        # its items, which consumes it as the loop would
        sequences = [self.operation_value(nodes.call("list", [s]), "items", builtins.list)
                     if isinstance(s, gast.Name) and s.id in self.iterators else s
                     for s in sequences]
        if kind != "range":
            lengths = [self.operation_value(nodes.call("len", [nodes.clone(s)]), "n",
                                            builtins.len) for s in sequences]
            length = lengths[0]
            for other in lengths[1:]:
                length = self.operation_value(nodes.call("min", [length, other]), "n",
                                              builtins.min)
            bounds = [length]
            self.free_names.add("len")
            lasts = [self.operation_value(gast.BinOp(left=nodes.clone(n), op=gast.Sub(),
                                                     right=nodes.const(1)), "last")
                     if back else None for n, back in zip(lengths, backwards)]
        carried = sorted(set(self.carried_names(stmt)) | set(extra_carried))
        live = self.lists.changed_while_looped(stmt, written, sequences, carried)
        before = dict(self.env)
        names = self.enter_loop(carried, stmt)
        target = stmt.target
        if kind == "range":
            if not isinstance(target, gast.Name):
                raise self.error("a range loop's target must be a single name", target)
            index = self.new_version(target.id)
        else:
            index = self.namer.fresh("index")
        self.defined.add(index)
        self.env[index] = nodes.name(index)   # lets the desugared body read the index
        header_source = self.source

        def looped_now():
            # the dict the loop runs over as this step starts: the name's current value
            # when the body writes items into it, else the dict from before the loop
            # (the body may bind the name to another dict, as Python's loop ignores)
            return self.read_name(owner.id, owner) if not rebound else nodes.clone(looped)

        def prologue():
            self.source = header_source
            if kind == "range":
                self.env[target.id] = nodes.name(index)
                return
            # the items come from the sequences as they were before the loop (SSA atoms
            # captured above), even when the body rebinds the sequence's name
            items = []
            for k, (sequence, last) in enumerate(zip(sequences, lasts)):
                if k in live:   # a list the body writes items into: read as it is now
                    sequence = self.read_name(written[k].id, written[k])
                position = nodes.name(index)
                if last is not None:
                    position = self.operation_value(gast.BinOp(
                        left=nodes.clone(last), op=gast.Sub(), right=position), "position")
                items.append(nodes.subscript(nodes.clone(sequence), position))
            if kind in ("enumerate", "enumerate_zip"):
                if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                        and isinstance(target.elts[0], gast.Name)):
                    raise self.error("unpack enumerate() into two names", target)
                counter = nodes.name(index)
                if start is not None:
                    counter = nodes.name(self.operation(
                        gast.BinOp(left=nodes.name(index), op=gast.Add(), right=start)))
                self.env[target.elts[0].id] = counter
                if kind == "enumerate":
                    self.bind_item(target.elts[1], items[0])
                else:
                    inner_target = target.elts[1]
                    if not (isinstance(inner_target, gast.Tuple)
                            and len(inner_target.elts) == len(items)):
                        raise self.error("unpack zip() into one name per sequence",
                                         inner_target)
                    for elt, item in zip(inner_target.elts, items):
                        self.bind_item(elt, item)
            elif kind == "dict_values":
                key = self.namer.fresh("key")
                self.emit(nodes.assign(key, items[0]))
                self.defined.add(key)
                self.bind_item(target, nodes.subscript(looped_now(), nodes.name(key)))
            elif kind == "dict_items":
                if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                        and isinstance(target.elts[0], gast.Name)):
                    raise self.error("unpack .items() into two names: for k, v in "
                                     "d.items()", target)
                self.bind_item(target.elts[0], items[0])
                key = self.env[target.elts[0].id]
                self.bind_item(target.elts[1], nodes.subscript(looped_now(), nodes.clone(key)))
            elif kind == "zip":
                if not (isinstance(target, gast.Tuple) and len(target.elts) == len(items)):
                    raise self.error("unpack zip() into one name per sequence", target)
                for elt, item in zip(target.elts, items):
                    self.bind_item(elt, item)
            else:
                self.bind_item(target, items[0])

        body = self.block(stmt.body, prologue)
        if over is not None and over[0].id in self.dict_writes.dict_roots(stmt.body) \
                and not getattr(stmt, "s2sad_may_exit", False):
            # the body writes items into the dict it loops over: a new key changes its
            # size, and Python's loop raises RuntimeError then (at its next step; not
            # checked in a loop that may break or return, where no next step may come)
            helper = registry.DICT_HELPERS["dict_size_kept"]
            self.helpers["dict_size_kept"] = helper
            ok = self.namer.fresh("same_size")
            self.defined.add(ok)
            check = nodes.assign(ok, anno.set(nodes.call("dict_size_kept", [
                self.read_name(over[0].id, over[0]), nodes.clone(length)]), anno.CALLEE, helper))
            for new in (check, gast.Assert(test=nodes.name(ok), msg=None)):
                anno.set(new, anno.SOURCE, header_source)
                body.append(new)
        self.leave_loop(body, names, before, stmt)
        loop = gast.For(target=nodes.name(index, store=True),
                        iter=anno.set(nodes.call("range", bounds), anno.CALLEE, builtins.range),
                        body=body or [gast.Pass()], orelse=[], type_comment=None)
        anno.set(loop, anno.CARRIED, tuple(dict.fromkeys(names.values())))
        self.emit(loop)

    def dict_iteration(self, node, loop_target=None, body=()):
        """``(d, kind)`` when ``node`` is ``d`` (a name the code shows to be a dict),
        ``d.keys()``, ``d.items()`` or ``d.values()`` on a name, else None."""
        if isinstance(node, gast.Name) and node.id in self.dict_writes.dict_names():
            return node, "dict_keys"
        if isinstance(node, gast.Name) and isinstance(loop_target, gast.Name) and any(
                isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
                and n.value.id == node.id and isinstance(n.slice, gast.Name)
                and n.slice.id == loop_target.id for stmt in body for n in gast.walk(stmt)):
            # for k in p: ... p[k] ...: the items of p are its keys (refused when the
            # code runs if p is not a dict)
            return node, "dict_keys"
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in ("keys", "items", "values") and not node.args \
                and not node.keywords and isinstance(node.func.value, gast.Name):
            return node.func.value, f"dict_{node.func.attr}"
        return None

    def zip_arguments(self, node):
        """The sequences of ``zip(a, b, ...)`` (a plain call of the builtin), or None."""
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id not in self.env and not node.keywords \
                and self.parsed.resolve(node.func.id, None) is builtins.zip:
            return list(node.args)
        return None

    def reversed_argument(self, node):
        """``seq`` when ``node`` is ``reversed(seq)`` (the builtin), else None."""
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id not in self.env and len(node.args) == 1 \
                and not node.keywords \
                and self.parsed.resolve(node.func.id, None) is builtins.reversed:
            return node.args[0]
        return None

    def bind_item(self, target, item):
        """Bind a loop target to an already-normalized ``sequence[index]``."""
        if isinstance(target, gast.Name):
            name = self.new_version(target.id)
        else:
            name = self.namer.fresh("item")
        self.emit(nodes.assign(name, item))
        self.defined.add(name)
        self.aliases.track_views(name, item)
        if isinstance(target, gast.Name):
            self.env[target.id] = nodes.name(name)
        else:
            self.env[name] = nodes.name(name)   # read back by the unpacking below
            self.bind_target(target, nodes.name(name))

    def while_statement(self, stmt):
        carried = self.carried_names(stmt)
        before = dict(self.env)
        names = self.enter_loop(carried, stmt)
        trips = self.namer.fresh("n_iter")
        self.emit(nodes.assign(trips, nodes.const(0)))
        self.defined.add(trips)
        cond = self.namer.fresh("cond")
        self.defined.add(cond)
        # (a test that is a name, 'while xs:', keeps the name's own value: the loop
        # carries it besides the condition)
        named = isinstance(stmt.test, gast.Name)
        self.merge_copy(self.out, cond, self.atom(stmt.test), coalesce=not named)
        header_source = self.source

        def epilogue_source():
            self.source = header_source

        body = self.block(stmt.body)
        saved_out, self.out = self.out, body
        epilogue_source()
        again = self.atom(stmt.test)
        self.out = saved_out
        self.merge_copies(body, [(cond, again)], loop=True, coalesce=not named)
        counted = self.namer.version(trips)
        body.append(anno.set(nodes.assign(counted, gast.BinOp(
            left=nodes.name(trips), op=gast.Add(), right=nodes.const(1))), anno.SOURCE,
            header_source))
        self.merge_copies(body, [(trips, nodes.name(counted))], loop=True)
        self.leave_loop(body, names, before, stmt)
        loop = gast.While(test=nodes.name(cond), body=body, orelse=[])
        anno.set(loop, anno.CARRIED, tuple(dict.fromkeys(names.values())) + (cond, trips))
        anno.set(loop, anno.TRIPS, trips)
        self.emit(loop)

    def use_numpy(self, dotted, target=None):
        """Generated code calls ``np.<...>``: bind ``np`` to numpy unless the user's is.

        ``target``: the function the rule is for (a method ``x.sum()`` is computed as
        ``np.sum(x)``), which ``numpy.<...>`` must still be: generated code reads
        the attribute, so a replaced (monkeypatched) one would pair another
        function's call with the rule.
        """
        root, *attrs = dotted.split(".")
        import importlib
        numpy = importlib.import_module("numpy")
        if target is not None:
            obj = numpy
            for attr in attrs:
                obj = getattr(obj, attr, None)
            if obj is not target:
                raise UnsupportedSyntaxError(
                    f"numpy.{'.'.join(attrs)} is not numpy's own function now (it was replaced "
                    f"by {obj!r}), and s2sad computes an array method or attribute of this "
                    f"function with it", self.parsed.location(self.parsed.node),
                    hint=f"restore numpy.{'.'.join(attrs)}, or call your function by its "
                         f"own name")
            record_path(root, numpy, attrs, obj)
        mine = self.parsed.resolve(root, None)
        if mine is numpy:
            self.use_global(root, self.parsed.node)
        elif mine is None:
            self.helpers[root] = numpy
        else:
            raise UnsupportedSyntaxError(
                f"the name {root!r} is bound to {mine!r}, not numpy, but the method calls of "
                f"this function are written as numpy calls", self.parsed.location(
                    self.parsed.node), hint="import numpy as np in the function's module")

    def helper_call(self, fn, helper_name, args, user_name):
        """Emit ``<new version of user_name> = helper(args)`` for an s2sad helper."""
        self.helpers[helper_name] = fn
        name = self.new_version(user_name)
        self.emit(nodes.assign(name, anno.set(nodes.call(helper_name, args), anno.CALLEE, fn)))
        self.defined.add(name)
        return name

    def operation_value(self, value, base, callee=None):
        """Emit ``<fresh base> = value`` for an already-normalized value; return its Name."""
        if callee is not None:
            anno.set(value, anno.CALLEE, callee)
        name = self.namer.fresh(base)
        self.emit(nodes.assign(name, value))
        self.defined.add(name)
        return nodes.name(name)

    # -------------------------------------------------------- statements
    def statement(self, stmt):
        if anno.get(stmt, anno.UNPACK_CHECK) is not None:
            self.writes.check_unpacked(stmt)
        elif isinstance(stmt, gast.Assign):
            self.assign(stmt)
        elif isinstance(stmt, gast.AugAssign):
            self.aug_assign(stmt)
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is None:
                return
            self.bind_target(stmt.target, stmt.value)
        elif isinstance(stmt, gast.Return):
            value = stmt.value
            if isinstance(value, gast.Tuple):
                atom = nodes.tuple_([self.atom(e) for e in value.elts])
            elif _is_atomic(value) or isinstance(value, gast.Attribute):
                atom = self.atom(value)
            else:  # name the returned value after the function: loss = ...
                atom = nodes.name(self.operation(value, base=self.parsed.node.name))
            self.emit(nodes.ret(atom))
        elif isinstance(stmt, gast.Pass):
            return
        elif isinstance(stmt, gast.FunctionDef):   # a local function: inlined where called
            self.local_functions[stmt.name] = stmt
        elif isinstance(stmt, gast.If):
            self.if_statement(stmt)
        elif isinstance(stmt, gast.For):
            self.for_statement(stmt)
        elif isinstance(stmt, gast.While):
            self.while_statement(stmt)
        elif isinstance(stmt, gast.Assert):
            self.emit(gast.Assert(test=self.atom(stmt.test), msg=None))
        elif isinstance(stmt, gast.Expr) and list_mutation(stmt.value):
            self.lists.list_method(stmt.value)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and isinstance(stmt.value.func, gast.Attribute) \
                and isinstance(stmt.value.func.value, gast.Subscript) \
                and stmt.value.func.attr in ("append", "extend", "insert", "pop"):
            raise self.error(f"changing a list inside a container (.{stmt.value.func.attr}() "
                             f"on an item) is not supported: s2sad follows the changes of a "
                             f"list through the names that hold it", stmt,
                             hint="change the inner list under a name of its own, then put "
                                  "it into the container: inner.append(v); "
                                  "outer = [inner, ...]")
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and isinstance(stmt.value.func, gast.Attribute) \
                and stmt.value.func.attr == "update" \
                and isinstance(stmt.value.func.value, gast.Name) \
                and stmt.value.func.value.id in self.dict_writes.dict_names():
            self.dict_forms.dict_update(stmt)
        elif isinstance(stmt, gast.Expr):
            in_place = writes_in_place(stmt.value)
            if in_place is not None:
                raise self.error(in_place[0], stmt, hint=in_place[1])
            if isinstance(stmt.value, gast.Call):
                raise self.error("an expression statement discards the result of a call: s2sad "
                                 "cannot differentiate what a call does besides returning a "
                                 "value (print, logging, a write into an argument)", stmt,
                                 hint="remove the call if it only prints or logs; if it "
                                      "changes an array, compute the new array and assign "
                                      "it (a = f(a))")
            raise self.error("an expression statement has no effect on the result", stmt,
                             hint="remove the statement")
        else:
            raise self.error(f"'{type(stmt).__name__}' statements are not supported", stmt)

    def assign(self, stmt):
        if len(stmt.targets) == 1:
            self.bind_target(stmt.targets[0], stmt.value)
            return
        atom = self.atom(stmt.value)
        for target in stmt.targets:
            self.bind_atom(target, atom)

    def bind_target(self, target, value):
        if isinstance(target, gast.Name):
            self.bind_name(target.id, value)
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.bind_tuple(target, value)
        elif isinstance(target, gast.Subscript):
            self.store(target, self.atom(value))
        else:
            raise self.error(f"cannot assign to a {type(target).__name__}", target)

    # ------------------------------------------------------ array writes
    def store(self, target, value_atom):
        """``x[index] = value`` on an array this function owns."""
        if self.dict_writes.dict_store(target, value_atom):
            return
        base = target.value
        if not isinstance(base, gast.Name):
            root = base
            while isinstance(root, gast.Subscript):
                root = root.value
            held = self.env.get(root.id) if isinstance(root, gast.Name) else None
            if isinstance(held, gast.Name) and held.id in self.aliases.list_values:
                raise self.error(
                    f"writing into a value the list {root.id!r} holds "
                    f"({root.id}[...][...] = ...) changes it in place, for the list and "
                    f"every name holding that value: s2sad does not follow a write into "
                    f"an item of a list", target,
                    hint=f"build the new item and store it into the list: item = "
                         f"{root.id}[i].copy(); item[j] = ...; {root.id}[i] = item")
            raise self.error("write into one array at a time: x[i, j] = ..., not x[i][j] = ...",
                             target)
        current = self.read_name(base.id, base)
        if isinstance(current, gast.Name) and current.id in self.aliases.list_values \
                and isinstance(target.slice, gast.Slice) and target.slice.step is None:
            self.lists.list_slice_store(target, current, value_atom)
            return
        self.lists.refuse_tuple_change(base.id, current, target, "does not support item "
                                 "assignment", "TypeError")
        if isinstance(current, gast.Name) and current.id in self.aliases.list_values \
                and not isinstance(target.slice, (gast.Slice, gast.Tuple)):
            # xs[i] = v on a list: a new version of the list, as for xs.append(v)
            args = [current, self.atom(target.slice), value_atom]
            new = self.helper_call(registry.LIST_HELPERS["list_set"], "list_set", args,
                                   base.id)
            self.aliases.list_values.add(new)
            self.aliases.list_items[new] = set(self.aliases.list_items.get(current.id, ()))
            if isinstance(value_atom, gast.Name):
                self.aliases.list_items[new].add(value_atom.id)
                self.aliases.link(new, value_atom.id)
            self.aliases.link(new, current.id)
            self.lists.follow_list(base.id, current, new, target)
            return
        if isinstance(current, gast.Name) and (
                (self.callee and current.id in self.params) or current.id in self.inlined_args):
            fn = self.parsed.node.name
            raise self.error(
                f"{fn} writes into its argument {base.id!r} ({base.id}[...] = ...): that "
                f"changes the caller's array too, which s2sad does not follow into the caller",
                target, hint=f"write into a copy ({base.id} = np.copy({base.id}) first) and "
                             f"return it if the caller needs the new values")
        if not isinstance(current, gast.Name) or current.id not in self.defined \
                or current.id in self.params:
            if isinstance(current, gast.Name) and current.id not in self.defined:
                value = self.parsed.resolve(base.id, None)
                copy_of = ("dict" if isinstance(value, dict) else "list"
                           if isinstance(value, list) else "np.copy")
                raise self.error(
                    f"cannot write into {base.id!r}: it is defined outside the function, and "
                    f"the write would change it there, which the derivative cannot follow",
                    target, hint=f"write into a local copy under another name "
                                 f"(local = {copy_of}({base.id}))")
            raise self.error(f"cannot write into {base.id!r}: it is not an array this "
                             f"function created", target,
                             hint=f"make a copy first: {base.id} = np.copy({base.id})")
        line = getattr(target, "lineno", 0)
        for user, atom in sorted(self.env.items()):
            if user == base.id or not isinstance(atom, gast.Name):
                continue
            if self.writes.may_hold(atom.id, current.id) and self.writes.read_after(user, line, target):
                raise SharedWriteError(
                    f"writing into {base.id!r} would also change {user!r}, which shares its "
                    f"memory and is read later", self.parsed.location(target),
                    hint=f"make {user!r} a copy: {user} = np.copy(...)")
        for user, atom in sorted(self.env.items()):
            if isinstance(atom, gast.Name) and current.id in self.aliases.call_holds.get(atom.id, ()) \
                    and self.writes.read_after(user, line, target):
                raise self.error(
                    f"writing into {base.id!r} may also change {user!r}, which a function "
                    f"call made from it (and may share its memory), and {user!r} is read "
                    f"later", target,
                    hint=f"make {user!r} a copy (np.copy(...)), or write into a copy of "
                         f"{base.id!r}")
        self.writes.record_write(current.id, target, base.id)
        index = self.index(target.slice)
        self.emit(nodes.assign(nodes.subscript(nodes.clone(current), index, store=True),
                               value_atom))

    # ------------------------------------------------------ dict item writes
    def bind_name(self, user_name, value):
        if isinstance(value, gast.Lambda):   # a local function: inlined where called
            self.local_functions[user_name] = value
            return
        if _is_atomic(value) or (isinstance(value, gast.Attribute)
                                 and self.global_path(value) is not None):
            self.env[user_name] = self.atom(value)
            return
        result = self.operation(value, target=user_name)
        self.env[user_name] = nodes.name(result)

    def bind_atom(self, target, atom):
        if isinstance(target, gast.Name):
            self.env[target.id] = nodes.clone(atom)
        else:
            raise self.error("chained assignment to non-names is not supported", target)

    def bind_tuple(self, target, value):
        if any(isinstance(e, (gast.Tuple, gast.List)) for e in target.elts) and all(
                isinstance(n, (gast.Name, gast.Tuple, gast.List)) for e in target.elts
                for n in gast.walk(e) if not isinstance(n, (gast.Store, gast.Load))):
            self.bind_nested(target, value)
            return
        for elt in target.elts:
            if isinstance(elt, gast.Starred):
                raise self.error("starred unpacking is not supported", elt,
                                 hint="unpack every item by name")
            if not isinstance(elt, (gast.Name, gast.Subscript)):
                raise self.error("nested unpacking is not supported", elt,
                                 hint="unpack one level at a time")
        if any(isinstance(e, gast.Subscript) for e in target.elts):
            self.bind_tuple_items(target, value)
            return
        names = [e.id for e in target.elts]
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(names):
            # parallel assignment (a, b = b, a): evaluate every element, then bind
            results = []
            for user_name, elt in zip(names, value.elts):
                if _is_atomic(elt):
                    results.append(self.atom(elt))
                else:
                    results.append(nodes.name(self.operation(elt, target=user_name)))
            for user_name, atom in zip(names, results):
                self.env[user_name] = atom
            return
        source = self.atom(value)
        new = [self.new_version(n) for n in names]
        self.emit(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in new],
                                            store=True), source))
        for user_name, ssa in zip(names, new):
            self.env[user_name] = nodes.name(ssa)
            self.defined.add(ssa)
            if isinstance(source, gast.Name):
                # an item may hold what the tuple holds; whether it shares memory with
                # another item (or with an array it was made from) only the values
                # tell: a write they decide is checked when the code runs
                self.aliases.hold(ssa, source.id)
                self.aliases.maybe_links.add((ssa, source.id))

    def bind_nested(self, target, value):
        """``(a, b), c = value`` (names only, at any depth): the outer level into fresh
        names, then each inner target from its name, as Python unpacks them."""
        fresh = [self.namer.fresh("item") if isinstance(e, (gast.Tuple, gast.List)) else None
                 for e in target.elts]
        outer = gast.copy_location(gast.Tuple(
            elts=[gast.copy_location(nodes.name(f, store=True), e) if f else e
                  for f, e in zip(fresh, target.elts)], ctx=gast.Store()), target)
        self.bind_tuple(outer, value)
        for name, elt in zip(fresh, target.elts):
            if name is not None:
                self.bind_tuple(elt, nodes.name(name))
                self.env.pop(name, None)   # (not a user's name: no merge, no carry)

    def bind_tuple_items(self, target, value):
        """``a, y[i], y[j] = e1, e2, e3`` (or ``= t``): Python evaluates the right side
        first, then assigns the targets from left to right."""
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            atoms = [self.atom(e) for e in value.elts]
        else:
            source = self.atom(value)
            fresh = [self.namer.fresh("item") for _ in target.elts]
            self.emit(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in fresh],
                                                store=True), source))
            self.defined.update(fresh)
            atoms = [nodes.name(n) for n in fresh]
            for name in fresh:
                if isinstance(source, gast.Name):
                    self.aliases.hold(name, source.id)
                    self.aliases.maybe_links.add((name, source.id))
        for position, (elt, atom) in enumerate(zip(target.elts, atoms)):
            if isinstance(elt, gast.Name):
                self.env[elt.id] = atom
                continue
            base = self.read_name(elt.value.id, elt.value) \
                if isinstance(elt.value, gast.Name) else None
            later = [a for a in atoms[position + 1:] if isinstance(a, gast.Name)]
            if isinstance(base, gast.Name) and later:
                # a later item read from the right side may be a view of the array this
                # item writes into (rows of a matrix): Python's later assignment would
                # then store the changed row.  Refused when it runs, where it does
                self.helpers["check_not_shared"] = check_not_shared
                where = self.parsed.location(elt)
                for other in later:
                    call = nodes.call("check_not_shared", [
                        nodes.clone(base), nodes.clone(other), nodes.const(
                            f"writing into {elt.value.id!r} here changes a value the "
                            f"assignment stores next (a view of {elt.value.id!r}, such as "
                            f"a row of a matrix): Python stores the changed values"),
                        nodes.const("copy the right side's items first, e.g. "
                                    "a[0], a[1] = a[1].copy(), a[0].copy()"),
                        nodes.const(where.filename), nodes.const(where.line),
                        nodes.const(where.column)])
                    ok = self.namer.fresh("not_shared")
                    self.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, check_not_shared)))
                    self.defined.add(ok)
                    self.emit(gast.Assert(test=nodes.name(ok), msg=None))
            self.store(elt, atom)

    def aug_assign(self, stmt):
        target = stmt.target
        if isinstance(target, gast.Subscript) and self.dict_writes.is_dict_target(target):
            self.dict_writes.dict_item_update(stmt)
            return
        if isinstance(target, gast.Subscript):   # x[i] += v  ->  x[i] = x[i] + v
            self.writes.check_item_update(stmt)
            read = gast.Subscript(value=nodes.clone(target.value), slice=target.slice,
                                  ctx=gast.Load())
            gast.copy_location(read, target)
            total = gast.BinOp(left=read, op=stmt.op, right=stmt.value)
            self.store(target, nodes.name(self.operation(total)))
            return
        if not isinstance(target, gast.Name):
            raise self.error(f"cannot assign to a {type(target).__name__}", target)
        if isinstance(stmt.op, gast.BitOr) and (
                target.id in self.dict_writes.dict_names() or isinstance(stmt.value, (gast.Dict,
                                                                          gast.DictComp))):
            # d |= other on a dict is d.update(other): every name holding d sees it
            call = gast.Call(func=gast.Attribute(value=nodes.name(target.id), attr="update",
                                                 ctx=gast.Load()),
                             args=[stmt.value], keywords=[])
            for sub in (call, call.func, call.func.value):
                gast.copy_location(sub, stmt)
            self.dict_forms.dict_update(gast.copy_location(gast.Expr(value=call), stmt))
            return
        if self.writes.held_before(target.id, stmt.lineno):
            raise self.error(
                f"'{target.id} {op_symbol(stmt.op)}= ...' would also change the list or tuple "
                f"that holds {target.id!r} (for arrays, += writes in place)", stmt,
                hint=f"write '{target.id} = {target.id} {op_symbol(stmt.op)} ...' to make a "
                     f"new value")
        current = self.read_name(target.id, target)
        if isinstance(current, gast.Name) and current.id in self.aliases.list_values \
                and isinstance(stmt.op, gast.Add):
            # xs += ys on a list is xs.extend(ys): every name holding the list sees it
            call = gast.Call(func=gast.Attribute(value=nodes.name(target.id), attr="extend",
                                                 ctx=gast.Load()),
                             args=[stmt.value], keywords=[])
            gast.copy_location(call, stmt)
            gast.copy_location(call.func, stmt)
            gast.copy_location(call.func.value, stmt)
            self.lists.list_method(call)
            return
        if isinstance(current, gast.Name) and current.id in self.aliases.list_values \
                and isinstance(stmt.op, gast.Mult):
            # xs *= n on a list repeats it in place: every name holding the list sees it
            times = gast.copy_location(gast.BinOp(left=nodes.clone(target), op=gast.Mult(),
                                                  right=stmt.value), stmt)
            new = self.operation(times, base=f"{target.id}_new")
            self.lists.follow_list(target.id, current, new, stmt)
            return
        if isinstance(current, gast.Name):
            # Python's 'v op= e' updates in place exactly when v holds an array (or a
            # list): a number gets a new value.  Where v may share an array with another
            # name, whether it does is decided when the code runs (check_not_inplace)
            op = op_symbol(stmt.op)
            hint = f"write '{target.id} = {target.id} {op} ...' to make a new array"
            checked = False
            owner = self.writes.outside_owner(current.id, target.id)
            if owner is not None:
                message = (f"'{target.id} {op}= ...' may write into an array another name "
                           f"holds: {owner} (for arrays, {op}= writes in place)")
                if current.id not in self.defined:   # a global: its value is known now
                    if not isinstance(self.parsed.resolve(current.id, None), IMMUTABLE_TYPES):
                        raise self.error(message, stmt, hint=hint)
                else:
                    self.writes.check_not_inplace(current, message, hint, stmt)
                checked = True
            sharing = sorted(u for u, a in self.env.items()
                             if u != target.id and isinstance(a, gast.Name)
                             and (a.id == current.id or a.id in self.aliases.shares.get(current.id, ())))
            if sharing and not checked:
                self.writes.check_not_inplace(current, f"'{target.id} {op}= ...' may change "
                                       f"{sharing[0]!r} too, since the two may share memory",
                                       hint, stmt)
                checked = True
            # the may-alias analysis over every path (check_writes) fills in this
            # check's message, or drops it where no other array can be reached
            pending = None if checked else self.writes.check_not_inplace(current, "", hint, stmt)
            self.writes.record_write(current.id, stmt, target.id, stmt.op, pending)
        right = self.atom(stmt.value)
        result = self.new_version(target.id)
        self.emit(nodes.assign(result, anno.set(gast.BinOp(
            left=nodes.clone(current), op=stmt.op, right=right), anno.IN_PLACE, True)))
        self.defined.add(result)
        self.env[target.id] = nodes.name(result)

    # ------------------------------------------------------- expressions
    def new_version(self, user_name):
        if self.inline_helpers and (user_name in self.parsed.globals
                                    or user_name in self.foreign_globals):
            # an inlined helper may read the module's value of this name in the same
            # generated function: a local keeps a version of the name instead
            return self.namer.version(user_name)
        if user_name not in self.claimed and user_name not in self.params:
            self.claimed.add(user_name)
            return user_name
        return self.namer.version(user_name)

    def read_name(self, name, node):
        if name in self.env:
            atom = self.env[name]
            if self.may_be_unbound(atom) and atom.id not in self.checked:
                self.check_bound(name, atom, node)
            return nodes.clone(atom)
        if name in self.local_functions:
            raise self.error(f"the local function {name!r} can only be called here", node,
                             hint="define it at module level to pass it around as a value")
        if name in self.locals:
            # assigned later, or only on other paths: Python raises UnboundLocalError
            # if this read runs, so the generated code does the same
            atom = self.unbound()
            self.check_bound(name, atom, node)
            return atom
        try:
            self.parsed.resolve(name)
        except KeyError:
            raise self.error(f"name {name!r} is not defined", node,
                             hint="define it at module level or pass it in as an argument"
                             ) from None
        self.use_global(name, node)
        return nodes.name(name)

    def check_bound(self, user, atom, node):
        """Emit the run-time check that ``user`` (now ``atom``) holds a value, where
        Python raises UnboundLocalError on a path that left it unbound."""
        self.checked.add(atom.id)
        self.helpers["check_bound"] = check_bound
        where = self.parsed.location(node)
        ok = self.namer.fresh(f"{user}_bound")
        call = nodes.call("check_bound", [nodes.clone(atom), nodes.const(user),
                                          nodes.const(where.filename), nodes.const(where.line),
                                          nodes.const(where.column)])
        self.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, check_bound)))
        self.defined.add(ok)
        self.emit(gast.Assert(test=nodes.name(ok), msg=None))

    def use_global(self, name, node):
        """Record that the code reads the module's ``name``; an inlined helper may not
        read one the differentiated function takes as a parameter."""
        if self.inlined_functions and name in self.params:
            raise self.error(
                f"{self.inlined_functions[-1].__name__} reads the module's {name!r}, which "
                f"{self.function_name} takes as a parameter: its body cannot go in place "
                f"of the call for second derivatives", node,
                hint=f"rename the parameter or the global {name!r}")
        obj = self.parsed.resolve(name, None)
        if self.parsed is not self.root and self.parsed.globals is not self.root.globals:
            # a helper of another module: the name must mean one thing in the code
            # generated for both, and is read from the helper's module
            if self.free_objects.get(name, obj) is not obj:
                raise self.error(
                    f"{self.inlined_functions[-1].__name__} reads {name!r} from its module, "
                    f"where it is another object than the {name!r} the code read before: "
                    f"its body cannot go in place of the call for second derivatives", node,
                    hint=f"import {name!r} into one module from the other, or rename it")
            if self.root.resolve(name, None) is not obj:
                self.free_sources.setdefault(name, self.inlined_functions[-1])
        elif self.free_objects.get(name, obj) is not obj:
            raise self.error(
                f"{name!r} here is another object than the {name!r} an inlined helper of "
                f"another module reads: second derivatives cannot tell them apart", node,
                hint=f"import {name!r} into one module from the other, or rename it")
        self.free_objects.setdefault(name, obj)
        self.free_names.add(name)

    def atom(self, node):
        """Normalize ``node`` to an atom, emitting statements for its parts."""
        if isinstance(node, gast.Name):
            return self.read_name(node.id, node)
        if isinstance(node, gast.Constant):
            return nodes.const(node.value)
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(node.operand, gast.Constant) \
                and type(node.operand.value) in (int, float, complex):
            value = node.operand.value
            return nodes.const(-value if isinstance(node.op, gast.USub) else value)
        if isinstance(node, gast.Attribute) and self.global_path(node) is not None:
            self.resolve_path(node)
            return nodes.clone(node)
        return nodes.name(self.operation(node))

    def global_path(self, node):
        """``np.linalg.norm`` -> ["np", "linalg", "norm"] when rooted at a free name."""
        parts = []
        while isinstance(node, gast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, gast.Name) and node.id not in self.env and node.id not in self.locals:
            parts.append(node.id)
            return parts[::-1]
        return None

    def resolve_path(self, node):
        path = self.global_path(node)
        root = path[0]
        try:
            obj = self.parsed.resolve(root)
        except KeyError:
            raise self.error(f"name {root!r} is not defined", node) from None
        self.use_global(root, node)
        for part in path[1:]:
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise self.error(f"{'.'.join(path)} does not exist", node) from None
        record_path(root, self.parsed.func, path[1:], obj)   # rules are chosen by identity
        return obj

    def operation(self, node, target=None, base=None):
        """Emit one statement computing ``node``; return the name it assigns."""
        if isinstance(node, gast.Call):
            node = self.dict_forms.dict_call(node)
        if isinstance(node, gast.DictComp):
            return self.dict_forms.dict_comprehension(node, target)
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.BitOr) and any(
                isinstance(side, (gast.Dict, gast.DictComp)) or isinstance(side, gast.Name)
                and side.id in self.dict_writes.dict_names() for side in (node.left, node.right)):
            # d | {...}: a new dict with the items of both (the right one's win), as
            # {**d, **{...}}
            node = gast.copy_location(gast.Dict(keys=[None, None],
                                                values=[node.left, node.right]), node)
        named = base is not None
        base = target or base or _base_name(node)
        if isinstance(node, gast.BinOp):
            value = gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))
        elif isinstance(node, gast.UnaryOp):
            value = gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        elif isinstance(node, gast.Compare):
            if len(node.ops) != 1:
                raise self.error("chained comparisons are not supported", node,
                                 hint="compare two values at a time")
            value = gast.Compare(left=self.atom(node.left), ops=node.ops,
                                 comparators=[self.atom(node.comparators[0])])
        elif list_mutation(node) and node.func.attr == "pop" \
                and self.global_path(node.func) is None:
            return self.lists.list_method(node, target)
        elif isinstance(node, gast.Call) and (inline := self.inlined_body(node)) is not None:
            result = inline()
            if isinstance(result, gast.Name) and target is None:
                return result.id
            func = node.func
            name = self.new_version(target) if target else self.namer.fresh(
                func.id if isinstance(func, gast.Name) else func.attr)
            self.emit(nodes.assign(name, result))
            self.defined.add(name)
            if isinstance(result, gast.Name):
                self.aliases.hold(name, result.id)
                # (the helper returned its argument: the very object, which a change
                # through either name changes)
                self.same_object.setdefault(name, set()).add(result.id)
                self.same_object.setdefault(result.id, set()).add(name)
            return name
        elif isinstance(node, gast.Call):
            value = self.call(node)
            if target is None and not named:
                base = _call_base(value)
        elif isinstance(node, gast.Attribute) and self.global_path(node) is not None:
            value = self.atom(node)   # C.T, np.pi: a constant of the module
        elif isinstance(node, gast.Attribute):
            value = self.attribute(node)
            if target is None and not named:
                base = _attribute_base(node)
        elif isinstance(node, gast.Subscript):
            value = gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice),
                                   ctx=gast.Load())
            if target is None and not named:
                base = subscript_base(value)
        elif isinstance(node, (gast.Tuple, gast.List)):
            value = type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        elif isinstance(node, gast.Dict):
            if any(key is None for key in node.keys):
                return self.dict_forms.dict_unpacking(node, target)
            if not all(constant_key(k) for k in node.keys):
                return self.dict_forms.dict_display(node, target)
            # a key written twice keeps its first place and its last value, as in Python
            # (every value is still computed, in order)
            entries = {}
            for key, item in zip(node.keys, node.values):
                atom = self.atom(item)
                slot = (type(key.value), key.value)
                entries[slot] = (entries[slot][0] if slot in entries else key.value, atom)
            value = gast.Dict(keys=[nodes.const(k) for k, _ in entries.values()],
                              values=[v for _, v in entries.values()])
        elif isinstance(node, gast.ListComp):
            return self.list_comprehension(node)
        elif isinstance(node, gast.IfExp):
            return self.if_expression(node, target)
        elif isinstance(node, gast.BoolOp):
            return self.bool_operation(node, target)
        else:
            raise self.error(f"'{type(node).__name__}' expressions are not supported", node)
        name = self.new_version(target) if target else self.namer.fresh(base)
        self.emit(nodes.assign(name, value))
        self.defined.add(name)
        if isinstance(value, gast.Dict):
            self.dicts.add(name)
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
                and value.func.id not in self.env \
                and self.parsed.resolve(value.func.id, None) in _ITERATOR_BUILTINS:
            self.iterators.add(name)
        self.aliases.track_views(name, value)
        return name

    def bind_value(self, node, target, base):
        """Name ``node``'s value (an expression, or an atom that needs a statement)."""
        if _is_atomic(node):
            name = self.new_version(target) if target else self.namer.fresh(base)
            atom = self.atom(node)
            self.emit(nodes.assign(name, atom))
            self.defined.add(name)
            if isinstance(atom, gast.Name):
                self.aliases.hold(name, atom.id)
            return name
        return self.operation(node, target)

    def comprehension_loop(self, loop, result):
        """Run a comprehension's loop: its target names are its own (Python 3 gives a
        comprehension a scope), so the names keep the values they had before it."""
        targets = {n.id for n in nodes.names(loop.target)}
        saved = {t: self.env[t] for t in targets if t in self.env}
        self.for_statement(loop, extra_carried=(result,))
        for t in targets:
            if t in saved:
                self.env[t] = saved[t]
            else:
                self.env.pop(t, None)

    def list_comprehension(self, node):
        """``[e for x in xs if c]`` as a loop that appends to a fresh list."""
        if len(node.generators) != 1:
            raise self.error("list comprehensions with several 'for' clauses are not "
                             "supported", node, hint="nest two loops with append")
        gen = node.generators[0]
        result = self.namer.fresh("items")

        def located(new):
            for sub in gast.walk(new):
                gast.copy_location(sub, node)
                sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
            return new

        start = self.operation(located(gast.List(elts=[], ctx=gast.Load())), target=result)
        self.env[result] = nodes.name(start)
        append = gast.Expr(value=gast.Call(
            func=gast.Attribute(value=nodes.name(result), attr="append", ctx=gast.Load()),
            args=[node.elt], keywords=[]))
        body = [append]
        if gen.ifs:
            test = gen.ifs[0] if len(gen.ifs) == 1 else gast.BoolOp(op=gast.And(),
                                                                     values=gen.ifs)
            body = [gast.If(test=test, body=body, orelse=[])]
        loop = located(gast.For(target=gen.target, iter=gen.iter, body=body, orelse=[],
                                type_comment=None))
        self.comprehension_loop(loop, result)
        final = self.env.pop(result)
        return final.id

    def inlined_body(self, node):
        """For a call whose callee's body goes in its place (a local function; the
        user's helper when inlining them), what emits that body and returns the result
        atom; else None."""
        func = node.func
        if isinstance(func, gast.Name) and func.id in self.local_functions \
                and func.id not in self.env:
            return lambda: self.inline_call(node)
        helper = self.inlinable(node) if self.inline_helpers else None
        if helper is not None:
            return lambda: self.inline_helper(node, helper)
        return None

    def inline_call(self, node):
        """The body of a local function, in place of a call to it; returns the result atom."""
        name = node.func.id
        fn = self.local_functions[name]
        if name in self.inlining:
            raise self.error(f"the local function {name!r} calls itself", node,
                             hint="define recursive functions at module level")
        params = [a.id for a in fn.args.args]
        bound = self.bind_inlined_args(node, name, params, {})
        saved_env = dict(self.env)
        self.inlining.append(name)
        try:
            self.env.update(bound)
            if isinstance(fn, gast.Lambda):
                return self.atom(fn.body)
            return self.inline_body(fn, name)
        finally:
            self.inlining.pop()
            self.env = saved_env

    def bind_inlined_args(self, node, name, params, defaults, kwonly=()):
        """``{parameter: atom}`` for a call of an inlined function (``defaults``: the
        parameters with a default, as constants; ``kwonly``: its keyword-only ones)."""
        args = [self.atom(a) for a in node.args]
        keywords = {kw.arg: self.atom(kw.value) for kw in node.keywords if kw.arg}
        bound = dict(zip(params, args))
        spelled = ", ".join(params + (["*"] if kwonly else []) + list(kwonly))
        if len(args) > len(params) or any(kw.arg is None for kw in node.keywords) \
                or set(keywords) - set(params[len(args):]) - set(kwonly):
            raise self.error(f"the call does not match {name}({spelled})", node)
        bound.update(keywords)
        for param in list(params) + list(kwonly):
            if param not in bound and param in defaults:
                value = defaults[param]
                bound[param] = self.atom(value) if isinstance(value, gast.AST) \
                    else nodes.const(value)
        if len(bound) != len(params) + len(kwonly):
            raise self.error(f"the call does not match {name}({spelled})", node)
        return bound

    def inline_body(self, fn, name):
        """Normalize the body of the function ``fn`` (its parameters bound in the
        environment) into the current block; returns the atom of its result."""
        saved_source = self.source
        try:
            # the names the desugared body brings (loop indices, flags, renamed loop
            # targets) must be new here, and never handed out again afterwards
            inner = desugar(fn, user_names(fn) | set(self.env) | self.namer.taken())
            for introduced in user_names(inner) - user_names(fn):
                self.namer.reserve(introduced)
            self.return_names.add(getattr(inner, "s2sad_result", None))
            body = [s for s in inner.body if not (
                isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
            if not body or not isinstance(body[-1], gast.Return):
                raise self.error(f"the function {name!r} must end with a return", fn)
            for stmt in body[:-1]:
                self.source = self.parsed.source_ref(stmt)
                self.statement(stmt)
            self.source = self.parsed.source_ref(body[-1])
            value = body[-1].value
            if isinstance(value, gast.Tuple):
                return nodes.name(self.operation(gast.Tuple(elts=value.elts, ctx=gast.Load())))
            return self.atom(value)
        finally:
            self.source = saved_source

    def inlinable(self, node):
        """The user's module-level function ``node`` calls, if its body can go in place
        of the call (see :func:`_inlinable`), else None."""
        if self.global_path(node.func) is None \
                or any(isinstance(a, gast.Starred) for a in node.args):
            return None   # a local value, or *args at the call
        obj = _callee_of(node.func, self.parsed)   # helper(...), or models.helper(...)
        return obj if _inlinable(obj) else None

    def inline_helper(self, node, obj):
        """The body of the user's function ``obj`` in place of the call ``node``, in the
        function's own scope: its parameters bound to the call's atoms, nothing else."""
        from .. import fence
        if obj in self.inlined_functions:
            raise self.error(f"{obj.__name__} calls itself, so its body cannot be put in "
                             f"place of the call for second derivatives", node,
                             hint="write the recursion as a loop")
        # rebinding the name regenerates the code
        self.use_global(self.global_path(node.func)[0], node)
        helper = self.helper_sources[id(obj)]   # (parsed, its names reserved, at the start)
        fence.check(helper)
        fn = helper.node
        params = [a.id for a in fn.args.args]
        kwonly = [a.id for a in fn.args.kwonlyargs]
        # a default that is not a number, string or None (an array) is read where the
        # call runs, as Python does: helper.__defaults__[i], helper.__kwdefaults__[name]
        defaults = {}
        positional = len(obj.__defaults__ or ())
        for index, (name, value) in enumerate(_defaults_of(obj).items()):
            if type(value) in _CONSTANT_DEFAULTS:
                defaults[name] = value
            elif index < positional:
                defaults[name] = gast.Subscript(
                    value=nodes.attr(nodes.clone(node.func), "__defaults__"),
                    slice=nodes.const(index), ctx=gast.Load())
            else:
                defaults[name] = gast.Subscript(
                    value=nodes.attr(nodes.clone(node.func), "__kwdefaults__"),
                    slice=nodes.const(name), ctx=gast.Load())
            if isinstance(defaults[name], gast.AST):
                for sub in gast.walk(defaults[name]):
                    gast.copy_location(sub, node)
        bound = self.bind_inlined_args(node, obj.__name__, params, defaults, kwonly)
        saved = (self.env, self.parsed, self.locals, self.local_functions,
                 self.held_in_containers, self.loop_spans, self.inlined_args)
        self.env = dict(bound)
        self.parsed = helper
        self.locals = {t.id for t in nodes.names(fn.body) if isinstance(t.ctx, gast.Store)}
        check_local_functions(fn, self.error)
        self.local_functions = {}
        self.held_in_containers, self.loop_spans = _containers_and_loops(fn)
        self.inlined_args = self.inlined_args | {
            a.id for a in bound.values() if isinstance(a, gast.Name)}
        self.inlined_functions.append(obj)
        try:
            return self.inline_body(fn, obj.__name__)
        finally:
            self.inlined_functions.pop()
            (self.env, self.parsed, self.locals, self.local_functions,
             self.held_in_containers, self.loop_spans, self.inlined_args) = saved

    def choice(self, test, then_fn, else_fn, target, base):
        """``result = then_fn() if test else else_fn()`` as an if statement."""
        result = self.new_version(target) if target else self.namer.fresh(base)
        self.defined.add(result)
        atoms = []

        def arm(fn):
            def run():
                saved, self.out = self.out, []
                atom = fn()
                atoms.append(atom)
                out, self.out = self.out, saved
                self.merge_copy(out, result, atom)
                return out
            return run

        then_body = arm(then_fn)()
        else_body = arm(else_fn)()
        if all(isinstance(a, gast.Name) and a.id in self.aliases.list_values for a in atoms):
            # a list on both paths (a = b if c else [..]): an item write is a list's
            self.aliases.list_values.add(result)
            self.aliases.list_items[result] = set().union(*(self.aliases.list_items.get(a.id, set())
                                                    for a in atoms))
        self.emit(gast.If(test=test, body=then_body, orelse=else_body))
        return result

    def if_expression(self, node, target):
        test = self.atom(node.test)
        return self.choice(test, lambda: self.atom(node.body), lambda: self.atom(node.orelse),
                           target, "choice")

    def bool_operation(self, node, target):
        """``a and b`` / ``a or b`` with Python's short-circuit semantics."""
        first = self.atom(node.values[0])
        if len(node.values) > 2:
            rest = gast.BoolOp(op=node.op, values=node.values[1:])
        else:
            rest = node.values[1]
        if isinstance(first, gast.Constant):   # True and x -> x; False or x -> x; ...
            decided = bool(first.value) != isinstance(node.op, gast.And)
            if decided:
                return self.bind_value(first, target, "both")
            return self.bind_value(rest, target, "both")
        then_fn = (lambda: self.atom(rest)) if isinstance(node.op, gast.And) else (lambda: first)
        else_fn = (lambda: first) if isinstance(node.op, gast.And) else (lambda: self.atom(rest))
        return self.choice(first, then_fn, else_fn, target,
                           "both" if isinstance(node.op, gast.And) else "either")

    # ------------------------------------------------------ may-alias
    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(lower=node.lower and self.atom(node.lower),
                              upper=node.upper and self.atom(node.upper),
                              step=node.step and self.atom(node.step))
        if isinstance(node, gast.Tuple):
            return nodes.tuple_([self.index(e) for e in node.elts])
        return self.atom(node)

    def attribute(self, node):
        if self.global_path(node) is not None:
            raise AssertionError("global attribute paths are atoms")  # pragma: no cover
        owner = self.atom(node.value)
        if node.attr in registry.CONSTANT_ATTRIBUTES:
            return gast.Attribute(value=owner, attr=node.attr, ctx=gast.Load())
        if node.attr in registry.VIEW_ATTRIBUTES:
            target, dotted = registry.VIEW_ATTRIBUTES[node.attr]
            self.use_numpy(dotted, target)
            return anno.set(nodes.call(dotted, [owner]), anno.CALLEE, target)
        from ...rules.hints import attribute_hint
        raise self.error(f"the attribute '.{node.attr}' is not supported", node,
                         hint=attribute_hint(node.attr))

    def call(self, node):
        func = node.func
        if isinstance(func, gast.Attribute) and self.global_path(func) is None \
                and func.attr == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
            # d.get(key), d.get(key, default): a dict's (ndarrays have no .get)
            target = registry.DICT_HELPERS["dict_get"]
            self.helpers["dict_get"] = target
            call = nodes.call("dict_get", [self.atom(func.value)] +
                              [self.atom(a) for a in node.args])
            anno.set(call, anno.CALLEE, target)
            anno.set(call, "s2sad_call_site", node)
            return call
        if isinstance(func, gast.Attribute) and self.global_path(func) is None:
            # a method call on a local value: x.sum(axis=0) -> np.sum(x, axis=0)
            entry = registry.METHODS.get(func.attr)
            if entry is None:
                from ...rules.hints import method_hint
                raise self.error(f"the method '.{func.attr}()' is not supported", node,
                                 hint=method_hint(func.attr))
            target, dotted = entry
            owner = self.atom(func.value)
            self.use_numpy(dotted, target)
            callee_expr = nodes.dotted(dotted)
            args = [owner]
            if func.attr in ("reshape", "transpose") and len(node.args) > 1:
                args.append(nodes.tuple_([self.atom(a) for a in node.args]))
                extra = []
            else:
                extra = node.args
        elif isinstance(func, gast.Name):
            if func.id in self.env or func.id in self.locals:
                raise self.error(f"calling the local value {func.id!r} is not supported", node,
                                 hint="call the function by its global name")
            try:
                target = self.parsed.resolve(func.id)
            except KeyError:
                raise self.error(f"name {func.id!r} is not defined", node) from None
            self.use_global(func.id, node)
            callee_expr = nodes.name(func.id)
            args, extra = [], node.args
        elif isinstance(func, gast.Attribute):
            target = self.resolve_path(func)
            callee_expr = nodes.clone(func)
            args, extra = [], node.args
        else:
            raise self.error("only calls of named functions are supported", node)
        # a rule reads a list literal's items (np.stack([a, b])); a function of the
        # user's gets the list as a value, named like any other
        literals = not (is_user_function(target) and registry.lookup(target) is None)
        for arg in extra:
            if isinstance(arg, (gast.List, gast.Tuple)) and literals:
                args.append(type(arg)(elts=[self.atom(e) for e in arg.elts], ctx=gast.Load()))
            else:
                args.append(self.atom(arg))
        keywords = []
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error("'**' arguments are not supported", kw.value,
                                 hint="pass the keyword arguments by name")
            value = kw.value
            if isinstance(value, (gast.List, gast.Tuple)) and literals:
                value = type(value)(elts=[self.atom(e) for e in value.elts], ctx=gast.Load())
            else:
                value = self.atom(value)
            keywords.append((kw.arg, value))
        call = nodes.call(callee_expr, args, keywords)
        anno.set(call, anno.CALLEE, target)
        anno.set(call, "s2sad_call_site", node)
        return call


def _atom_key(atom):
    """A hashable stand-in for a Name atom (None for anything else)."""
    return atom.id if isinstance(atom, gast.Name) else None


def _same_atom(a, b):
    if a is None or b is None:
        return a is b
    if isinstance(a, gast.Name) and isinstance(b, gast.Name):
        return a.id == b.id
    if isinstance(a, gast.Constant) and isinstance(b, gast.Constant):
        return type(a.value) is type(b.value) and a.value == b.value
    return False


def _coalesce_copy(body, target, loop=False, lists=()):
    """Turn ``t = <op>; ...; target = t`` (the copy somewhere after) into
    ``target = <op>; ...`` when nothing but the copy reads t, and nothing
    between the definition and the copy reads or writes ``target``.  (In a loop,
    ``target = target + a`` stays a copy when ``t`` is a list in ``lists``: the
    adjoint of a concatenation splits at the old list's length, which the backward
    sweep reads from the tape.)"""
    copy_index = next((i for i in range(len(body) - 1, -1, -1)
                       if isinstance(body[i], gast.Assign)
                       and isinstance(body[i].targets[0], gast.Name)
                       and body[i].targets[0].id == target
                       and isinstance(body[i].value, gast.Name)), None)
    if copy_index is None:
        return
    source = body[copy_index].value.id
    for index in range(copy_index - 1, -1, -1):
        stmt = body[index]
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == source:
            between = body[index + 1:copy_index] + body[copy_index + 1:]
            names = {n.id for n in nodes.names(between)}
            if source in names or target in names:
                return
            if loop:
                earlier = {n.id for n in nodes.names(body[:index])
                           if isinstance(n.ctx, gast.Load)}
                reads_self = any(n.id == target for n in nodes.names(stmt.value))
                if target in earlier or (reads_self and not (
                        _accumulates(stmt, target) and source not in lists)):
                    return
            stmt.targets[0].id = target
            del body[copy_index]
            return
        if any(n.id == source for n in nodes.names(stmt)):
            return


def _accumulates(stmt, name):
    """``t = name + a`` or ``t = name - a``: an update whose adjoint needs no value."""
    value = stmt.value
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))):
        return False
    operands = [value.left, value.right]
    return any(isinstance(o, gast.Name) and o.id == name for o in operands)


def _is_atomic(node):
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
            and isinstance(node.operand, gast.Constant):
        return True
    return False


def _base_name(node):
    if isinstance(node, gast.BinOp):
        return _BINOP_NAMES.get(type(node.op), "binop")
    if isinstance(node, gast.UnaryOp):
        return _UNARY_NAMES.get(type(node.op), "unary")
    if isinstance(node, gast.Compare):
        return "cond"
    if isinstance(node, gast.Tuple):
        return "tup"
    if isinstance(node, gast.List):
        return "items"
    return "tmp"


def _call_base(call):
    func = call.func
    name = func.attr if isinstance(func, gast.Attribute) else func.id
    if name in _BUILTIN_NAMES and call.args and isinstance(call.args[0], gast.Name):
        return f"{name}_{call.args[0].id}"   # np.sum(x) -> sum_x, never shadowing sum
    return name


def _attribute_base(node):
    owner = node.value
    prefix = owner.id if isinstance(owner, gast.Name) else "value"
    return f"{prefix}_{node.attr}"


def _containers_and_loops(fn):
    """(name -> the lines where a list or tuple takes it, the (first, last) lines of
    each loop) in the function ``fn``: what in-place updates are checked against."""
    held = {}
    everything = nodes.walk(fn)
    for node in everything:
        items = []
        if isinstance(node, gast.Call) and list_mutation(node) and node.func.attr != "pop":
            items = node.args[-1:]
        elif isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, (gast.List, gast.Tuple)):
            items = node.value.elts
        for item in items:
            for name in held_names(item):
                held.setdefault(name, []).append(node.lineno)
    loops = [(n.lineno, getattr(n, "end_lineno", n.lineno))
             for n in everything if isinstance(n, (gast.For, gast.While))]
    return held, loops


_CONSTANT_DEFAULTS = (int, float, complex, bool, str, type(None))


def _inlinable(obj):
    """Whether the body of ``obj`` can go in place of a call to it: a plain function
    of the user's, without a closure, ``*args`` or ``**kwargs``.  (A default that is
    not a number, string or None must be passed by the call: see ``inlinable``;
    names its body reads from its module are checked where they are read: see
    ``use_global``.)"""
    import inspect
    if not is_python_function(obj) or obj.__closure__:
        return False
    code = obj.__code__
    return not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


def _defaults_of(obj):
    """``{parameter: default value}`` of the function ``obj`` (keyword-only ones too)."""
    code = obj.__code__
    positional = code.co_varnames[:code.co_argcount]
    found = dict(zip(positional[len(positional) - len(obj.__defaults__ or ()):],
                     obj.__defaults__ or ()))
    found.update(obj.__kwdefaults__ or {})
    return found


def _callee_of(func, parsed):
    """The object the callee expression ``func`` (``f`` or ``module.f``) names in
    ``parsed``'s scope, or None."""
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, gast.Name):
        return None
    obj = parsed.resolve(func.id, None)
    for part in reversed(path):
        if not inspect.ismodule(obj):
            return None
        obj = getattr(obj, part, None)
    if path:
        record_path(func.id, parsed.func, path[::-1], obj)
    return obj


def _reachable_helpers(parsed):
    """``{id(function): parsed}`` for the functions :func:`_inlinable` admits that
    ``parsed`` calls, directly or through each other."""
    from ..parse import parse_function
    found, todo = {}, [parsed]
    while todo:
        current = todo.pop()
        for node in nodes.walk(current.node):
            if isinstance(node, gast.Call):
                obj = _callee_of(node.func, current)
                if id(obj) not in found and _inlinable(obj):
                    found[id(obj)] = parse_function(obj)
                    todo.append(found[id(obj)])
    return found


