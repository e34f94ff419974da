"""Control flow: ``if``, ``for`` and ``while`` loops, ``break``, ``continue``, early returns."""

from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import CONST, M, S, _p


class ControlFlow:
    """Branches and loops whose bodies the :class:`Statements` writer fills."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def stmt_if(self, ctx):
        """``if``/``elif``/``else`` with bodies of 1-2 statements each."""
        r = self.draft.r
        self.draft.use("if")
        if ctx.loops:
            self.draft.use("if_in_loop")
        inner = ctx.child()
        self.draft.emit(f"if {self.exprs.condition()}:")
        self.draft.indent += 1
        self.draft.scoped(lambda: self.stmts.block(r.randint(1, 2), inner))
        self.draft.indent -= 1
        if r.random() < 0.3 and self.draft.budget_left() > 1:
            self.draft.emit(f"elif {self.exprs.condition()}:")
            self.draft.indent += 1
            self.draft.scoped(lambda: self.stmts.block(r.randint(1, 2), inner))
            self.draft.indent -= 1
        if r.random() < 0.6 and self.draft.budget_left() > 0:
            self.draft.emit("else:")
            self.draft.indent += 1
            self.draft.scoped(lambda: self.stmts.block(r.randint(1, 2), inner))
            self.draft.indent -= 1

    def stmt_for(self, ctx):
        """A for loop (range, an array's rows, ``enumerate``, ``zip``) with 1-3 statements."""
        r = self.draft.r
        kinds = [k for k in ("for_range", "for_array", "for_enumerate", "for_zip")
                 if self.draft.has(k)]
        kind = r.choice(kinds)
        arrays = [v for v in self.draft.float_vars() if v.shape != S and not v.buffer]
        if kind in ("for_array", "for_enumerate", "for_zip") and not arrays:
            kind = "for_range" if self.draft.has("for_range") else None
            if kind is None:
                return self.stmts.run("new", ctx)
        if ctx.loops:
            self.draft.use("nested_loop")
        caps = self.draft.loop_caps(ctx)
        size = len(self.draft.env)
        if kind == "for_range":
            self.range_header(arrays)
        elif kind == "for_array":
            self.draft.use("for_array")
            a = r.choice(arrays)
            e = self.draft.new_name("row" if a.shape == M else "e")
            self.draft.emit(f"for {e} in {a.name}:")
            self.draft.env.append(_Var(e, a.shape[1:], a.bound))
        elif kind == "for_enumerate":
            self.draft.use("for_enumerate")
            a = r.choice(arrays)
            k, e = self.draft.new_name("k"), self.draft.new_name("e")
            self.draft.emit(f"for {k}, {e} in enumerate({a.name}):")
            self.draft.env.append(_Var(k, S, a.shape[0] - 1, "int"))
            self.draft.env.append(_Var(e, a.shape[1:], a.bound))
        else:
            self.zip_header(arrays)
        for v in self.draft.env[size:]:
            v.locked = True
        if kind != "for_range":
            # the loop's items may be views of the arrays iterated over
            for v in self.draft.float_vars():
                if v.name in self.draft.lines[-1].split(" in ", 1)[1]:
                    v.aliased = True
        self.draft.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.draft.lines)
        self.stmts.block(r.randint(1, 3), inner)
        if len(self.draft.lines) == before:
            self.draft.emit("pass")
        self.draft.indent -= 1
        del self.draft.env[size:]

    def range_header(self, arrays):
        """``for iN in range(...):`` (a count, ``n``, ``range(1, 4, 2)``, ``len(a)``, maybe
        ``reversed``), its target bound in scope."""
        r = self.draft.r
        self.draft.use("for_range")
        i = self.draft.new_name("i")
        ints = [p for p in self.draft.params if p.kind == "int" and p.name == "n"]
        form = r.randrange(5)
        if form == 0 and ints:
            p = r.choice(ints)
            header, top = f"range({p.name})", 3
        elif form == 1 and self.draft.has("for_range_args"):
            self.draft.use("for_range_args")
            header, top = "range(1, 4, 2)", 3
            if ints and len(self.draft.lines) % 2:   # (no draw: the stream stays as it was)
                header = f"range(1, {ints[0].name}, 2)"   # a stepped range to a count
        elif form == 2 and arrays and self.draft.has("for_range_args"):
            self.draft.use("for_range_args")
            a = r.choice(arrays)
            header, top = f"range(len({a.name}))", a.shape[0] - 1
        else:
            k = r.randint(1, 4)
            header, top = f"range({k})", k - 1
        if self.draft.has("reversed_range") and r.random() < 0.3:
            self.draft.use("reversed_range")
            header = f"reversed({header})"
        self.draft.emit(f"for {i} in {header}:")
        self.draft.env.append(_Var(i, S, top, "int"))

    def zip_header(self, arrays):
        """``for p, q in zip(a, b):`` (maybe in ``enumerate``) over one of ``arrays`` and a
        partner of its length (or a module constant), its targets bound in scope."""
        r = self.draft.r
        self.draft.use("for_zip")
        a = r.choice(arrays)
        partners = [v for v in arrays if v.shape[0] == a.shape[0]]
        b_name, b_shape, b_bound = (CONST[a.shape], a.shape, 1.2)
        if partners and r.random() < 0.6:
            b = r.choice(partners)
            b_name, b_shape, b_bound = b.name, b.shape, b.bound
        p, q = self.draft.new_name("p"), self.draft.new_name("q")
        if r.random() < 0.3:   # enumerate(zip(...)): the index and each sequence's item
            k = self.draft.new_name("k")
            self.draft.emit(f"for {k}, ({p}, {q}) in enumerate(zip({a.name}, {b_name})):")
            self.draft.env.append(_Var(k, S, a.shape[0] - 1, "int"))
        else:
            self.draft.emit(f"for {p}, {q} in zip({a.name}, {b_name}):")
        self.draft.env.append(_Var(p, a.shape[1:], a.bound))
        self.draft.env.append(_Var(q, b_shape[1:], b_bound))

    def stmt_while(self, ctx):
        """A while loop on an int counter or on data that grows to a limit."""
        r = self.draft.r
        kinds = [k for k in ("while_counter", "while_data") if self.draft.has(k)]
        kind = r.choice(kinds)
        if ctx.loops:
            self.draft.use("nested_loop")
        self.draft.use(kind)
        size = len(self.draft.env)
        if kind == "while_counter":
            k = self.draft.new_name("k")
            top = r.randint(1, 4)
            self.draft.emit(f"{k} = 0")
            caps = self.draft.loop_caps(ctx)
            self.draft.emit(f"while {k} < {top}:")
            self.draft.indent += 1
            self.draft.emit(f"{k} = {k} + 1")
            counter = _Var(k, S, top, "int")
            counter.locked = True
            self.draft.env.append(counter)
        else:
            t = self.draft.new_name("t")
            c, b = self.exprs.expr(S, 1)
            c, b = self.exprs.squash(c, b, 1.0)
            self.draft.use("scale")
            self.draft.emit(f"{t} = 0.5 * {_p(c)}")
            limit = round(r.uniform(0.5, 2.0), 2)
            caps = self.draft.loop_caps(ctx)
            self.draft.emit(f"while {t} < {limit}:")
            self.draft.indent += 1
            inc, ib = self.exprs.expr(S, 1)
            self.draft.use("np.tanh")
            self.draft.emit(f"{t} = {t} + 0.5 + 0.25 * np.tanh({inc})")
            counter = _Var(t, S, limit + 0.75)
            counter.locked = True
            self.draft.env.append(counter)
            caps[t] = limit + 0.75
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        self.stmts.block(r.randint(1, 3), inner)
        self.draft.indent -= 1
        del self.draft.env[size + 1:]
        self.draft.env[size].locked = False
        if kind == "while_counter":
            del self.draft.env[size:]

    def stmt_break(self, ctx):
        """``if cond: break`` in a for loop."""
        self.draft.use("break")
        self.draft.emit(f"if {self.exprs.condition()}:")
        self.draft.emit("    break")

    def stmt_continue(self, ctx):
        """``if cond: continue`` in a for loop."""
        self.draft.use("continue")
        self.draft.emit(f"if {self.exprs.condition()}:")
        self.draft.emit("    continue")

    def stmt_return(self, ctx):
        """``if cond: return ...`` (an early return, maybe in a loop)."""
        self.draft.use("return_in_loop" if ctx.loops else "return_in_if")
        self.draft.emit(f"if {self.exprs.condition()}:")
        self.draft.indent += 1
        self.draft.emit(f"return {self.exprs.output_expr()}")
        self.draft.indent -= 1
