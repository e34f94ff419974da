"""Terms of ``f``'s value written in Python forms a README-only user found broken once:

- ``array_unpack``: an array a numpy op made, unpacked into names (``u1, u2, u3 =
  np.tanh(x)``; the rows of a matrix, ``r1, r2 = np.sin(m)``), whose adjoint is an array
  of the rows' adjoints (a tuple of them once reached the rules of the op: a crash in
  reverse mode, second derivatives of 0);
- ``format_key``: a dict keyed by format strings (``f"k{i}"``, ``"k{}".format(i)``, the
  usual MLP key ``params[f"W{i}"]``), read back by such keys;
- ``comprehension_clauses``: a list or dict comprehension with several ``for`` clauses,
  an inner one reading the outer's target (``[x[i] * x[j] for i in range(3) for j in
  range(i + 1, 3)]``), once refused.

As ``module_reads``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from streams of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

import random

from s2sad.fuzz.ops import M, V


def streams(seed):
    """The two features' own random streams."""
    return random.Random(seed ^ 0x5A17), random.Random(seed ^ 0x3F0B)


def choose(draft):
    """At the top of ``f``'s body: maybe each of the three terms (to ``draft.return_terms``,
    which ``module_reads.choose`` made)."""
    unpack_r, key_r = streams(draft.seed)
    clauses_r = random.Random(draft.seed ^ 0x6C41)
    roll_unpack, roll_key, roll_clauses = unpack_r.random(), key_r.random(), clauses_r.random()
    if draft.output == "container":
        return
    if draft.has("array_unpack") and roll_unpack < 0.2:
        _array_unpack(draft, unpack_r)
    if draft.has("format_key") and roll_key < 0.2:
        _format_key(draft, key_r)
    if draft.has("comprehension_clauses") and roll_clauses < 0.15:
        _comprehension_clauses(draft, clauses_r)


def float_params(draft, shapes):
    """The float parameters of ``shapes`` still in scope (never a pole's)."""
    names = {v.name for v in draft.env}
    return [p for p in draft.params if p.kind == "float" and p.shape in shapes
            and p.name in names and not getattr(p, "pole", False)]


def _array_unpack(draft, r):
    params = float_params(draft, (V, M))
    if not params:
        return
    param = r.choice(params)
    op = r.choice(("np.tanh", "np.sin", "0.5 *"))
    made = f"{op}({param.name})" if op.startswith("np") else f"0.5 * {param.name}"
    if param.shape == V:
        names = [f"u{next(draft.counter)}" for _ in range(3)]
        draft.emit(f"{', '.join(names)} = {made}")
        term = f"0.25 * ({names[0]} * {names[1]} - {names[2]})"
    else:
        names = [f"r{next(draft.counter)}" for _ in range(2)]
        draft.emit(f"{', '.join(names)} = {made}")
        term = f"0.25 * np.sum({names[0]} * {names[1]})"
    draft.return_terms.append(term)
    draft.use("array_unpack")


def _format_key(draft, r):
    params = float_params(draft, (V, M))
    if not params:
        return
    param = r.choice(params)
    keys = f"fk{next(draft.counter)}"
    term = f"fv{next(draft.counter)}"
    if r.random() < 0.5:
        draft.emit(f"{keys} = {{f\"k{{i}}\": {param.name} * (i + 1.0) for i in range(2)}}")
    else:
        draft.emit(f"{keys} = {{\"k{{}}\".format(i): {param.name} * (i + 1.0) "
                   f"for i in range(2)}}")
    read = r.choice(('f"k{1}"', '"k{}".format(1)', '"k{0:d}".format(1)'))
    draft.emit(f"{term} = 0.25 * np.sum(np.sin({keys}[{read}]) * {keys}[f\"k{{0}}\"])")
    draft.return_terms.append(term)
    draft.use("format_key")


def _comprehension_clauses(draft, r):
    params = float_params(draft, (V, M))
    if not params:
        return
    param = r.choice(params)
    x = param.name
    term = f"cc{next(draft.counter)}"
    form = r.randrange(3)
    if param.shape == M:
        if form == 0:
            draft.emit(f"{term} = 0.25 * sum([np.sin(v) * v for row in {x} for v in row "
                       f"if v > -5.0])")
        else:
            draft.emit(f"{term} = 0.25 * sum([{x}[i, j] * {x}[1 - i, 2 - j] "
                       f"for i in range(2) for j in range(3)])")
    elif form == 0:
        draft.emit(f"{term} = 0.25 * sum([{x}[i] * np.sin({x}[j]) for i in range(3) "
                   f"for j in range(i + 1, 3)])")
    elif form == 1:
        draft.emit(f"{term} = 0.25 * sum([a * b for a in {x} for b in {x}[1:]])")
    else:
        keys = f"cd{next(draft.counter)}"
        draft.emit(f"{keys} = {{(i, j): {x}[i] * {x}[j] for i in range(3) "
                   f"for j in range(3) if i != j}}")
        draft.emit(f"{term} = 0.25 * ({keys}[(0, 2)] + np.tanh({keys}[(2, 1)]))")
    draft.return_terms.append(term)
    draft.use("comprehension_clauses")
