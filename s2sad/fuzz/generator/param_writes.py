"""Writes into ``f``'s own array parameters (feature ``param_array_write``): item, slice,
integer-list and ``op=`` writes, in loops and branches, after the parameter was read (its
adjoint must see the old values), through a name ``pwN = x``, a view ``pwN = x[0:2]`` or a
maybe-view (``np.asarray(x, order='F')``, ``np.asfortranarray(x)``, ``np.reshape(x, ...)``)
(the parameter not read again) or ``pvN`` (the parameter read again: followed or refused
on that name), then reads of the parameter; and number parameters rebound
(``y = y * 2.0``, ``y += ...``).  The caller's arrays must never change (the checker
compares them after every derivative call).

Its draws come from their own stream (``Draft.param_r`` decides where a statement of
this kind goes), so a program without one is the program of the same seed without the
feature."""

import re

from s2sad.fuzz.generator.assignments import _INDEX_LIST_TARGETS
from s2sad.fuzz.generator.state import _Var
from s2sad.fuzz.ops import LIM, M, S, SHAPES, V, W, _p

FEATURE = "param_array_write"
#: an update of an item or by an integer list written ``np.add.at(x, i, v)`` (or
#: ``np.subtract.at``), repeated positions too: the argument is copied at the start, as
#: for ``x[i] += v``
UFUNC_AT = "param_ufunc_at"

#: (subscript, shape of the part) of slice writes into a parameter of each shape (a part
#: of a shape outside SHAPES is written a number, broadcast)
_SLICES = {
    V: (("[0:2]", W), ("[1:3]", W), ("[1:]", W), ("[:2]", W)),
    W: (("[0:2]", W), ("[1:]", (1,)), ("[:]", W)),
    M: (("[0:2]", M), ("[1]", V), ("[:, 1]", W), ("[:, 0:2]", (2, 2)), ("[1, 1:]", W)),
}
#: (view, shape of the view, item subscripts of the view with their shapes) of the
#: views ``pwN = x...`` written through
_VIEWS = {
    V: (("", V), ("[0:2]", W), ("[1:]", W), ("np.asarray({}, order='F')", V)),
    W: (("", W), ("[:]", W)),
    M: (("", M), ("[1]", V), ("[0:2]", M), ("[:, 1:]", M[:1] + (2,)),
        ("np.asfortranarray({})", M), (".astype(np.float64, copy=False)", M),
        ("np.reshape({}, (3, 2))", (3, 2))),
}


def _viewed(name, sub):
    """The view ``sub`` of ``name``: a suffix (``x[1:]``), or a call around it
    (``np.asarray(x, order='F')``: a maybe-view, the argument itself or a copy)."""
    return sub.format(name) if "{}" in sub else f"{name}{sub}"


def _rebinds(lines, name):
    """Whether any of ``lines`` rebinds ``name`` (``name = ...``, ``a, name = ...``;
    ``name[i] = ...`` and ``name op= ...`` do not)."""
    pattern = re.compile(rf"(?<![\w.\[])({name})(?![\w\[])")
    for line in lines:
        text = line.strip()
        if text.startswith(("if ", "elif ", "while ", "return ")):
            continue
        if text.startswith("for "):
            target = text[4:].split(" in ", 1)[0]
            if pattern.search(target):
                return True
            continue
        parts = re.split(r"(?<![=!<>+\-*/])=(?!=)", text)
        if len(parts) > 1 and any(pattern.search(p) for p in parts[:-1]):
            return True
    return False


class ParamWrites:
    """Statements writing into ``f``'s parameters (see the module's docstring)."""

    def __init__(self, draft, exprs, stmts):
        self.draft = draft
        self.exprs = exprs
        self.stmts = stmts
        #: parameters a view was taken of (``pwN = x[1:]``): never ``x op= ...`` after it,
        #: which s2sad refuses by design wherever another name was bound to the array
        self.viewed = set()

    # ------------------------------------------------------------------ choosing

    def writable(self):
        """The array parameters a write may go into: in scope, never rebound (or rebound
        to a fresh array), no other name holding a view of them, not a loop's counter."""
        names = {p.name for p in self.draft.params if p.kind == "float"}
        return [v for v in self.draft.float_vars()
                if v.name in names and v.shape != S and not v.locked and not v.aliased
                and (v.owned or not _rebinds(self.draft.lines, v.name))]

    def numbers(self):
        """The number parameters that may be rebound."""
        names = {p.name for p in self.draft.params if p.kind == "float"}
        return [v for v in self.draft.float_vars(S)
                if v.name in names and not v.locked and not v.buffer]

    def wanted(self, ctx):
        """Whether the next statement writes into a parameter (drawn from ``param_r``)."""
        draft = self.draft
        if not (draft.has(FEATURE) and not ctx.in_helper and not draft.container_mode
                and ctx.loops == 0 and draft.budget_left() >= 2):
            return False
        if not (self.writable() or self.numbers()):
            return False
        return draft.param_r.random() < 0.22

    # ------------------------------------------------------------------ the statement

    def nested(self, ctx):
        """The statement below, counted as a compound one (its loops and branches)."""
        self.draft.depth += 1
        self.stmt_param_array_write(ctx)
        self.draft.depth -= 1

    def stmt_param_array_write(self, ctx):
        """A group of writes into one parameter (see the module's docstring)."""
        r = self.draft.r
        self.draft.use(FEATURE)
        arrays, numbers = self.writable(), self.numbers()
        if numbers and (not arrays or r.random() < 0.25):
            return self.rebind_number(r.choice(numbers), ctx)
        var = r.choice(arrays)
        if r.random() < 0.6:
            self.read_before(var)
        form = r.random()
        if form < 0.3:
            self.writes(var, r.randint(1, 2))
        elif form < 0.5:
            self.loop(var)
        elif form < 0.65:
            self.branch(var)
        elif form < 0.8:
            self.view_read_before(var)
        else:
            if r.random() < 0.5:   # (or the write through the name is the only one)
                self.writes(var, 1)
            return self.through_alias(var)
        var.buffer = var.owned = True     # (views of it are copies from now on)
        if r.random() < 0.6:
            self.stmts.read_after(var)

    def rebind_number(self, var, ctx):
        """``y = y * 2.0``, ``y = np.sin(y) + ...``, ``y += ...``, ``y *= c``."""
        r = self.draft.r
        before = var.bound
        form = r.randrange(4)
        if form == 0:
            c = r.choice([2.0, 0.5, -1.5])
            self.draft.emit(f"{var.name} = {var.name} * {c}")
            var.bound *= abs(c)
        elif form == 1:
            code, bound = self.value(S)
            self.draft.emit(f"{var.name} = {_p(code)} + 0.5 * {var.name}")
            var.bound = bound + 0.5 * var.bound
        elif form == 2:
            code, bound = self.value(S)
            op = r.choice(["+=", "-="])
            self.draft.emit(f"{var.name} {op} {code}")
            var.bound += bound
        else:
            c = r.choice([0.5, -0.75, 2.0])
            self.draft.emit(f"{var.name} *= {c}")
            var.bound *= abs(c)
        var.owned = True
        self.draft.count += 1
        if var.bound > LIM:
            code, bound = self.exprs.squash(var.name, var.bound, LIM)
            self.draft.emit(f"{var.name} = {code}")
            var.bound = bound
        if ctx.nested:   # (the other path keeps the value it had)
            var.bound = max(var.bound, before)

    # ------------------------------------------------------------------ pieces

    def value(self, shape, depth=None):
        """(code, bound) of a new value of ``shape`` within LIM."""
        r = self.draft.r
        code, bound = self.exprs.expr(shape, depth or r.randint(1, 2))
        return self.exprs.squash(code, bound, LIM)

    def read_before(self, var):
        """``vN = x * ...`` before the write: its adjoint needs the old values."""
        r = self.draft.r
        name = self.draft.new_name()
        code, bound = self.value(var.shape if r.random() < 0.7 else S, 1)
        form = r.randrange(3)
        if form == 0:
            text, shape, b = f"{var.name} * {_p(code)}", var.shape, var.bound * bound
        elif form == 1:
            text, shape, b = f"np.sin({var.name}) + {_p(code)}", var.shape, 1.0 + bound
        else:
            text, shape, b = f"np.sum({var.name} * {var.name})", S, 6 * var.bound ** 2
        text, b = self.exprs.squash(text, b, LIM)
        self.draft.emit(f"{name} = {text}")
        new = _Var(name, shape, b)
        new.owned = True
        self.draft.env.append(new)
        self.draft.count += 1

    def target(self, var):
        """(subscript, shape written, kind) of one write into ``var``."""
        r = self.draft.r
        roll = r.random()
        if roll < 0.4:
            k = r.randrange(var.shape[0])
            if var.shape == M and r.random() < 0.5:
                return f"[{k}, {r.randrange(M[1])}]", S, "item"
            return f"[{k}]", var.shape[1:], "item"
        if roll < 0.7:
            sub, shape = r.choice(_SLICES[var.shape])
            return sub, shape, "slice"
        if (roll < 0.85 or var.name in self.viewed) and self.draft.has("inplace_index_list"):
            self.draft.use("inplace_index_list")
            sub, shape = r.choice(_INDEX_LIST_TARGETS[var.shape])
            return sub, shape, "list"
        if var.name in self.viewed:
            return f"[{r.randrange(var.shape[0])}]", var.shape[1:], "item"
        return "", var.shape, "whole"

    def write(self, var, cap=LIM):
        """One write into ``var`` (``=``, ``+=``, ``-=``, ``*=``; the right side maybe
        reading the old values of the part written); updates its bound."""
        r = self.draft.r
        sub, shape, kind = self.target(var)
        target = f"{var.name}{sub}"
        roll = r.random()
        if kind == "whole" or roll < 0.35:
            if roll < 0.15 or kind == "whole" and r.random() < 0.35:
                c = r.choice([0.5, -0.75, 0.9])
                self.draft.emit(f"{target} *= {c}")
                return
            code, bound = self.value(shape if r.random() < 0.8 and shape in SHAPES else S)
            if r.random() < 0.4 and kind != "whole":   # the old values of another part
                other, oshape, _ = self.target(var)
                if oshape == shape:
                    code, bound = f"{_p(code)} * {var.name}{other}", bound * var.bound
                    code, bound = self.exprs.squash(code, bound, LIM)
            op = r.choice(["+=", "-="])
            if kind in ("item", "list") and ":" not in sub and self.draft.has(UFUNC_AT) \
                    and r.random() < 0.5:
                var.bound += bound * self.ufunc_at(var, sub, op, code)
                return
            self.draft.emit(f"{target} {op} {code}")
            var.bound += bound
        else:
            code, bound = self.value(shape if r.random() < 0.85 and shape in SHAPES else S)
            if r.random() < 0.5:   # the old values of what it overwrites
                code, bound = f"0.5 * {target} + {_p(code)}", 0.5 * var.bound + bound
            code, bound = self.exprs.squash(code, bound, min(cap, LIM))
            self.draft.emit(f"{target} = {code}")
            var.bound = max(var.bound, bound)

    def ufunc_at(self, var, sub, op, code):
        """``x[sub] op= code`` written ``np.add.at(x, index, code)`` (``-=``: subtract),
        an item's position maybe named twice (it gets the value twice); returns how many
        times a position may get the value."""
        r = self.draft.r
        self.draft.use(UFUNC_AT)
        inner, times = sub[1:-1], 1
        whole_list = inner.startswith("[") and inner.endswith("]") and inner.count("[") == 1
        if "," not in inner and r.random() < 0.5:
            inner, times = f"[{inner}, {inner}]", 2
        elif "," in inner and not whole_list:
            inner = f"({inner})"
        spelled = "np.add.at" if op == "+=" else "np.subtract.at"
        self.draft.emit(f"{spelled}({var.name}, {inner}, {code})")
        return times

    def writes(self, var, n):
        """``n`` writes in a row."""
        for _ in range(n):
            self.write(var)
            self.draft.count += 1

    def loop(self, var):
        """A loop over the parameter's positions writing each (a recurrence on the one
        before, an update in place, a row or a column of a matrix)."""
        r = self.draft.r
        self.draft.use("for_range")
        i = self.draft.new_name("i")
        n = var.shape[0]
        form = r.randrange(4)
        c = r.choice([0.5, -0.5, 0.75])
        if form == 0:     # a recurrence: each item from the one written before it
            self.draft.emit(f"for {i} in range(1, {n}):")
            self.draft.emit(f"    {var.name}[{i}] = {c} * {var.name}[{i} - 1] + "
                            f"np.tanh({var.name}[{i}])")
            var.bound = max(var.bound, 1.0 / (1 - abs(c)) + 1.0)
        elif form == 1:   # each item updated in place with the loop's value
            code, bound = self.value(var.shape[1:], 1)
            code, bound = self.exprs.squash(code, bound, 1.0)
            header = f"range({n})"
            if self.draft.has("reversed_range") and r.random() < 0.4:
                self.draft.use("reversed_range")
                header = f"reversed({header})"
            self.draft.emit(f"for {i} in {header}:")
            self.draft.emit(f"    {var.name}[{i}] += {c} * {_p(code)} * {var.name}[{i}]")
            var.bound = var.bound * (1.0 + abs(c) * bound)
        elif form == 2 and var.shape == M:   # a column of each row, in a branch
            j = r.randrange(M[1])
            self.draft.use("if")
            self.draft.emit(f"for {i} in range({n}):")
            self.draft.emit(f"    if {var.name}[{i}, {j}] > 0.0:")
            self.draft.emit(f"        {var.name}[{i}, {j}] = np.sin({var.name}[{i}, {j}]) * {c}")
            self.draft.emit("    else:")
            self.draft.emit(f"        {var.name}[{i}] -= {c} * {var.name}[{i}, {j}]")
            var.bound = var.bound * 1.75
        else:             # a number carried along the positions
            s = self.draft.new_name("s")
            self.draft.emit(f"{s} = 0.0")
            self.draft.emit(f"for {i} in range({n}):")
            self.draft.emit(f"    {s} = 0.5 * {s} + np.sum({var.name}[{i}])")
            self.draft.emit(f"    {var.name}[{i}] = np.tanh({s}) + {c} * {var.name}[{i}]")
            var.bound = 1.0 + abs(c) * var.bound
            self.draft.count += 1
        self.draft.count += 2

    def branch(self, var):
        """``if cond: <writes> else: <writes>`` (maybe no else)."""
        r = self.draft.r
        self.draft.use("if")
        self.draft.emit(f"if {self.exprs.condition()}:")
        self.draft.indent += 1
        self.write(var)
        self.draft.indent -= 1
        if r.random() < 0.7:
            self.draft.emit("else:")
            self.draft.indent += 1
            self.write(var)
            if r.random() < 0.3:
                self.write(var)
            self.draft.indent -= 1
        self.draft.count += 3

    def view_read_before(self, var):
        """``pwN = x[0:2]`` read (``vM = np.tanh(pwN) * ...``) before ``x`` is written:
        the view's adjoint sees the values it was used with; ``pwN`` is not read after."""
        r = self.draft.r
        sub, shape = r.choice([v for v in _VIEWS[var.shape] if v[0] and v[1] in SHAPES])
        view, out = self.draft.new_name("pw"), self.draft.new_name()
        self.draft.emit(f"{view} = {_viewed(var.name, sub)}")
        self.viewed.add(var.name)
        code, bound = self.value(shape, 1)
        self.draft.emit(f"{out} = np.tanh({view}) * {_p(code)}")
        new = _Var(out, shape, bound)
        new.owned = True
        self.draft.env.append(new)
        self.writes(var, r.randint(1, 2))
        self.draft.count += 2

    def through_alias(self, var):
        """After a direct write or none (the parameter is copied on entry either way): a
        name for it or for a view of it (``pwN = x``, ``pwN = x[1:]``), written through (item writes: ``op=``
        of a name that may hold another's array is refused by design).  Mostly ``x`` is
        not read again (its alias is): differentiated, never refused; else (``pvN``) ``x``
        is read again, or the output is not a number (a vjp's pullback cannot restore two
        names written into), and the write is followed or refused on that name."""
        r = self.draft.r
        read_again = r.random() < 0.3
        # (a term of the return written before, ``0.25 * np.sum(hfN * x)``, reads it
        # again too: seed 23000350 wrote a refusable write as one never refused)
        read_again = read_again or any(
            re.search(rf"(?<![\w.]){var.name}(?!\w)", term)
            for term in self.draft.return_terms)
        sub, shape = r.choice(_VIEWS[var.shape])
        # (a vjp refuses a write through a name for an array also written directly: its
        # pullback cannot restore both; a scalar output's gradient takes it)
        refusable = read_again or self.draft.output != "scalar"
        alias = self.draft.new_name("pv" if refusable else "pw")
        self.draft.emit(f"{alias} = {_viewed(var.name, sub)}")
        k = r.randrange(shape[0])
        code, bound = self.value(shape[1:])
        op = r.choice(["=", "=", "+="])
        self.draft.emit(f"{alias}[{k}] {op} {code}")
        bound = var.bound + bound if op == "+=" else max(var.bound, bound)
        self.draft.count += 2
        new = _Var(alias, shape if shape in SHAPES else M, bound)
        if shape not in SHAPES:   # (an odd view: read through a sum only)
            total = self.draft.new_name()
            self.draft.emit(f"{total} = np.sum({alias})")
            new = _Var(total, S, bound * 4)
        new.locked = new.aliased = True   # never rebound or written again
        var.locked = var.aliased = True
        var.buffer, var.bound = False, bound
        if not read_again:   # (out of every scope from now on: never read again)
            var.kind = "unread"
        self.draft.env.append(new)
        self.stmts.read_after(var if read_again else new)
