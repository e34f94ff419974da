"""The fuzzer draws from the whole op table: every function with a derivative rule
(docs/make_ops.py lists them) is called by some row of s2sad/fuzz/ops.py, or is named in
NOT_FUZZED with the reason."""

import re
import sys
from pathlib import Path

from s2sad.fuzz import ops as fuzz_ops
from s2sad.fuzz.generator import claim_effects, claim_forms

DOCS = Path(__file__).resolve().parents[2] / "docs"
sys.path.insert(0, str(DOCS))
import make_ops  # noqa: E402  (a script of docs/, not a package)
sys.path.remove(str(DOCS))

#: how fuzz programs spell the modules they call
SPELLED = {"np": "numpy", "math": "math", **dict(fuzz_ops.SCIPY_SPELLINGS)}
#: operators, written as operators by the fuzz rows
OPERATOR_SYMBOLS = {"operator.add": "+", "operator.sub": "-", "operator.mul": "*",
                    "operator.truediv": "/", "operator.pow": "**", "operator.matmul": "@",
                    "operator.neg": "(-", "operator.pos": "(+", "operator.mod": "%"}
#: functions with a rule that no fuzz row calls, each with the reason
NOT_FUZZED = {
    "numpy.float32": "rounds to float32, whose rounding a central difference of float64 "
                     "steps reads as noise: the op table checks it on values near 1e-5",
    "builtins.list": "container rule: the fuzzer's container programs build lists",
    "builtins.tuple": "container rule: the fuzzer's container programs build tuples",
    "builtins.sorted": "container rule: sorting lists of values (fuzzer's containers)",
    "builtins.sum": "container rule: sum(xs) of the fuzzer's container programs",
    "builtins.float": "float(x) of a number: the fuzzer's scalar programs",
    "numpy.float64": "np.float64(x), float(x)'s cast: rows_casts.py checks it (no fuzz row yet)",
    "builtins.abs": "abs(x) is the np.abs row's rule",
    "operator.pos": "unary + is never written by the generator (an identity)",
    "numpy.row_stack": "np.vstack's alias, deprecated in numpy 2 (it warns); np.vstack is fuzzed",
}
# (rules added by fixrules23: a row of s2sad/fuzz/ops.py is a draw of the generator's shared
# stream, and adding one moved the programs test_fuzz.py pins (a variant of
# inplace_index_list's sign, the seed of a parameter dict written through a second name);
# the op table checks them in every mode (tests/rules/rows_gaps23.py))
_ROWS_TO_ADD = "no fuzz row yet (a row moves the programs test_fuzz.py pins): op table only"
NOT_FUZZED.update({name: _ROWS_TO_ADD for name in (
    "numpy.fmod", "math.fmod", "numpy.logspace", "numpy.logaddexp.reduce")})


def _formats():
    """The op rows' formats, the ufunc methods' (drawn by ``claim_forms``) and the
    maybe-views' (``claim_effects``)."""
    return [op.fmt for table in (fuzz_ops.UNARY, fuzz_ops.BINARY, fuzz_ops.CONVERT, fuzz_ops.MATH)
            for op in table] + list(claim_forms.FORMATS) + list(claim_effects.MAYBE_VIEWS)


def _called(formats):
    """Public names the fuzz rows call (``np.linalg.inv(`` -> ``numpy.linalg.inv``)."""
    called = set()
    for fmt in formats:
        for dotted in re.findall(r"\b([A-Za-z_][\w.]*)\(", fmt):
            root, _, rest = dotted.partition(".")
            if root in SPELLED and rest:
                called.add(f"{SPELLED[root]}.{rest}")
    return called


def _method_names(formats):
    return {m for fmt in formats for m in re.findall(r"\}\.(\w+)\(", fmt)}


def test_every_rule_is_drawn_by_the_fuzzer_or_says_why_not():
    from s2sad.rules import registry
    formats = _formats()
    called, methods = _called(formats), _method_names(formats)
    missing = []
    for names, rule in make_ops.rows():
        if any(n in called or n in NOT_FUZZED for n in names):
            continue
        if any(OPERATOR_SYMBOLS.get(n, "\0") in fmt for n in names for fmt in formats):
            continue
        if any(registry.METHODS.get(m, (None,))[0] is rule.target for m in methods):
            continue
        missing.append(names[0])
    assert missing == [], f"functions with a rule that no fuzz row calls: {missing}"


def test_not_fuzzed_names_only_functions_with_rules():
    ours = {name for names, _ in make_ops.rows() for name in names}
    modules = dict(make_ops._modules())
    present = {n for n in NOT_FUZZED if n.startswith("operator.") or hasattr(
        modules.get(n.rpartition(".")[0]), n.rpartition(".")[2])}   # (np.row_stack: numpy < 2.5)
    assert present <= ours
