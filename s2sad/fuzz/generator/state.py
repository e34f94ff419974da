"""The program being written: its random generator, features, names in scope, lines,
statement budget and what it has used; the records of a name (:class:`_Var`) and of a
container (:class:`_Box`) in scope, and where a statement is written (:class:`_Context`)."""

import ast
import itertools
import random

from s2sad.fuzz.generator.specs import _item_spec, _spec_items, _unpackable
from s2sad.fuzz.ops import BINARY, CONVERT, UNARY

#: names of runtime helpers that generated code calls (``unbroadcast`` after most
#: broadcasting ops, ``zeros_like`` in forward mode, ``phi`` after a Cholesky): a user's
#: local of such a name is renamed by s2sad (issue 16 session 2: it shadowed the helper)
HELPER_LIKE_NAMES = ("unbroadcast", "zeros_like", "phi", "sum_bar", "shape_of", "mean_bar")


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


#: calls that may return (a list of) views of their first argument (``einsum``'s first is
#: its subscripts: s2sad takes any of its operands for one, ``np.einsum('ii->i', a)``)
_VIEW_CALLS = {"reshape", "ravel", "transpose", "squeeze", "expand_dims", "asarray", "array",
               "moveaxis", "swapaxes", "rollaxis", "broadcast_to", "diagonal", "diag", "real",
               "flip", "fliplr", "flipud", "rot90", "atleast_1d", "atleast_2d", "atleast_3d",
               "split", "array_split", "hsplit", "vsplit", "dsplit"}
_ANY_VIEW_CALLS = {"einsum"}


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
            elif name in _ANY_VIEW_CALLS:
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
        """The context of a nested block (one loop deeper if ``loop``)."""
        return _Context(self.loops + (1 if loop else 0), caps if caps is not None else self.caps,
                        True, self.in_for if in_for is None else in_for, self.in_helper)


class Draft:
    """The state of one program being generated, shared by the statement and expression
    writers: every random choice comes from ``r`` (seeded once), in the order they ask.

    ``env`` holds the float and int names in scope (:class:`_Var`), ``boxes`` the
    containers (:class:`_Box`), ``lines`` the body written so far at ``indent``;
    ``count`` statements of ``max_statements`` are spent, ``used`` the features used.
    """

    def __init__(self, seed, features, max_statements=12):
        self.seed = seed
        self.r = random.Random(seed)
        #: the draws of docstrings (issue 15): their own stream, so that a program with
        #: docstrings is otherwise the program of the same seed without them
        self.doc_r = random.Random(seed ^ 0x5EED)
        #: locals named as runtime helpers (``helper_names``): their own stream too
        self.name_r = random.Random(seed ^ 0xC1A5)
        #: where writes into f's parameters go (``param_array_write``): their own stream
        self.param_r = random.Random(seed ^ 0xA29E)
        #: a None default written into (``none_buffer``): its own stream too
        self.none_r = random.Random(seed ^ 0x0B0F)
        #: a helper's default keyword-only (``derivative_kwonly``): its own stream too
        self.kwonly_r = random.Random(seed ^ 0x3C0D)
        self.none_shape = None
        self.helper_names_left = list(HELPER_LIKE_NAMES)
        self.features = frozenset(features)
        self.max_statements = max(1, max_statements)
        self.used = set()
        self.counter = itertools.count(1)
        self.ops_unary = [op for op in UNARY if op.feature in self.features]
        self.ops_binary = [op for op in BINARY if op.feature in self.features]
        self.ops_convert = [op for op in CONVERT if op.feature in self.features]
        self.helpers = []        # (name, [param shapes], out shape, has default)
        self.helper_bounds = {}  # helper name -> bound of its result
        self.env, self.lines, self.indent, self.count, self.params = [], [], 1, 0, []
        self.depth = 0           # nesting of compound statements
        self.counter_start = None  # the int parameter integer counters start from
        self.exponent = None       # the int parameter that is 0 at the sample point
        self.need_same = False     # the helper that returns its argument is used
        self.constant_params = set()  # parameters defaulting to a module array
        self.boxes = []            # containers in scope (see _Box)
        self.box_helpers = []      # module-level helpers taking containers
        self.container_mode = False  # a container program (CONTAINER_SHARE of them)
        self.output = "scalar"     # what f returns: "scalar", "array", "tuple", "container"
        self.array_out = None      # the shape of an array output
        self.out_spec = None       # the structure of a container output, once chosen
        self.always_wrt = set()    # parameters the program must differentiate (see wrt)

    def has(self, *features):
        """Whether every one of ``features`` is enabled."""
        return all(f in self.features for f in features)

    def use(self, feature):
        """Record that the program uses ``feature``."""
        self.used.add(feature)

    def choice_weighted(self, items):
        """One item of ``items`` ((weight, item) pairs) drawn by weight."""
        total = sum(w for w, _ in items)
        x = self.r.random() * total
        for w, item in items:
            x -= w
            if x <= 0:
                return item
        return items[-1][1]

    def const(self):
        """A random float constant."""
        return self.r.choice([0.25, 0.5, -0.5, 0.75, 1.5, -1.25, 0.3, 2.0])

    def new_name(self, prefix="v"):
        """A fresh name with ``prefix``; with ``helper_names``, a value's name (prefix
        ``v``) is now and then the name of a helper generated code calls (``phi``)."""
        name = f"{prefix}{next(self.counter)}"
        if prefix == "v" and self.has("helper_names") and self.helper_names_left \
                and self.name_r.random() < 0.15:
            self.use("helper_names")
            return self.helper_names_left.pop(0)
        return name

    def emit(self, line):
        """Append ``line`` at the current indentation."""
        self.lines.append("    " * self.indent + line)

    def budget_left(self):
        """Statements still allowed."""
        return self.max_statements - self.count

    def float_vars(self, shape=None):
        """The float names in scope (of ``shape``, if given)."""
        return [v for v in self.env
                if v.kind == "float" and (shape is None or v.shape == shape)]

    def int_vars(self):
        """The int names in scope."""
        return [v for v in self.env if v.kind == "int"]

    def reassignable(self):
        """Float names that may be rebound (not loop targets, not buffers)."""
        return [v for v in self.float_vars() if not v.locked and not v.buffer]

    def scoped(self, body):
        """Run ``body()``; names it defines go out of scope after it."""
        size = len(self.env)
        body()
        del self.env[size:]

    def loop_caps(self, ctx):
        """Loop-carried values may not grow: every existing name gets a cap."""
        caps = dict(ctx.caps)
        for v in self.float_vars():
            if v.name not in caps:
                v.bound = max(v.bound, 1.0)
                caps[v.name] = v.bound
        return caps

    def mutable(self, kind):
        """Containers of ``kind`` that may be changed in place."""
        return [b for b in self.boxes if b.spec[0] == kind and not b.frozen
                and (not b.param or self.has("param_write"))]

    def seq_boxes(self, homogeneous=False, flat=False):
        """Non-empty lists and tuples in scope (with one item spec, or of unpackable items)."""
        return [b for b in self.boxes if b.spec[0] in ("list", "tuple") and b.spec[1]
                and (not homogeneous or _item_spec(b.spec) is not None)
                and (not flat or _unpackable(_item_spec(b.spec)))]

    def add_box(self, spec, bound, prefix=None):
        """A new container name of ``spec`` put in scope; returns its :class:`_Box`."""
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
