"""A namedtuple parameter read as a tuple (feature ``param_ntuple``, fixopen24): the
generator gives ``f`` the tuple parameter as a ``Layer`` named ``ntup``, read by index,
unpacking and loops; its programs agree with finite differences in reverse, forward and
second order and on the command line, whose module gave the derivative as a list where
the API gives a ``Layer`` (the checker compares the classes: a layout failure)."""

import os
import re

from s2sad import fuzz
from s2sad.fuzz.program import Layer

FEATURES = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                      "np.sum", "for_range", "if", "list_len", "unpack", "iter_list",
                      "loop_index", "param_tuple", "param_ntuple"})


def _programs(count, first=0, features=FEATURES):
    progs, seed = [], first
    while len(progs) < count:
        prog = fuzz.generate(seed, features, max_statements=8)
        if "param_ntuple" in prog.features and re.search(r"\bntup\b", prog.source) \
                and any(prog.params[i].name == "ntup" for i in prog.wrt):
            progs.append(prog)
        seed += 1
    return progs


def test_the_parameter_is_a_namedtuple_and_only_with_the_feature():
    progs = _programs(6)
    assert all(isinstance(p.value, Layer) for prog in progs for p in prog.params
               if p.name == "ntup")
    assert "Layer(W=" in progs[0].reproduction()
    for seed in range(60):
        prog = fuzz.generate(seed, FEATURES - {"param_ntuple"}, max_statements=8)
        assert "ntup" not in prog.source, prog.source


def _outcomes(tmp_path, progs, modes):
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    outcomes = {}
    try:
        for prog in progs:
            outcome = fuzz.check_program(prog, modes, {mode: FEATURES for mode in modes},
                                         loader)
            key = outcome.status if outcome.status != "skip" else outcome.reason
            outcomes[key] = outcomes.get(key, 0) + 1
            assert outcome.status == "pass" or outcome.reason in ("non-smooth", "overflow"), \
                (prog.seed, outcome, prog.source)
    finally:
        loader.close()
    return outcomes


def test_the_programs_agree_with_finite_differences_in_every_mode(tmp_path):
    outcomes = _outcomes(tmp_path, _programs(6), ("reverse", "forward", "second"))
    assert outcomes.get("pass", 0) >= 4, outcomes


def test_the_command_line_gives_the_namedtuple_class(tmp_path):
    # (each flavor is a fresh interpreter: two programs)
    outcomes = _outcomes(tmp_path, _programs(2), ("cli",))
    assert outcomes.get("pass", 0) >= 1, outcomes
