"""A namedtuple parameter read by its fields (feature ``param_fields``, ntuple23): the
generator gives ``f`` a parameter ``lay``, a ``Layer(W, b)``, whose fields the body and
the helpers it is given to read (``lay.W``, ``c.b``); its programs agree with finite
differences in reverse, forward and second order, and the command line's refusal of a
field (its module does not see the arguments, README) is a deliberate skip."""

import os
import re

from s2sad import fuzz
from s2sad.fuzz.program import Layer

FEATURES = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                      "np.sum", "matmul", "for_range", "if", "list_len", "container_helper",
                      "param_fields"})


def _programs(count, first=0):
    progs, seed = [], first
    while len(progs) < count:
        prog = fuzz.generate(seed, FEATURES, max_statements=8)
        if "param_fields" in prog.features and re.search(r"\blay\.[Wb]\b", prog.source):
            progs.append(prog)
        seed += 1
    return progs


def test_the_fields_are_read_and_only_with_the_feature():
    progs = _programs(8)
    assert all(isinstance(p.value, Layer) for prog in progs for p in prog.params
               if p.name == "lay")
    assert any(re.search(r"\bc\.[Wb]\b", prog.source) for prog in _programs(30)), \
        "a helper given the namedtuple reads its fields"
    assert "Layer(W=np.array(" in progs[0].reproduction()
    for seed in range(40):
        prog = fuzz.generate(seed, FEATURES - {"param_fields"}, max_statements=8)
        assert "lay" not in prog.source, prog.source


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
            assert outcome.status == "pass" or outcome.reason in ("non-smooth", "overflow"), \
                (prog.seed, outcome, prog.source)
    finally:
        loader.close()
    assert outcomes.get("pass", 0) >= 4, outcomes


def test_the_command_lines_refusal_of_a_field_is_a_deliberate_skip(tmp_path):
    prog = _programs(1)[0]
    loader = fuzz._Loader(str(tmp_path / "programs"))
    os.makedirs(loader.dir, exist_ok=True)
    try:
        outcome = fuzz.check_program(prog, ("cli",), {"cli": FEATURES}, loader)
    finally:
        loader.close()
    assert (outcome.status, outcome.reason) == ("skip", "refused:param_fields"), outcome
