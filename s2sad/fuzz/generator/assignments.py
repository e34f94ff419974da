"""Straight-line statements: new names, reassignments, augmented and tuple assignments,
in-place writes into buffers and lists built by ``append``."""

from s2sad.fuzz.generator.state import _Var, _alias_refs
from s2sad.fuzz.ops import LIM, M, S, SHAPES, V, W, _p

#: ``buf[...]`` writes by integer lists (feature ``inplace_index_list``), per buffer shape:
#: (subscript, shape of what is written)
_INDEX_LIST_TARGETS = {
    V: (("[[2, 0]]", W), ("[[1, 2, 0]]", V), ("[[-1, 0]]", W)),
    W: (("[[1, 0]]", W),),
    M: (("[[1, 0]]", M), ("[:, [2, 0, 1]]", M), ("[1, [2, 0]]", W), ("[[1, 0], 2]", W)),
}


class Assignments:
    """Assignment statements (new names, updates, buffers, appended lists)."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts

    def stmt_new(self, ctx):
        """``vN = expr``: a new name of a random shape."""
        shape = self.draft.r.choice(SHAPES)
        code, bound = self.exprs.expr(shape, self.draft.r.randint(1, 3))
        code, bound = self.exprs.squash(code, bound, LIM)
        code, owned = self.exprs.bind(code)
        name = self.draft.new_name()
        self.draft.emit(f"{name} = {code}")
        var = _Var(name, shape, bound)
        var.owned = owned
        self.draft.env.append(var)

    def stmt_reassign(self, ctx):
        """``v = expr`` for a name in scope (within its loop cap; a contraction in a loop)."""
        cands = self.draft.reassignable()
        if not cands:
            return self.stmt_new(ctx)
        self.draft.use("reassign")
        var = self.draft.r.choice(cands)
        code, bound = self.exprs.expr(var.shape, self.draft.r.randint(1, 3))
        if var.name in ctx.caps and self.draft.has("add", "scale") and self.draft.r.random() < 0.5:
            # the typical loop update: contract the old value, add something new
            self.draft.use("add")
            self.draft.use("scale")
            code, bound = f"0.5 * {var.name} + 0.5 * ({code})", 0.5 * var.bound + 0.5 * bound
        cap = ctx.caps.get(var.name, LIM)
        code, bound = self.exprs.squash(code, bound, cap)
        code, owned = self.exprs.bind(code)
        self.draft.emit(f"{var.name} = {code}")
        var.bound = max(var.bound, bound) if ctx.nested else bound
        var.owned = owned if not ctx.nested else (var.owned and owned)

    def stmt_aug(self, ctx):
        """``v op= ...`` on an owned, unaliased name (falls back on a new name)."""
        # arrays are updated in place by augmented assignment: only owned, unaliased ones
        cands = [v for v in self.draft.reassignable()
                 if v.owned and not v.aliased]
        if not cands:
            return self.stmt_new(ctx)
        var = self.draft.r.choice(cands)
        self.draft.use("aug_assign")
        cap = ctx.caps.get(var.name)
        if cap is not None or self.draft.r.random() < 0.3:
            c = self.draft.r.choice([0.5, 0.9, -0.75])
            self.draft.emit(f"{var.name} *= {c}")
            var.bound = var.bound * abs(c) if not ctx.nested else var.bound
            return
        shape = var.shape if self.draft.r.random() < 0.7 else S
        code, bound = self.exprs.expr(shape, self.draft.r.randint(1, 2))
        code, bound = self.exprs.squash(code, bound, LIM)
        op = self.draft.r.choice(["+=", "-="])
        self.draft.emit(f"{var.name} {op} {code}")
        var.bound = var.bound + bound

    def stmt_tuple(self, ctx):
        """``a, b = b, a`` (a swap) or ``vN, vM = e1, e2``."""
        r = self.draft.r
        self.draft.use("tuple_assign")
        same = {}
        for v in self.draft.reassignable():
            same.setdefault(v.shape, []).append(v)
        pairs = [vs for vs in same.values() if len(vs) >= 2]
        if pairs and r.random() < 0.4:
            a, b = r.sample(r.choice(pairs), 2)
            cap = min(ctx.caps.get(a.name, 1e9), ctx.caps.get(b.name, 1e9))
            if max(a.bound, b.bound) <= cap:
                self.draft.emit(f"{a.name}, {b.name} = {b.name}, {a.name}")
                a.bound = b.bound = max(a.bound, b.bound)
                a.owned, b.owned = a.owned and b.owned, a.owned and b.owned
                return
        items = []
        for _ in range(2):
            shape = r.choice(SHAPES)
            code, bound = self.exprs.expr(shape, r.randint(1, 2))
            code, bound = self.exprs.squash(code, bound, LIM)
            code, owned = self.exprs.bind(code)
            items.append((self.draft.new_name(), shape, code, bound, owned))
        self.draft.emit(f"{items[0][0]}, {items[1][0]} = {items[0][2]}, {items[1][2]}")
        for name, shape, _, bound, owned in items:
            var = _Var(name, shape, bound)
            var.owned = owned
            self.draft.env.append(var)

    def stmt_inplace(self, ctx):
        """``buf[...] = ...`` or ``+=`` into a ``np.zeros`` buffer (maybe new)."""
        r = self.draft.r
        self.draft.use("inplace")
        bufs = [v for v in self.draft.float_vars() if v.buffer and v.shape != S]
        if bufs and r.random() < 0.5:
            buf = r.choice(bufs)
        else:
            shape = r.choice([V, W, M])
            buf = _Var(self.draft.new_name("buf"), shape, 1.0)
            buf.buffer = buf.owned = True
            dims = shape[0] if len(shape) == 1 else str(shape)
            self.draft.emit(f"{buf.name} = np.zeros({dims})")
            self.draft.env.append(buf)
            self.draft.count += 1
        cap = ctx.caps.get(buf.name, LIM)
        ints = [i for i in self.draft.int_vars() if i.bound < buf.shape[0]]
        r0 = r.random()
        if self.draft.has("inplace_index_list") and r.random() < 0.3:
            # integer lists of distinct positions, out of order (never a repeat: numpy
            # keeps the last of repeated positions written, ``+=`` too)
            self.draft.use("inplace_index_list")
            target, tshape = r.choice(_INDEX_LIST_TARGETS[buf.shape])
            target = f"{buf.name}{target}"
        elif ints and r0 < 0.4:
            i = r.choice(ints)
            target, tshape = f"{buf.name}[{i.name}]", buf.shape[1:]
        elif buf.shape == M and r0 < 0.7:
            target, tshape = f"{buf.name}[:, {r.randrange(3)}]", W
        elif r0 < 0.8:
            target, tshape = f"{buf.name}[{r.randrange(buf.shape[0])}]", buf.shape[1:]
        else:
            target, tshape = f"{buf.name}[0:2]", (2,) + buf.shape[1:]
            if tshape not in SHAPES:
                target, tshape = f"{buf.name}[1]", buf.shape[1:]
        code, bound = self.exprs.expr(tshape, r.randint(1, 2))
        if r.random() < 0.3 and buf.name not in ctx.caps:
            code, bound = self.exprs.squash(code, bound, LIM)
            self.draft.emit(f"{target} += {code}")
            buf.bound = buf.bound + bound
        else:
            code, bound = self.exprs.squash(code, bound, min(cap, LIM))
            self.draft.emit(f"{target} = {code}")
            buf.bound = max(buf.bound, bound)
        if ctx.loops:
            self.draft.use("inplace_loop")

    def _list_rewrite(self, acc, item, length):
        """(feature ``list_rewrite``) a later loop writing items of the list the loop before
        built by appending: ``acc[j % n] = 0.5 * acc[j % n] + 0.5 * e``.  Returns the bound
        of what it writes."""
        r = self.draft.r
        self.draft.use("list_rewrite")
        j = self.draft.new_name("j")
        self.draft.emit(f"for {j} in range({r.randint(1, 3)}):")
        self.draft.indent += 1
        pos = r.choice([f"{j} % {length}", f"-1 - {j} % {length}", "0"])
        code, bound = self.exprs.expr(item, 1)
        code, bound = self.exprs.squash(code, bound, LIM)
        self.draft.emit(f"{acc}[{pos}] = 0.5 * {acc}[{pos}] + 0.5 * {_p(code)}")
        self.draft.count += 1
        self.draft.indent -= 1
        return bound

    def _list_ways(self, acc, item):
        """(the name the loop appends to ``acc`` through, the running number's name or
        None): (feature ``list_running``) a number summed in the loop and appended after
        each sum, ``rt += v`` making a new number while the list keeps the old one;
        (``list_alias_nested``) the list grown through a second name ``lg = acc``, in a
        loop nested in the loop."""
        r = self.draft.r
        through, total_name = acc, None
        if item == S and self.draft.has("list_running"):   # (no draw: rarely met)
            self.draft.use("list_running")
            total_name = self.draft.new_name("rt")
            self.draft.emit(f"{total_name} = 0.0")
        if self.draft.has("list_alias_nested") and r.random() < 0.5:
            self.draft.use("list_alias_nested")
            through = self.draft.new_name("lg")
            self.draft.emit(f"{through} = {acc}")
        return through, total_name

    def _list_append(self, acc, through, total_name, code, bound, n):
        """The append of ``code`` (bound ``bound``) to ``acc`` in a loop of ``n`` trips, as
        :meth:`_list_ways` chose; returns (the items appended, their bound)."""
        grown = through != acc
        count = 2 * n if grown else n
        if grown:
            self.draft.emit(f"for {self.draft.new_name('j')} in range(2):")
            self.draft.indent += 1
        if total_name is not None:
            self.draft.emit(f"{total_name} += {code}")
            code, bound = total_name, count * bound
        self.draft.emit(f"{through}.append({code})")
        if grown:
            self.draft.indent -= 1
        return count, bound

    def stmt_list(self, ctx):
        """``acc = []``, a loop appending to it, then a read of the list; or (feature
        ``list_readback``) ``acc = [v]``, a loop reading an item back (``acc[i]``,
        ``acc[-1]``) into what it appends: a list of states, as a recurrence keeps."""
        r = self.draft.r
        self.draft.use("list_append")
        self.draft.use("for_range")
        acc = self.draft.new_name("acc")
        item = r.choice([S, V])
        readback = self.draft.has("list_readback") and r.random() < 0.6
        if readback:
            self.draft.use("list_readback")
            first, first_bound = self.exprs.expr(item, 1)
            first, first_bound = self.exprs.squash(first, first_bound, LIM)
            self.draft.emit(f"{acc} = [{first}]")
            # the list holds that array (a name bound to it, maybe a parameter): never
            # written in place after (s2sad refuses 'z *= ...' there, by design: the
            # list's item would change too; seed 9950013 wrote into such a parameter)
            byname = {v.name: v for v in self.draft.env}
            for held in _alias_refs(first) or ():
                if held in byname:
                    byname[held].aliased = True
        else:
            self.draft.emit(f"{acc} = []")
        through, total_name = (acc, None) if readback else self._list_ways(acc, item)
        caps = self.draft.loop_caps(ctx)
        i = self.draft.new_name("i")
        n = r.randint(1, 4)
        self.draft.emit(f"for {i} in range({n}):")
        self.draft.indent += 1
        size = len(self.draft.env)
        iv = _Var(i, S, n - 1, "int")
        iv.locked = True
        self.draft.env.append(iv)
        if readback:   # the item the previous trip appended (or the first)
            prev = self.draft.new_name("prev")
            self.draft.emit(f"{prev} = {acc}[{r.choice([i, '-1'])}]")
            pv = _Var(prev, item, max(first_bound, LIM))
            pv.locked = True
            self.draft.env.append(pv)
        # no break/continue directly in this loop: the list must not stay empty
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        if self.draft.budget_left() > 2 and r.random() < 0.5:
            self.stmts.block(1, inner)
        code, bound = self.exprs.expr(item, r.randint(1, 2))
        if readback:   # what is appended depends on the item read back
            code, bound = f"{_p(code)} + 0.5 * {prev}", bound + 0.5 * pv.bound
        code, bound = self.exprs.squash(code, bound, LIM)
        code, _ = self.exprs.bind(code)
        count, bound = self._list_append(acc, through, total_name, code, bound, n)
        self.draft.indent -= 1
        self.draft.count += 1
        del self.draft.env[size:]
        if self.draft.has("list_rewrite") and r.random() < 0.5:
            bound = max(bound, self._list_rewrite(acc, item, n + 1 if readback else count))
        if self.draft.has("list_queue") and r.random() < 0.5:   # the same length after
            self.draft.use("list_queue")
            self.draft.emit(r.choice([f"{acc}.append({acc}.pop(0) * 0.5)",
                                      f"{acc}.insert(0, {acc}.pop() * 0.5)"]))
        name = self.draft.new_name()
        total = (n + 1) * max(bound, first_bound) if readback else count * bound
        whole = self.draft.has("iter_whole") and r.random() < 0.5   # (an iterator read
        if whole:   # whole where it is made: reversed, zip, enumerate of the list)
            self.draft.use("iter_whole")
        if item == S:
            form = r.choice([f"sum(reversed({acc}))",
                             f"list(reversed({acc}))[0] + 0.5 * sum([v for k, v in "
                             f"list(enumerate({acc}))])",
                             f"tuple(zip({acc}, reversed({acc})))[-1][1] * 2.0"] if whole else
                            [f"sum({acc})", f"np.sum(np.array({acc}))", f"{acc}[-1] * 2.0"])
            self.draft.emit(f"{name} = {form}")
            self.draft.env.append(_Var(name, S, total))
        else:
            form = r.choice([f"np.sum(np.stack(list(reversed({acc}))), axis=0)",
                             f"np.array(tuple(zip({acc}, {acc})))[0][1]"] if whole else
                            [f"np.sum(np.stack({acc}), axis=0)", f"np.array({acc})[0]"])
            self.draft.emit(f"{name} = {form}")
            self.draft.env.append(_Var(name, V, total))
