"""Terms of ``f``'s value in forms the README claims that no generator wrote (a construct
the fuzzer cannot write is untested):

- ``ufunc_method``: ``np.add.reduce``, ``np.multiply.reduce``, ``np.maximum.reduce``,
  ``np.minimum.reduce`` (with ``axis``), ``np.add.accumulate``, ``np.multiply.accumulate``,
  ``np.add.outer``, ``np.multiply.outer`` (:data:`UFUNC_FORMS`);
- ``reduce_keywords``: ``where=`` and ``initial=`` of ``sum mean prod var std nansum max
  min``, as functions and as methods; ``dtype=`` of ``np.stack``, ``np.hstack`` and
  ``np.vstack`` (numpy 1.24 and newer); ``np.array(x, ndmin=k)``;
- ``zero_d_reduce``: reductions given an ``axis`` (``0``, ``-1``, ``()``) of a 0-d array
  and of an ``np.float64`` (an array's item);
- ``item_iterators``: ``itertools.combinations(xs, 2)``, ``product(xs, ys)``,
  ``pairwise(xs)`` (Python 3.10 and newer) and ``permutations(xs, 2)`` over the items of a
  list or an array (the rows of a matrix); ``max(xs)`` and ``min(xs)`` of a list, an array,
  a generator expression, a ``map``, every other one (of two numbers too, beside ``pow``)
  spelled ``MXN``/``PWN`` (``from builtins import max as MXN``) or ``builtins.max``; the
  iterator bound to a name read after, or read in one branch of an ``if`` or the other;
- ``triu_pairs``: the pairs of a distance matrix, ``r2[np.triu_indices(n, 1)]``,
  ``np.tril_indices(n, -1)``, the index arrays read apart, and the pair loop ``for i in
  range(n): for j in range(i + 1, n)``;
- ``list_arith``: a list of numbers in ``*`` or ``/`` with a differentiated array
  (``slN = [0.5, -1.0, 2.0]``, or a global list or tuple ``slN = GLN``, ``slN * x``),
  which s2sad must refuse on the list's name
  (MUST_REFUSE; README: write ``np.array([...])``);
- ``called_partial``: a ``functools.partial`` called inside ``f``: made there and called
  (of a lambda, holding a constant or a value computed from a parameter), made and called
  at once (of a numpy function), a partial of a partial, one made anew in a loop, or a
  module global's (``PQN = functools.partial(np.sum, axis=0)``), one given to ``map``
  (``sum(map(ptN, xs))``, ``sum(map(functools.partial(np.multiply, 0.5), xs))``); every
  other one spelled
  ``PAN`` (``from functools import partial as PAN``: recognized by its value);
- ``nested_writer``: a local ``def`` writing into the array argument it is given
  (``np.add.at(r, idx, v)``, ``r[0] = r[0] * 3.0 + v[1]``, ``r[...] += v * v``,
  ``r[1:] = r[:-1] * v[0]``, or through a local function of its own), called once or in
  a loop, the caller's array read after (README: helpers writing into their arguments);
- ``fresh_direction``: ``s2sad.jvp(h)(x, e)[1]`` of a module-level helper returning a new
  array (or its argument), in a loop binding the direction ``e = np.zeros(n); e[i] =
  1.0`` anew each trip, the columns kept in a list and stacked.

Each is bound at the top of ``f``'s body and added to what it returns; every draw comes
from a stream of its own (seeded from the program's seed), and the names bound are not put
in scope, so a program without them is the program of the same seed without the features.
The statements of ``claim_effects`` (writes after maybe-views, a print in a branch in a
loop, foreign containers as arguments) are the same module's other half.
"""

import random
import sys

import numpy as np

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

TERM_FEATURES = ("ufunc_method", "reduce_keywords", "zero_d_reduce", "item_iterators",
                 "triu_pairs", "list_arith", "called_partial", "nested_writer",
                 "fresh_direction", "module_partial")
SALTS = (0x0A51, 0x1C63, 0x2E75, 0x3087, 0x4299, 0x54AB, 0x66BD, 0x78CF, 0x8AE1, 0x9CF3)
RATE = 0.12
#: features drawn less often (a refusal checks one thing: few programs given to it)
RATES = {"list_arith": 0.04}
#: the ufunc methods, by the shapes of the array they are given (``{0}``)
UFUNC_FORMS = {
    (V, W): ("np.add.reduce({0})", "np.multiply.reduce({0})", "np.maximum.reduce({0})",
             "np.minimum.reduce({0}, axis=0)", "np.add.accumulate({0})",
             "np.multiply.accumulate(np.tanh({0}) + 0.5)", "np.add.outer({0}, C3)",
             "np.multiply.outer({0}, {0})"),
    (M,): ("np.add.reduce({0}, axis=1)", "np.multiply.reduce(0.5 * {0}, axis=0)",
           "np.maximum.reduce({0})", "np.minimum.reduce({0}, axis=1)",
           "np.add.reduce({0}, axis=None)", "np.add.accumulate({0}, axis=1)",
           "np.multiply.accumulate(np.tanh({0}))", "np.add.outer({0}[0], C2)",
           "np.multiply.outer({0}, C2)"),
}
#: every ufunc method's format (tests/fuzz/test_fuzz_covers_ops.py reads them)
FORMATS = tuple(fmt for forms in UFUNC_FORMS.values() for fmt in forms)
#: a mask of each shape (``where=``), each choosing two elements or more
MASK = {V: "np.array([True, False, True])", W: "np.array([True, True])",
        M: "(C23 > 0.0)"}
PARTNER = {V: "C3", W: "C2", M: "C23"}
#: ``where=`` and ``initial=`` forms (``{0}`` the array, ``{1}`` a mask, ``{2}`` the
#: constant of its shape); std and var of the array plus the constant (never equal values)
KEYWORD_FORMS = (
    "np.sum({0}, where={1})", "np.sum({0}, where={1}, initial=0.5)",
    "np.mean({0}, where={1})", "np.prod(np.tanh({0}) + 1.0, where={1})",
    "np.prod({0}, initial=0.5)", "np.var({0} + {2}, where={1})",
    "np.std({0} + {2}, where={1})", "np.nansum({0}, where={1}, initial=-0.25)",
    "np.max({0}, where={1}, initial=-5.0)", "np.min({0}, where={1}, initial=5.0)",
    "{0}.sum(where={1})", "{0}.mean(where={1})", "{0}.prod(initial=0.5)",
    "({0} + {2}).var(where={1})", "({0} + {2}).std(where={1})",
    "{0}.max(where={1}, initial=-5.0)", "{0}.min(initial=5.0)",
    "np.nansum({0}, initial=1.5)")
#: with an axis (a matrix: each row and each column has an element of the mask)
AXIS_FORMS = ("np.sum({0}, axis=1, where={1})", "np.mean({0}, axis=0, where={1})",
              "{0}.max(axis=1, where={1}, initial=-5.0)", "np.prod({0}, axis=0, initial=0.5)")
#: joins with ``dtype=`` (numpy 1.24 and newer takes it)
JOINS_TAKE_DTYPE = np.lib.NumpyVersion(np.__version__) >= "1.24.0"
JOIN_FORMS = ("np.stack([{0}, {2}], dtype=np.float64)", "np.hstack([{0}, {2}], dtype=float)",
              "np.vstack(({0}, {2}), dtype='float64')")
#: reductions given an axis, of a 0-d array or an np.float64
#: (numpy's mean takes no axis 0 or -1 of a 0-d array, only ``()``)
ZERO_D_FORMS = ("np.sum({0}, axis=0)", "np.mean({0}, axis=())", "np.max({0}, axis=0)",
                "np.min({0}, axis=-1)", "np.min({0}, axis=())", "np.prod({0}, axis=0)",
                "np.nansum({0}, axis=-1)", "{0}.sum(axis=0)", "{0}.mean(axis=())",
                "{0}.max(axis=0)", "{0}.prod(axis=-1)", "np.amax({0}, axis=-1)",
                "np.sum({0}, axis=0, keepdims=True)", "np.cumsum({0}, axis=0)")
HAS_PAIRWISE = sys.version_info >= (3, 10)


def streams(seed):
    """Each feature's own random stream, by feature."""
    return {feature: random.Random(seed ^ salt) for feature, salt in zip(TERM_FEATURES, SALTS)}


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    rs = streams(draft.seed)
    rolls = {feature: r.random() for feature, r in rs.items()}
    if draft.output == "container":
        return
    for feature in TERM_FEATURES:
        if draft.has(feature) and rolls[feature] < RATES.get(feature, RATE):
            MAKERS[feature](draft, rs[feature])


def _bind(draft, prefix, expr, feature):
    """``prefixN = 0.25 * np.sum(np.tanh(expr))``, added to what ``f`` returns."""
    name = f"{prefix}{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * np.sum(np.tanh({expr}))")
    draft.return_terms.append(name)
    draft.use(feature)


def _ufunc_method(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    forms = UFUNC_FORMS[(M,) if param.shape == M else (V, W)]
    _bind(draft, "uf", r.choice(forms).format(param.name), "ufunc_method")


def _reduce_keywords(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x = param.name
    if param.shape == S:
        _bind(draft, "rk", f"np.array({x}, ndmin={r.choice((1, 2))}) * C2", "reduce_keywords")
        return
    forms = list(KEYWORD_FORMS) + ["np.array({0}, ndmin=3) * 0.5"]
    if param.shape == M:
        forms += AXIS_FORMS
    if JOINS_TAKE_DTYPE:
        forms += JOIN_FORMS
    form = r.choice(forms)
    _bind(draft, "rk", form.format(x, MASK[param.shape], PARTNER[param.shape]),
          "reduce_keywords")


def _zero_d_reduce(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    z = f"zd{n}"
    if param.shape == S:
        made = r.choice((f"np.array({x} * 0.5)", f"np.float64({x})", f"np.asarray(np.sin({x}))"))
    else:
        item = f"{x}[1, 2]" if param.shape == M else f"{x}[1]"
        made = r.choice((item, f"np.array({item})", f"np.float64({item} * {item})"))
    draft.emit(f"{z} = {made}")
    _bind(draft, "zr", r.choice(ZERO_D_FORMS).format(z), "zero_d_reduce")


def _items(param):
    """A list or array expression whose items carry ``param``'s derivative, and the
    items' shape."""
    x = param.name
    if param.shape == S:
        return f"[{x}, {x} * {x}, np.sin({x})]", S
    return x, (V if param.shape == M else S)


def _item_iterators(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    xs, item = _items(param)
    if r.random() < 0.35 and item == S:
        _extremum_of_items(draft, r, param, xs)
        return
    n = next(draft.counter)
    acc, a, b = f"ii{n}", f"a{n}", f"b{n}"
    ys = "C2" if item == S else "C23"
    forms = [f"itertools.combinations({xs}, 2)", f"itertools.product({xs}, {ys})",
             f"itertools.permutations({xs}, 2)"]
    if HAS_PAIRWISE:
        forms.append(f"itertools.pairwise({xs})")
    form = r.choice(forms)
    term = f"{a} * np.sin({b})" if item == S else f"np.sum({a} * np.sin({b}))"
    branched = False
    if r.random() < 0.4:   # bound to a name, read once after: as the loop over it
        draft.emit(f"pr{n} = {form}")
        form = f"pr{n}"
        branched = r.random() < 0.5   # or read in one branch of an if or the other: once
    if branched:
        draft.emit(f"if np.sum({param.name}) > 0.0:")
        draft.emit(f"    {acc} = sum([0.5 * {term} for {a}, {b} in {form}])")
        draft.emit("else:")
        draft.indent += 1
    draft.emit(f"{acc} = 0.0")
    draft.emit(f"for {a}, {b} in {form}:")
    draft.emit(f"    {acc} = {acc} + 0.25 * {term}")
    if branched:
        draft.indent -= 1
    draft.return_terms.append(f"0.5 * np.tanh({acc})")
    draft.use("item_iterators")


def _extremum_of_items(draft, r, param, xs):
    """``max(xs)`` / ``min(xs)`` of a list, an array, a generator expression, a map; every
    other one spelled ``MXN`` (``from builtins import max as MXN``) or ``builtins.max``,
    of the items or of two numbers, beside ``pow`` spelled so too (see :func:`_renamed`)."""
    n = next(draft.counter)
    pick, v = r.choice(("max", "min")), f"v{n}"
    form = r.choice((xs, f"list({xs})" if param.shape != S else xs,
                     f"({v} * {v} - 0.5 * {v} for {v} in {xs})",
                     f"map(np.sin, {xs})", f"map(lambda {v}: {v} * 0.5, {xs})"))
    name = f"mx{n}"
    if n % 2:   # (the builtins under other names: recognized by their values)
        x = param.name
        a, b = (f"{x} * 0.5", f"np.sin({x})") if param.shape == S else (f"{x}[0]", f"{x}[-1]")
        spelled = _renamed(draft, r, pick, f"MX{n}")
        form = form if r.random() < 0.5 else f"{a}, {b}"
        power = _renamed(draft, r, "pow", f"PW{n}")
        draft.emit(f"{name} = {spelled}({form}) + {power}({a} * {a} + 1.0, 0.5 * np.tanh({b}))")
    else:
        draft.emit(f"{name} = {pick}({form})")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("item_iterators")


def _renamed(draft, r, builtin, alias):
    """``builtin`` spelled ``alias`` (``from builtins import max as MX3``) or
    ``builtins.max``, its import added to the module."""
    if r.random() < 0.5:
        draft.module_lines.append(f"from builtins import {builtin} as {alias}")
        return alias
    if "import builtins" not in draft.module_lines:
        draft.module_lines.append("import builtins")
    return f"builtins.{builtin}"


def _triu_pairs(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    size = {V: 3, W: 2, M: 2}[param.shape]
    r2, acc = f"dm{n}", f"pr{n}"
    if param.shape == M:
        draft.emit(f"{r2} = np.sum(({x}[:, None, :] - {x}[None, :, :]) ** 2, axis=-1) + 0.5")
    else:
        draft.emit(f"{r2} = ({x}[:, None] - {x}[None, :]) ** 2 + 0.5")
    form = r.randrange(4)
    if form == 0:
        draft.emit(f"{acc} = np.sum(np.sqrt({r2}[np.triu_indices({size}, 1)]))")
    elif form == 1:
        draft.emit(f"{acc} = np.sum(1.0 / {r2}[np.tril_indices({size}, -1)])")
    elif form == 2:
        iu = f"iu{n}"
        draft.emit(f"{iu} = np.triu_indices({size}, 1)")
        draft.emit(f"{acc} = np.sum({r2}[{iu}[0], {iu}[1]] * {x}[{iu}[0]].sum())")
    else:
        i, j = f"i{n}", f"j{n}"
        draft.emit(f"{acc} = 0.0")
        draft.emit(f"for {i} in range({size}):")
        draft.emit(f"    for {j} in range({i} + 1, {size}):")
        draft.emit(f"        {acc} = {acc} + 1.0 / {r2}[{i}, {j}]")
    draft.return_terms.append(f"0.25 * np.tanh({acc})")
    draft.use("triu_pairs")


def _list_arith(draft, r):
    params = float_params(draft, (V, W))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    items = ", ".join(str(r.choice((0.5, -1.0, 2.0, 1.5, -0.25)))
                      for _ in range(3 if param.shape == V else 2))
    if r.random() < 0.3:   # (a global list, or tuple, read by the function)
        shown = f"[{items}]" if r.random() < 0.5 else f"({items})"
        draft.module_lines.append(f"GL{n} = {shown}")
        draft.emit(f"sl{n} = GL{n}")
    else:
        draft.emit(f"sl{n} = [{items}]")
    term = f"sl{n} * {x}" if r.random() < 0.5 else f"sl{n} / (1.0 + {x} * {x})"
    draft.always_wrt.add(x)   # (refused where x carries a derivative: so it must)
    _bind(draft, "la", term, "list_arith")


def _called_partial(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    p, u, c = f"pt{n}", f"u{n}", f"c{n}"
    held = r.choice(("0.5", f"0.5 * np.sum({x})", f"np.tanh(np.sum({x}))"))
    lam = f"lambda {u}, {c}: {c} * np.sin({u}) + {u} * {u}"
    form = r.randrange(6)
    if n % 2 and form != 4:   # (partial under another name: resolved by its value)
        draft.module_lines.append(f"from functools import partial as PA{n}")
    spell = f"PA{n}" if n % 2 and form != 4 else "functools.partial"
    if form == 0:     # made, then called
        draft.emit(f"{p} = {spell}({lam}, {c}={held})")
        term = f"{p}({x})"
    elif form == 1:   # made and called at once
        term = r.choice((f"{spell}(np.multiply, 0.5)({x})",
                         f"{spell}(np.sum, axis=0)({x} * {x})"))
    elif form == 2:   # a partial of a partial, its keyword given anew
        draft.emit(f"{p} = {spell}({lam}, {c}=1.5)")
        draft.emit(f"pp{n} = {spell}({p}, {c}={held})")
        term = f"{p}({x}) + pp{n}({x})"
    elif form == 3:   # made anew in a loop
        k, acc = f"k{n}", f"pa{n}"
        draft.emit(f"{acc} = 0.0")
        draft.emit(f"for {k} in range(2):")
        draft.emit(f"    {p} = {spell}(lambda {u}, {c}: {c} * np.tanh({u}), "
                   f"{c}={k} + 0.5)")
        draft.emit(f"    {acc} = {acc} + np.sum({p}({x}))")
        term = acc
    elif form == 4:   # a module global's
        draft.module_lines.append(f"PQ{n} = functools.partial(np.sum, axis=0)")
        term = f"PQ{n}({x} * {x})"
    else:             # given to map, bound to a name or made in place: a comprehension
        items = f"[{x}, {x} * 2.0]" if param.shape == S else x
        draft.emit(f"{p} = {spell}({lam}, {c}={held})")
        term = r.choice((f"sum(map({p}, {items}))",
                         f"sum(map({spell}(np.multiply, 0.5), {items})) + {p}({x})"))
    _bind(draft, "cp", term, "called_partial")


def _module_partial(draft, r):
    """A module-level partial of a helper holding a global's value (an array or a number,
    by keyword or by position), called by ``f`` or given to a helper calling it
    (``gh0(PM0, x)``), or a method of a module-level object holding it given to that
    helper (``gh0(MH0.rhs, x)``): its values are read from the partial (the ``cli`` mode
    changes the array in place and rebinds the partial)."""
    params = float_params(draft, (S, V))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    draft.module_lines.append(f"GP{n} = {r.choice(('np.array([0.5, -1.0, 2.0])', '0.75'))}")
    if r.random() < 0.5:
        made = f"def hp{n}(u, c):\n    return c * np.sin(u) + u * u\n\n\n" \
               f"PM{n} = functools.partial(hp{n}, c=GP{n})"
    else:
        made = f"def hp{n}(c, u):\n    return c * np.sin(u) + u * u\n\n\n" \
               f"PM{n} = functools.partial(hp{n}, GP{n})"
    given = r.random()
    term = f"PM{n}({x})"
    if given < 0.45:   # (given to a helper: the partial, or a bound method)
        made += f"\n\n\ndef gh{n}(fn, u):\n    v = u * 1.0\n    for i in range(2):\n" \
                f"        v = v + 0.1 * fn(v)\n    return v"
        term = f"gh{n}(PM{n}, {x})"
        # (differentiated: a helper given a function in a call carrying no derivative is
        # another bug, a written module's NameError, left to its own task)
        draft.always_wrt.add(x)
    if given < 0.15:
        made += f"\n\n\nclass Mh{n}:\n    def __init__(self, c):\n        self.c = c\n\n" \
                f"    def rhs(self, u):\n        return self.c * np.sin(u) + u * u\n\n\n" \
                f"MH{n} = Mh{n}(GP{n})"
        term = f"gh{n}(MH{n}.rhs, {x})"
    draft.box_helpers.append(made)
    _bind(draft, "mpa", term, "module_partial")


#: the writes of ``nested_writer``'s local function into ``r`` (its argument ``v``: an
#: array of ``r``'s length; ``{last}``: its last index, ``{idx}`` one index per item of v)
NESTED_WRITES = ("np.add.at(r, np.array([{idx}]), v)", "r[0] = r[0] * 3.0 + v[1]",
                 "r[...] += v * v", "r[1:] = r[:-1] * v[0]", "np.subtract.at(r, [{last}], v[0])")
#: ``fresh_direction``'s helpers of ``q`` (``{n}`` items): a new array, or ``q`` itself
FRESH_HELPERS = ("np.array([np.sin(q[0])] + [q[i] * q[0] for i in range(1, {n})])",
                 "np.tanh(q) * q[0]", "np.cumsum(q * q)", "q")


def _nested_writer(draft, r):
    params = float_params(draft, (V, W))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    size = 3 if param.shape == V else 2
    write = r.choice(NESTED_WRITES).format(last=size - 1,
                                           idx="0, 0, 2" if size == 3 else "0, 0")
    fn, buf = f"nw{n}", f"bw{n}"
    draft.emit(f"def {fn}(r, v):")
    if r.random() < 0.25:   # through a local function of its own
        draft.emit("    def inner(r, v):")
        draft.emit(f"        {write}")
        draft.emit("    inner(r, v)")
    else:
        draft.emit(f"    {write}")
    draft.emit(f"{buf} = " + r.choice((f"np.zeros({size})", f"{x} * 0.5", f"np.ones({size})")))
    if r.random() < 0.4:
        i = f"i{n}"
        draft.emit(f"for {i} in range(2):")
        draft.emit(f"    {fn}({buf}, {x})")
    else:
        draft.emit(f"{fn}({buf}, {x})")
    _bind(draft, "nb", f"{buf} * {x}", "nested_writer")


def _fresh_direction(draft, r):
    params = float_params(draft, (V, W))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    size = 3 if param.shape == V else 2
    body = r.choice(FRESH_HELPERS).format(n=size)
    # (the identity named fiN: its jvp returns its argument, refused where that is written
    # after the call, REFUSABLE; a helper returning a new array, fkN, must work)
    helper, e, i, cols = f"fi{n}" if body == "q" else f"fk{n}", f"e{n}", f"i{n}", f"cl{n}"
    draft.box_helpers.append(f"def {helper}(q):\n    return {body}")
    draft.emit(f"{cols} = []")
    draft.emit(f"for {i} in range({size}):")
    draft.emit(f"    {e} = np.zeros({size})")
    draft.emit(f"    {e}[{i}] = 1.0")
    draft.emit(f"    {cols}.append(s2sad.jvp({helper})({x}, {e})[1] * {x}[{i}])")
    _bind(draft, "fd", f"np.stack({cols})", "fresh_direction")


MAKERS = {"nested_writer": _nested_writer, "fresh_direction": _fresh_direction,
          "ufunc_method": _ufunc_method, "reduce_keywords": _reduce_keywords,
          "zero_d_reduce": _zero_d_reduce, "item_iterators": _item_iterators,
          "triu_pairs": _triu_pairs, "list_arith": _list_arith,
          "called_partial": _called_partial, "module_partial": _module_partial}
