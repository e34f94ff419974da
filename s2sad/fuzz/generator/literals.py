"""Container literals, fresh items and the reads that make a container matter."""

from s2sad.fuzz.generator.specs import _item_spec, _spec_items, _spec_paths, random_spec
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, _p


class Literals:
    """Writes container literals of a spec and reads containers back."""

    def __init__(self, draft, exprs):
        self.draft = draft
        self.exprs = exprs

    def box_item(self, shape):
        """A fresh item of ``shape`` to put into a container."""
        code, bound = self.exprs.expr(shape, self.draft.r.randint(1, 2))
        code, bound = self.exprs.squash(code, bound, LIM)
        code, _ = self.exprs.bind(code)    # the container holds the array: never written in place
        return code, bound

    def literal(self, spec):
        """Source of a container literal of ``spec`` with fresh items: (code, bound)."""
        if spec[0] == "leaf":
            return self.box_item(spec[1])
        parts, bound = [], 0.0
        for acc, s in _spec_items(spec):
            c, b = self.literal(s)
            bound = max(bound, b)
            parts.append(f"{acc[1:-1]}: {c}" if spec[0] == "dict" else c)
        if spec[0] == "list":
            return "[" + ", ".join(parts) + "]", bound
        if spec[0] == "tuple":
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")", bound
        return "{" + ", ".join(parts) + "}", bound

    def fresh_list(self):
        """A new list of 2-3 leaves of one shape (for a construct that needs one)."""
        if not self.draft.has("list_literal"):
            return None
        self.draft.use("list_literal")
        spec = random_spec(self.draft.r, "list", same=True)
        code, bound = self.literal(spec)
        box = self.draft.add_box(spec, bound)
        self.draft.emit(f"{box.name} = {code}")
        self.draft.count += 1
        return box

    def box_summary(self, box):
        """``vN = ...`` reading a container right away (so that it matters)."""
        r = self.draft.r
        name = self.draft.new_name()
        item = _item_spec(box.spec)
        n = len(box.spec[1])
        if item is not None and item[0] == "leaf" and r.random() < 0.35 and (
                box.spec[0] != "dict" or self.draft.has("iter_dict")):
            if box.spec[0] == "dict":
                self.draft.use("iter_dict")
            src = f"{box.name}.values()" if box.spec[0] == "dict" else box.name
            code, shape, bound = f"sum({src})", item[1], n * box.bound
            if self.draft.has("list_len") and r.random() < 0.4:
                self.draft.use("list_len")
                code, bound = f"{code} / len({box.name})", box.bound
        else:
            path, shape = r.choice(_spec_paths(box.spec))
            c, b = self.exprs.expr(shape, 1)
            c, b = self.exprs.squash(c, b, LIM)
            code, bound = f"{box.name}{path} * {_p(c)}", box.bound * b
        code, bound = self.exprs.squash(code, bound, LIM)
        code, owned = self.exprs.bind(code)
        self.draft.emit(f"{name} = {code}")
        v = _Var(name, shape, bound)
        v.owned = owned
        self.draft.env.append(v)
