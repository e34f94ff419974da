"""The may-alias recorder: which SSA value may hold which, as the walk goes.

The normalizer tells an :class:`AliasRecorder` what each new SSA value is
(``track_views(name, value)``, with ``value`` one normalized operation) and the
copies, merges and loop-carried values it makes (``hold``, ``link``).  The
recorder keeps plain tables (its attributes, documented in ``__init__``) and
reads nothing of the walk; ``facts(...)`` hands them over as a
:class:`~.mayalias.AliasFacts` record for the decisions of ``writes.py``.
"""

import builtins
from typing import Any, Dict, List, Set

import gast

from ...rules import registry
from .. import anno, nodes
from .argwrites import returned_parameters
from .callees import (is_user_function, may_return_argument, returned_display,
                      returned_globals, returns_displays, returns_item_of, returns_new_values,
                      unread_parameters)
from .dicts import key_of
from .mayalias import CONTENTS, AliasFacts
from .views import is_view_index


class AliasRecorder:
    """The may-alias tables of one function (see the module docstring)."""

    def __init__(self, list_params=(), container_params=()):
        """``list_params``: the parameters the arguments' structure shows to be lists;
        ``container_params``: those it shows to be lists, tuples or dicts."""
        self.container_params = frozenset(container_params)
        self.shares: Dict[str, Set[str]] = {}   # SSA name -> names it may share memory with
        # the may-alias facts over every path (see may_share_memory): SSA name -> the
        # (name, loop or None) whose value it may hold (a copy, a merge of branches, a
        # loop-carried value, a view, an item of a container, a helper's result)
        self.holds: Dict[str, List[Any]] = {}
        # (name, source) of the holds where ``name = source[i]`` may be a view of
        # ``source`` or a value copied from it (a number, a fancy index): which one
        # only the values tell, so a write they decide is checked when the code runs
        self.maybe_links: Set[Any] = set()
        # SSA name of a list (or tuple) -> SSA names of its items (put in, or read out):
        # a change of the list does not change them
        self.list_items: Dict[str, Set[str]] = {}
        self.list_values: Set[str] = set(list_params)   # SSA names certain to hold a list
        # copies of arguments written by item, and xs.copy() of what may be a list: an
        # update of an item (xs[i] += v) is checked when the code runs
        self.argument_copies: Set[str] = set()
        # (new list, list): a new list holding the other's items (a[1:] of a list), not it
        self.list_copies: Set[tuple] = set()
        # dicts written by item (d[k] = v becomes d_1 = dict_set(d, k, v)): the holds
        # that put a value into a container (a literal's items, dict_set's dict and
        # value), and the item reads (name -> (container, key))
        self.container_edges: Set[Any] = set()
        self.container_keys: Dict[Any, Any] = {}    # (dict, value) -> its key (None: unknown)
        self.item_edges: Dict[str, Any] = {}
        self.slices: Set[str] = set()   # SSA names of slices (xs[1:], x[:, 0])
        # SSA name of a slice x[a:b] with constant bounds (a, b >= 0 or None) -> (x, a, b)
        self.slice_bounds: Dict[str, Any] = {}
        # the result of a call of a user's function -> the argument names it may hold
        self.call_holds: Dict[str, Set[str]] = {}
        # those results that are what the helper returns as Python's call does (a helper
        # of the user's without a rule, writing into no argument: its generated code
        # returns its argument itself), and the results of calls writing into their
        # arguments (given copies in generated code: see functionalize)
        self.returned_calls: Set[str] = set()
        self.copied_calls: Set[str] = set()
        # the result of a call that may return its argument -> the callee, spelled
        self.returning_calls: Dict[str, str] = {}
        # a value defined outside the function that a helper's result may be (or hold):
        # its source name in ``holds`` (never an SSA name) -> how a refusal names it
        self.outside_values: Dict[str, str] = {}

    def facts(self, defined, loop_carried, loop_inside):
        """The tables as an :class:`AliasFacts` (the walk's ``defined`` SSA names and
        its loops' carried and inner names with them)."""
        return AliasFacts(self.holds, loop_carried, loop_inside, self.maybe_links,
                          self.call_holds, self.list_items, self.list_copies, defined,
                          self.outside_values,
                          same_calls=frozenset(self.returned_calls - self.copied_calls),
                          returning_calls=dict(self.returning_calls))

    def hold(self, name, source, back=None):
        """``name`` may hold (a view of, or an object holding) what ``source`` holds;
        ``back``: the loop whose next trip sees ``name`` (a loop-carried value)."""
        if name != source:
            self.holds.setdefault(name, []).append((source, back))

    def link(self, a, b):
        """``a`` may be a view of ``b`` (or hold it): the two share memory."""
        group = self.shares.get(a, {a}) | self.shares.get(b, {b})
        for member in group:
            self.shares[member] = group
        self.hold(a, b)

    def key_under(self, container, held, key):
        """Record the key under which ``container`` holds ``held`` (None: unknown)."""
        pair = (container, held)
        if pair in self.container_keys and self.container_keys[pair] != key:
            key = None   # held under two keys
        self.container_keys[pair] = key

    def dict_link(self, new, old, value, key=None):
        """``new = dict_set(old, key, value)``: ``new`` holds ``old``'s items and ``value``
        (a new dict: not the same object as ``old``)."""
        for held, under in ((old, CONTENTS), (value, key_of(key))):
            if isinstance(held, gast.Name):
                self.hold(new, held.id)
                self.container_edges.add((new, held.id))
                self.key_under(new, held.id, under)

    def track_views(self, name, value):
        """Record what the new SSA value ``name = value`` may hold: the items of a
        display, the operands of a list's ``+``/``*``, the dict or list an item or
        slice is read from, a view's base, what a helper's call may return."""
        if self.displayed(name, value):
            return
        read = anno.get(value, anno.OBJECT_ATTRIBUTE, None)
        if read is not None:   # self.W (see .object_attributes): the object's, not ours
            source = ".".join((lambda p: [p[0], *p[1]])(nodes.dotted_parts(read) or
                                                          ("...", [read.attr])))
            self.outside_values[source] = f"{source!r}, an attribute of an object given"
            self.hold(name, source)
        elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            self.item_read(name, value)
        elif isinstance(value, gast.Call):
            fn = anno.get(value, anno.CALLEE)
            if self.call_result(name, value, fn) or self.method_copy(name, value, fn):
                return
            if getattr(fn, "__name__", "") not in registry.view_names():
                if self.copy_kept(value, fn) or undeclared(fn):
                    self.returning_calls[name] = spelled_callee(value)
                    # np.array(y, copy=False), np.broadcast_arrays(y, z), a function
                    # nobody declared: it may return an argument (or views of them)
                    self.maybe_view(name, value.args[:1] if self.copy_kept(value, fn)
                                    else value.args + [k.value for k in value.keywords])
                return
            if registry.view_of(fn) == "maybe":
                # the argument itself where its layout and dtype match, else a new array
                # (np.asfortranarray, x.astype(t, copy=False)): decided when the code runs
                self.returning_calls[name] = spelled_callee(value)
                self.maybe_view(name, value.args[:1])
                return
            # (view="any": a view of the one operand after the first argument, if one)
            viewed = (value.args[1:] if len(value.args) == 2 else []) \
                if registry.view_of(fn) == "any" else value.args[:1]
            for arg in viewed:
                if isinstance(arg, gast.Name):
                    self.link(name, arg.id)

    def method_copy(self, name, value, fn):
        """``name = xs.copy()`` (``copy_of(xs, order=...)``) where ``xs`` may be a list or
        dict (a list, or an item read from a list, tuple or dict): a new container
        holding ``xs``'s items, as Python's method makes, or a new array, which only the
        values tell (a write into an item it holds is checked when the code runs).
        True when recorded."""
        if fn is not registry.METHODS["copy"][0] or not value.keywords or not value.args \
                or not isinstance(value.args[0], gast.Name):
            return False
        source = value.args[0].id
        if not self.maybe_container(source):
            return False
        if source in self.list_values:
            self.list_values.add(name)
        self.maybe_view(name, [value.args[0]])
        # (its items, never the very same list, dict or array: a write into it changes
        # only it, one into an item read out of it may change the original's)
        self.container_edges.add((name, source))
        self.list_copies.add((name, source))
        self.argument_copies.add(name)
        return True

    def maybe_container(self, name):
        """Whether the SSA value ``name`` may be a list or dict: a list, a container
        parameter, a display, or an item read from one of those (nested)."""
        for _ in range(len(self.item_edges) + 1):
            if name in self.list_values or name in self.container_params \
                    or any(held == name for held, _ in self.container_edges):
                return True
            if name not in self.item_edges:
                return False
            name = self.item_edges[name][0]
        return False

    @staticmethod
    def copy_kept(call, fn):
        """Whether ``call`` passes a parameter of ``fn``'s ``view_unless`` facts as
        anything but the value that makes a new array (``np.array(y, copy=False)``)."""
        unless = dict(registry.facts(fn).view_unless) if fn is not None else {}
        return any(k.arg in unless and not (isinstance(k.value, gast.Constant)
                                            and k.value.value is unless[k.arg])
                   for k in call.keywords)

    def disjoint_slices(self, a, b):
        """Whether the SSA values ``a`` and ``b`` are slices of one array along its first
        axis with constant bounds that do not meet (``s[:2]``, ``s[2:]``): no memory in
        common, whatever the values."""
        first, second = self.slice_bounds.get(a), self.slice_bounds.get(b)
        if first is None or second is None or first[0] != second[0]:
            return False
        (_, lo1, hi1), (_, lo2, hi2) = first, second
        return hi1 is not None and hi1 <= (lo2 or 0) or hi2 is not None and hi2 <= (lo1 or 0)

    def maybe_view(self, name, args):
        """``name`` is a view of each name among ``args`` or a new array, which only the
        values tell: a write one of them decides is checked when the code runs."""
        for arg in args:
            if isinstance(arg, gast.Name):
                self.hold(name, arg.id)
                self.maybe_links.add((name, arg.id))

    def displayed(self, name, value):
        """A tuple, list or dict display, or a list's ``+``/``*``: record what ``name``
        holds and return True; anything else: False."""
        if isinstance(value, (gast.Tuple, gast.List)):   # a literal holds its items
            if isinstance(value, gast.List):
                self.list_values.add(name)
            for elt in value.elts:
                if isinstance(elt, gast.Name):
                    self.link(name, elt.id)
                    self.list_items.setdefault(name, set()).add(elt.id)
                    self.container_edges.add((name, elt.id))
            return True
        if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Mult)) \
                and self.list_values and any(isinstance(o, gast.Name) and o.id in self.list_values
                        for o in (value.left, value.right)):
            # a + b, [v] * n of lists: a new list holding the very items of its operands
            self.list_values.add(name)
            for operand in (value.left, value.right):
                if isinstance(operand, gast.Name) and operand.id in self.list_values:
                    self.hold(name, operand.id)
                    self.list_copies.add((name, operand.id))   # (its items, not it)
                    self.list_items.setdefault(name, set()).update(
                        self.list_items.get(operand.id, ()))
            return True
        if isinstance(value, gast.Dict):   # and a dict its values
            for key, item in zip(value.keys, value.values):
                if isinstance(item, gast.Name):
                    self.hold(name, item.id)
                    self.container_edges.add((name, item.id))
                    self.key_under(name, item.id, key_of(key))
            return True
        return False

    def item_read(self, name, value):
        """``name = x[index]`` (``x`` a name): an item of ``x`` (a view, a number or a
        copy, decided when the code runs), a view (a slice), or a new list holding
        some of a list's items (a slice of a list)."""
        if self.fancy_index(value.slice):
            return   # (x[:, [1]], x[idx] of a list idx: numpy's advanced index, a new array)
        key = value.slice.value if isinstance(value.slice, gast.Constant) else None
        self.item_edges[name] = (value.value.id, key)
        if is_view_index(value.slice):
            self.slices.add(name)   # (a dict has no slices)
            bounds = constant_bounds(value.slice)
            if bounds is not None:
                self.slice_bounds[name] = (value.value.id,) + bounds
        if value.value.id in self.list_values and isinstance(value.slice, gast.Slice):
            # a slice of a list is a new list holding some of the same items: a change
            # of it leaves the list it was cut from as it is
            self.list_values.add(name)
            self.list_items[name] = set(self.list_items.get(value.value.id, ()))
            self.list_items[name].add(value.value.id)
            self.hold(name, value.value.id)
            self.container_edges.add((name, value.value.id))
            self.list_copies.add((name, value.value.id))
            return
        source = value.value.id
        self.list_items.setdefault(source, set()).add(name)
        if not is_view_index(value.slice):
            # y[i], y[i, j], y[idx]: a number (a 0-d result copies), a view (fewer
            # indices than axes), or a copy (a fancy index): decided when it runs
            self.hold(name, source)
            self.maybe_links.add((name, source))
            return
        self.link(name, source)

    def fancy_index(self, index):
        """Whether the index ``index`` holds a list (a display, or a name certain to hold
        one): ``x[:, [1]]`` indexes an array by an array of indices, which makes a new
        array (a list, a dict or a tuple cannot be indexed by a list)."""
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        return any(isinstance(p, gast.List) or isinstance(p, gast.Name)
                   and p.id in self.list_values for p in parts)

    def call_result(self, name, value, fn):
        """``name = fn(...)``: record what the result of ``list(x)``, ``tuple(x)``,
        ``d.get(k, default)`` or a user's helper may hold.  True when nothing more
        is to be recorded (the result is no view of the first argument)."""
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
            return True
        if self.helper_result(name, value, fn):
            return True
        if fn in (builtins.list, builtins.tuple) and len(value.args) == 1 \
                and isinstance(value.args[0], gast.Name):
            # list(x), tuple(x): a new container (not x) of x's items, the views of
            # the rows of an array x (a write into one changes x)
            self.hold(name, value.args[0].id)
            self.container_edges.add((name, value.args[0].id))
            self.list_items.setdefault(name, set()).add(value.args[0].id)
            if fn is builtins.list:
                self.list_values.add(name)
            return True
        return False

    def returned_outside(self, fn):
        """The source names standing for the globals (and closure values) the helper
        ``fn`` may return (:func:`.callees.returned_globals`), each with ``"same"`` (the
        value or a view or item of it) or ``"items"`` (a new container of its items): a
        write that may change them is refused."""
        found = {}
        for free, how in sorted(returned_globals(fn).items()):
            source = f"{free} returned by {fn.__name__}"   # (never an SSA name)
            self.outside_values[source] = (f"{free!r}, defined outside the function "
                                           f"and returned by {fn.__name__}()")
            found[source] = how
        return found

    def helper_result(self, name, value, fn):
        """``name = helper(...)``, a user's function without a rule (or with a rule that
        declares its result neither fresh nor a view): it may return an argument, a view
        of one or an item of a list argument.  True when the result
        is such an item (nothing more to record)."""
        item_of = returns_item_of(fn) if may_return_argument(fn) else None
        if item_of is not None and item_of < len(value.args) \
                and isinstance(value.args[item_of], gast.Name) \
                and value.args[item_of].id in self.list_values:
            # def first(b): return b[0] on a list: an item of the list, as b[0] is
            source = value.args[item_of].id
            self.list_items.setdefault(source, set()).add(name)
            self.hold(name, source)
            self.maybe_links.add((name, source))
            return True
        if may_return_argument(fn) and not returns_new_values(fn):
            # a helper of the user's may return an argument, or a view of one
            # (not what it is given for a parameter it never reads)
            unread = unread_parameters(fn)
            code = fn.__code__
            positional = code.co_varnames[:code.co_argcount]
            given = [(a, positional[i] if i < len(positional) else None)
                     for i, a in enumerate(value.args)]
            given += [(k.value, k.arg) for k in value.keywords]
            # (the parameters its returns may hold, when its source tells: a derivative's
            # generated code returns new arrays, never its arguments)
            returned = returned_parameters(fn)
            self.call_holds[name] = {a.id for a, param in given
                                     if isinstance(a, gast.Name) and param not in unread
                                     and (returned is None or param in returned)}
            if is_user_function(fn) and registry.lookup(fn) is None:
                self.returned_calls.add(name)
            fresh = returns_displays(fn)
            if returned_display(fn) == "list":   # a new list: changed as a list
                self.list_values.add(name)
            outside = self.returned_outside(fn)
            for held in sorted(self.call_holds[name]) + sorted(outside):
                self.hold(name, held)
                # a new dict, list or tuple that may hold the argument (or the global's items)
                if fresh or outside.get(held) == "items":
                    self.container_edges.add((name, held))
                    # (as an item, or items of it: a change of the new list leaves it)
                    self.list_items.setdefault(name, set()).add(held)
        return False


def undeclared(fn):
    """Whether ``fn`` is a callable nobody declared anything of (no rule, not known to
    allocate, not the user's own function, which ``helper_result`` reads, nor a builtin
    or one of s2sad's helpers): its result may be one of its arguments or a view of one
    (np.broadcast_arrays, np.lib.stride_tricks.as_strided...)."""
    if fn is None or is_user_function(fn) or registry.lookup(fn) is not None \
            or registry.allocates(fn) or isinstance(fn, type):
        return False
    module = getattr(fn, "__module__", None) or ""
    return module not in ("builtins", "math") and not module.startswith("s2sad")


def constant_bounds(index):
    """``(a, b)`` of a slice ``a:b`` (step 1) whose bounds are integer literals >= 0 or
    left out (None), else None."""
    if not isinstance(index, gast.Slice) or index.step is not None:
        return None
    bounds = []
    for bound in (index.lower, index.upper):
        if bound is not None and not (isinstance(bound, gast.Constant)
                                      and type(bound.value) is int and bound.value >= 0):
            return None
        bounds.append(None if bound is None else bound.value)
    return tuple(bounds)


def spelled_callee(call):
    """The callee of ``call`` as written (``np.asarray``), else "a call"."""
    parts = nodes.dotted_parts(call.func)
    return ".".join([parts[0]] + parts[1]) if parts is not None else "a call"
