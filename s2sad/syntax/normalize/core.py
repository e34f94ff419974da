"""Normalize: a fenced function -> SSA/ANF form.

Input: a :class:`ParsedFunction` that passed the fence.
Output: a :class:`NormalFunction` whose ``node`` is a ``gast.FunctionDef``
whose body holds only

* ``t = <op>`` where ``<op>`` is one operation on atoms: a binary or unary
  operator, a comparison, a call (callee resolved, annotated ``anno.CALLEE``),
  an attribute, a subscript, or a tuple/list literal;
* ``a, b = t`` (unpacking a tuple-valued name);
* ``<name>[<index>] = <atom>``: a write into an array the function owns
  (an argument it writes into is copied first, ``x_1 = copy_of(x)``);
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

The caller's tree is never changed: the walk reads a desugared copy of it, in
which the variables of nested scopes that share a name with another variable are
renamed apart (:mod:`.hygiene`), so a local function's body inlined at a call reads
the names of the scope defining it; a straight-line function, which nothing before or
in the walk changes, is read as it is (:mod:`.shared`).
:class:`_Normalizer` walks the statements and hands each job to a collaborator
made in its ``__init__``: :mod:`.flatten` (expressions, one operation per
statement), :mod:`.assign` (names bound, items written), :mod:`.scope` (SSA
versions, reads, merges), :mod:`.loops` with :mod:`.sequences` (loop lowering),
:mod:`.inline` (bodies in place of calls), :mod:`.globals` (the module names
the code reads), :mod:`.sharing` (what may hold what), :mod:`.writechecks`
(each write recorded and checked; decided at the end by :mod:`.writes` over the
facts of :mod:`.mayalias`, :mod:`.liveness` and :mod:`.views`), :mod:`.lists`
(list changes), :mod:`.dicts` and :mod:`.dictforms` (dict item writes, dict
forms), :mod:`.entry` (the copies of written arguments) and :mod:`.functionalize`
(calls of functions writing into their arguments, which :mod:`.argwrites` finds);
:mod:`.callees`, :mod:`.temps` and :mod:`.trees` hold plain facts.
"""

import copy
import inspect
import textwrap
from dataclasses import dataclass, field
from typing import Any, Dict, List, Set, Tuple

import gast

from ...errors import S2sadError, UndefinedNameError, UnsupportedSyntaxError
from ...optimize import mark_unused_results
from ...rules import registry
from .. import anno, gastify, nodes
from ..desugar import desugar
from ..names import Namer
from .assign import Assignments
from .clashes import mark_helper_spellings, marked, rename_helper_clashes
from .hygiene import rename_shadowed, user_spelled_checks, user_spelled_error
from .dictforms import DictForms
from .dicts import DictWrites, kind_name
from .effects import Effects, fresh_updates
from .entry import ArgumentCopies, check_local_functions
from .flatten import Flattener
from .functionalize import WritingCalls
from .globals import GlobalNames
from .inline import Inliner, helper_names, reachable_helpers
from .lists import ListChanges, list_mutation
from .object_attributes import functions_through_objects, object_classes
from .objects import refuse_foreign_methods
from .rule_results import with_result_checks
from .loops import Loops
from .scatter import ufunc_write
from .shared import shared_marks
from .sourceforms import lower_source_forms
from .scope import Scope
from .sharing import AliasRecorder
from .trees import containers_and_loops, is_atomic
from .tuple_fields import resolve as resolve_fields
from .views import writes_in_place
from .writechecks import WriteChecks
from .writes import op_symbol


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
    #: module state an opaque call changes, read here (see .opaque_state)
    state_conflicts: List[Any] = field(default_factory=list)


def normalize(parsed, callee=False, inline_helpers=False, kinds=None) -> NormalFunction:
    """``callee=True`` for a function a differentiated function calls: its arguments
    are the caller's values.  The ones it writes into (``a[i] = v``, ``xs.append(v)``,
    passed on to a function writing into them; see :mod:`.argwrites`) are copied on
    entry and their new values returned after its result, ``(result, new a, ...)``,
    which the caller's names take (:mod:`.functionalize`); any other update in place
    of one (``a += v``, a write after ``a`` is bound again) would change the caller's
    array, which the caller's derivative would not see: it is refused with a location.

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
    view, walked = _desugared(parsed, callee)
    walk = _Normalizer(view, callee, inline_helpers, kinds, walked)
    try:
        normal = walk.run()
    except S2sadError as error:   # (in the user's names, not those renamed apart)
        raise user_spelled_error(error, walk.inliner.original)
    user_spelled_checks(normal.node, walk.inliner.original)
    # the collaborators hold the walk, which holds them and every tree it made: the
    # cycle broken, what the result does not keep is freed at once, not by the
    # garbage collector going over all of it
    walk.__dict__.clear()
    return normal


def _desugared(parsed, callee=False):
    """``(view, walked)``: a shallow copy of ``parsed`` (its annotations, such as
    ``entry_checks``, kept) whose ``node`` is a desugared copy of the tree (the
    normalizer may annotate and relocate the nodes it reads, and the caller's tree must
    stay as it was), or the tree itself where nothing changes it (``view.marks``, see
    .shared), and ``nodes.walk`` of that tree when desugaring left it as it was (else
    None): every check made before the walk reads it, not a walk of its own."""
    view = copy.copy(parsed)
    view.rewritten = True
    view.as_read = parsed if not parsed.rewritten else parsed.as_read
    view.original_names = {}
    # the tree as read, when nothing below changes it (see .shared), not copied: the marks
    # of its names spelled like a helper (else None: the copy read is marked)
    walked = None if callee else nodes.indexed(parsed.walked())
    view.marks = None if callee else shared_marks(parsed, walked)
    if view.marks is not None:
        return view, walked
    tree = nodes.clone(parsed.node)
    walked = nodes.indexed_walk(tree)   # (renaming changes names, never the tree's shape)
    lowered = lower_source_forms(tree, parsed, walked)   # (see .sourceforms)
    if lowered is not None:
        walked = lowered
    helpers = registry.helper_names()
    rename_helper_clashes(tree, helpers, walked)   # (the copy, in place)
    mark_helper_spellings(tree, helpers, walked, parsed.func)
    # local functions read their scope's names: those of nested scopes renamed apart
    # (a tree without a local function, which the walk shows, rename_shadowed leaves as
    # it is: not walked again for it; gast's classes have no subclasses)
    names = {node.id for node in nodes.of_class(walked, gast.Name)}
    nested = bool(nodes.of_class(walked, gast.Lambda)) or any(
        node is not tree for node in nodes.of_class(walked, gast.FunctionDef))
    if nested:
        view.original_names = {new: old for old, new in rename_shadowed(tree, helpers)}
        names = {n.id for n in nodes.of_class(walked, gast.Name)}   # (renamed: again)
    view.node = desugar(tree, names, walked)
    return view, (walked if view.node is tree else None)


def _read_by_checks(checks):
    """The names the entry checks ``checks`` (statements) read."""
    return {n.id for check in checks for n in gast.walk(check) if isinstance(n, gast.Name)}


def _stored_and_mentioned(walked):
    """(the names stored, every name), of the nodes ``walked``, in one pass: the names a
    function stores are its body's (a parameter's context is Param)."""
    stored, mentioned = set(), set()
    for node in walked:
        if node.__class__ is gast.Name:
            mentioned.add(node.id)
            if node.ctx.__class__ is gast.Store:
                stored.add(node.id)
    return stored, mentioned


def _parameter_structure(fn, walked, params, kinds):
    """The parameters known to hold a list / a tuple / a dict (a dict parameter never
    rebound: dict item writes are found by user name), as ``_argument_structure``
    gives them; ``d |= other`` keeps a dict a dict: not a rebinding here."""
    kinds = kinds or {}
    if not any(kind_name(kinds.get(p)) == "dict" for p in params):
        # (what is rebound is read only for a dict parameter's sake)
        return _argument_structure(params, set(), kinds)
    merges = {id(t.target) for t in walked if t.__class__ is gast.AugAssign
              and isinstance(t.op, gast.BitOr)}
    rebound = {t.id for t in nodes.names(fn.body)
               if isinstance(t.ctx, gast.Store) and id(t) not in merges}
    return _argument_structure(params, rebound, kinds)


def _containers(params, kinds):
    """The parameters the arguments' structure shows to be lists, tuples or dicts."""
    return {p for p in params if kind_name((kinds or {}).get(p)) is not None}


class _Normalizer:
    """The walk over one function's statements (see the module docstring): it holds
    the state every piece shares (the environment ``env`` of user name -> atom, the
    SSA names ``defined``, the block ``out`` being filled, the loops being walked)
    and dispatches each statement to its collaborator; the may-alias facts live in
    ``aliases``, the recorded writes in ``writes``."""

    def __init__(self, parsed, callee=False, inline_helpers=False, kinds=None, walked=None):
        self.parsed = parsed
        # nodes.walk(parsed.node) (made here when not given), read by the checks made
        # before the walk changes the tree, then dropped
        self.walked = walked if walked is not None else nodes.indexed_walk(parsed.node)
        self.callee = callee
        self.inline_helpers = inline_helpers
        fn = parsed.node
        self.function_name = fn.name
        self.params = [a.id for a in fn.args.args + fn.args.kwonlyargs]   # (keyword-only too)
        self.root_params, self.object_classes = frozenset(self.params), object_classes(kinds)
        # (nothing before the namer below is made changes a name; but see the next line)
        self.locals, mentioned = _stored_and_mentioned(nodes.of_class(self.walked, gast.Name))
        mentioned |= functions_through_objects(self, self.walked)   # self.integrate(rhs)
        check_local_functions(fn, self.error)
        refuse_foreign_methods(self)   # w = deque(maxlen=2); w.append(v): not a list's
        (self.param_sequences, list_params, param_dicts,
         tuple_params) = _parameter_structure(fn, self.walked, self.params, kinds)
        helpers = inline_helpers and reachable_helpers(parsed, self.walked, self.object_classes)
        # (the names of inlined helpers are never handed out as temps; see helper_names)
        helper_reserved, self.foreign_globals = helper_names(parsed, helpers or {})
        self.inliner = Inliner(self, helpers or {})   # bodies of functions in place of calls
        self.namer = Namer(mentioned | _read_by_checks(getattr(parsed, "entry_checks", ()))
                           | helper_reserved | registry.helper_names())   # (checks': not temps)
        self.module_names = GlobalNames(self, parsed)   # the module names the code reads
        # while a helper's body is inlined: the caller's values bound to its parameters
        self.inlined_args: Set[str] = set()
        # an inlined helper's argument -> how the call wrote it, in words (for messages)
        self.inlined_spelled: Dict[str, str] = {}
        self.env: Dict[str, Any] = {p: nodes.name(p) for p in self.params}
        self.defined: Set[str] = set(self.params)   # SSA names defined so far
        self.flat = Flattener(self)   # one operation per statement
        self.assigns = Assignments(self)   # names bound, items written
        self.scope = Scope(self)   # versions, reads and merges of the user's names
        self.loops = Loops(self)   # lowers the loops the walk meets
        self.loop_stack: List[Any] = []             # (key, SSA names defined before)
        self.loop_inside: Dict[int, Set[str]] = {}  # loop key -> SSA names defined in it
        self.loop_carried: Dict[int, List[str]] = {}  # loop key -> its carried SSA names
        self.writes = WriteChecks(self)   # writes checked when all is known
        # the names desugaring gave the result of an early return: set just before the
        # function (or an inlined body) ends, so no write happens while they hold a value
        self.return_names: Set[str] = {anno.get(parsed.node, anno.RESULT)}
        # second order: the checks of the gradient code this function is (see
        # transform.second_order), else made by copy_written_arguments
        self.entry_checks: List[Any] = list(getattr(parsed, "entry_checks", ()))
        self.unwritten_defaults: List[Any] = []
        # a mutable default the function writes into: read from the function (entry.py)
        self.default_reads = {}
        self.tree_cache: Dict[Any, Any] = {}   # for read_after_loop (the tree stays as it is)
        self.dicts: Set[str] = set()   # SSA names of dict literals
        # SSA name -> the fields of the named tuple an op's call gave it (see .fields)
        self.fields: Dict[str, Tuple[str, ...]] = {}
        # SSA names of iterators (zip(...), map(...)...): no len(), no items by position
        self.iterators: Set[str] = set()
        # what may hold what (views, copies, containers, helpers' results)
        self.aliases = AliasRecorder(list_params, _containers(self.params, kinds))
        # dict item writes, and the dict parameters never rebound
        self.dict_writes = DictWrites(self, param_dicts, kinds)
        self.dict_forms = DictForms(self)   # dict(...), {**a}, {k: v for ...}, d.update
        self.entry = ArgumentCopies(self)   # the copies of written arguments
        # list changes; the parameters known to hold a tuple (a change of one is refused)
        self.lists = ListChanges(self, tuple_params)
        # SSA name -> SSA names certain to hold the very same object (a helper's result
        # that is its argument)
        self.same_object: Dict[str, Set[str]] = {}
        # a loop's carried SSA name -> (user name, its value on entry, the loop)
        self.carried_from: Dict[str, Any] = {}
        self.helpers: Dict[str, Any] = {}           # s2sad names the code reads (list_append...)
        self.local_functions: Dict[str, Any] = {}   # nested def / lambda bound to a name
        # names put into a list or tuple somewhere: an in-place update would reach it
        # (appended to a list, or an item of a list/tuple literal bound to one name):
        # name -> the lines where that happens
        self.held_in_containers, self.loop_spans = containers_and_loops(fn, self.walked)
        self.out: List[Any] = []
        self.source = None
        # calls of functions writing into their arguments; a callee's own such
        # parameters (copied on entry, their new values returned after its result)
        self.writing = WritingCalls(self)
        self.effects = Effects(self)   # print, logging, warnings.warn, raise
        self.functionalized = self.writing.scan.written(parsed.func) if callee else {}

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
        elif body and self.functionalized:
            self.source = self.parsed.source_ref(body[0])
            self.entry.copy_functionalized(self.functionalized)
        self.walked = None   # (the walk below changes the tree)
        for stmt in body:
            self.source = self.parsed.source_ref(stmt)
            self.statement(stmt)
        resolve_fields(self, self.out, self.dict_writes.kinds)   # p.W: p[0] (.tuple_fields)
        if self.functionalized and not (self.out and isinstance(self.out[-1], gast.Return)):
            self.emit(nodes.ret(self.returned(nodes.const(None))))   # (None, new values)
        self.writes.check_writes()
        self.writes.check_dict_writes()
        self.out = with_result_checks(self.out, self)
        mark_unused_results(self.out)   # (Python runs them, and may raise there)
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
                              self.entry_checks, self.unwritten_defaults,
                              self.module_names.opaque.conflicts)

    def default(self, param, default):
        """The default of ``param`` in the generated function, as written (``k=K``: the
        module names it reads are free names of the generated code).  A default that
        reads a name the module does not hold (a value of the enclosing function, a
        global deleted since) is ``None`` in the text: the function's own value is
        given when the code is compiled (see api), and a written module, which cannot
        hold it, is refused (``unwritten_defaults``)."""
        if param in self.default_reads:   # (the function's own object: see entry.py)
            return nodes.clone(self.default_reads[param])
        names = [n for n in nodes.names(default) if isinstance(n.ctx, gast.Load)]
        if any(not self.parsed.is_resolvable(n.id) for n in names):
            self.unwritten_defaults.append((param, self.parsed.location(default)))
            return nodes.const(None)
        for name in names:
            self.module_names.use_global(name.id, name)
        return marked(nodes.clone(default), self.marks)

    @property
    def marks(self):
        """The marks of the names spelled like a helper in the tree the walk reads, when
        it reads it as read (see .shared), else None (that tree is marked itself; while a
        helper's body is inlined, ``parsed`` is the helper's)."""
        return getattr(self.parsed, "marks", None)

    def error(self, message, node, hint="", kind=UnsupportedSyntaxError):
        return kind(message, self.parsed.location(node), hint=hint)

    def undefined(self, name, node):
        """The error for the name ``name``, not defined (module, builtins), read at ``node``."""
        return self.error(f"name {name!r} is not defined", node, kind=UndefinedNameError,
                          hint="define it at module level (before the derivative is called) "
                               "or pass it in as an argument")

    def emit(self, stmt):
        anno.set(stmt, anno.SOURCE, self.source)
        if self.lists.superseded:   # (a list changed in place earlier in this statement)
            self.lists.refuse_stale_read(stmt)
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


    def returned(self, atom):
        """What the function returns for its result ``atom``: ``atom``, or for a callee
        writing into its arguments ``(atom, their values now)`` (see .functionalize)."""
        if not self.functionalized:
            return atom
        if isinstance(atom, gast.Tuple):
            atom = self.flat.operation_value(atom, self.parsed.node.name)
            self.aliases.track_views(atom.id, self.out[-1].value)
        return nodes.tuple_([atom] + [nodes.clone(self.env[p]) for p in self.functionalized])

    # -------------------------------------------------------- statements
    def statement(self, stmt):
        saved, self.writing.statement = self.writing.statement, stmt
        try:
            self.one_statement(stmt)
        finally:
            self.writing.statement = saved

    def one_statement(self, stmt):
        if anno.get(stmt, anno.UNPACK_CHECK) is not None:
            self.writes.check_unpacked(stmt)
        elif isinstance(stmt, gast.Assign):
            self.assigns.assign(stmt)
        elif isinstance(stmt, gast.AugAssign):
            self.assigns.aug_assign(stmt)
        elif isinstance(stmt, gast.AnnAssign):
            if stmt.value is None:
                return
            self.assigns.bind_target(stmt.target, stmt.value)
        elif isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else nodes.const(None)
            if isinstance(value, gast.Tuple):
                atom = nodes.tuple_([self.flat.atom(e) for e in value.elts])
            elif is_atomic(value) or isinstance(value, gast.Attribute):
                atom = self.flat.atom(value)
            else:  # name the returned value after the function: loss = ...
                atom = nodes.name(self.flat.operation(value, base=self.parsed.node.name))
            self.emit(nodes.ret(self.returned(atom)))
        elif isinstance(stmt, gast.Pass):
            return
        elif isinstance(stmt, gast.FunctionDef):   # a local function: inlined where called
            self.inliner.define(stmt.name, stmt)
        elif isinstance(stmt, gast.If):
            self.scope.if_statement(stmt)
        elif isinstance(stmt, gast.For):
            self.loops.for_statement(stmt)
        elif isinstance(stmt, gast.While):
            self.loops.while_statement(stmt)
        elif isinstance(stmt, gast.Assert):
            self.effects.assert_statement(stmt)
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
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
            return   # a docstring, or a string written as a comment: nothing runs
        elif isinstance(stmt, gast.Expr) and ufunc_write(self, stmt):
            return   # np.add.at(a, i, v): a write of the whole array (see .scatter)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and isinstance(stmt.value.func, gast.Name) \
                and stmt.value.func.id in self.local_functions \
                and stmt.value.func.id not in self.env:
            self.inliner.inline_call(stmt.value)   # g(v): what its body changes (result unused)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and (writer := self.writing.writer(stmt.value)) is not None:
            self.writing.call(stmt.value, None, writer)   # relink(r, i): its writes
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and self.effects.call(stmt):
            return   # print(...), log.debug(...), a helper that only prints: run as is
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and self.effects.runs_unused(stmt.value):
            self.flat.operation(stmt.value)   # np.linalg.cholesky(A) as a check: run
        elif isinstance(stmt, gast.Raise):
            self.effects.raise_statement(stmt)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, _RUN_UNUSED):
            self.flat.operation(stmt.value)   # x[7] as a bounds check: run, as t = x[7]
        elif isinstance(stmt, gast.Expr):
            if isinstance(stmt.value, gast.Call):
                raise _discarded_call_error(self, stmt)
            raise self.error("an expression statement has no effect on the result", stmt,
                             hint="remove the statement")
        else:
            raise self.error(f"'{type(stmt).__name__}' statements are not supported", stmt)


#: expression statements run for what they may raise, as an assignment of the value
#: to a name nothing reads (``x[7]``, ``x.T``, ``x[0] + 1.0``, ``a < b``)
_RUN_UNUSED = (gast.Subscript, gast.Attribute, gast.BinOp, gast.UnaryOp, gast.Compare)


def _argument_structure(params, locals_, kinds):
    """What the kinds of the arguments (``{parameter: kind}``, see ``analysis.kinds``)
    show: ``({parameter: "list" or "tuple"}, the list parameters, the dict parameters
    the function never rebinds, the tuple parameters)``."""
    sequences = {p: k[0] for p, k in kinds.items()
                 if isinstance(k, tuple) and k and k[0] in ("list", "tuple")}
    lists = [p for p in params if kind_name(kinds.get(p)) == "list"]
    dicts = {p for p in params if kind_name(kinds.get(p)) == "dict" and p not in locals_}
    tuples = {p for p, k in sequences.items() if k == "tuple" and p in params}
    return sequences, lists, dicts, tuples


def _discarded_call_error(norm, stmt):
    """The refusal of ``f(...)`` as a statement (what it does besides returning a value
    s2sad cannot follow); a helper updating a whole parameter (``def add_to(acc, v):
    acc += v``) gets the spelling that works, a list reordered in place or an array
    written in place (``xs.sort()``, ``np.copyto(a, b)``) the spelling of a new value."""
    reordered = norm.lists.reorder_error(stmt)
    if reordered is not None:
        return reordered
    in_place = writes_in_place(stmt.value)
    if in_place is not None:
        return norm.error(in_place[0], stmt, hint=in_place[1])
    func = stmt.value.func
    if isinstance(func, gast.Name) and func.id in ("setattr", "delattr") \
            and norm.parsed.resolve_callee(func) in (setattr, delattr) and stmt.value.args:
        owner = stmt.value.args[0]
        shown = owner.id if isinstance(owner, gast.Name) else "the object"
        return norm.error(
            f"{func.id}({shown}, ...) changes the object {shown} holds in place: s2sad "
            f"follows the values bound to names, not attributes set", stmt,
            hint=f"bind the value to a name and read that name where the attribute is read "
                 f"(pass it to the functions that read it)")
    if isinstance(func, gast.Attribute) and func.attr == "setdefault" \
            and isinstance(func.value, gast.Name) and len(stmt.value.args) == 2:
        d = func.value.id
        return norm.error(f"{d}.setdefault(key, value) is not differentiated", stmt,
                          hint=f"write 'if key not in {d}: {d}[key] = value'")
    updated = _updated_parameter(norm.parsed.resolve_callee(func))
    if updated is not None:
        name, param, op = updated
        return norm.error(
            f"{name} updates its argument with '{param} {op}= ...', which for an array "
            f"changes the caller's array in place (for a number it makes a new one): s2sad "
            f"does not follow this spelling", stmt,
            hint=f"write '{param}[...] {op}= ...' in {name} (it changes the caller's array, "
                 f"as {op}= does for an array, and is differentiated), or return "
                 f"'{param} {op} ...' and assign it")
    return norm.error("an expression statement discards the result of a call: s2sad "
                      "cannot tell what this call does besides returning a value (it "
                      "runs print, logging, warnings.warn and helpers of yours that only "
                      "call these; another call may write into an argument)", stmt,
                      hint="assign the result to a name if you need it, or remove the "
                           "call; if it changes an array, compute the new array and "
                           "assign it (a = f(a))")


def _updated_parameter(func):
    """``(name, parameter, op)`` where the Python function ``func`` updates a whole
    parameter by an augmented assignment (``acc += v``), else None."""
    if not inspect.isfunction(func) or (func.__module__ or "").split(".")[0] in _LIBRARIES:
        return None
    try:
        tree = gastify.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None
    fn = tree.body[0] if tree.body else None
    if not isinstance(fn, gast.FunctionDef):
        return None
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs}
    fresh = fresh_updates(fn, params)   # (a = a * 2; a += v: the function's own value)
    for node in nodes.walk(fn):
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) \
                and node.target.id in params and node not in fresh:
            return func.__name__, node.target.id, op_symbol(node.op)
    return None


#: libraries whose functions are never the user's helpers (their source is not read)
_LIBRARIES = frozenset({"numpy", "scipy", "s2sad", "builtins", "math", "dask", "numba"})
