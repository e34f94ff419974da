"""Terms of ``f``'s value in forms the README claims that only regression tests wrote (a
construct the fuzzer cannot write is untested), two refusals that must stay refusals, and
what the checker does around ``f`` (its inputs' memory layouts, an empty argument, an entry
point that is a lambda or a ``functools.partial``):

- ``index_tuples``: loops over the index tuples of ``itertools.combinations``,
  ``product``, ``permutations`` and ``combinations_with_replacement`` of ``range(n)``;
- ``dict_accumulator``: a ``defaultdict(float)`` or ``Counter()`` accumulator, ``d[k] +=
  v`` in a loop, read back (a key never written too: its default); one in three bound
  beside another name (``acN, adN = Counter(), 0.5``);
- ``nested_dict_state``: optimizer state as a dict of dicts written by a loop key
  (``ns["m"][k] = ...``, a copy ``ns["m"].copy()`` written and stored back, two dicts
  deep);
- ``sum_lists``: ``sum(list_of_lists, [])`` (and of tuples, ``()``); every other one
  spelled ``SUN(..., list())`` (``from builtins import sum as SUN``, a start made by a call);
- ``map_call``: ``list(map(h, xs))`` of a helper, of a lambda, ``sum(map(h, xs, C3))``,
  ``tuple(map(...))``;
- ``module_lambda``: a lambda bound to a name at module level, called by ``f``;
- ``numpy_constants``: ``np.float64(x)`` casts, ``np.searchsorted``, ``np.digitize`` and
  ``np.count_nonzero`` as indices and counts, ``np.finfo(float).eps``;
- ``lstsq_pinv``: ``np.linalg.lstsq`` of a tall matrix, ``np.linalg.pinv``;
- ``hint_forms``: the code refusals' hints give (stranger22): a write into a flattened copy
  reshaped back (``np.put``, ``Y.flat[k] = v``), a mask written with values repeated in
  turn (``np.place``), ``np.put_along_axis``'s recipes as index writes, ``a.resize``'s
  zero fill, ``np.select`` (``np.piecewise``), the item of the largest key
  (``max(xs, key=k)``), one index of an index list (``Y[[1, 2]][0] = v``);
- ``deque_maxlen``, ``class_append``: ``.append`` of a ``deque(maxlen=2)`` and of an
  instance of the program's own class, which s2sad must refuse, located (the checker fails
  a program using them that a mode differentiates);
- ``input_layout``: array arguments given Fortran-ordered, as a transposed view, or as a
  strided (non-contiguous) view (``Param.layout``; the checker's finite differences keep
  the layout);
- ``empty_arg``: a parameter ``ze`` of shape ``(0,)``, always differentiated (so the
  Hessian of the second mode is taken with respect to an empty array too);
- ``entry_lambda``: the checker differentiates ``fe = lambda ...: f(...)``, a module-level
  lambda, instead of ``f``;
- ``entry_partial``: ``f`` takes a keyword-only ``kq=0.5``, and the checker
  differentiates ``functools.partial(f, kq=0.5)``, then sets ``kq`` anew in the partial
  between calls of one derivative (the derivative must follow).

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; every draw comes from a stream of its own (seeded from the program's seed), and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

import random
import re

import numpy as np

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params
from s2sad.fuzz.program import Param

FIRST_TERMS = ("index_tuples", "dict_accumulator", "sum_lists", "map_call",
               "module_lambda", "numpy_constants", "lstsq_pinv")
TERM_FEATURES = FIRST_TERMS + ("nested_dict_state", "hint_forms")
REFUSAL_FEATURES = ("deque_maxlen", "class_append")
CHECKER_FEATURES = ("input_layout", "empty_arg", "entry_lambda", "entry_partial")
FEATURES = TERM_FEATURES + REFUSAL_FEATURES + CHECKER_FEATURES
#: the features in the order their salts were given (a new one last: the others'
#: streams, and so the programs of a seed without it, stay as they were)
SALTED = FIRST_TERMS + REFUSAL_FEATURES + CHECKER_FEATURES + ("nested_dict_state",
                                                               "hint_forms")
#: how often each feature's term is written (a refusal's program is refused whole)
RATE = {"deque_maxlen": 0.03, "class_append": 0.03, "input_layout": 0.3,
        "empty_arg": 0.08, "entry_lambda": 0.08, "entry_partial": 0.08}
#: the value of ``kq`` in the partial the checker makes, then the ones it sets anew
PARTIAL_VALUES = (0.5, 1.25, -0.75)
#: the layouts an array argument may be given in (``Param.layout``)
LAYOUTS = ("F", "T", "S")
SALTS = (0x1D7A, 0x2C19, 0x5B33, 0x6E05, 0x7A4F, 0x0F6D, 0x3B91, 0x48C2, 0x5D0E, 0x61F7,
         0x7C2B, 0x0E9A, 0x19B4, 0x2A5D, 0x5F83)


def streams(seed):
    """Each feature's own random stream, by feature."""
    return {feature: random.Random(seed ^ salt) for feature, salt in zip(SALTED, SALTS)}


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``), and the
    refusals; a module-level line or helper goes to ``draft.module_lines`` or
    ``draft.box_helpers``."""
    rs = streams(draft.seed)
    rolls = {feature: r.random() for feature, r in rs.items()}
    draft.gap_streams = rs
    draft.gap_rolls = rolls
    if draft.output == "container":
        return
    for feature in TERM_FEATURES + REFUSAL_FEATURES:
        if draft.has(feature) and rolls[feature] < RATE.get(feature, 0.12):
            MAKERS[feature](draft, rs[feature])
    if draft.has("input_layout") and rolls["input_layout"] < RATE["input_layout"]:
        _input_layout(draft, rs["input_layout"])
    if draft.has("empty_arg") and rolls["empty_arg"] < RATE["empty_arg"]:
        _empty_arg(draft, rs["empty_arg"])


#: what makes f a helper of its entry point s2sad cannot follow as it follows f's own
#: parameters (README: a helper writing into its argument, a view of it...)
WRITES_PARAMETERS = frozenset({"param_array_write", "param_write", "none_buffer"})


def before_return(draft):
    """Before ``f``'s return: ``entry_partial``'s term reading ``kq`` (never where ``f``
    writes into its parameters)."""
    rs, rolls = getattr(draft, "gap_streams", None), getattr(draft, "gap_rolls", None)
    if rs is None or draft.output == "container" or WRITES_PARAMETERS & draft.used:
        return
    if draft.has("entry_partial") and rolls["entry_partial"] < RATE["entry_partial"]:
        draft.gap_kwonly = [f"kq={PARTIAL_VALUES[0]}"]
        draft.return_terms.append(_partial_term(draft))
        draft.use("entry_partial")


def finish(draft):
    """After the body: the arguments' layouts, and the lambda entry point (its module
    line, after ``f``'s other module lines; none beside ``entry_partial``)."""
    rs, rolls = getattr(draft, "gap_streams", None), getattr(draft, "gap_rolls", None)
    if rs is None:
        return []
    lines = []
    numbers = [p.name for p in draft.params if p.kind == "float" and p.shape == S]
    # (called by the lambda, f is a helper: an augmented assignment of a number
    # parameter there is refused, as the README says, "return the new value")
    rebinds = any(re.match(rf"\s*{name} \S?\S?= ", line) and " = " not in line
                  for name in numbers for line in draft.lines)
    if "entry_partial" not in draft.used and draft.has("entry_lambda") \
            and rolls["entry_lambda"] < RATE["entry_lambda"] and not rebinds \
            and not WRITES_PARAMETERS & draft.used:
        names = [p.name + ("=None" if p.name == "ob" else "") for p in draft.params]
        passed = [p.name for p in draft.params]
        lines.append(f"fe = lambda {', '.join(names)}: f({', '.join(passed)})")
        draft.use("entry_lambda")
    return lines


def _partial_term(draft):
    """The term reading ``kq`` (``entry_partial``), added to what ``f`` returns."""
    values = float_params(draft, (S, V, W, M))
    name = values[0].name if values else None
    return f"kq * np.sum(np.sin({name}))" if name else "kq * 0.5"


def _length(param):
    return {V: 3, W: 2}.get(param.shape)


def _index_tuples(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    acc, i, j = f"it{n}", f"i{n}", f"j{n}"
    draft.emit(f"{acc} = 0.0")
    if param.shape == M:
        form = r.choice(("itertools.product(range(2), range(3))",
                         "itertools.product(range(2), repeat=2)"))
        draft.emit(f"for {i}, {j} in {form}:")
        draft.emit(f"    {acc} = {acc} + 0.25 * {x}[{i}, {j}] * np.sin({x}[{i}, 2 - {j}])")
    else:
        size = _length(param)
        form = r.choice((f"itertools.combinations(range({size}), 2)",
                         f"itertools.product(range({size}), repeat=2)",
                         f"itertools.permutations(range({size}), 2)",
                         f"itertools.combinations_with_replacement(range({size}), 2)"))
        draft.emit(f"for {i}, {j} in {form}:")
        draft.emit(f"    {acc} = {acc} + 0.25 * {x}[{i}] * np.sin({x}[{j}]) / ({i} + {j} + 1)")
    draft.return_terms.append(acc)
    draft.use("index_tuples")


def _dict_accumulator(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    acc, i = f"ac{n}", f"i{n}"
    counter = r.random() < 0.5
    made = 'Counter()' if counter else 'defaultdict(float)'
    if n % 3 == 1:   # (bound beside another name at once: split before it is lowered)
        draft.emit(f"{acc}, ad{n} = {made}, 0.5")
        draft.return_terms.append(f"ad{n}")
    else:
        draft.emit(f"{acc} = {made}")
    keys = ("'u'", "'w'") if counter else ("0", "1")
    if param.shape == S:
        draft.emit(f"{acc}[{keys[0]}] += {x} * 0.5")
        draft.emit(f"{acc}[{keys[1]}] += np.sin({x})")
        draft.emit(f"{acc}[{keys[0]}] += {x} * {x}")
    else:
        size = 2 if param.shape in (W, M) else 3
        item = f"np.sum({x}[{i}])" if param.shape == M else f"{x}[{i}]"
        key = f"({keys[0]}, {keys[1]})[{i} % 2]"
        draft.emit(f"for {i} in range({size}):")
        draft.emit(f"    {acc}[{key}] += np.sin({item}) * {item}")
    missing = "'zz'" if counter else "7"
    draft.return_terms.append(f"0.25 * ({acc}[{keys[0]}] * {acc}[{keys[1]}] + {acc}[{missing}])")
    draft.use("dict_accumulator")


def _nested_dict_state(draft, r):
    """Optimizer state kept as a dict of dicts, written by a loop key (stranger21c r3,
    r7, r8): ``ns["m"][k] = ...`` in a loop over ``ns["m"]``, a copy of the item
    (``ns["m"].copy()``) written by a loop key and stored back, or a write two dicts
    deep (``ns["o"]["m"][k] = ...``) in a loop over a tuple of keys."""
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    ns, k = f"ns{n}", f"k{n}"
    form = r.randrange(3)
    if form == 2:
        draft.emit(f"{ns} = {{'o': {{'m': {{'a': {x} * 0.5, 'b': np.sin({x})}}}}}}")
        draft.emit(f"for {k} in ('a', 'b'):")
        draft.emit(f"    {ns}['o']['m'][{k}] = np.tanh({ns}['o']['m'][{k}]) * {x}")
        draft.emit(f"{ns} = {ns}['o']")
    else:
        draft.emit(f"{ns} = {{'m': {{'a': {x} * 0.5, 'b': np.sin({x})}}}}")
    if form == 0:
        draft.emit(f"for {k} in {ns}['m']:")
        draft.emit(f"    {ns}['m'][{k}] = 0.9 * {ns}['m'][{k}] + np.sin({x}) * {x}")
    elif form == 1:
        draft.emit(f"cp{n} = {ns}['m'].copy()")
        draft.emit(f"for {k} in cp{n}:")
        draft.emit(f"    cp{n}[{k}] = cp{n}[{k}] * np.cos({x})")
        draft.emit(f"{ns}['m'] = cp{n}")
    draft.return_terms.append(f"0.25 * (np.sum({ns}['m']['a']) + np.sum({ns}['m']['b'] ** 2))")
    draft.use("nested_dict_state")


def _hint_forms(draft, r):
    """A term written as a refusal's hint says (stranger22), of an array parameter."""
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    name, size = f"hf{n}", {V: 3, W: 2, M: 6}[param.shape]
    form = r.randrange(7)
    if form == 2 and param.shape != M:
        form = 0
    if form == 0:   # np.put(a, [0, k], v), Y.flat[k] = v
        draft.emit(f"{name} = {x} * 1.0")
        draft.emit(f"ff{n} = {name}.flatten()")
        draft.emit(f"ff{n}[[0, {size - 1}]] = np.sin({x}.ravel()[:2])")
        draft.emit(f"{name} = ff{n}.reshape({name}.shape)")
    elif form == 1:   # np.place(a, mask, [v, w]): the values in turn
        draft.emit(f"{name} = {x} * 1.0")
        draft.emit(f"mk{n} = {name} > 0.0")
        draft.emit(f"vs{n} = [{x}.ravel()[0] * 2.0, 0.5]")
        draft.emit(f"{name}[mk{n}] = np.asarray(vs{n})[np.arange(np.count_nonzero(mk{n})) "
                   f"% len(vs{n})]")
    elif form == 2:   # np.put_along_axis(a, i, v, axis=0 or 1)
        draft.emit(f"{name} = {x} * 1.0")
        if r.random() < 0.5:
            draft.emit(f"{name}[np.array([[1, 0, 1]]), np.arange({name}.shape[1])] = "
                       f"2.0 * np.tanh({x}[:1, :])")
        else:
            draft.emit(f"{name}[np.arange({name}.shape[0])[:, None], np.array([[2], [0]])] "
                       f"= 2.0 * {x}[:, :1]")
    elif form == 3:   # a.resize(k): the first items, zeros after them
        k = r.choice((2, 4, 8))
        draft.emit(f"{name} = {x} * 2.0")
        draft.emit(f"{name} = np.concatenate([{name}.ravel(), np.zeros(max({k} - "
                   f"{name}.size, 0))])[:{k}].reshape({k})")
        draft.return_terms.append(f"0.25 * np.sum({name} ** 2 * np.arange({k}.0))")
        draft.use("hint_forms")
        return
    elif form == 4:   # np.piecewise(x, conds, [f, g])
        draft.emit(f"{name} = np.select([{x} < 0.0, {x} >= 0.0], [{x} ** 2, np.sin({x})])")
    elif form == 5:   # max(xs, key=abs)
        draft.emit(f"{name} = {x}.ravel()[np.argmax([abs(v) for v in {x}.ravel()])] * 2.0")
    else:   # Y[[1, 0]][0] = v meant as the item: Y[[1, 0][0]] = v
        draft.emit(f"{name} = {x} * 1.0")
        draft.emit(f"{name}[[1, 0][0]] = np.sin({x}.ravel()[0])")
    draft.return_terms.append(f"0.25 * np.sum({name} * {x})")
    draft.use("hint_forms")


def _items(param):
    """Three numbers of ``param`` (an item of an array, or the number)."""
    x = param.name
    if param.shape == S:
        return x, f"{x} * {x}", f"np.sin({x})"
    if param.shape == M:
        return f"{x}[0, 0]", f"{x}[1, 2] * 2.0", f"np.sin({x}[0, 1])"
    last = 2 if param.shape == V else 1
    return f"{x}[0]", f"{x}[1] * 2.0", f"np.sin({x}[{last}])"


def _sum_lists(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    a, b, c = _items(param)
    n = next(draft.counter)
    name, total = f"sl{n}", "sum"
    if n % 2:   # (sum under another name, its start made by a call: read by their values)
        total = f"SU{n}"
        draft.module_lines.append(f"from builtins import sum as {total}")
    if r.random() < 0.5:
        draft.emit(f"{name} = {total}([[{a}, {b}], [{c}]], {'list()' if n % 2 else '[]'})")
    else:
        draft.emit(f"{name} = {total}((({a}, {b}), ({c},)), {'tuple()' if n % 2 else '()'})")
    draft.return_terms.append(f"0.25 * ({name}[0] * {name}[-1] + {name}[1] * len({name}))")
    draft.use("sum_lists")


def _map_call(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    helper, name = f"hm{n}", f"mq{n}"
    form = r.randrange(4)
    items = {S: f"[{x}, {x} * 2.0]", V: x, W: x, M: x}[param.shape]
    if form == 0:
        draft.box_helpers.append(f"def {helper}(v):\n    return np.sin(v) * v + 0.5 * v")
        draft.emit(f"{name} = list(map({helper}, {items}))")
        term = f"0.25 * np.sum({name}[0] * {name}[-1])" if param.shape == M \
            else f"0.25 * (sum({name}) + {name}[0] * {name}[-1])"
    elif form == 1:
        draft.emit(f"{name} = list(map(lambda v: v * np.tanh(v), {items}))")
        term = f"0.25 * np.sum({name}[0] + {name}[-1])"
    elif form == 2 and param.shape in (V, W):
        partner = "C3" if param.shape == V else "C2"
        draft.box_helpers.append(f"def {helper}(v, c):\n    return np.tanh(v) * c + v * v")
        draft.emit(f"{name} = sum(map({helper}, {x}, {partner}))")
        term = f"0.25 * {name}"
    else:
        draft.emit(f"{name} = tuple(map(lambda v: np.sin(v) * 0.5, {items}))")
        term = f"0.25 * np.sum({name}[-1])"
    draft.return_terms.append(term)
    draft.use("map_call")


def _module_lambda(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    n = next(draft.counter)
    lam = f"lam{n}"
    body = r.choice(("np.tanh(u) * 0.5 + u * u", "np.sin(u) * c", "u * u * 0.25 - u"))
    if "c" in body.split():
        draft.module_lines.append(f"{lam} = lambda u, c=0.5: {body}")
        call = r.choice((f"{lam}({param.name})", f"{lam}({param.name}, c=1.5)"))
    else:
        draft.module_lines.append(f"{lam} = lambda u: {body}")
        call = f"{lam}({param.name})"
    name = f"ml{n}"
    draft.emit(f"{name} = 0.25 * np.sum({call})")
    draft.return_terms.append(name)
    draft.use("module_lambda")


def _numpy_constants(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    name = f"nc{n}"
    if param.shape == S:
        form = r.randrange(2)
        if form == 0:
            draft.emit(f"{name} = np.float64({x}) * np.sin({x}) + np.finfo(float).eps * {x}")
        else:
            k = f"k{n}"
            draft.emit(f"{k} = np.searchsorted(np.array([-0.5, 0.0, 0.5]), {x})")
            draft.emit(f"{name} = {x} * ({k} + 1) + np.float64({x} * 0.5) ** 2")
        draft.return_terms.append(f"0.25 * {name}")
        draft.use("numpy_constants")
        return
    flat = f"{x}.ravel()" if param.shape == M else x
    size = {V: 3, W: 2, M: 6}[param.shape]
    k = f"k{n}"
    form = r.randrange(4)
    if form == 0:
        draft.emit(f"{k} = np.searchsorted(np.array([-0.5, 0.0, 0.5]), {flat}[0]) % {size}")
        draft.emit(f"{name} = {flat}[{k}] * np.float64({flat}[1])")
    elif form == 1:
        draft.emit(f"{k} = np.digitize({flat}[1], np.array([-0.5, 0.0, 0.5])) % {size}")
        draft.emit(f"{name} = np.sin({flat}[{k}]) * {flat}[0]")
    elif form == 2:
        draft.emit(f"{k} = np.count_nonzero({x} > 0.0)")
        draft.emit(f"{name} = np.sum({x} * {x}) * ({k} + 1) / {size}")
    else:
        draft.emit(f"{name} = np.sum({x} / (1.0 + {x} * {x} + np.finfo(float).eps)) "
                   f"+ float(np.float64({flat}[0])) * np.finfo(np.float64).tiny")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("numpy_constants")


def _lstsq_pinv(draft, r):
    params = float_params(draft, (V, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    name = f"lq{n}"
    if param.shape == M:   # (2, 3): its transpose is tall
        tall, wide, rhs, short = f"({x}.T + C23.T)", f"({x} + C23)", "C3", "C2"
    else:
        tall = f"np.stack([{x} + 0.25, C3], axis=1)"
        wide, rhs, short = f"np.stack([{x} + 0.25, C3])", f"np.cos({x})", f"np.cos({x}[:2])"
    if r.random() < 0.5:
        draft.emit(f"{name} = np.linalg.lstsq({tall}, {rhs}, rcond=None)[0]")
    else:
        draft.emit(f"{name} = np.linalg.pinv({wide}) @ {short}")
    draft.return_terms.append(f"0.25 * np.sum(np.tanh({name}))")
    draft.use("lstsq_pinv")


def _deque_maxlen(draft, r):
    params = float_params(draft, (S, V, W))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    dq, i = f"dq{n}", f"i{n}"
    size = _length(param) or 3
    item = x if param.shape == S else f"{x}[{i}]"
    draft.emit(f"{dq} = deque(maxlen=2)")
    draft.emit(f"for {i} in range({size}):")
    draft.emit(f"    {dq}.append({item} * ({i} + 1.0))")
    draft.return_terms.append(f"0.25 * sum({dq})")
    draft.use("deque_maxlen")


def _class_append(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    n = next(draft.counter)
    cls, obj = f"Ua{n}", f"ua{n}"
    draft.box_helpers.append(f"class {cls}:\n\n    def __init__(self):\n"
                             f"        self.items = []\n\n    def append(self, v):\n"
                             f"        self.items.append(v)")
    draft.emit(f"{obj} = {cls}()")
    draft.emit(f"{obj}.append(np.sin({param.name}))")
    draft.return_terms.append(f"0.25 * np.sum({obj}.items[0])")
    draft.use("class_append")


MAKERS = {"index_tuples": _index_tuples, "dict_accumulator": _dict_accumulator,
          "sum_lists": _sum_lists, "map_call": _map_call, "module_lambda": _module_lambda,
          "numpy_constants": _numpy_constants, "lstsq_pinv": _lstsq_pinv,
          "deque_maxlen": _deque_maxlen, "class_append": _class_append,
          "nested_dict_state": _nested_dict_state, "hint_forms": _hint_forms}


def _input_layout(draft, r):
    """Array parameters given in another memory layout (never a global's own object);
    now and then a term that reads the layout (``m.ravel('K')``: the items in memory
    order, another value for a Fortran-ordered ``m``)."""
    drawn = []
    for p in draft.params:
        if p.kind == "float" and p.shape and not p.global_name and r.random() < 0.6:
            p.layout = r.choice(LAYOUTS if p.shape == M else ("S",))
            drawn.append(p)
    if not drawn:
        return
    draft.use("input_layout")
    names = {v.name for v in draft.env}
    matrices = [p for p in drawn if p.shape == M and p.name in names]
    if matrices and r.random() < 0.5:
        m = r.choice(matrices).name
        form = r.choice((f"np.sum(np.sin({m}.ravel('K')[:3]) * C3)",
                         f"np.sum(np.copy({m}, order='K').ravel('K')[1:3] * C2)",
                         f"np.sum({m}.ravel(order='K')[::2] * C3)"))
        name = f"lk{next(draft.counter)}"
        draft.emit(f"{name} = 0.25 * {form}")
        draft.return_terms.append(name)


def _empty_arg(draft, r):
    """A parameter ``ze`` of shape (0,), read by a term of ``f``'s value (before ``ob``,
    whose default must come last)."""
    at = next((i for i, p in enumerate(draft.params) if p.name == "ob"), len(draft.params))
    draft.params.insert(at, Param("ze", "float", (0,), np.zeros(0)))
    form = r.choice(("np.sum(np.sin(ze) * 2.0)", "np.sum(ze * ze) * 0.5",
                     "np.sum(np.tanh(ze)) + len(ze) * 0.25"))
    draft.return_terms.append(form)
    draft.use("empty_arg")
