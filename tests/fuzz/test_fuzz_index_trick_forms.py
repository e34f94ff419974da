"""The generator's items computed from their key (``index_trick_forms.py``, fixidx24):
``np.r_[...]`` and ``np.c_[...]`` of a differentiated vector (a zero derivative before,
silently), differentiated in every mode against finite differences; an item of a
module's object whose ``__getitem__`` computes it from a differentiated key, refused where
it is read (a constant before, silently: MUST_REFUSE)."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import index_trick_forms
from s2sad.fuzz.refusal_tables import MUST_REFUSE, REFUSED_BY_DESIGN

FEATURES = frozenset(index_trick_forms.FEATURES)
MODES = ("reverse", "forward", "second")


def test_the_features_are_claimed_constructs_with_probes():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)
    assert "object_item" in MUST_REFUSE and "index_tricks" not in REFUSED_BY_DESIGN


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_form_is_written():
    sources = [fuzz.generate(seed, max_statements=4).source for seed in range(800)]
    for shape in (r"np\.r_\[0\.0, \w+, 0\.0\]", r"np\.c_\[\w+, \w+ \*\* 2\]",
                  r"np\.r_\[\w+\[0\] \* \w+\[1\], np\.sin\(\w+\), 2\.0, np\.r_\[\w+, 1\.0\]\]",
                  r"np\.c_\[np\.outer\(", r"oi\d+ = np\.sum\(IT\d+\[\w+\]\)",
                  r"oi\d+ = np\.sum\(IT\d+\[\w+ \* 0\.5\] \* \w+\)", r"\nclass It\d+:\n",
                  # (objects known only when the code runs: checked then, refused there)
                  r"\n    (ot\d+) = (IT\d+) if \w+\[0\] > -9\.0 else \2\n    oi\d+ = np\.sum\(\1\[\w+\]\)",
                  r"oi\d+ = np\.sum\(\{'t': IT\d+\}\['t'\]\[\w+ \* 0\.5\] \* \w+\)",
                  r"\n    for (ot\d+) in \(IT\d+,\):\n        (oi\d+) = \2 \+ np\.sum\(\1\[\w+\]\)",
                  # (an item keyed by another, a dict subclass's own __getitem__: stranger 25)
                  r"oi\d+ = np\.sum\((IT\d+)\[\1\[\w+\] \* 0\.25\]\)", r"\nclass It\d+\(dict\):\n"):
        assert any(re.search(shape, s, re.M) for s in sources), shape


#: the features programs are drawn from: all but those s2sad refuses by design (and in
#: second order: recursive helpers, module closures)
BESIDE = fuzz.ALL_FEATURES - REFUSED_BY_DESIGN - {"recursive_containers", "module_closure"}


def test_programs_with_np_r_and_np_c_are_differentiated_in_every_mode(tmp_path):
    loader = fuzz._Loader(str(tmp_path))
    outcomes = []
    try:
        for seed in range(1500):
            prog = fuzz.generate(seed, max_statements=4, features=BESIDE)
            if "index_tricks" not in prog.features:
                continue
            outcome = fuzz.check_program(prog, MODES, {m: prog.features for m in MODES},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            outcomes.append(outcome.status)
            if len(outcomes) >= 3:
                break
    finally:
        loader.close()
    assert len(outcomes) >= 3 and outcomes.count("pass") >= len(outcomes) - 1, outcomes


#: how the object is reached: by its module name, or only when the code runs (a
#: conditional expression, a local dict, a loop over a tuple: ``ensure_plain_item``)
ROUTES = {"name": r"np\.sum\(IT\d+\[", "conditional": r"= IT\d+ if ",
          "local dict": r"\{'t': IT\d+\}", "loop": r"for ot\d+ in \(IT\d+,\)"}


def test_programs_with_an_object_item_are_refused_on_it(tmp_path):
    """The first programs of each route (refused in reverse mode, where they stop)."""
    loader = fuzz._Loader(str(tmp_path))
    outcomes, left = [], dict(ROUTES)
    try:
        for seed in range(3000):
            prog = fuzz.generate(seed, max_statements=4, features=BESIDE | {"object_item"})
            route = next((k for k, v in left.items() if re.search(v, prog.source)), None)
            if "object_item" not in prog.features or route is None:
                continue
            del left[route]
            outcome = fuzz.check_program(prog, MODES, {m: prog.features for m in MODES},
                                         loader)
            outcomes.append((seed, route, outcome.status, outcome.reason))
            if not left:
                break
    finally:
        loader.close()
    assert not left, left
    assert all(o[2:] == ("skip", "refused:object_item") for o in outcomes), outcomes


def test_each_probe_is_differentiated_or_refused_as_it_must_be(tmp_path):
    outcome = probe_outcome(tmp_path, "index_tricks")
    assert outcome.status == "pass", (outcome.reason, outcome.message)
    outcome = probe_outcome(tmp_path, "object_item")
    assert (outcome.status, outcome.reason) == ("skip", "refused:object_item"), outcome.message
