"""Expressions: random expressions of a shape with bound estimates (leaves, numpy
operations, conversions between shapes, helper calls, conditions, the returned value)."""

import math
import random

from s2sad.fuzz.generator.specs import KEYS, _spec_paths, random_spec
from s2sad.fuzz.generator.state import _alias_refs
from s2sad.fuzz.ops import CONST, LIM, M, S, SHAPES, V, W, _fill, _p


class Expressions:
    """Random expressions over the names in scope of a :class:`Draft`."""

    def __init__(self, draft):
        self.draft = draft
        self.tests = random.Random(draft.seed ^ 0x3A7)   # (max_test's own stream)

    def squash(self, code, bound, cap=LIM):
        """``code`` unchanged if its bound is within ``cap``, else squashed into it."""
        if bound <= cap:
            return code, bound
        squashers = [(f, fmt) for f, fmt in (("np.tanh", "np.tanh({0})"),
                                             ("np.sin", "np.sin({0})"),
                                             ("recip", "(1.0 / (1.0 + {0} * {0}))"))
                     if f in self.draft.features] or [("np.tanh", "np.tanh({0})")]
        r = self.draft.r
        feature, fmt = squashers[0] if r.random() < 0.6 else r.choice(squashers)
        self.draft.use(feature)
        squashed = fmt.format(_p(code))
        if cap >= 1.0:
            return squashed, 1.0
        c = math.floor(cap * 100) / 100
        return f"({c} * {squashed})", c

    def matrix_item(self, ints):
        """``m[i, j]``: one number of a matrix, at an int counter's row and another
        counter's column or a constant one (None when there is no such matrix or int)."""
        r = self.draft.r
        mats = self.draft.float_vars(M)
        rows = [i for i in ints if i.bound < M[0]]
        if not (mats and rows and self.draft.has("matrix_item")) or r.random() >= 0.3:
            return None
        self.draft.use("matrix_item")
        m, i = r.choice(mats), r.choice(rows)
        cols = [c for c in ints if c.bound < M[1] and c is not i]
        j = r.choice(cols).name if cols and r.random() < 0.5 else str(r.randrange(M[1]))
        return f"{m.name}[{i.name}, {j}]", m.bound

    def leaf(self, shape):
        """A name, an item of a container, an indexed array, a constant or a conversion of
        another name, of ``shape``: (code, bound)."""
        cands = self.draft.float_vars(shape)
        r = self.draft.r
        if self.draft.boxes and r.random() < (0.3 if cands else 0.7):
            got = self.box_read(shape)
            if got is not None:
                return got
        if shape == S:
            ints = self.draft.int_vars()
            vecs = [(v, i) for v in self.draft.float_vars() if v.shape in (V, W)
                    for i in ints if i.bound < v.shape[0]]
            if vecs and r.random() < 0.3:
                v, i = r.choice(vecs)
                self.draft.use("for_index")
                if self.draft.has("index_shift") and r.random() < 0.3:
                    # i - 1 reads the last item at i = 0; i + 1 past the end at the last
                    # i when it reaches the end (numpy's IndexError, which s2sad must keep)
                    self.draft.use("index_shift")
                    return f"{v.name}[{i.name} {r.choice(('+', '-'))} 1]", v.bound
                return f"{v.name}[{i.name}]", v.bound
            got = self.matrix_item(ints)
            if got is not None:
                return got
            if ints and r.random() < 0.1:
                i = r.choice(ints)
                return f"({i.name} * 0.5)", i.bound * 0.5
            if r.random() < 0.05:
                return repr(self.draft.const()), 2.0
        elif shape == V and r.random() < 0.1:
            mats = [v for v in self.draft.float_vars(M)]
            ints = [i for i in self.draft.int_vars() if i.bound < 2]
            if mats and ints:
                self.draft.use("for_index")
                m = r.choice(mats)
                return f"{m.name}[{r.choice(ints).name}]", m.bound
        if cands and r.random() < 0.9:
            # prefer recently defined names
            v = cands[-1] if r.random() < 0.4 else r.choice(cands)
            return v.name, v.bound
        if shape != S and r.random() < 0.15:
            return CONST[shape], 1.2
        # derive from another variable
        others = [v for v in self.draft.float_vars() if v.shape != shape]
        if not others:
            return (repr(self.draft.const()), 2.0) if shape == S else (CONST[shape], 1.2)
        src = r.choice(others)
        return self.convert(src.name, src.bound, src.shape, shape, depth=0)

    def convert(self, code, bound, src, dst, depth):
        """An expression of shape ``dst`` computed from ``code`` (of shape ``src``)."""
        rows = [op for op in self.draft.ops_convert if op.ins[0] == src and op.out == dst]
        if not rows:
            # go through a scalar (always possible: every shape reduces to one, a
            # scalar broadcasts to every shape)
            if src != S and dst != S:
                mid, b = self.convert(code, bound, src, S, depth)
                return self.convert(mid, b, S, dst, depth)
            if dst == S:
                return f"np.sum({code})", bound * 6 if src == M else bound * 3
            return f"({_p(code)} * {CONST[dst]})", bound * 1.2
        op = self.draft.choice_weighted([(o.weight, o) for o in rows])
        self.draft.use(op.feature)
        code, bound = self.squash(code, bound, op.limit)
        operands, bounds = [code], [bound]
        for extra in op.ins[1:]:
            c, b = self.expr(extra, depth - 1)
            c, b = self.squash(c, b, op.limit)
            operands.append(c)
            bounds.append(b)
        return _fill(op, *operands), op.bound(*bounds)

    def expr(self, shape, depth):
        """A random expression of ``shape``: (code, bound estimate)."""
        r = self.draft.r
        if depth <= 0 or r.random() < 0.2:
            return self.leaf(shape)
        options = [(3.0, "unary"), (4.0, "binary"), (1.5, "convert")]
        if self.draft.has("ifexp"):
            options.append((0.4, "ifexp"))
        if self.draft.helpers:
            options.append((1.0, "call"))
        kind = self.draft.choice_weighted(options)
        if kind == "unary" and self.draft.ops_unary:
            op = self.draft.choice_weighted([(o.weight, o) for o in self.draft.ops_unary])
            self.draft.use(op.feature)
            c, b = self.expr(shape, depth - 1)
            c, b = self.squash(c, b, op.limit)
            if op.feature == "zero_pow" and self.draft.exponent and r.random() < 0.4:
                fmt = r.choice(["({0}) ** {1}", "np.power({0} * 0.0, {1})"])
                return fmt.format(_p(c), self.draft.exponent), 1.0
            return _fill(op, c), op.bound(b)
        # (a row of fixed shapes, Python's max of two numbers, only where they match)
        binary = [(o.weight, o) for o in self.draft.ops_binary
                  if o.ins[0] == "T" or o.ins == (shape, shape) and o.out == shape]
        if kind == "binary" and binary:
            op = self.draft.choice_weighted(binary)
            self.draft.use(op.feature)
            shapes = [shape, shape]
            if r.random() < 0.35 and self.draft.has("broadcast") and op.ins[0] == "T":
                small = S if shape != M or r.random() < 0.5 else V
                if shape != S:
                    shapes[r.randrange(2)] = small
            a, ba = self.expr(shapes[0], depth - 1)
            b, bb = self.expr(shapes[1], depth - 1)
            a, ba = self.squash(a, ba, op.limit)
            b, bb = self.squash(b, bb, op.limit)
            if shapes != [shape, shape]:
                self.draft.use("broadcast")
            return _fill(op, a, b), op.bound(ba, bb)
        if kind == "convert" and self.draft.ops_convert:
            src = r.choice([s for s in SHAPES if s != shape or any(
                o.ins[0] == s and o.out == s for o in self.draft.ops_convert)])
            c, b = self.expr(src, depth - 1)
            return self.convert(c, b, src, shape, depth)
        if kind == "ifexp":
            self.draft.use("ifexp")
            a, ba = self.expr(shape, depth - 1)
            b, bb = self.expr(shape, depth - 1)
            return f"({a} if {self.condition(1)} else {b})", max(ba, bb)
        if kind == "call" and self.draft.helpers:
            return self.call(shape, depth)
        return self.leaf(shape)

    def call(self, shape, depth):
        """A call of a module-level helper (maybe with its keyword), converted to ``shape``."""
        r = self.draft.r
        name, pshapes, out, default = r.choice(self.draft.helpers)
        self.draft.use("helper_call")
        args = []
        for s in pshapes:
            c, b = self.expr(s, depth - 1)
            c, _ = self.squash(c, b, LIM)
            args.append(c)
        if default and r.random() < 0.5:
            self.draft.use("helper_kwargs")
            c, b = self.expr(S, depth - 1)
            c, _ = self.squash(c, b, 1.0)
            args.append(f"c={c}")
        code, bound = f"{name}({', '.join(args)})", self.draft.helper_bounds[name]
        if self.draft.has("derivative_call") and r.random() < 0.35 if not default else \
                self.draft.has("derivative_default") and r.random() < 0.35:
            code, bound, out = self.derivative_call(name, pshapes, out, args, depth, default)
        if out != shape:
            return self.convert(code, bound, out, shape, depth)
        return code, bound

    def derivative_call(self, name, pshapes, out, args, depth, default=False):
        """A derivative of the helper ``name`` made where it is called (``s2sad.grad(h)(a)``,
        ``s2sad.jvp(h, wrt=1)(a, b, t)[1]``...): (code, bound, its shape), squashed."""
        r = self.draft.r
        self.draft.use("derivative_call")
        # (a helper's default c left out or given by name: bound as at top level, the
        # direction after the positional arguments)
        if default:
            self.draft.use("derivative_default")
        if default == "kwonly":   # (def h(a, b, *, c=...): c by name, or left out)
            self.draft.use("derivative_kwonly")
        named = [a for a in args if a.startswith("c=")]
        args = [a for a in args if a not in named]
        wrt = r.randrange(len(pshapes))
        option = "" if wrt == 0 else ", wrt=1"
        forms = ["jvp"] + (["grad", "value_and_grad", "hvp"] if out == S else [])
        form = r.choice(forms)
        if form in ("jvp", "hvp"):
            direction, b = self.expr(pshapes[wrt], depth - 1)
            direction, _ = self.squash(direction, b, LIM)
            call = f"s2sad.{form}({name}{option})({', '.join(args + [direction] + named)})"
            code, shape = (f"{call}[1]", out) if form == "jvp" else (call, pshapes[wrt])
        elif form == "grad":
            code, shape = f"s2sad.grad({name}{option})({', '.join(args + named)})", pshapes[wrt]
        else:
            item = r.randrange(2)
            code = f"s2sad.value_and_grad({name}{option})({', '.join(args + named)})[{item}]"
            shape = S if item == 0 else pshapes[wrt]
        code, bound = self.squash(code, 1e9, LIM)
        return code, bound, shape

    def condition(self, depth=1):
        """A scalar condition (a comparison, maybe combined with and/or/not)."""
        r = self.draft.r
        ints = self.draft.int_vars()
        if ints and r.random() < 0.15:
            i = r.choice(ints)
            return f"{i.name} % 2 == {r.randrange(2)}"
        c, _ = self.expr(S, depth)
        op = r.choice([">", "<", ">=", "<="])
        cond = f"{_p(c)} {op} {round(r.uniform(-0.6, 0.6), 2)}"
        vectors = [v for v in self.draft.float_vars() if len(v.shape) == 1]
        if vectors and self.draft.has("max_test"):
            # the builtin max / min of a vector, only compared (from a stream of its own:
            # the program of the same seed without it draws the same)
            own = self.tests
            if own.random() < 0.15:
                self.draft.use("max_test")
                cond = (f"{own.choice(['max', 'min'])}({own.choice(vectors).name}) {op} "
                        f"{cond.rsplit(' ', 1)[1]}")
        if self.draft.has("chained_compare") and r.random() < 0.2:
            # lo < c <= hi, or lo < c < other expression: the second comparison is
            # computed only where the first holds
            self.draft.use("chained_compare")
            low = round(r.uniform(-0.8, 0.2), 2)
            ops = (r.choice(["<", "<="]), r.choice(["<", "<="]))
            if r.random() < 0.5:
                high = round(low + r.uniform(0.2, 1.2), 2)
            else:
                high, _ = self.expr(S, 0)
                high = _p(high)
            cond = f"{low} {ops[0]} {_p(c)} {ops[1]} {high}"
        if self.draft.has("boolop") and r.random() < 0.2:
            self.draft.use("boolop")
            other = self.condition(0)
            form = r.randrange(3)
            if form == 0:
                return f"{cond} and {other}"
            if form == 1:
                return f"{cond} or {other}"
            return f"not ({cond})"
        return cond

    def bind(self, code):
        """Aliasing bookkeeping for ``name = code``: returns (code, owned).

        numpy basic indexing, ``.T``, reshapes and plain names give views of
        arrays that already exist.  A name bound to such a view is not
        "owned": augmented assignment (which writes in place) is never used
        on it, and the names it aliases are marked so they are never
        written in place either.  A buffer written by ``b[i] = ...`` must
        never be aliased, so a view of one is copied (``* 1.0``).
        """
        refs = _alias_refs(code)
        if refs is None:
            return code, True
        byname = {v.name: v for v in self.draft.env}
        if any(byname[n].buffer for n in refs if n in byname):
            return f"{_p(code)} * 1.0", True
        if refs & (set(CONST.values()) | self.draft.constant_params):
            # a module array (or a parameter defaulting to one) must never be written
            # into: a loop-carried name written by ``op=`` may be bound to it on a later
            # trip, and the program would change its own constants
            return f"{_p(code)} * 1.0", True
        for n in refs:
            if n in byname:
                byname[n].aliased = True
        return code, False

    def box_read(self, shape):
        """A leaf of ``shape`` read out of a container in scope: ``ls3[1]``, ``prm['W']``,
        ``layers[0][1]``, ``dc4.get('a')``; None if no container has one."""
        r = self.draft.r
        cands = [(b, path) for b in self.draft.boxes for path, s in _spec_paths(b.spec)
                 if s == shape]
        if not cands:
            return None
        box, path = r.choice(cands)
        if box.spec[0] == "dict" and self.draft.has("dict_get") and path.count("[") == 1 \
                and r.random() < 0.25:
            self.draft.use("dict_get")
            key = path[1:-1]
            default = "0.0" if shape == S else CONST[shape]
            form = r.randrange(3)
            if form == 0:
                return f"{box.name}.get({key})", box.bound
            if form == 1:
                return f"{box.name}.get({key}, {default})", box.bound
            missing = next(k for k in KEYS + ("zz",) if k not in dict(box.spec[1]))
            return f"{box.name}.get({missing!r}, {default})", 1.2
        if box.spec[0] in ("list", "tuple") and r.random() < 0.25:
            first = path[1:path.index("]")]
            if first == str(len(box.spec[1]) - 1):   # the last item, counted from the end
                path = "[-1]" + path[path.index("]") + 1:]
        return f"{box.name}{path}", box.bound

    def combine(self, shape):
        """A sum or product of a few live values converted to ``shape`` (source text)."""
        r = self.draft.r
        vars_ = [v for v in self.draft.float_vars()]
        if not vars_:
            # only containers in scope (a container program without float parameters)
            reads = [(f"{b.name}{path}", s, b.bound) for b in self.draft.boxes
                     for path, s in _spec_paths(b.spec)]
            if reads:
                code, s, bound = r.choice(reads)
                return code if s == shape else self.convert(code, bound, s, shape, 1)[0]
            return repr(self.draft.const()) if shape == S else CONST[shape]
        k = min(len(vars_), r.randint(1, 3))
        # the most recent values first: they depend on the most
        picked = vars_[-k:] if r.random() < 0.6 else r.sample(vars_, k)
        terms = []
        for v in picked:
            if v.shape == shape:
                terms.append(v.name)
            else:
                c, _ = self.convert(v.name, v.bound, v.shape, shape, 1)
                terms.append(c)
        if len(terms) == 1:
            return terms[0]
        out = terms[0]
        for t in terms[1:]:
            out = f"{_p(out)} {r.choice(['+', '+', '*', '-'])} {_p(t)}"
        return out

    def output_expr(self):
        """The returned expression: a combination of a few live values."""
        shape = {"scalar": S, "array": self.draft.array_out, "tuple": S,
                 "container": S}[self.draft.output]
        if self.draft.output == "container":
            # a list or dict of values (maybe nested): the same structure on every path
            if self.draft.out_spec is None:
                inner = random_spec(self.draft.r, self.draft.r.choice(["list", "dict"]), n=2)
                self.draft.out_spec = (self.draft.r.choice(["list", "dict"]), None, inner)
            kind, _, inner = self.draft.out_spec
            first = self.combine(self.draft.array_out)
            rest = "[" if inner[0] == "list" else "{"
            rest += ", ".join((f"{k!r}: " if inner[0] == "dict" else "")
                              + self.combine(s[1]) for k, s in (
                                  inner[1] if inner[0] == "dict"
                                  else [(None, x) for x in inner[1]]))
            rest += "]" if inner[0] == "list" else "}"
            if kind == "list":
                return f"[{first}, {rest}]"
            return f"{{'out': {first}, 'more': {rest}}}"
        if self.draft.output == "tuple":
            a = self.combine(S)
            b = self.combine(self.draft.array_out)
            return f"{a}, {b}"
        return self.combine(shape)
