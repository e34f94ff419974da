"""What a ``vjp`` pullback reads, kept as it was when ``vjp`` was called.

A pullback is a closure over its forward sweep: the arguments, the views of them the
function took (``row = W[0]``) and the values it made, the output among them.  The
caller may change an argument in place between ``vjp`` and a pullback call (an
optimizer step ``x -= lr * g``), or change the output it was given; the pullback would
then read new values beside old ones and return a gradient of no point at all.

So the forward sweep runs on a snapshot of the arguments: every numpy array among them
(in lists, tuples, namedtuples and dicts too) copied once, the same object given twice
copied once (so ``f(a, a)`` still passes one array twice), each container rebuilt once.
A copy keeps the array's memory order (``x.ravel('K')`` reads it), so it is invisible to a function that writes into no argument (its values are the
same).  One that writes into an argument (into s2sad's own copy of it) must still see
what Python's call shows: where the array written shares memory with another argument
or with a global or closure array the function reads, the write shows through that
name too, and the run-time check that refuses it must see the sharing (so must the check
of a default value passed as the argument, which Python's call would change).  So where the
function writes, a list or dict argument that is such a value (or held by one) and an
array sharing memory with another argument or with such a value are used as given, and a copy of it is kept to tell, at each pullback call, whether the
caller changed it since (:class:`~s2sad.errors.ChangedSinceError`, naming the argument,
never a gradient of no point); so is an array in a container of another class (an
``OrderedDict``), which is not rebuilt.  The output handed to the caller is a copy of
the one the pullback reads.
(What a pullback of ``s2sad.vjp`` reads outside the arguments, the globals and closure
variables, is checked by :mod:`s2sad.api.outside`.)

A vjp module the CLI writes (``s2sad grad --flavor vjp``) does the same in its own
text: its function's first line calls :func:`vjp_copies` (a function that writes into
no argument) or :func:`vjp_arguments` (one that does, with the module's globals and the
function's defaults as the values outside), its pullback's first line
:func:`check_kept` where it kept arguments as given, and it returns the
:func:`output_copy` of its output.
"""

from .numpy_view import np

from ..errors import ChangedSinceError

_ndarray = np.ndarray
_REBUILT = (list, tuple, dict)


def snapshot(args, kwargs, writes, names, outside=()):
    """``(args, kwargs, kept)``: the arguments the forward sweep runs on and the
    ``(argument's name, array, copy)`` a pullback compares (see the module's text);
    ``writes``: whether the function writes into an argument; ``names``: the
    parameters the positional arguments bind; ``outside``: the values of the globals
    and closure variables the generated code reads, and the function's defaults."""
    arrays, fixed = {}, set()
    for name, value in list(zip(names, args)) + list(kwargs.items()):
        _arrays_in(value, name, arrays, fixed, set())
    if not arrays:
        return args, kwargs, None
    given = {}
    if writes:
        # a list or dict that is a global's (or held by one) is passed as given: the
        # function's run-time check must see it is the global (its arrays are compared)
        held = set()
        for value in outside:
            _containers_in(value, held, 0)
        for value in list(args) + list(kwargs.values()):
            _given_containers(value, held, given, set())
        for container in given.values():
            inner = {}
            _arrays_in(container, "", inner, set(), set())
            fixed.update(inner)
        fixed |= _sharing(arrays, outside)
    memo = {key: array.copy(order="K") for key, (array, _) in arrays.items() if key not in fixed}
    memo.update(given)   # (as they are)
    kept = [(name, array, array.copy(order="K")) for key, (array, name) in arrays.items()
            if key in fixed]
    return (tuple(_copied(a, memo) for a in args),
            {k: _copied(v, memo) for k, v in kwargs.items()}, kept or None)


def check_unchanged(kept, func_name):
    """Raise :class:`ChangedSinceError` where an argument differs from its copy ``kept``
    at ``vjp``'s call (None: nothing to check)."""
    name = _first_changed(kept)
    if name is not None:
        raise ChangedSinceError(
            f"the argument {name!r} of {func_name} was changed in place after s2sad.vjp "
            f"was called and before its pullback: the pullback would mix the old values "
            f"with the new ({func_name} writes into an argument, and {name!r} is or "
            f"shares memory with another argument or a global, so s2sad used it as given)",
            hint="call s2sad.vjp again at the new values, or pass a copy of it")


def vjp_copies(*values):
    """``values`` (a written vjp module's arguments, in its parameters' order) with each
    array copied, as :func:`snapshot` copies them for a function that writes into no
    argument; given one value, its copy alone (as ``np.atleast_1d`` answers)."""
    copied, _, _ = snapshot(values, {}, False, ("",) * len(values))
    return copied[0] if len(copied) == 1 else copied


def vjp_arguments(vjp_function, *values):
    """``(*values, kept)`` for a written vjp module's function ``vjp_function`` that
    writes into an argument: ``values`` as :func:`snapshot` passes them (the module's
    globals and ``vjp_function``'s defaults the values outside), and what
    :func:`check_kept` compares (None: nothing)."""
    code = vjp_function.__code__
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    outside = ([v for k, v in vjp_function.__globals__.items() if not k.startswith("__")]
               + list(vjp_function.__defaults__ or ())
               + list((vjp_function.__kwdefaults__ or {}).values()))
    args, _, kept = snapshot(values, {}, True, names, outside)
    return (*args, kept and (vjp_function.__name__, kept))


def check_kept(kept):
    """Raise :class:`ChangedSinceError` where an argument a written vjp module's function
    used as given (``kept``, from :func:`vjp_arguments`) was changed since."""
    called, rows = kept if kept is not None else (None, None)
    name = _first_changed(rows)
    if name is not None:
        raise ChangedSinceError(
            f"the argument {name!r} given to {called} was changed in place before its "
            f"pullback was called: the pullback would mix the old values with the new "
            f"(the function writes into an argument, and {name!r} is or shares memory "
            f"with another argument or a global, so {called} used it as given, not a "
            f"copy)", hint=f"call {called} again at the new values, or pass it a copy")


def _first_changed(rows):
    """The name of the first ``(name, array, copy)`` of ``rows`` whose array no longer
    holds its copy (None: none, or no ``rows``)."""
    for name, array, copy in rows or ():
        if array.shape != copy.shape or not _same(array, copy):
            return name
    return None


def output_copy(value):
    """``value`` with each numpy array in it copied (the caller's own, where the
    pullback keeps reading the original)."""
    return _copied(value, {}, copy_new=True)


def _arrays_in(tree, name, found, fixed, seen):
    """Gather the arrays in ``tree`` (the argument ``name``) into ``found`` (id ->
    (array, name)); those in a container :func:`_copied` does not rebuild into ``fixed``."""
    if isinstance(tree, _ndarray):
        found.setdefault(id(tree), (tree, name))
        return
    if isinstance(tree, _REBUILT) and id(tree) not in seen:
        seen.add(id(tree))
        inner = {}
        for item in (tree.values() if isinstance(tree, dict) else tree):
            _arrays_in(item, name, inner, fixed, seen)
        if not _rebuildable(tree):
            fixed.update(inner)
        for key, value in inner.items():
            found.setdefault(key, value)


def _containers_in(value, out, depth):
    """The ids of the lists, tuples and dicts ``value`` is or holds (three levels)."""
    if isinstance(value, _REBUILT) and id(value) not in out:
        out.add(id(value))
        if depth < 3:
            for item in (value.values() if isinstance(value, dict) else value):
                _containers_in(item, out, depth + 1)


def _given_containers(tree, held, given, seen):
    """Into ``given`` (id -> container): the containers in ``tree`` whose ids are in
    ``held``, each whole (the containers inside it go with it)."""
    if not isinstance(tree, _REBUILT) or id(tree) in seen:
        return
    seen.add(id(tree))
    if id(tree) in held:
        given[id(tree)] = tree
        return
    for item in (tree.values() if isinstance(tree, dict) else tree):
        _given_containers(item, held, given, seen)


def _rebuildable(tree):
    cls = tree.__class__
    return cls in _REBUILT or (isinstance(tree, tuple) and hasattr(cls, "_fields"))


def _sharing(arrays, outside):
    """The ids of the arrays of ``arrays`` whose memory may overlap another one's there
    (a distinct object) or that of an array among the values ``outside``."""
    spans = [(_span(a), key) for key, (a, _) in arrays.items() if a.size]
    others, shared = [], set()
    for value in outside:
        _outside_arrays(value, others, 0)
    for a in others:
        if id(a) in arrays:   # (the argument is the global itself)
            shared.add(id(a))
        elif a.size:
            spans.append((_span(a), None))
    spans.sort(key=lambda item: item[0])
    reach = []   # (end, key) of the spans still open
    for (low, high), key in spans:
        reach = [(end, k) for end, k in reach if end > low]
        if reach:
            shared.update(k for _, k in reach if k is not None)
            if key is not None:
                shared.add(key)
        reach.append((high, key))
    return shared


def _outside_arrays(value, out, depth):
    if isinstance(value, _ndarray):
        out.append(value)
    elif depth < 3 and isinstance(value, _REBUILT):
        for item in (value.values() if isinstance(value, dict) else value):
            _outside_arrays(item, out, depth + 1)


def _span(array):
    """``(first byte, one past the last byte)`` of ``array``'s memory."""
    start = array.__array_interface__["data"][0]
    low = high = start
    for n, step in zip(array.shape, array.strides):
        if step < 0:
            low += (n - 1) * step
        else:
            high += (n - 1) * step
    return low, high + array.itemsize


def _copied(tree, memo, copy_new=False):
    """``tree`` with its arrays replaced by ``memo``'s copies (each container rebuilt
    once, by identity; ``copy_new``: arrays not in ``memo`` copied into it)."""
    key = id(tree)
    if key in memo:
        return memo[key]
    if isinstance(tree, _ndarray):
        if not copy_new:
            return tree
        made = memo[key] = tree.copy(order="K")
        return made
    cls = tree.__class__
    if cls is list:
        made = memo[key] = []
        made.extend(_copied(item, memo, copy_new) for item in tree)
        return made
    if cls is dict:
        made = memo[key] = {}
        made.update((k, _copied(v, memo, copy_new)) for k, v in tree.items())
        return made
    if cls is tuple:
        made = memo[key] = tuple(_copied(item, memo, copy_new) for item in tree)
        return made
    if isinstance(tree, tuple) and hasattr(cls, "_fields"):   # a namedtuple
        made = memo[key] = cls(*(_copied(item, memo, copy_new) for item in tree))
        return made
    return tree   # (another container class, any other value: as given)


def _same(array, copy):
    """Whether ``array`` holds what ``copy`` (of its shape) does, nan as nan."""
    try:
        equal = array == copy
        if equal.all():
            return True
        if array.dtype.kind not in "fc":
            return False
        return bool((equal | (array != array) & (copy != copy)).all())
    except TypeError:   # (an object array)
        return bool(np.all(array == copy))
