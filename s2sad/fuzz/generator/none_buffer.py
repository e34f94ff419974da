"""A parameter defaulting to None that ``f`` writes into after ``if ob is None: ob = ...``
(feature ``none_buffer``, the ``out=None`` idiom): the caller passes None (the default's
path: the array made in the function) or an array of its own (written into: the caller's
must not change); now and then the idiom in a module-level helper too.  Its draws come from their own stream (``Draft.none_r``), so a program
without it is the program of the same seed without the feature."""

import random

from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, V, W, _p
from s2sad.fuzz.program import Param

FEATURE = "none_buffer"


def choose_parameter(draft):
    """Maybe add the parameter ``ob`` (after the others) to ``draft.params``: None, or an
    array; returns whether it did."""
    if not (draft.has(FEATURE) and not draft.container_mode
            and draft.none_r.random() < 0.3):
        return False
    shape = draft.none_r.choice([V, W])
    if draft.none_r.random() < 0.5:
        draft.params.append(Param("ob", "none", (), None))
    else:
        values = [round(draft.none_r.uniform(-1.5, 1.5), 3) for _ in range(shape[0])]
        import numpy as np
        draft.params.append(Param("ob", "float", shape, np.array(values)))
    draft.none_shape = shape
    draft.use(FEATURE)
    return True


def write_buffer(draft, exprs):
    """At the top of the body: ``if ob is None: ob = <new array>`` (maybe an else
    branch), then a write into an item or a slice of ``ob``; ``ob`` then in scope, read
    only."""
    shape = draft.none_shape
    r = draft.none_r
    made = r.choice([f"np.zeros({shape[0]})", f"np.ones({shape[0]}) * 0.5",
                     f"np.linspace(-1.0, 1.0, {shape[0]})"])
    draft.emit("if ob is None:")
    draft.emit(f"    ob = {made}")
    scale = r.choice([2.0, 3.0])
    if r.random() < 0.5:
        draft.emit(f"    ks = {scale}")
        draft.emit("else:")
        draft.emit("    ks = 1.0")
        draft.env.append(_Var("ks", (), scale))
    code, bound = exprs.expr((), 1)
    code, bound = exprs.squash(code, bound, LIM)
    k = r.randrange(shape[0])
    if r.random() < 0.5:
        draft.emit(f"ob[{k}] = {code}")
    else:
        draft.emit(f"ob[{k}:] = {_p(code)} * 0.5")
    var = _Var("ob", shape, max(bound, 1.5))
    var.locked = var.aliased = True   # (never rebound nor written again)
    draft.env.append(var)
    draft.count += 2
    if r.random() < 0.4:
        _helper_with_the_idiom(draft, exprs, shape[0])


def _helper_with_the_idiom(draft, exprs, size):
    """The idiom in a module-level helper ``hnb(v, out=None)`` (its write an item's, maybe
    then ``out += ...`` too, maybe an ``else`` branch writing into the array given), called from ``f`` directly or through a wrapper forwarding
    its own ``out=None`` (``wnb(v, out=None): return hnb(v, out)`` or ``out=out``), with
    the default, an explicit None, or a new array of ``f``'s: ``hvb = hnb(e)``, ``hvb =
    wnb(e, None)`` or ``hvb = wnb(e, np.zeros(n) + 0.25)``."""
    r = draft.none_r
    k = r.randrange(size)
    augmented = r.random() < 0.4
    update = "    out += v * 0.25\n" if augmented else ""
    # (an else branch writing into the array passed: from a stream of its own, so the
    # programs drawn before it are kept; reverse mode refuses it, located, as a write
    # that may change another name, by design: "refused-aliasing")
    other = random.Random(draft.seed ^ 0xE15E)
    orelse = f"    else:\n        out[{other.randrange(size)}] = 0.125\n" \
        if other.random() < 0.3 else ""
    draft.box_helpers.append(
        f"def hnb(v, out=None):\n    if out is None:\n        out = np.zeros({size})\n"
        f"{orelse}    out[{k}] = v * 0.5\n{update}    return np.sum(out) * 0.25 + out[{k}]\n")
    called = "hnb"
    if r.random() < 0.5:
        forwarded = r.choice(["out", "out=out"])
        draft.box_helpers.append(f"def wnb(v, out=None):\n    return hnb(v, {forwarded})\n")
        called = "wnb"
    code, bound = exprs.expr((), 1)
    code, bound = exprs.squash(code, bound, LIM)
    passed = r.choice(["", ", None", ", out=None", f", np.zeros({size}) + 0.25"])
    draft.emit(f"hvb = {called}({code}{passed})")
    # each |out[i]| <= 0.25 + 0.75 |v| (max(|v| / 2, 0.25) without the update), and
    # |sum(out)| / 4 + |out[k]| <= (size / 4 + 1) times that
    item = 0.25 + 0.75 * bound if augmented else max(bound * 0.5, 0.25)
    draft.env.append(_Var("hvb", (), min(LIM, (size / 4 + 1) * item)))
    draft.count += 1
