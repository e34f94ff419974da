"""The program generator: one program from a seed and a set of features."""

import ast
import itertools
import math
import random
import re

import numpy as np

from s2sad.fuzz.constructs import (AFTER_FEATURES, ALIAS_FEATURES, ALL_FEATURES,
                                   CONTAINER_FEATURES, CONTAINER_SHARE)
from s2sad.fuzz.ops import (BINARY, CONST, CONST_SOURCE, CONVERT, LIM, SHAPES, UNARY, M, S,
                            V, W, _fill, _p)
from s2sad.fuzz.program import Param, Program, _format


# ------------------------------------------------------------------ container specs
#
# The generator knows the structure of every container it writes (a "spec"):
# ("leaf", shape), ("list", items), ("tuple", items), ("dict", ((key, spec), ...)).

#: keys of generated dicts (a new key is one of these not yet in the dict)
KEYS = ("a", "b", "w", "u", "pos", "vel", "W", "bias")


def _leaf_spec(shape):
    return ("leaf", shape)


def _spec_items(spec):
    """(accessor source, item spec) of a container spec: ``[0]``, ``['W']``."""
    if spec[0] == "dict":
        return [(f"[{k!r}]", s) for k, s in spec[1]]
    if spec[0] in ("list", "tuple"):
        return [(f"[{i}]", s) for i, s in enumerate(spec[1])]
    return []


def _spec_paths(spec, prefix=""):
    """(accessor path, shape) of every leaf of ``spec``."""
    if spec[0] == "leaf":
        return [(prefix, spec[1])]
    return [p for acc, s in _spec_items(spec) for p in _spec_paths(s, prefix + acc)]


def _item_spec(spec):
    """The spec all the items of ``spec`` share (None if they differ or there are none)."""
    items = [s for _, s in _spec_items(spec)]
    if items and all(s == items[0] for s in items):
        return items[0]
    return None


def _spec_value(spec, r):
    """A random value of ``spec`` (leaves in -1.5 .. 1.5)."""
    if spec[0] == "leaf":
        shape = spec[1]
        values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(int(np.prod(shape, dtype=int)))]
        return float(values[0]) if shape == S else np.array(values).reshape(shape)
    if spec[0] == "dict":
        return {k: _spec_value(s, r) for k, s in spec[1]}
    items = [_spec_value(s, r) for s in spec[1]]
    return items if spec[0] == "list" else tuple(items)


def _flat_leaves(spec):
    """Whether ``spec`` is a container of leaves only."""
    return spec[0] != "leaf" and all(s[0] == "leaf" for _, s in _spec_items(spec))


def _unpackable(spec):
    """A leaf, or a list or tuple of leaves (a target ``a`` or ``(a, b)`` takes it)."""
    return spec is not None and (spec[0] == "leaf" or spec[0] in ("list", "tuple")
                                 and _flat_leaves(spec))


class _Box:
    """A container in scope: its name and structure (values bounded by ``bound``)."""

    __slots__ = ("name", "spec", "bound", "param", "frozen")

    def __init__(self, name, spec, bound, param=False):
        self.name, self.spec, self.bound, self.param = name, spec, bound, param
        self.frozen = False      # another name holds it: never mutated again




class _Var:
    __slots__ = ("name", "shape", "bound", "kind", "locked", "buffer", "owned", "aliased")

    def __init__(self, name, shape, bound, kind="float"):
        self.name, self.shape, self.bound, self.kind = name, shape, bound, kind
        self.locked = False      # a while-loop's counter: the body must not reassign it
        self.buffer = False      # written in place: never aliased by a plain assignment
        self.owned = False       # bound to a fresh array (not a view of another name)
        self.aliased = False     # another name may be a view of it


_VIEW_CALLS = {"reshape", "ravel", "transpose", "squeeze", "expand_dims", "asarray", "array"}


def _alias_refs(code):
    """Names whose arrays ``code`` may return a view of (None: a fresh value)."""
    node = ast.parse(code, mode="eval").body
    refs = set()

    def visit(n):
        if isinstance(n, ast.Name):
            refs.add(n.id)
        elif isinstance(n, ast.Subscript):
            visit(n.value)
        elif isinstance(n, ast.Attribute):
            visit(n.value)
        elif isinstance(n, ast.IfExp):
            visit(n.body)
            visit(n.orelse)
        elif isinstance(n, ast.Call):
            fn = n.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("get", "pop") and isinstance(fn, ast.Attribute):
                visit(fn.value)     # an item of a container (or get's default)
                for a in n.args[1:]:
                    visit(a)
            elif name in _VIEW_CALLS:
                if isinstance(fn, ast.Attribute) and not (isinstance(fn.value, ast.Name)
                                                          and fn.value.id == "np"):
                    visit(fn.value)
                for a in n.args[:1]:
                    visit(a)
            elif isinstance(fn, ast.Name) and fn.id.startswith("h"):
                for a in n.args:   # a helper may return (a view of) an argument
                    visit(a)

    visit(node)
    return refs or None


class _Context:
    """Where a statement is generated: loop depth, caps on loop-carried values."""

    def __init__(self, loops=0, caps=None, nested=False, in_for=False, in_helper=False):
        self.loops = loops
        self.caps = caps or {}
        self.nested = nested
        self.in_for = in_for
        self.in_helper = in_helper

    def child(self, loop=False, caps=None, in_for=None):
        return _Context(self.loops + (1 if loop else 0), caps if caps is not None else self.caps,
                        True, self.in_for if in_for is None else in_for, self.in_helper)


class Generator:
    """Generate one program from a seed and the set of enabled features."""

    def __init__(self, seed, features, max_statements=12):
        self.seed = seed
        self.r = random.Random(seed)
        self.features = frozenset(features)
        self.max_statements = max(1, max_statements)
        self.used = set()
        self.counter = itertools.count(1)
        self.ops_unary = [op for op in UNARY if op.feature in self.features]
        self.ops_binary = [op for op in BINARY if op.feature in self.features]
        self.ops_convert = [op for op in CONVERT if op.feature in self.features]
        self.helpers = []        # (name, [param shapes], out shape, has default)
        self.env, self.lines, self.indent, self.count, self.params = [], [], 1, 0, []
        self.depth = 0           # nesting of compound statements
        self.counter_start = None  # the int parameter integer counters start from
        self.exponent = None       # the int parameter that is 0 at the sample point
        self.need_same = False     # the helper that returns its argument is used
        self.constant_params = set()  # parameters defaulting to a module array
        self.boxes = []            # containers in scope (see _Box)
        self.box_helpers = []      # module-level helpers taking containers
        self.container_mode = False  # a container program (CONTAINER_SHARE of them)

    # ---------------------------------------------------------------- helpers
    def has(self, *features):
        return all(f in self.features for f in features)

    def use(self, feature):
        self.used.add(feature)

    def choice_weighted(self, items):
        total = sum(w for w, _ in items)
        x = self.r.random() * total
        for w, item in items:
            x -= w
            if x <= 0:
                return item
        return items[-1][1]

    def const(self):
        return self.r.choice([0.25, 0.5, -0.5, 0.75, 1.5, -1.25, 0.3, 2.0])

    def new_name(self, prefix="v"):
        return f"{prefix}{next(self.counter)}"

    def squash(self, code, bound, cap=LIM):
        """``code`` unchanged if its bound is within ``cap``, else squashed into it."""
        if bound <= cap:
            return code, bound
        squashers = [(f, fmt) for f, fmt in (("np.tanh", "np.tanh({0})"),
                                             ("np.sin", "np.sin({0})"),
                                             ("recip", "(1.0 / (1.0 + {0} * {0}))"))
                     if f in self.features] or [("np.tanh", "np.tanh({0})")]
        feature, fmt = squashers[0] if self.r.random() < 0.6 else self.r.choice(squashers)
        self.use(feature)
        squashed = fmt.format(_p(code))
        if cap >= 1.0:
            return squashed, 1.0
        c = math.floor(cap * 100) / 100
        return f"({c} * {squashed})", c

    # ------------------------------------------------------------ expressions
    def float_vars(self, shape=None):
        return [v for v in self.env if v.kind == "float" and (shape is None or v.shape == shape)]

    def int_vars(self):
        return [v for v in self.env if v.kind == "int"]

    def leaf(self, shape):
        cands = self.float_vars(shape)
        r = self.r
        if self.boxes and r.random() < (0.3 if cands else 0.7):
            got = self.box_read(shape)
            if got is not None:
                return got
        if shape == S:
            ints = self.int_vars()
            vecs = [(v, i) for v in self.float_vars() if v.shape in (V, W)
                    for i in ints if i.bound < v.shape[0]]
            if vecs and r.random() < 0.3:
                v, i = r.choice(vecs)
                self.use("for_index")
                return f"{v.name}[{i.name}]", v.bound
            if ints and r.random() < 0.1:
                i = r.choice(ints)
                return f"({i.name} * 0.5)", i.bound * 0.5
            if r.random() < 0.05:
                return repr(self.const()), 2.0
        elif shape == V and r.random() < 0.1:
            mats = [v for v in self.float_vars(M)]
            ints = [i for i in self.int_vars() if i.bound < 2]
            if mats and ints:
                self.use("for_index")
                m = r.choice(mats)
                return f"{m.name}[{r.choice(ints).name}]", m.bound
        if cands and r.random() < 0.9:
            # prefer recently defined names
            v = cands[-1] if r.random() < 0.4 else r.choice(cands)
            return v.name, v.bound
        if shape != S and r.random() < 0.15:
            return CONST[shape], 1.2
        # derive from another variable
        others = [v for v in self.float_vars() if v.shape != shape]
        if not others:
            return (repr(self.const()), 2.0) if shape == S else (CONST[shape], 1.2)
        src = r.choice(others)
        return self.convert(src.name, src.bound, src.shape, shape, depth=0)

    def convert(self, code, bound, src, dst, depth):
        """An expression of shape ``dst`` computed from ``code`` (of shape ``src``)."""
        rows = [op for op in self.ops_convert if op.ins[0] == src and op.out == dst]
        if not rows:
            # go through a scalar (always possible: every shape reduces to one, a
            # scalar broadcasts to every shape)
            if src != S and dst != S:
                mid, b = self.convert(code, bound, src, S, depth)
                return self.convert(mid, b, S, dst, depth)
            if dst == S:
                return f"np.sum({code})", bound * 6 if src == M else bound * 3
            return f"({_p(code)} * {CONST[dst]})", bound * 1.2
        op = self.choice_weighted([(o.weight, o) for o in rows])
        self.use(op.feature)
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
        r = self.r
        if depth <= 0 or r.random() < 0.2:
            return self.leaf(shape)
        options = [(3.0, "unary"), (4.0, "binary"), (1.5, "convert")]
        if self.has("ifexp"):
            options.append((0.4, "ifexp"))
        if self.helpers:
            options.append((1.0, "call"))
        kind = self.choice_weighted(options)
        if kind == "unary" and self.ops_unary:
            op = self.choice_weighted([(o.weight, o) for o in self.ops_unary])
            self.use(op.feature)
            c, b = self.expr(shape, depth - 1)
            c, b = self.squash(c, b, op.limit)
            if op.feature == "zero_pow" and self.exponent and r.random() < 0.4:
                fmt = r.choice(["({0}) ** {1}", "np.power({0} * 0.0, {1})"])
                return fmt.format(_p(c), self.exponent), 1.0
            return _fill(op, c), op.bound(b)
        if kind == "binary" and self.ops_binary:
            op = self.choice_weighted([(o.weight, o) for o in self.ops_binary])
            self.use(op.feature)
            shapes = [shape, shape]
            if r.random() < 0.35 and self.has("broadcast"):   # broadcast one side
                small = S if shape != M or r.random() < 0.5 else V
                if shape != S:
                    shapes[r.randrange(2)] = small
            a, ba = self.expr(shapes[0], depth - 1)
            b, bb = self.expr(shapes[1], depth - 1)
            a, ba = self.squash(a, ba, op.limit)
            b, bb = self.squash(b, bb, op.limit)
            if shapes != [shape, shape]:
                self.use("broadcast")
            return _fill(op, a, b), op.bound(ba, bb)
        if kind == "convert" and self.ops_convert:
            src = r.choice([s for s in SHAPES if s != shape or any(
                o.ins[0] == s and o.out == s for o in self.ops_convert)])
            c, b = self.expr(src, depth - 1)
            return self.convert(c, b, src, shape, depth)
        if kind == "ifexp":
            self.use("ifexp")
            a, ba = self.expr(shape, depth - 1)
            b, bb = self.expr(shape, depth - 1)
            return f"({a} if {self.condition(1)} else {b})", max(ba, bb)
        if kind == "call" and self.helpers:
            return self.call(shape, depth)
        return self.leaf(shape)

    def call(self, shape, depth):
        r = self.r
        name, pshapes, out, default = r.choice(self.helpers)
        self.use("helper_call")
        args = []
        for s in pshapes:
            c, b = self.expr(s, depth - 1)
            c, _ = self.squash(c, b, LIM)
            args.append(c)
        if default and r.random() < 0.5:
            self.use("helper_kwargs")
            c, b = self.expr(S, depth - 1)
            c, _ = self.squash(c, b, 1.0)
            args.append(f"c={c}")
        code, bound = f"{name}({', '.join(args)})", self.helper_bounds[name]
        if out != shape:
            return self.convert(code, bound, out, shape, depth)
        return code, bound

    def condition(self, depth=1):
        """A scalar condition (a comparison, maybe combined with and/or/not)."""
        r = self.r
        ints = self.int_vars()
        if ints and r.random() < 0.15:
            i = r.choice(ints)
            return f"{i.name} % 2 == {r.randrange(2)}"
        c, _ = self.expr(S, depth)
        op = r.choice([">", "<", ">=", "<="])
        cond = f"{_p(c)} {op} {round(r.uniform(-0.6, 0.6), 2)}"
        if self.has("boolop") and r.random() < 0.2:
            self.use("boolop")
            other = self.condition(0)
            form = r.randrange(3)
            if form == 0:
                return f"{cond} and {other}"
            if form == 1:
                return f"{cond} or {other}"
            return f"not ({cond})"
        return cond

    # -------------------------------------------------------------- statements
    def emit(self, line):
        self.lines.append("    " * self.indent + line)

    def budget_left(self):
        return self.max_statements - self.count

    def statement(self, ctx):
        self.count += 1
        options = [(5.0, "new"), (3.0, "reassign")]
        if self.has("aug_assign"):
            options.append((1.0, "aug"))
        if self.has("tuple_assign"):
            options.append((0.6, "tuple"))
        room = self.budget_left() >= 2 and self.depth < 3
        compound = room and (not ctx.in_helper or (self.has("helper_control")
                                                   and ctx.loops == 0))
        if compound and self.has("if") and (ctx.loops == 0 or self.has("if_in_loop")):
            options.append((2.0, "if"))
        if compound and ctx.loops < 2 and (ctx.loops == 0 or self.has("nested_loop")):
            if any(self.has(f) for f in ("for_range", "for_array", "for_enumerate",
                                         "for_zip")):
                options.append((2.0, "for"))
            if self.has("while_counter") or self.has("while_data"):
                options.append((0.8, "while"))
        if ctx.loops and ctx.in_for and not ctx.in_helper:
            if self.has("break"):
                options.append((0.5, "break"))
            if self.has("continue"):
                options.append((0.4, "continue"))
        if not ctx.in_helper and (self.has("return_in_if") and ctx.loops == 0
                                  or self.has("return_in_loop") and ctx.loops > 0):
            options.append((0.4, "return"))
        if room and self.has("inplace") and not ctx.in_helper:
            options.append((0.8, "inplace"))
        if room and self.has("list_append") and ctx.loops == 0 and not ctx.in_helper:
            options.append((0.6, "list"))
        top = not ctx.in_helper
        loop_room = compound and ctx.loops < 2 and (ctx.loops == 0 or self.has("nested_loop"))
        if loop_room and top and any(self.has(f) for f in AFTER_FEATURES):
            options.append((1.6, "loop_after"))
        if room and top and any(self.has(f) for f in ALIAS_FEATURES):
            options.append((1.6, "alias"))
        if loop_room and top and self.has("int_counter") and self.counter_start:
            options.append((1.2, "counter"))
        if top and (self.has("int_array_write") or self.has("bool_array_write")):
            options.append((0.6, "int_array"))
        if top and ctx.loops == 0 and self.depth == 0 and self.float_vars() and (
                self.has("local_function") or self.has("local_function_branch")):
            options.append((0.7, "local_fn"))
        if self.container_mode and top and ctx.loops == 0 and self.depth == 0 \
                and self.budget_left() >= 1:
            # about half the top-level statements of a container program
            options += [(3.0, "box_new"), (3.0, "box_op"), (0.8, "box_len"),
                        (1.5, "box_unpack"), (2.5, "box_mutate"), (2.0, "dict_write"),
                        (5.0, "box_loop"), (2.5, "box_comp"), (1.2, "box_helper")]
            if self.has("container_alias"):
                options.append((1.3, "box_alias"))
            if room and self.has("container_carry") and self.has("for_range"):
                options.append((1.8, "box_carry"))
        damp = 0.35 ** self.depth   # nested compound statements get rarer
        options = [(w * damp if k in ("if", "for", "while", "list", "inplace", "loop_after",
                                      "alias", "counter") else w, k)
                   for w, k in options]
        kind = self.choice_weighted(options)
        if ctx.in_helper and kind in ("if", "for", "while"):
            self.use("helper_control")
        nests = kind in ("if", "for", "while", "list", "loop_after", "alias", "counter") \
            or kind.startswith("box_") or kind == "dict_write"
        self.depth += nests
        getattr(self, "stmt_" + kind)(ctx)
        self.depth -= nests

    def block(self, n, ctx):
        for _ in range(n):
            if self.budget_left() <= 0:
                break
            self.statement(ctx)

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
        byname = {v.name: v for v in self.env}
        if any(byname[n].buffer for n in refs if n in byname):
            return f"{_p(code)} * 1.0", True
        if refs & (set(CONST.values()) | self.constant_params):
            # a module array (or a parameter defaulting to one) must never be written
            # into: a loop-carried name written by ``op=`` may be bound to it on a later
            # trip, and the program would change its own constants
            return f"{_p(code)} * 1.0", True
        for n in refs:
            if n in byname:
                byname[n].aliased = True
        return code, False

    def stmt_new(self, ctx):
        shape = self.r.choice(SHAPES)
        code, bound = self.expr(shape, self.r.randint(1, 3))
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        name = self.new_name()
        self.emit(f"{name} = {code}")
        var = _Var(name, shape, bound)
        var.owned = owned
        self.env.append(var)

    def reassignable(self):
        return [v for v in self.float_vars() if not v.locked and not v.buffer]

    def stmt_reassign(self, ctx):
        cands = self.reassignable()
        if not cands:
            return self.stmt_new(ctx)
        self.use("reassign")
        var = self.r.choice(cands)
        code, bound = self.expr(var.shape, self.r.randint(1, 3))
        if var.name in ctx.caps and self.has("add", "scale") and self.r.random() < 0.5:
            # the typical loop update: contract the old value, add something new
            self.use("add")
            self.use("scale")
            code, bound = f"0.5 * {var.name} + 0.5 * ({code})", 0.5 * var.bound + 0.5 * bound
        cap = ctx.caps.get(var.name, LIM)
        code, bound = self.squash(code, bound, cap)
        code, owned = self.bind(code)
        self.emit(f"{var.name} = {code}")
        var.bound = max(var.bound, bound) if ctx.nested else bound
        var.owned = owned if not ctx.nested else (var.owned and owned)

    def stmt_aug(self, ctx):
        # arrays are updated in place by augmented assignment: only owned, unaliased ones
        cands = [v for v in self.reassignable()
                 if v.owned and not v.aliased]
        if not cands:
            return self.stmt_new(ctx)
        var = self.r.choice(cands)
        self.use("aug_assign")
        cap = ctx.caps.get(var.name)
        if cap is not None or self.r.random() < 0.3:
            c = self.r.choice([0.5, 0.9, -0.75])
            self.emit(f"{var.name} *= {c}")
            var.bound = var.bound * abs(c) if not ctx.nested else var.bound
            return
        shape = var.shape if self.r.random() < 0.7 else S
        code, bound = self.expr(shape, self.r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        op = self.r.choice(["+=", "-="])
        self.emit(f"{var.name} {op} {code}")
        var.bound = var.bound + bound

    def stmt_tuple(self, ctx):
        r = self.r
        self.use("tuple_assign")
        same = {}
        for v in self.reassignable():
            same.setdefault(v.shape, []).append(v)
        pairs = [vs for vs in same.values() if len(vs) >= 2]
        if pairs and r.random() < 0.4:
            a, b = r.sample(r.choice(pairs), 2)
            cap = min(ctx.caps.get(a.name, 1e9), ctx.caps.get(b.name, 1e9))
            if max(a.bound, b.bound) <= cap:
                self.emit(f"{a.name}, {b.name} = {b.name}, {a.name}")
                a.bound = b.bound = max(a.bound, b.bound)
                a.owned, b.owned = a.owned and b.owned, a.owned and b.owned
                return
        items = []
        for _ in range(2):
            shape = r.choice(SHAPES)
            code, bound = self.expr(shape, r.randint(1, 2))
            code, bound = self.squash(code, bound, LIM)
            code, owned = self.bind(code)
            items.append((self.new_name(), shape, code, bound, owned))
        self.emit(f"{items[0][0]}, {items[1][0]} = {items[0][2]}, {items[1][2]}")
        for name, shape, _, bound, owned in items:
            var = _Var(name, shape, bound)
            var.owned = owned
            self.env.append(var)

    def scoped(self, body):
        """Run ``body()``; names it defines go out of scope after it."""
        size = len(self.env)
        body()
        del self.env[size:]

    def stmt_if(self, ctx):
        r = self.r
        self.use("if")
        if ctx.loops:
            self.use("if_in_loop")
        inner = ctx.child()
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.scoped(lambda: self.block(r.randint(1, 2), inner))
        self.indent -= 1
        if r.random() < 0.3 and self.budget_left() > 1:
            self.emit(f"elif {self.condition()}:")
            self.indent += 1
            self.scoped(lambda: self.block(r.randint(1, 2), inner))
            self.indent -= 1
        if r.random() < 0.6 and self.budget_left() > 0:
            self.emit("else:")
            self.indent += 1
            self.scoped(lambda: self.block(r.randint(1, 2), inner))
            self.indent -= 1

    def loop_caps(self, ctx):
        """Loop-carried values may not grow: every existing name gets a cap."""
        caps = dict(ctx.caps)
        for v in self.float_vars():
            if v.name not in caps:
                v.bound = max(v.bound, 1.0)
                caps[v.name] = v.bound
        return caps

    def stmt_for(self, ctx):
        r = self.r
        kinds = [k for k in ("for_range", "for_array", "for_enumerate", "for_zip")
                 if self.has(k)]
        kind = r.choice(kinds)
        arrays = [v for v in self.float_vars() if v.shape != S and not v.buffer]
        if kind in ("for_array", "for_enumerate", "for_zip") and not arrays:
            kind = "for_range" if self.has("for_range") else None
            if kind is None:
                return self.stmt_new(ctx)
        if ctx.loops:
            self.use("nested_loop")
        caps = self.loop_caps(ctx)
        size = len(self.env)
        if kind == "for_range":
            self.use("for_range")
            i = self.new_name("i")
            ints = [p for p in self.params if p.kind == "int" and p.name == "n"]
            form = r.randrange(5)
            if form == 0 and ints:
                p = r.choice(ints)
                header, top = f"range({p.name})", 3
            elif form == 1 and self.has("for_range_args"):
                self.use("for_range_args")
                header, top = "range(1, 4, 2)", 3
            elif form == 2 and arrays and self.has("for_range_args"):
                self.use("for_range_args")
                a = r.choice(arrays)
                header, top = f"range(len({a.name}))", a.shape[0] - 1
            else:
                k = r.randint(1, 4)
                header, top = f"range({k})", k - 1
            if self.has("reversed_range") and r.random() < 0.3:
                self.use("reversed_range")
                header = f"reversed({header})"
            self.emit(f"for {i} in {header}:")
            self.env.append(_Var(i, S, top, "int"))
        elif kind == "for_array":
            self.use("for_array")
            a = r.choice(arrays)
            e = self.new_name("row" if a.shape == M else "e")
            self.emit(f"for {e} in {a.name}:")
            self.env.append(_Var(e, a.shape[1:], a.bound))
        elif kind == "for_enumerate":
            self.use("for_enumerate")
            a = r.choice(arrays)
            k, e = self.new_name("k"), self.new_name("e")
            self.emit(f"for {k}, {e} in enumerate({a.name}):")
            self.env.append(_Var(k, S, a.shape[0] - 1, "int"))
            self.env.append(_Var(e, a.shape[1:], a.bound))
        else:
            self.use("for_zip")
            a = r.choice(arrays)
            partners = [v for v in arrays if v.shape[0] == a.shape[0]]
            b_name, b_shape, b_bound = (CONST[a.shape], a.shape, 1.2)
            if partners and r.random() < 0.6:
                b = r.choice(partners)
                b_name, b_shape, b_bound = b.name, b.shape, b.bound
            p, q = self.new_name("p"), self.new_name("q")
            if r.random() < 0.3:   # enumerate(zip(...)): the index and each sequence's item
                k = self.new_name("k")
                self.emit(f"for {k}, ({p}, {q}) in enumerate(zip({a.name}, {b_name})):")
                self.env.append(_Var(k, S, a.shape[0] - 1, "int"))
            else:
                self.emit(f"for {p}, {q} in zip({a.name}, {b_name}):")
            self.env.append(_Var(p, a.shape[1:], a.bound))
            self.env.append(_Var(q, b_shape[1:], b_bound))
        for v in self.env[size:]:
            v.locked = True
        if kind != "for_range":
            # the loop's items may be views of the arrays iterated over
            for v in self.float_vars():
                if v.name in self.lines[-1].split(" in ", 1)[1]:
                    v.aliased = True
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.lines)
        self.block(r.randint(1, 3), inner)
        if len(self.lines) == before:
            self.emit("pass")
        self.indent -= 1
        del self.env[size:]

    def stmt_while(self, ctx):
        r = self.r
        kinds = [k for k in ("while_counter", "while_data") if self.has(k)]
        kind = r.choice(kinds)
        if ctx.loops:
            self.use("nested_loop")
        self.use(kind)
        size = len(self.env)
        if kind == "while_counter":
            k = self.new_name("k")
            top = r.randint(1, 4)
            self.emit(f"{k} = 0")
            caps = self.loop_caps(ctx)
            self.emit(f"while {k} < {top}:")
            self.indent += 1
            self.emit(f"{k} = {k} + 1")
            counter = _Var(k, S, top, "int")
            counter.locked = True
            self.env.append(counter)
        else:
            t = self.new_name("t")
            c, b = self.expr(S, 1)
            c, b = self.squash(c, b, 1.0)
            self.use("scale")
            self.emit(f"{t} = 0.5 * {_p(c)}")
            limit = round(r.uniform(0.5, 2.0), 2)
            caps = self.loop_caps(ctx)
            self.emit(f"while {t} < {limit}:")
            self.indent += 1
            inc, ib = self.expr(S, 1)
            self.use("np.tanh")
            self.emit(f"{t} = {t} + 0.5 + 0.25 * np.tanh({inc})")
            counter = _Var(t, S, limit + 0.75)
            counter.locked = True
            self.env.append(counter)
            caps[t] = limit + 0.75
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        self.block(r.randint(1, 3), inner)
        self.indent -= 1
        del self.env[size + 1:]
        self.env[size].locked = False
        if kind == "while_counter":
            del self.env[size:]

    def stmt_break(self, ctx):
        self.use("break")
        self.emit(f"if {self.condition()}:")
        self.emit("    break")

    def stmt_continue(self, ctx):
        self.use("continue")
        self.emit(f"if {self.condition()}:")
        self.emit("    continue")

    def stmt_return(self, ctx):
        self.use("return_in_loop" if ctx.loops else "return_in_if")
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.emit(f"return {self.output_expr()}")
        self.indent -= 1

    def stmt_inplace(self, ctx):
        r = self.r
        self.use("inplace")
        bufs = [v for v in self.float_vars() if v.buffer and v.shape != S]
        if bufs and r.random() < 0.5:
            buf = r.choice(bufs)
        else:
            shape = r.choice([V, W, M])
            buf = _Var(self.new_name("buf"), shape, 1.0)
            buf.buffer = buf.owned = True
            dims = shape[0] if len(shape) == 1 else str(shape)
            self.emit(f"{buf.name} = np.zeros({dims})")
            self.env.append(buf)
            self.count += 1
        cap = ctx.caps.get(buf.name, LIM)
        ints = [i for i in self.int_vars() if i.bound < buf.shape[0]]
        r0 = r.random()
        if ints and r0 < 0.4:
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
        code, bound = self.expr(tshape, r.randint(1, 2))
        if r.random() < 0.3 and buf.name not in ctx.caps:
            code, bound = self.squash(code, bound, LIM)
            self.emit(f"{target} += {code}")
            buf.bound = buf.bound + bound
        else:
            code, bound = self.squash(code, bound, min(cap, LIM))
            self.emit(f"{target} = {code}")
            buf.bound = max(buf.bound, bound)
        if ctx.loops:
            self.use("inplace_loop")

    def stmt_list(self, ctx):
        r = self.r
        self.use("list_append")
        self.use("for_range")
        acc = self.new_name("acc")
        item = r.choice([S, V])
        self.emit(f"{acc} = []")
        caps = self.loop_caps(ctx)
        i = self.new_name("i")
        n = r.randint(1, 4)
        self.emit(f"for {i} in range({n}):")
        self.indent += 1
        size = len(self.env)
        iv = _Var(i, S, n - 1, "int")
        iv.locked = True
        self.env.append(iv)
        # no break/continue directly in this loop: the list must not stay empty
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        if self.budget_left() > 2 and r.random() < 0.5:
            self.block(1, inner)
        code, bound = self.expr(item, r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        code, _ = self.bind(code)
        self.emit(f"{acc}.append({code})")
        self.count += 1
        del self.env[size:]
        self.indent -= 1
        name = self.new_name()
        if item == S:
            form = r.choice([f"sum({acc})", f"np.sum(np.array({acc}))", f"{acc}[-1] * 2.0"])
            self.emit(f"{name} = {form}")
            self.env.append(_Var(name, S, n * bound))
        else:
            form = r.choice([f"np.sum(np.stack({acc}), axis=0)", f"np.array({acc})[0]"])
            self.emit(f"{name} = {form}")
            self.env.append(_Var(name, V, n * bound))

    # ------------------------------------------------- Python's own semantics
    def read_after(self, var):
        """``vN = ...`` reading ``var`` right away (a loop target after its loop, ...)."""
        r = self.r
        name = self.new_name()
        if var.kind == "int":
            vecs = [v for v in self.float_vars() if v.shape in (V, W) and var.bound < v.shape[0]]
            if vecs and r.random() < 0.5:
                v = r.choice(vecs)
                code, bound = f"{v.name}[{var.name}]", v.bound
                shape = S
            else:
                shape = r.choice(SHAPES)
                c, b = self.expr(shape, 1)
                c, b = self.squash(c, b, LIM)
                code, bound = f"{_p(c)} * ({var.name} * 0.5 + 0.25)", b * (var.bound * 0.5 + 0.25)
        else:
            shape = var.shape
            c, b = self.expr(shape, 1)
            c, b = self.squash(c, b, LIM)
            code, bound = f"{var.name} * {_p(c)}", var.bound * b
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        self.emit(f"{name} = {code}")
        new = _Var(name, shape, bound)
        new.owned = owned
        self.env.append(new)
        self.count += 1

    def loop_body(self, ctx, caps, targets, brk=False):
        """The indented body of a for loop whose targets are ``targets`` (locked in it)."""
        r = self.r
        size = len(self.env)
        for t in targets:
            t.locked = True
            self.env.append(t)
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.lines)
        n = r.randint(1, 2)
        at = r.randint(0, n) if brk else -1
        for k in range(n + 1):
            if k == at:
                self.emit(f"if {self.condition()}:")
                self.emit("    break")
            if k < n and self.budget_left() > 0:
                self.statement(inner)
        if len(self.lines) == before:
            self.emit("pass")
        self.indent -= 1
        del self.env[size:]

    def stmt_loop_after(self, ctx):
        """A for loop whose target is read after it (Python keeps the last trip's value)."""
        r = self.r
        kind = r.choice([k for k in AFTER_FEATURES if self.has(k)])
        self.use(kind)
        self.use("for_range")
        if ctx.loops:
            self.use("nested_loop")
        caps = self.loop_caps(ctx)
        size = len(self.env)
        arrays = [v for v in self.float_vars() if v.shape != S and not v.buffer
                  and not v.locked]
        if kind == "after_zero_trip":
            if arrays and r.random() < 0.5:
                # a float pre-bound, then a loop over a slice that may be empty
                a = r.choice(arrays)
                t = self.new_name("e")
                code, bound = self.expr(a.shape[1:], 1)
                code, bound = self.squash(code, bound, LIM)
                code, _ = self.bind(code)
                if a.shape[1:]:
                    code = f"{_p(code)} * 1.0"
                self.emit(f"{t} = {code}")
                start = r.choice([a.shape[0], a.shape[0], a.shape[0] - 1])
                self.emit(f"for {t} in {a.name}[{start}:]:")
                for v in self.float_vars():
                    if v.name == a.name:
                        v.aliased = True
                target = _Var(t, a.shape[1:], max(bound, a.bound))
            else:
                t = self.new_name("i")
                first = r.randint(0, 2)
                self.emit(f"{t} = {first}")
                ns = [p for p in self.params if p.kind == "int" and p.name == "n"]
                header = r.choice(["range(0)", "range(2, 2)", "range(2)"]
                                  + ([f"range({ns[0].name} - 1)"] if ns else []))
                self.emit(f"for {t} in {header}:")
                target = _Var(t, S, max(first, 2), "int")
            self.count += 1
            self.loop_body(ctx, caps, [target])
        elif kind == "after_nested_reuse":
            t = self.new_name("i")
            k1, k2 = r.randint(1, 3), r.randint(1, 3)
            target = _Var(t, S, max(k1, k2) - 1, "int")
            self.emit(f"for {t} in range({k1}):")
            target.locked = True
            self.env.append(target)
            self.indent += 1
            inner = ctx.child(loop=True, caps=caps, in_for=True)
            if self.budget_left() > 2 and r.random() < 0.5:
                self.statement(inner)
            self.emit(f"for {t} in range({k2}):")
            self.use("nested_loop")
            self.loop_body(inner, caps, [])
            if self.budget_left() > 0 and r.random() < 0.5:
                self.statement(inner)
            self.indent -= 1
            del self.env[size:]
        else:
            if arrays and r.random() < 0.4:
                a = r.choice(arrays)
                t = self.new_name("row" if a.shape == M else "e")
                self.emit(f"for {t} in {a.name}:")
                for v in self.float_vars():
                    if v.name == a.name:
                        v.aliased = True
                target = _Var(t, a.shape[1:], a.bound)
            else:
                t = self.new_name("i")
                k = r.randint(1, 4)
                header = f"range({k})"
                ns = [p for p in self.params if p.kind == "int" and p.name == "n"]
                if ns and r.random() < 0.3:
                    header, k = f"range({ns[0].name})", 4
                if self.has("reversed_range") and r.random() < 0.3:
                    self.use("reversed_range")
                    header = f"reversed({header})"
                if r.random() < 0.35:
                    # bound before the loop too: the loop must rebind it
                    self.emit(f"{t} = {r.randint(0, 2)}")
                self.emit(f"for {t} in {header}:")
                target = _Var(t, S, max(k - 1, 2), "int")
            self.loop_body(ctx, caps, [target], brk=kind == "after_break")
        # after the loop: the target is bound (every loop here runs a trip, or the name
        # was bound before it), may be read and rebound
        target.locked = False
        self.env.append(target)
        self.read_after(target)

    def stmt_alias(self, ctx):
        """``b`` may alias a fresh array ``a`` (branch, conditional expression, helper,
        container), then ``b`` is written into (``b[k] = ...``, ``b op= ...``) and ``a`` read."""
        r = self.r
        kind = r.choice([k for k in ALIAS_FEATURES if self.has(k)])
        self.use(kind)
        shape = r.choice([V, W, M])
        a, b = self.new_name("ar"), self.new_name("al")
        code, ba = self.expr(shape, r.randint(1, 2))
        code, ba = self.squash(code, ba, LIM)
        self.emit(f"{a} = {_p(code)} * 1.0")
        other, bo = self.expr(shape, r.randint(1, 2))
        other, bo = self.squash(other, bo, LIM)
        other = f"{_p(other)} * {r.choice([1.0, 0.5, -1.5, 2.0])}"
        bo *= 2.0
        first, second = (a, other) if r.random() < 0.6 else (other, a)
        if kind == "alias_branch":
            self.use("if")
            self.emit(f"if {self.condition()}:")
            self.emit(f"    {b} = {first}")
            self.emit("else:")
            self.emit(f"    {b} = {second}")
        elif kind == "alias_ifexp":
            self.use("ifexp")
            self.emit(f"{b} = {first} if {self.condition()} else {second}")
        elif kind == "alias_helper":
            self.need_same = True
            form = r.randrange(3)
            if form == 0:
                self.emit(f"{b} = same({a})")
            elif form == 1:
                self.emit(f"{b} = same({first} if {self.condition()} else {second})")
            else:
                self.use("if")
                self.emit(f"if {self.condition()}:")
                self.emit(f"    {b} = same({first})")
                self.emit("else:")
                self.emit(f"    {b} = {second}")
        elif kind == "alias_loop":
            # a loop-carried name that holds the array from the second trip on
            self.use("for_range")
            self.emit(f"{b} = {other}")
        else:
            box = self.new_name("box")
            form = r.randrange(3)
            if form == 0:
                self.emit(f"{box} = [{first}, {second}]")
                self.emit(f"{b} = {box}[{0 if first == a else 1}]")
            elif form == 1:
                self.emit(f"{box} = {{'p': {first}, 'q': {second}}}")
                self.emit(f"{b} = {box}['p' if {self.condition()} else 'q']")
            else:
                self.emit(f"{box} = {{'p': {a}}}")
                self.emit(f"{b} = {box}['p']")
        self.count += 2
        bound = max(ba, bo)
        trips = 1
        if kind == "alias_loop":
            trips = r.randint(2, 3)
            self.emit(f"for {self.new_name('i')} in range({trips}):")
            self.indent += 1
        for _ in range(r.randint(1, 2)):
            w = r.randrange(4)
            if w == 0:
                k = r.randrange(shape[0])
                c, cb = self.expr(shape[1:], 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b}[{k}] = {c}")
                bound = max(bound, cb)
            elif w == 1:
                c, cb = self.expr(r.choice([shape, S]), 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b} {r.choice(['+=', '-='])} {c}")
                bound += trips * cb
            elif w == 2:
                self.emit(f"{b} *= {r.choice([0.5, -0.75, 0.9])}")
            else:
                k = r.randrange(shape[0])
                c, cb = self.expr(shape[1:], 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b}[{k}] += {c}")
                bound += trips * cb
            self.count += 1
        if kind == "alias_loop":
            self.emit(f"{b} = {a}")
            self.indent -= 1
        # half the time a is read afterwards (what the write through b did to it: s2sad
        # must refuse, or follow the write); else a is never read again, and the write is
        # differentiated as written (a refusal would be a false one)
        read_a = r.random() < 0.5
        for name in ((a, b) if read_a else (b,)):
            v = _Var(name, shape, bound)
            v.locked = v.aliased = True     # never rebound or written again
            self.env.append(v)
        self.read_after(self.env[-2] if read_a else self.env[-1])

    def stmt_local_fn(self, ctx):
        """A local function (a lambda bound to a name, or a nested def) called on a value;
        or one chosen by a branch (``g = lambda ...`` in each), which s2sad must refuse:
        it puts a local function's body in place of its calls."""
        r = self.r
        kinds = [k for k in ("local_function", "local_function_branch") if self.has(k)]
        # the branch-chosen kind is refused by design: rarer, so campaigns check more
        kind = kinds[0] if len(kinds) == 1 or r.random() < 0.75 else kinds[1]
        self.use(kind)
        v = r.choice(self.float_vars())
        g = self.new_name("g")
        first, second = r.sample(["np.tanh(u) * 0.5 + u", "np.sin(u) - 0.5 * u",
                                  "u * 0.75 + np.cos(u) * 0.25"], 2)
        if kind == "local_function" and r.random() < 0.5:
            self.emit(f"{g} = lambda u: {first}")
        elif kind == "local_function":
            self.emit(f"def {g}(u):")
            self.emit(f"    return {first}")
        else:
            self.use("if")
            self.emit(f"if {self.condition()}:")
            self.emit(f"    {g} = lambda u: {first}")
            self.emit("else:")
            self.emit(f"    {g} = lambda u: {second}")
        out = self.new_name()
        self.emit(f"{out} = {g}({v.name})")
        self.count += 2
        self.env.append(_Var(out, v.shape, v.bound + 1.0))

    def stmt_counter(self, ctx):
        """An integer counter from an int parameter: ``c = start``, ``c += 1`` in a loop."""
        r = self.r
        self.use("int_counter")
        self.use("for_range")
        if ctx.loops:
            self.use("nested_loop")
        c = self.new_name("c")
        k = r.randint(1, 2)
        plus = r.choice([0, 0, 1])
        self.emit(f"{c} = {self.counter_start}" + (f" + {plus}" if plus else ""))
        caps = self.loop_caps(ctx)
        t = self.new_name("i")
        self.emit(f"for {t} in range({k}):")
        counter = _Var(c, S, 1 + plus + k - 1, "int")
        counter.locked = True
        self.env.append(counter)
        size = len(self.env)
        self.env.append(_Var(t, S, k - 1, "int"))
        self.env[-1].locked = True
        self.indent += 1
        self.block(r.randint(1, 2), ctx.child(loop=True, caps=caps, in_for=False))
        self.emit(f"{c} += 1")
        self.indent -= 1
        del self.env[size:]
        counter.bound = 1 + plus + k
        counter.locked = False
        self.count += 1
        self.read_after(counter)

    def stmt_int_array(self, ctx):
        """A differentiated value written into an integer or bool array, which is then read."""
        r = self.r
        kinds = [k for k in ("int_array_write", "bool_array_write") if self.has(k)]
        kind = r.choice(kinds)
        self.use(kind)
        shape = r.choice([V, W])
        n = shape[0]
        if kind == "int_array_write":
            name = self.new_name("ia")
            init = r.choice([f"np.zeros({n}, dtype=int)", f"np.arange({n})",
                             f"np.array({[r.randint(-1, 2) for _ in range(n)]!r})"])
        else:
            name = self.new_name("ba")
            init = r.choice([f"np.zeros({n}, dtype=bool)", f"np.ones({n}, dtype=bool)",
                             f"np.array({[r.random() < 0.5 for _ in range(n)]!r})"])
        self.emit(f"{name} = {init}")
        c, cb = self.expr(S, r.randint(1, 2))
        c, cb = self.squash(c, cb, 1.0)
        k = r.randrange(n)
        if r.random() < 0.4:
            # a constant: numpy truncates it (or keeps whether it is nonzero), no refusal
            self.emit(f"{name}[{k}] = {r.choice([0.5, 1.7, -2.5, 3])}")
        elif kind == "int_array_write":
            op = r.choice(["=", "=", "+="])
            self.emit(f"{name}[{k}] {op} 2.5 * {_p(c)}")
        else:
            self.emit(f"{name}[{k}] = {_p(c)}")
        e, eb = self.expr(shape, 1)
        e, eb = self.squash(e, eb, LIM)
        out = self.new_name()
        if kind == "int_array_write":
            self.emit(f"{out} = {_p(e)} * {name}")
            bound = eb * 5.0
        elif r.random() < 0.5:
            self.emit(f"{out} = {_p(e)} * {name}")
            bound = eb
        else:
            e2, eb2 = self.expr(shape, 1)
            e2, eb2 = self.squash(e2, eb2, LIM)
            self.emit(f"{out} = np.where({name}, {e}, {e2})")
            bound = max(eb, eb2)
        self.count += 2
        self.env.append(_Var(out, shape, bound))

    # ------------------------------------------------------------ containers
    def box_read(self, shape):
        """A leaf of ``shape`` read out of a container in scope: ``ls3[1]``, ``prm['W']``,
        ``layers[0][1]``, ``dc4.get('a')``; None if no container has one."""
        r = self.r
        cands = [(b, path) for b in self.boxes for path, s in _spec_paths(b.spec) if s == shape]
        if not cands:
            return None
        box, path = r.choice(cands)
        if box.spec[0] == "dict" and self.has("dict_get") and path.count("[") == 1 \
                and r.random() < 0.25:
            self.use("dict_get")
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

    def box_item(self, shape):
        """A fresh item of ``shape`` to put into a container."""
        code, bound = self.expr(shape, self.r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        code, _ = self.bind(code)    # the container holds the array: never written in place
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

    def random_spec(self, kind, n=None, same=None):
        """A container of ``kind`` holding 2-3 leaves (of one shape, mostly)."""
        r = self.r
        n = n or r.randint(2, 3)
        shape = r.choice(SHAPES)
        same = r.random() < 0.7 if same is None else same
        leaves = tuple(_leaf_spec(shape if same else r.choice(SHAPES)) for _ in range(n))
        if kind == "dict":
            return ("dict", tuple(zip(r.sample(KEYS, n), leaves)))
        return (kind, leaves)

    def add_box(self, spec, bound, prefix=None):
        name = self.new_name(prefix or {"list": "ls", "tuple": "tp", "dict": "dc"}[spec[0]])
        box = _Box(name, spec, bound)
        self.boxes.append(box)
        return box

    def add_leaf_vars(self, names_specs, bound):
        """Names bound to items of a container (views of its arrays: never written)."""
        for name, spec in names_specs:
            v = _Var(name, spec[1], bound)
            v.aliased = True
            self.env.append(v)

    def target(self, spec, bound):
        """A loop or unpacking target for an item of ``spec``: (source, [(name, leaf spec)])."""
        if spec[0] == "leaf":
            name = self.new_name("e")
            return name, [(name, spec)]
        names = [(self.new_name("t"), s) for _, s in _spec_items(spec)]
        return "(" + ", ".join(n for n, _ in names) + ")", names

    def fresh_list(self):
        """A new list of 2-3 leaves of one shape (for a construct that needs one)."""
        if not self.has("list_literal"):
            return None
        self.use("list_literal")
        spec = self.random_spec("list", same=True)
        code, bound = self.literal(spec)
        box = self.add_box(spec, bound)
        self.emit(f"{box.name} = {code}")
        self.count += 1
        return box

    def seq_boxes(self, homogeneous=False, flat=False):
        return [b for b in self.boxes if b.spec[0] in ("list", "tuple") and b.spec[1]
                and (not homogeneous or _item_spec(b.spec) is not None)
                and (not flat or _unpackable(_item_spec(b.spec)))]

    def box_summary(self, box):
        """``vN = ...`` reading a container right away (so that it matters)."""
        r = self.r
        name = self.new_name()
        item = _item_spec(box.spec)
        n = len(box.spec[1])
        if item is not None and item[0] == "leaf" and r.random() < 0.35 and (
                box.spec[0] != "dict" or self.has("iter_dict")):
            if box.spec[0] == "dict":
                self.use("iter_dict")
            src = f"{box.name}.values()" if box.spec[0] == "dict" else box.name
            code, shape, bound = f"sum({src})", item[1], n * box.bound
            if self.has("list_len") and r.random() < 0.4:
                self.use("list_len")
                code, bound = f"{code} / len({box.name})", box.bound
        else:
            path, shape = r.choice(_spec_paths(box.spec))
            c, b = self.expr(shape, 1)
            c, b = self.squash(c, b, LIM)
            code, bound = f"{box.name}{path} * {_p(c)}", box.bound * b
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        self.emit(f"{name} = {code}")
        v = _Var(name, shape, bound)
        v.owned = owned
        self.env.append(v)

    def stmt_box_new(self, ctx):
        """A list, tuple or dict literal holding differentiated values (maybe nested)."""
        r = self.r
        kinds = [k for k in ("list_literal", "tuple_literal", "dict_literal", "nested_literal")
                 if self.has(k)]
        if not kinds:
            return self.stmt_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
        if kind == "nested_literal":
            inner = self.random_spec(r.choice(["tuple", "tuple", "list", "dict"]), n=2)
            n = r.randint(2, 3)
            outer = r.choice(["list", "list", "tuple", "dict"])
            spec = (("dict", tuple((k, inner) for k in r.sample(KEYS, n))) if outer == "dict"
                    else (outer, (inner,) * n))
        else:
            spec = self.random_spec(kind.split("_")[0])
        code, bound = self.literal(spec)
        box = self.add_box(spec, bound)
        self.emit(f"{box.name} = {code}")
        if r.random() < 0.5:
            self.box_summary(box)

    def stmt_box_op(self, ctx):
        """A new list or tuple by concatenation, repetition or slicing."""
        r = self.r
        kinds = [k for k in ("list_concat", "list_repeat", "list_slice") if self.has(k)]
        seqs = self.seq_boxes()
        if not kinds or not seqs:
            return self.stmt_box_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
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
                lcode, lb = self.literal(lit)
                bound = max(bound, lb)
                if r.random() < 0.6:
                    code, new = f"{a.name} + {lcode}", items + list(lit[1])
                else:
                    code, new = f"{lcode} + {a.name}", list(lit[1]) + items
        elif kind == "list_repeat":
            k = 2 if len(items) > 2 else r.randint(2, 3)
            if r.random() < 0.3:
                item = _item_spec(a.spec) or _leaf_spec(r.choice(SHAPES))
                icode, ib = self.literal(item)
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
        box = self.add_box((a.spec[0], tuple(new)), bound)
        self.emit(f"{box.name} = {code}")
        if r.random() < 0.6:
            self.box_summary(box)

    def stmt_box_len(self, ctx):
        """``len`` of a container scales a value."""
        r = self.r
        if not self.boxes or not self.has("list_len"):
            return self.stmt_box_new(ctx)
        self.use("list_len")
        box = r.choice(self.boxes)
        shape = r.choice(SHAPES)
        c, b = self.expr(shape, r.randint(1, 2))
        c, b = self.squash(c, b, LIM)
        name = self.new_name()
        n = len(box.spec[1])
        if r.random() < 0.5:
            self.emit(f"{name} = {_p(c)} * len({box.name})")
            bound = b * n
        else:
            self.emit(f"{name} = {_p(c)} / len({box.name})")
            bound = b
        self.env.append(_Var(name, shape, bound))

    def stmt_box_unpack(self, ctx):
        """``a, b = tp3``, ``w, b = layers[0]``, ``first, *rest = ls3``."""
        r = self.r
        cands = []
        for b in self.seq_boxes():
            if 2 <= len(b.spec[1]) <= 3 and all(_unpackable(s) for s in b.spec[1]):
                cands.append((b.name, b.spec, b))
            for acc, s in _spec_items(b.spec):
                if s[0] in ("list", "tuple") and _flat_leaves(s) and 2 <= len(s[1]) <= 3:
                    cands.append((b.name + acc, s, b))
        if not cands or not self.has("unpack"):
            return self.stmt_box_new(ctx)
        self.use("unpack")
        source, spec, box = r.choice(cands)
        if spec[1][0][0] == "leaf" and self.has("list_literal") and r.random() < 0.25:
            first = self.new_name("e")
            rest = self.new_name("ls")
            self.emit(f"{first}, *{rest} = {source}")
            self.add_leaf_vars([(first, spec[1][0])], box.bound)
            self.boxes.append(_Box(rest, ("list", tuple(spec[1][1:])), box.bound))
            return
        parts, leaves = [], []
        for s in spec[1]:
            text, names = self.target(s, box.bound)
            parts.append(text)
            leaves += names
        self.emit(f"{', '.join(parts)} = {source}")
        self.add_leaf_vars(leaves, box.bound)

    def mutable(self, kind):
        return [b for b in self.boxes if b.spec[0] == kind and not b.frozen
                and (not b.param or self.has("param_write"))]

    def stmt_box_mutate(self, ctx):
        """append / extend / pop / insert / item assignment on a list (maybe a parameter)."""
        r = self.r
        lists = self.mutable("list")
        if not lists and self.has("list_mutate") and self.fresh_list() is not None:
            lists = self.mutable("list")
        if not lists or not self.has("list_mutate"):
            return self.stmt_dict_write(ctx) if self.mutable("dict") else self.stmt_box_new(ctx)
        self.use("list_mutate")
        box = r.choice(lists)
        if box.param:
            self.use("param_write")
        items = list(box.spec[1])
        item = _item_spec(box.spec) if r.random() < 0.85 else None
        item = item or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["append", "extend", "pop", "insert", "setitem", "setitem", "loop"])
        if form == "pop" and len(items) < 2:
            form = "append"
        if form == "loop" and not self.has("for_range"):
            form = "append"
        if form == "append":
            code, b = self.literal(item)
            self.emit(f"{box.name}.append({code})")
            items.append(item)
        elif form == "extend":
            others = [o for o in self.seq_boxes() if len(o.spec[1]) + len(items) <= 6]
            if others and r.random() < 0.4:
                o = r.choice(others)
                self.emit(f"{box.name}.extend({o.name})")
                items += list(o.spec[1])
                b = o.bound
            else:
                lit = ("list", (item,) * r.randint(1, 2))
                code, b = self.literal(lit)
                self.emit(f"{box.name}.extend({code})")
                items += list(lit[1])
        elif form == "pop":
            k = r.choice([None, 0, len(items) - 1, 1])
            popped = items.pop(-1 if k is None else k)
            call = f"{box.name}.pop({'' if k is None else k})"
            if popped[0] == "leaf":
                name = self.new_name()
                self.emit(f"{name} = {call}")
                self.add_leaf_vars([(name, popped)], box.bound)
            else:
                self.emit(call)
            b = box.bound
        elif form == "insert":
            k = r.randint(0, len(items))
            code, b = self.literal(item)
            self.emit(f"{box.name}.insert({k}, {code})")
            items.insert(k, item)
        elif form == "setitem":
            k = r.randrange(len(items))
            if items[k][0] == "leaf" and r.random() < 0.5:
                c, b = self.expr(items[k][1], 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"{box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
                b = max(b, box.bound)
            else:
                code, b = self.literal(item)
                self.emit(f"{box.name}[{k}] = {code}")
                items[k] = item
        else:
            # append in a loop (the tape pattern), or an update of every item by index
            i = self.new_name("i")
            if _item_spec(box.spec) is not None and _item_spec(box.spec)[0] == "leaf" \
                    and self.has("loop_index") and r.random() < 0.5:
                self.use("loop_index")
                self.use("for_range")
                if self.has("list_len"):
                    self.use("list_len")
                    header = f"range(len({box.name}))"
                else:
                    header = f"range({len(items)})"
                shape = items[0][1]
                self.emit(f"for {i} in {header}:")
                self.env.append(_Var(i, S, len(items) - 1, "int"))
                self.env[-1].locked = True
                c, b = self.expr(shape, 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"    {box.name}[{i}] = 0.5 * {box.name}[{i}] + 0.5 * {_p(c)}")
                self.env.pop()
                b = max(b, box.bound)
            else:
                self.use("for_range")
                k = r.randint(1, 3)
                self.emit(f"for {i} in range({k}):")
                self.env.append(_Var(i, S, k - 1, "int"))
                self.env[-1].locked = True
                self.indent += 1
                code, b = self.literal(item)
                self.emit(f"{box.name}.append({code})")
                self.indent -= 1
                self.env.pop()
                items += [item] * k
        box.spec = ("list", tuple(items))
        box.bound = max(box.bound, b)
        if r.random() < 0.5 and items:
            self.box_summary(box)

    def stmt_dict_write(self, ctx):
        """``d[k] = ...`` on a dict (a key it has, or a new one; maybe a parameter)."""
        r = self.r
        dicts = self.mutable("dict")
        if not dicts or not self.has("dict_write"):
            return self.stmt_box_new(ctx)
        self.use("dict_write")
        box = r.choice(dicts)
        if box.param:
            self.use("param_write")
        entries = list(box.spec[1])
        keys = [k for k, _ in entries]
        item = _item_spec(box.spec) or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["new", "overwrite", "update", "update", "loop"])
        if form == "loop" and not (self.has("iter_dict") and _item_spec(box.spec) is not None
                                   and _item_spec(box.spec)[0] == "leaf"):
            form = "update"
        fresh = [k for k in KEYS if k not in keys]
        if form == "new" and fresh:
            key = r.choice(fresh)
            code, b = self.literal(item)
            self.emit(f"{box.name}[{key!r}] = {code}")
            entries.append((key, item))
        elif form == "loop":
            self.use("iter_dict")
            k = self.new_name("k")
            self.emit(f"for {k} in {box.name}:")
            c, b = self.expr(item[1], 1)
            c, b = self.squash(c, b, LIM)
            self.emit(f"    {box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
            b = max(b, box.bound)
        else:
            j = r.randrange(len(entries))
            key, spec = entries[j]
            if form == "update" and spec[0] == "leaf":
                c, b = self.expr(spec[1], 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"{box.name}[{key!r}] = {box.name}[{key!r}] * 0.5 + {_p(c)} * 0.5")
                b = max(b, box.bound)
            else:
                new = item if r.random() < 0.7 else _leaf_spec(r.choice(SHAPES))
                code, b = self.literal(new)
                self.emit(f"{box.name}[{key!r}] = {code}")
                entries[j] = (key, new)
        box.spec = ("dict", tuple(entries))
        box.bound = max(box.bound, b)
        if r.random() < 0.5:
            self.box_summary(box)

    def stmt_box_loop(self, ctx):
        """A for loop over a container: its items, ``zip``, ``enumerate``, ``reversed``,
        a dict's keys, items or values, or indices ``range(len(xs))``; it accumulates."""
        r = self.r
        seqs = self.seq_boxes(flat=True)
        dicts = [b for b in self.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not seqs and (not dicts or self.r.random() < 0.5) and self.fresh_list() is not None:
            seqs = self.seq_boxes(flat=True)
        kinds = [k for k in ("iter_list", "iter_zip", "iter_enumerate", "iter_reversed",
                             "loop_index") if self.has(k) and seqs]
        if self.has("iter_dict") and dicts:
            kinds.append("iter_dict")
        if not kinds:
            return self.stmt_box_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
        if ctx.loops:
            self.use("nested_loop")
        acc = self.new_name("s")
        self.emit(f"{acc} = 0.0")
        caps = self.loop_caps(ctx)
        caps[acc] = LIM
        acc_var = _Var(acc, S, LIM)
        acc_var.owned = True
        self.env.append(acc_var)
        size = len(self.env)
        leaves, ints = [], []
        if kind == "iter_dict":
            box = r.choice(dicts)
            item = _item_spec(box.spec)
            form = r.randrange(4)
            if form in (0, 1):
                k = self.new_name("k")
                self.emit(f"for {k} in {box.name}{'.keys()' if form else ''}:")
                leaves.append((f"{box.name}[{k}]", item))
            elif form == 2:
                k, v = self.new_name("k"), self.new_name("v")
                self.emit(f"for {k}, {v} in {box.name}.items():")
                leaves.append((v, item))
            else:
                v = self.new_name("v")
                self.emit(f"for {v} in {box.name}.values():")
                leaves.append((v, item))
            bound = box.bound
        elif kind == "loop_index":
            box = r.choice(seqs)
            item = _item_spec(box.spec)
            i = self.new_name("i")
            if self.has("list_len") and r.random() < 0.7:
                self.use("list_len")
                header = f"range(len({box.name}))"
            else:
                header = f"range({len(box.spec[1])})"
            self.use("for_range")
            self.emit(f"for {i} in {header}:")
            ints.append(_Var(i, S, len(box.spec[1]) - 1, "int"))
            if item[0] == "leaf":
                leaves.append((f"{box.name}[{i}]", item))
            else:
                leaves += [(f"{box.name}[{i}]{acc_}", s) for acc_, s in _spec_items(item)]
            bound = box.bound
        elif kind == "iter_zip":
            a = r.choice(seqs)
            others = [b for b in seqs if b is not a]
            if others and r.random() < 0.6:
                b = r.choice(others)
                second = b.name
            else:
                b, second = a, f"{a.name}[1:]"
            ta, la = self.target(_item_spec(a.spec), a.bound)
            tb, lb = self.target(_item_spec(b.spec), b.bound)
            leaves += la + lb
            if self.has("iter_enumerate") and r.random() < 0.3:
                self.use("iter_enumerate")
                k = self.new_name("k")
                self.emit(f"for {k}, ({ta}, {tb}) in enumerate(zip({a.name}, {second})):")
                ints.append(_Var(k, S, len(a.spec[1]) - 1, "int"))
            else:
                self.emit(f"for {ta}, {tb} in zip({a.name}, {second}):")
            bound = max(a.bound, b.bound)
        else:
            box = r.choice(seqs)
            t, names = self.target(_item_spec(box.spec), box.bound)
            leaves += names
            if kind == "iter_enumerate":
                k = self.new_name("k")
                self.emit(f"for {k}, {t} in enumerate({box.name}):")
                ints.append(_Var(k, S, len(box.spec[1]) - 1, "int"))
            elif kind == "iter_reversed":
                self.emit(f"for {t} in reversed({box.name}):")
            else:
                self.emit(f"for {t} in {box.name}:")
            bound = box.bound
        for v in ints:
            v.locked = True
            self.env.append(v)
        targets = []
        for name, spec in leaves:
            v = _Var(name, spec[1], bound)
            v.locked = v.aliased = True
            self.env.append(v)
            targets.append(v)
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.budget_left() > 1 and r.random() < 0.5:
            self.block(1, inner)
        t = r.choice(targets)
        term, tb = self.convert(t.name, t.bound, t.shape, S, 1) if t.shape != S \
            else (t.name, t.bound)
        c, b = self.expr(S, 1)
        term, tb = self.squash(f"{_p(term)} * {_p(c)}", tb * b, LIM)
        self.emit(f"{acc} = 0.5 * {acc} + 0.5 * {_p(term)}")
        self.indent -= 1
        del self.env[size:]

    def stmt_box_comp(self, ctx):
        """A list, tuple or dict comprehension over a container (or ``sum`` of one)."""
        r = self.r
        seqs = self.seq_boxes(homogeneous=True)
        seqs = [b for b in seqs if _item_spec(b.spec)[0] == "leaf"]
        dicts = [b for b in self.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not self.has("comprehension") or not (seqs or dicts):
            return self.stmt_box_new(ctx)
        self.use("comprehension")
        out = r.choice(SHAPES)
        size = len(self.env)

        def element(names):
            t = r.choice(names)
            term, tb = (self.convert(t.name, t.bound, t.shape, out, 1) if t.shape != out
                        else (t.name, t.bound))
            c, b = self.expr(out, 1)
            op = r.choice(["*", "+"])
            code, bound = self.squash(f"{_p(term)} {op} {_p(c)}",
                                      tb * b if op == "*" else tb + b, LIM)
            return code, bound

        def bind(name, spec, bound):
            v = _Var(name, spec[1], bound)
            v.locked = v.aliased = True
            self.env.append(v)
            return v

        use_dict = dicts and (not seqs or r.random() < 0.35)
        if use_dict:
            box = r.choice(dicts)
            k, v = self.new_name("k"), self.new_name("v")
            code, bound = element([bind(v, _item_spec(box.spec), box.bound)])
            del self.env[size:]
            if self.has("iter_dict"):
                self.use("iter_dict")
            new = self.add_box(("dict", tuple((key, _leaf_spec(out)) for key, _ in box.spec[1])),
                               bound)
            self.emit(f"{new.name} = {{{k}: {code} for {k}, {v} in {box.name}.items()}}")
            if r.random() < 0.5:
                self.box_summary(new)
            return
        box = r.choice(seqs)
        n = len(box.spec[1])
        form = r.randrange(4)
        e = self.new_name("e")
        names = [bind(e, _item_spec(box.spec), box.bound)]
        if form == 1 and self.has("iter_zip"):
            others = [b for b in seqs if b is not box]
            other = r.choice(others) if others else box
            f2 = self.new_name("e")
            names.append(bind(f2, _item_spec(other.spec), other.bound))
            self.use("iter_zip")
            clause = f"for {e}, {f2} in zip({box.name}, {other.name})"
            n = min(n, len(other.spec[1]))
        elif form == 2 and self.has("iter_enumerate"):
            self.use("iter_enumerate")
            k = self.new_name("k")
            iv = _Var(k, S, n - 1, "int")
            iv.locked = True
            self.env.append(iv)
            clause = f"for {k}, {e} in enumerate({box.name})"
        else:
            clause = f"for {e} in {box.name}"
        code, bound = element(names)
        del self.env[size:]
        how = r.random()
        if how < 0.25:
            name = self.new_name()
            cond = ""
            if r.random() < 0.5:
                cond = f" if np.sum({e}) > {round(r.uniform(-0.5, 0.5), 2)}"
            self.emit(f"{name} = sum([{code} {clause}{cond}])")
            v = _Var(name, out, n * bound)
            self.env.append(v)
        elif how < 0.4 and self.has("tuple_literal"):
            new = self.add_box(("tuple", (_leaf_spec(out),) * n), bound)
            self.emit(f"{new.name} = tuple(({code} {clause}))")
        else:
            new = self.add_box(("list", (_leaf_spec(out),) * n), bound)
            self.emit(f"{new.name} = [{code} {clause}]")
        if how >= 0.25 and r.random() < 0.6:
            self.box_summary(new)

    def stmt_box_alias(self, ctx):
        """A container mutated through a second name (``ca = co; ca.append(...)``, or one
        held by another container), then read through the first: s2sad must follow the
        mutation exactly or refuse it with a location."""
        r = self.r
        self.use("container_alias")
        kind = r.choice(["list", "list", "dict"])
        spec = self.random_spec(kind)
        code, bound = self.literal(spec)
        co, ca = self.new_name("co"), self.new_name("ca")
        self.emit(f"{co} = {code}")
        form = r.randrange(3)
        if form == 0:
            self.emit(f"{ca} = {co}")
        elif form == 1:
            hold = self.new_name("hold")
            if r.random() < 0.5:
                self.emit(f"{hold} = [{co}]")
                self.emit(f"{ca} = {hold}[0]")
            else:
                self.emit(f"{hold} = {{'c': {co}}}")
                self.emit(f"{ca} = {hold}['c']")
        else:
            other, ob = self.literal(spec)
            self.emit(f"{ca} = {co} if {self.condition()} else {other}")
            bound = max(bound, ob)
        self.count += 2
        items = list(spec[1])
        for _ in range(r.randint(1, 2)):
            if kind == "list":
                w = r.randrange(4) if form != 2 else 0
                item = _item_spec(("list", tuple(items))) or items[0]
                if r.random() < 0.3:
                    item = _leaf_spec(r.choice(SHAPES))
                if w == 0:
                    k = r.randrange(len(items))
                    c, b = self.literal(items[k])
                    self.emit(f"{ca}[{k}] = {c}")
                elif w == 1:
                    c, b = self.literal(item)
                    self.emit(f"{ca}.append({c})")
                    items.append(item)
                elif w == 2:
                    c, b = self.literal(("list", (item,)))
                    self.emit(f"{ca}.extend({c})")
                    items.append(item)
                else:
                    if len(items) < 2:
                        continue
                    self.emit(f"{ca}.pop()")
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
                c, b = self.literal(leaf)
                self.emit(f"{ca}[{key!r}] = {c}")
            bound = max(bound, b)
            self.count += 1
        box = _Box(co, (kind, tuple(items)), bound)
        box.frozen = True
        self.boxes.append(box)
        self.box_summary(box)

    def stmt_box_carry(self, ctx):
        """A container carried through a loop: ``state = {'pos': x, 'vel': v}`` updated each
        trip (item by item, or rebound whole)."""
        r = self.r
        if not (self.has("container_carry") and self.has("for_range")):
            return self.stmt_box_new(ctx)
        self.use("container_carry")
        self.use("for_range")
        kind = r.choice(["dict", "dict", "tuple", "list"])
        spec = self.random_spec(kind, n=2)
        code, bound = self.literal(spec)
        st = self.new_name("st")
        self.emit(f"{st} = {code}")
        box = _Box(st, spec, max(bound, 1.0))
        caps = self.loop_caps(ctx)
        i = self.new_name("i")
        self.emit(f"for {i} in range({r.randint(2, 4)}):")
        self.indent += 1
        iv = _Var(i, S, 3, "int")
        iv.locked = True
        size = len(self.env)
        self.env.append(iv)
        self.boxes.append(box)
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.budget_left() > 1 and r.random() < 0.4:
            self.block(1, inner)
        parts = []
        for acc, s in _spec_items(spec):
            c, b = self.expr(s[1], 1)
            c, b = self.squash(c, b, LIM)
            parts.append((acc, f"0.5 * {st}{acc} + 0.5 * {_p(c)}"))
            box.bound = max(box.bound, b)
        homog = _item_spec(spec) is not None
        form = r.randrange(3) if kind != "tuple" else 0
        if form == 2 and homog and kind == "dict" and self.has("iter_dict"):
            self.use("iter_dict")
            k = self.new_name("k")
            c, b = self.expr(_item_spec(spec)[1], 1)
            c, b = self.squash(c, b, LIM)
            box.bound = max(box.bound, b)
            self.emit(f"for {k} in {st}:")
            self.emit(f"    {st}[{k}] = 0.5 * {st}[{k}] + 0.5 * {_p(c)}")
        elif form >= 1:
            for acc, update in parts:           # in place, item by item
                self.emit(f"{st}{acc} = {update}")
        else:                                   # rebound whole
            if kind == "dict":
                self.emit(f"{st} = {{" + ", ".join(f"{acc[1:-1]}: {u}" for acc, u in parts)
                          + "}")
            elif kind == "tuple":
                self.emit(f"{st} = (" + ", ".join(u for _, u in parts) + ")")
            else:
                self.emit(f"{st} = [" + ", ".join(u for _, u in parts) + "]")
        self.indent -= 1
        del self.env[size:]      # names bound in the loop's body are not read after it
        self.count += 2
        self.box_summary(box)

    def stmt_box_helper(self, ctx):
        """A module-level helper taking a container and returning one (or a float)."""
        r = self.r
        if not self.boxes or not self.has("container_helper"):
            return self.stmt_box_new(ctx)
        self.use("container_helper")
        src = r.choice(self.boxes)
        name = f"hc{len(self.box_helpers) + 1}"
        saved = (self.env, self.lines, self.indent, self.boxes)
        self.env, self.lines, self.indent = [], [], 1
        self.boxes = [_Box("c", src.spec, src.bound)]
        for _ in range(r.randint(1, 2)):
            shape = r.choice(SHAPES)
            code, bound = self.expr(shape, r.randint(1, 2))
            code, bound = self.squash(code, bound, LIM)
            t = self.new_name("t")
            self.emit(f"{t} = {code}")
            self.env.append(_Var(t, shape, bound))
        kind = r.choice(["list", "tuple", "dict", "float"])
        if kind == "float":
            code = self.combine(S)
            code, _ = self.squash(code, 1e9, LIM)
            self.emit(f"return {code}")
            spec = None
        else:
            spec = self.random_spec(kind, n=2)
            code, _ = self.literal(spec)
            self.emit(f"return {code}")
        text = f"def {name}(c):\n" + "\n".join(self.lines) + "\n"
        self.env, self.lines, self.indent, self.boxes = saved
        self.box_helpers.append(text)
        call = f"{name}({src.name})"
        if spec is None:
            out = self.new_name()
            self.emit(f"{out} = {call}")
            self.env.append(_Var(out, S, 1.0))
            return
        box = self.add_box(spec, 1.0)
        self.emit(f"{box.name} = {call}")
        if r.random() < 0.6:
            self.box_summary(box)

    def container_params(self):
        """Parameters that are containers: ``xs`` (a list), ``tup`` (a tuple), ``prm`` (a
        dict), ``layers`` (a list of ``(W, b)`` tuples, or another nesting)."""
        r = self.r
        kinds = [k for k in ("param_list", "param_tuple", "param_dict", "param_nested")
                 if self.has(k)]
        params = []
        for kind in r.sample(kinds, min(len(kinds), r.choice([0, 1, 1, 2]))):
            self.use(kind)
            if kind == "param_list":
                name, spec = "xs", self.random_spec("list", same=r.random() < 0.8)
            elif kind == "param_tuple":
                name, spec = "tup", self.random_spec("tuple", n=2, same=False)
            elif kind == "param_dict":
                name = "prm"
                spec = ("dict", (("W", _leaf_spec(M)), ("b", _leaf_spec(W)))) \
                    if r.random() < 0.4 else self.random_spec("dict")
            else:
                name = "layers"
                if r.random() < 0.5:
                    layer = ("tuple", (_leaf_spec(M), _leaf_spec(W)))
                    spec = ("list", (layer,) * r.randint(2, 3))
                else:
                    inner = self.random_spec(r.choice(["tuple", "list", "dict"]), n=2)
                    spec = (r.choice(["list", "tuple"]), (inner,) * 2) if r.random() < 0.6 \
                        else ("dict", (("enc", inner), ("dec", inner)))
            params.append(Param(name, "tree", spec, _spec_value(spec, r)))
            self.boxes.append(_Box(name, spec, 1.5, param=True))
        return params

    # ------------------------------------------------------------------ output
    def output_expr(self):
        """The returned expression: a combination of a few live values."""
        shape = {"scalar": S, "array": self.array_out, "tuple": S, "container": S}[self.output]
        if self.output == "container":
            # a list or dict of values (maybe nested): the same structure on every path
            if not hasattr(self, "out_spec"):
                inner = self.random_spec(self.r.choice(["list", "dict"]), n=2)
                self.out_spec = (self.r.choice(["list", "dict"]), None, inner)
            kind, _, inner = self.out_spec
            first = self.combine(self.array_out)
            rest = "[" if inner[0] == "list" else "{"
            rest += ", ".join((f"{k!r}: " if inner[0] == "dict" else "")
                              + self.combine(s[1]) for k, s in (
                                  inner[1] if inner[0] == "dict"
                                  else [(None, x) for x in inner[1]]))
            rest += "]" if inner[0] == "list" else "}"
            if kind == "list":
                return f"[{first}, {rest}]"
            return f"{{'out': {first}, 'more': {rest}}}"
        if self.output == "tuple":
            a = self.combine(S)
            b = self.combine(self.array_out)
            return f"{a}, {b}"
        return self.combine(shape)

    def combine(self, shape):
        r = self.r
        vars_ = [v for v in self.float_vars()]
        if not vars_:
            # only containers in scope (a container program without float parameters)
            reads = [(f"{b.name}{path}", s, b.bound) for b in self.boxes
                     for path, s in _spec_paths(b.spec)]
            if reads:
                code, s, bound = r.choice(reads)
                return code if s == shape else self.convert(code, bound, s, shape, 1)[0]
            return repr(self.const()) if shape == S else CONST[shape]
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

    # ----------------------------------------------------------------- helpers
    def helper(self, index):
        """A module-level helper function, generated like ``f`` but smaller."""
        r = self.r
        self.params = []
        name = f"h{index}"
        nparams = r.randint(1, 2)
        pshapes = [r.choice(SHAPES) for _ in range(nparams)]
        names = ["a", "b"][:nparams]
        default = self.has("helper_kwargs") and r.random() < 0.4
        out = r.choice(SHAPES)
        saved = (self.env, self.lines, self.indent, self.count, self.max_statements,
                 self.boxes)
        self.boxes = []
        self.env = [_Var(n, s, LIM) for n, s in zip(names, pshapes)]
        if default:
            self.env.append(_Var("c", S, 1.0))
        self.lines, self.indent, self.count = [], 1, 0
        self.max_statements = r.randint(1, 3)
        sig = ", ".join(names + (["c=0.5"] if default else []))
        self.block(self.max_statements, _Context(in_helper=True))
        code, bound = self.combine(out), None
        code, bound = self.squash(code, 1e9, LIM)  # helpers return squashed values
        self.lines.append(f"    return {code}")
        text = f"def {name}({sig}):\n" + "\n".join(self.lines) + "\n"
        (self.env, self.lines, self.indent, self.count, self.max_statements,
         self.boxes) = saved
        self.helper_bounds[name] = bound
        self.helpers.append((name, pshapes, out, default))
        return text

    def decorator(self):
        """``deco``: a ``functools.wraps`` wrapper doing arithmetic around the call of f."""
        r = self.r
        c1, c2 = r.choice([2.0, -0.5, 1.5, 0.75]), r.choice([0.5, -0.25, 1.0])
        names = [p.name for p in self.params]
        floats = [p.name for p in self.params if p.kind == "float"]
        if r.random() < 0.5 or not floats:
            # the wrapper passes *args, **kwargs on whole; reading args[0] is refused
            # (what args holds depends on how the caller spelled the call)
            sig = call = "*args, **kwargs"
            first = "value"
        else:
            sig = call = ", ".join(names)
            first = floats[0]
        form = r.randrange(3)
        if form == 0:
            body = f"        return {c1} * fn({call}) + {c2}\n"
        elif form == 1:
            body = (f"        value = fn({call})\n"
                    f"        return value * {c1} + np.sin(np.sum({first}))\n")
        else:
            body = f"        return np.tanh(fn({call})) * {c1}\n"
        return ("def deco(fn):\n\n    @functools.wraps(fn)\n"
                f"    def wrapper({sig}):\n{body}    return wrapper\n")

    # ----------------------------------------------------------------- program
    def program(self):
        r = self.r
        self.helper_bounds = {}
        helper_texts = []
        if self.has("helper_call") and r.random() < 0.5:
            for index in range(r.randint(1, 2)):
                helper_texts.append(self.helper(index + 1))
        # parameters
        self.container_mode = any(self.has(f) for f in CONTAINER_FEATURES) \
            and r.random() < CONTAINER_SHARE
        nfloat = r.randint(1, 3) if not self.container_mode else r.randint(0, 2)
        names = iter(["x", "y", "z"])
        self.params = []
        trees = self.container_params() if self.container_mode else []
        if not trees:
            nfloat = max(nfloat, 1)
        for _ in range(nfloat):
            shape = r.choice(SHAPES)
            size = int(np.prod(shape, dtype=int))
            values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(size)]
            value = float(values[0]) if shape == S else np.array(values).reshape(shape)
            self.params.append(Param(next(names), "float", shape, value))
        self.params += trees
        if r.random() < 0.3 and self.has("for_range"):
            self.params.append(Param("n", "int", (), r.randint(1, 4)))
        if self.has("int_counter", "for_range") and r.random() < 0.6:
            self.params.append(Param("start", "int", (), r.randint(0, 1)))
            self.counter_start = "start"
        if self.has("zero_pow") and r.random() < 0.25:
            self.params.append(Param("p", "int", (), 0))
            self.exponent = "p"
        self.env = [_Var(p.name, p.shape, 1.5) for p in self.params if p.kind == "float"]
        # parameters with defaults (constants, module globals), keyword-only ones: the
        # caller never passes them
        module_globals, extra, kwonly = [], [], []
        if self.has("defaults") and r.random() < 0.35:
            self.use("defaults")
            for k in range(r.randint(1, 2)):
                name = f"d{k + 1}"
                form = r.randrange(3)
                if form == 0:
                    value = self.const()
                    extra.append(f"{name}={value!r}")
                    self.env.append(_Var(name, S, abs(value)))
                elif form == 1:
                    value = self.const()
                    module_globals.append(f"K{k + 1} = {value!r}")
                    extra.append(f"{name}=K{k + 1}")
                    self.env.append(_Var(name, S, abs(value)))
                else:
                    shape = r.choice([V, W, M])
                    extra.append(f"{name}={CONST[shape]}")
                    self.constant_params.add(name)
                    self.env.append(_Var(name, shape, 1.2))   # never written: not owned
        if self.has("kwonly") and r.random() < 0.3:
            self.use("kwonly")
            for k in range(r.randint(1, 2)):
                value = self.const()
                kwonly.append(f"kw{k + 1}={value!r}")
                self.env.append(_Var(f"kw{k + 1}", S, abs(value)))
        # outputs
        self.output = "scalar"
        roll = r.random()
        if roll < 0.12 and self.has("array_output"):
            self.output = "array"
        elif roll < 0.18 and self.has("tuple_output"):
            self.output = "tuple"
        elif roll < 0.3 and self.container_mode and self.has("container_output"):
            self.output = "container"
        self.array_out = r.choice([V, W, M])
        if self.output != "scalar":
            self.use(self.output + "_output")
        self.lines, self.indent, self.count = [], 1, 0
        self.use("straight")
        self.block(self.max_statements, _Context())
        if self.exponent and not any(re.search(r"\bp\b", line) for line in self.lines):
            # the exponent parameter is unused: one factor that reads it
            first = self.params[0].name
            if self.params[0].kind == "tree":
                first += _spec_paths(self.params[0].shape)[0][0]
            self.emit(f"p_one = np.power(0.0 * np.sum({first}), p)")
            self.env.append(_Var("p_one", S, 1.0))
        self.emit(f"return {self.output_expr()}")
        if self.exponent:
            self.use("zero_pow")
        names = [p.name for p in self.params] + extra + (["*"] + kwonly if kwonly else [])
        sig = ", ".join(names)
        imports, defs = "import numpy as np\n", ""
        if module_globals:
            defs += "\n".join(module_globals) + "\n"
        if self.need_same:
            defs += "\n\ndef same(a):\n    return a\n"
        decorated = ""
        # (a decorated f is called by its wrapper: a helper writing into its argument's
        # container would change the wrapper's, which s2sad refuses, as for arrays)
        if self.has("decorator") and self.output in ("scalar", "array") \
                and "param_write" not in self.used and r.random() < 0.25:
            self.use("decorator")
            imports += "import functools\n"
            defs += "\n\n" + self.decorator()
            decorated = "@deco\n"
        source = (imports + "\n" + CONST_SOURCE + defs + "\n\n"
                  + "".join(t + "\n\n" for t in helper_texts + self.box_helpers)
                  + f"{decorated}def f({sig}):\n" + "\n".join(self.lines) + "\n")
        source = _format(source)
        floats = [i for i, p in enumerate(self.params) if p.kind in ("float", "tree")]
        wrt = tuple(floats)
        if len(floats) > 1 and r.random() < 0.3:
            wrt = tuple(sorted(r.sample(floats, r.randint(1, len(floats) - 1))))
        return Program(self.seed, source, self.params, wrt, self.output,
                       frozenset(self.used))


def generate(seed, features=None, max_statements=12):
    """The program of ``seed`` (deterministic given the features and the size)."""
    if features is None:
        features = ALL_FEATURES
    return Generator(seed, features, max_statements).program()
