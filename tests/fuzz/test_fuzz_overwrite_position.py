"""The fuzzer's ``overwrite_position`` (fixknown22b): a scipy.linalg call given its
overwrite flag True by position (``_ = sla.lu_factor(owN, True)``) of a Fortran-ordered
array ``f`` reads afterwards.  s2sad must refuse it, located on the call, in every mode;
with the positional check taken out of the fence (the code before the fix), the checker
reports the wrong gradients or the missing refusal it then gave."""

import pytest

from s2sad import fuzz
from s2sad.fuzz.constructs import ALL_FEATURES
from s2sad.fuzz.refusal_tables import MUST_REFUSE

pytest.importorskip("scipy")


def _programs(count):
    found, seed = [], 0
    while len(found) < count:
        prog = fuzz.generate(seed, max_statements=5)
        if "overwrite_position" in prog.features:
            found.append(prog)
        seed += 1
    return found


def test_it_must_be_refused():
    assert "overwrite_position" in MUST_REFUSE


def test_every_call_form_is_written():
    sources = "\n".join(p.source for p in _programs(30))
    for call in ("sla.lu_factor(ow", "sla.inv(ow", "sla.cholesky(ow", "sla.det(ow",
                 "sla.solve(ow"):
        assert call in sources, call


def test_a_program_without_it_is_the_same_program():
    same = 0
    for seed in range(40):
        prog = fuzz.generate(seed, max_statements=5)
        if "overwrite_position" not in prog.features:
            other = fuzz.generate(seed, ALL_FEATURES - {"overwrite_position"},
                                  max_statements=5)
            assert prog.source == other.source
            same += 1
    assert same >= 30


def _check(tmp_path, progs, modes):
    loader = fuzz._Loader(str(tmp_path))
    try:
        return [fuzz.check_program(p, modes, {m: ALL_FEATURES for m in modes}, loader)
                for p in progs]
    finally:
        loader.close()


def test_s2sad_refuses_it_located_in_every_mode(tmp_path):
    modes = ("reverse", "forward", "second")
    for outcome in _check(tmp_path, _programs(4), modes):
        assert outcome.status == "skip", (outcome.reason, outcome.message)
        assert outcome.reason == "refused:overwrite_position", outcome.message


def test_the_checker_catches_the_code_before_the_fix(tmp_path, monkeypatch):
    import s2sad.syntax.overwrite_flags as flags
    monkeypatch.setattr(flags, "_positional_flag", lambda parsed, node, libraries, known: None)
    outcomes = _check(tmp_path, _programs(4), ("reverse", "forward"))
    failed = [o for o in outcomes if o.status == "fail"]
    assert failed, [(o.status, o.reason) for o in outcomes]
    assert {o.reason.split(":")[0] for o in failed} <= {"wrong-gradient", "missing-refusal",
                                                        "wrong-tangent", "wrong-value"}
