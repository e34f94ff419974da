"""What the numba target does with the lists generated code makes.

* Lists of integers the generated code indexes with (``items = [0, 0, 2]`` then
  ``y[items]``, ``add_into(y_bar, items, g)``) are made integer arrays.
* ``item_bar`` and ``iterable_bar``, which the numba runtime ports only for the items of
  ``max(xs)``/``min(xs)`` (``items = list(xs)``, ``kept = first_extreme(items, ...)``,
  ``item_bar(items, kept, g)``, ``iterable_bar(that, xs)``), are refused elsewhere (a
  dict's item, a list parameter's), as helpers the numba runtime does not provide.

* ``sum(xs)``, ``np.stack(xs)`` and ``np.array(xs)`` of a name only ever bound to a
  list are written with the numba runtime's ``list_sum``, ``list_stack`` and
  ``list_array``, which take a list of arrays (numba's own take only numbers).
* A list made empty that s2sad's code passes to a runtime helper before anything is
  appended to it (``list_extend``, the adjoint form of ``xs.extend``) is refused as
  s2sad's code: numba types an empty list only by what the function appends to it.

numba indexes an array with an integer array but not with a list (``getitem(array,
list(int64))`` has no implementation): a list bound once to a name, of integer
constants only, whose every read is an index (the whole index of a subscript, or the
index a runtime helper takes second) is written ``np.array([0, 0, 2])``, which indexes
the same items in the same order, repeats included.  Any other list stays as it is.
"""

import ast

from .numba_unbound import NUMPY, Refusal

#: the runtime helpers whose numba versions take a 1-d integer array as the index, with
#: numpy's rule for repeats (reads gathered, adds accumulated, the last write kept): the
#: position of the index among their arguments
INDEX_ARGUMENT = {"overwritten": 1, "stored_part": 1, "zero_at": 1, "add_into": 1,
                  "add_at_key": 1}


def _integer(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def _index_reads(func, name, index_helpers):
    """Whether every read of ``name`` in ``func`` is an index (and there is one)."""
    reads = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name
             and isinstance(n.ctx, ast.Load)]
    indexes = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name):
            indexes.add(id(node.slice))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in index_helpers \
                and len(node.args) > index_helpers[node.func.id]:
            indexes.add(id(node.args[index_helpers[node.func.id]]))
    return bool(reads) and all(id(n) in indexes for n in reads)


def index_lists(func, tree, runtime, edits):
    """Rewrite, through ``edits``, each list of integers of ``func`` read only as an index
    into ``np.array(...)`` (``runtime``: {local name: runtime helper's name} of the
    helpers the module imports).  Nothing where the module binds no name to numpy."""
    index_helpers = {n: INDEX_ARGUMENT[o] for n, o in runtime.items() if o in INDEX_ARGUMENT}
    numpy = next((a.asname or a.name for s in tree.body if isinstance(s, ast.Import)
                  for a in s.names if a.name == "numpy"), None)
    if numpy is None:
        return
    stores = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.List) \
                and node.value.elts and all(_integer(e) for e in node.value.elts) \
                and stores.get(node.targets[0].id) == 1 \
                and _index_reads(func, node.targets[0].id, index_helpers):
            items = ", ".join(ast.unparse(e) for e in node.value.elts)
            items = f"({items},)" if len(node.value.elts) == 1 else f"({items})"
            # (of a tuple: numba's rewrite of np.array of a list literal fails on two of
            # them in one block)
            edits.replace(node.value, f"{numpy}.array({items})")


def list_forms(func, tree, runtime, edits, taken=()):
    """:func:`index_lists`, :func:`extreme_items_only`, then :func:`list_calls` (see the
    module); the numba runtime's helpers the rewrites call (to import)."""
    index_lists(func, tree, runtime, edits)
    extreme_items_only(func, runtime)
    untyped_empty_lists(func, runtime)
    return list_calls(func, tree, runtime, edits, taken)


def untyped_empty_lists(func, runtime):
    """Refuse a list made empty (``xs = []``) that no name of it (``xs`` and its copies,
    ``xs_1 = xs``) appends to in place, passed to a runtime helper (``list_extend(xs_1,
    more)``: a copy, the adjoint of ``xs.extend(more)``): numba types an empty list only
    by what the function appends to it, so it cannot compile that call; the code is
    s2sad's, not the user's (``numba_aliases`` makes one name of the copies it can)."""
    copies = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Name):
            copies.setdefault(node.value.id, set()).add(node.targets[0].id)
    grown = set()
    for node in ast.walk(func):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.List)
                and not node.value.elts):
            continue
        names, todo = set(), [node.targets[0].id]
        while todo:
            name = todo.pop()
            if name not in names:
                names.add(name)
                todo.extend(copies.get(name, ()))
        if names & grown or any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                and isinstance(n.func.value, ast.Name)
                                and n.func.value.id in names for n in ast.walk(func)):
            grown |= names
            continue   # (appended to, or given items otherwise: numba types it)
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                    and call.func.id in runtime and call.args \
                    and isinstance(call.args[0], ast.Name) and call.args[0].id in names:
                raise Refusal(f"the list {node.targets[0].id!r}, made empty, which s2sad's "
                              f"generated code passes to its runtime helper "
                              f"{runtime[call.func.id]!r} before anything is appended to it "
                              f"in place: numba types an empty list only by what the "
                              f"function appends to it (s2sad's code, not yours)", call,
                              NUMPY)


#: the runtime helpers that make a new list (or change one in place and return it)
LIST_MAKERS = frozenset({"list_append", "list_extend", "list_insert", "list_delete",
                         "list_set", "list_push", "list_remove", "list_put", "list_push_at"})

#: the calls of a list the numba target writes as its runtime's (numba has no version
#: of them for a list of arrays): builtins' sum and numpy's stack and array
LIST_CALLS = {("", "sum"): "list_sum", ("builtins", "sum"): "list_sum",
              ("np", "stack"): "list_stack", ("np", "array"): "list_array"}


def _list_names(func, runtime):
    """The names of ``func`` only ever bound to a list: a list display or comprehension,
    ``list(...)``, a runtime helper making one (``list_append``...) or another such name
    (``xs_1 = xs``)."""
    values = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            values.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, (ast.Name,)) and not isinstance(node.ctx, ast.Load):
            values.setdefault(node.id, []).append(None)   # (a loop's target, augmented...)
    for node in ast.walk(func):   # (the Assign's own targets counted twice: drop them)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id].remove(None)
    for arg in func.args.posonlyargs + func.args.args + func.args.kwonlyargs:
        values.setdefault(arg.arg, []).append(None)

    def is_list(value):   # (a name: one of the candidates, kept while they all are)
        if isinstance(value, (ast.List, ast.ListComp, ast.Name)):
            return True
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
            and (value.func.id == "list" and "list" not in values
                 or runtime.get(value.func.id) in LIST_MAKERS)
    lists = {n for n, bound in values.items() if all(v is not None and is_list(v)
                                                     for v in bound)}
    shrunk = True
    while shrunk:   # (the largest set whose names take lists or names of the set only)
        shrunk = False
        for name in sorted(lists):
            if any(isinstance(v, ast.Name) and v.id not in lists for v in values[name]):
                lists.discard(name)
                shrunk = True
    return lists


def list_calls(func, tree, runtime, edits, taken=()):
    """``sum(xs)``, ``np.stack(xs)`` and ``np.array(xs)`` of a name only ever bound to a
    list (:func:`_list_names`) written ``list_sum(xs)``, ``list_stack(xs)`` and
    ``list_array(xs)``: the numba runtime's, which take a list of arrays numba's own do
    not (and run numba's own call for a list of numbers).  Returns the helpers written."""
    modules = {a.asname or a.name: a.name for s in tree.body if isinstance(s, ast.Import)
               for a in s.names if a.name in ("numpy", "builtins")}
    bound = {a.asname or a.name.split(".")[0] for s in tree.body
             if isinstance(s, (ast.Import, ast.ImportFrom)) for a in s.names} \
        | {t.id for s in tree.body if isinstance(s, ast.Assign) for t in s.targets
           if isinstance(t, ast.Name)} \
        | {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.ClassDef))}
    lists = _list_names(func, runtime)
    used = set()
    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and node.args
                and all(_first_axis(k) for k in node.keywords)
                and isinstance(node.args[0], ast.Name) and node.args[0].id in lists):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "sum" \
                and "sum" not in bound and not _stored(func, "sum"):
            key = ("", "sum")
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in modules:
            key = ({"numpy": "np"}.get(modules[node.func.value.id], "builtins"),
                   node.func.attr)
        else:
            continue
        if len(node.args) > (2 if key[1] == "sum" else 1):
            continue   # (sum(xs, start); np.stack(xs) and np.array(xs) alone)
        helper = LIST_CALLS.get(key)
        if helper is None or helper in taken or node.keywords and helper != "list_stack":
            continue
        if node.keywords:   # (np.stack(xs, axis=0): the default axis, said)
            edits.replace(node, f"{helper}({node.args[0].id})")
        else:
            edits.replace(node.func, helper)
        used.add(helper)
    return used


def _first_axis(keyword):
    """Whether ``keyword`` is ``axis=0``."""
    return keyword.arg == "axis" and isinstance(keyword.value, ast.Constant) \
        and type(keyword.value.value) is int and keyword.value.value == 0


def _stored(func, name):
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
               for n in ast.walk(func))


def _bindings(func):
    """{name: the call it is bound to, where bound once, to a call of a plain name}."""
    bound, count = {}, {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            count[node.id] = count.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name):
            bound[node.targets[0].id] = node.value
    return {n: call for n, call in bound.items() if count.get(n) == 1}


def extreme_items_only(func, runtime):
    """Refuse ``item_bar``/``iterable_bar`` calls of ``func`` other than those of
    ``max(xs)``/``min(xs)``'s items (see the module)."""
    calls = {n: o for n, o in runtime.items() if o in ("item_bar", "iterable_bar",
                                                         "list", "first_extreme")}
    if not calls:
        return
    bound = _bindings(func)

    def made_by(node, helper):
        call = bound.get(node.id) if isinstance(node, ast.Name) else None
        name = call.func.id if call is not None else None
        return call if (runtime.get(name) or name) == helper else None

    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and runtime.get(node.func.id) in ("item_bar", "iterable_bar")):
            continue
        helper = runtime[node.func.id]
        if helper == "item_bar" and len(node.args) == 3:
            kept = made_by(node.args[1], "first_extreme")
            ok = made_by(node.args[0], "list") is not None and kept is not None \
                and kept.args and isinstance(kept.args[0], ast.Name) \
                and isinstance(node.args[0], ast.Name) and kept.args[0].id == node.args[0].id
        else:
            ok = len(node.args) == 2 and made_by(node.args[0], "item_bar") is not None
        if not ok and helper == "item_bar" and len(node.args) == 3 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            raise _dict_refusal(func, node)
        if not ok:
            raise Refusal(f"the runtime helper {helper!r}, which the numba runtime provides "
                          f"only for the items of max(xs) and min(xs)", node,
                          NUMPY + " until s2sad.backends.numba_runtime provides it")


def _dict_refusal(func, node):
    """The refusal of ``item_bar(d, 'key', g)``: the adjoint of an item of a dict by its
    key (``p["w"]``), which numba cannot take (a Python dict is no argument of numba's)."""
    holder = node.args[0].id if isinstance(node.args[0], ast.Name) else None
    params = {a.arg for a in func.args.posonlyargs + func.args.args}
    what = f"the dict parameter {holder!r}" if holder in params else "a dict"
    refusal = Refusal(f"{what}, read by key ({holder or 'd'}[{node.args[1].value!r}]): "
                      f"numba takes no Python dict", node,
                      f"pass each of its values as a parameter of its own (a number or an "
                      f"array), or " + NUMPY)
    refusal.column_of = holder
    return refusal
