"""Terms of ``f``'s value in forms a README-only user found refused (stranger23):

- ``draw_local_generator``: a generator the function makes with a fixed seed (a numpy
  ``Generator`` or ``RandomState``, a ``random.Random``) and draws from by a method
  (``rg.standard_normal(3)``, ``rg.uniform(-1.0, 1.0, size=3)``, ``rg.gauss(0.0, 1.0)``),
  maybe after a draw thrown away as a statement (it advances the generator):
  each call draws the same values, so finite differences agree, and the Hessian's
  columns run the code once each;
- ``draw_module_generator``: a numpy ``Generator`` of the module (``DRAWN3 =
  np.random.default_rng(41)``) drawn from in ``f``: each call draws anew, so the checker
  puts it back before every call (``fuzz.draw_resets``); a Hessian or a forward-mode
  Jacobian, which run the code once per column, must give the derivative of one call;
- ``discarded_pure_call``: call statements whose result is unused and whose callee
  writes into nothing (``np.exp(x)``, ``np.linalg.norm(x)``, ``len(x)``, ``x.sum()``,
  ``math.log(abs(x[0]) + 1.0)``), run for what they raise.

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from a stream of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

from s2sad.fuzz.generator.term_streams import choose_terms

FEATURES = ("draw_local_generator", "discarded_pure_call", "draw_module_generator")

_MAKERS = (("np.random.default_rng({seed})", ("standard_normal(3)",
                                              "uniform(-1.0, 1.0, size=3)",
                                              "normal(0.5, 2.0, 3)")),
           ("np.random.RandomState({seed})", ("standard_normal(3)", "rand(3)",
                                              "uniform(-1.0, 1.0, 3)")),
           ("random.Random({seed})", ("gauss(0.0, 1.0)", "random()", "uniform(-1.0, 1.0)")))

_CHECKS = ("np.exp({x})", "np.linalg.norm({x})", "len({x})", "{x}.sum()",
           "math.log(abs({x}[0]) + 1.0)", "np.tanh({x}) * 2.0")


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    choose_terms(draft, 0x2F23, tuple(zip(FEATURES, (_draw, _discard, _module_draw))), dict.fromkeys(FEATURES, 0.12))


def _draw(draft, r, x, n):
    g, e, t = f"rg{n}", f"re{n}", f"rt{n}"
    maker, methods = r.choice(_MAKERS)
    _module_import(draft, maker.split(".")[0])
    draft.emit(f"{g} = {maker.format(seed=r.randrange(1000))}")
    if r.random() < 0.5:   # (a draw thrown away: it advances the generator)
        draft.emit(f"{g}.{r.choice(methods)}")
    draft.emit(f"{e} = {g}.{r.choice(methods)}")
    draft.emit(f"{t} = np.sum({x} ** 2 * {e}) + np.sum(np.sin({x}) * {e})")
    draft.return_terms.append(t)


def _module_draw(draft, r, x, n):
    g, e, t = f"DRAWN{n}", f"dm{n}", f"dt{n}"
    draft.module_lines.append(f"{g} = np.random.default_rng({r.randrange(1000)})")
    method = r.choice(("standard_normal(3)", "uniform(-1.0, 1.0, size=3)"))
    draft.emit(f"{e} = {g}.{method}")
    draft.emit(f"{t} = np.sum({x} ** 2 * {e}) + np.sum(np.sin({x}) * {e})")
    draft.return_terms.append(t)


def _discard(draft, r, x, n):
    for check in r.sample(_CHECKS, 2):
        if check.startswith("math."):
            _module_import(draft, "math")
        draft.emit(check.format(x=x))


def _module_import(draft, module):
    if module != "np" and f"import {module}" not in draft.module_lines:
        draft.module_lines.append(f"import {module}")
