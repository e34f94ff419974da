"""Container statements that build containers: literals, concatenation, repetition,
slicing, ``len``, unpacking, helpers taking and returning containers."""

from s2sad.fuzz.generator.specs import (KEYS, _flat_leaves, _item_spec, _leaf_spec, _spec_items,
                                        _unpackable, random_spec)
from s2sad.fuzz.generator.state import _Box, _Var
from s2sad.fuzz.ops import LIM, S, SHAPES, _p


class ContainerBuild:
    """Statements that make new containers or read them whole."""

    def __init__(self, draft, exprs, kit, stmts):
        self.draft = draft
        self.exprs = exprs
        self.kit = kit
        self.stmts = stmts

    def stmt_box_new(self, ctx):
        """A list, tuple or dict literal holding differentiated values (maybe nested)."""
        r = self.draft.r
        kinds = [k for k in ("list_literal", "tuple_literal", "dict_literal", "nested_literal")
                 if self.draft.has(k)]
        if not kinds:
            return self.stmts.run("new", ctx)
        kind = r.choice(kinds)
        self.draft.use(kind)
        if kind == "nested_literal":
            inner = random_spec(self.draft.r, r.choice(["tuple", "tuple", "list", "dict"]), n=2)
            n = r.randint(2, 3)
            outer = r.choice(["list", "list", "tuple", "dict"])
            spec = (("dict", tuple((k, inner) for k in r.sample(KEYS, n))) if outer == "dict"
                    else (outer, (inner,) * n))
        else:
            spec = random_spec(self.draft.r, kind.split("_")[0])
        code, bound = self.kit.literal(spec)
        box = self.draft.add_box(spec, bound)
        self.draft.emit(f"{box.name} = {code}")
        if r.random() < 0.5:
            self.kit.box_summary(box)

    def stmt_box_op(self, ctx):
        """A new list or tuple by concatenation, repetition or slicing."""
        r = self.draft.r
        kinds = [k for k in ("list_concat", "list_repeat", "list_slice") if self.draft.has(k)]
        seqs = self.draft.seq_boxes()
        if not kinds or not seqs:
            return self.stmt_box_new(ctx)
        kind = r.choice(kinds)
        self.draft.use(kind)
        a = r.choice(seqs)
        items, bound = list(a.spec[1]), a.bound
        if kind == "list_concat":
            others = [b for b in seqs if b.spec[0] == a.spec[0] and b is not a
                      and len(b.spec[1]) + len(items) <= 6]
            if others and r.random() < 0.5:
                b = r.choice(others)
                code, new, bound = f"{a.name} + {b.name}", items + list(b.spec[1]), max(
                    bound, b.bound)
            else:
                item = _item_spec(a.spec) or _leaf_spec(r.choice(SHAPES))
                lit = (a.spec[0], (item,) * r.randint(1, 2))
                lcode, lb = self.kit.literal(lit)
                bound = max(bound, lb)
                if r.random() < 0.6:
                    code, new = f"{a.name} + {lcode}", items + list(lit[1])
                else:
                    code, new = f"{lcode} + {a.name}", list(lit[1]) + items
        elif kind == "list_repeat":
            k = 2 if len(items) > 2 else r.randint(2, 3)
            if r.random() < 0.3:
                item = _item_spec(a.spec) or _leaf_spec(r.choice(SHAPES))
                icode, ib = self.kit.literal(item)
                bracket = f"[{icode}]" if a.spec[0] == "list" else f"({icode},)"
                code, new, bound = f"{bracket} * {k}", [item] * k, ib
            else:
                code = f"{a.name} * {k}" if r.random() < 0.6 else f"{k} * {a.name}"
                new = items * k
        else:
            forms = ["[1:]", "[:2]", "[::-1]", "[-2:]", "[1:3]", "[::2]", "[:-1]"]
            r.shuffle(forms)
            for form in forms:
                new = eval(f"items{form}")
                if new:
                    break
            code = f"{a.name}{form}"
        box = self.draft.add_box((a.spec[0], tuple(new)), bound)
        self.draft.emit(f"{box.name} = {code}")
        if r.random() < 0.6:
            self.kit.box_summary(box)

    def stmt_box_len(self, ctx):
        """``len`` of a container scales a value."""
        r = self.draft.r
        if not self.draft.boxes or not self.draft.has("list_len"):
            return self.stmt_box_new(ctx)
        self.draft.use("list_len")
        box = r.choice(self.draft.boxes)
        shape = r.choice(SHAPES)
        c, b = self.exprs.expr(shape, r.randint(1, 2))
        c, b = self.exprs.squash(c, b, LIM)
        name = self.draft.new_name()
        n = len(box.spec[1])
        if r.random() < 0.5:
            self.draft.emit(f"{name} = {_p(c)} * len({box.name})")
            bound = b * n
        else:
            self.draft.emit(f"{name} = {_p(c)} / len({box.name})")
            bound = b
        self.draft.env.append(_Var(name, shape, bound))

    def stmt_box_unpack(self, ctx):
        """``a, b = tp3``, ``w, b = layers[0]``, ``first, *rest = ls3``."""
        r = self.draft.r
        cands = []
        for b in self.draft.seq_boxes():
            if 2 <= len(b.spec[1]) <= 3 and all(_unpackable(s) for s in b.spec[1]):
                cands.append((b.name, b.spec, b))
            for acc, s in _spec_items(b.spec):
                if s[0] in ("list", "tuple") and _flat_leaves(s) and 2 <= len(s[1]) <= 3:
                    cands.append((b.name + acc, s, b))
        if not cands or not self.draft.has("unpack"):
            return self.stmt_box_new(ctx)
        self.draft.use("unpack")
        source, spec, box = r.choice(cands)
        if spec[1][0][0] == "leaf" and self.draft.has("list_literal") and r.random() < 0.25:
            first = self.draft.new_name("e")
            rest = self.draft.new_name("ls")
            self.draft.emit(f"{first}, *{rest} = {source}")
            self.draft.add_leaf_vars([(first, spec[1][0])], box.bound)
            self.draft.boxes.append(_Box(rest, ("list", tuple(spec[1][1:])), box.bound))
            return
        parts, leaves = [], []
        for s in spec[1]:
            text, names = self.draft.target(s, box.bound)
            parts.append(text)
            leaves += names
        self.draft.emit(f"{', '.join(parts)} = {source}")
        self.draft.add_leaf_vars(leaves, box.bound)

    def stmt_box_helper(self, ctx):
        """A module-level helper taking a container and returning one (or a float)."""
        r = self.draft.r
        if not self.draft.boxes or not self.draft.has("container_helper"):
            return self.stmt_box_new(ctx)
        self.draft.use("container_helper")
        src = r.choice(self.draft.boxes)
        name = f"hc{len(self.draft.box_helpers) + 1}"
        # (not a dict parameter: through a decorator's wrapper, passing it on to a helper
        # writing into it is refused, a known false refusal)
        writable = src in self.draft.mutable("dict") and self.draft.has("dict_write") \
            and not src.param
        saved = (self.draft.env, self.draft.lines, self.draft.indent, self.draft.boxes,
                 self.draft.exponent)
        # (f's parameters, the exponent p among them, are not in the helper's scope)
        self.draft.env, self.draft.lines, self.draft.indent = [], [], 1
        self.draft.exponent = None
        self.draft.boxes = [_Box("c", src.spec, src.bound)]
        for _ in range(r.randint(1, 2)):
            shape = r.choice(SHAPES)
            code, bound = self.exprs.expr(shape, r.randint(1, 2))
            code, bound = self.exprs.squash(code, bound, LIM)
            t = self.draft.new_name("t")
            self.draft.emit(f"{t} = {code}")
            self.draft.env.append(_Var(t, shape, bound))
        merged = None
        if writable and src.spec[1] and r.random() < 0.3:
            # the helper merges an item into the caller's dict: c |= {k: v}, c.update(...)
            self.draft.use("dict_write")
            key, item = r.choice(list(src.spec[1]))
            code, merged = self.kit.literal(item)
            self.draft.emit(f"c |= {{{key!r}: {code}}}" if r.random() < 0.5
                            else f"c.update({{{key!r}: {code}}})")
        kind = r.choice(["list", "tuple", "dict", "float"])
        if kind == "float":
            code = self.exprs.combine(S)
            code, _ = self.exprs.squash(code, 1e9, LIM)
            self.draft.emit(f"return {code}")
            spec = None
        else:
            spec = random_spec(self.draft.r, kind, n=2)
            code, _ = self.kit.literal(spec)
            self.draft.emit(f"return {code}")
        text = f"def {name}(c):\n" + "\n".join(self.draft.lines) + "\n"
        (self.draft.env, self.draft.lines, self.draft.indent, self.draft.boxes,
         self.draft.exponent) = saved
        self.draft.box_helpers.append(text)
        if merged is not None:
            src.bound = max(src.bound, merged)
        call = f"{name}({src.name})"
        if spec is None:
            out = self.draft.new_name()
            self.draft.emit(f"{out} = {call}")
            self.draft.env.append(_Var(out, S, 1.0))
            return
        box = self.draft.add_box(spec, 1.0)
        self.draft.emit(f"{box.name} = {call}")
        if r.random() < 0.6:
            self.kit.box_summary(box)
