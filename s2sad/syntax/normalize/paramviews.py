"""The local names that hold a parameter or a view of one, where a write into an item
through them writes into the argument (copied as for ``x[i] = v``: see .entry).
A loop over an array gives views of its rows; a loop over a list or tuple gives the
caller's own items, which are not views of it."""

import gast

from .. import nodes


#: the methods whose result is a view of the array they are called on
_VIEW_METHODS = frozenset({"reshape", "ravel", "view", "transpose", "squeeze", "swapaxes",
                           "astype"})
#: the functions whose result may be their first argument itself (a maybe-view: when the
#: code runs, the argument where its layout and dtype fit, else a copy); read by name
#: (np.asarray, numpy.asarray...): a function of the user's of that name only costs the
#: argument's copy
_MAYBE_VIEW_FUNCTIONS = frozenset({"asarray", "asanyarray", "ascontiguousarray",
                                   "asfortranarray", "reshape", "ravel", "transpose",
                                   "squeeze", "swapaxes"})


def views_of_parameters(params, walked, rebound, sequences=()):
    """``{name: parameter}``: the local names bound to a parameter or to a view of one
    (``pw = x``, ``pw = x[1:]``, ``pw = x.T``, ``pw = x.reshape(...)``, a loop's rows
    ``for row in x:``, ``for i, row in enumerate(x):``, of an array: not of a list or
    tuple of ``sequences``, whose items are the caller's own values, and names for
    those), where that parameter still holds the argument (not after ``x = x * 1.0``)."""
    def root_of(expr):
        while True:
            if isinstance(expr, gast.Name):
                return expr.id
            if isinstance(expr, gast.Subscript) or isinstance(expr, gast.Attribute) \
                    and expr.attr == "T":
                expr = expr.value
            elif isinstance(expr, gast.Call) and isinstance(expr.func, gast.Attribute):
                return _call_root(expr, root_of, lambda name: name in params or name in views)
            else:
                return None

    views, grew = {}, True
    bindings = [(t.targets[0].id, t, t.value, False)
                for t in nodes.of_class(walked, gast.Assign)
                if len(t.targets) == 1 and isinstance(t.targets[0], gast.Name)]
    # a loop's row (for row in X: each trip's row is a view of X's row)
    for t in nodes.of_class(walked, gast.For):
        target, rows = t.target, t.iter
        if isinstance(target, gast.Tuple) and len(target.elts) == 2 \
                and isinstance(rows, gast.Call) and isinstance(rows.func, gast.Name) \
                and rows.func.id == "enumerate" and len(rows.args) == 1:
            target, rows = target.elts[1], rows.args[0]   # for i, row in enumerate(X)
        if isinstance(target, gast.Name):
            bindings.append((target.id, t, rows, True))
    while grew:
        grew = False
        for name, t, value, row in bindings:
            if name in params or name in views:
                continue
            root = root_of(value)
            root = views.get(root, root)
            if row and root in sequences:
                continue   # an item of a list or tuple argument: not a view of it
            if root in params and id(t) not in rebound.get(root, ()):
                views[name], grew = root, True
    return views


def _call_root(call, root_of, held):
    """The name ``call`` may be a view of: its owner's for a view method
    (``x.reshape(-1)``), its first argument's for a function whose result may be that
    argument (``np.reshape(x, -1)``, ``np.asarray(x, order='F')``: x itself or a copy),
    the one of the two that ``held`` says holds a parameter; else None."""
    attr = call.func.attr
    owner = root_of(call.func.value) if attr in _VIEW_METHODS else None
    if owner is not None and held(owner):
        return owner
    if attr in _MAYBE_VIEW_FUNCTIONS and call.args:
        return root_of(call.args[0])
    return owner

