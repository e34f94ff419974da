"""Probes: which constructs and operations s2sad supports in each mode, and the check of
each claimed construct's probe against finite differences."""

import ast
import sys

import numpy as np

import s2sad
from s2sad.fuzz.checker import check_program
import s2sad.fuzz.effects as effects
from s2sad.fuzz.constructs import CONSTRUCTS, REQUIRES, PROBE_SHAPES, _op_probe_terms
from s2sad.fuzz.loader import _Loader, _run_mode, _s2sad_error_types
from s2sad.fuzz.ops import BINARY, CONST_SOURCE, CONVERT, SHAPES, UNARY, imports_for
from s2sad.fuzz.program import Param, Program, _format


def probe_features(modes=("reverse", "forward"), loader=None):
    """{mode: frozenset of supported features}, by differentiating a tiny function each.

    A feature is off in a mode when differentiating its probe raises one of
    s2sad's own errors (``UnsupportedSyntaxError``, ``NoDerivativeRuleError``
    ...) or ``NotImplementedError``; any other outcome (even a crash or a
    wrong number) leaves it on, so the fuzzer will report it.
    """
    refusals = _s2sad_error_types()
    own = loader is None
    loader = loader or _Loader()
    result = {}
    try:
        for mode in modes:
            on = set()

            def try_probe(source, args, output, stem):
                module = loader.load(imports_for(source) + "\n" + CONST_SOURCE + "\n\n" + source,
                                     stem)
                try:
                    with effects.quiet():   # (the probes that print and warn)
                        _run_mode(s2sad, module.f, args, [0], mode, output)
                except refusals:
                    return False
                except Exception:
                    return True
                return True

            for name, c in CONSTRUCTS.items():
                if try_probe(c.source, c.args, c.output, "probe_" + name):
                    on.add(name)
            # operations: all at once first; one by one only if that fails
            terms = _op_probe_terms(UNARY + BINARY + CONVERT)
            args = tuple(eval(PROBE_SHAPES[s], {"np": np}) for s in SHAPES)

            def op_source(items):
                body = " + ".join(expr for _, expr in items)
                return f"def f(xs, xv, xw, xm):\n    return {body}\n"

            if try_probe(op_source(terms), args, "scalar", "probe_ops"):
                on.update(feature for feature, _ in terms)
            else:
                by_feature = {}
                for feature, expr in terms:
                    by_feature.setdefault(feature, []).append((feature, expr))
                for feature, items in by_feature.items():
                    if try_probe(op_source(items), args, "scalar", "probe_op"):
                        on.add(feature)
            if {"np.sum", "np.sin", "mul"} <= on:
                on.add("broadcast")
            for name, needs in REQUIRES.items():
                if name in on and not all(n in on for n in needs):
                    on.discard(name)
            if "straight" not in on:
                on = set()
            result[mode] = frozenset(on)
    finally:
        if own:
            loader.close()
    return result


def construct_program(feature):
    """The probe of a construct as a :class:`Program` (differentiated in its first argument),
    so that it can be checked against finite differences like a generated program."""
    c = CONSTRUCTS[feature]
    source = imports_for(c.source) + "\n" + CONST_SOURCE + "\n\n" + c.source
    tree = ast.parse(source)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    f = defs.get("f")
    if f is None:   # an entry point bound to f: a lambda, or a partial of a def
        made = next(n.value for n in tree.body if isinstance(n, ast.Assign)
                    and any(getattr(t, "id", None) == "f" for t in n.targets))
        f = made if isinstance(made, ast.Lambda) else defs[made.args[0].id]
    params = []
    for arg, value in zip(f.args.args, c.args):
        if isinstance(value, (list, tuple, dict)):
            params.append(Param(arg.arg, "tree", None, value))
        elif value is None:
            params.append(Param(arg.arg, "none", (), None))
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            params.append(Param(arg.arg, "int", (), int(value)))
        else:
            params.append(Param(arg.arg, "float", np.shape(value), value))
    return Program(0, _format(source), params, (0,), c.output,
                   frozenset({feature, "straight"}))


def check_constructs(features, modes, out=sys.stdout):
    """Check the probe of each construct in each mode against finite differences; print one
    line per construct ("pass", or how it fails).  Returns {feature: {mode: outcome}}."""
    loader = _Loader()
    results = {}
    try:
        for feature in sorted(features):
            prog = construct_program(feature)
            row = {}
            for mode in modes:
                row[mode] = check_program(prog, (mode,), {mode: prog.features}, loader)
            results[feature] = row
            cells = []
            for mode, o in row.items():
                text = o.status if o.status != "fail" else f"FAIL {o.reason}"
                if o.status == "skip":
                    text = f"skip {o.reason}"
                elif o.reason.startswith("rejected:"):
                    # (a probe's names are not the generator's: a refusal of a construct
                    # that may be refused is not told apart here)
                    text = f"refused ({o.reason.split(':', 1)[1]})"
                cells.append(f"{mode} {text}")
            print(f"  {feature}: {', '.join(cells)}", file=out)
            loader.forget()
    finally:
        loader.close()
    return results
