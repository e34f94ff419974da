"""Terms of ``f``'s value in forms real numeric code writes all the time, which the README
claims and the op table's rows never wrote:

- ``builtin_abs``: Python's builtin ``abs`` of a number and of an array ("What can be
  differentiated": "unary -/+, ``abs``"), ``abs(y - 0.3)``, ``np.sum(abs(x * 0.5 + 0.1))``;
- ``shape_number``: an array's shape as numbers ("``range(...)`` (any bounds, computed from
  shapes too)"): ``n = x.shape[0]``, ``for i in range(x.shape[0])``, ``x.size``,
  ``r, c = m.shape``, ``x.ndim``, as loop bounds and divisors;
- ``method_spelling``: the ndarray methods of "Method spellings" no row calls:
  ``x.copy()`` written into after (``b = x.copy(); b[0] = ...``, ``x`` read again),
  ``x.max()``, ``x.min()``, ``x.prod()``, ``x.clip(lo, hi)``, ``x.astype(float)``,
  ``m.transpose()``, ``m.T``, ``x.squeeze()``.

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from streams of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("builtin_abs", "shape_number", "method_spelling")


def streams(seed):
    """The three features' own random streams."""
    return (random.Random(seed ^ 0xAB51), random.Random(seed ^ 0x5A9E),
            random.Random(seed ^ 0x3E7D))


def choose(draft):
    """At the top of ``f``'s body: maybe each of the three terms (to
    ``draft.return_terms``, which ``module_reads.choose`` made)."""
    abs_r, shape_r, method_r = streams(draft.seed)
    rolls = abs_r.random(), shape_r.random(), method_r.random()
    if draft.output == "container":
        return
    if draft.has("builtin_abs") and rolls[0] < 0.15:
        _builtin_abs(draft, abs_r)
    if draft.has("shape_number") and rolls[1] < 0.15:
        _shape_number(draft, shape_r)
    if draft.has("method_spelling") and rolls[2] < 0.15:
        _method_spelling(draft, method_r)


def _builtin_abs(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    name = f"ab{next(draft.counter)}"
    if param.shape == S:
        form = r.choice(("0.5 * abs({0} - 0.3)", "abs(-{0}) * 0.25 + abs({0} * {0} - 0.2)",
                         "0.5 * abs(np.tanh({0}) + 0.1)"))
    else:
        form = r.choice(("0.25 * np.sum(abs({0} * 0.5 + 0.1))",
                         "0.25 * abs(np.sum({0}) - 0.3)",
                         "0.25 * np.sum(abs(np.sin({0})) * {0})"))
    draft.emit(f"{name} = {form.format(param.name)}")
    draft.return_terms.append(name)
    draft.use("builtin_abs")


def _shape_number(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    p = param.name
    name = f"sz{next(draft.counter)}"
    form = r.randrange(4)
    if form == 0:   # a loop over the first axis's length
        i = f"i{next(draft.counter)}"
        draft.emit(f"{name} = 0.0")
        draft.emit(f"for {i} in range({p}.shape[0]):")
        draft.emit(f"    {name} = {name} + 0.5 * np.sum(np.sin({p}[{i}])) / {p}.shape[0]")
    elif form == 1:   # a length bound to a name, a divisor
        n = f"n{next(draft.counter)}"
        draft.emit(f"{n} = {p}.shape[0]")
        draft.emit(f"{name} = np.sum({p} * {p}) / {n}")
    elif form == 2:
        draft.emit(f"{name} = np.sum(np.tanh({p})) / {p}.size + 0.1 * {p}.ndim")
    elif param.shape == M:   # the shape unpacked
        rows, cols = f"n{next(draft.counter)}", f"n{next(draft.counter)}"
        draft.emit(f"{rows}, {cols} = {p}.shape")
        draft.emit(f"{name} = np.sum({p}[{rows} - 1]) * {cols} / ({rows} * {cols})")
    else:
        draft.emit(f"{name} = {p}[{p}.shape[0] - 1] * len({p}.shape) * 0.5")
        name = f"np.sum({name})"
    draft.return_terms.append(name)
    draft.use("shape_number")


def _method_spelling(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    p = param.name
    name = f"mc{next(draft.counter)}"
    form = r.randrange(4)
    if form == 0:   # a copy of its own, written into; the parameter read again
        copy = f"mc{next(draft.counter)}"
        draft.emit(f"{copy} = {p}.copy()")
        draft.emit(f"{copy}[0] = {copy}[0] * 2.0 + 0.1")
        draft.emit(f"{name} = 0.25 * np.sum({copy} * {p})")
    elif form == 1:
        draft.emit(f"{name} = 0.25 * ({p}.max() - {p}.min()) + 0.1 * ({p} * 0.5).prod()")
    elif form == 2:
        draft.emit(f"{name} = 0.25 * np.sum({p}.clip(-0.45, 0.45) * {p}.astype(float))")
    elif param.shape == M:
        draft.emit(f"{name} = 0.25 * np.sum({p}.transpose() @ {p}) + 0.1 * np.sum({p}.T[0])")
    else:
        draft.emit(f"{name} = 0.25 * np.sum({p}.squeeze() * {p}.T)")
    draft.return_terms.append(name)
    draft.use("method_spelling")
