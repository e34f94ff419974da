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

The caller's tree is never changed: the walk reads a desugared copy of it.
:class:`_Normalizer` walks the statements and hands each job to a collaborator
made in its ``__init__``: :mod:`.flatten` (expressions, one operation per
statement), :mod:`.assign` (names bound, items written), :mod:`.scope` (SSA
versions, reads, merges), :mod:`.loops` with :mod:`.sequences` (loop lowering),
:mod:`.inline` (bodies in place of calls) and :mod:`.globals` (the module names
the code reads); :mod:`.callees` and :mod:`.trees` hold plain facts.
"""

import ast
import builtins
import copy
import inspect
from dataclasses import dataclass, field
from typing import Any, Dict, List, Set

import gast

from ...checks import (check_item_alone, check_item_update, check_not_inplace,
                      check_not_shared, check_unpacked)
from ...errors import SharedWriteError, UnsupportedSyntaxError
from ...rules import registry
from .. import anno, nodes
from ..desugar import desugar
from ..names import Namer
from ..parse import is_user_function
from .assign import Assignments
from .callees import (is_python_function, returned_display, returns_displays,
                      returns_item_of, returns_new_values, unread_parameters)
from .flatten import Flattener, subscript_base
from .globals import GlobalNames
from .inline import Inliner, helper_names, reachable_helpers
from .loops import Loops
from .scope import Scope
from .sequences import zip_arguments
from .trees import (VIEW_FUNCTIONS, closed_under_copies, containers_and_loops, is_atomic,
                    list_extensions, list_mutation, mutated_lists, op_symbol,
                    user_names)


#: ndarray methods that change the array they are called on -> what to write instead
_IN_PLACE_METHODS = {
    "fill": "a = np.full_like(a, value)", "sort": "a = np.sort(a)",
    "put": "a = a.copy(); a[indices] = values", "resize": "a = np.resize(a, shape)",
    "itemset": "a[index] = value", "setfield": "build the new array",
    "partition": "a = np.partition(a, k)", "setflags": "drop the call",
    "byteswap": "a = a.byteswap()", "shuffle": "a = rng.permutation(a)",
}
#: numpy functions that write into their first argument -> what to write instead
_IN_PLACE_FUNCTIONS = {
    "copyto": "a = b.copy() (or a = np.where(mask, b, a))", "put": "a[indices] = values",
    "place": "a = np.where(mask, values, a)", "putmask": "a = np.where(mask, values, a)",
    "fill_diagonal": "a[np.arange(n), np.arange(n)] = value",
}


def _writes_in_place(call):
    """(message, hint) when the discarded call ``call`` writes into an array (an
    ``out=`` argument, an in-place ndarray method, np.copyto...), else None."""
    if not isinstance(call, gast.Call):
        return None
    func = call.func
    parts, node = [], func
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, gast.Name) else "...")
    spelled = ".".join(reversed(parts))
    name = parts[0]
    out = [kw.value for kw in call.keywords if kw.arg == "out"]
    if out:
        target = out[0].id if isinstance(out[0], gast.Name) else "a"
        rest = gast.Call(func=func, args=call.args,
                         keywords=[kw for kw in call.keywords if kw.arg != "out"])
        try:
            import ast
            written = ast.unparse(gast.gast_to_ast(rest))
        except Exception:   # pragma: no cover - a hint only
            written = f"{spelled}(...)"
        return (f"'{spelled}(..., out=...)' writes its result into an array in place; s2sad "
                f"differentiates values, not writes through out=",
                f"assign the result instead: {target} = {written}")
    owner = func.value if isinstance(func, gast.Attribute) else None
    on_numpy = isinstance(owner, gast.Name) and owner.id in ("np", "numpy")
    if owner is not None and on_numpy and name in _IN_PLACE_FUNCTIONS:
        return (f"'{spelled}(a, ...)' writes into its first argument in place; s2sad "
                f"differentiates values, not such writes",
                f"compute the new array and assign it: {_IN_PLACE_FUNCTIONS[name]}")
    if owner is not None and not on_numpy and name in _IN_PLACE_METHODS:
        return (f"'.{name}()' changes the array it is called on in place, which s2sad "
                f"cannot differentiate",
                f"compute the new array and assign it: {_IN_PLACE_METHODS[name]}")
    return None


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


def normalize(parsed, callee=False, inline_helpers=False, kinds=None) -> NormalFunction:
    """``callee=True`` for a function a differentiated function calls: its arguments
    are the caller's values, so an update in place of one (``a[i] = v``, ``a += v``)
    would change the caller's array, which the caller's derivative would not see:
    it is refused with a location instead of copied.

    ``inline_helpers=True`` puts the body of each call of the user's own
    module-level functions (same module, no closure; see :func:`.inline.can_inline`) in
    place of the call, so the result calls no user function: second derivatives
    (forward over the reverse code) need code without pullback closures.

    ``kinds``: ``{parameter: kind}`` (see ``analysis.kinds``), the structure of the
    arguments the code is made for, when known: an item write into a list parameter
    is a list's (``list_set``), into a dict parameter a dict's (``dict_set``), never
    an array's (``np.copy`` of a list makes an array of it).
    A tuple argument's changes are refused (Python raises there).
    """
    return _Normalizer(_desugared(parsed), callee, inline_helpers, kinds).run()


def _desugared(parsed):
    """A shallow copy of ``parsed`` (its annotations, such as ``entry_checks``, kept)
    whose ``node`` is a desugared copy of the tree: the normalizer may annotate and
    relocate the nodes it reads, and the caller's tree must stay as it was."""
    view = copy.copy(parsed)
    tree = nodes.clone(parsed.node)
    view.node = desugar(tree, user_names(tree))
    return view


class _Normalizer:
    """The walk over one function's statements (see the module docstring): it holds
    the state every piece shares (the environment ``env`` of user name -> atom, the
    SSA names ``defined``, the block ``out`` being filled, the facts about lists,
    dicts and views) and dispatches each statement to its collaborator."""

    def __init__(self, parsed, callee=False, inline_helpers=False, kinds=None):
        self.parsed = parsed
        self.callee = callee
        self.inline_helpers = inline_helpers
        fn = parsed.node
        self.function_name = fn.name
        # keyword-only parameters (def f(x, *, k=2.0)) are parameters like the others;
        # the generated functions keep them keyword-only where the user's call reaches
        self.params = [a.id for a in fn.args.args + fn.args.kwonlyargs]
        self.root_params = frozenset(self.params)
        self.locals = {t.id for t in nodes.names(fn.body) if isinstance(t.ctx, gast.Store)}
        self.check_local_functions(fn)
        # the parameters known to hold a list / a tuple / a dict (a dict parameter never
        # rebound: dict item writes are found by user name)
        (self.param_sequences, list_params, self.param_dicts,
         self.tuple_params) = _argument_structure(self.params, self.locals, kinds or {})
        helpers = reachable_helpers(parsed) if inline_helpers else {}
        # (the names of inlined helpers are never handed out as temps; see helper_names)
        helper_reserved, self.foreign_globals = helper_names(parsed, helpers)
        self.inliner = Inliner(self, helpers)   # bodies of functions in place of calls
        self.namer = Namer(user_names(fn) | helper_reserved | registry.HELPER_NAMES)
        self.module_names = GlobalNames(self, parsed)   # the module names the code reads
        # while a helper's body is inlined: the caller's values bound to its parameters
        self.inlined_args: Set[str] = set()
        self.env: Dict[str, Any] = {p: nodes.name(p) for p in self.params}
        self.defined: Set[str] = set(self.params)   # SSA names defined so far
        self.shares: Dict[str, Set[str]] = {}        # SSA name -> names it may share memory with
        # the may-alias facts over every path (see may_share_memory): SSA name -> the
        # (name, loop or None) whose value it may hold (a copy, a merge of branches, a
        # loop-carried value, a view, an item of a container, a helper's result)
        self.holds: Dict[str, List[Any]] = {}
        # (name, source) of the holds where ``name = source[i]`` may be a view of
        # ``source`` or a value copied from it (a number, a fancy index): which one
        # only the values tell, so a write they decide is checked when the code runs
        self.maybe_links: Set[Any] = set()
        self.flat = Flattener(self)   # one operation per statement
        self.assigns = Assignments(self)   # names bound, items written
        self.scope = Scope(self)   # versions, reads and merges of the user's names
        self.loops = Loops(self)   # lowers the loops the walk meets
        self.loop_stack: List[Any] = []             # (key, SSA names defined before)
        self.loop_inside: Dict[int, Set[str]] = {}  # loop key -> SSA names defined in it
        self.loop_carried: Dict[int, List[str]] = {}  # loop key -> its carried SSA names
        self.writes: List[Any] = []                 # writes checked when all is known
        # the names desugaring gave the result of an early return: set just before the
        # function (or an inlined body) ends, so no write happens while they hold a value
        self.return_names: Set[str] = {getattr(parsed.node, "s2sad_result", None)}
        # second order: the checks of the gradient code this function is (see
        # transform.second_order), else made by copy_written_arguments
        self.entry_checks: List[Any] = list(getattr(parsed, "entry_checks", ()))
        self.unwritten_defaults: List[Any] = []
        self.tree_cache: Dict[Any, Any] = {}   # for read_after_loop (the tree stays as it is)
        self.dicts: Set[str] = set()   # SSA names of dict literals
        # SSA names of iterators (zip(...), map(...)...): no len(), no items by position
        self.iterators: Set[str] = set()
        # SSA name of a list (or tuple) -> SSA names of its items (put in, or read out):
        # a change of the list does not change them
        self.list_items: Dict[str, Set[str]] = {}
        self.list_values: Set[str] = set(list_params)   # SSA names certain to hold a list
        self.argument_copies: Set[str] = set()   # copies of arguments written by item
        # (new list, list): a new list holding the other's items (a[1:] of a list), not it
        self.list_copies: Set[tuple] = set()
        # SSA name -> SSA names certain to hold the very same object (a helper's result
        # that is its argument)
        self.same_object: Dict[str, Set[str]] = {}
        # dicts written by item (d[k] = v becomes d_1 = dict_set(d, k, v)): the holds
        # that put a value into a container (a literal's items, dict_set's dict and
        # value), the item reads (name -> (container, key)), and the item writes
        # checked once every path is known (see check_dict_writes)
        self.container_edges: Set[Any] = set()
        self.container_keys: Dict[Any, Any] = {}    # (dict, value) -> its key (None: unknown)
        self.item_edges: Dict[str, Any] = {}
        self.slices: Set[str] = set()   # SSA names of slices (xs[1:], x[:, 0])
        self.dict_writes: List[Any] = []
        self.dict_names_cache: Dict[int, Set[str]] = {}
        self.built_dicts: Set[str] = set()   # the dicts comprehensions fill
        self.building: Set[str] = set()   # those being filled now: no other name holds them
        # a loop's carried SSA name -> (user name, its value on entry, the loop)
        self.carried_from: Dict[str, Any] = {}
        # the result of a call of a user's function -> the argument names it may hold
        self.call_holds: Dict[str, Set[str]] = {}
        self.helpers: Dict[str, Any] = {}           # s2sad names the code reads (list_append...)
        self.local_functions: Dict[str, Any] = {}   # nested def / lambda bound to a name
        # names put into a list or tuple somewhere: an in-place update would reach it
        # (appended to a list, or an item of a list/tuple literal bound to one name):
        # name -> the lines where that happens
        self.held_in_containers, self.loop_spans = containers_and_loops(fn)
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
            self.copy_written_arguments()
        for stmt in body:
            self.source = self.parsed.source_ref(stmt)
            self.statement(stmt)
        self.check_writes()
        self.check_dict_writes()
        positional = fn.args.args[len(fn.args.args) - len(fn.args.defaults):]
        defaults = [self.default(a.id, d) for a, d in zip(positional, fn.args.defaults)]
        kw_defaults = [d if d is None else self.default(a.id, d)
                       for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)]
        new = nodes.function(fn.name, [a.id for a in fn.args.args], self.out,
                             defaults=defaults, kwonly=[a.id for a in fn.args.kwonlyargs],
                             kw_defaults=kw_defaults)
        return NormalFunction(self.parsed, new, self.params, self.namer,
                              self.module_names.free_names, self.helpers,
                              self.module_names.free_objects, self.module_names.free_sources,
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
            self.module_names.use_global(name.id, name)
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
        saved_out, saved_source, saved_checked = self.out, self.source, set(self.scope.checked)
        self.out = []
        if prologue is not None:
            prologue()
        for stmt in stmts:
            self.source = self.parsed.source_ref(stmt)
            self.statement(stmt)
        out = self.out
        self.out, self.source, self.scope.checked = saved_out, saved_source, saved_checked
        return out

    def list_stores(self, tree):
        """User names written by subscript in ``tree`` (xs[i] = v), or extended by
        ``xs += ys``, that hold a list now."""
        names = {n.value.id for n in nodes.walk(tree)
                 if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store)
                 and isinstance(n.value, gast.Name)}
        names |= list_extensions(tree)
        return {u for u in names if isinstance(self.env.get(u), gast.Name)
                and self.env[u].id in self.list_values}

    def changed_lists(self):
        """User names a list method or an item assignment may change, and the names
        copied to or from them."""
        tree = self.parsed.node
        return mutated_lists(tree, self.list_stores(tree) | self.lists_changed_through(tree))

    def lists_changed_through(self, tree):
        """User names holding a list now that ``tree`` may change through a name it
        binds to the list later (``u = t`` then ``u[i] = v`` or ``u += [v]``, in a loop
        body where ``u`` holds nothing yet as the loop starts)."""
        stored = {n.value.id for n in nodes.walk(tree) if isinstance(n, gast.Subscript)
                  and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)}
        through = mutated_lists(tree, stored | list_extensions(tree))
        return {u for u in through if isinstance(self.env.get(u), gast.Name)
                and self.env[u].id in self.list_values}

    def changed_while_looped(self, loop, written, sequences, carried):
        """The positions of the sequences a ``for`` loop runs over that are lists its
        body writes items into (through any name holding them): Python's loop reads
        such a list's item as each trip starts, so those trips read the list's current
        value.  A body that changes such a list's length (append, pop, insert, extend,
        +=), or binds its name to another value while writing into it, is refused."""
        live = set()
        body = loop.body + loop.orelse
        inside = [n for stmt in body for n in nodes.walk(stmt)]
        copies = [(t.id, n.value.id) for n in inside if isinstance(n, gast.Assign)
                  and isinstance(n.value, gast.Name) for t in n.targets
                  if isinstance(t, gast.Name)]
        for k, (node, sequence) in enumerate(zip(written, sequences)):
            if not (isinstance(node, gast.Name) and node.id in carried
                    and isinstance(sequence, gast.Name) and sequence.id in self.list_values):
                continue
            group = closed_under_copies({u for u, a in self.env.items()
                                          if isinstance(a, gast.Name) and a.id == sequence.id}
                                         | {node.id}, copies)
            sized = [n for n in inside if list_mutation(n)
                     and n.func.value.id in group] + [
                     n for n in inside if isinstance(n, gast.AugAssign)
                     and isinstance(n.target, gast.Name) and n.target.id in group]
            if sized:
                raise self.error(
                    f"this loop runs over the list {node.id!r} and its body changes the "
                    f"list's length: s2sad does not follow a list that grows or shrinks "
                    f"while a loop runs over it", sized[0],
                    hint=f"loop over a copy (for ... in list({node.id})) if the loop should "
                         f"see the items as they were, or loop over the positions with a "
                         f"while loop (i = 0; while i < len({node.id}): ...)")
            items_written = [n for n in inside if isinstance(n, gast.Subscript)
                             and isinstance(n.ctx, gast.Store)
                             and isinstance(n.value, gast.Name) and n.value.id in group]
            if not items_written:
                continue   # the name is only bound to another value: the loop ignores that
            rebound = [n for n in nodes.names(body) if isinstance(n.ctx, gast.Store)
                       and n.id == node.id]
            if rebound:
                raise self.error(
                    f"this loop runs over the list {node.id!r}, and its body both writes "
                    f"items into that list and binds {rebound[0].id!r} to a value: which "
                    f"list each step reads is not followed", rebound[0],
                    hint=f"loop over a copy (for ... in list({node.id})) or use another "
                         f"name for the other value")
            live.add(k)
        return live
    def may_be_dict(self, ssa):
        """Whether the SSA value ``ssa``, looped over, may be a dict the code does not
        show to be one: a parameter, an item read from a container (``p["enc"]``,
        ``ps[0]``, ``d.get(k)``), or the result of a call of the user's function.  A
        value the code made (an operation, a list, a slice) is not."""
        seen, todo = set(), [ssa]
        while todo:   # through copies, branches and loop-carried values
            current = todo.pop()
            if current in seen or current in self.list_values or current in self.iterators \
                    or current in self.dicts or current in self.slices:
                continue
            seen.add(current)
            if current in self.params or current in self.item_edges \
                    or current in self.call_holds or current in self.inlined_args:
                return True
            todo.extend(s for s, _ in self.holds.get(current, ()))
        return False

    # -------------------------------------------------------- statements
    def statement(self, stmt):
        if anno.get(stmt, anno.UNPACK_CHECK) is not None:
            self.check_unpacked(stmt)
        elif isinstance(stmt, gast.Assign):
            self.assigns.assign(stmt)
        elif isinstance(stmt, gast.AugAssign):
            self.assigns.aug_assign(stmt)
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is None:
                return
            self.assigns.bind_target(stmt.target, stmt.value)
        elif isinstance(stmt, gast.Return):
            value = stmt.value
            if isinstance(value, gast.Tuple):
                atom = nodes.tuple_([self.flat.atom(e) for e in value.elts])
            elif is_atomic(value) or isinstance(value, gast.Attribute):
                atom = self.flat.atom(value)
            else:  # name the returned value after the function: loss = ...
                atom = nodes.name(self.flat.operation(value, base=self.parsed.node.name))
            self.emit(nodes.ret(atom))
        elif isinstance(stmt, gast.Pass):
            return
        elif isinstance(stmt, gast.FunctionDef):   # a local function: inlined where called
            self.local_functions[stmt.name] = stmt
        elif isinstance(stmt, gast.If):
            self.scope.if_statement(stmt)
        elif isinstance(stmt, gast.For):
            self.loops.for_statement(stmt)
        elif isinstance(stmt, gast.While):
            self.loops.while_statement(stmt)
        elif isinstance(stmt, gast.Assert):
            self.emit(gast.Assert(test=self.flat.atom(stmt.test), msg=None))
        elif isinstance(stmt, gast.Expr) and list_mutation(stmt.value):
            self.list_method(stmt.value)
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
                and stmt.value.func.value.id in self.dict_names():
            self.dict_update(stmt)
        elif isinstance(stmt, gast.Expr):
            in_place = _writes_in_place(stmt.value)
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

    def list_method(self, call, target=None):
        """``xs.append(v)``, ``xs.extend(ys)``, ``xs.insert(i, v)``, ``xs.pop(i)``: a new
        version of the list (``xs_1 = list_append(xs, v)``...) that every name holding
        the list follows; ``xs.pop(i)`` reads ``xs[i]`` first and returns its name."""
        owner, method = call.func.value.id, call.func.attr
        if owner not in self.env and owner not in self.locals:
            what = "appending to" if method == "append" else f"calling .{method}() on"
            raise self.error(
                f"{what} {owner!r}, which is not a local name, would change a list outside "
                f"the function (Python keeps the change there; the derivative cannot "
                f"follow it)", call,
                hint=f"build a local list (items = list({owner}); items.{method}(...)), "
                     f"or move the call outside the function you differentiate")
        items = self.scope.read_name(owner, call.func.value)
        self.refuse_tuple_change(owner, items, call, f"has no .{method}() method",
                                 "AttributeError")
        args = [self.flat.atom(a) for a in call.args]
        popped = None
        if method == "append":
            helper, args = "list_append", [items] + args
        elif method == "extend":
            helper, args = "list_extend", [items] + args
        elif method == "insert":
            helper, args = "list_insert", [items] + args
        else:
            index = args[0] if args else nodes.const(-1)
            if isinstance(index, gast.Constant) and not isinstance(index.value, int) \
                    or isinstance(items, gast.Name) and items.id in self.dicts:
                key = getattr(index, "value", getattr(index, "id", "..."))
                raise self.error(f"{owner}.pop({key!r}): s2sad differentiates .pop() "
                                 f"of a list (by position) only", call,
                                 hint=f"read {owner}[key] and build what is left without it")
            read = gast.Subscript(value=nodes.name(owner), slice=nodes.clone(index),
                                  ctx=gast.Load())
            gast.copy_location(read, call)
            popped = nodes.name(self.flat.operation(read, target=target,
                                               base=None if target else f"{owner}_item"))
            helper, args = "list_delete", [items, nodes.clone(index), popped]
        fn = registry.LIST_HELPERS[helper]
        new = self.flat.helper_call(fn, helper, args, owner)
        self.list_values.add(new)
        if isinstance(items, gast.Name):
            self.list_items[new] = set(self.list_items.get(items.id, ()))
            self.list_items[new].update(a.id for a in args[1:] if isinstance(a, gast.Name))
        self.follow_list(owner, items, new, call)
        for held in args[:1] + args[-1:]:   # the list holds its items (and the old list's)
            if isinstance(held, gast.Name) and method != "pop":
                self.link(new, held.id)
        return None if popped is None else popped.id

    def list_slice_store(self, target, current, value_atom):
        """``xs[i:j] = ys`` on a list: the list becomes ``xs[:i] + list(ys) + xs[j:]``
        (its length may change), a new version every name holding it follows."""
        base = target.value.id
        lower, upper = target.slice.lower, target.slice.upper
        bounds = [-b.operand.value if isinstance(b, gast.UnaryOp)
                  and isinstance(b.op, gast.USub) and isinstance(b.operand, gast.Constant)
                  else b.value if isinstance(b, gast.Constant) else b
                  for b in (lower, upper) if b is not None]
        if not all(type(b) is int for b in bounds) or len(bounds) == 2 and (
                (bounds[0] < 0) != (bounds[1] < 0) or bounds[1] < bounds[0]):
            raise self.error(
                f"s2sad follows a slice assignment into the list {base!r} with constant "
                f"bounds of one sign, in order ({base}[1:3] = ..., {base}[:-1] = ...)",
                target, hint=f"build the new list: {base} = {base}[:i] + list(...) + "
                             f"{base}[j:]")
        temp = self.namer.fresh("items")   # the right side, read back by name below
        self.env[temp] = value_atom

        def name(id_):
            return gast.copy_location(gast.Name(id=id_, ctx=gast.Load(), annotation=None,
                                                type_comment=None), target)

        def part(lower, upper):
            read = gast.Subscript(value=name(base), slice=gast.Slice(
                lower=lower, upper=upper, step=None), ctx=gast.Load())
            return gast.copy_location(read, target)

        middle = gast.copy_location(gast.Call(func=name("list"), args=[name(temp)],
                                              keywords=[]), target)
        whole = middle
        if lower is not None:
            whole = gast.copy_location(gast.BinOp(left=part(None, lower), op=gast.Add(),
                                                  right=whole), target)
        if upper is not None:
            whole = gast.copy_location(gast.BinOp(left=whole, op=gast.Add(),
                                                  right=part(upper, None)), target)
        new = self.flat.operation(whole, base=f"{base}_new")
        self.env.pop(temp, None)
        self.list_values.add(new)
        self.list_items[new] = set(self.list_items.get(current.id, ()))
        self.hold(new, current.id)
        self.list_copies.add((new, current.id))
        self.follow_list(base, current, new, target)

    def refuse_tuple_change(self, user, current, node, what, python_error):
        """Refuse a change of a tuple argument (known from the arguments' structure):
        Python raises ``python_error`` there, so there is nothing to differentiate."""
        if isinstance(current, gast.Name) and current.id in self.tuple_params:
            raise self.error(
                f"{user!r} holds the tuple passed as {current.id!r}, and a tuple {what} "
                f"(Python raises {python_error} here)", node,
                hint=f"build a list of its items first ({user} = list({user})), or a new "
                     f"tuple ({user} = {user}[:i] + (value,) + {user}[i + 1:])")

    def follow_list(self, owner, old, new, node):
        """After a change of the list ``old`` through the name ``owner`` (now ``new``):
        every name that holds the same list holds the new one, as in Python.  A name
        that only may hold it (through a branch, a container, a loop) is refused where
        it is read later (see record_write)."""
        self.env[owner] = nodes.name(new)
        if isinstance(old, gast.Name):
            same, todo = set(), [old.id]
            while todo:
                current = todo.pop()
                if current not in same:
                    same.add(current)
                    todo.extend(self.same_object.get(current, ()))
            # (checked before the names holding the same list follow it: those are fine)
            self.record_write(old.id, node, owner, kind="list", same=same)
            for user, atom in list(self.env.items()):
                if user != owner and isinstance(atom, gast.Name) and atom.id in same:
                    self.env[user] = nodes.name(new)

    # ------------------------------------------------------ dict item writes
    def dict_names(self):
        """The user's names certain to hold a dict in the function being normalized."""
        node = self.parsed.node
        found = self.dict_names_cache.get(id(node))
        if found is None:
            found = self.dict_names_cache[id(node)] = _dict_names(node)
        return found

    def is_dict_target(self, target):
        """Is the subscript ``target`` an item of a dict: a string key, or a name the
        function's code shows to be a dict (a literal, a string key, a dict method)?"""
        key = target.slice
        if isinstance(key, gast.Constant) and isinstance(key.value, str):
            return True
        return isinstance(target.value, gast.Name) and (
            target.value.id in self.dict_names() or target.value.id in self.built_dicts
            or target.value.id in self.param_dicts)

    def dict_roots(self, stmts):
        """The names whose dicts the statements write items into (rebinding the name)."""
        found = set()
        for node in nodes.statements(stmts):
            targets = node.targets if isinstance(node, gast.Assign) else [
                node.target] if isinstance(node, (gast.AugAssign, gast.AnnAssign)) else []
            if isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) \
                    and isinstance(node.value.func, gast.Attribute) \
                    and node.value.func.attr == "update" \
                    and isinstance(node.value.func.value, gast.Name):
                found.add(node.value.func.value.id)
            for target in targets:
                for sub in gast.walk(target):
                    if isinstance(sub, gast.Subscript) and self.is_dict_target(sub):
                        root = sub.value
                        while isinstance(root, gast.Subscript):
                            root = root.value
                        if isinstance(root, gast.Name):
                            found.add(root.id)
        return found

    def dict_store(self, target, value_atom):
        """``d[key] = value`` on a dict: ``d_1 = dict_set(d, key, value)``, a new dict
        (a dict item write rebinds the item: no array is written into).  ``d[a][b] =
        value``: the inner dict's new version is stored into ``d`` the same way.  The
        names that may hold the same dict are checked in check_dict_writes.  Returns
        False where ``target`` is not known to be an item of a dict."""
        if not self.is_dict_target(target):
            return False
        base = target.value
        root = base
        while isinstance(root, gast.Subscript):
            root = root.value
        if not isinstance(root, gast.Name):
            raise self.error("write into a dict held by a name (d[k] = v)", target)
        if isinstance(base, gast.Subscript):
            if not self.is_dict_target(base):
                raise self.error(
                    "an item write into a dict held by a list, tuple or array is not "
                    "supported", target,
                    hint="write into a copy (inner = dict(xs[i]); inner[k] = v) and build "
                         "a new list or tuple holding it")
            inner = self.flat.atom(base)   # the inner dict, read from the outer one
            key = self.flat.index(target.slice)
            dict_set = registry.DICT_HELPERS["dict_set"]
            self.helpers["dict_set"] = dict_set
            name = self.namer.fresh(inner.id if isinstance(inner, gast.Name) else "item")
            self.emit(nodes.assign(name, anno.set(nodes.call("dict_set", [inner, key, value_atom]),
                                                  anno.CALLEE, dict_set)))
            self.defined.add(name)
            self.dict_link(name, inner, value_atom, key)
            twins = self.same_item_users(inner) if not self.loop_stack else []
            if isinstance(inner, gast.Name):
                self.record_dict_write(inner.id, root.id, target, skip=twins)
            for user in twins:   # layer = d["layer"] before: the same dict, written
                self.env[user] = nodes.name(name)
            return self.dict_store(base, nodes.name(name))
        current = self.scope.read_name(base.id, base)
        if isinstance(current, gast.Name) and (
                (self.callee and current.id in self.params) or current.id in self.inlined_args):
            fn = self.parsed.node.name
            raise self.error(
                f"{fn} writes an item into its argument {base.id!r} ({base.id}[...] = ...): "
                f"that changes the caller's dict too, which s2sad does not follow into the "
                f"caller", target, hint=f"write into a copy ({base.id} = dict({base.id}) "
                                        f"first) and return it if the caller needs it")
        if isinstance(current, gast.Name) and current.id not in self.defined:
            raise self.error(
                f"cannot write into {base.id!r}: it is defined outside the function, and "
                f"the write would change it there, which the derivative cannot follow",
                target, hint=f"write into a local copy under another name "
                             f"(local = dict({base.id}))")
        key = self.flat.index(target.slice)
        dict_set = registry.DICT_HELPERS["dict_set"]
        followed = []
        if isinstance(current, gast.Name) and not self.loop_stack:
            # names certain to hold this very dict (e = d, on every path: the same SSA
            # value) see the write: they are rebound to the new dict too
            followed = sorted(u for u, a in self.env.items() if u != base.id
                              and isinstance(a, gast.Name) and a.id == current.id)
            followed += [u for u in self.same_item_users(current)
                         if u != base.id and u not in followed]
        # inner = n["k"], or n = {"k": inner} (n unchanged since): the write shows in
        # n["k"] too, so n is given the new inner dict under "k" (and so on up)
        parents = self.holders_of(current) if not self.loop_stack and not self.callee else []
        chain, seen, todo = [], set(), [p for p, _ in parents]
        while todo:
            up = todo.pop()
            if up in seen:
                continue
            seen.add(up)
            chain += [u for u, a in self.env.items() if isinstance(a, gast.Name) and a.id == up]
            todo += [p for p, _ in self.holders_of(nodes.name(up))]
        if isinstance(current, gast.Name) and base.id not in self.building:
            self.record_dict_write(current.id, base.id, target, skip=followed + chain)
        new = self.flat.helper_call(dict_set, "dict_set", [current, key, value_atom], base.id)
        self.env[base.id] = nodes.name(new)
        for user in followed:
            self.env[user] = nodes.name(new)
        self.dict_link(new, current, value_atom, key)
        self.dicts.add(new)
        for parent, parent_key in parents:
            holders = sorted(u for u, a in self.env.items()
                             if isinstance(a, gast.Name) and a.id == parent)
            if not holders:
                continue   # no name holds that dict any longer
            outer = gast.Subscript(value=gast.copy_location(nodes.name(holders[0]), target),
                                   slice=nodes.const(parent_key), ctx=gast.Store())
            self.dict_store(gast.copy_location(outer, target), nodes.name(new))
        return True

    def holders_of(self, atom):
        """``(dict, key)``: the dicts some user's name holds now that certainly hold the
        dict ``atom`` under the constant ``key``: the one it was read from (``a =
        n["k"]``) and those made holding it (``n = {"k": a}``, ``n["k"] = a``)."""
        if not isinstance(atom, gast.Name):
            return []
        found = []
        if atom.id in self.item_edges:
            found.append(self.item_edges[atom.id])
        found += [(c, k) for (c, h), k in sorted(self.container_keys.items(), key=repr)
                  if h == atom.id and k is not _CONTENTS]
        held = {a.id for a in self.env.values() if isinstance(a, gast.Name)}
        return [(p, k) for p, k in found if isinstance(k, (str, int)) and p in held]

    def same_item_users(self, atom):
        """The user names holding the same item of the same dict value as ``atom``
        (``a = n["k"]``, ``b = n["k"]`` with ``n`` unchanged between): one object."""
        if not isinstance(atom, gast.Name) or atom.id not in self.item_edges:
            return []
        parent, key = self.item_edges[atom.id]
        if not isinstance(key, (str, int)):
            return []
        given = self.value_under(parent, key)
        return sorted(u for u, a in self.env.items() if isinstance(a, gast.Name)
                      and a.id != atom.id and (self.item_edges.get(a.id) == (parent, key)
                                               or a.id == given))

    def value_under(self, parent, key):
        """The value the dict ``parent`` certainly holds under the constant ``key`` (put
        there by its display or an item write), else None."""
        seen = set()
        while parent not in seen:
            seen.add(parent)
            mine = [(h, k) for (c, h), k in self.container_keys.items() if c == parent]
            direct = [h for h, k in mine if k == key and k is not _CONTENTS]
            if direct:
                return direct[0] if len(direct) == 1 else None
            if any(k is None for _, k in mine):
                return None   # something held under a key not known here
            olds = [h for h, k in mine if k is _CONTENTS]
            if len(olds) != 1:
                return None
            parent = olds[0]
        return None

    def sibling(self, name, key, closure, same):
        """Is ``name`` read as an item of one of the dicts ``key[0]``, under the key
        ``key[1]`` (either key unknown counts)?"""
        if name not in self.item_edges:
            return False
        parent, item_key = self.item_edges[name]
        return bool(closure(parent, same) & key[0]) and (
            None in (item_key, key[1]) or item_key == key[1])

    def dict_update(self, stmt):
        """``d.update({k: v, ...})``, ``d.update(k=v, ...)``: the values first, then one
        item write each; ``d.update(other)``: a loop writing ``d[k] = other[k]``."""
        call = stmt.value
        owner = call.func.value

        def item(key):
            return gast.copy_location(gast.Subscript(
                value=gast.copy_location(nodes.name(owner.id), owner), slice=key,
                ctx=gast.Store()), stmt)

        pairs = [(nodes.const(kw.arg), kw.value) for kw in call.keywords if kw.arg]
        if len(call.args) > 1 or any(kw.arg is None for kw in call.keywords):
            raise self.error("this form of .update() is not supported", stmt,
                             hint="pass one dict, or the new items as keywords")
        if call.args and isinstance(call.args[0], gast.Dict):
            pairs = list(zip(call.args[0].keys, call.args[0].values)) + pairs
        elif call.args:
            other = call.args[0]
            if pairs:
                raise self.error("this form of .update() is not supported", stmt,
                                 hint="update with the dict, then with the keywords: "
                                      "d.update(other); d.update(k=v)")
            if not isinstance(other, gast.Name) or other.id not in self.env:
                # d.update(p["inner"]): the other dict read once, under a name of its own
                source = self.namer.fresh("source")
                self.env[source] = self.flat.atom(other)
                other = gast.copy_location(nodes.name(source), other)
            key = self.namer.fresh("key")
            loop = gast.For(
                target=nodes.name(key, store=True),
                iter=gast.Call(func=gast.Attribute(value=nodes.clone(other), attr="keys",
                                                   ctx=gast.Load()), args=[], keywords=[]),
                body=[gast.Assign(targets=[item(nodes.name(key))], value=gast.Subscript(
                    value=nodes.clone(other), slice=nodes.name(key), ctx=gast.Load()),
                    type_comment=None)], orelse=[], type_comment=None)
            for sub in gast.walk(loop):
                gast.copy_location(sub, stmt)
                sub.end_lineno, sub.end_col_offset = stmt.end_lineno, stmt.end_col_offset
            self.loops.for_statement(loop)
            return
        values = [(key, self.flat.atom(value)) for key, value in pairs]
        for key, value in values:
            if not isinstance(key, gast.Constant):
                raise self.error("the keys of d.update({...}) must be constants", key)
            self.dict_store(item(nodes.const(key.value)), value)

    def dict_link(self, new, old, value, key=None):
        """``new = dict_set(old, key, value)``: ``new`` holds ``old``'s items and ``value``
        (a new dict: not the same object as ``old``)."""
        for held, under in ((old, _CONTENTS), (value, _key_of(key))):
            if isinstance(held, gast.Name):
                self.hold(new, held.id)
                self.container_edges.add((new, held.id))
                self.key_under(new, held.id, under)

    def key_under(self, container, held, key):
        """Record the key under which ``container`` holds ``held`` (None: unknown)."""
        pair = (container, held)
        if pair in self.container_keys and self.container_keys[pair] != key:
            key = None   # held under two keys
        self.container_keys[pair] = key

    def children(self, parents, key, closure, same):
        """The values the dicts ``parents`` may hold under ``key`` (None: any key), each
        with the values that are the same object: what ``parent[key]`` may be."""
        found, todo, seen = set(), list(parents), set()
        while todo:
            parent = todo.pop()
            if parent in seen:
                continue
            seen.add(parent)
            for (container, held), under in self.container_keys.items():
                if container != parent:
                    continue
                if under is _CONTENTS:   # dict_set's old dict: its items, bar the new key
                    todo.extend(closure(held, same))
                elif under is None or key is None or under == key:
                    found |= closure(held, same)
            for container, held in self.container_edges:
                if container == parent and (container, held) not in self.container_keys:
                    found |= closure(held, same)   # a list or tuple: any item
        return found

    def record_dict_write(self, written, user, node, skip=()):
        """Remember an item write into the dict ``written`` (the SSA value ``user``'s
        write reaches) with the other names read after it (but ``skip``, the names the
        write rebinds too), for check_dict_writes."""
        line = getattr(node, "lineno", 0)
        others = sorted((u, a.id) for u, a in self.env.items()
                        if u != user and u not in skip and isinstance(a, gast.Name)
                        and a.id != "UNBOUND"
                        and u not in self.return_names and self.read_after(u, line, node))
        self.dict_writes.append((written, user, others, self.parsed.location(node)))

    def check_dict_writes(self):
        """Refuse an item write into a dict (made a new dict in generated code) when
        another name read later may hold the same dict object, on some path: Python's
        write would change what that name reads, the new dict would not.  Names that
        hold the dict (a copy ``e = d``, a branch, a loop-carried value, a container
        holding it) count, and for a dict that is an item of another one (``d["a"]``,
        ``inner = outer["a"]``), the names that hold that other one or read the same
        item from it."""
        if not self.dict_writes:
            return
        same, reach = {}, {}
        for name, sources in self.holds.items():
            for source, _ in sources:
                if self.item_edges.get(name, (None,))[0] == source:
                    continue   # name = source[key]: an item, not the container
                reach.setdefault(name, set()).add(source)
                if (name, source) not in self.container_edges:
                    same.setdefault(name, set()).add(source)

        cache = {}

        def closure(start, edges):
            found = cache.get((start, id(edges)))
            if found is not None:
                return found
            seen, todo = set(), [start]
            while todo:
                n = todo.pop()
                if n not in seen:
                    seen.add(n)
                    todo.extend(edges.get(n, ()))
            cache[(start, id(edges))] = frozenset(seen)
            return cache[(start, id(edges))]

        for written, user, others, where in self.dict_writes:
            todo, done = [(frozenset(closure(written, same)), None)], []
            while todo:
                objects, key = todo.pop()
                if (objects, key) in done:
                    continue
                done.append((objects, key))
                for other, atom in others:
                    if atom == written or closure(atom, reach) & objects:
                        reason = f"{other!r} may hold that dict"
                    elif key is not None and any(
                            self.sibling(m, key, closure, same) for m in closure(atom, reach)):
                        reason = f"{other!r} may hold the same inner dict"
                    else:
                        continue
                    raise UnsupportedSyntaxError(
                        f"writing an item into {user!r} would also change {other!r}, which "
                        f"is read later: {reason} (through a copy, a branch, an earlier loop "
                        f"trip or a container), and s2sad writes dict items into a new dict",
                        where, hint=f"make {user!r} a dict of its own before the write "
                                    f"({user} = dict({user})), or read {other!r} before it")
                for m in objects:
                    if m in self.item_edges:   # an item of another dict: protect that one
                        parent, item_key = self.item_edges[m]
                        parents = frozenset(closure(parent, same))
                        todo.append((parents, None))
                        todo.append((objects, (parents, item_key)))
                        # and the value the parent was given under that key is this dict
                        held = self.children(parents, item_key, closure, same)
                        if held - objects:
                            todo.append((frozenset(objects | held), key))

    def may_hold(self, ssa, array):
        """Whether the SSA name ``ssa`` may hold the array ``array`` or a view of it:
        the same value, a value linked to it, or (a loop-carried name, after a loop
        that may run no trip) the value it entered the loop with."""
        seen = set()
        while ssa not in seen:
            seen.add(ssa)
            if ssa == array or ssa in self.shares.get(array, ()):
                return True
            carried = self.carried_from.get(ssa)
            if carried is None or not isinstance(carried[1], gast.Name):
                return False
            ssa = carried[1].id
        return False

    def held_before(self, user, line):
        """Was ``user`` put into a list or tuple before ``line`` (or in a loop around it)?"""
        for held in self.held_in_containers.get(user, ()):
            if held < line or any(s <= line <= e and s <= held <= e for s, e in self.loop_spans):
                return True
        return False

    def read_after(self, user, line, node=None):
        """May ``user`` be read after the statement holding ``node`` (at source line
        ``line``) before it is bound again, on some path (the next trips of the loops
        around it included)?  Where the statement is not found in the function's
        tree: is ``user`` read after ``line``, or anywhere in an enclosing loop?"""
        if node is not None:
            found = _live_after(self.parsed.node, node, user, self.tree_cache)
            if found is not None:
                return found
        start = min((s for s, e in self.loop_spans if s <= line <= e), default=line)
        return any(n.id == user and isinstance(n.ctx, gast.Load)
                   and (getattr(n, "lineno", 0) > line or getattr(n, "lineno", 0) >= start
                        and start != line)
                   for n in nodes.names(self.parsed.node))

    def check_unshared_on_entry(self, written, outside, dicts=None):
        """Add ``ensure_unshared(...)`` to the entry checks: no argument (nor global or
        closure value in ``outside``) may share memory with one the function writes
        into (``written``: parameter -> line of the first write), nor hold a dict it
        writes items into (``dicts``, the same form)."""
        def table(pairs):
            return gast.Dict(keys=[nodes.const(k) for k, _ in pairs],
                             values=[v for _, v in pairs])
        args = [nodes.const(self.function_name),
                table([(p, nodes.const(written[p])) for p in sorted(written)]),
                table([(p, nodes.name(p)) for p in self.params])]
        if outside:
            for name in outside:
                self.module_names.use_global(name, self.parsed.node)
            args.append(table([(n, nodes.name(n)) for n in outside]))
        keywords = [("dicts", table([(p, nodes.const(dicts[p])) for p in sorted(dicts)]))] \
            if dicts else []
        self.entry_checks.append(nodes.expr_stmt(nodes.call("ensure_unshared", args, keywords)))

    def copy_written_arguments(self):
        """Arguments the function writes into are copied once, at the start."""
        first_lines, dict_lines = {}, {}
        # an item write into a dict makes a new dict (see dict_store): the caller's dict
        # is never changed, so it needs no copy; an argument that is (or holds) the same
        # dict is refused when the code runs (ensure_own_dicts)
        dict_roots = self.dict_roots(self.parsed.node.body)
        for t in nodes.walk(self.parsed.node):
            if isinstance(t, gast.Subscript) and isinstance(t.ctx, gast.Store) \
                    and isinstance(t.value, gast.Name) and t.value.id in self.params:
                line = self.parsed.location(t).line
                lines = dict_lines if t.value.id in dict_roots else first_lines
                lines[t.value.id] = min(line, lines.get(t.value.id, line))
        for t in nodes.walk(self.parsed.node):   # d[a][b] = v on a parameter d
            if isinstance(t, gast.Subscript) and isinstance(t.ctx, gast.Store) \
                    and isinstance(t.value, gast.Subscript):
                root = t.value
                while isinstance(root, gast.Subscript):
                    root = root.value
                if isinstance(root, gast.Name) and root.id in self.params \
                        and root.id in dict_roots:
                    line = self.parsed.location(t).line
                    dict_lines[root.id] = min(line, dict_lines.get(root.id, line))
        for user in sorted(dict_lines):
            if user in first_lines:   # written as a dict and as an array: not one kind
                dict_lines.pop(user)
        outside = self.outside_values() if dict_lines else []
        if dict_lines and (len(self.params) > 1 or outside):
            self.check_unshared_on_entry({}, outside, dicts=dict_lines)
        written = sorted({t.value.id for t in nodes.walk(self.parsed.node)
                          if isinstance(t, gast.Subscript) and isinstance(t.ctx, gast.Store)
                          and isinstance(t.value, gast.Name)} - set(dict_lines))
        # 'x op= ...' on an argument: computed into a new value (the caller's array
        # stays as it is, as with the copies below), so the other arguments and the
        # module's arrays sharing its memory would not see the update either
        for t in nodes.walk(self.parsed.node):
            if isinstance(t, gast.AugAssign) and isinstance(t.target, gast.Name) \
                    and t.target.id in self.params:
                line = self.parsed.location(t).line
                first_lines[t.target.id] = min(line, first_lines.get(t.target.id, line))
        # a list the function changes by a method (xs.append(v)...), or through a name
        # holding it (b = xs; b.append(v)): copied too (shallowly), the caller's list
        # stays as it is
        changed = mutated_lists(self.parsed.node) & set(self.params) - self.tuple_params
        # b = a; b += [w] on a list argument (known from the arguments): b.extend([w])
        changed |= mutated_lists(self.parsed.node, list_extensions(self.parsed.node)) & {
            p for p in self.params if self.param_sequences.get(p) == "list"}
        written = [u for u in written if u not in self.tuple_params]
        # and a list parameter written by item (xs[i] = v: list_set on the copy)
        changed |= {user for user in written if user in self.list_values}
        for t in nodes.walk(self.parsed.node):
            if list_mutation(t) and t.func.value.id in changed:
                line = self.parsed.location(t).line
                first_lines[t.func.value.id] = min(line, first_lines.get(t.func.value.id, line))
        outside = self.outside_values() if first_lines else []
        if first_lines and (len(self.params) > 1 or outside):
            # the copies below are what the function writes into, so an argument (or a
            # global or closure value the function reads) that shares memory with one
            # of them would not see the writes Python's call makes it see: refused when
            # the code runs (nothing runs when no argument is written)
            self.check_unshared_on_entry(first_lines, outside)
        for user in sorted(changed):
            name = self.scope.new_version(user)
            copier = registry.LIST_HELPERS["copy_container"]
            self.helpers["copy_container"] = copier
            self.emit(nodes.assign(name, anno.set(nodes.call("copy_container", [
                nodes.name(user)]), anno.CALLEE, copier)))
            self.defined.add(name)
            self.env[user] = nodes.name(name)
            if user in self.list_values:
                self.list_values.add(name)
                self.argument_copies.add(name)
        for user in written:
            if user in self.params and user not in changed:
                name = self.scope.new_version(user)
                copier, dotted = registry.METHODS["copy"]
                self.emit(nodes.assign(name, anno.set(nodes.call(dotted, [nodes.name(user)]),
                                                      anno.CALLEE, copier)))
                self.module_names.use_numpy(dotted, copier)
                self.defined.add(name)
                self.env[user] = nodes.name(name)
                self.argument_copies.add(name)

    def outside_values(self):
        """The module globals and closure values the function reads that may hold an
        array (not a module, a function, a class or a number), sorted."""
        found, seen = set(), set()

        def value(name):
            obj = self.parsed.resolve(name, None)
            return not (obj is None or inspect.ismodule(obj) or callable(obj)
                        or isinstance(obj, (bool, int, float, complex, str, bytes)))

        def helper_reads(fn):
            """The globals of this module that the user's function ``fn`` (and the
            functions of this module it calls) reads: they see the argument too."""
            if id(fn) in seen or not is_user_function(fn) \
                    or fn.__globals__ is not self.parsed.globals:
                return
            seen.add(id(fn))
            codes = [fn.__code__]
            while codes:
                code = codes.pop()
                codes.extend(c for c in code.co_consts if inspect.iscode(c))
                for name in code.co_names:
                    obj = self.parsed.globals.get(name)
                    if inspect.isfunction(obj):
                        helper_reads(obj)
                    elif name in self.parsed.globals and value(name):
                        found.add(name)

        for n in nodes.names(self.parsed.node):
            if isinstance(n.ctx, gast.Load) and n.id not in self.params \
                    and n.id not in self.locals and n.id not in found:
                if value(n.id):
                    found.add(n.id)
                elif n.id not in self.parsed.closure:
                    helper_reads(self.parsed.resolve(n.id, None))
        return sorted(found)

    def check_local_functions(self, fn):
        """A local function (nested ``def``, or a lambda bound to a name) is put in
        place of its calls, so which one a call means must not depend on the path:
        each is bound once, its name nothing else, and it is read only after its
        definition in the block that defines it (where Python holds it on every path)."""
        sites = {}   # name -> [(statement, the block holding it, its position there)]

        def visit(stmts):
            for position, stmt in enumerate(stmts):
                if isinstance(stmt, gast.FunctionDef):
                    sites.setdefault(stmt.name, []).append((stmt, stmts, position))
                    continue   # its body is a scope of its own
                if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Lambda):
                    for target in stmt.targets:
                        if isinstance(target, gast.Name):
                            sites.setdefault(target.id, []).append((stmt, stmts, position))
                for field in ("body", "orelse"):
                    inner = getattr(stmt, field, None)
                    if isinstance(inner, list):
                        visit(inner)

        visit(fn.body)
        for name, found in sorted(sites.items()):
            lambdas = sum(isinstance(stmt, gast.Assign) for stmt, _, _ in found)
            stores = [n for n in nodes.names(fn.body)
                      if n.id == name and isinstance(n.ctx, gast.Store)]
            stmt, block, position = found[-1]
            reads = [n for n in nodes.names(fn.body)
                     if n.id == name and isinstance(n.ctx, gast.Load)]
            after = {id(n) for later in block[position + 1:] for n in nodes.names(later)}
            if len(found) > 1 or len(stores) > lambdas:
                where = stmt if len(found) > 1 else stores[-1]
            elif any(id(n) not in after for n in reads):
                where = next(n for n in reads if id(n) not in after)
            else:
                continue
            raise self.error(
                f"the local function {name!r} is defined in a branch or a loop and used "
                f"outside it, more than once, or its name is bound to something else too: "
                f"s2sad puts a local function's body in place of its calls, so the function "
                f"a call means may not depend on the path taken", where,
                hint=f"define each function once at the top of the body under its own "
                     f"name, and choose between the calls in the branch")

    def check_item_update(self, stmt):
        """``xs[i] op= v`` on a list: Python updates the item in place when it is an
        array, which changes every other slot and name holding that array; s2sad stores
        a new value into the one slot.  The two agree unless the array is held
        elsewhere, which only the values tell: refused when the code runs if it is
        (check_item_update; other slots of the list and the names read later)."""
        target = stmt.target
        base = target.value
        if not isinstance(base, gast.Name) or isinstance(target.slice, (gast.Slice, gast.Tuple)):
            return
        current = self.env.get(base.id)
        if not (isinstance(current, gast.Name) and (
                current.id in self.list_values
                or current.id in self.argument_copies)):
            return   # (an argument may be a list: decided when the code runs)
        line = getattr(stmt, "lineno", 0)
        others = sorted((u, a) for u, a in self.env.items()
                        if u != base.id and isinstance(a, gast.Name) and a.id != current.id
                        and u not in self.return_names and self.read_after(u, line, stmt))
        op = op_symbol(stmt.op)
        message = (f"'{base.id}[...] {op}= ...' updates the array that item holds in place "
                   f"(for arrays, {op}= writes in place), and {{}} holds that array too: "
                   f"Python changes it there as well, which s2sad does not follow")
        hint = (f"write '{base.id}[i] = {base.id}[i] {op} ...' to store a new array into "
                f"the one slot (or give each slot an array of its own: np.copy(...))")
        where = self.parsed.location(stmt)
        self.helpers["check_item_update"] = check_item_update
        call = nodes.call("check_item_update", [
            nodes.clone(current), self.flat.atom(target.slice), nodes.const(message),
            nodes.const(hint), nodes.const(where.filename), nodes.const(where.line),
            nodes.const(where.column), nodes.const(",".join(u for u, _ in others))]
            + [nodes.clone(a) for _, a in others])
        ok = self.namer.fresh("alone")
        self.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, check_item_update)))
        self.defined.add(ok)
        self.emit(gast.Assert(test=nodes.name(ok), msg=None))
    def dict_item_update(self, stmt):
        """``d[k] op= v`` on a dict item.  Python reads the item, updates it and stores
        it back: a number gets a new value, but an array is updated in place, so every
        other name or container holding that array sees the change.  The generated
        code makes a new value (``item_1 = item op v``; ``d_1 = dict_set(d, k,
        item_1)``), which is Python's result exactly when no other name or container
        read later holds the item's array: where one may, the code refuses, when it
        runs, an item that is an array updated in place (check_not_shared,
        check_not_inplace), as for ``v op= ...`` on a name."""
        target = stmt.target
        label = ast.unparse(gast.gast_to_ast(gast.Subscript(
            value=nodes.clone(target.value), slice=nodes.clone(target.slice),
            ctx=gast.Load())))
        container = self.flat.atom(target.value)
        key = self.flat.index(target.slice)
        read = gast.Subscript(value=nodes.clone(container), slice=key, ctx=gast.Load())
        item = self.namer.fresh(subscript_base(read))
        self.emit(nodes.assign(item, read))
        self.defined.add(item)
        self.track_views(item, read)
        root = target.value
        while isinstance(root, gast.Subscript):
            root = root.value
        # the dict (and every name holding the very same dict) is given the new item
        # by the store below: only other holders of the item's array are conflicts
        same = set()
        if isinstance(root, gast.Name) and isinstance(self.env.get(root.id), gast.Name):
            same.add(self.env[root.id].id)
        op = op_symbol(stmt.op)
        hint = f"write '{label} = {label} {op} ...' to make a new array"
        # the dict's other items may hold the same array ({"a": y, "b": y})
        self.helpers["check_item_alone"] = check_item_alone
        where = self.parsed.location(stmt)
        ok = self.namer.fresh("item_alone")
        self.emit(nodes.assign(ok, anno.set(nodes.call("check_item_alone", [
            nodes.clone(container), nodes.clone(key), nodes.const(
                f"'{label} {op}= ...' (for arrays, {op}= writes in place) would also change "
                f"another item of the dict that holds the same array"),
            nodes.const(hint), nodes.const(where.filename), nodes.const(where.line),
            nodes.const(where.column)]), anno.CALLEE, check_item_alone)))
        self.defined.add(ok)
        self.emit(gast.Assert(test=nodes.name(ok), msg=None))
        pending = self.check_not_inplace(nodes.name(item), "", hint, stmt)
        self.record_write(item, stmt, label, stmt.op, pending, same=same)
        right = self.flat.atom(stmt.value)
        result = self.namer.fresh(item)
        self.emit(nodes.assign(result, anno.set(gast.BinOp(
            left=nodes.name(item), op=stmt.op, right=right), anno.IN_PLACE, True)))
        self.defined.add(result)
        self.assigns.store(target, nodes.name(result))

    def outside_owner(self, ssa, user):
        """What an in-place update of ``user`` (now the SSA value ``ssa``) could write
        into besides a value of its own, in words, or None.

        The environment shows the names bound to the same value where the update
        is written; this covers what it cannot: a module-level (global) array, and
        a loop-carried name, which on some trip may hold what a plain copy gave it
        (``v = x`` later in the body) or the value it entered the loop with.
        """
        if ssa not in self.defined:
            return f"{ssa!r}, defined outside the function"
        if (self.callee and ssa in self.params) or ssa in self.inlined_args:
            return f"the caller's array passed as {ssa!r}"
        carried = self.carried_from.get(ssa)
        if carried is None:
            return None
        name, entry, loop = carried
        if isinstance(entry, gast.Name) and not getattr(entry, "s2sad_unbound", False):
            others = sorted(u for u, a in self.env.items() if u != user
                            and isinstance(a, gast.Name) and a.id == entry.id)
            if others:
                return f"{others[0]!r}, which {user!r} holds when the loop starts"
            outer = self.outside_owner(entry.id, user)
            if outer is not None:
                return outer
        for stmt in nodes.statements(loop.body):
            if isinstance(stmt, gast.Assign) and _may_alias(stmt.value) and any(
                    n.id == name for t in stmt.targets for n in nodes.names(t)):
                return (f"line {self.parsed.location(stmt).line} binds {name!r} to an "
                        f"existing array for the next trip")
        return None

    def check_unpacked(self, stmt):
        """Emit the run-time check of a starred assignment (see ``desugar``): Python's
        ``ValueError`` when the unpacked list holds fewer values than the targets."""
        self.helpers["check_unpacked"] = check_unpacked
        ok = self.namer.fresh("unpacked")
        call = nodes.call("check_unpacked", [self.flat.atom(stmt.value),
                                             nodes.const(anno.get(stmt, anno.UNPACK_CHECK))])
        self.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, check_unpacked)))
        self.defined.add(ok)
        self.emit(gast.Assert(test=nodes.name(ok), msg=None))

    def check_not_inplace(self, atom, message, hint, node):
        """Emit the run-time refusal of an update in place of what ``atom`` holds;
        return (the message's constant node, the statements emitted)."""
        self.helpers["check_not_inplace"] = check_not_inplace
        where = self.parsed.location(node)
        ok = self.namer.fresh("new_value")
        text = nodes.const(message)
        call = nodes.call("check_not_inplace", [
            nodes.clone(atom), text, nodes.const(hint),
            nodes.const(where.filename), nodes.const(where.line), nodes.const(where.column)])
        emitted = (self.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, check_not_inplace))),
                   self.emit(gast.Assert(test=nodes.name(ok), msg=None)))
        self.defined.add(ok)
        return text, emitted

    def dict_call(self, node):
        """``dict(a=x, b=y)`` as the literal ``{'a': x, 'b': y}``; ``dict(zip(ks, vs))`` as
        ``{k: v for k, v in zip(ks, vs)}``; ``dict(d)`` as ``{k: d[k] for k in d}`` (a
        new dict); any other call as it is."""
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr in ("keys", "values", "items") \
                and not node.args and not node.keywords \
                and self.module_names.global_path(func) is None:
            # d.values() / d.keys() / d.items() as a value (sum(d.values()), list(d.keys()),
            # enumerate(d.items()), zip(p.items(), q.items())): the list [d[k] for k in d]
            # / [k for k in d] / [(k, d[k]) for k in d], in insertion order; a dict that
            # is not a name (p["enc"].items()) is read once, under a name of its own
            base = func.value
            if not isinstance(base, gast.Name) or base.id not in self.env:
                source = self.namer.fresh("source")
                self.env[source] = self.flat.atom(base)
                base = gast.copy_location(nodes.name(source), base)
            key = self.namer.fresh("key")
            item = gast.Subscript(value=nodes.clone(base), slice=nodes.name(key),
                                  ctx=gast.Load())
            elt = nodes.name(key) if func.attr == "keys" else item \
                if func.attr == "values" else gast.Tuple(elts=[nodes.name(key), item],
                                                         ctx=gast.Load())
            func = gast.Attribute(value=base, attr=func.attr, ctx=gast.Load())
            new = gast.ListComp(elt=elt, generators=[gast.comprehension(
                target=nodes.name(key, store=True), iter=nodes.clone(func.value), ifs=[],
                is_async=0)])
            for sub in gast.walk(new):
                gast.copy_location(sub, node)
                sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
            return new
        if isinstance(func, gast.Attribute) and func.attr == "copy" and not node.args \
                and not node.keywords and isinstance(func.value, gast.Name) \
                and func.value.id in self.dict_names():
            node = gast.copy_location(gast.Call(   # d.copy() is dict(d)
                func=gast.copy_location(gast.Name(id="dict", ctx=gast.Load(), annotation=None,
                                                  type_comment=None), func),
                args=[func.value], keywords=[]), node)
            node.end_lineno, node.end_col_offset = func.end_lineno, func.end_col_offset
            if "dict" in self.env or "dict" in self.locals \
                    or self.parsed.resolve("dict", None) is not builtins.dict:
                raise self.error("d.copy() where the name 'dict' is not the builtin", node)
            func = node.func
        if not (isinstance(func, gast.Name) and func.id not in self.env
                and func.id not in self.locals
                and self.parsed.resolve(func.id, None) is builtins.dict):
            return node
        def located(new):
            for sub in gast.walk(new):
                gast.copy_location(sub, node)
                sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
            return new

        if len(node.args) == 1 and node.keywords and all(kw.arg is not None
                                                          for kw in node.keywords):
            # dict(d, c=v): the items of d, then c (a new dict, as {**d, 'c': v})
            return located(gast.Dict(keys=[None] + [nodes.const(kw.arg) for kw in node.keywords],
                                     values=[node.args[0]] + [kw.value for kw in node.keywords]))
        if len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], (gast.List, gast.Tuple)) \
                and all(isinstance(e, gast.Tuple) and len(e.elts) == 2
                        for e in node.args[0].elts):
            # dict([("a", x), ("b", y)]): the literal {"a": x, "b": y}
            return located(gast.Dict(keys=[e.elts[0] for e in node.args[0].elts],
                                     values=[e.elts[1] for e in node.args[0].elts]))
        if any(kw.arg is None for kw in node.keywords) or len(node.args) > 1 \
                or node.args and node.keywords:
            raise self.error("this form of dict(...) is not supported", node,
                             hint="write a dict literal, dict(zip(keys, values)), dict(d), "
                                  "dict(d, key=value) or a dict comprehension")

        if not node.args:
            return located(gast.Dict(keys=[nodes.const(kw.arg) for kw in node.keywords],
                                     values=[kw.value for kw in node.keywords]))
        arg = node.args[0]
        if isinstance(arg, gast.Dict):
            return arg
        key, value = self.namer.fresh("key"), self.namer.fresh("value")
        if zip_arguments(arg, self.env, self.parsed) is not None and len(arg.args) == 2:
            target = gast.Tuple(elts=[nodes.name(key, store=True),
                                      nodes.name(value, store=True)], ctx=gast.Store())
            entry = nodes.name(value)
        elif not (isinstance(arg, gast.Name) and arg.id in self.dict_names()):
            # dict(pairs), dict(xs[i]), dict(f(x)): a dict or (key, value) pairs, which
            # only the value tells: dict_entries decides when the code runs
            helper = registry.DICT_HELPERS["dict_entries"]
            self.helpers["dict_entries"] = helper
            held = self.flat.atom(arg)
            entries = self.flat.operation_value(nodes.call("dict_entries", [held]), "entries",
                                           helper)
            if isinstance(held, gast.Name):   # (the very values of the dict or pairs)
                self.link(entries.id, held.id)
            source = self.namer.fresh("source")
            self.env[source] = entries
            target = gast.Tuple(elts=[nodes.name(key, store=True),
                                      nodes.name(value, store=True)], ctx=gast.Store())
            entry = nodes.name(value)
            arg = located(nodes.name(source))
        else:
            target = nodes.name(key, store=True)
            entry = gast.Subscript(value=arg, slice=nodes.name(key), ctx=gast.Load())
            arg = nodes.clone(arg)
        return located(gast.DictComp(key=nodes.name(key), value=entry, generators=[
            gast.comprehension(target=target, iter=arg, ifs=[], is_async=0)]))

    def dict_unpacking(self, node, target=None):
        """``{**a, k: v, **b}``: a new dict, then each entry in order: the items of
        ``a``, ``v`` under ``k``, the items of ``b`` (a key seen again keeps its place
        and takes the new value, as in Python)."""
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.params else self.namer.fresh("entries")
        self.built_dicts.add(result)
        self.building.add(result)
        empty = gast.copy_location(gast.Dict(keys=[], values=[]), node)
        self.env[result] = nodes.name(self.flat.operation(empty, target=result))
        for key, value in zip(node.keys, node.values):
            if key is None:
                if not isinstance(value, gast.Name):
                    other = self.namer.fresh("source")
                    self.env[other] = self.flat.atom(value)
                    value = gast.copy_location(nodes.name(other), value)
                update = gast.Expr(value=gast.Call(func=gast.Attribute(
                    value=gast.copy_location(nodes.name(result), node), attr="update",
                    ctx=gast.Load()), args=[value], keywords=[]))
                for sub in gast.walk(update):
                    gast.copy_location(sub, node)
                    sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
                self.dict_update(update)
            else:
                item = gast.Subscript(value=gast.copy_location(nodes.name(result), node),
                                      slice=key, ctx=gast.Store())
                self.dict_store(gast.copy_location(item, node), self.flat.atom(value))
        self.building.discard(result)
        return self.env.pop(result).id

    def dict_display(self, node, target=None):
        """``{k: v, ...}`` with keys computed when the code runs: an empty dict, then one
        item write per entry (a key that comes twice keeps its last value)."""
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.params else self.namer.fresh("entries")
        pairs = [(self.flat.atom(k), self.flat.atom(v)) for k, v in zip(node.keys, node.values)]
        empty = gast.copy_location(gast.Dict(keys=[], values=[]), node)
        current = nodes.name(self.flat.operation(empty, target=result))
        dict_set = registry.DICT_HELPERS["dict_set"]
        for key, value in pairs:
            new = self.flat.helper_call(dict_set, "dict_set", [current, key, value], result)
            self.dict_link(new, current, value, key)
            self.dicts.add(new)
            current = nodes.name(new)
        return current.id

    def dict_comprehension(self, node, target=None):
        """``{k: v for x in xs if c}`` as a loop that writes items into a fresh dict
        (named after ``target``, the user's name it is bound to, when the comprehension
        does not read that name)."""
        if len(node.generators) != 1:
            raise self.error("dict comprehensions with several 'for' clauses are not "
                             "supported", node, hint="nest two loops writing d[k] = v")
        gen = node.generators[0]
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.params else self.namer.fresh("entries")
        self.built_dicts.add(result)

        def located(new):
            for sub in gast.walk(new):
                gast.copy_location(sub, node)
                sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
            return new

        start = self.flat.operation(located(gast.Dict(keys=[], values=[])), target=result)
        self.env[result] = nodes.name(start)
        body = [gast.Assign(targets=[gast.Subscript(value=located(nodes.name(result)),
                                                    slice=node.key, ctx=gast.Store())],
                            value=node.value, type_comment=None)]
        gast.copy_location(body[0], node)
        if gen.ifs:
            test = gen.ifs[0] if len(gen.ifs) == 1 else gast.BoolOp(op=gast.And(),
                                                                     values=gen.ifs)
            body = [gast.If(test=test, body=body, orelse=[])]
        loop = located(gast.For(target=gen.target, iter=gen.iter, body=body, orelse=[],
                                type_comment=None))
        self.building.add(result)
        self.loops.comprehension_loop(loop, result)
        self.building.discard(result)
        final = self.env.pop(result)
        return final.id

    def track_views(self, name, value):
        if isinstance(value, (gast.Tuple, gast.List)):   # a literal holds its items
            if isinstance(value, gast.List):
                self.list_values.add(name)
            for elt in value.elts:
                if isinstance(elt, gast.Name):
                    self.link(name, elt.id)
                    self.list_items.setdefault(name, set()).add(elt.id)
                    self.container_edges.add((name, elt.id))
            return
        if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Mult)) \
                and any(isinstance(o, gast.Name) and o.id in self.list_values
                        for o in (value.left, value.right)):
            # a + b, [v] * n of lists: a new list holding the very items of its operands
            self.list_values.add(name)
            for operand in (value.left, value.right):
                if isinstance(operand, gast.Name) and operand.id in self.list_values:
                    self.hold(name, operand.id)
                    self.list_copies.add((name, operand.id))   # (its items, not it)
                    self.list_items.setdefault(name, set()).update(
                        self.list_items.get(operand.id, ()))
            return
        if isinstance(value, gast.Dict):   # and a dict its values
            for key, item in zip(value.keys, value.values):
                if isinstance(item, gast.Name):
                    self.hold(name, item.id)
                    self.container_edges.add((name, item.id))
                    self.key_under(name, item.id, _key_of(key))
            return
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            key = value.slice.value if isinstance(value.slice, gast.Constant) else None
            self.item_edges[name] = (value.value.id, key)
            if _is_view_index(value.slice):
                self.slices.add(name)   # (a dict has no slices)
        fn = anno.get(value, anno.CALLEE) if isinstance(value, gast.Call) else None
        if fn is builtins.list and len(value.args) == 1 and not value.keywords:
            self.list_values.add(name)   # list(a): a new list (holding a's items)
        if fn is not None and fn is registry.DICT_HELPERS.get("dict_get"):
            # d.get(key, default): an item of d (or the default), as d[key] is
            for held in value.args[:1] + value.args[2:]:
                if isinstance(held, gast.Name):
                    self.hold(name, held.id)
                    self.maybe_links.add((name, held.id))
            if isinstance(value.args[0], gast.Name):
                key = value.args[1].value if isinstance(value.args[1], gast.Constant) else None
                self.item_edges[name] = (value.args[0].id, key)
            return
        item_of = returns_item_of(fn) if is_python_function(fn) else None
        if item_of is not None and item_of < len(value.args) \
                and isinstance(value.args[item_of], gast.Name) \
                and value.args[item_of].id in self.list_values:
            # def first(b): return b[0] on a list: an item of the list, as b[0] is
            source = value.args[item_of].id
            self.list_items.setdefault(source, set()).add(name)
            self.hold(name, source)
            self.maybe_links.add((name, source))
            return
        if is_python_function(fn) and not returns_new_values(fn):
            # a helper of the user's may return an argument, or a view of one
            # (not what it is given for a parameter it never reads)
            unread = unread_parameters(fn)
            code = fn.__code__
            positional = code.co_varnames[:code.co_argcount]
            given = [(a, positional[i] if i < len(positional) else None)
                     for i, a in enumerate(value.args)]
            given += [(k.value, k.arg) for k in value.keywords]
            self.call_holds[name] = {a.id for a, param in given
                                     if isinstance(a, gast.Name) and param not in unread}
            fresh = returns_displays(fn)
            if returned_display(fn) == "list":   # a new list: changed as a list
                self.list_values.add(name)
            for held in sorted(self.call_holds[name]):
                self.hold(name, held)
                if fresh:   # a new dict, list or tuple that may hold the argument
                    self.container_edges.add((name, held))
                    # (as an item, or items of it: a change of the new list leaves it)
                    self.list_items.setdefault(name, set()).add(held)
        if fn in (builtins.list, builtins.tuple) and len(value.args) == 1 \
                and isinstance(value.args[0], gast.Name):
            # list(x), tuple(x): a new container (not x) of x's items, the views of
            # the rows of an array x (a write into one changes x)
            self.hold(name, value.args[0].id)
            self.container_edges.add((name, value.args[0].id))
            self.list_items.setdefault(name, set()).add(value.args[0].id)
            if fn is builtins.list:
                self.list_values.add(name)
            return
        source = None
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and value.value.id in self.list_values and isinstance(value.slice, gast.Slice):
            # a slice of a list is a new list holding some of the same items: a change
            # of it leaves the list it was cut from as it is
            self.list_values.add(name)
            self.list_items[name] = set(self.list_items.get(value.value.id, ()))
            self.list_items[name].add(value.value.id)
            self.hold(name, value.value.id)
            self.container_edges.add((name, value.value.id))
            self.list_copies.add((name, value.value.id))
            return
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            source = value.value.id
            self.list_items.setdefault(source, set()).add(name)
            if not _is_view_index(value.slice):
                # y[i], y[i, j], y[idx]: a number (a 0-d result copies), a view (fewer
                # indices than axes), or a copy (a fancy index): decided when it runs
                self.hold(name, source)
                self.maybe_links.add((name, source))
                return
        elif isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name):
            fn = anno.get(value, anno.CALLEE)
            if getattr(fn, "__name__", "") in VIEW_FUNCTIONS:
                source = value.args[0].id
        if source is not None:
            self.link(name, source)

    def link(self, a, b):
        group = self.shares.get(a, {a}) | self.shares.get(b, {b})
        for member in group:
            self.shares[member] = group
        self.hold(a, b)

    # ------------------------------------------------------ may-alias
    def hold(self, name, source, back=None):
        """``name`` may hold (a view of, or an object holding) what ``source`` holds;
        ``back``: the loop whose next trip sees ``name`` (a loop-carried value)."""
        if name != source:
            self.holds.setdefault(name, []).append((source, back))

    def origins(self, skip=frozenset()):
        """``conflict(a, b)``: may the SSA values ``a`` and ``b`` share memory, on some
        path?  And ``expand(a)``: the values ``a`` may hold, each named by the SSA name
        that made it (an operation, a parameter, a global) and the loops whose earlier
        trips made it.

        Every path counts: both branches of an ``if`` (conditional expressions and
        ``and``/``or`` included), every trip of a loop, views, containers and helper
        results.  A loop-carried name stands for "what it holds as this trip starts"
        (a *slot*).  A value made in a loop and carried to its next trip is not the
        one the next trip makes (``c = b * 2; c[0] = v; b = c`` writes into a new
        array each trip), so it is marked with that loop.  When a loop's carried
        names start with values that share no memory, and each trip ends with each
        holding either a value the trip made or what one of them held as it started,
        no two of them holding the same, they never share memory with each other
        (``a, b = b, a`` in a loop, ping-pong buffers).
        """
        slot_loop = {name: key for key, names in self.loop_carried.items() for name in names}
        holds = {name: [(s, b) for s, b in sources if (name, s) not in skip]
                 for name, sources in self.holds.items()}
        holds = {name: sources for name, sources in holds.items() if sources}
        entries, ends = {}, {}
        for name, sources in holds.items():
            if name in slot_loop:
                entries[name] = [s for s, back in sources if back is None]
                ends[name] = [s for s, back in sources if back is not None]

        direct = {}   # name -> its tokens: ("slot", carried name) or ("made", SSA name)

        def tokens(name, seen=()):
            if name in direct:
                return direct[name]
            if name in slot_loop:
                found = {("slot", name)}
            elif name not in holds:
                found = {("made", name)}
            elif name in seen:
                return set()
            else:
                found = set()
                for source, _ in holds[name]:
                    found |= tokens(source, seen + (name,))
            direct[name] = found
            return found

        for name in list(holds) + list(slot_loop):
            tokens(name)

        # a slot holds what its entry value holds, or, from an earlier trip, what the
        # end of a trip gave it (the loop's own values marked with the loop)
        expanded = {}

        def of_token(token):
            kind, name = token
            if kind == "made":
                return {(name, frozenset())}
            return expanded.get(name, set())

        changed = True
        while changed:
            changed = False
            for name, key in slot_loop.items():
                value = set(expanded.get(name, ()))
                for source in entries.get(name, ()):
                    for token in tokens(source):
                        value |= of_token(token)
                for source in ends.get(name, ()):
                    for token in tokens(source):
                        for origin, loops in of_token(token):
                            if origin in self.loop_inside.get(key, ()):
                                loops = loops | {key}
                            value.add((origin, loops))
                if value != expanded.get(name, set()):
                    expanded[name] = value
                    changed = True

        distinct = set()   # loops whose carried names never share memory with each other
        for key, names in self.loop_carried.items():
            starts = [set().union(*(of_token(t) for s in entries.get(n, ()) for t in tokens(s)))
                      for n in names]
            finals = [set().union(*(tokens(s) for s in ends[n])) if ends.get(n)
                      else {("slot", n)} for n in names]
            inside = self.loop_inside.get(key, set())
            if all(kind == "slot" and slot_loop.get(n) == key or kind == "made" and n in inside
                   for final in finals for kind, n in final) \
                    and _pairwise_disjoint(starts) and _pairwise_disjoint(finals):
                distinct.add(key)

        def expand(name):
            return set().union(set(), *(of_token(t) for t in tokens(name)))

        def conflict(a, b):
            mine, theirs = tokens(a), tokens(b)
            if mine & theirs:
                return True
            for one in mine:
                for other in theirs:
                    if one[0] == other[0] == "slot" and slot_loop[one[1]] in distinct \
                            and slot_loop[one[1]] == slot_loop[other[1]]:
                        continue   # two carried names of a loop that keeps them apart
                    if of_token(one) & of_token(other):
                        return True
            return False

        return conflict, expand

    def record_write(self, written, node, user, update=None, pending=None, kind="array",
                     same=()):
        """Check, once every path is known, that a write through ``written`` (the SSA
        value the user's name ``user`` holds) changes no other array that is read
        later, and no array the function does not own.  ``update``: the operator of
        ``user op= ...`` (which makes a new value where Python writes in place), and
        ``pending`` its run-time check (see aug_assign): for a number, op= makes a new
        value, so a conflict is refused when the code runs, where the value is known."""
        line = getattr(node, "lineno", 0)
        # (a change of a list leaves the items it holds as they are)
        items = self.list_items.get(written, ()) if kind == "list" else ()
        others = sorted((u, a.id) for u, a in self.env.items()
                        if u != user and isinstance(a, gast.Name) and a.id != written
                        and a.id not in items and a.id not in same
                        and u not in self.return_names and self.read_after(u, line, node))
        # the caller's arrays: a parameter's own value (one the function writes into
        # by its name was copied at the start), and an inlined helper's arguments
        outside = set(self.params) | set(self.inlined_args)
        where = self.parsed.location(node)
        shared = []   # the run-time checks of the others a maybe-view may reach
        if others:
            self.helpers["check_not_shared"] = check_not_shared
            for other, atom in others:
                text = nodes.const("")
                call = nodes.call("check_not_shared", [
                    nodes.name(written), nodes.name(atom), text, nodes.const(""),
                    nodes.const(where.filename), nodes.const(where.line),
                    nodes.const(where.column)])
                ok = nodes.name("")
                shared.append((atom, text, call.args[3], ok, (
                    self.emit(gast.Assign(targets=[ok], value=anno.set(
                        call, anno.CALLEE, check_not_shared), type_comment=None)),
                    self.emit(gast.Assert(test=nodes.name(""), msg=None)))))
        self.writes.append((written, user, update, others, outside, where, pending, shared, kind))

    def check_writes(self):
        """Refuse each recorded write that may change an array another name reads later
        or one the function does not own.  An update ``v op= ...`` is decided when the
        code runs (a number gets a new value): its pending check gets the reason, or is
        dropped where no other array can be reached."""
        if not self.writes:
            return
        # exact: the items read (y[i]) taken for values of their own; loose: for views
        conflict, expand = self.origins()
        decidable = self.decidable_links()
        exact, _ = self.origins(decidable) if decidable else (conflict, expand)
        unneeded = set()
        for written, user, update, others, outside, where, pending, shared, kind in self.writes:
            # an array the function does not own: refused; another name read later:
            # decided when the code runs where the generated code's values share memory
            # as Python's do (not through a helper's result: reverse mode passes a copy)
            exact_here = exact
            if kind == "list":
                reason = self.list_from_outside(written, user, outside)
                items = self.list_item_edges(written)
                if items:   # a change of the list leaves the items it holds as they are
                    exact_here, _ = self.origins(decidable | items)
            else:
                reason = self.write_conflict(written, user, update, [], outside, exact,
                                             expand, kind)
            undecidable = [o for o in others if exact_here(written, o[1])
                           and not (self.run_decides(written) and self.run_decides(o[1]))]
            if reason is None and undecidable:
                reason = self.write_conflict(written, user, update, undecidable, set(),
                                             exact_here, expand, kind)
            for atom, text, hint, ok, emitted in shared:
                # a maybe-view of the written array: refused when the code runs if the
                # two share memory then
                loose = None if reason is not None else self.write_conflict(
                    written, user, update, [o for o in others if o[1] == atom], set(),
                    conflict, expand, kind)
                if loose is None:
                    unneeded.update(id(stmt) for stmt in emitted)
                    continue
                text.value, hint.value = loose
                ok.id = emitted[1].test.id = self.namer.fresh("not_shared")
                self.defined.add(ok.id)
            if reason is None:
                if pending is not None:
                    unneeded.update(id(stmt) for stmt in pending[1])
            elif update is None:
                raise SharedWriteError(reason[0], where, hint=reason[1])
            elif pending is not None:
                pending[0].value = reason[0]
        if unneeded:
            _drop_statements(self.out, unneeded)

    def list_item_edges(self, written):
        """The holds ``(list, item)`` from the list ``written`` and the versions of it
        it was made from (appends, item writes, copies) to the items they hold."""
        found, seen, todo = set(), set(), [written]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            items = self.list_items.get(current, ())
            for source, _ in self.holds.get(current, ()):
                if source in items:
                    found.add((current, source))
                else:
                    todo.append(source)
        return frozenset(found)

    def list_from_outside(self, written, user, outside):
        """(message, hint) when the list ``written`` may be one the function did not
        make (an argument not copied, a global, an inlined helper's argument, or a list
        inside one of those), else None.  The items a list holds are other objects:
        the search does not go into them."""
        seen, todo = set(), [written]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            sources = [s for s, _ in self.holds.get(current, ())
                       if s not in self.list_items.get(current, ())
                       and (current, s) not in self.list_copies]
            if sources:
                todo.extend(sources)
            elif current != "UNBOUND" and (current in outside or current not in self.defined):
                owner = (f"the caller's value {current!r}" if current in outside
                         else f"{current!r}, defined outside the function")
                return (f"changing the list {user!r} (by a list method or item assignment) "
                        f"may change {owner}: {user!r} may hold that list or one inside it, "
                        f"and s2sad changes only lists the function made",
                        f"make {user!r} a list of its own first: {user} = list({user})")
        return None

    def run_decides(self, name):
        """Whether the values ``name`` may hold share memory in the generated code as
        in Python's call: none of them comes through a call of the user's function."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.call_holds:
                return False
            todo.extend(s for s, _ in self.holds.get(current, ()))
        return True

    def decidable_links(self):
        """The maybe-links (see ``maybe_links``) whose sharing the generated code shows
        as Python's call would: not through the result of a call of the user's function
        (reverse mode passes a copy of an argument the function writes into)."""
        found = set()
        for name, source in self.maybe_links:
            seen, todo, through_call = set(), [source], False
            while todo and not through_call:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                through_call = current in self.call_holds
                todo.extend(s for s, _ in self.holds.get(current, ()))
            if not through_call:
                found.add((name, source))
        return frozenset(found)

    def write_conflict(self, written, user, update, others, outside, conflict, expand,
                       kind="array"):
        """(message, hint) of why a write through ``user`` may change another array, or
        None."""
        how = ("(through a branch, a conditional expression, an earlier loop trip, a "
               "view, a container or a helper's result)")
        if kind == "list":
            what = f"changing the list {user!r} (by a list method or item assignment)"
            fix = f"make {user!r} a list of its own first: {user} = list({user})"
        elif update is None:
            what = f"writing into {user!r}"
            fix = f"make {user!r} an array of its own first: {user} = np.copy({user})"
        else:
            op = op_symbol(update)
            what = f"'{user} {op}= ...' (for arrays, {op}= writes in place)"
            fix = f"write '{user} = {user} {op} ...' to make a new array"
        for origin, _ in sorted(expand(written), key=repr):
            if update is not None and not self.callee and origin in self.root_params \
                    and origin not in self.inlined_args:
                # 'x op= ...' on the function's own argument: the update makes a new
                # value (the caller's array stays as it is, as it does for the copies
                # of arguments written by subscript), and the other arguments and
                # globals sharing its memory are refused when the code runs
                # (ensure_unshared); other names holding it are checked below
                continue
            if origin == "UNBOUND":
                continue   # a path where the name holds nothing: reading it raises there
            if origin in outside or origin not in self.defined:
                owner = (f"the caller's array {origin!r}" if origin in outside
                         else f"{origin!r}, defined outside the function")
                return (f"{what} may change {owner}: {user!r} may hold that array {how}, "
                        f"and s2sad writes only into arrays the function made", fix)
        # the arrays the write may reach themselves first, then names holding them
        reached = {origin for origin, _ in expand(written)}
        thing = "list" if kind == "list" else "array"
        for other, atom in sorted(others, key=lambda o: o[1] not in reached):
            if conflict(written, atom):
                return (f"{what} may also change {other!r}, which is read later: {user!r} "
                        f"may hold the same {thing} as {other!r} {how}",
                        f"to leave {other!r} as it is, {fix}")
        return None


_CONTENTS = object()   # dict_set(old, ...): the new dict holds old's items


def _key_of(key):
    """A normalized key's constant value, or None when it is known only at run time."""
    return key.value if isinstance(key, gast.Constant) else None


def _argument_structure(params, locals_, kinds):
    """What the kinds of the arguments (``{parameter: kind}``, see ``analysis.kinds``)
    show: ``({parameter: "list" or "tuple"}, the list parameters, the dict parameters
    the function never rebinds, the tuple parameters)``."""
    sequences = {p: k[0] for p, k in kinds.items()
                 if isinstance(k, tuple) and k and k[0] in ("list", "tuple")}
    lists = [p for p in params if _kind_name(kinds.get(p)) == "list"]
    dicts = {p for p in params if _kind_name(kinds.get(p)) == "dict" and p not in locals_}
    tuples = {p for p, k in sequences.items() if k == "tuple" and p in params}
    return sequences, lists, dicts, tuples


def _kind_name(kind):
    """``"list"``, ``"tuple"`` or ``"dict"`` for a container kind (``analysis.kinds``),
    else None."""
    return kind[0] if isinstance(kind, tuple) and kind else None


def _dict_names(fn):
    """Names ``fn``'s code shows to hold a dict: bound to a dict literal, a dict
    comprehension or ``dict(...)``, indexed by a string, or with a dict method called."""
    found = set()
    # the targets of loops over a literal list or tuple of strings: string keys too
    string_keys = {node.target.id for node in gast.walk(fn)
                   if isinstance(node, gast.For) and isinstance(node.target, gast.Name)
                   and isinstance(node.iter, (gast.List, gast.Tuple)) and node.iter.elts
                   and all(isinstance(e, gast.Constant) and isinstance(e.value, str)
                           for e in node.iter.elts)}
    for node in gast.walk(fn):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.slice, gast.Name) and node.slice.id in string_keys:
            found.add(node.value.id)
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) and (
                    isinstance(node.value, (gast.Dict, gast.DictComp))
                    or isinstance(node.value, gast.Call) and isinstance(node.value.func, gast.Name)
                    and node.value.func.id == "dict"):
            found.add(node.targets[0].id)
        elif isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.slice, gast.Constant) and isinstance(node.slice.value, str):
            found.add(node.value.id)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in _DICT_METHODS and isinstance(node.func.value, gast.Name):
            found.add(node.func.value.id)
    return found


_DICT_METHODS = frozenset({"items", "keys", "values", "get", "update", "setdefault",
                           "popitem"})


def _drop_statements(body, doomed):
    """Remove the statements whose id is in ``doomed`` from ``body`` and the bodies
    nested in it (in place: the normalizer's own output, not its input)."""
    body[:] = [stmt for stmt in body if id(stmt) not in doomed]
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                _drop_statements(inner, doomed)


def _is_view_index(index):
    """Whether ``x[index]`` is a view of ``x`` whatever the values: a slice, ``None``
    or ``...`` among the indices."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (
        p.value is None or p.value is Ellipsis) for p in parts)


def _live_after(root, node, name, cache):
    """Whether the statement of ``root`` holding ``node`` may be followed, on some path,
    by a read of ``name`` before an assignment to it (None: ``node`` is not in
    ``root``)."""
    key = ("parents", id(root))
    parents = cache.get(key)
    if parents is None:
        parents = {}
        for parent in nodes.walk(root):
            for child in gast.iter_child_nodes(parent):
                parents[id(child)] = parent
        cache[key] = parents
    # the chain of (block, position) from the statement out to the function's body
    chain, current = [], node
    while current is not root:
        parent = parents.get(id(current))
        if parent is None:
            return None
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is current for s in block):
                index = next(i for i, s in enumerate(block) if s is current)
                chain.append((parent, field, block, index))
        current = parent
    if not chain:
        return None
    for parent, field, block, index in chain:
        state = _scan(block[index + 1:], name)
        if state == "read":
            return True
        if state == "bound":
            return False
        if isinstance(parent, (gast.For, gast.While)) and field == "body":
            # the next trip: the loop's test, then its body from the top
            if isinstance(parent, gast.While) and _reads(parent.test, name):
                return True
            bound = isinstance(parent, gast.For) and any(
                n.id == name for n in nodes.names(parent.target))
            if not bound and _scan(parent.body, name) == "read":
                return True
        if isinstance(parent, gast.FunctionDef) and parent is not root:
            return None   # a local function's body: inlined where it is called
    return False


def _reads(node, name):
    return any(n.id == name and isinstance(n.ctx, gast.Load) for n in nodes.names(node))


def _scan(stmts, name):
    """"read" when running ``stmts`` may read ``name`` before binding it, "bound" when
    every path binds it first (or leaves the function), else "open"."""
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            if _reads(stmt.test, name):
                return "read"
            states = {_scan(stmt.body, name), _scan(stmt.orelse, name)}
            if "read" in states:
                return "read"
            if states == {"bound"}:
                return "bound"
        elif isinstance(stmt, (gast.For, gast.While)):
            header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            if _reads(header, name):
                return "read"
            if _scan(stmt.body, name) == "read" or _scan(stmt.orelse, name) == "read":
                return "read"   # a loop may run no trip: it binds nothing for certain
        elif isinstance(stmt, gast.Assign):
            if _reads(stmt.value, name) or any(_reads(t, name) for t in stmt.targets):
                return "read"   # x[i] = v reads x
            if any(isinstance(t, gast.Name) and t.id == name or isinstance(
                    t, (gast.Tuple, gast.List)) and any(
                    isinstance(e, gast.Name) and e.id == name for e in t.elts)
                    for t in stmt.targets):
                return "bound"
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is not None and _reads(stmt.value, name):
                return "read"
            if isinstance(stmt.target, gast.Name) and stmt.target.id == name \
                    and stmt.value is not None:
                return "bound"
        elif isinstance(stmt, gast.AugAssign):
            if any(n.id == name for n in nodes.names(stmt)):
                return "read"
        elif isinstance(stmt, gast.Return):
            return "read" if stmt.value is not None and _reads(stmt.value, name) else "bound"
        elif any(n.id == name for n in nodes.names(stmt)):
            return "read"   # anything else that mentions the name (a local def, a call)
    return "open"


def _pairwise_disjoint(sets):
    seen = set()
    for one in sets:
        if seen & one:
            return False
        seen |= one
    return True


def _may_alias(value):
    """Whether assigning ``value`` may bind a name to an existing array rather than a
    new one: a name, an item or attribute of one, a view, or a tuple or choice of them."""
    if isinstance(value, (gast.Name, gast.Subscript, gast.Attribute, gast.Starred)):
        return True
    if isinstance(value, (gast.Tuple, gast.List)):
        return any(_may_alias(e) for e in value.elts)
    if isinstance(value, gast.IfExp):
        return _may_alias(value.body) or _may_alias(value.orelse)
    if isinstance(value, gast.BoolOp):
        return any(_may_alias(v) for v in value.values)
    if isinstance(value, gast.Call):
        func = value.func
        called = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
        return called in VIEW_FUNCTIONS
    return False


def _is_append(node):
    """``xs.append(v)`` on a plain name with one positional argument."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and node.func.attr == "append" and isinstance(node.func.value, gast.Name)
            and len(node.args) == 1 and not node.keywords)


