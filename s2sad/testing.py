"""Check s2sad's derivatives against central finite differences.

``check_grads`` is what s2sad's own op table uses, and what a user who has
registered a rule with ``@s2sad.adjoint`` should run on it::

    from s2sad.testing import check_grads

    def loss(w, x):
        return np.sum(np.tanh(x @ w) ** 2)

    check_grads(loss, (w, x))                 # every float argument
    check_grads(loss, (w, x), wrt="w")        # only w

The reference is always the same: central finite differences computed in
float64 on the original Python function, one perturbation per element of
each differentiated argument.  Nothing of s2sad's is used to compute it.

Each mode is checked by its own function (``_check_reverse``,
``_check_forward``) against the one finite-difference Jacobian, so a new mode
is one more entry in ``_CHECKERS``.

* ``"reverse"``: ``s2sad.value_and_grad`` for a scalar output, and
  ``s2sad.vjp`` with random cotangents for every output (scalar, array, or
  tuple of them).  The pullback is called twice, to check it can be reused,
  and neither the arguments nor the cotangents may be modified.
* ``"forward"``: ``s2sad.jvp(f, wrt)(*args, *tangents)`` with random
  tangents, compared with the finite-difference directional derivative.  If
  this version of s2sad has no ``jvp``, a ``NotImplementedError`` says so.
"""

import copy
import inspect

import numpy as np

from .testing_layout import _Layout, _summary

__all__ = ["check_grads", "finite_difference_gradient", "MODES"]

#: the modes ``check_grads`` knows, in the order they are checked
MODES = ("reverse", "forward")

_SEED = 0            # random cotangents and tangents are reproducible
_VALUE_RTOL = 1e-10  # the value a derivative function returns is the primal's


# ------------------------------------------------------------------ structure
# (a value's leaves, kinds and shapes, inside lists, tuples and dicts: .testing_layout)

def _flatten(value):
    """``value`` (float, array, or nested list/tuple/dict of them) as a float64 vector."""
    if isinstance(value, (list, tuple, dict)):
        parts = [_flatten(v) for v in (value.values() if isinstance(value, dict) else value)]
        return np.concatenate(parts) if parts else np.zeros(0)
    return np.array(value, dtype=np.float64).reshape(-1)


def _fresh(args):
    """Copies of the arguments, so a function that writes into its arguments cannot
    change the point at which it is differentiated."""
    return [copy.deepcopy(a) for a in args]


def _as_float64(value):
    """A float64 copy of a differentiated argument, keeping its layout (its integer and
    bool leaves as they are)."""
    layout = _Layout(value, keep_integers=True)
    return layout.unflatten(layout.flatten(value))


def _is_differentiable(value):
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return False
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_differentiable(v) for v in value)
    if isinstance(value, dict):
        return bool(value) and all(_is_differentiable(v) for v in value.values())
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    return isinstance(value, (float, np.floating))


def _outputs(value):
    """A function's result as a tuple of outputs (a tuple result is several outputs)."""
    return value if isinstance(value, tuple) else (value,)


# ----------------------------------------------------------- finite differences

def _fd_jacobian(f, args, index, eps, center=None, keep_integers=False):
    """Central finite differences of every output with respect to ``args[index]``.

    Returns ``(layout, columns)`` where ``columns`` has one row per output
    element (all outputs raveled and concatenated) and one column per input
    element.  Given ``center`` (the outputs at ``args``, raveled), returns
    ``(layout, columns, forward, backward)`` with the one-sided differences too.
    ``keep_integers``: the integer and bool leaves of the argument are held as they are
    (no column; ``check_grads``), else perturbed as floats (the fuzzer's programs).
    """
    layout = _Layout(args[index], keep_integers=keep_integers)
    x = layout.flatten(args[index])
    columns, forward, backward = [], [], []
    for k in range(x.size):
        hi, lo = x.copy(), x.copy()
        hi[k] += eps
        lo[k] -= eps
        args_hi, args_lo = _fresh(args), _fresh(args)   # f may write into its arguments
        args_hi[index] = layout.unflatten(hi)
        args_lo[index] = layout.unflatten(lo)
        f_hi = _flatten(list(_outputs(f(*args_hi))))
        f_lo = _flatten(list(_outputs(f(*args_lo))))
        columns.append((f_hi - f_lo) / (2.0 * eps))
        if center is not None:
            forward.append((f_hi - center) / eps)
            backward.append((center - f_lo) / eps)
    if columns:
        jac = np.stack(columns, axis=1)
    else:
        out_size = _flatten(list(_outputs(f(*_fresh(args))))).size
        jac = np.zeros((out_size, 0))
    if center is None:
        return layout, jac
    return (layout, jac) + tuple(np.stack(d, axis=1) if d else jac for d in (forward, backward))


def finite_difference_gradient(f, args, argnum=0, eps=1e-6):
    """Central finite-difference derivative of ``f(*args)`` w.r.t. ``args[argnum]``, in float64.

    Every element of the argument is perturbed by ``+eps`` and ``-eps`` in
    turn; integer and bool leaves of a container (indices beside constants) are held
    as they are, and None stands in their place in the result.  For a scalar output the
    result has the argument's layout (a float for a float, an ndarray of its shape, a
    list for a list), i.e. it is the gradient.  For an array output and an array (or scalar) argument it is
    the Jacobian, of shape ``output.shape + argument.shape``; for a tuple of
    outputs, a tuple of those.
    """
    args = list(args)
    _refuse_integers_only(args[argnum], f"argument {argnum}", "finite_difference_gradient")
    args[argnum] = _as_float64(args[argnum])
    value = f(*_fresh(args))
    layout, jac = _fd_jacobian(f, args, argnum, eps, keep_integers=True)
    if not isinstance(value, (tuple, list, dict)) and np.ndim(value) == 0:
        return layout.unflatten(jac[0], kept_as_none=True)
    if layout.kind in (list, tuple, dict):
        raise ValueError("finite_difference_gradient: a list, tuple or dict argument needs a "
                         "scalar output")
    results, start = [], 0
    for out in _outputs(value):
        size = int(np.size(out))
        block = jac[start:start + size].reshape(np.shape(out) + layout.shape)
        results.append(block if block.ndim else float(block))
        start += size
    return tuple(results) if isinstance(value, tuple) else results[0]


# ------------------------------------------------------------------ comparing

def _assert_close(actual, expected, what, layout, rtol, atol):
    """Raise AssertionError naming ``what`` unless ``actual`` ~ ``expected`` elementwise."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    err = np.abs(actual - expected)
    bad = ~(err <= atol + rtol * np.abs(expected))   # NaN anywhere counts as bad
    if not bad.any():
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(expected != 0, err / np.abs(expected), np.where(err == 0, 0.0, np.inf))
    first = int(np.flatnonzero(bad)[0])
    where = layout.describe(first) if layout is not None else f"[{first}]"
    nan = int(np.isnan(err).sum())
    raise AssertionError(
        f"{what} differs from central finite differences:\n"
        f"  max abs error {np.max(err):.3g}, max rel error {np.max(rel):.3g} "
        f"(rtol={rtol:g}, atol={atol:g}); {int(bad.sum())} of {bad.size} elements out of "
        f"tolerance{f', {nan} of them NaN' if nan else ''}\n"
        f"  first bad index {where or '(scalar)'}: s2sad gives {float(actual[first])!r}, "
        f"finite differences give {float(expected[first])!r}")


def _check_layout(value, layout, what):
    problem = layout.matches(value)
    if problem:
        raise AssertionError(f"{what} has the wrong type or shape: {problem}")


def _check_value(value, expected, what):
    """The value a derivative function returns must equal the primal's output."""
    got = _outputs(value)
    want = _outputs(expected)
    if len(got) != len(want) or isinstance(value, tuple) != isinstance(expected, tuple):
        raise AssertionError(f"{what} returned {_summary(value)} as the value, but the "
                             f"function returns {_summary(expected)}")
    for i, (g, w) in enumerate(zip(got, want)):
        if isinstance(w, (list, tuple, dict)):   # a container output: its structure, then
            problem = _same_containers(g, w)      # its numbers
            if problem or not np.allclose(_flatten(g), _flatten(w), rtol=_VALUE_RTOL,
                                          atol=0, equal_nan=True):
                label = f" (output {i})" if len(want) > 1 else ""
                raise AssertionError(f"{what} returned the value{label} {g!r}, but the "
                                     f"function returns {w!r}"
                                     + (f" ({problem})" if problem else ""))
            continue
        if np.shape(g) != np.shape(w) or not np.allclose(g, w, rtol=_VALUE_RTOL, atol=0,
                                                         equal_nan=True):
            label = f" (output {i})" if len(want) > 1 else ""
            raise AssertionError(f"{what} returned the value{label} {g!r}, but the function "
                                 f"returns {w!r}")


def _same_containers(value, expected):
    """None if ``value`` has ``expected``'s lists, tuples and dicts (keys in order) and
    leaf shapes, else a phrase saying where it differs."""
    if isinstance(expected, (list, tuple, dict)):
        if type(value) is not type(expected) or len(value) != len(expected) or \
                isinstance(expected, dict) and list(value) != list(expected):
            return f"expected {_summary(expected)}, got {_summary(value)}"
        pairs = (zip(value.values(), expected.values()) if isinstance(expected, dict)
                 else zip(value, expected))
        return next((p for p in (_same_containers(v, e) for v, e in pairs) if p), None)
    if isinstance(value, (list, tuple, dict)) or np.shape(value) != np.shape(expected):
        return f"expected {_summary(expected)}, got {_summary(value)}"
    return None


def _random_like(value, rng):
    """A random float64 value with ``value``'s layout (a float for a scalar)."""
    if isinstance(value, (list, tuple)):
        items = [_random_like(v, rng) for v in value]
        # (a namedtuple takes its fields as arguments)
        return type(value)(*items) if hasattr(type(value), "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {k: _random_like(v, rng) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return rng.standard_normal(value.shape)
    return float(rng.standard_normal())


def _snapshot(values):
    return [_flatten(v).copy() if _is_differentiable(v) or isinstance(v, np.ndarray) else None
            for v in values]


def _check_unmodified(values, before, what):
    for i, (v, b) in enumerate(zip(values, before)):
        if b is not None and not np.array_equal(_flatten(v), b, equal_nan=True):
            raise AssertionError(f"{what} modified its input {i} in place")


# --------------------------------------------------------------------- modes

class _Case:
    """One ``check_grads`` call: the function, float64 arguments, wrt, references."""

    def __init__(self, f, args, indices, names, eps, rtol, atol):
        self.f, self.args, self.indices, self.names = f, args, indices, names
        self.rtol, self.atol = rtol, atol
        self.value = f(*_fresh(args))   # f may write into its arguments (a list's items)
        self.outputs = _outputs(self.value)
        self.out_layout = _Layout(list(self.outputs))
        self.scalar = not isinstance(self.value, (tuple, list, dict)) and \
            np.ndim(self.value) == 0
        self.jacobians = {}
        self.layouts = {}
        for i in indices:
            self.layouts[i], self.jacobians[i] = _fd_jacobian(f, args, i, eps,
                                                              keep_integers=True)

    def label(self, i):
        return f"argument {self.names[i]!r} (index {i})"

    def fresh_args(self):
        """Copies of the arguments, so a call that writes into them cannot hide it."""
        return [_as_float64(a) if i in self.layouts else a for i, a in enumerate(self.args)]


def _wrt_argument(indices):
    """What s2sad's API takes: a single index, or a tuple (then it returns a tuple)."""
    return indices[0] if len(indices) == 1 else tuple(indices)


def _as_tuple(grads, indices):
    return (grads,) if len(indices) == 1 else grads


def _check_reverse(s2sad, case):
    f, wrt = case.f, tuple(case.indices)
    name = getattr(f, "__name__", "f")
    if case.scalar:
        what = f"s2sad.value_and_grad({name})"
        args = case.fresh_args()
        before = _snapshot(args)
        value, grads = s2sad.value_and_grad(f, wrt=_wrt_argument(wrt))(*args)
        grads = _as_tuple(grads, wrt)
        _check_unmodified(args, before, what)
        _check_value(value, case.value, what)
        _check_layout(grads, _Layout(tuple(case.args[i] for i in wrt), keep_integers=True),
                      f"{what}'s gradient")
        for i, g in zip(wrt, grads):
            _assert_close(case.layouts[i].flatten(g), case.jacobians[i][0],
                          f"{what}: the gradient with respect to {case.label(i)}",
                          case.layouts[i], case.rtol, case.atol)
    what = f"s2sad.vjp({name})"
    args = case.fresh_args()
    before = _snapshot(args)
    value, pullback = s2sad.vjp(f, wrt=_wrt_argument(wrt))(*args)
    _check_unmodified(args, before, what)
    _check_value(value, case.value, what)
    rng = np.random.default_rng(_SEED)
    earlier = []
    for call in range(2):   # a pullback may be called more than once
        cotangent = _random_like(case.value, rng)
        seen = _snapshot(list(_outputs(cotangent)))
        grads = _as_tuple(pullback(cotangent), wrt)
        for g, b in earlier:
            if not np.array_equal(_flatten(g), b, equal_nan=True):
                raise AssertionError(f"{what}'s pullback changed the gradients it returned "
                                     f"from an earlier call")
        earlier.extend((g, _flatten(g).copy()) for g in grads)
        _check_unmodified(list(_outputs(cotangent)), seen, f"{what}'s pullback")
        _check_layout(grads, _Layout(tuple(case.args[i] for i in wrt), keep_integers=True),
                      f"{what}'s pullback result")
        v = _flatten(list(_outputs(cotangent)))
        for i, g in zip(wrt, grads):
            _assert_close(case.layouts[i].flatten(g), v @ case.jacobians[i],
                          f"{what}: pullback call {call + 1}, the cotangent's pullback onto "
                          f"{case.label(i)}", case.layouts[i], case.rtol, case.atol)
    _check_unmodified(args, before, f"{what}'s pullback")


def _check_forward(s2sad, case):
    jvp = getattr(s2sad, "jvp", None)
    if jvp is None:
        raise NotImplementedError(
            "check_grads(modes=('forward',)) needs s2sad.jvp (forward mode), which this "
            "version of s2sad does not provide; check with modes=('reverse',)")
    f, wrt = case.f, tuple(case.indices)
    what = f"s2sad.jvp({getattr(f, '__name__', 'f')})"
    rng = np.random.default_rng(_SEED + 1)
    # (0 for the integer and bool leaves, held fixed as the finite differences hold them)
    tangents = [case.layouts[i].zeros_at_kept(_random_like(case.args[i], rng)) for i in wrt]
    args = case.fresh_args()
    before = _snapshot(args + tangents)
    value, out_tangent = jvp(f, wrt=_wrt_argument(wrt))(*args, *tangents)
    _check_unmodified(args + tangents, before, what)
    _check_value(value, case.value, what)
    expected = sum(case.jacobians[i] @ case.layouts[i].flatten(t)
                   for i, t in zip(wrt, tangents))
    if isinstance(case.value, tuple):
        _check_layout(out_tangent, _Layout(case.outputs), f"{what}'s output tangent")
    else:
        _check_layout(out_tangent, _Layout(case.value), f"{what}'s output tangent")
    _assert_close(_flatten(list(_outputs(out_tangent))), expected,
                  f"{what}: the output tangent (tangents given for "
                  f"{', '.join(case.label(i) for i in wrt)})", case.out_layout,
                  case.rtol, case.atol)


_CHECKERS = {"reverse": _check_reverse, "forward": _check_forward}


# ----------------------------------------------------------------- the check

def _refuse_duck_arrays(args, names):
    """Refuse a Dask (or CuPy...) array among ``args``: finite differences evaluate ``f``
    on concrete values, element by element, which a lazy array would compute each time
    (and the values compared would be numpy's anyway)."""
    from .runtime.duck import is_duck

    def duck_in(value):
        if isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            return next((d for d in map(duck_in, items) if d is not None), None)
        return value if is_duck(value) else None

    for i, value in enumerate(args):
        duck = duck_in(value)
        if duck is not None:
            kind = type(duck).__module__.split(".")[0].capitalize()
            raise ValueError(
                f"check_grads: the argument {names[i]!r} holds a {kind} array; finite "
                f"differences need concrete values: pass numpy arrays (for a Dask "
                f"array, its .compute()). The generated code is the same for numpy and "
                f"Dask inputs; to check its result on Dask inputs, compute it "
                f"(s2sad.dask.compute) and compare it with the numpy inputs' gradient")


def _refuse_integers_only(value, label, who):
    """Refuse a differentiated argument with no float in it: its integer and bool leaves
    are held as they are, so nothing would be perturbed, and nothing checked."""
    if _Layout(value, keep_integers=True).size == 0 and _Layout(value).size:
        raise ValueError(
            f"{who}: {label} holds integers or bools only (or values that are no numbers), "
            f"which finite differences hold as they are (an index stays an index): nothing "
            f"to differentiate; pass it as floats (3.0, x.astype(float)) to differentiate "
            f"it as a real number")


def _resolve_wrt(f, args, wrt):
    """``wrt`` (None, index, name, or tuple of them) -> sorted positional indices."""
    try:
        params = [p.name for p in inspect.signature(f, follow_wrapped=False).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = {i: (params[i] if i < len(params) else f"#{i}") for i in range(len(args))}
    if wrt is None:
        indices = [i for i, a in enumerate(args) if _is_differentiable(a)]
        if not indices:
            raise ValueError("check_grads: no argument is a float or a floating array, so "
                             "there is nothing to differentiate; pass wrt=")
        return indices, names
    items = list(wrt) if isinstance(wrt, (tuple, list)) else [wrt]
    indices = []
    for item in items:
        if isinstance(item, str):
            if item not in params or params.index(item) >= len(args):
                raise ValueError(f"check_grads: {item!r} is not one of the positional "
                                 f"arguments given ({params[:len(args)]})")
            item = params.index(item)
        elif isinstance(item, bool) or not isinstance(item, int):
            raise TypeError(f"check_grads: wrt items are indices or names, not {item!r}")
        if not -len(args) <= item < len(args):
            raise ValueError(f"check_grads: wrt={item} is out of range for {len(args)} "
                             f"arguments")
        item %= len(args)
        if item in indices:
            raise ValueError(f"check_grads: wrt names argument {item} twice")
        indices.append(item)
    return indices, names


def check_grads(f, args, wrt=None, *, modes=("reverse",), eps=1e-6, rtol=1e-5, atol=1e-7):
    """Check s2sad's derivatives of ``f`` at ``args`` against central finite differences.

    ``f`` must be defined in a source file (s2sad reads its source).
    ``args`` is the tuple of positional arguments.  ``wrt`` selects the
    arguments to differentiate: an index, a parameter name, or a tuple of
    them; ``None`` (the default) means every argument that is a float, a
    floating ndarray, or a list/tuple/dict of those.  Differentiated arguments are
    converted to float64 first, but for their integer and bool leaves (index pairs in a
    dict beside its constants), which are passed as they are, never perturbed, and whose
    derivatives are not compared (only their shape: s2sad gives floats there), and so
    for leaves that are no numbers (a string switch, None: s2sad.grad holds them fixed
    too); the other arguments are passed as given.

    ``modes`` is a tuple drawn from ``MODES``:

    * ``"reverse"`` checks ``s2sad.value_and_grad`` (scalar outputs) and
      ``s2sad.vjp`` with two random cotangents (every output);
    * ``"forward"`` checks ``s2sad.jvp`` with random tangents, and raises
      ``NotImplementedError`` when s2sad has no ``jvp``.

    An element passes when ``|s2sad - fd| <= atol + rtol * |fd|``; the
    central difference uses the step ``eps``.  The value the derivative
    function returns must equal ``f(*args)``, gradients must have the type
    and shape of their argument, and no call may modify its inputs.

    Returns None; raises AssertionError naming the mode, the argument, the
    largest absolute and relative errors and the first bad element.
    """
    import s2sad  # the package, lazily: s2sad.testing is reachable as s2sad.testing

    if isinstance(modes, str):
        modes = (modes,)
    unknown = [m for m in modes if m not in _CHECKERS]
    if unknown:
        raise ValueError(f"check_grads: unknown mode {unknown[0]!r}; choose from {MODES}")
    if not modes:
        raise ValueError("check_grads: modes is empty, so nothing would be checked")
    args = tuple(args)
    indices, names = _resolve_wrt(f, args, wrt)
    _refuse_duck_arrays(args, names)
    for i in indices:
        _refuse_integers_only(args[i], f"the argument {names[i]!r}", "check_grads")
    args = tuple(_as_float64(a) if i in indices else a for i, a in enumerate(args))
    case = _Case(f, args, indices, names, eps, rtol, atol)
    for mode in MODES:
        if mode in modes:
            _CHECKERS[mode](s2sad, case)
