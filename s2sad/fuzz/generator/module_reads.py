"""Values ``f`` reads from outside itself, and a pole at a Python float:

- ``global_arg``: a module-level array or list of arrays ``GL`` that ``f`` reads, and that
  the checker passes as the argument it was made from (``f(GL, w)``), also where ``f``
  writes into that argument (with ``param_array_write`` or ``param_write``): Python's own
  ``f`` on the same objects is the reference (a write through the argument shows in
  ``GL``);
- ``module_attr``: ``f`` reads ``cfg.SCALE`` and ``cfg.VEC`` of a small module ``cfg`` the
  program makes (registered in ``sys.modules``, as an imported module is; or, in about half
  of them, never registered: ``cfg = types.ModuleType("cfg")``, a namespace made by hand),
  which the checker rebinds and changes in place between calls;
- ``module_closure``: ``f`` calls a closure a factory of the module made, ``clf =
  make_cl(np.array([...]), 1.5)``, reading an array and a number from its closure (a
  written module reads them from ``clf``'s closure: ``cli.closures``), which the cli
  checker changes in place between calls;
- ``float_pole``: a number parameter that is the Python float ``0.0`` at the sample point
  goes through ``np.log``, ``np.sqrt``, ``** 0.5`` or ``1.0 /`` (the README's promise there:
  inf or nan, or a located ``SingularPointError``; Python's own ``ZeroDivisionError`` where
  ``f`` itself divides by zero).

Each term is bound at the top of ``f``'s body and added to what it returns; their draws come
from streams of their own (seeded from the program's seed), and the names they bind are
not put in scope, so a program without them is the program of the same seed without the
features."""

import ast
import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.program import _tree_source

import numpy as np

GLOBAL_NAME = "GL"
#: the module-level lines of ``module_attr`` (its name unique per loaded program module)
MODULE_LINES = ("cfg = types.ModuleType(__name__ + '_cfg')",
                "sys.modules[cfg.__name__] = cfg",
                "cfg.SCALE = 0.75",
                "cfg.VEC = np.array([0.3, -0.2, 0.5])")
#: the pole forms, each at ``x = 0.0`` (``{}``: the parameter)
#: ... and those of a module never put in ``sys.modules`` (a namespace made by hand)
UNREGISTERED_LINES = ("cfg = types.ModuleType('cfg')",
                      "cfg.SCALE = 0.75",
                      "cfg.VEC = np.array([0.3, -0.2, 0.5])")
#: ... and those of a module registered under a name of the program's (its seed), whose
#: SCALE the program also imports by name
FROM_IMPORT_LINES = ("cfg = types.ModuleType('s2sad_fuzz_cfg{}')",
                     "sys.modules[cfg.__name__] = cfg",
                     "cfg.SCALE = 0.75",
                     "cfg.VEC = np.array([0.3, -0.2, 0.5])",
                     "from s2sad_fuzz_cfg{} import SCALE")
POLES = ("np.log({})", "np.sqrt({})", "{} ** 0.5", "1.0 / {}", "np.log({0} * {0})")


def streams(seed):
    """The three features' own random streams."""
    return (random.Random(seed ^ 0x610B), random.Random(seed ^ 0xCF6A),
            random.Random(seed ^ 0x901E))


def choose(draft):
    """At the top of ``f``'s body (its output chosen): maybe each of the three terms.
    Returns the module-level lines they need; the terms go to ``draft.return_terms``."""
    draft.return_terms = []
    module_lines = []
    glob_r, attr_r, pole_r = streams(draft.seed)
    roll_glob, roll_attr, roll_pole = glob_r.random(), attr_r.random(), pole_r.random()
    if draft.output != "container":
        if draft.has("float_pole") and roll_pole < 0.25:
            _pole(draft, pole_r)
        if draft.has("module_attr") and roll_attr < 0.14:
            module_lines += _module_attr(draft, attr_r)
        closure_r = random.Random(draft.seed ^ 0xC10C)   # (a stream of its own)
        if draft.has("module_closure") and closure_r.random() < 0.05:
            module_lines += _module_closure(draft, closure_r)
    if draft.has("global_arg") and roll_glob < 0.18:
        module_lines += _global_arg(draft, glob_r)
    return module_lines


def _float_params(draft, shapes):
    names = {v.name for v in draft.env}
    return [p for p in draft.params if p.kind == "float" and p.shape in shapes
            and p.name in names]


def _pole(draft, r):
    params = [p for p in _float_params(draft, (S,)) if not getattr(p, "global_name", "")]
    if not params:
        return
    param = r.choice(params)
    param.value = 0.0       # (a Python float: the caller's)
    param.pole = True
    name = f"pl{next(draft.counter)}"
    draft.emit(f"{name} = {r.choice(POLES).format(param.name)}")
    draft.return_terms.append(f"0.5 * {name}")
    draft.use("float_pole")


def _module_attr(draft, r):
    params = _float_params(draft, (S, V, W, M))
    if not params:
        return []
    param = r.choice(params)
    vec = "cfg.VEC[0:2]" if param.shape == W else "cfg.VEC"
    name = f"cm{next(draft.counter)}"
    form = r.randrange(3)
    if form == 0:
        draft.emit(f"{name} = np.sum({vec} * {param.name}) * cfg.SCALE")
    elif form == 1:   # read in a loop (numba's compiled loop reads the argument)
        k = f"i{next(draft.counter)}"
        draft.emit(f"{name} = 0.0")
        draft.emit(f"for {k} in range(3):")
        draft.emit(f"    {name} = {name} + cfg.VEC[{k}] * np.tanh(np.sum({param.name})) "
                   f"* cfg.SCALE")
    else:
        draft.emit(f"{name} = cfg.SCALE * np.sum(np.tanh({param.name} * {vec}))")
    draft.return_terms.append(name)
    draft.use("module_attr")
    if draft.has("module_from_import") and random.Random(draft.seed ^ 0x2F1D).random() < 0.4:
        # cfg's SCALE read dotted and from-imported: two values of one name once a
        # rebinding of cfg.SCALE leaves the name as it was (a stream of its own)
        both = f"fi{next(draft.counter)}"
        draft.emit(f"{both} = 0.5 * SCALE * np.sum(np.sin({param.name})) + 0.25 * cfg.SCALE "
                   f"* SCALE")
        draft.return_terms.append(both)
        draft.use("module_from_import")
        return [line.format(draft.seed) for line in FROM_IMPORT_LINES]
    if random.Random(draft.seed ^ 0x5EC1).random() < 0.5:   # (a stream of its own)
        return list(UNREGISTERED_LINES)
    return list(MODULE_LINES)


#: the module-level lines of ``module_closure`` (``{}``: the closure's array)
CLOSURE_LINES = ("def make_cl(B, k):", "    def cl(v):",
                 "        return np.tanh(np.sum(v * B)) * k", "    return cl",
                 "clf = make_cl(np.array({}), 1.5)")


def _module_closure(draft, r):
    """``cc = clf(param)``: a closure of the module over an array and a number."""
    params = _float_params(draft, (S, V, W, M))
    params = [p for p in params if not getattr(p, "pole", False)]
    if not params:
        return []
    param = r.choice(params)
    values = [0.4, -0.3, 0.2][:2 if param.shape == W else 3]
    name = f"cc{next(draft.counter)}"
    draft.emit(f"{name} = clf({param.name})" if r.random() < 0.5 else
               f"{name} = 0.5 * clf(np.sin({param.name}))")
    draft.return_terms.append(name)
    draft.use("module_closure")
    return [line.format(values) for line in CLOSURE_LINES]


def _global_arg(draft, r):
    """``GL`` made from an array parameter (or a list ``xs`` of arrays), read at the top of
    the body and just before the return (after any write through the parameter)."""
    candidates = _float_params(draft, (V, W, M))
    candidates += [p for p in draft.params if p.kind == "tree" and p.name == "xs"
                   and all(np.ndim(leaf) > 0 for leaf in p.value)]
    candidates = [p for p in candidates if not getattr(p, "pole", False)]
    if not candidates:
        return []
    param = r.choice(candidates)
    param.global_name = GLOBAL_NAME
    listed = param.kind == "tree"
    reads = (["np.sum(np.tanh(GL[-1])) * 0.5", "np.sum(GL[0]) * 0.25", "len(GL) * 0.125"]
             if listed else
             ["np.sum(np.sin(GL)) * 0.5", "np.tanh(np.sum(GL * GL)) * 0.25",
              "np.sum(GL[0]) * 0.25"])
    if r.random() < 0.5:   # a read before any write too
        first = f"gl{next(draft.counter)}"
        draft.emit(f"{first} = {r.choice(reads)}")
        draft.return_terms.append(first)
    draft.late_reads = [f"gl{next(draft.counter)} = {r.choice(reads)}"]
    draft.use("global_arg")
    value = param.value
    source = _tree_source(value) if listed else f"np.array({np.asarray(value).tolist()!r})"
    return [f"{GLOBAL_NAME} = {source}"]


def _added(value, terms, output):
    """``value`` (an expression node) with ``terms`` added (a tuple's first item)."""
    extra = ast.parse(" + ".join(terms), mode="eval").body
    if output == "tuple" and isinstance(value, ast.Tuple):
        value.elts[0] = ast.BinOp(value.elts[0], ast.Add(), extra)
        return value
    return ast.BinOp(value, ast.Add(), extra)


def early_returns(draft):
    """The terms bound at the top also in each return ``f``'s body has written so far (an
    early return), never in a nested function's."""
    terms = getattr(draft, "return_terms", [])
    if not terms or draft.output == "container" \
            or not any(line.strip().startswith("return") for line in draft.lines):
        return
    tree = ast.parse("def f():\n" + "\n".join(draft.lines))
    fn = tree.body[0]

    class Adder(ast.NodeTransformer):
        def visit_FunctionDef(self, node):
            return self.generic_visit(node) if node is fn else node

        def visit_Lambda(self, node):
            return node

        def visit_Return(self, node):
            if node.value is not None:
                node.value = _added(node.value, terms, draft.output)
            return node

    Adder().visit(tree)
    draft.lines = ast.unparse(tree).splitlines()[1:]


def finish(draft, out):
    """The return expression ``out`` with the terms added: the late reads of ``GL`` are
    emitted first.  (A tuple's first item takes them; a container output none.)"""
    for line in getattr(draft, "late_reads", ()):
        draft.emit(line)
        draft.return_terms.append(line.split(" = ", 1)[0])
    draft.late_reads = []
    terms = getattr(draft, "return_terms", [])
    if not terms or draft.output == "container":
        return out
    added = " + ".join(terms)
    if draft.output == "tuple":
        tree = ast.parse(out, mode="eval").body
        first = ast.unparse(tree.elts[0])
        rest = ", ".join(ast.unparse(e) for e in tree.elts[1:])
        return f"({first}) + {added}, {rest}"
    return f"({out}) + {added}"
