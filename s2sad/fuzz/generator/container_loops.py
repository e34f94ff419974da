"""Loops over containers, comprehensions and containers carried through a loop."""

from s2sad.fuzz.generator.specs import _item_spec, _leaf_spec, _spec_items, random_spec
from s2sad.fuzz.generator.state import _Box, _Var
from s2sad.fuzz.ops import LIM, S, SHAPES, _p


class ContainerLoops:
    """Loops and comprehensions over containers."""

    def __init__(self, draft, exprs, kit, stmts):
        self.draft = draft
        self.exprs = exprs
        self.kit = kit
        self.stmts = stmts

    def stmt_box_loop(self, ctx):
        """A for loop over a container: its items, ``zip``, ``enumerate``, ``reversed``,
        a dict's keys, items or values, or indices ``range(len(xs))``; it accumulates."""
        r = self.draft.r
        seqs = self.draft.seq_boxes(flat=True)
        dicts = [b for b in self.draft.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not seqs and (not dicts or self.draft.r.random() < 0.5) \
                and self.kit.fresh_list() is not None:
            seqs = self.draft.seq_boxes(flat=True)
        kinds = [k for k in ("iter_list", "iter_zip", "iter_enumerate", "iter_reversed",
                             "loop_index") if self.draft.has(k) and seqs]
        if self.draft.has("iter_dict") and dicts:
            kinds.append("iter_dict")
        if not kinds:
            return self.stmts.run("box_new", ctx)
        kind = r.choice(kinds)
        self.draft.use(kind)
        if ctx.loops:
            self.draft.use("nested_loop")
        acc = self.draft.new_name("s")
        self.draft.emit(f"{acc} = 0.0")
        caps = self.draft.loop_caps(ctx)
        caps[acc] = LIM
        acc_var = _Var(acc, S, LIM)
        acc_var.owned = True
        self.draft.env.append(acc_var)
        size = len(self.draft.env)
        if kind == "iter_dict":
            leaves, ints, bound = self.dict_header(dicts)
        elif kind == "loop_index":
            leaves, ints, bound = self.index_header(seqs)
        elif kind == "iter_zip":
            leaves, ints, bound = self.zip_header(seqs)
        else:
            leaves, ints, bound = self.items_header(kind, seqs)
        for v in ints:
            v.locked = True
            self.draft.env.append(v)
        targets = []
        for name, spec in leaves:
            v = _Var(name, spec[1], bound)
            v.locked = v.aliased = True
            self.draft.env.append(v)
            targets.append(v)
        self.draft.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.draft.budget_left() > 1 and r.random() < 0.5:
            self.stmts.block(1, inner)
        t = r.choice(targets)
        term, tb = self.exprs.convert(t.name, t.bound, t.shape, S, 1) if t.shape != S \
            else (t.name, t.bound)
        c, b = self.exprs.expr(S, 1)
        term, tb = self.exprs.squash(f"{_p(term)} * {_p(c)}", tb * b, LIM)
        self.draft.emit(f"{acc} = 0.5 * {acc} + 0.5 * {_p(term)}")
        self.draft.indent -= 1
        del self.draft.env[size:]

    def dict_header(self, dicts):
        """``for`` over one of ``dicts``: its keys, ``.keys()``, ``.items()`` or ``.values()``
        (leaves: (source, leaf spec) of the items read each trip; ints: int targets; the
        bound of the items)."""
        r = self.draft.r
        leaves, ints = [], []
        box = r.choice(dicts)
        item = _item_spec(box.spec)
        form = r.randrange(4)
        if form in (0, 1):
            k = self.draft.new_name("k")
            self.draft.emit(f"for {k} in {box.name}{'.keys()' if form else ''}:")
            leaves.append((f"{box.name}[{k}]", item))
        elif form == 2:
            k, v = self.draft.new_name("k"), self.draft.new_name("v")
            self.draft.emit(f"for {k}, {v} in {box.name}.items():")
            leaves.append((v, item))
        else:
            v = self.draft.new_name("v")
            self.draft.emit(f"for {v} in {box.name}.values():")
            leaves.append((v, item))
        bound = box.bound
        return leaves, ints, bound

    def index_header(self, seqs):
        """``for i in range(len(xs)):`` over one of ``seqs``, read as ``xs[i]``
        (leaves: (source, leaf spec) of the items read each trip; ints: int targets; the
        bound of the items)."""
        r = self.draft.r
        leaves, ints = [], []
        box = r.choice(seqs)
        item = _item_spec(box.spec)
        i = self.draft.new_name("i")
        if self.draft.has("list_len") and r.random() < 0.7:
            self.draft.use("list_len")
            header = f"range(len({box.name}))"
        else:
            header = f"range({len(box.spec[1])})"
        self.draft.use("for_range")
        self.draft.emit(f"for {i} in {header}:")
        ints.append(_Var(i, S, len(box.spec[1]) - 1, "int"))
        if item[0] == "leaf":
            leaves.append((f"{box.name}[{i}]", item))
        else:
            leaves += [(f"{box.name}[{i}]{acc_}", s) for acc_, s in _spec_items(item)]
        bound = box.bound
        return leaves, ints, bound

    def zip_header(self, seqs):
        """``for a, b in zip(xs, ys):`` (maybe in ``enumerate``) over two of ``seqs`` (or one
        and its tail)
        (leaves: (source, leaf spec) of the items read each trip; ints: int targets; the
        bound of the items)."""
        r = self.draft.r
        leaves, ints = [], []
        a = r.choice(seqs)
        others = [b for b in seqs if b is not a]
        if others and r.random() < 0.6:
            b = r.choice(others)
            second = b.name
        else:
            b, second = a, f"{a.name}[1:]"
        ta, la = self.draft.target(_item_spec(a.spec), a.bound)
        tb, lb = self.draft.target(_item_spec(b.spec), b.bound)
        leaves += la + lb
        if self.draft.has("iter_enumerate") and r.random() < 0.3:
            self.draft.use("iter_enumerate")
            k = self.draft.new_name("k")
            self.draft.emit(f"for {k}, ({ta}, {tb}) in "
                            f"{self.listed(f'enumerate(zip({a.name}, {second}))')}:")
            ints.append(_Var(k, S, len(a.spec[1]) - 1, "int"))
        else:
            self.draft.emit(f"for {ta}, {tb} in {self.listed(f'zip({a.name}, {second})')}:")
        bound = max(a.bound, b.bound)
        return leaves, ints, bound

    def listed(self, iterable):
        """``zip(...)`` or ``enumerate(...)`` as written, or as ``list(...)`` of it, or
        (feature ``iter_reversed``) ``reversed(list(...))``: the pairs from the last."""
        draw = self.draft.r.random()
        if draw < 0.2:
            return f"list({iterable})"
        if draw < 0.4 and self.draft.has("iter_reversed"):
            self.draft.use("iter_reversed")
            return f"reversed(list({iterable}))"
        return iterable

    def items_header(self, kind, seqs):
        """``for t in xs:``, ``enumerate(xs)`` or ``reversed(xs)`` over one of ``seqs``
        (leaves: (source, leaf spec) of the items read each trip; ints: int targets; the
        bound of the items)."""
        r = self.draft.r
        leaves, ints = [], []
        box = r.choice(seqs)
        t, names = self.draft.target(_item_spec(box.spec), box.bound)
        leaves += names
        if kind == "iter_enumerate":
            k = self.draft.new_name("k")
            self.draft.emit(f"for {k}, {t} in {self.listed(f'enumerate({box.name})')}:")
            ints.append(_Var(k, S, len(box.spec[1]) - 1, "int"))
        elif kind == "iter_reversed":
            self.draft.emit(f"for {t} in reversed({box.name}):")
        else:
            self.draft.emit(f"for {t} in {box.name}:")
        bound = box.bound
        return leaves, ints, bound


    def stmt_box_comp(self, ctx):
        """A list, tuple or dict comprehension over a container (or ``sum`` of one)."""
        r = self.draft.r
        seqs = self.draft.seq_boxes(homogeneous=True)
        seqs = [b for b in seqs if _item_spec(b.spec)[0] == "leaf"]
        dicts = [b for b in self.draft.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not self.draft.has("comprehension") or not (seqs or dicts):
            return self.stmts.run("box_new", ctx)
        self.draft.use("comprehension")
        out = r.choice(SHAPES)
        size = len(self.draft.env)
        use_dict = dicts and (not seqs or r.random() < 0.35)
        if use_dict:
            return self.dict_comp(dicts, out)
        box = r.choice(seqs)
        n = len(box.spec[1])
        form = r.randrange(4)
        e = self.draft.new_name("e")
        names = [self.bind_item(e, _item_spec(box.spec), box.bound)]
        if form == 1 and self.draft.has("iter_zip"):
            others = [b for b in seqs if b is not box]
            other = r.choice(others) if others else box
            f2 = self.draft.new_name("e")
            names.append(self.bind_item(f2, _item_spec(other.spec), other.bound))
            self.draft.use("iter_zip")
            clause = f"for {e}, {f2} in zip({box.name}, {other.name})"
            n = min(n, len(other.spec[1]))
        elif form == 2 and self.draft.has("iter_enumerate"):
            self.draft.use("iter_enumerate")
            k = self.draft.new_name("k")
            iv = _Var(k, S, n - 1, "int")
            iv.locked = True
            self.draft.env.append(iv)
            clause = f"for {k}, {e} in enumerate({box.name})"
        else:
            clause = f"for {e} in {box.name}"
        code, bound = self.comp_element(out, names)
        del self.draft.env[size:]
        how = r.random()
        if how < 0.25:
            name = self.draft.new_name()
            cond = ""
            if r.random() < 0.5:
                cond = f" if np.sum({e}) > {round(r.uniform(-0.5, 0.5), 2)}"
            self.draft.emit(f"{name} = sum([{code} {clause}{cond}])")
            v = _Var(name, out, n * bound)
            self.draft.env.append(v)
        elif how < 0.4 and self.draft.has("tuple_literal"):
            new = self.draft.add_box(("tuple", (_leaf_spec(out),) * n), bound)
            self.draft.emit(f"{new.name} = tuple(({code} {clause}))")
        else:
            new = self.draft.add_box(("list", (_leaf_spec(out),) * n), bound)
            self.draft.emit(f"{new.name} = [{code} {clause}]")
        if how >= 0.25 and r.random() < 0.6:
            self.kit.box_summary(new)

    def dict_comp(self, dicts, out):
        """``dcN = {k: ... for k, v in d.items()}`` over one of ``dicts`` (values of shape
        ``out``), maybe read right away."""
        r = self.draft.r
        size = len(self.draft.env)
        box = r.choice(dicts)
        k, v = self.draft.new_name("k"), self.draft.new_name("v")
        code, bound = self.comp_element(out, [self.bind_item(v, _item_spec(box.spec),
                                                             box.bound)])
        del self.draft.env[size:]
        if self.draft.has("iter_dict"):
            self.draft.use("iter_dict")
        new = self.draft.add_box(
            ("dict", tuple((key, _leaf_spec(out)) for key, _ in box.spec[1])), bound)
        self.draft.emit(f"{new.name} = {{{k}: {code} for {k}, {v} in {box.name}.items()}}")
        if r.random() < 0.5:
            self.kit.box_summary(new)

    def comp_element(self, out, names):
        """The element expression of a comprehension (of shape ``out``) reading one of the
        loop's targets ``names``: (code, bound)."""
        r = self.draft.r
        t = r.choice(names)
        term, tb = (self.exprs.convert(t.name, t.bound, t.shape, out, 1) if t.shape != out
                    else (t.name, t.bound))
        c, b = self.exprs.expr(out, 1)
        op = r.choice(["*", "+"])
        code, bound = self.exprs.squash(f"{_p(term)} {op} {_p(c)}",
                                        tb * b if op == "*" else tb + b, LIM)
        return code, bound

    def bind_item(self, name, spec, bound):
        """A comprehension's target ``name`` (an item of ``spec``) bound in scope, locked."""
        v = _Var(name, spec[1], bound)
        v.locked = v.aliased = True
        self.draft.env.append(v)
        return v

    def stmt_box_carry(self, ctx):
        """A container carried through a loop: ``state = {'pos': x, 'vel': v}`` updated each
        trip (item by item, or rebound whole)."""
        r = self.draft.r
        if not (self.draft.has("container_carry") and self.draft.has("for_range")):
            return self.stmts.run("box_new", ctx)
        self.draft.use("container_carry")
        self.draft.use("for_range")
        kind = r.choice(["dict", "dict", "tuple", "list"])
        spec = random_spec(self.draft.r, kind, n=2)
        code, bound = self.kit.literal(spec)
        st = self.draft.new_name("st")
        self.draft.emit(f"{st} = {code}")
        box = _Box(st, spec, max(bound, 1.0))
        caps = self.draft.loop_caps(ctx)
        i = self.draft.new_name("i")
        self.draft.emit(f"for {i} in range({r.randint(2, 4)}):")
        self.draft.indent += 1
        iv = _Var(i, S, 3, "int")
        iv.locked = True
        size = len(self.draft.env)
        self.draft.env.append(iv)
        self.draft.boxes.append(box)
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.draft.budget_left() > 1 and r.random() < 0.4:
            self.stmts.block(1, inner)
        parts = []
        for acc, s in _spec_items(spec):
            c, b = self.exprs.expr(s[1], 1)
            c, b = self.exprs.squash(c, b, LIM)
            parts.append((acc, f"0.5 * {st}{acc} + 0.5 * {_p(c)}"))
            box.bound = max(box.bound, b)
        homog = _item_spec(spec) is not None
        form = r.randrange(3) if kind != "tuple" else 0
        if form == 2 and homog and kind == "dict" and self.draft.has("iter_dict"):
            self.draft.use("iter_dict")
            k = self.draft.new_name("k")
            c, b = self.exprs.expr(_item_spec(spec)[1], 1)
            c, b = self.exprs.squash(c, b, LIM)
            box.bound = max(box.bound, b)
            self.draft.emit(f"for {k} in {st}:")
            self.draft.emit(f"    {st}[{k}] = 0.5 * {st}[{k}] + 0.5 * {_p(c)}")
        elif form >= 1:
            for acc, update in parts:           # in place, item by item
                self.draft.emit(f"{st}{acc} = {update}")
        else:                                   # rebound whole
            if kind == "dict":
                self.draft.emit(f"{st} = {{"
                                + ", ".join(f"{acc[1:-1]}: {u}" for acc, u in parts) + "}")
            elif kind == "tuple":
                self.draft.emit(f"{st} = (" + ", ".join(u for _, u in parts) + ")")
            else:
                self.draft.emit(f"{st} = [" + ", ".join(u for _, u in parts) + "]")
        self.draft.indent -= 1
        del self.draft.env[size:]      # names bound in the loop's body are not read after it
        self.draft.count += 2
        self.kit.box_summary(box)
