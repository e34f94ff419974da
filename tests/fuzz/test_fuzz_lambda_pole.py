"""Programs whose entry is a module lambda around f (``entry_lambda``) with a pole at a
Python float (``float_pole``): the checker once reported them as the open finding
"lambda-pole-unlocated" (a SingularPointError naming no line, or numpy's
ZeroDivisionError in forward mode); they now pass in every mode (fixcrash17)."""

from s2sad import fuzz
from s2sad.fuzz.constructs import ALL_FEATURES
from s2sad.fuzz.open_findings import OPEN_FINDINGS

SEEDS = (335, 1523)   # (the campaign's programs that showed the finding)


def test_the_finding_is_no_longer_open():
    assert not any(row[0] == "entry_lambda" for row in OPEN_FINDINGS)


def test_poles_through_an_entry_lambda_pass_in_every_mode(tmp_path):
    modes = ("reverse", "forward", "second")
    loader = fuzz._Loader(str(tmp_path))
    try:
        for seed in SEEDS:
            prog = fuzz.generate(seed, max_statements=5)
            assert {"entry_lambda", "float_pole"} <= prog.features, seed
            outcome = fuzz.check_program(prog, modes, {m: ALL_FEATURES for m in modes},
                                         loader)
            assert outcome.status == "pass", (seed, outcome.reason, outcome.message)
    finally:
        loader.close()
