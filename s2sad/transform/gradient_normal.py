"""A narrow normalizer for s2sad's own straight-line gradient code (second order).

Second derivatives run forward mode over the gradient code reverse mode generated
(see :mod:`.second_order`).  That code is s2sad's own: most of what the general
normalizer (``syntax.normalize``) looks for cannot be in it.  For the commonest
gradient, straight-line code of assignments to names ending in one ``return``,
:func:`normalize_gradient` gives the :class:`NormalFunction` the general normalizer
gives, name for name and annotation for annotation (the same SSA versions, the same
temporaries in the same order from a namer holding the same names, ``anno.SOURCE``,
``anno.CALLEE``, ``anno.CALL_SITE``, ``anno.USER_NAME``/``anno.HELPER_NAME`` and the
operators' locations as it sets them, the same free names, helpers and checks of a
user's rule's results), without the passes that cannot apply to such code: the fence,
desugaring, the source forms, the renaming of helper clashes and nested scopes, the
scans of arguments written, lists, dicts, views and containers, inlining.

Its preconditions, checked on the whole function before anything is made (where one
fails it returns None and the caller takes the general path):

* no ``*args``/``**kwargs``, positional-only or keyword-only parameters, no defaults;
  no argument kind that is a list, tuple or dict;
* every statement but the last is ``name = expression`` (one target, a name no helper
  of s2sad's is spelled like), the last ``return`` of names or constants, or a tuple of
  them and of tuples of them (the value and the gradients);
* an expression is built of names read after they are bound (parameters, names bound
  before, or free names the function resolves that it never binds), constants that are
  no complex numbers (nor spellings of a complex type, which the fence refuses),
  numeric operators (no ``|``, ``&``, ``^``, shifts), ``-``/``+``/``~``, and calls of a
  free name or dotted global path (``np.tanh``) with positional and named arguments (no
  ``*``/``**``, no ``out`` argument) of a function with a derivative rule (a library
  function or s2sad's runtime helper; no function of the user's, no builtin, no
  ``reshape``), and items of a name (``g[0]``, ``g[i, 1:]``);
* no statement the front end's ``prepare`` puts before the function's body
  (``entry_checks``).

Loops, branches, tapes, item writes, displays other than a call's argument, attributes
of values and every other form take the general path.

The same walk takes a user's function of that form (:func:`normalize_straight`, forward
mode's front end), its ``return`` of any such expression (named after the function, as
the general path names it), when no annotation or decorator is written on it and every
argument's kind is a number's or an array's.  The fence has nothing to refuse in such
code but a call writing into an argument (``out``, an ``overwrite_*`` flag, ``np.copyto``),
which takes the general path.
"""

import builtins
import copy
import functools
import inspect

import gast

from ..analysis.kind_lattice import LEAF
from ..errors import S2sadError, UnsupportedSyntaxError
from ..optimize import mark_unused_results
from ..rules import registry
from ..syntax import anno, nodes, overwrite_flags
from ..syntax.names import Namer
from ..syntax.normalize import NormalFunction
from ..syntax.normalize.clashes import mark_helper_spellings
from ..syntax.normalize.dicts import kind_name
from ..syntax.normalize.flatten import base_name, call_base
from ..syntax.normalize.globals import GlobalNames
from ..syntax.normalize.inline import helper_names
from ..syntax.normalize.rule_results import with_result_checks
from ..syntax.normalize.scatter import refuse_ufunc_value
from ..syntax.normalize.temps import subscript_base
from ..syntax.normalize.views import IN_PLACE_FUNCTIONS, out_positions
from ..syntax.parse import is_user_function

#: operators whose normalized form is the general one's ``BinOp`` of two atoms
_NUMERIC_OPERATORS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult,
                      gast.FloorDiv, gast.Mod)
_UNARY_OPERATORS = (gast.USub, gast.UAdd, gast.Invert)


def normalize_gradient(parsed, kinds=None):
    """The :class:`NormalFunction` of the prepared gradient code ``parsed`` (see the
    module docstring), or None where a precondition fails.  ``parsed`` is not changed."""
    reads = _fits(parsed, kinds)
    if reads is None:
        return None
    try:
        return _GradientWalk(parsed, reads).run()
    except S2sadError:   # (the general path words every refusal)
        return None


def normalize_straight(parsed, kinds=None):
    """The :class:`NormalFunction` of the user's function ``parsed`` where it is code the
    walk takes (see the module docstring), as the fence and the general normalizer give
    it; else None, and they run (a refusal of the fence's among them: they word it)."""
    fn = parsed.node
    if fn.__class__ is not gast.FunctionDef or fn.decorator_list or fn.returns \
            or any(a.annotation is not None for a in fn.args.args) \
            or any(kind.__class__ is not str or kind != LEAF for kind in (kinds or {}).values()):
        return None   # (an annotation may spell a complex type, which the fence refuses)
    reads = _fits(parsed, kinds, returns_expression=True)
    if reads is None:
        return None
    try:
        return _GradientWalk(parsed, reads).run()
    except S2sadError:
        return None


def _fits(parsed, kinds, returns_expression=False):
    """The :class:`_Reads` of ``parsed`` (every name it reads, binds and stores, and its
    calls) when it meets the function-level preconditions and each of its statements the
    statement-level ones, else None.  ``returns_expression``: its ``return`` may give any
    expression the statements may (not a tuple of them)."""
    fn = parsed.node
    args = fn.args
    if args.vararg or args.kwarg or getattr(args, "posonlyargs", None) or args.kwonlyargs \
            or args.defaults or getattr(parsed, "entry_checks", None):
        return None
    if any(kind_name(kind) in ("list", "tuple", "dict") for kind in (kinds or {}).values()):
        return None
    if not fn.body or not isinstance(fn.body[-1], gast.Return):
        return None
    bound = {a.id for a in args.args}
    stored = set()
    for stmt in fn.body[:-1]:
        if stmt.__class__ is not gast.Assign or len(stmt.targets) != 1 \
                or stmt.targets[0].__class__ is not gast.Name:
            return None
        stored.add(stmt.targets[0].id)
    if stored & registry.helper_names():
        return None   # (the general path renames such a local)
    reads = _Reads(parsed, bound, stored)
    for stmt in fn.body[:-1]:
        if not reads.expression(stmt.value):
            return None
        bound.add(stmt.targets[0].id)
    value = fn.body[-1].value
    items = value.elts if isinstance(value, gast.Tuple) else [value]
    if returns_expression and value is not None and not isinstance(value, gast.Tuple) \
            and not isinstance(value, gast.Attribute) and not _is_atomic(value):
        return reads if reads.expression(value) else None
    if value is None or not all(
            isinstance(item, (gast.Name, gast.Constant)) and reads.expression(item)
            or isinstance(item, gast.Tuple) and all(
                isinstance(e, (gast.Name, gast.Constant)) and reads.expression(e)
                for e in item.elts)
            for item in items):
        return None
    return reads


class _Reads:
    """The expression-level preconditions: ``bound``, the names bound so far (the
    caller adds each statement's target after its value); ``stored``, every name the
    function binds (read before its binding: the general path checks it)."""

    def __init__(self, parsed, bound, stored):
        self.parsed, self.bound, self.stored = parsed, bound, stored
        self.read = set()   # every name read (a callee's, a dotted path's root too)
        self.outs = {}      # id(callee) -> (callee, its out positions)
        self.calls = []     # every call met

    def expression(self, node):
        cls = node.__class__
        if cls is gast.Name:
            return node.id != "complex" and self.name(node.id) and (
                node.id in self.bound or not _function_value(self.parsed.resolve(node.id, None)))
        if cls is gast.Constant:
            return not isinstance(node.value, complex) and not (
                isinstance(node.value, str) and _complex_spelling(node.value))
        if cls is gast.BinOp:
            return isinstance(node.op, _NUMERIC_OPERATORS) and self.expression(node.left) \
                and self.expression(node.right)
        if cls is gast.UnaryOp:
            return isinstance(node.op, _UNARY_OPERATORS) and self.expression(node.operand)
        if cls is gast.Attribute:
            return self.global_path(node) is not None
        if cls is gast.Call:
            return self.call(node)
        if cls is gast.Subscript:
            return node.value.__class__ is gast.Name and self.name(node.value.id) \
                and self.index(node.slice)
        return False

    def index(self, node):
        if node.__class__ is gast.Slice:
            return all(part is None or self.expression(part)
                       for part in (node.lower, node.upper, node.step))
        if node.__class__ is gast.Tuple:
            return all(self.index(e) for e in node.elts)
        return self.expression(node)

    def name(self, name):
        self.read.add(name)
        if name in self.bound:
            return True
        return name not in self.stored and self.parsed.is_resolvable(name)

    def global_path(self, node):
        """The object the dotted path ``node`` names when it is rooted at a free name,
        else None."""
        parts = []
        while node.__class__ is gast.Attribute:
            parts.append(node.attr)
            node = node.value
        if node.__class__ is not gast.Name or any(_complex_spelling(p) for p in parts):
            return None   # (np.complex128: the fence refuses it, the general path words it)
        self.read.add(node.id)
        if node.id in self.bound or node.id in self.stored:
            return None
        obj = self.parsed.resolve(node.id, None)
        for part in reversed(parts):
            obj = getattr(obj, part, None) if inspect.ismodule(obj) else None
        return obj

    def call(self, node):
        self.calls.append(node)
        func = node.func
        if func.__class__ is gast.Name:
            self.read.add(func.id)
            if func.id in self.bound or func.id in self.stored:
                return False
            target = self.parsed.resolve(func.id, None)
        elif func.__class__ is gast.Attribute:
            target = self.global_path(func)
        else:
            return False
        if target is None or is_user_function(target) or _builtin(target) \
                or target is registry.METHODS["reshape"][0]:
            return False
        if _lookup(target) is None:
            return False   # (no rule: what the general path makes of it, it says)
        if _writes_an_argument(target, node):
            return False   # (the fence refuses it: the general path words it)
        outs = self.outs.get(id(target))   # (asked once per callee)
        if outs is None or outs[0] is not target:
            outs = self.outs[id(target)] = (target, out_positions(target))
        if any(p < len(node.args) for p in outs[1]):
            return False   # (np.exp(x, o), a write the fence refuses; o None: dropped)
        for arg in node.args:
            if isinstance(arg, (gast.List, gast.Tuple)):
                if not all(self.expression(e) for e in arg.elts):
                    return False
            elif not self.expression(arg):
                return False
        for kw in node.keywords:
            if kw.arg is None or kw.arg == "out":
                return False
            value = kw.value
            elts = value.elts if isinstance(value, (gast.List, gast.Tuple)) else [value]
            if not all(self.expression(e) for e in elts):
                return False
        return True


def _function_value(obj):
    """A function of the user's or a partial, read as a value (passed to a library
    function): the general path follows what such a value may call."""
    return is_user_function(obj) or isinstance(obj, functools.partial)


def _writes_an_argument(target, node):
    """Whether the call ``node`` of the library function ``target`` is one the fence
    refuses as a write into an argument (but ``out``, which the caller reads): a
    ``functools.partial``, an ``overwrite_*`` flag given by keyword or by position, a
    numpy function writing into its first argument (``np.copyto``)."""
    if isinstance(target, functools.partial) \
            or any(kw.arg is not None and kw.arg.startswith("overwrite_")
                   for kw in node.keywords) \
            or any(p < len(node.args) for p, _ in overwrite_flags.flag_positions(target)):
        return True
    return getattr(target, "__name__", None) in IN_PLACE_FUNCTIONS \
        and (getattr(target, "__module__", None) or "").startswith("numpy")


def _complex_spelling(text):
    """Whether ``text`` (an attribute, a string) may spell a complex type, which the fence
    refuses (``np.complex128``, ``dtype="c16"``): such code takes the general path."""
    return "complex" in text or text in _COMPLEX_SPELLED


#: spellings of complex types besides those holding "complex" (as the fence's)
_COMPLEX_SPELLED = frozenset(("csingle", "cdouble", "clongdouble", "cfloat", "clongfloat",
                              "c8", "c16", "c32", "F", "D", "G"))


def _builtin(obj):
    return getattr(builtins, getattr(obj, "__name__", ""), None) is obj


def _lookup(target):
    try:
        return registry.lookup(target)
    except TypeError:   # (an unhashable callee)
        return None


class _Inlining:
    """What :class:`GlobalNames` reads of the inliner: nothing is inlined here."""
    inlined_functions = ()
    original = {}


class _GradientWalk:
    """The walk over the statements of code that met the preconditions: the state the
    general normalizer keeps for it (``env``, ``defined``, the namer, the module names),
    the rest of that state empty by the preconditions."""

    def __init__(self, parsed, reads):
        view = copy.copy(parsed)   # (as the general path's: its tree the one read)
        view.rewritten = True
        view.as_read = parsed if not parsed.rewritten else parsed.as_read
        view.original_names = {}
        self.parsed = view
        fn = parsed.node
        self.function_name = fn.name
        self.params = [a.id for a in fn.args.args]
        # (every name the tree holds: the parameters, the targets, and the names read,
        # which the preconditions met every one of)
        mentioned, self.locals = reads.read | reads.bound, reads.stored
        reserved, self.foreign_globals = helper_names(parsed, {}, reads.calls)
        helpers = registry.helper_names()
        self.marks = _helper_marks(fn, mentioned & helpers, parsed.func)
        self.namer = Namer(mentioned | reserved | helpers)
        self.inliner = _Inlining()
        self.inline_helpers = False
        self.module_names = GlobalNames(self, view)
        self.env = {p: nodes.name(p) for p in self.params}
        self.defined = set(self.params)
        self.claimed = set()
        self.helpers = {}
        self.out = []
        self.source = None

    def error(self, message, node, hint=""):
        return UnsupportedSyntaxError(message, self.parsed.location(node), hint=hint)

    def run(self):
        fn = self.parsed.node
        for stmt in fn.body[:-1]:
            self.source = self.parsed.source_ref(stmt)
            self.bind(stmt.targets[0].id, stmt.value)
        ret = fn.body[-1]
        self.source = self.parsed.source_ref(ret)
        value = ret.value
        if isinstance(value, gast.Tuple):
            atom = nodes.tuple_([self.atom(e) for e in value.elts])
        elif _is_atomic(value) or isinstance(value, gast.Attribute):
            atom = self.atom(value)
        else:   # (named after the function, as the general path names it: loss = ...)
            atom = nodes.name(self.operation(value, base=fn.name))
        self.emit(nodes.ret(atom))
        self.out = with_result_checks(self.out, self)
        mark_unused_results(self.out)   # (the user's results unused: see the general one)
        new = nodes.function(fn.name, list(self.params), self.out, defaults=[], kwonly=[],
                             kw_defaults=[])
        names = self.module_names
        names.norm = self.module_names = None   # (a cycle otherwise: trees freed only by gc)
        return NormalFunction(self.parsed, new, self.params, self.namer, names.free_names,
                              self.helpers, names.free_objects, names.free_sources, [], [])

    def emit(self, stmt):
        anno.set(stmt, anno.SOURCE, self.source)
        self.out.append(stmt)
        return stmt

    def bind(self, user_name, value):
        """``user_name = value``: an atom an alias (nothing emitted), else one named
        operation (the general ``Assignments.bind_name``)."""
        if _is_atomic(value) or isinstance(value, gast.Attribute):
            self.env[user_name] = self.atom(value)
            return
        self.env[user_name] = nodes.name(self.operation(value, target=user_name))

    def new_version(self, user_name):
        if user_name not in self.claimed and user_name not in self.params:
            self.claimed.add(user_name)
            return user_name
        return self.namer.version(user_name)

    def atom(self, node):
        cls = node.__class__
        if cls is gast.Name:
            if node.id in self.env:
                return nodes.clone(self.env[node.id])
            self.module_names.use_global(node.id, node)
            return self._marked(node.id)
        if cls is gast.Constant:
            return nodes.const(node.value)
        if cls is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and node.operand.__class__ is gast.Constant \
                and type(node.operand.value) in (int, float, complex):
            value = node.operand.value
            return nodes.const(-value if isinstance(node.op, gast.USub) else value)
        if cls is gast.Attribute:
            self.module_names.resolve_path(node)
            return self._marked_path(node)
        return nodes.name(self.operation(node))

    def operation(self, node, target=None, base=None):
        """Emit one statement computing ``node``; return the name it assigns."""
        named = base is not None
        base = target or base or base_name(node)
        cls = node.__class__
        if cls is gast.BinOp:
            value = gast.BinOp(left=self.atom(node.left), op=node.op,
                               right=self.atom(node.right))
            for attr in _LOCATION:   # (gast.copy_location's, of one BinOp to another)
                if hasattr(node, attr):
                    setattr(value, attr, getattr(node, attr))
        elif cls is gast.UnaryOp:
            value = gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        elif cls is gast.Tuple:   # (an item of the returned tuple: the gradients)
            value = gast.Tuple(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        elif cls is gast.Subscript:
            value = gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice),
                                   ctx=gast.Load())
            if target is None and not named:
                base = subscript_base(value)
        else:
            value = self.call(node)
            if target is None and not named:
                base = call_base(value)
        name = self.new_version(target) if target else self.namer.fresh(base)
        self.emit(nodes.assign(name, value))
        self.defined.add(name)
        return name

    def call(self, node):
        func = node.func
        if func.__class__ is gast.Name:
            target = self.parsed.resolve(func.id)
            self.module_names.use_global(func.id, node)
            callee = self._marked(func.id)
        else:
            target = self.module_names.resolve_path(func)
            callee = self._marked_path(func)
        refuse_ufunc_value(self, target, node)
        # (no out=None to drop, which ``without_out_none`` does: the preconditions let
        # no call give its ``out`` by keyword nor by position)
        args = [self.atoms(arg) for arg in node.args]
        keywords = [(kw.arg, self.atoms(kw.value)) for kw in node.keywords]
        call = nodes.call(callee, args, keywords)
        anno.set(call, anno.CALLEE, target)
        anno.set(call, anno.CALL_SITE, node)
        return call

    def index(self, node):
        """A subscript's index with atoms for its parts (slices and tuples kept)."""
        if node.__class__ is gast.Slice:
            return gast.Slice(lower=node.lower and self.atom(node.lower),
                              upper=node.upper and self.atom(node.upper),
                              step=node.step and self.atom(node.step))
        if node.__class__ is gast.Tuple:
            return nodes.tuple_([self.index(e) for e in node.elts])
        return self.atom(node)

    def atoms(self, node):
        """An argument: a list or tuple display of atoms (a rule reads its items), else
        an atom."""
        if isinstance(node, (gast.List, gast.Tuple)):
            return type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node)

    def _marked(self, name):
        """A read of the free ``name``, marked as the general path marks it (see
        ``normalize.clashes``)."""
        node = nodes.name(name)
        mark = self.marks.get(name)
        if mark is not None:
            anno.set(node, mark, True)
        return node

    def _marked_path(self, node):
        """A copy of the dotted path ``node``, its root marked as :meth:`_marked`."""
        path = nodes.clone(node)
        root = path
        while root.__class__ is gast.Attribute:
            root = root.value
        mark = self.marks.get(root.id)
        if mark is not None:
            anno.set(root, mark, True)
        return path


_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def _is_atomic(node):
    return node.__class__ in (gast.Name, gast.Constant) or (
        node.__class__ is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd))
        and node.operand.__class__ is gast.Constant)


def _helper_marks(fn, spelled, func):
    """``{name: anno.HELPER_NAME or anno.USER_NAME}`` of the names ``spelled`` like a
    helper's, as ``normalize.clashes.mark_helper_spellings`` marks them (it marks the
    nodes given it: fresh ones here, the tree read stays as it is)."""
    if not spelled:
        return {}
    probes = [nodes.name(name) for name in sorted(spelled)]
    mark_helper_spellings(fn, registry.helper_names(), probes, func)
    return {p.id: anno.HELPER_NAME if anno.get(p, anno.HELPER_NAME) else anno.USER_NAME
            for p in probes}

