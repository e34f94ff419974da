"""A container a second name may hold, or not, as a branch of a conditional expression
(or ``and``/``or``) decides, changed through that name: list methods, ``+=``, ``*=``,
and a dict's ``|=`` and ``.update(...)``; then read through the first name."""

from s2sad.fuzz.generator.specs import KEYS, _leaf_spec
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, SHAPES


class ContainerMerges:
    """Changes of a container through a name that may hold it (``container_maybe_alias``)."""

    def __init__(self, draft, exprs, kit, stmts):
        self.draft = draft
        self.exprs = exprs
        self.kit = kit
        self.stmts = stmts

    def stmt_box_maybe_alias(self, ctx):
        """``ma = mo if c else list(mo)`` (or ``c and mo or ...``, or a new container of
        the same keys or length), one or two changes through ``ma``, then ``mo`` read
        (its first and last items or given keys, and its length): s2sad must follow the
        change on the path where ``ma`` is ``mo``, or refuse it with a location."""
        r = self.draft.r
        self.draft.use("container_maybe_alias")
        kind = r.choice(["list", "dict"])
        shape = r.choice(SHAPES)
        leaf = _leaf_spec(shape)
        n = r.randint(2, 3)
        keys = r.sample(KEYS, n)
        spec = ("list", (leaf,) * n) if kind == "list" else \
            ("dict", tuple((k, leaf) for k in keys))
        code, bound = self.kit.literal(spec)
        mo, ma = self.draft.new_name("mo"), self.draft.new_name("ma")
        self.draft.emit(f"{mo} = {code}")
        copy = f"{kind}({mo})"
        if r.random() < 0.3:   # a new container of the same length or keys
            copy, other_bound = self.kit.literal(spec)
            bound = max(bound, other_bound)
        cond = self.exprs.condition()
        form = r.randrange(4)
        if form == 3:   # the very container: the change is followed exactly
            self.draft.emit(f"{ma} = {mo}")
        elif form == 0:
            self.draft.emit(f"{ma} = {mo} if {cond} else {copy}")
        elif form == 1:
            self.draft.emit(f"{ma} = {copy} if {cond} else {mo}")
        else:
            if self.draft.has("boolop"):
                self.draft.use("boolop")
            self.draft.emit(f"{ma} = {cond} and {mo} or {copy}")
        self.draft.count += 2
        longest = n
        for _ in range(r.randint(1, 2)):
            if kind == "list":
                longest, b = self.list_change(ma, shape, n, longest)
            else:
                b = self.dict_change(ma, keys, shape)
                longest += 1
            bound = max(bound, b)
            self.draft.count += 1
        out = self.draft.new_name()
        first, last = (f"{mo}[0]", f"{mo}[-1]") if kind == "list" else (
            f"{mo}[{keys[0]!r}]", f"{mo}[{keys[-1]!r}]")
        self.draft.emit(f"{out} = {first} * 0.5 + {last} * 0.25 + len({mo}) * 0.125")
        self.draft.env.append(_Var(out, shape, bound * 0.75 + longest * 0.125))

    def list_change(self, ma, shape, n, longest):
        """One change of the list ``ma`` (``n`` items of ``shape`` at first, at most
        ``longest`` now; never fewer than one); returns (its longest length after,
        the bound of the values written)."""
        r = self.draft.r
        forms = ["append", "extend", "insert", "setitem", "iadd"]
        if longest == n and n >= 2:
            forms.append("pop")   # (once: the list keeps an item)
        if longest <= 3:
            forms.append("imul")
        form = r.choice(forms)
        code, b = self.kit.literal(_leaf_spec(shape))
        if form == "append":
            self.draft.emit(f"{ma}.append({code})")
            return longest + 1, b
        if form == "extend":
            self.draft.emit(f"{ma}.extend([{code}])")
            return longest + 1, b
        if form == "iadd":
            self.draft.emit(f"{ma} += [{code}]")
            return longest + 1, b
        if form == "insert":
            self.draft.emit(f"{ma}.insert({r.randint(0, 1)}, {code})")
            return longest + 1, b
        if form == "setitem":
            self.draft.emit(f"{ma}[{r.choice([0, -1])}] = {code}")
            return longest, b
        if form == "pop":
            self.draft.emit(f"{ma}.pop({r.choice(['', '0'])})")
            return longest, 0.0
        self.draft.emit(f"{ma} *= 2")
        return longest * 2, 0.0

    def dict_change(self, ma, keys, shape):
        """One change of the dict ``ma`` (holding ``keys``, each a leaf of ``shape``):
        ``|=`` or ``.update`` with a display or a dict of its own, or an item write;
        the keys read afterwards are ``keys``' (a new key may be added).  Returns the
        bound of the values written."""
        r = self.draft.r
        key = r.choice(list(keys) + [k for k in KEYS if k not in keys][:1])
        code, b = self.kit.literal(_leaf_spec(shape))
        form = r.randrange(4)
        if form == 0:
            self.draft.emit(f"{ma} |= {{{key!r}: {code}}}")
        elif form == 1:
            self.draft.emit(f"{ma}.update({{{key!r}: {code}}})")
        elif form == 2:
            merged = self.draft.new_name("mm")
            self.draft.emit(f"{merged} = {{{key!r}: {code}}}")
            self.draft.emit(f"{ma} |= {merged}" if r.random() < 0.5
                            else f"{ma}.update({merged})")
        else:
            self.draft.emit(f"{ma}[{key!r}] = {code}")
        return b
