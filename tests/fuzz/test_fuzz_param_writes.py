"""Writes into ``f``'s own parameters (feature ``param_array_write``): the generator writes
them in every form, the programs agree with finite differences in every mode, and the
checker fails any derivative call that changes the caller's arguments (or a tangent,
cotangent or direction given), a pullback whose second call differs from its first, and
a Jacobian or Hessian that disagrees with the reference."""

import os
import re
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import fuzz

FEATURES = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                      "np.sum", "for_range", "for_index", "if", "reversed_range", "inplace",
                      "inplace_index_list", "array_output", "tuple_output",
                      "param_array_write"})

#: the forms of the construct (see param_writes.py) and a sign of each in the source
FORMS = {
    "item": r"\n\s+[xyz]\[\d(, \d)?\] = ",
    "slice": r"\n\s+[xyz]\[\d?:\d?\] ",
    "index list": r"\n\s+[xyz]\[\[\d, \d(, \d)?\]\] ",
    "op= of the whole": r"\n\s+[xyz] [-+*]= ",
    "op= of an item": r"\n\s+[xyz]\[\d\] [-+*]= ",
    "a recurrence in a loop": r"\n\s+[xyz]\[i\d+\] = .* \* [xyz]\[i\d+ - 1\]",
    "a loop's update": r"\n\s+[xyz]\[i\d+\] \+= ",
    "a branch": r"\n\s+if .*:\n\s+[xyz]\[.*\] [-+*]?= ",
    "a view read before": r"\n\s+v\d+ = np\.tanh\(pw\d+\) \*",
    "through a name, not read again": r"\n\s+pw\d+ = [xyz].*\n\s+pw\d+\[\d\] \+?= ",
    "through a name, read again": r"\n\s+pv\d+ = [xyz].*\n\s+pv\d+\[\d\] \+?= ",
    # (the only write into the parameter: no x[...] = before it)
    "through a name, no direct write": r"def f\(.*\):\n(?:(?!\s+[xyz]\[.*\] [-+*]?= )"
                                       r"(?!\s+[xyz] [-+*]= ).*\n)*\s+pw\d+ = [xyz].*\n"
                                       r"\s+pw\d+\[\d\] \+?= ",
    "a number rebound": r"\n\s+[xyz] = [xyz] \* -?\d",
    "read after": r"\n\s+[xyz]\[.*\] [-+*]?= .*\n\s+v\d+ = [xyz] \* ",
}


def _programs(count, first=0, features=FEATURES, statements=6):
    """The first ``count`` programs from seed ``first`` that write into a parameter."""
    progs, seed = [], first
    while len(progs) < count:
        prog = fuzz.generate(seed, features, max_statements=statements)
        if "param_array_write" in prog.features:
            progs.append(prog)
        seed += 1
    return progs


def test_every_form_of_a_parameter_write_is_generated():
    sources = [p.source for p in _programs(150)]
    missing = [form for form, sign in FORMS.items()
               if not any(re.search(sign, s) for s in sources)]
    assert missing == []


def test_a_write_through_an_alias_is_refusable_where_the_return_reads_the_parameter():
    """A parameter written through a name for it (``pvN = np.asarray(x, order='F')``) is
    "read again" where a term of the return written before reads it (``0.25 *
    np.sum(hf8 * x)``): s2sad may refuse the write, so the alias is ``pv``, and a name
    ``pw`` (never refused) is one whose parameter nothing reads again (seed 23000350 was
    reported a false refusal)."""
    seen = 0
    for seed in list(range(23000340, 23000360)) + list(range(200)):
        prog = fuzz.generate(seed)
        body = prog.source.split("\ndef f(")[1]
        for alias, param in re.findall(r"\n\s+(pw\d+) = (?:np\.asarray\()?([xyz])\b", body):
            after = body.split(f"{alias} = ", 1)[1]
            if not re.search(rf"\n\s+{alias}\[\d+\] \+?= ", after):
                continue   # (a view read before its parameter is written, not through)
            returned = after.rsplit("return ", 1)[1]
            assert not re.search(rf"(?<![\w.]){param}(?!\w)", returned), (seed, prog.source)
            seen += 1
    assert seen >= 3, seen
    assert re.search(r"\n\s+pv\d+ = np\.asarray\(x, order='F'\)", fuzz.generate(23000350).source)


def test_without_the_feature_no_parameter_is_written():
    for seed in range(80):
        prog = fuzz.generate(seed, FEATURES - {"param_array_write"}, max_statements=6)
        assert not re.search(r"\n\s+([xyz]\[.*\] [-+*]?= |p[vw]\d+ = )", prog.source), \
            prog.source


def test_a_program_without_the_construct_is_the_same_program():
    """The construct draws where it goes from its own stream: a program of a seed that
    never writes into a parameter is the program of that seed without the feature."""
    same = 0
    for seed in range(40):
        prog = fuzz.generate(seed, FEATURES, max_statements=6)
        if "param_array_write" not in prog.features:
            other = fuzz.generate(seed, FEATURES - {"param_array_write"}, max_statements=6)
            assert prog.source == other.source
            same += 1
    assert same >= 10


def test_parameter_writes_agree_with_finite_differences_in_every_mode(tmp_path):
    """Each program is checked in reverse mode (value_and_grad, grad, jacobian; vjp with its
    pullback called twice, jacobian), forward mode (jvp) and second order (hvp, hessian),
    the arguments compared with the caller's after every call.  A write through a name
    for a parameter read again may be refused on that name, and so may one of a program
    whose output is not a number: vjp refuses a write through a name for a parameter
    also written directly (its pullback cannot restore both)."""
    modes = ("reverse", "forward", "second")
    supported = {mode: FEATURES for mode in modes}
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    outcomes = {}
    try:
        for prog in _programs(40, first=7000):
            outcome = fuzz.check_program(prog, modes, supported, loader)
            key = outcome.status if outcome.status != "skip" else outcome.reason
            outcomes[key] = outcomes.get(key, 0) + 1
            assert outcome.status == "pass" or outcome.reason in (
                "refused:param_array_write", "non-smooth", "overflow"), \
                (prog.seed, outcome, prog.source)
    finally:
        loader.close()
    assert outcomes.get("pass", 0) >= 30, outcomes


# ------------------------------------------------------------------ the checker

PROGRAM = '''
import numpy as np


def f(x, y):
    s = np.sum(np.sin(x) * y)
    x[0] = x[1] * y
    x *= 0.5
    return np.sum(x * x) + s
'''

ARRAY_PROGRAM = '''
import numpy as np


def f(x, y):
    x[1:] += 0.5 * x[:2] * y
    return np.sin(x) * y
'''


def _program(source, output):
    params = [fuzz.Param("x", "float", (3,), np.array([0.4, -0.7, 1.1])),
              fuzz.Param("y", "float", (), 0.6)]
    return fuzz.Program(11, textwrap.dedent(source).lstrip(), params, (0, 1), output,
                        frozenset({"straight", "param_array_write"}))


def _outcome(prog, modes, tmp_path):
    loader = fuzz._Loader(str(tmp_path))
    try:
        return fuzz.check_program(prog, modes, {m: prog.features for m in modes}, loader)
    finally:
        loader.close()


def test_the_real_derivatives_of_parameter_writes_pass(tmp_path):
    assert _outcome(_program(PROGRAM, "scalar"), ("reverse", "forward", "second"),
                    tmp_path).status == "pass"
    assert _outcome(_program(ARRAY_PROGRAM, "array"), ("reverse", "forward"),
                    tmp_path).status == "pass"


def _writing(transform, after=None):
    """``transform`` (an s2sad function) whose result also writes into the caller's first
    argument (or, with ``after``, does what ``after`` does with the call's arguments and
    result)."""
    def made(f, *options, **keywords):
        inner = transform(f, *options, **keywords)

        def run(*args):
            out = inner(*args)
            if after is None:
                args[0][0] += 1.0
            else:
                out = after(args, out)
            return out
        return run
    return made


@pytest.mark.parametrize("name,output,mode", [
    ("value_and_grad", "scalar", "reverse"), ("grad", "scalar", "reverse"),
    ("jacobian", "scalar", "reverse"), ("vjp", "array", "reverse"),
    ("jacobian", "array", "reverse"), ("jvp", "array", "forward"),
    ("hvp", "scalar", "second"), ("hessian", "scalar", "second")])
def test_a_call_changing_the_callers_argument_is_a_failure(name, output, mode, tmp_path,
                                                           monkeypatch):
    prog = _program(PROGRAM if output == "scalar" else ARRAY_PROGRAM, output)
    monkeypatch.setattr(s2sad, name, _writing(getattr(s2sad, name)))
    outcome = _outcome(prog, (mode,), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "mutated-input"), outcome
    assert "argument 0 (x)" in outcome.message and name in outcome.message


def _pullback_doing(change):
    """vjp whose pullback does ``change(call, x, cotangent, result)`` on its n-th call."""
    plain = s2sad.vjp

    def vjp(f, wrt=0):
        inner = plain(f, wrt=wrt)

        def run(*args):
            value, pullback = inner(*args)
            calls = []

            def pull(ct):
                calls.append(ct)
                result = pullback(ct)
                return change(len(calls), args[0], ct, result)
            return value, pull
        return run
    return vjp


@pytest.mark.parametrize("change,reason,words", [
    # the second call writes into the caller's array
    (lambda n, x, ct, res: (x.__setitem__(0, 0.0), res)[1] if n == 2 else res,
     "mutated-input", "second call"),
    # the first call writes into the cotangent it was given
    (lambda n, x, ct, res: (ct.__setitem__(0, 0.0), res)[1] if n == 1 else res,
     "mutated-input", "cotangent"),
    # the second call gives other numbers (it did not restore what the first undid)
    (lambda n, x, ct, res: (res[0] * 2.0, res[1]) if n == 2 else res,
     "wrong-gradient", "second call"),
    # the second call writes into what the first one returned (below)
    (None, "shared-result", "second call")])
def test_a_pullback_must_run_again_alike(change, reason, words, tmp_path, monkeypatch):
    prog = _program(ARRAY_PROGRAM, "array")
    if reason == "shared-result":   # a pullback handing back one array it keeps
        kept = {}

        def change(n, x, ct, res):   # noqa: F811 (the array kept between the calls)
            if n == 1:
                kept["g"] = res[0]
                return res
            kept["g"] += 1.0
            return (kept["g"], res[1])
    monkeypatch.setattr(s2sad, "vjp", _pullback_doing(change))
    outcome = _outcome(prog, ("reverse",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", reason), outcome
    assert words in outcome.message


def test_a_tangent_or_direction_changed_is_a_failure(tmp_path, monkeypatch):
    def tangent_written(args, out):
        args[2][0] = 0.0
        return out
    monkeypatch.setattr(s2sad, "jvp", _writing(s2sad.jvp, tangent_written))
    outcome = _outcome(_program(ARRAY_PROGRAM, "array"), ("forward",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "mutated-input")
    assert "tangents" in outcome.message

    def direction_written(args, out):
        args[2][0][0] = 0.0
        return out
    monkeypatch.undo()
    monkeypatch.setattr(s2sad, "hvp", _writing(s2sad.hvp, direction_written))
    outcome = _outcome(_program(PROGRAM, "scalar"), ("second",), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "mutated-input")
    assert "direction" in outcome.message


@pytest.mark.parametrize("name,output,mode", [("jacobian", "array", "reverse"),
                                              ("hessian", "scalar", "second")])
def test_a_wrong_jacobian_or_hessian_is_a_failure(name, output, mode, tmp_path, monkeypatch):
    def scaled(args, out):
        if isinstance(out, tuple):
            return tuple(tuple(b * 1.01 for b in row) if isinstance(row, tuple) else row * 1.01
                         for row in out)
        return out * 1.01
    prog = _program(PROGRAM if output == "scalar" else ARRAY_PROGRAM, output)
    monkeypatch.setattr(s2sad, name, _writing(getattr(s2sad, name), scaled))
    outcome = _outcome(prog, (mode,), tmp_path)
    assert (outcome.status, outcome.reason) == ("fail", "wrong-gradient"), outcome
    assert name.replace("hessian", "Hessian") in outcome.message


def test_a_parameter_a_list_holds_is_never_written_in_place():
    """Seed 9950013 (second order): ``acc4 = [z]`` then ``z *= 0.0``, which s2sad refuses
    by design (the list's item would change too) and the checker counted as a false
    refusal of a write no other name holds: the generator no longer writes into a
    parameter a list of states holds."""
    features = FEATURES | {"list_append", "list_readback"}
    held = 0
    programs = [fuzz.generate(9950013, max_statements=12).source] + [
        fuzz.generate(seed, features, max_statements=8).source for seed in range(600)]
    for seed, source in enumerate(programs):
        for match in re.finditer(r"\n(\s+)acc\d+ = \[([xyz])\]\n", source):
            held += 1
            name = match.group(2)
            after = re.split(rf"\n\s+{name} = ", source[match.end():])[0]   # (until rebound)
            assert not re.search(rf"\n\s+{name}(\[.*\] [-+*]?= | [-+*]= )", after), \
                (seed, source)
    assert held >= 3
