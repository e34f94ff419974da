"""Terms of ``f``'s value in forms that had regression tests but no generator (a construct
the fuzzer cannot write is untested), and forms the README claims that no row wrote:

- ``whole_item_loop``: one loop name for a whole item, read by index: ``for t in zip(x,
  C3)`` (``t[0] * t[1]``), ``for pe in enumerate(x)``, ``for kv in d.items()``, ``for t in
  zip(enumerate(x), C3)`` (``t[0][1]``), and in a comprehension;
- ``method_positional``: ndarray methods given fewer positional arguments than their
  numpy function takes, and the method spellings of "Functions of numpy and scipy" no row
  called: ``x.clip(-0.3)``, ``x.clip(None, 0.4)``, ``x.sum(0)``, ``x.cumsum(0)``,
  ``x.var()``, ``x.std()``, ``x.take([2, 0])``, ``x.item(1)``, ``x.repeat(2)``,
  ``m.mean(1)``, ``m.trace()``, ``m.diagonal(1)``, ``m.swapaxes(0, 1)``, ``m.cumprod(1)``;
- ``dict_union``: ``dp | dq`` of a helper's two dict parameters (read by key, then in the
  other order, and its values looped over);
- ``generator_expr``: generator expressions given to ``sum``, ``tuple``, ``any``, ``all``
  and ``max`` (README, "What can be differentiated");
- ``dict_build``: the dict forms of "Lists, tuples and dicts" no construct wrote:
  ``{**d, k: v}``, ``dict(d, k=v)``, ``dict(zip(keys, values))``, ``"W" + str(i)`` keys,
  ``sorted(d)``, ``d.copy()`` written into, ``k in d``.

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from streams of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("whole_item_loop", "method_positional", "dict_union", "generator_expr",
            "dict_build")
#: the constant of each shape's first axis, zipped with it
PARTNER = {V: "C3", W: "C2", M: "C23"}


def streams(seed):
    """The features' own random streams."""
    return tuple(random.Random(seed ^ salt) for salt in (0x17E3, 0x2B4D, 0x6D01, 0x4E9F,
                                                          0x71C5))


def choose(draft):
    """At the top of ``f``'s body: maybe each of the terms (to ``draft.return_terms``)."""
    rs = streams(draft.seed)
    rolls = [r.random() for r in rs]
    if draft.output == "container":
        return
    makers = (_whole_item_loop, _method_positional, _dict_union, _generator_expr,
              _dict_build)
    for feature, r, roll, make in zip(FEATURES, rs, rolls, makers):
        if draft.has(feature) and roll < 0.15:
            make(draft, r)


def _sum(draft, expr, shape):
    return expr if shape == S else f"np.sum({expr})"


def _whole_item_loop(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, k, shape = param.name, PARTNER[param.shape], param.shape
    item = S if shape in (V, W) else V
    n = next(draft.counter)
    acc = f"wi{n}"
    form = r.randrange(5)
    if form == 4:
        draft.emit(f"{acc} = 0.25 * np.sum(sum([t{n}[0] * t{n}[1] for t{n} in zip({x}, {k})]))")
    else:
        draft.emit(f"{acc} = 0.0")
        if form == 0:
            draft.emit(f"for t{n} in zip({x}, {k}):")
            body = _sum(draft, f"t{n}[0] * t{n}[1]", item)
        elif form == 1:
            draft.emit(f"for pe{n} in enumerate({x}):")
            body = _sum(draft, f"(pe{n}[0] + 1.0) * np.sin(pe{n}[1])", item)
        elif form == 2:
            draft.emit(f"dw{n} = {{'a': {x} * 0.5, 'bb': np.tanh({x})}}")
            draft.emit(f"for kv{n} in dw{n}.items():")
            body = f"np.sum(kv{n}[1]) * len(kv{n}[0])"
        else:
            draft.emit(f"for t{n} in zip(enumerate({x}), {k}):")
            body = _sum(draft, f"t{n}[0][0] * t{n}[0][1] * t{n}[1]", item)
        draft.emit(f"    {acc} = {acc} + 0.25 * {body}")
    draft.return_terms.append(acc)
    draft.use("whole_item_loop")


#: (form, 1-D or 2-D) of ``method_positional``: ``{0}`` the parameter
METHOD_FORMS_1D = ("np.sum({0}.clip(-0.3) * {0})", "np.sum({0}.clip(None, 0.4) * {0})",
                   "{0}.sum(0) * {0}.var()", "np.sum({0}.cumsum(0) * {0})",
                   "{0}.std() + {0}.item(1) * {0}.take([1, 0]).sum()",
                   "np.sum({0}.repeat(2) * {0}.repeat(2))")
METHOD_FORMS_2D = ("np.sum({0}.sum(0) * C3)", "np.sum({0}.mean(1) * C2) + {0}.trace()",
                   "np.sum({0}.diagonal(1) * {0}.diagonal())",
                   "np.sum({0}.swapaxes(0, 1) @ {0}) * 0.5",
                   "np.sum({0}.cumprod(1)) + np.sum({0}.var(0))",
                   "np.sum({0}.clip(-0.3) * {0}.clip(None, 0.4))")


def _method_positional(draft, r):
    params = float_params(draft, (V, W, M))
    if not params:
        return
    param = r.choice(params)
    forms = METHOD_FORMS_2D if param.shape == M else METHOD_FORMS_1D
    name = f"mp{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * ({r.choice(forms).format(param.name)})")
    draft.return_terms.append(name)
    draft.use("method_positional")


#: the helpers of ``dict_union`` (``{0}``: the helper's name)
UNION_HELPERS = (
    "def {0}(dp, dq):\n    r = dp | dq\n"
    "    return np.sum(r['a'] * r['b']) + np.sum((dq | dp)['b']) * 0.5\n",
    "def {0}(dp, dq):\n    s = 0.0\n    for v in (dp | dq).values():\n"
    "        s = s + np.sum(v * v)\n    return s * 0.5 + len(dp | dq)\n",
)


def _dict_union(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x = param.name
    helper = f"hu{len(draft.box_helpers) + 1}"
    draft.box_helpers.append(r.choice(UNION_HELPERS).format(helper).rstrip("\n"))
    name = f"du{next(draft.counter)}"
    draft.emit(f"{name} = 0.25 * {helper}({{'a': {x} * 0.5, 'b': np.sin({x})}}, "
               f"{{'b': np.tanh({x}), 'c': {x} * {x}}})")
    draft.return_terms.append(name)
    draft.use("dict_union")


def _generator_expr(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x = param.name
    n = next(draft.counter)
    name = f"ge{n}"
    if param.shape == S:
        draft.emit(f"{name} = 0.25 * sum({x} * k{n} for k{n} in range(3))")
    elif param.shape == M:
        draft.emit(f"{name} = 0.25 * sum(np.sum(row * row) for row in {x})")
    else:
        form = r.randrange(4)
        if form == 0:
            draft.emit(f"{name} = 0.25 * sum(np.sin(v) * v for v in {x})")
        elif form == 1:
            draft.emit(f"tg{n} = tuple(v * 0.5 for v in {x})")
            draft.emit(f"{name} = tg{n}[0] * tg{n}[-1]")
        elif form == 2:
            draft.emit(f"if any(v > 5.0 for v in {x}) or not all(v < 5.0 for v in {x}):")
            draft.emit(f"    {name} = 0.25 * np.sum(np.sin({x}))")
            draft.emit("else:")
            draft.emit(f"    {name} = 0.25 * np.sum({x} * {x})")
        else:
            draft.emit(f"{name} = 0.25 * np.sum({x}) * max(i * 0.5 for i in range(3))")
    draft.return_terms.append(name)
    draft.use("generator_expr")


def _dict_build(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x = param.name
    n = next(draft.counter)
    base, name = f"db{n}", f"dv{n}"
    draft.emit(f"{base} = {{'a': {x} * 0.5, 'b': np.tanh({x})}}")
    form = r.randrange(6)
    if form == 0:
        draft.emit(f"de{n} = {{**{base}, 'c': {x} * {x}}}")
        draft.emit(f"{name} = np.sum(de{n}['a'] * de{n}['c']) + np.sum(de{n}['b'])")
    elif form == 1:
        draft.emit(f"de{n} = dict({base}, c={x} * 2.0)")
        draft.emit(f"{name} = np.sum(de{n}['c'] * de{n}['b'])")
    elif form == 2:
        draft.emit(f"de{n} = dict(zip(['p', 'q'], [{x} * 0.5, np.sin({x})]))")
        draft.emit(f"{name} = np.sum(de{n}['p'] * de{n}['q']) + np.sum({base}['a'])")
    elif form == 3:
        draft.emit(f"de{n} = {{'W' + str(i): {x} * (i + 1.0) for i in range(2)}}")
        draft.emit(f"{name} = np.sum(de{n}['W1'] * np.sin(de{n}['W' + str(0)]))")
    elif form == 4:
        draft.emit(f"{name} = 0.0")
        draft.emit(f"for k{n} in sorted({base}):")
        draft.emit(f"    {name} = {name} * 0.5 + np.sum({base}[k{n}])")
    else:
        draft.emit(f"de{n} = {base}.copy()")
        draft.emit(f"de{n}['a'] = {x} * 3.0")
        draft.emit(f"{name} = np.sum(de{n}['a'] * {base}['a']) + ('b' in de{n}) * "
                   f"np.sum({base}['b'])")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("dict_build")
