"""``np.add.at`` / ``np.subtract.at`` on ``f``'s own parameters (feature ``param_ufunc_at``,
stranger22a r9: refused before): the generator writes them (an item, a position named
twice, an integer list, a tuple index), and its programs agree with finite differences in
reverse, forward and second order, the caller's arguments unchanged."""

import os
import re

from s2sad import fuzz

FEATURES = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                      "np.sum", "for_range", "for_index", "if", "inplace",
                      "inplace_index_list", "array_output", "param_array_write",
                      "param_ufunc_at"})


def _programs(count, first=0):
    progs, seed = [], first
    while len(progs) < count:
        prog = fuzz.generate(seed, FEATURES, max_statements=8)
        if "param_ufunc_at" in prog.features:
            progs.append(prog)
        seed += 1
    return progs


def test_the_forms_are_generated_and_only_with_the_feature():
    sources = [p.source for p in _programs(12)]
    for sign in (r"\n\s+np\.add\.at\([xyz], ", r"\n\s+np\.subtract\.at\([xyz], ",
                 r"\.at\([xyz], \[(\d), \1\], "):
        assert any(re.search(sign, s) for s in sources), sign
    for seed in range(60):
        prog = fuzz.generate(seed, FEATURES - {"param_ufunc_at"}, max_statements=8)
        assert ".at(" not in prog.source, prog.source


def test_the_programs_agree_with_finite_differences_in_every_mode(tmp_path):
    modes = ("reverse", "forward", "second")
    supported = {mode: FEATURES for mode in modes}
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    outcomes = {}
    try:
        for prog in _programs(6):
            outcome = fuzz.check_program(prog, modes, supported, loader)
            key = outcome.status if outcome.status != "skip" else outcome.reason
            outcomes[key] = outcomes.get(key, 0) + 1
            assert outcome.status == "pass" or outcome.reason in (
                "refused:param_array_write", "non-smooth", "overflow"), \
                (prog.seed, outcome, prog.source)
    finally:
        loader.close()
    assert outcomes.get("pass", 0) >= 4, outcomes
