"""The forms GradBench's objectives are written with (issue 15): tuple assignments into
items (``buf[i], vN = ...``, nested ``(vN, (buf[0], vM)) = ...``, the right side a
display or a tuple chosen by a condition), starred items of displays (``(1, *v.shape)``,
``[*v, e]``) and writes through pairs of index arrays (``buf[rows, cols] = e``, pairs
maybe repeated or broadcast).  Docstrings are written by the assembly (``f``, helpers)."""

from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, M, S, V, W

#: (rows, cols, shape of the value) of pair writes into a (2, 3) buffer: distinct pairs,
#: a pair twice (numpy keeps the last write), index arrays broadcast against each other
PAIRS_M = (("np.array([1, 0, 1])", "np.array([0, 2, 2])", V),
           ("np.array([1, 1, 0])", "np.array([2, 2, 0])", V),
           ("np.array([[0], [1]])", "np.array([[2, 0, 1]])", M),
           ("np.array([0, 1])", "np.array([1, 1])", W))
#: (index, shape of the value) of writes through one index array into a vector of 3
PAIRS_V = (("np.array([2, 0])", W), ("np.array([0, 0])", W), ("np.array([-1, 2, 0])", V))


class GradbenchForms:
    """Statements of the forms above (features ``tuple_item_targets``, ``pair_write``,
    ``starred_display``)."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def buffer(self, shapes):
        """A ``np.zeros`` buffer of one of ``shapes`` in scope (maybe a new one)."""
        r = self.draft.r
        bufs = [v for v in self.draft.float_vars() if v.buffer and v.shape in shapes]
        if bufs and r.random() < 0.5:
            return r.choice(bufs)
        shape = r.choice(shapes)
        buf = _Var(self.draft.new_name("buf"), shape, 1.0)
        buf.buffer = buf.owned = True
        dims = shape[0] if len(shape) == 1 else str(shape)
        self.draft.emit(f"{buf.name} = np.zeros({dims})")
        self.draft.env.append(buf)
        self.draft.count += 1
        return buf

    def value(self, shape, cap):
        """(code, bound, owned) of a value of ``shape`` bounded by ``cap``."""
        code, bound = self.exprs.expr(shape, self.draft.r.randint(1, 2))
        code, bound = self.exprs.squash(code, bound, cap)
        code, owned = self.exprs.bind(code)
        return code, bound, owned

    def item(self, buf):
        """(target, shape) of an item of ``buf``: a constant index or a loop's."""
        r = self.draft.r
        ints = [i for i in self.draft.int_vars() if i.bound < buf.shape[0]]
        index = r.choice(ints).name if ints and r.random() < 0.5 \
            else str(r.randrange(buf.shape[0]))
        return f"{buf.name}[{index}]", buf.shape[1:]

    def stmt_tuple_items(self, ctx):
        """``buf[i], vN = e1, e2``, ``(buf[0], buf[1]) = ...`` or ``(vN, (buf[i], vM)) =
        e1, (e2, e3)``; the right side a display, or two displays chosen by a condition
        (a tuple-valued name, unpacked)."""
        r = self.draft.r
        self.draft.use("tuple_item_targets")
        if r.random() < 0.25:
            return self.state_list()
        buf = self.buffer([V, W, M])
        cap = min(ctx.caps.get(buf.name, LIM), LIM)
        form = r.randrange(3)
        leaves = [self.item(buf), (self.draft.new_name(), r.choice([S, V, W, M]))]
        if form == 0:
            r.shuffle(leaves)
            layout = "{0}, {1}"      # (a display on the right: parenthesized below)
        elif form == 1:
            leaves = [self.item(buf), self.item(buf)]
            layout = "({0}, {1})"
        else:
            leaves = [(self.draft.new_name(), r.choice([S, V, W, M]))] + leaves
            layout = "({0}, ({1}, {2}))"
        right_layout = "({0}, {1})" if form == 0 else layout
        def side():
            values = [self.value(shape, cap if "[" in target else LIM)
                      for target, shape in leaves]
            return right_layout.format(*(v[0] for v in values)), values
        right, values = side()
        if r.random() < 0.3:
            other, more = side()
            right = f"{right} if {self.exprs.condition()} else {other}"
            values = [(c, max(b, b2), o and o2)
                      for (c, b, o), (_, b2, o2) in zip(values, more)]
        self.draft.emit(f"{layout.format(*(t for t, _ in leaves))} = {right}")
        for (target, shape), (_, bound, owned) in zip(leaves, values):
            if "[" in target:
                buf.bound = max(buf.bound, bound)
            else:
                var = _Var(target, shape, bound)
                var.owned = owned
                self.draft.env.append(var)

    def state_list(self):
        """A list of two states written by index from a tuple that reads them (the LSTM's
        ``all_states``): ``slN[1], slN[0] = (0.5 * slN[0] + 0.5 * e, slN[1])``, then read."""
        r = self.draft.r
        shape = r.choice([S, V, W])
        name = self.draft.new_name("sl")
        (a, ba, _), (b, bb, _) = self.value(shape, LIM), self.value(shape, LIM)
        self.draft.emit(f"{name} = [{a}, {b}]")
        j, k = r.sample([0, 1], 2)
        c, bc, _ = self.value(shape, LIM)
        self.draft.emit(f"{name}[{j}], {name}[{k}] = (0.5 * {name}[{k}] + 0.5 * ({c}), "
                        f"{name}[{j}])")
        bound = max(ba, bb, 0.5 * bb + 0.5 * bc, 0.5 * ba + 0.5 * bc)
        code, bound = self.exprs.squash(f"{name}[0] * {name}[1]", bound * bound, LIM)
        new = self.draft.new_name()
        self.draft.emit(f"{new} = {code}")
        var = _Var(new, shape, bound)
        var.owned = True
        self.draft.env.append(var)
        self.draft.count += 2

    def stmt_pair_write(self, ctx):
        """``buf[rows, cols] = e`` (or ``+=``) through index arrays, on a matrix or a vector."""
        r = self.draft.r
        self.draft.use("pair_write")
        buf = self.buffer([V, M])
        if buf.shape == M:
            rows, cols, shape = r.choice(PAIRS_M)
            target = f"{buf.name}[{rows}, {cols}]"
        else:
            index, shape = r.choice(PAIRS_V)
            target = f"{buf.name}[{index}]"
        cap = min(ctx.caps.get(buf.name, LIM), LIM)
        if buf.name not in ctx.caps and r.random() < 0.3:
            code, bound, _ = self.value(shape, LIM)
            self.draft.emit(f"{target} += {code}")
            buf.bound = buf.bound + bound
        else:
            code, bound, _ = self.value(shape, cap)
            self.draft.emit(f"{target} = {code}")
            buf.bound = max(buf.bound, bound)

    def stmt_starred(self, ctx):
        """A new name from a display with a starred item: a shape around a shape
        (``np.reshape(e, (1, *v.shape))[0]``), the items or rows of an array
        (``sum([*v, e])``, ``np.stack([*m, e])[k]``, ``np.array((e, *v))[k]``)."""
        r = self.draft.r
        arrays = [v for v in self.draft.float_vars() if v.shape != S]
        if not arrays:
            return self.stmts.run("new", ctx)
        self.draft.use("starred_display")
        var = r.choice(arrays)
        form = r.randrange(3)
        if form == 0:
            code, bound, _ = self.value(var.shape, LIM)
            before, after = r.choice([("1, ", ""), ("", ", 1"), ("1, ", ", 1")])
            pick = ("[0]" if before else "") + ("[..., 0]" if after else "")
            code, shape = f"np.reshape({code}, ({before}*{var.name}.shape{after})){pick}", \
                var.shape
        elif form == 1 and var.shape == M:
            row, b, _ = self.value(V, LIM)
            code = f"np.stack([*{var.name}, {row}])[{r.randrange(3)}]"
            shape, bound = V, max(var.bound, b)
        elif form == 1:
            item, b, _ = self.value(S, LIM)
            code, shape = f"np.array(({item}, *{var.name}))[{r.randrange(var.shape[0])}]", S
            bound = max(var.bound, b)
        else:
            item, b, _ = self.value(S, LIM)
            code = f"sum([*{var.name}, {item}])"
            shape, bound = var.shape[1:], var.bound * var.shape[0] + b
        code, bound = self.exprs.squash(code, bound, LIM)
        code, owned = self.exprs.bind(code)
        name = self.draft.new_name()
        self.draft.emit(f"{name} = {code}")
        new = _Var(name, shape, bound)
        new.owned = owned
        self.draft.env.append(new)
