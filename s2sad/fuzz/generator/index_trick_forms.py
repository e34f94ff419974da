"""Terms of ``f``'s value reading items that are computed from their key (found by a
README-only user, fixidx24):

- ``index_tricks``: ``np.r_[...]`` and ``np.c_[...]`` joining a differentiated vector
  with numbers, constants and functions of it (a zero derivative before, silently, in
  every mode);
- ``object_item``: an item of a module's object whose ``__getitem__`` computes it from a
  differentiated key (``IT1[x]`` calling ``np.interp``), read by the object's name or
  through one that holds it only when the code runs (``t = IT1 if c else IT1``,
  ``{'t': IT1}['t']``, ``for t in (IT1,):``), which must be refused, located
  (``refusal_tables.MUST_REFUSE``; a constant, silently, before).

As ``rule_gap23_forms``' terms, each is bound at the top of ``f``'s body and added to what
it returns; the draws come from a stream of their own (seeded from the program's seed)
and the names bound are not put in scope, so a program without them is the program of
the same seed without the features.
"""

from s2sad.fuzz.generator.term_streams import choose_terms

FEATURES = ("index_tricks", "object_item")
RATES = {"index_tricks": 0.12, "object_item": 0.05}

#: the module's object of ``object_item`` (``{n}``: the term's number)
OBJECT_ITEM_TEXT = (
    "class It{n}:\n    def __getitem__(self, key):\n"
    "        return np.interp(key, np.linspace(-3.0, 3.0, 7), np.linspace(-3.0, 3.0, 7) ** 2)"
    "\n\n\nIT{n} = It{n}()")
#: ``object_item``'s object as a subclass of dict computing its items (``{n}``, as above)
DICT_ITEM_TEXT = (
    "class It{n}(dict):\n    def __getitem__(self, key):\n"
    "        return np.interp(key, np.linspace(-3.0, 3.0, 7), np.linspace(-3.0, 3.0, 7) ** 3)"
    "\n\n\nIT{n} = It{n}()")


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    choose_terms(draft, 0x1D24, tuple(zip(FEATURES, (_joined, _object_item))), RATES)


def _joined(draft, r, x, n):
    j, t = f"rj{n}", f"rt{n}"
    form = r.randrange(4)
    if form == 0:
        draft.emit(f"{j} = np.r_[0.0, {x}, 0.0]")
        draft.emit(f"{t} = np.sum(np.diff({j}) ** 2)")
    elif form == 1:
        draft.emit(f"{j} = np.c_[{x}, {x} ** 2]")
        draft.emit(f"{t} = np.sum({j}[:, 0] * {j}[:, 1])")
    elif form == 2:
        draft.emit(f"{j} = np.r_[{x}[0] * {x}[1], np.sin({x}), 2.0, np.r_[{x}, 1.0]]")
        draft.emit(f"{t} = np.sum({j} * np.arange(1.0, {j}.size + 1.0) * 0.25)")
    else:
        draft.emit(f"{j} = np.c_[np.outer({x}, {x}[:2]), np.cos({x}), np.ones(np.size({x}))]")
        draft.emit(f"{t} = np.sum({j} ** 2) * 0.1")
    draft.return_terms.append(t)


def _object_item(draft, r, x, n):
    """``IT{n}[x]`` read by its module name, or through a name or container that holds the
    object only when the code runs (a conditional expression, a local dict, a loop over a
    tuple): s2sad checks those reads then (``ensure_plain_item``) and refuses them, located
    at the read, the line binding ``oi{n}``; an item keyed by another item, and an object
    of a subclass of dict with its own ``__getitem__``, refused when the code is made."""
    t, o = f"oi{n}", f"ot{n}"
    form = r.randrange(7)
    draft.box_helpers.append((DICT_ITEM_TEXT if form == 6 else OBJECT_ITEM_TEXT).format(n=n))
    if form == 0:
        draft.emit(f"{t} = np.sum(IT{n}[{x}])")
    elif form == 1:
        draft.emit(f"{t} = np.sum(IT{n}[{x} * 0.5] * {x})")
    elif form == 2:   # (which object: known when the code runs)
        draft.emit(f"{o} = IT{n} if {x}[0] > -9.0 else IT{n}")
        draft.emit(f"{t} = np.sum({o}[{x}])")
    elif form == 3:
        draft.emit(f"{t} = np.sum({{'t': IT{n}}}['t'][{x} * 0.5] * {x})")
    elif form == 4:
        draft.emit(f"{t} = 0.0")
        draft.emit(f"for {o} in (IT{n},):")
        draft.emit(f"    {t} = {t} + np.sum({o}[{x}])")
    elif form == 5:   # (an item keyed by an item: stranger 25)
        draft.emit(f"{t} = np.sum(IT{n}[IT{n}[{x}] * 0.25])")
    else:   # (a dict subclass whose __getitem__ computes: stranger 25)
        draft.emit(f"{t} = np.sum(IT{n}[{x}] * {x})")
    draft.return_terms.append(f"0.25 * {t}")
