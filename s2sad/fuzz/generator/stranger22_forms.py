"""Terms of ``f``'s value in forms a README-only user found refused or mis-hinted:

- ``helper_alias_path``: a name holding a helper's result that returns its argument on
  a path not taken (``av = ia(ay) if x[0] > 50.0 else ay * 2.0``, or by ``if``/``else``
  statements), written through after (``av[1] = ...``) while ``ay`` is read later:
  decided when the code runs, differentiated on the path taken;
- ``item_delete``: ``del xs[i]``, ``del d[k]``, ``d.pop(k)`` and ``d.pop(k, default)``;
- ``sorted_order``: ``sorted(..., reverse=True)`` and ``sorted(..., key=abs)`` (the keys
  kept apart, so no tie moves under finite differences);
- ``loop_else``: a ``for`` loop's ``else`` without ``break`` and a bare subscript
  statement (a bounds check);
- ``written_items``: items of a 1-d array (numbers) put into a list, a tuple, a dict or a
  nested display, or appended, then the array written in place (``op=``, a slice, all
  of it), the parameter itself or a local copy: the write leaves the container as it
  is (it was refused as one changing the list that holds the array; seed 3093).

As ``python_forms``' terms, each is bound at the top of ``f``'s body and added to what it
returns; the draws come from a stream of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without them is the program of the
same seed without the features (``written_items`` draws from a stream of its own, so the
others' programs stay as they were before it came).
"""

import random

from s2sad.fuzz.ops import V
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("helper_alias_path", "item_delete", "sorted_order", "loop_else", "written_items")


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    r = random.Random(draft.seed ^ 0x2F22)
    forms = (_alias, _delete, _sorted, _else)   # (the first four: one stream, one roll each)
    rolls = [r.random() for _ in forms]
    if draft.output == "container":
        return
    params = float_params(draft, (V,))
    if not params:
        return
    for feature, roll, form in zip(FEATURES, rolls, forms):
        if draft.has(feature) and roll < 0.12:
            form(draft, r, r.choice(params).name, next(draft.counter))
            draft.use(feature)
    w = random.Random(draft.seed ^ 0x3093)
    if draft.has("written_items") and w.random() < 0.12:
        _written(draft, w, w.choice(params).name, next(draft.counter))
        draft.use("written_items")


def _alias(draft, r, x, n):
    helper, y, v, t = f"ia{n}", f"ay{n}", f"av{n}", f"at{n}"
    draft.box_helpers.append(f"def {helper}(q):\n    return q")
    draft.emit(f"{y} = {x} * 1.0")
    if r.random() < 0.5:
        draft.emit(f"{v} = {helper}({y}) if {x}[0] > 50.0 else {y} * 2.0")
    else:
        draft.emit(f"if {x}[1] < -50.0:")
        draft.emit(f"    {v} = {helper}({y})")
        draft.emit("else:")
        draft.emit(f"    {v} = np.sin({y})")
    draft.emit(f"{v}[{r.randrange(3)}] = {v}[1] * {x}[2]")
    draft.emit(f"{t} = np.sum({y} * {x}) + np.sum({v} ** 2)")
    draft.return_terms.append(t)


def _delete(draft, r, x, n):
    xs, d, t = f"dl{n}", f"dd{n}", f"dt{n}"
    draft.emit(f"{xs} = [{x}[0], {x}[1] * 2.0, np.sin({x}[2])]")
    draft.emit(f"del {xs}[{r.choice((0, 1, -1))}]")
    draft.emit(f"{d} = {{'a': {x}[0], 'b': {x}[1] * {x}[2], 'c': {x}[2]}}")
    popped = r.choice((f"del {d}['a']", f"{d}.pop('b')", f"{d}.pop('z', {x}[0])"))
    draft.emit(popped)
    draft.emit(f"{t} = {xs}[0] * {xs}[1] + sum({d}.values()) * 0.5")
    draft.return_terms.append(t)


def _sorted(draft, r, x, n):
    s, t = f"so{n}", f"sg{n}"
    if r.random() < 0.5:
        draft.emit(f"{s} = sorted([{x}[0], {x}[1] + 10.0, {x}[2] - 30.0], key=abs, "
                   f"reverse={r.random() < 0.5})")
    else:
        draft.emit(f"{s} = sorted([{x}[0] - 10.0, {x}[1], {x}[2] + 10.0], reverse=True)")
    draft.emit(f"{t} = {s}[0] * 0.1 + {s}[1] * {s}[2]")
    draft.return_terms.append(t)


def _else(draft, r, x, n):
    s, v = f"le{n}", f"lv{n}"
    draft.emit(f"{x}[{r.randrange(3)}]")
    draft.emit(f"{s} = {x}[0] * 0.5")
    draft.emit(f"for {v} in {x}:")
    draft.emit(f"    {s} = {s} + {v} * {x}[1]")
    draft.emit("else:")
    draft.emit(f"    {s} = {s} * 2.0")
    draft.return_terms.append(s)


#: where ``_written`` puts the items of the array ``{a}`` (the container ``{c}``), and how
#: the term reads two of them back
_HOLDERS = (
    ("{c} = [{a}[0], {a}[1] * 2.0]", "{c}[0] * {c}[1]"),
    ("{c} = ({a}[0], np.sin({a}[1]))", "{c}[0] * {c}[1]"),
    ("{c} = {{'a': {a}[0], 'b': {a}[1] * {a}[2]}}", "{c}['a'] * {c}['b']"),
    ("{c} = [({a}[0], 1.5), {{'b': [{a}[-1]]}}]", "{c}[0][0] * {c}[1]['b'][0]"),
    ("{c} = []\n{c}.append({a}[0])\n{c}.append({a}[1] * 3.0)", "{c}[0] * {c}[1]"),
)
#: the writes into ``{a}`` after
_WRITES = ("{a} *= -0.75", "{a} += 0.5", "{a} -= 0.25", "{a} /= 2.0",
           "{a}[1:] = {a}[1:] * 0.5", "{a}[...] = np.tanh({a})")


def _written(draft, r, x, n):
    a, c, t = (x if r.random() < 0.5 else f"wy{n}"), f"wc{n}", f"wt{n}"
    if a != x:
        draft.emit(f"{a} = {x} * 1.0")
    put, read = r.choice(_HOLDERS)
    for line in put.format(a=a, c=c).split("\n"):
        draft.emit(line)
    draft.emit(r.choice(_WRITES).format(a=a))
    draft.emit(f"{t} = {read.format(c=c)} + 0.25 * np.sum({a})")
    draft.return_terms.append(t)
