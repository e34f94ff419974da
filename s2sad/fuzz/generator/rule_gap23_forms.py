"""Terms of ``f``'s value in forms the rule tables refused or got wrong (found by a
README-only user):

- ``index_results``: numpy's integer- and bool-valued functions of a differentiated
  vector used as indices and masks (``np.argpartition``, ``np.lexsort``,
  ``np.nanargmax``, ``np.diag_indices_from``, ``np.tril_indices_from``, ``np.isin``),
  which forward mode, hvp and hessian refused; their keys kept apart, so no order
  changes under finite differences;
- ``infinite_entry``: an infinite entry of the data divided by a differentiated positive
  value under ``exp`` (a soft minimum, ``-g * log(sum(exp(-r / g)))``), whose derivative
  was ``nan`` in every mode.

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from a stream of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

from s2sad.fuzz.generator.term_streams import choose_terms

FEATURES = ("index_results", "infinite_entry")

#: offsets that keep the keys of a vector's three entries apart (its values are small)
_APART = "np.array([0.0, 40.0, -40.0])"


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    choose_terms(draft, 0x5E23, tuple(zip(FEATURES, (_index, _infinite))), dict.fromkeys(FEATURES, 0.12))


def _index(draft, r, x, n):
    k, s, t = f"ik{n}", f"iq{n}", f"it{n}"
    draft.emit(f"{k} = {x} + {_APART}")
    form = r.randrange(6)
    if form == 0:
        draft.emit(f"{t} = np.sum({x}[np.argpartition({k}, 1)[:2]] ** 2)")
    elif form == 1:
        draft.emit(f"{t} = np.sum({x}[np.lexsort(({x}, {k}))] * np.arange(3.0))")
    elif form == 2:
        draft.emit(f"{t} = {x}[np.nanargmax({k})] * {x}[np.nanargmin({k})]")
    elif form == 3:
        draft.emit(f"{s} = np.outer({x}, {x})")
        draft.emit(f"{s}[np.diag_indices_from({s})] += 1.0")
        draft.emit(f"{t} = np.sum({s} * {s}) * 0.1")
    elif form == 4:
        draft.emit(f"{s} = np.outer({x}, np.sin({x}))")
        draft.emit(f"{t} = np.sum({s}[np.tril_indices_from({s}, -1)] ** 2)")
    else:
        draft.emit(f"{t} = np.sum(np.where(np.isin({x}, {x}[:1]), {x} ** 2, np.sin({x})))")
    draft.return_terms.append(t)


def _infinite(draft, r, x, n):
    e, g, t = f"ie{n}", f"ig{n}", f"iv{n}"
    draft.emit(f"{e} = np.array([1.0, np.inf, 2.0])")
    if r.random() < 0.5:
        draft.emit(f"{g} = 1.5 + {x}[0] * {x}[0]")
        draft.emit(f"{t} = -{g} * np.log(np.sum(np.exp(-{e} / {g})))")
    else:
        draft.emit(f"{g} = 1.5 + {x} * {x}")
        draft.emit(f"{t} = np.sum(np.exp(-{e} / {g}) * {x})")
    draft.return_terms.append(t)
