"""Local functions whose free names a caller shadows (``closure_shadow``): Python reads the
variable of the scope that *defines* the function, when the call runs, never the caller's
local, parameter or comprehension target of the same name.

Its draws come from a stream of their own and its names (``sckN``, ``scgN``...) from a
counter of its own: a program that writes none of these statements is the program of
the same seed without the feature."""

import itertools
import random

from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM

#: at most this many such statements in a program
MOST = 2


class Closures:
    """A free value ``sckN`` (sometimes rebound after the definitions: closures bind
    late), a local function ``scgN`` reading it (a nested def or a lambda, maybe through a
    sibling ``sciN`` defined after it), and a caller ``schN`` that binds ``sckN`` itself (a
    local, a parameter, a comprehension target, or a local read by a function nested in
    it), called on a value; or a nested def ``scpN`` appending to a list ``sclN`` that its
    caller's parameter of the same name shadows."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.r = random.Random(draft.seed ^ 0xC105E)
        self.counter = itertools.count(1)
        self.written = 0

    def wanted(self, ctx):
        """Whether the next statement is one of these (drawn from the own stream, only at
        the function's top level)."""
        draft = self.draft
        return (draft.has("closure_shadow") and self.written < MOST and not ctx.in_helper
                and ctx.loops == 0 and draft.depth == 0 and draft.budget_left() >= 1
                and bool(draft.float_vars()) and self.r.random() < 0.08)

    def name(self, prefix):
        return f"sc{prefix}{next(self.counter)}"

    def stmt_closure_shadow(self, ctx):
        r, emit = self.r, self.draft.emit
        self.draft.use("closure_shadow")
        self.written += 1
        v = r.choice(self.draft.float_vars())
        if r.random() < 0.2:
            self.appending(v)
            return
        arrays = [a for a in self.draft.float_vars() if a.shape and not a.buffer]
        if arrays and self.draft.has("closure_view") and r.random() < 0.3:
            self.reading_a_view(r.choice(arrays))
            return
        if not v.shape and self.draft.has("closure_view") and r.random() < 0.2:
            self.reading_a_number(v)
            return
        if r.random() < 0.15:
            self.defined_in_a_loop(v)
            return
        k, g, h = self.name("k"), self.name("g"), self.name("h")
        emit(f"{k} = np.tanh(np.sum({v.name}) * 0.5)")   # |k| < 1
        free = f"{k} * 0.5"
        form = r.random()
        if form < 0.3:   # through a sibling defined after the function calling it
            inner = self.name("i")
            emit(f"def {g}(u):")
            emit(f"    return {inner}(u) * 0.5 + u * 0.25")
            emit(f"def {inner}(w):")
            emit(f"    return w * 0.5 + {free}")
        elif form < 0.6:
            emit(f"{g} = lambda u: u * 0.75 + {free}")
        else:
            emit(f"def {g}(u):")
            emit(f"    return u * 0.75 + {free}")
        shadow = r.choice(["local", "parameter", "comprehension", "nested"])
        if shadow == "local":
            emit(f"def {h}(u):")
            emit(f"    {k} = u * 0.5 - 2.0")
            emit(f"    return {g}(u) + {k} * 0.125")
            call = f"{h}({v.name})"
        elif shadow == "parameter":
            emit(f"def {h}(u, {k}):")
            emit(f"    return {g}(u) * {k}")
            call = f"{h}({v.name}, {r.choice(['0.5', '-1.5', '2.0'])})"
        elif shadow == "comprehension":
            emit(f"def {h}(u):")
            emit(f"    items = [{g}(u) * {k} for {k} in [0.5, -1.5]]")
            emit("    return items[0] + items[1]")
            call = f"{h}({v.name})"
        else:   # h's own k, read by a function nested in h
            inner = self.name("i")
            emit(f"def {h}(u):")
            emit(f"    {k} = u * 0.25 + 1.0")
            emit(f"    def {inner}(t):")
            emit(f"        return {g}(t) * {k}")
            emit(f"    return {inner}(u)")
            call = f"{h}({v.name})"
        if r.random() < 0.4:   # rebound after the definitions: the call reads the new value
            emit(f"{k} = {k} * 0.5 - 0.25")
        out = self.name("v")
        emit(f"{out} = {call}")
        self.draft.count += 4
        # |g(u)| <= 0.75 |u| + 0.5; the callers scale it by at most 2 and add at most
        # |u| / 16 + 0.25, or multiply it by |u| / 4 + 1
        bound = 2.0 * (0.75 * v.bound + 0.5) + 0.1 * v.bound + 0.5
        if shadow == "nested":
            bound = (0.75 * v.bound + 0.5) * (0.25 * v.bound + 1.0)
        self.draft.env.append(_Var(out, v.shape, min(LIM, bound)))

    def appending(self, v):
        """``scpN`` appends to the list ``sclN`` of the function; a caller whose parameter
        is called ``sclN`` too calls it: the function's list grows, not the caller's."""
        cl, push, h, out = self.name("l"), self.name("p"), self.name("h"), self.name("v")
        emit = self.draft.emit
        emit(f"{cl} = [{v.name} * 1.0]")
        emit(f"def {push}(u):")
        emit(f"    {cl}.append(u * 0.5)")
        emit(f"def {h}({cl}):")
        emit(f"    {push}({cl}[0] * 0.5)")
        emit(f"    return {cl}[0] * 0.25 + {cl}[-1] * 0.5")
        emit(f"{out} = {h}([{v.name} * 2.0]) + {cl}[-1] * 0.5")
        self.draft.count += 5
        # h gives 1.5 v (its own list holds 2 v alone); the function's list ends in v / 2
        self.draft.env.append(_Var(out, v.shape, min(LIM, 2.0 * v.bound)))

    def defined_in_a_loop(self, v):
        """``scgN`` defined in a loop's body (of a trip at least) reading ``sckN``, which the
        trip binds, and called after the loop: Python's call reads the last trip's value
        (closures bind late); ``scjN``, the loop's target, too, in a lambda."""
        j, k, g, out = self.name("j"), self.name("k"), self.name("g"), self.name("v")
        emit = self.draft.emit
        emit(f"for {j} in {self.r.choice(['range(2)', 'range(3)', '[0.5, -0.25]'])}:")
        emit(f"    {k} = np.tanh(np.sum({v.name}) * 0.5 + {j})")   # |k| < 1
        if self.r.random() < 0.5:
            emit(f"    {g} = lambda u: u * 0.75 + {k} * 0.25 + np.tanh({j}) * 0.25")
        else:
            emit(f"    def {g}(u):")
            emit(f"        return u * 0.75 + {k} * 0.5")
        emit(f"{out} = {g}({v.name})")
        self.draft.count += 4
        self.draft.env.append(_Var(out, v.shape, min(LIM, 0.75 * v.bound + 0.5)))

    def reading_a_number(self, v):
        """``sccN`` reads ``sceN``, the number ``scdN`` held, and ``scdN += ...`` follows
        before the call: a number gets a new value there, so the call reads the old one
        (``closure_view``, never refused)."""
        self.draft.use("closure_view")
        d, e, fn, out = self.name("d"), self.name("e"), self.name("c"), self.name("v")
        emit = self.draft.emit
        emit(f"{d} = {v.name} * 1.0")
        emit(f"{e} = {d}")
        emit(f"{fn} = lambda u: u * 0.5 + {e} * 0.25")
        emit(f"{d} += 0.5")
        emit(f"{out} = {fn}({v.name}) * {d}")
        self.draft.count += 5
        # |fn(u)| <= 3 |v| / 4; |d| <= |v| + 1 / 2
        self.draft.env.append(_Var(out, v.shape, min(LIM, 0.75 * v.bound * (v.bound + 0.5))))

    def reading_a_view(self, v):
        """``scfN`` reads ``scwN``, a view of ``scbN`` (or a copy of it), and ``scbN`` is
        written into between the definition and the call (``closure_view``): Python's
        call reads the written values through the view; s2sad refuses the view at the
        local function (it would read them from before the write), and follows the copy."""
        self.draft.use("closure_view")
        early = self.r.random() < 0.3
        # called before the write (``scdN``, ``sceN``, ``sccN``): the call reads the
        # values from before it, in Python and in s2sad: never refused
        b, w, fn = (self.name("d"), self.name("e"), self.name("c")) if early \
            else (self.name("b"), self.name("w"), self.name("f"))
        out = self.name("v")
        emit = self.draft.emit
        first = "[0]" if len(v.shape) == 1 else "[0, 0]"
        view = f"{b}[0:1]" if len(v.shape) == 1 else f"{b}[0]"
        if early:
            called = self.name("t")
            emit(f"{b} = {v.name} * 1.0")
            emit(f"{w} = {view}")
            emit(f"def {fn}(u):")
            emit(f"    return u * 0.5 + np.sum({w}) * 0.25")
            emit(f"{called} = {fn}({v.name})")
            emit(f"{b}{first} = np.tanh({b}{first}) * 0.5")
            emit(f"{out} = {called} * {b}")
            self.draft.count += 6
            self.draft.env.append(_Var(out, v.shape, min(LIM, (1.25 * v.bound) * v.bound)))
            return
        emit(f"{b} = {v.name} * 1.0")
        # (a view: plain, through a second name scaN, or a view of that, by the number of
        # lines so far: no draw from the random stream, no statement from the budget, so
        # the programs other constructs make stay as they were)
        step = len(self.draft.lines) % 3
        if self.r.random() < 0.5:
            emit(f"{w} = np.copy({view})")
        elif step:
            mid = self.name("a")
            emit(f"{mid} = {view}")
            emit(f"{w} = {mid}{'[0:1]' if step == 2 else ''}")
        else:
            emit(f"{w} = {view}")
        emit(f"def {fn}(u):")
        emit(f"    return u * 0.5 + np.sum({w}) * 0.25")
        emit(f"{b}{first} = np.tanh({b}{first}) * 0.5")
        emit(f"{out} = {fn}({v.name}) * {b}")
        self.draft.count += 5
        # |fn(u)| <= |u| / 2 + (3 |v|) / 4 (a row holds 3 values); times |b| <= |v|
        self.draft.env.append(_Var(out, v.shape, min(LIM, (1.25 * v.bound) * v.bound)))
