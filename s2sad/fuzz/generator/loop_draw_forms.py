"""Terms of ``f``'s value that make a new value without derivative on each trip of a loop
(review24: the reverse sweep read the last trip's value for every trip):

- ``draw_in_loop``: a generator the function makes with a fixed seed (a numpy
  ``Generator`` or ``RandomState``, a ``random.Random``) drawn from on each trip of a
  ``for`` over a range, a ``while`` or a list comprehension, the draw multiplying a
  parameter inside a nonlinear term (its Hessian is not zero);
- ``nondiff_call_in_loop``: a helper of the module declared ``s2sad.nondifferentiable``
  that draws from the generator it is given (made in ``f`` with a fixed seed), called on
  each trip: its result changes from trip to trip;
- ``nondiff_counter_in_loop``: a helper declared ``s2sad.nondifferentiable`` counting
  into a module dict (1, 2, 3, then 1 again: each call of ``f`` sees the same counts)
  and returning the count, called on each trip, ``f`` using its result next to a read
  of another module dict no opaque call writes (fixstate24: the reverse sweep read
  module state again after the forward sweep; a read of the counted dict itself is
  refused, the spelling here is the one the refusal hints).

Each call of ``f`` draws the same numbers, so finite differences agree.  As
``stranger23_forms``' terms, each is bound at the top of ``f``'s body and added to what
it returns; the choices come from a stream of their own (seeded from the program's seed)
and the names bound are not put in scope, so a program without them is the program of
the same seed without the features.
"""

from s2sad.fuzz.generator.term_streams import choose_terms

FEATURES = ("draw_in_loop", "nondiff_call_in_loop", "nondiff_counter_in_loop")

#: (the generator's maker, draws of 3 numbers or of one)
_MAKERS = (("np.random.default_rng({seed})", ("standard_normal(3)", "uniform(-1.0, 1.0, size=3)",
                                              "normal(0.5, 2.0)")),
           ("np.random.RandomState({seed})", ("standard_normal(3)", "rand(3)")),
           ("random.Random({seed})", ("gauss(0.0, 1.0)", "uniform(-1.0, 1.0)")))


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    choose_terms(draft, 0x5D24, tuple(zip(FEATURES, (_draw_loop, _helper_loop, _counter_loop))), dict.fromkeys(FEATURES, 0.12))


def _draw_loop(draft, r, x, n):
    g, a, i = f"lg{n}", f"la{n}", f"li{n}"
    maker, methods = r.choice(_MAKERS)
    _module_import(draft, maker.split(".")[0])
    draft.emit(f"{g} = {maker.format(seed=r.randrange(1000))}")
    _loop(draft, r, a, i, f"{g}.{r.choice(methods)}", x)


def _helper_loop(draft, r, x, n):
    g, a, i, helper = f"ng{n}", f"na{n}", f"ni{n}", f"nh{n}"
    method = r.choice(("standard_normal(3)", "uniform(-1.0, 1.0, size=3)"))
    # (``import s2sad`` is written by ``ops.imports_for``, which sees ``s2sad.``)
    draft.box_helpers.append(f"def {helper}(g):\n    return 0.5 + g.{method}\n\n\n"
                             f"s2sad.nondifferentiable({helper})")
    draft.emit(f"{g} = np.random.default_rng({r.randrange(1000)})")
    _loop(draft, r, a, i, f"{helper}({g})", x)


def _counter_loop(draft, r, x, n):
    a, i, helper, counts, scale = f"nk{n}", f"ci{n}", f"nc{n}", f"COUNTS{n}", f"SCALES{n}"
    draft.box_helpers.append(
        f"{counts} = {{'n': 0}}\n{scale} = {{'s': {r.choice((0.5, 1.5, 2.0))}}}\n\n\n"
        f"def {helper}():\n    {counts}['n'] = {counts}['n'] % 3 + 1\n"
        f"    return {counts}['n'] * 0.25\n\n\ns2sad.nondifferentiable({helper})")
    _loop(draft, r, a, i, f"{helper}() * {scale}['s']", x)


def _loop(draft, r, total, counter, made, x):
    """``total``, the sum over 3 trips of a term of ``x`` and the value ``made`` anew
    each trip, as a ``for``, a ``while`` or a comprehension."""
    term = r.choice(("np.sum(np.sin({x} * {e}) * {x})", "np.sum(np.tanh({x} * {x} * {e}))"))
    form = r.choice(("for", "while", "comprehension"))
    if form == "comprehension":
        draft.emit(f"{total} = sum([{term.format(x=x, e=made)} for {counter} in range(3)])")
    elif form == "for":
        draft.emit(f"{total} = 0.0")
        draft.emit(f"for {counter} in range(3):")
        draft.emit(f"    {total}e = {made}")
        draft.emit(f"    {total} = {total} + {term.format(x=x, e=total + 'e')}")
    else:
        draft.emit(f"{total} = 0.0")
        draft.emit(f"{counter} = 0")
        draft.emit(f"while {counter} < 3:")
        draft.emit(f"    {total} = {total} + {term.format(x=x, e=made)}")
        draft.emit(f"    {counter} = {counter} + 1")
    draft.return_terms.append(total)


def _module_import(draft, module):
    if module != "np" and f"import {module}" not in draft.module_lines:
        draft.module_lines.append(f"import {module}")
