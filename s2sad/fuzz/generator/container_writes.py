"""Container statements that change a container: list methods, item assignment, new
dict keys, and mutation through a second name."""

from s2sad.fuzz.generator.specs import KEYS, _item_spec, _leaf_spec, random_spec
from s2sad.fuzz.generator.state import _Box, _Var
from s2sad.fuzz.ops import LIM, S, SHAPES, _p


class ContainerWrites:
    """Statements that change a container in place."""

    def __init__(self, draft, exprs, kit, stmts):
        self.draft = draft
        self.exprs = exprs
        self.kit = kit
        self.stmts = stmts

    def stmt_box_mutate(self, ctx):
        """append / extend / pop / insert / item assignment on a list (maybe a parameter)."""
        r = self.draft.r
        lists = self.draft.mutable("list")
        if not lists and self.draft.has("list_mutate") and self.kit.fresh_list() is not None:
            lists = self.draft.mutable("list")
        if not lists or not self.draft.has("list_mutate"):
            if self.draft.mutable("dict"):
                return self.stmt_dict_write(ctx)
            return self.stmts.run("box_new", ctx)
        self.draft.use("list_mutate")
        box = r.choice(lists)
        if box.param:
            self.draft.use("param_write")
        items = list(box.spec[1])
        item = _item_spec(box.spec) if r.random() < 0.85 else None
        item = item or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["append", "extend", "pop", "insert", "setitem", "setitem", "loop"])
        if form == "pop" and len(items) < 2:
            form = "append"
        if form == "loop" and not self.draft.has("for_range"):
            form = "append"
        if form == "loop":
            items, b = self.list_loop(box, items, item)
        else:
            items, b = self.list_call(form, box, items, item)
        box.spec = ("list", tuple(items))
        box.bound = max(box.bound, b)
        if r.random() < 0.5 and items:
            self.kit.box_summary(box)

    def list_call(self, form, box, items, item):
        """One change of the list ``box`` whose items are ``items`` (specs): ``form`` is
        ``append``, ``extend``, ``pop``, ``insert`` or ``setitem`` (``item``: the spec of a
        new item); returns (the items after it, the bound of the values written)."""
        r = self.draft.r
        items = list(items)
        if form == "append":
            code, b = self.kit.literal(item)
            self.draft.emit(f"{box.name}.append({code})")
            items.append(item)
        elif form == "extend":
            others = [o for o in self.draft.seq_boxes() if len(o.spec[1]) + len(items) <= 6]
            if others and r.random() < 0.4:
                o = r.choice(others)
                self.draft.emit(f"{box.name}.extend({o.name})")
                items += list(o.spec[1])
                b = o.bound
            else:
                lit = ("list", (item,) * r.randint(1, 2))
                code, b = self.kit.literal(lit)
                self.draft.emit(f"{box.name}.extend({code})")
                items += list(lit[1])
        elif form == "pop":
            k = r.choice([None, 0, len(items) - 1, 1])
            popped = items.pop(-1 if k is None else k)
            call = f"{box.name}.pop({'' if k is None else k})"
            if popped[0] == "leaf":
                name = self.draft.new_name()
                self.draft.emit(f"{name} = {call}")
                self.draft.add_leaf_vars([(name, popped)], box.bound)
            else:
                self.draft.emit(call)
            b = box.bound
        elif form == "insert":
            k = r.randint(0, len(items))
            code, b = self.kit.literal(item)
            self.draft.emit(f"{box.name}.insert({k}, {code})")
            items.insert(k, item)
        elif form == "setitem":
            k = r.randrange(len(items))
            if items[k][0] == "leaf" and r.random() < 0.5:
                c, b = self.exprs.expr(items[k][1], 1)
                c, b = self.exprs.squash(c, b, LIM)
                self.draft.emit(f"{box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
                b = max(b, box.bound)
            else:
                code, b = self.kit.literal(item)
                self.draft.emit(f"{box.name}[{k}] = {code}")
                items[k] = item
        return items, b

    def list_loop(self, box, items, item):
        """A loop changing the list ``box``: ``append`` on each trip (the tape pattern), or
        an update of every item by index; returns (the items after it, the bound)."""
        r = self.draft.r
        items = list(items)
        # append in a loop (the tape pattern), or an update of every item by index
        i = self.draft.new_name("i")
        if _item_spec(box.spec) is not None and _item_spec(box.spec)[0] == "leaf" \
                and self.draft.has("loop_index") and r.random() < 0.5:
            self.draft.use("loop_index")
            self.draft.use("for_range")
            if self.draft.has("list_len"):
                self.draft.use("list_len")
                header = f"range(len({box.name}))"
            else:
                header = f"range({len(items)})"
            shape = items[0][1]
            self.draft.emit(f"for {i} in {header}:")
            self.draft.env.append(_Var(i, S, len(items) - 1, "int"))
            self.draft.env[-1].locked = True
            c, b = self.exprs.expr(shape, 1)
            c, b = self.exprs.squash(c, b, LIM)
            self.draft.emit(f"    {box.name}[{i}] = 0.5 * {box.name}[{i}] + 0.5 * {_p(c)}")
            self.draft.env.pop()
            b = max(b, box.bound)
        else:
            self.draft.use("for_range")
            k = r.randint(1, 3)
            self.draft.emit(f"for {i} in range({k}):")
            self.draft.env.append(_Var(i, S, k - 1, "int"))
            self.draft.env[-1].locked = True
            self.draft.indent += 1
            code, b = self.kit.literal(item)
            self.draft.emit(f"{box.name}.append({code})")
            self.draft.indent -= 1
            self.draft.env.pop()
            items += [item] * k
        return items, b


    def _merge_computed_keys(self, name, entries, item):
        """(feature ``dict_merge_computed``) a loop merging into the dict ``name`` a
        display whose key is computed from the counter, ``d.update({f"k{i}": v})`` or
        ``d |= {"k" + str(i): v}``; ``entries`` (its ``(key, spec)`` pairs) take the keys
        written.  Returns the bound of the values written."""
        r = self.draft.r
        self.draft.use("dict_merge_computed")
        self.draft.use("for_range")
        i, trips, prefix = self.draft.new_name("i"), r.randint(1, 3), r.choice("km")
        code, b = self.kit.literal(item)
        key = r.choice([f'f"{prefix}{{{i}}}"', f"{prefix!r} + str({i})"])
        self.draft.emit(f"for {i} in range({trips}):")
        self.draft.emit(f"    {name} |= {{{key}: {code}}}" if r.random() < 0.5
                        else f"    {name}.update({{{key}: {code}}})")
        keys = [k for k, _ in entries]
        for trip in range(trips):
            written = f"{prefix}{trip}"
            if written in keys:
                entries[keys.index(written)] = (written, item)
            else:
                entries.append((written, item))
                keys.append(written)
        return b

    def stmt_dict_write(self, ctx):
        """``d[k] = ...`` on a dict (a key it has, or a new one; maybe a parameter)."""
        r = self.draft.r
        dicts = self.draft.mutable("dict")
        if not dicts or not self.draft.has("dict_write"):
            return self.stmts.run("box_new", ctx)
        self.draft.use("dict_write")
        box = r.choice(dicts)
        if box.param:
            self.draft.use("param_write")
        entries = list(box.spec[1])
        keys = [k for k, _ in entries]
        item = _item_spec(box.spec) or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["new", "overwrite", "update", "update", "loop", "merge"])
        name = box.name   # (a parameter's dict, now and then written through a second name)
        if box.param and form in ("new", "overwrite", "update") and len(self.draft.lines) % 3 == 0:
            name = self.draft.new_name("pa")   # (no draw: the stream stays as it was)
            self.draft.emit(f"{name} = {box.name}")
        if form == "loop" and not (self.draft.has("iter_dict") and _item_spec(box.spec) is not None
                                   and _item_spec(box.spec)[0] == "leaf"):
            form = "update"
        fresh = [k for k in KEYS if k not in keys]
        if form in ("merge", "new") and self.draft.has("dict_merge_computed") \
                and r.random() < 0.6:   # (new keys, or a merge: computed in a loop)
            b = self._merge_computed_keys(box.name, entries, item)
        elif form == "new" and fresh:
            key = r.choice(fresh)
            code, b = self.kit.literal(item)
            self.draft.emit(f"{name}[{key!r}] = {code}")
            entries.append((key, item))
        elif form == "merge":   # d |= {k: v} or d.update({k: v}): a key it has, or a new one
            key = r.choice(keys + fresh[:1])
            code, b = self.kit.literal(item)
            merged = f"{{{key!r}: {code}}}"
            self.draft.emit(f"{box.name} |= {merged}" if r.random() < 0.5
                            else f"{box.name}.update({merged})")
            if key in keys:
                entries[keys.index(key)] = (key, item)
            else:
                entries.append((key, item))
        elif form == "loop":
            self.draft.use("iter_dict")
            k = self.draft.new_name("k")
            self.draft.emit(f"for {k} in {box.name}:")
            c, b = self.exprs.expr(item[1], 1)
            c, b = self.exprs.squash(c, b, LIM)
            self.draft.emit(f"    {box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
            b = max(b, box.bound)
        else:
            j = r.randrange(len(entries))
            key, spec = entries[j]
            if form == "update" and spec[0] == "leaf":
                c, b = self.exprs.expr(spec[1], 1)
                c, b = self.exprs.squash(c, b, LIM)
                self.draft.emit(f"{name}[{key!r}] = {name}[{key!r}] * 0.5 + {_p(c)} * 0.5")
                b = max(b, box.bound)
            else:
                new = item if r.random() < 0.7 else _leaf_spec(r.choice(SHAPES))
                code, b = self.kit.literal(new)
                self.draft.emit(f"{name}[{key!r}] = {code}")
                entries[j] = (key, new)
        box.spec = ("dict", tuple(entries))
        box.bound = max(box.bound, b)
        if r.random() < 0.5:
            self.kit.box_summary(box)

    def stmt_box_alias(self, ctx):
        """A container mutated through a second name (``ca = co; ca.append(...)``, or one
        held by another container), then read through the first: s2sad must follow the
        mutation exactly or refuse it with a location."""
        r = self.draft.r
        self.draft.use("container_alias")
        kind = r.choice(["list", "list", "dict"])
        spec = random_spec(self.draft.r, kind)
        code, bound = self.kit.literal(spec)
        co, ca = self.draft.new_name("co"), self.draft.new_name("ca")
        self.draft.emit(f"{co} = {code}")
        form = r.randrange(3)
        if form == 0:
            self.draft.emit(f"{ca} = {co}")
        elif form == 1:
            hold = self.draft.new_name("hold")
            if r.random() < 0.5:
                self.draft.emit(f"{hold} = [{co}]")
                self.draft.emit(f"{ca} = {hold}[0]")
            else:
                self.draft.emit(f"{hold} = {{'c': {co}}}")
                self.draft.emit(f"{ca} = {hold}['c']")
        else:
            other, ob = self.kit.literal(spec)
            self.draft.emit(f"{ca} = {co} if {self.exprs.condition()} else {other}")
            bound = max(bound, ob)
        self.draft.count += 2
        items = list(spec[1])
        for _ in range(r.randint(1, 2)):
            if kind == "list":
                w = r.randrange(4) if form != 2 else 0
                item = _item_spec(("list", tuple(items))) or items[0]
                if r.random() < 0.3:
                    item = _leaf_spec(r.choice(SHAPES))
                if w == 0:
                    k = r.randrange(len(items))
                    c, b = self.kit.literal(items[k])
                    self.draft.emit(f"{ca}[{k}] = {c}")
                elif w == 1:
                    c, b = self.kit.literal(item)
                    self.draft.emit(f"{ca}.append({c})")
                    items.append(item)
                elif w == 2:
                    c, b = self.kit.literal(("list", (item,)))
                    self.draft.emit(f"{ca}.extend({c})")
                    items.append(item)
                else:
                    if len(items) < 2:
                        continue
                    self.draft.emit(f"{ca}.pop()")
                    items.pop()
                    b = 0.0
            else:
                keys = [k for k, _ in items]
                fresh = [k for k in KEYS if k not in keys]
                if form != 2 and fresh and r.random() < 0.5:
                    key = r.choice(fresh)
                    leaf = _leaf_spec(r.choice(SHAPES))
                    items.append((key, leaf))
                else:
                    j = r.randrange(len(items))
                    key, leaf = items[j]
                c, b = self.kit.literal(leaf)
                self.draft.emit(f"{ca}[{key!r}] = {c}")
            bound = max(bound, b)
            self.draft.count += 1
        box = _Box(co, (kind, tuple(items)), bound)
        box.frozen = True
        self.draft.boxes.append(box)
        self.kit.box_summary(box)
