"""Loop targets read after their loop (after ``break``, nested reuse, zero trips),
integer counters (Python keeps a loop target's last value), and numbers carried
through a loop that become arrays on its first trip."""

from s2sad.fuzz.constructs import AFTER_FEATURES
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, M, S, SHAPES, _p


class LoopTargets:
    """Loops whose target (or counter) is read after them."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def loop_body(self, ctx, caps, targets, brk=False):
        """The indented body of a for loop whose targets are ``targets`` (locked in it)."""
        r = self.draft.r
        size = len(self.draft.env)
        for t in targets:
            t.locked = True
            self.draft.env.append(t)
        self.draft.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.draft.lines)
        n = r.randint(1, 2)
        at = r.randint(0, n) if brk else -1
        for k in range(n + 1):
            if k == at:
                self.draft.emit(f"if {self.exprs.condition()}:")
                self.draft.emit("    break")
            if k < n and self.draft.budget_left() > 0:
                self.stmts.statement(inner)
        if len(self.draft.lines) == before:
            self.draft.emit("pass")
        self.draft.indent -= 1
        del self.draft.env[size:]

    def stmt_loop_after(self, ctx):
        """A for loop whose target is read after it (Python keeps the last trip's value)."""
        r = self.draft.r
        kind = r.choice([k for k in AFTER_FEATURES if self.draft.has(k)])
        self.draft.use(kind)
        self.draft.use("for_range")
        if ctx.loops:
            self.draft.use("nested_loop")
        caps = self.draft.loop_caps(ctx)
        size = len(self.draft.env)
        arrays = [v for v in self.draft.float_vars() if v.shape != S and not v.buffer
                  and not v.locked]
        if kind == "after_zero_trip":
            target = self.zero_trip_loop(ctx, caps, arrays)
        elif kind == "after_nested_reuse":
            target = self.nested_reuse_loop(ctx, caps, size)
        else:
            target = self.last_trip_loop(ctx, caps, arrays, kind == "after_break")
        # after the loop: the target is bound (every loop here runs a trip, or the name
        # was bound before it), may be read and rebound
        target.locked = False
        self.draft.env.append(target)
        self.stmts.read_after(target)

    def zero_trip_loop(self, ctx, caps, arrays):
        """A loop that may run no trip, its target bound before it (a float before a loop
        over a slice of one of ``arrays`` that may be empty, or an int before a range that
        may be empty); returns the target's record."""
        r = self.draft.r
        if arrays and r.random() < 0.5:
            # a float pre-bound, then a loop over a slice that may be empty
            a = r.choice(arrays)
            t = self.draft.new_name("e")
            code, bound = self.exprs.expr(a.shape[1:], 1)
            code, bound = self.exprs.squash(code, bound, LIM)
            code, _ = self.exprs.bind(code)
            if a.shape[1:]:
                code = f"{_p(code)} * 1.0"
            self.draft.emit(f"{t} = {code}")
            start = r.choice([a.shape[0], a.shape[0], a.shape[0] - 1])
            self.draft.emit(f"for {t} in {a.name}[{start}:]:")
            for v in self.draft.float_vars():
                if v.name == a.name:
                    v.aliased = True
            target = _Var(t, a.shape[1:], max(bound, a.bound))
        else:
            t = self.draft.new_name("i")
            first = r.randint(0, 2)
            self.draft.emit(f"{t} = {first}")
            ns = [p for p in self.draft.params if p.kind == "int" and p.name == "n"]
            header = r.choice(["range(0)", "range(2, 2)", "range(2)"]
                              + ([f"range({ns[0].name} - 1)"] if ns else []))
            self.draft.emit(f"for {t} in {header}:")
            target = _Var(t, S, max(first, 2), "int")
        self.draft.count += 1
        self.loop_body(ctx, caps, [target])
        return target

    def nested_reuse_loop(self, ctx, caps, size):
        """Two nested loops with the same target; returns the target's record."""
        r = self.draft.r
        t = self.draft.new_name("i")
        k1, k2 = r.randint(1, 3), r.randint(1, 3)
        target = _Var(t, S, max(k1, k2) - 1, "int")
        self.draft.emit(f"for {t} in range({k1}):")
        target.locked = True
        self.draft.env.append(target)
        self.draft.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.draft.budget_left() > 2 and r.random() < 0.5:
            self.stmts.statement(inner)
        self.draft.emit(f"for {t} in range({k2}):")
        self.draft.use("nested_loop")
        self.loop_body(inner, caps, [])
        if self.draft.budget_left() > 0 and r.random() < 0.5:
            self.stmts.statement(inner)
        self.draft.indent -= 1
        del self.draft.env[size:]
        return target

    def last_trip_loop(self, ctx, caps, arrays, brk):
        """A loop over an array's rows or a range (maybe ``reversed``, maybe left by
        ``break``), its target maybe bound before it; returns the target's record."""
        r = self.draft.r
        if arrays and r.random() < 0.4:
            a = r.choice(arrays)
            t = self.draft.new_name("row" if a.shape == M else "e")
            self.draft.emit(f"for {t} in {a.name}:")
            for v in self.draft.float_vars():
                if v.name == a.name:
                    v.aliased = True
            target = _Var(t, a.shape[1:], a.bound)
        else:
            t = self.draft.new_name("i")
            k = r.randint(1, 4)
            header = f"range({k})"
            ns = [p for p in self.draft.params if p.kind == "int" and p.name == "n"]
            if ns and r.random() < 0.3:
                header, k = f"range({ns[0].name})", 4
            if self.draft.has("reversed_range") and r.random() < 0.3:
                self.draft.use("reversed_range")
                header = f"reversed({header})"
            if r.random() < 0.35:
                # bound before the loop too: the loop must rebind it
                self.draft.emit(f"{t} = {r.randint(0, 2)}")
            self.draft.emit(f"for {t} in {header}:")
            target = _Var(t, S, max(k - 1, 2), "int")
        self.loop_body(ctx, caps, [target], brk=brk)
        return target

    def stmt_counter(self, ctx):
        """An integer counter from an int parameter: ``c = start``, ``c += 1`` in a loop."""
        r = self.draft.r
        self.draft.use("int_counter")
        self.draft.use("for_range")
        if ctx.loops:
            self.draft.use("nested_loop")
        c = self.draft.new_name("c")
        k = r.randint(1, 2)
        plus = r.choice([0, 0, 1])
        self.draft.emit(f"{c} = {self.draft.counter_start}" + (f" + {plus}" if plus else ""))
        caps = self.draft.loop_caps(ctx)
        t = self.draft.new_name("i")
        self.draft.emit(f"for {t} in range({k}):")
        counter = _Var(c, S, 1 + plus + k - 1, "int")
        counter.locked = True
        self.draft.env.append(counter)
        size = len(self.draft.env)
        self.draft.env.append(_Var(t, S, k - 1, "int"))
        self.draft.env[-1].locked = True
        self.draft.indent += 1
        self.stmts.block(r.randint(1, 2), ctx.child(loop=True, caps=caps, in_for=False))
        self.draft.emit(f"{c} += 1")
        self.draft.indent -= 1
        del self.draft.env[size:]
        counter.bound = 1 + plus + k
        counter.locked = False
        self.draft.count += 1
        self.stmts.read_after(counter)

    def stmt_grows(self, ctx):
        """A number carried through a loop that becomes an array on its first trip:
        ``gN = <number>``, then ``gN = gN + <array>`` (or ``-``, ``+=``, ``<array> - gN``)
        in a ``range`` loop; ``gN`` is an array after it."""
        r = self.draft.r
        self.draft.use("loop_grows")
        self.draft.use("for_range")
        if ctx.loops:
            self.draft.use("nested_loop")
        shape = r.choice([s for s in SHAPES if s != S])
        g = self.draft.new_name("g")
        start, bound = self.exprs.expr(S, 1)
        start, bound = self.exprs.squash(start, bound, LIM)
        start, _ = self.exprs.bind(start)
        self.draft.emit(f"{g} = {start}")
        t = self.draft.new_name("i")
        k = r.randint(1, 3)
        self.draft.emit(f"for {t} in range({k}):")
        term, term_bound = self.exprs.expr(shape, 1)
        term, term_bound = self.exprs.squash(term, term_bound, LIM)
        term, _ = self.exprs.bind(term)
        form = r.choice(["{g} = {g} + {e}", "{g} = {g} - {e}", "{g} += {e}",
                         "{g} = {e} - {g}"])
        self.draft.emit("    " + form.format(g=g, e=_p(term)))
        self.draft.count += 1
        grown = _Var(g, shape, bound + k * term_bound)
        grown.owned = True   # a fresh array (made by the first trip's operation)
        self.draft.env.append(grown)
