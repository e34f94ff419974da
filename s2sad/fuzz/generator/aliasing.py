"""Writes through a name that may alias another array, local functions, and differentiated
values written into integer and bool arrays."""

from s2sad.fuzz.constructs import ALIAS_FEATURES
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, M, S, V, W, _p


class Aliasing:
    """Constructs whose meaning depends on which object a name holds."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def stmt_alias(self, ctx):
        """``b`` may alias a fresh array ``a`` (branch, conditional expression, helper,
        container), then ``b`` is written into (``b[k] = ...``, ``b op= ...``) and ``a`` read."""
        r = self.draft.r
        kind = r.choice([k for k in ALIAS_FEATURES if self.draft.has(k)])
        self.draft.use(kind)
        shape = r.choice([V, W, M])
        a, b = self.draft.new_name("ar"), self.draft.new_name("al")
        code, ba = self.exprs.expr(shape, r.randint(1, 2))
        code, ba = self.exprs.squash(code, ba, LIM)
        self.draft.emit(f"{a} = {_p(code)} * 1.0")
        other, bo = self.exprs.expr(shape, r.randint(1, 2))
        other, bo = self.exprs.squash(other, bo, LIM)
        other = f"{_p(other)} * {r.choice([1.0, 0.5, -1.5, 2.0])}"
        bo *= 2.0
        first, second = (a, other) if r.random() < 0.6 else (other, a)
        self.bind_alias(kind, a, b, other, first, second)
        self.draft.count += 2
        bound = max(ba, bo)
        trips = 1
        if kind == "alias_loop":
            trips = r.randint(2, 3)
            self.draft.emit(f"for {self.draft.new_name('i')} in range({trips}):")
            self.draft.indent += 1
        bound = self.writes_through(b, shape, bound, trips)
        if kind == "alias_loop":
            self.draft.emit(f"{b} = {a}")
            self.draft.indent -= 1
        # half the time a is read afterwards (what the write through b did to it: s2sad
        # must refuse, or follow the write); else a is never read again, and the write is
        # differentiated as written (a refusal would be a false one)
        read_a = r.random() < 0.5
        for name in ((a, b) if read_a else (b,)):
            v = _Var(name, shape, bound)
            v.locked = v.aliased = True     # never rebound or written again
            self.draft.env.append(v)
        self.stmts.read_after(self.draft.env[-2] if read_a else self.draft.env[-1])

    def bind_alias(self, kind, a, b, other, first, second):
        """``b = ...`` that may hold the array ``a`` (``first``/``second``: ``a`` and
        ``other`` in some order) the way ``kind`` says: a branch, a conditional
        expression, the helper ``same``, a container, or (``alias_loop``) ``other``
        before the loop that rebinds it to ``a``."""
        r = self.draft.r
        if kind == "alias_branch":
            self.draft.use("if")
            self.draft.emit(f"if {self.exprs.condition()}:")
            self.draft.emit(f"    {b} = {first}")
            self.draft.emit("else:")
            self.draft.emit(f"    {b} = {second}")
        elif kind == "alias_ifexp":
            self.draft.use("ifexp")
            self.draft.emit(f"{b} = {first} if {self.exprs.condition()} else {second}")
        elif kind == "alias_helper":
            self.draft.need_same = True
            form = r.randrange(3)
            if form == 0:
                self.draft.emit(f"{b} = same({a})")
            elif form == 1:
                self.draft.emit(f"{b} = same({first} if {self.exprs.condition()} else {second})")
            else:
                self.draft.use("if")
                self.draft.emit(f"if {self.exprs.condition()}:")
                self.draft.emit(f"    {b} = same({first})")
                self.draft.emit("else:")
                self.draft.emit(f"    {b} = {second}")
        elif kind == "alias_loop":
            # a loop-carried name that holds the array from the second trip on
            self.draft.use("for_range")
            self.draft.emit(f"{b} = {other}")
        else:
            box = self.draft.new_name("box")
            form = r.randrange(3)
            if form == 0:
                self.draft.emit(f"{box} = [{first}, {second}]")
                self.draft.emit(f"{b} = {box}[{0 if first == a else 1}]")
            elif form == 1:
                self.draft.emit(f"{box} = {{'p': {first}, 'q': {second}}}")
                self.draft.emit(f"{b} = {box}['p' if {self.exprs.condition()} else 'q']")
            else:
                self.draft.emit(f"{box} = {{'p': {a}}}")
                self.draft.emit(f"{b} = {box}['p']")

    def writes_through(self, b, shape, bound, trips):
        """One or two writes into ``b`` (an item, ``op=``, a scaling); returns the bound
        of its values after them (``trips`` times an increment in a loop)."""
        r = self.draft.r
        for _ in range(r.randint(1, 2)):
            w = r.randrange(4)
            if w == 0:
                k = r.randrange(shape[0])
                c, cb = self.exprs.expr(shape[1:], 1)
                c, cb = self.exprs.squash(c, cb, LIM)
                self.draft.emit(f"{b}[{k}] = {c}")
                bound = max(bound, cb)
            elif w == 1:
                c, cb = self.exprs.expr(r.choice([shape, S]), 1)
                c, cb = self.exprs.squash(c, cb, LIM)
                self.draft.emit(f"{b} {r.choice(['+=', '-='])} {c}")
                bound += trips * cb
            elif w == 2:
                self.draft.emit(f"{b} *= {r.choice([0.5, -0.75, 0.9])}")
            else:
                k = r.randrange(shape[0])
                c, cb = self.exprs.expr(shape[1:], 1)
                c, cb = self.exprs.squash(c, cb, LIM)
                self.draft.emit(f"{b}[{k}] += {c}")
                bound += trips * cb
            self.draft.count += 1
        return bound

    def stmt_local_fn(self, ctx):
        """A local function (a lambda bound to a name, or a nested def, which may append
        to a list of the caller's) called on a value; or one chosen by a branch
        (``g = lambda ...`` in each), which s2sad must refuse: it puts a local
        function's body in place of its calls."""
        r = self.draft.r
        kinds = [k for k in ("local_function", "local_function_branch") if self.draft.has(k)]
        # the branch-chosen kind is refused by design: rarer, so campaigns check more
        kind = kinds[0] if len(kinds) == 1 or r.random() < 0.75 else kinds[1]
        self.draft.use(kind)
        v = r.choice(self.draft.float_vars())
        g = self.draft.new_name("g")
        first, second = r.sample(["np.tanh(u) * 0.5 + u", "np.sin(u) - 0.5 * u",
                                  "u * 0.75 + np.cos(u) * 0.25"], 2)
        if kind == "local_function" and r.random() < 0.4:
            self.local_fn_appending(g, v, first)
            return
        if kind == "local_function" and r.random() < 0.5:
            self.draft.emit(f"{g} = lambda u: {first}")
        elif kind == "local_function":
            self.draft.emit(f"def {g}(u):")
            if self.draft.has("docstring") and self.draft.doc_r.random() < 0.5:
                self.draft.use("docstring")
                self.draft.emit('    """A local function."""')
            self.draft.emit(f"    return {first}")
        else:
            self.draft.use("if")
            self.draft.emit(f"if {self.exprs.condition()}:")
            self.draft.emit(f"    {g} = lambda u: {first}")
            self.draft.emit("else:")
            self.draft.emit(f"    {g} = lambda u: {second}")
        out = self.draft.new_name()
        self.draft.emit(f"{out} = {g}({v.name})")
        self.draft.count += 2
        self.draft.env.append(_Var(out, v.shape, v.bound + 1.0))

    def local_fn_appending(self, g, v, body):
        """A nested def ``g`` appending ``body`` (of its argument ``u``) to a list of its
        caller's, ``clN``, which the caller reads after the call."""
        cl, out = self.draft.new_name("cl"), self.draft.new_name()
        self.draft.emit(f"{cl} = [{v.name} * 1.0]")
        self.draft.emit(f"def {g}(u):")
        self.draft.emit(f"    {cl}.append({body})")
        self.draft.emit("    return u * 0.5")
        self.draft.emit(f"{out} = {g}({v.name})")
        self.draft.emit(f"{out} = {out} + {cl}[-1] * 0.5 + {cl}[0] * 0.25")
        self.draft.count += 4
        self.draft.env.append(_Var(out, v.shape, v.bound * 1.5 + 1.0))

    def stmt_zero_d(self, ctx):
        """(feature ``zero_d_write``) a 0-d array written whole, ``zd[...] = e`` or
        ``zd[()] = e``, then added into or scaled (in a loop too), and read as a number
        (its adjoint may be a number, which takes no index)."""
        r = self.draft.r
        self.draft.use("zero_d_write")
        name = self.draft.new_name("zd")
        self.draft.emit(f"{name} = np.zeros(())")
        c, bound = self.exprs.expr(S, r.randint(1, 2))
        c, bound = self.exprs.squash(c, bound, LIM)
        self.draft.emit(f"{name}[{r.choice(['...', '()'])}] = {c}")
        self.draft.count += 2
        for _ in range(r.randint(0, 2)):
            e, eb = self.exprs.expr(S, 1)
            e, eb = self.exprs.squash(e, eb, 1.0)
            op = r.choice(["+=", "-=", "*="])
            value = f"np.tanh({e})" if op == "*=" else _p(e)
            looped = ctx.loops == 0 and self.draft.has("for_range") and r.random() < 0.4
            if looped:
                i = self.draft.new_name("i")
                self.draft.emit(f"for {i} in range(2):")
                self.draft.indent += 1
            self.draft.emit(f"{name}[{r.choice(['...', '()'])}] {op} {value}")
            self.draft.count += 1 + looped
            if looped:
                self.draft.indent -= 1
            bound = bound if op == "*=" else bound + eb * (2 if looped else 1)
        out = self.draft.new_name()
        read = r.choice([f"{name} * 1.5", f"{name}[()] * 1.5", f"1.5 * {name}[...]"])
        self.draft.emit(f"{out} = {read}")
        self.draft.count += 1
        self.draft.env.append(_Var(out, S, bound * 1.5))

    def stmt_int_array(self, ctx):
        """A differentiated value written into an integer or bool array, which is then read."""
        r = self.draft.r
        kinds = [k for k in ("int_array_write", "bool_array_write") if self.draft.has(k)]
        kind = r.choice(kinds)
        self.draft.use(kind)
        shape = r.choice([V, W])
        n = shape[0]
        if kind == "int_array_write":
            name = self.draft.new_name("ia")
            init = r.choice([f"np.zeros({n}, dtype=int)", f"np.arange({n})",
                             f"np.array({[r.randint(-1, 2) for _ in range(n)]!r})"])
        else:
            name = self.draft.new_name("ba")
            init = r.choice([f"np.zeros({n}, dtype=bool)", f"np.ones({n}, dtype=bool)",
                             f"np.array({[r.random() < 0.5 for _ in range(n)]!r})"])
        self.draft.emit(f"{name} = {init}")
        c, cb = self.exprs.expr(S, r.randint(1, 2))
        c, cb = self.exprs.squash(c, cb, 1.0)
        k = r.randrange(n)
        if r.random() < 0.4:
            # a constant: numpy truncates it (or keeps whether it is nonzero), no refusal
            self.draft.emit(f"{name}[{k}] = {r.choice([0.5, 1.7, -2.5, 3])}")
        elif kind == "int_array_write":
            op = r.choice(["=", "=", "+="])
            self.draft.emit(f"{name}[{k}] {op} 2.5 * {_p(c)}")
        else:
            self.draft.emit(f"{name}[{k}] = {_p(c)}")
        e, eb = self.exprs.expr(shape, 1)
        e, eb = self.exprs.squash(e, eb, LIM)
        out = self.draft.new_name()
        if kind == "int_array_write":
            self.draft.emit(f"{out} = {_p(e)} * {name}")
            bound = eb * 5.0
        elif r.random() < 0.5:
            self.draft.emit(f"{out} = {_p(e)} * {name}")
            bound = eb
        else:
            e2, eb2 = self.exprs.expr(shape, 1)
            e2, eb2 = self.exprs.squash(e2, eb2, LIM)
            self.draft.emit(f"{out} = np.where({name}, {e}, {e2})")
            bound = max(eb, eb2)
        self.draft.count += 2
        self.draft.env.append(_Var(out, shape, bound))
