"""What the numba target does with the lists generated code makes.

* Lists of integers the generated code indexes with (``items = [0, 0, 2]`` then
  ``y[items]``, ``add_into(y_bar, items, g)``) are made integer arrays.
* ``item_bar`` and ``iterable_bar``, which the numba runtime ports only for the items of
  ``max(xs)``/``min(xs)`` (``items = list(xs)``, ``kept = first_extreme(items, ...)``,
  ``item_bar(items, kept, g)``, ``iterable_bar(that, xs)``), are refused elsewhere (a
  dict's item, a list parameter's), as helpers the numba runtime does not provide.

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


def list_forms(func, tree, runtime, edits):
    """:func:`index_lists`, then :func:`extreme_items_only` (see the module)."""
    index_lists(func, tree, runtime, edits)
    extreme_items_only(func, runtime)


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
