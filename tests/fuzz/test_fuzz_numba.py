"""The fuzzer's ``numba`` mode: generated loop programs through ``backend="numba"``,
against central finite differences (as the other modes).  A program numba cannot
compile runs on numpy with a warning; it is checked too, but counted apart."""

import io

import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

from s2sad import fuzz  # noqa: E402


@pytest.mark.parametrize("first, count", [(100, 5), pytest.param(200, 24,
                                                                  marks=pytest.mark.long)])
def test_numba_campaign_over_loop_programs_finds_nothing_wrong(tmp_path, monkeypatch, first,
                                                               count):
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    out = io.StringIO()
    report = fuzz.run_campaign(count, seed=first, modes=("numba",), max_statements=6,
                               features=fuzz.NUMBA_FEATURES, out=out, max_shrinks=1)
    failed = [r for r in report.records if r[1] == "fail"]
    assert failed == [], f"{report.summary()}\n{out.getvalue()}"
    # the campaign checks programs numba compiled, not only the fallbacks
    assert report.checked.get("numba", 0) >= max(1, count // 4), report.summary()



SHIFTED_PROGRAM = '''
import numpy as np


def f(x, n):
    s = 0.0
    for i1 in range(n):
        s = s + x[i1 + 1] * x[i1 - 1]
    return s
'''


def _shifted(n):
    import textwrap

    import numpy as np
    features = frozenset({"straight", "for_range", "for_index", "index_shift"})
    params = [fuzz.Param("x", "float", (3,), np.array([0.3, 0.5, -0.2])),
              fuzz.Param("n", "int", (), n)]
    return fuzz.Program(5, textwrap.dedent(SHIFTED_PROGRAM).lstrip(), params, (0,), "scalar",
                        features), features


def _check(prog, features, tmp_path):
    (tmp_path / "programs").mkdir(exist_ok=True)
    loader = fuzz._Loader(str(tmp_path / "programs"))
    try:
        return fuzz.check_program(prog, ("reverse", "numba"),
                                  {"reverse": features, "numba": features}, loader)
    finally:
        loader.close()


def test_a_program_reading_past_the_end_passes_when_its_gradients_raise(tmp_path, monkeypatch):
    """x[i1 + 1] past the end at the last trip: numpy's IndexError, and the gradients'."""
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    for n in (2, 3):   # in range (x[-1] at the first trip), then past the end
        prog, features = _shifted(n)
        outcome = _check(prog, features, tmp_path)
        assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "numba")), outcome


def test_a_numba_gradient_reading_garbage_is_a_failure(tmp_path, monkeypatch):
    """Planted: every function compiled without bounds checks or index checks (what numba
    does by default): the numba gradient returns numbers where numpy raises."""
    from s2sad.backends import numba_target
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(numba_target, "_DECORATOR", "@numba.njit(cache=True)")
    monkeypatch.setattr(numba_target, "prove", lambda *args: None)
    prog, features = _shifted(3)
    outcome = _check(prog, features, tmp_path)
    assert (outcome.status, outcome.reason, outcome.mode) == ("fail", "index-error-lost",
                                                              "numba"), outcome


def test_index_shift_is_generated_where_asked_for_only():
    """x[i + 1] and x[i - 1] in the numba mode's programs; never in a default campaign's
    (their programs, and so the seeds of the other tests, stay as they were)."""
    import re
    shifted = [p for p in (fuzz.generate(s, fuzz.NUMBA_FEATURES, max_statements=6)
                           for s in range(300)) if "index_shift" in p.features]
    assert len(shifted) >= 3
    assert all(re.search(r"\[[ik]\d+ [+-] 1\]", p.source) for p in shifted)   # (for, while)
    assert not any("index_shift" in fuzz.generate(s, max_statements=6).features
                   for s in range(300))
    assert "index_shift" not in fuzz.Fuzzer(modes=("reverse",)).features


def test_loop_programs_step_to_a_count_and_such_a_program_passes_on_numba(tmp_path, monkeypatch):
    """``range(1, n, 2)`` (the stepped range whose reversal once failed in numba modules),
    reversed too, among the loop programs; one of each checked on numba."""
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    seeds = {}
    for seed in range(10180, 10420):   # (10352: the one not reversed)
        source = fuzz.generate(seed, fuzz.NUMBA_FEATURES).source
        if "range(1, n, 2)" in source:
            seeds.setdefault("reversed(range(1, n, 2))" in source, seed)
    assert set(seeds) == {False, True}, seeds
    for seed in seeds.values():
        prog = fuzz.generate(seed, fuzz.NUMBA_FEATURES)
        outcome = _check(prog, prog.features, tmp_path)
        assert (outcome.status, outcome.modes_checked) == ("pass", ("reverse", "numba")), outcome


LOOP_PROGRAM = '''
import numpy as np


def f(x, y):
    s = 0.0
    for i1 in range(3):
        s = s + np.sin(x[i1]) * y
    return s * s
'''


def _loop_program():
    import textwrap

    import numpy as np
    features = frozenset({"straight", "for_range", "for_index", "np.sin", "mul"})
    params = [fuzz.Param("x", "float", (3,), np.array([0.3, 0.5, -0.2])),
              fuzz.Param("y", "float", (), 0.7)]
    return fuzz.Program(6, textwrap.dedent(LOOP_PROGRAM).lstrip(), params, (0, 1), "scalar",
                        features), features


def test_a_fallback_on_s2sads_own_generated_code_is_a_failure(tmp_path, monkeypatch):
    """Planted: the numba text of every gradient reads a global of its own that numba
    cannot type (as last session's reversed(range(...)) could not be indexed): the
    warning says numba failed on s2sad's own code, and the numba mode fails, where it
    used to count a "numba-fallback" skip."""
    import re

    from s2sad.backends import numba_target
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    real = numba_target.to_numba

    def planted(text, *args, **kwargs):
        out = real(text, *args, **kwargs)
        return re.sub(r"(\n@numba\.njit[^\n]*\ndef [^\n]*:\n)",
                      r"\ns2sad_untypable = object()\n\1    s2sad_planted = s2sad_untypable\n",
                      out, count=1)

    monkeypatch.setattr(numba_target, "to_numba", planted)
    prog, features = _loop_program()
    outcome = _check(prog, features, tmp_path)
    assert (outcome.status, outcome.reason, outcome.mode) == ("fail", "numba-own-code",
                                                              "numba"), outcome
    assert "s2sad_untypable" in outcome.message
    assert "numba cannot compile the code s2sad generates" in outcome.message
    monkeypatch.setattr(numba_target, "to_numba", real)
    assert _check(prog, features, tmp_path).status == "pass"


def test_fallbacks_the_readme_lists_stay_skips():
    """A fallback on the user's values (a dict, a helper numba rejects), and the own
    construct the README lists (a value numba types as optional), stay skips."""
    from s2sad.fuzz.checker import _own_code_fallback
    own = ("s2sad: backend='numba' runs the numpy backend for f: numba cannot compile the "
           "code s2sad generates for an item of a range ('range_state3': its reversed() "
           "lowered to positions), which numba cannot index (f.py, line 4: ...)")
    optional = ("s2sad: backend='numba' runs the numpy backend for f: numba cannot compile "
                "the code s2sad generates for a value saved from a branch that may not run "
                "(None where it did not), which numba types as optional (f.py, line 5)")
    users = ("s2sad: backend='numba' runs the numpy backend for f: numba cannot compile the "
             "generated code (f.py, line 3): No implementation of function getitem(dict)")
    assert _own_code_fallback(own)
    assert not _own_code_fallback(optional)
    assert not _own_code_fallback(users)


def test_the_numba_mode_gives_numba_its_compile_time(tmp_path, monkeypatch):
    """A numba gradient whose first call takes longer than the other modes may (numba
    compiles ``@`` on small matrices slowly: 90 s under load for a program of seed
    9920008, reported as a hang) is not a hang; a numpy one is."""
    import time

    import s2sad
    from s2sad.fuzz import checker
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(checker, "S2SAD_TIMEOUT", 1.0)
    monkeypatch.setattr(checker, "NUMBA_TIMEOUT", 60.0)
    real = s2sad.value_and_grad

    def slow(f, wrt=0, **kwargs):
        g = real(f, wrt=wrt, **kwargs)

        def call(*args):
            time.sleep(1.5)
            return g(*args)
        return call
    monkeypatch.setattr(s2sad, "value_and_grad", slow)
    prog, features = _loop_program()
    assert _check(prog, features, tmp_path).status == "fail"   # (reverse: a hang)
    (tmp_path / "numba").mkdir()
    loader = fuzz._Loader(str(tmp_path / "numba"))
    try:
        outcome = fuzz.check_program(prog, ("numba",), {"numba": features}, loader)
    finally:
        loader.close()
    assert (outcome.status, outcome.modes_checked) == ("pass", ("numba",)), outcome


def test_the_numba_second_mode_checks_hvp_and_hessian_on_numba(tmp_path, monkeypatch):
    """``numba_second``: ``hvp`` and ``hessian`` with ``backend="numba"`` of a loop
    program, against the differences of numpy's gradient: a pass; and a Hessian-vector
    product planted wrong on numba only is a failure of that mode.  (With respect to
    ``x`` alone: of ``(x, y)`` numba falls back, its runtime's ``unshared`` taking no
    tuple of an array and a number, a fallback the README lists.)"""
    import dataclasses

    import s2sad
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    prog, features = _loop_program()
    prog = dataclasses.replace(prog, wrt=(0,))
    (tmp_path / "programs").mkdir()
    loader = fuzz._Loader(str(tmp_path / "programs"))
    try:
        outcome = fuzz.check_program(prog, ("numba_second",), {"numba_second": features},
                                     loader)
        assert (outcome.status, outcome.modes_checked) == ("pass", ("numba_second",)), outcome
        real = s2sad.hvp

        def planted(f, wrt=0, with_grad=False, backend="numpy"):
            made = real(f, wrt=wrt, with_grad=with_grad, backend=backend)
            if backend != "numba":
                return made
            return lambda *args: tuple(1.5 * p for p in made(*args))

        monkeypatch.setattr(s2sad, "hvp", planted)
        outcome = fuzz.check_program(prog, ("numba_second",), {"numba_second": features},
                                     loader)
        assert (outcome.status, outcome.reason, outcome.mode) == \
            ("fail", "wrong-gradient", "numba_second"), outcome
    finally:
        loader.close()


def test_a_dict_parameter_under_numba_falls_back_or_is_refused(tmp_path, monkeypatch):
    """The numba mode's programs with dict parameters (``NUMBA_DICT_FEATURES``): numba
    compiles no dict, so the first such programs are checked on numpy after the fallback
    (or refused, located), never failed."""
    from s2sad.fuzz.constructs import NUMBA_DICT_FEATURES
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path))
    seeds = [s for s in range(40) if "param_dict" in
             fuzz.generate(s, NUMBA_DICT_FEATURES, max_statements=4).features][:2]
    assert len(seeds) == 2
    for seed in seeds:
        prog = fuzz.generate(seed, NUMBA_DICT_FEATURES, max_statements=4)
        outcome = _check(prog, prog.features, tmp_path)
        assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
        assert outcome.status == "pass" or outcome.reason == "numba-fallback" \
            or outcome.reason.startswith("refused"), (seed, outcome.reason)
