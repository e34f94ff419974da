"""The fuzzer reaches the code made for float64 arrays (issue 16): its programs take
float64 arrays and read real global arrays, so where every value is real the backward
loops add parameters' adjoints in place (``analysis.dtypes``); those programs agree
with finite differences in reverse mode and second order."""

import os

import gast

from s2sad import fuzz
import s2sad.optimize as optimize

FEATURES = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                      "np.sum", "np.exp", "for_range", "nested_loop", "if", "if_in_loop",
                      "loop_grows", "matmul", "for_index"})


def test_float64_programs_add_in_place_and_agree_with_finite_differences(tmp_path,
                                                                         monkeypatch):
    added = []
    plain = optimize.added_in_place

    def counting(body):
        out = plain(body)
        added.extend(s for s in gast.walk(gast.Module(body=out, type_ignores=[]))
                     if isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name))
        return out

    monkeypatch.setattr(optimize, "added_in_place", counting)
    supported = {mode: FEATURES for mode in ("reverse", "second")}
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    try:
        for seed in range(120):
            prog = fuzz.generate(56000 + seed, FEATURES)
            before = len(added)
            outcome = fuzz.check_program(prog, ("reverse",), supported, loader)
            assert outcome.status in ("pass", "skip"), (seed, outcome, prog.source)
            if len(added) > before and seed < 40:   # second order over those programs
                outcome = fuzz.check_program(prog, ("second",), supported, loader)
                assert outcome.status in ("pass", "skip"), (seed, outcome, prog.source)
    finally:
        loader.close()
    assert len(added) >= 10, len(added)   # (34 in these 120 programs when written)
