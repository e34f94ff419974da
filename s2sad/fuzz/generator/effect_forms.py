"""Statements run for their effect, keyword arguments of numpy calls and list parameters
added to lists (README, "Statements run for their effect", "Keyword arguments of the
reductions", "Method spellings", the command line's list parameters):

- ``effect_print``: ``print(...)`` of a parameter's shape or sum, in a loop too;
- ``effect_log``: the module logger's methods (``log.info("f: %s", x.shape)``);
- ``effect_warn``: ``warnings.warn(...)``, with a category and ``stacklevel`` too;
- ``effect_helper``: a call, as a statement, of a helper of the user's that only prints
  or checks (``report(x, "x")``);
- ``guard_raise``: ``raise E(...)`` in a branch (one that always raises, with an
  ``else``), in a loop, and ``raise E(...) from C(...)``; ``assert_msg``: ``assert test,
  "msg"``.  Each guard tests a parameter against ``GUARD`` (40.0): the sample point never
  trips it, the checker's trigger point (every float parameter + 100) always does;
- ``helper_accumulate``: a helper's ``p *= v`` / ``p += v`` on an array parameter,
  called as a statement on a fresh array of ``f``'s;
- ``kw_dtype``: a float ``dtype=`` of reductions, ufuncs and ``asarray``;
  ``kw_initial_where``: ``initial=`` and ``where=`` of max and min, ``initial=`` of sum,
  ``where=`` of the NaN-ignoring reductions and of std (a slot of one value too), mean=
  of var and std (numpy >= 2.0);
  ``memory_order``: ``reshape(..., order='F')`` and ``order='A'``, ``x.copy('F')``,
  ``np.asfortranarray``, ``np.ascontiguousarray``, ``x.astype(float, copy=False)``,
  ``x.astype(np.float64, casting='same_kind')``, ``ravel(order='F')``;
- ``list_param_add``: a list parameter added to a list or to itself (``[x] + xs``,
  ``xs + xs``), which a command-line module decides when it runs;
- ``unused_check``: a check whose result nothing reads (``uc = ck(x)`` of a helper
  raising or asserting past ``GUARD``, ``uc = np.linalg.cholesky(np.eye(2) * (GUARD -
  np.max(x)))``): Python runs it, and so must every derivative (raising at the trigger
  point what ``f`` raises).

As ``python_forms``' terms, they are written at the top of ``f``'s body (the guards
before any other term reads the parameters); each feature draws from a stream of its own
(seeded from the program's seed) and the names bound are not put in scope, so a program
without them is the program of the same seed without the features.
"""

import random

import numpy as np

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

EFFECT_FEATURES = ("effect_print", "effect_log", "effect_warn", "effect_helper",
                   "guard_raise", "assert_msg", "helper_accumulate")
KEYWORD_FEATURES = ("kw_dtype", "kw_initial_where", "memory_order")
#: (after the others: their streams, by position, stay the ones they had)
FEATURES = EFFECT_FEATURES + KEYWORD_FEATURES + ("list_param_add", "unused_check")
#: the limit every guard tests (the sample point's values are within 1.5 of 0)
GUARD = 40.0
#: the logger the programs log to (the checker listens to it)
LOGGER = "s2sad_fuzz_effects"
_SALTS = (0x3E11, 0x1A7B, 0x52C9, 0x6F03, 0x0D5D, 0x47A1, 0x2C8F, 0x7B35, 0x15E7, 0x6A4B,
          0x39D3, 0x5E4D)
SIZE = {V: 3, W: 2, M: 6}
MASK = {V: "np.array([True, False, True])", W: "np.array([False, True])",
        M: "np.array([[True, False, True], [False, True, True]])"}


def streams(seed):
    """The features' own random streams."""
    return tuple(random.Random(seed ^ salt) for salt in _SALTS)


def choose(draft):
    """At the top of ``f``'s body (after ``module_reads.choose``): maybe each form."""
    rs = streams(draft.seed)
    rolls = [r.random() for r in rs]
    if draft.output == "container":
        return
    makers = (_print, _log, _warn, _helper, _guard, _assert, _accumulate, _dtype,
              _initial_where, _memory_order, _list_add, _unused_check)
    # (the guards first: nothing before them reads a tripped parameter)
    order = (4, 5) + tuple(i for i in range(len(makers)) if i not in (4, 5))
    for i in order:
        if draft.has(FEATURES[i]) and rolls[i] < (0.5 if i == 10 else 0.13):
            makers[i](draft, rs[i])


def _pick(draft, r, shapes=(S, V, W, M)):
    params = float_params(draft, shapes)
    return r.choice(params) if params else None


def _show(p):
    return f"{p.name}.shape" if p.shape != S else p.name


def _print(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    form = r.randrange(4)
    if form == 0:
        draft.emit(f"print('f: {x}', {_show(p)})")
    elif form == 1:
        draft.emit(f"print('sum of {x}', np.sum({x}))")
    elif form == 2:
        n = next(draft.counter)
        draft.emit(f"for i{n} in range(2):")
        draft.emit(f"    print('step', i{n}, np.sum({x}) * i{n})")
    else:
        draft.emit(f"print(f'{x}: {{np.sum({x}):.4f}}', 'done', sep=' | ')")
    draft.use("effect_print")


def _log(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    if not any(line.startswith("log = logging.getLogger") for line in draft.module_lines):
        draft.module_lines.append(f"log = logging.getLogger('{LOGGER}')")
    form = r.randrange(3)
    if form == 0:
        draft.emit(f"log.info('f: %s', {_show(p)})")
    elif form == 1:
        draft.emit(f"log.debug('sum %.6f', np.sum({x}))")
    else:
        draft.emit(f"if np.sum({x}) > -100.0:")
        draft.emit(f"    log.warning('f: %s of %d', '{x}', np.size({x}))")
    draft.use("effect_log")


def _warn(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    form = r.randrange(3)
    if form == 0:
        draft.emit(f"warnings.warn('f: {x} has shape ' + str(np.shape({x})))")
    elif form == 1:
        draft.emit(f"warnings.warn('f: {x} read', RuntimeWarning)")
    else:
        draft.emit(f"warnings.warn(f'f: sum {{np.sum({x}):.3f}}', UserWarning, stacklevel=2)")
    draft.use("effect_warn")


#: helpers that only print or check (``{0}`` their name)
REPORT_HELPERS = (
    "def {0}(a, label):\n    print(label, np.shape(a), np.sum(a) > 0.0)\n",
    "def {0}(a, label):\n    if np.any(np.isnan(a)):\n        print(label, 'has a NaN')\n"
    "    elif np.max(a) > 10.0:\n        print(label, 'is large')\n"
    "    else:\n        print(label, 'ok', round(float(np.sum(a)), 3))\n",
)


def _helper(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    name = f"rp{len(draft.box_helpers) + 1}"
    draft.box_helpers.append(r.choice(REPORT_HELPERS).format(name).rstrip("\n"))
    if r.random() < 0.5:
        draft.emit(f"{name}({x}, '{x}')")
    else:
        draft.emit(f"{name}(np.sin({x}) * 2.0, 'sin')")
    draft.use("effect_helper")


def _trip(p):
    return f"{p.name} > {GUARD}" if p.shape == S else f"np.max({p.name}) > {GUARD}"


def _guard(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    form = r.randrange(4)
    if form == 0:
        draft.emit(f"if {_trip(p)}:")
        draft.emit(f"    raise ValueError('{x} is too large', {GUARD})")
    elif form == 1:
        draft.emit(f"if {_trip(p)}:")
        draft.emit(f"    raise ValueError('{x} is out of range') from KeyError('limit')")
    elif form == 2 and p.shape in (V, W):
        n = next(draft.counter)
        draft.emit(f"for i{n} in range({SIZE[p.shape]}):")
        draft.emit(f"    if {x}[i{n}] > {GUARD}:")
        draft.emit(f"        raise ArithmeticError('item too large', i{n})")
    else:
        term = f"gr{next(draft.counter)}"
        draft.emit(f"if {_trip(p)}:")
        draft.emit(f"    raise OverflowError('{x}')")
        draft.emit("else:")
        draft.emit(f"    {term} = 0.25 * np.sum(np.sin({x}))")
        draft.return_terms.append(term)
    draft.use("guard_raise")


def _assert(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x = p.name
    if r.random() < 0.5:
        below = f"{x} < {GUARD}" if p.shape == S else f"np.max({x}) < {GUARD}"
        draft.emit(f"assert {below}, '{x} must stay below {GUARD}'")
    else:
        draft.emit(f"assert np.all(np.isfinite({x})) and np.sum({x}) < {GUARD * 10}, "
                   f"'bad {x}: ' + str(np.shape({x}))")
    draft.use("assert_msg")


#: helpers writing into their array parameter in place (``{0}`` their name)
ACCUMULATE_HELPERS = ("def {0}(p, v):\n    p *= v\n", "def {0}(p, v):\n    p += v\n",
                      "def {0}(p, v):\n    p += 0.5 * v\n    p *= v\n")


def _accumulate(draft, r):
    p = _pick(draft, r, (V, W, M))
    if p is None:
        return
    x = p.name
    name = f"ac{len(draft.box_helpers) + 1}"
    draft.box_helpers.append(r.choice(ACCUMULATE_HELPERS).format(name).rstrip("\n"))
    n = next(draft.counter)
    buf = f"bf{n}"
    draft.emit(f"{buf} = {x} * 0.5 + 0.25")
    if r.random() < 0.5:
        draft.emit(f"{name}({buf}, np.tanh({x}))")
    else:
        draft.emit(f"for i{n} in range(2):")
        draft.emit(f"    {name}({buf}, 0.5 * np.sin({x}))")
    # (bound here: a later write into the parameter must not change the term; campaign
    # seed 113, a parameter read after a write through a name said not to be)
    draft.emit(f"ha{n} = 0.25 * np.sum({buf} * {x})")
    draft.return_terms.append(f"ha{n}")
    draft.use("helper_accumulate")


#: ``{0}`` a parameter (any shape)
DTYPE_FORMS = ("np.sum({0}, dtype=np.float64)", "np.mean(np.sin({0}), dtype=float)",
               "np.sum(np.cumsum({0}, dtype='float64') * 0.5)",
               "np.prod(np.tanh({0}) + 1.5, dtype=np.float64)",
               "np.var({0}, dtype=np.float64) + np.std({0}, dtype='float64')",
               "np.sum(np.add({0}, np.sin({0}), dtype=np.float64))",
               "np.sum(np.multiply({0}, {0}, dtype=float))",
               "np.sum(np.exp(0.5 * {0}, dtype=np.float64))",
               "np.sum(np.asarray({0}, dtype=np.float64) * {0})")


def _dtype(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    forms = DTYPE_FORMS + (("np.trace({0}, dtype=float)",) if p.shape == M else ())
    if p.shape == S:
        forms = forms[:2] + forms[3:4] + forms[5:]
    name = f"kd{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * ({r.choice(forms).format(p.name)})")
    draft.return_terms.append(name)
    draft.use("kw_dtype")


def _mean_forms(x):
    """mean= of np.var and np.std: numpy >= 2.0's (none before)."""
    if np.lib.NumpyVersion(np.__version__) < "2.0.0":
        return ()
    return (f"np.var({x}, mean=np.mean({x}, keepdims=True)) + np.std({x}, mean=0.25)",)


def _initial_where(draft, r):
    p = _pick(draft, r, (V, W, M))
    if p is None:
        return
    x, mask = p.name, MASK[p.shape]
    forms = (f"np.max({x}, initial=-5.0)", f"np.min(np.sin({x}), initial=5.0)",
             f"np.max({x}, initial=5.0) + np.sum({x})",
             f"np.amax({x}, where={mask}, initial=-5.0)",
             f"np.amin({x} * {x}, where={mask}, initial=5.0)",
             f"np.sum({x}, initial=1.0)",
             f"np.nanmean({x}, where={mask}) + np.nanvar(np.sin({x}), where={mask})",
             f"np.nanstd({x}, where={mask}) + np.std({x}, where={mask})",
             f"np.nanprod(np.cos({x}), where={mask})") + _mean_forms(x)
    name = f"ki{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * {r.choice(forms)}")
    draft.return_terms.append(name)
    draft.use("kw_initial_where")


def _memory_order(draft, r):
    p = _pick(draft, r, (V, W, M))
    if p is None:
        return
    x, size = p.name, SIZE[p.shape]
    weights = f"np.arange({float(size)})"
    forms = [f"np.sum({x}.reshape(-1, order='F') * {weights})",
             f"np.sum({x}.ravel(order='F') * {weights})",
             f"np.sum({x}.copy('F') * np.sin({x}))",
             f"np.sum(np.asfortranarray({x}) * {x})",
             f"np.sum(np.ascontiguousarray({x}.T) ** 2)",
             f"np.sum({x}.astype(float, copy=False) * np.tanh({x}))",
             f"np.sum({x}.reshape(-1, order='A') * {weights})",
             f"np.sum(np.reshape(np.asfortranarray({x}), -1, order='A') * {weights})",
             f"np.sum({x}.astype(np.float64, casting='same_kind') * {x})"]
    if p.shape == M:
        forms.append(f"np.sum({x}.reshape((3, 2), order='F') @ C2)")
    name = f"mo{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * {r.choice(forms)}")
    draft.return_terms.append(name)
    draft.use("memory_order")


def _list_add(draft, r):
    lists = [b for b in draft.boxes if b.param and b.spec[0] == "list" and len(b.spec[1]) >= 1
             and all(s == ("leaf", b.spec[1][0][1]) for s in b.spec[1])
             and b.spec[1][0][1] != S]
    if not lists:
        return
    box = r.choice(lists)
    xs, shape = box.name, box.spec[1][0][1]
    same = [p.name for p in float_params(draft, (shape,))]
    item = r.choice(same) if same else f"np.sin({xs}[0])"
    n = next(draft.counter)
    name = f"la{n}"
    form = r.randrange(3)
    if form == 0:
        draft.emit(f"{name} = [{item}] + {xs}")
    elif form == 1:
        draft.emit(f"{name} = {xs} + {xs}")
    else:
        draft.emit(f"{name} = {xs} + [{item} * 0.5]")
    draft.emit(f"ls{n} = 0.0")
    draft.emit(f"for e{n} in {name}:")
    draft.emit(f"    ls{n} = ls{n} + 0.25 * np.sum(np.sin(e{n}) * {name}[0])")
    draft.return_terms.append(f"ls{n}")
    draft.use("list_param_add")


#: helpers checking their argument, whose result the caller leaves unused (``{0}``
#: their name)
CHECK_HELPERS = (
    "def {0}(a):\n    if np.max(a) > %s:\n        raise ValueError('a is too large')\n"
    "    return a * 1.0\n" % GUARD,
    "def {0}(a):\n    assert np.all(a < %s), 'a must stay below %s'\n"
    "    return np.sum(a)\n" % (GUARD, GUARD),
)


def _unused_check(draft, r):
    p = _pick(draft, r)
    if p is None:
        return
    x, n = p.name, next(draft.counter)
    if r.random() < 0.7:
        name = f"ck{len(draft.box_helpers) + 1}"
        draft.box_helpers.append(r.choice(CHECK_HELPERS).format(name).rstrip("\n"))
        draft.emit(f"uc{n} = {name}({x})")
    else:
        draft.emit(f"uc{n} = np.linalg.cholesky(np.eye(2) * ({GUARD} - np.max({x})))")
    draft.use("unused_check")
