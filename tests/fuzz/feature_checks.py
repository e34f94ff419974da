"""The checks each generator feature's tests make, written once (``from feature_checks
import ...`` in a test module of tests/fuzz).

A form of the generator draws from a stream of its own and binds names out of scope, so

* a program of a seed that uses none of the forms is the program of that seed generated
  without them (:func:`assert_programs_without_are_unchanged`), and
* choosing the forms draws nothing from Python's global random stream
  (:func:`assert_global_stream_untouched`);

and the first programs using a form are differentiated against finite differences in
the modes asked for, none failing (:func:`programs_using`, :func:`statuses`).
"""

import functools
import random
import tempfile

from s2sad import fuzz

EVERY_MODE = ("reverse", "forward", "second")
#: the features drawn beside the forms when only choosing them is timed
PLAIN = frozenset({"straight", "add", "mul"})


@functools.lru_cache(maxsize=None)
def generated(seed, features=None, max_statements=8):
    """``fuzz.generate(seed, features, max_statements=...)``, made once per test process
    (the generator is deterministic): for checks that read the program and change nothing
    in it, the same seeds asked by many features' tests."""
    return fuzz.generate(seed, features, max_statements=max_statements)


def assert_programs_without_are_unchanged(forms, seeds=150, max_statements=8, at_least=100):
    """Each seed below ``seeds`` whose program uses none of ``forms`` (feature names) has
    the program generated without them; ``at_least`` such seeds are seen."""
    forms = frozenset(forms)
    same = 0
    for seed in range(seeds):
        prog = generated(seed, max_statements=max_statements)
        if not forms & set(prog.features):
            other = fuzz.generate(seed, fuzz.ALL_FEATURES - forms,
                                  max_statements=max_statements)
            assert prog.source == other.source, seed
            same += 1
    assert same >= at_least, same


def assert_global_stream_untouched(forms, beside=PLAIN, seeds=60, random_seed=7):
    """Generating ``seeds`` programs of ``forms`` and ``beside`` leaves Python's global
    random stream where it was."""
    random.seed(random_seed)
    expected = random.random()
    random.seed(random_seed)
    for seed in range(seeds):
        fuzz.generate(seed, frozenset(forms) | frozenset(beside), max_statements=4)
    assert random.random() == expected


def programs_using(feature, count, features=None, seeds=3000, max_statements=4):
    """(seed, program) of the first ``count`` seeds below ``seeds`` whose program, drawn
    from ``features`` (all by default), uses ``feature``."""
    for seed in range(seeds):
        prog = fuzz.generate(seed, features, max_statements=max_statements)
        if feature in prog.features:
            yield seed, prog
            count -= 1
            if not count:
                return


def statuses(tmp_path, programs, modes=EVERY_MODE):
    """The outcome status of each (seed, program) checked in ``modes``; a failure stops
    the test with its seed, reason and message.  The programs are written to a new
    directory under ``tmp_path`` (module names are never reused)."""
    loader = fuzz._Loader(tempfile.mkdtemp(dir=tmp_path))
    found = []
    try:
        for seed, prog in programs:
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            found.append(outcome.status)
    finally:
        loader.close()
    return found


def probe_outcome(tmp_path, feature, modes=EVERY_MODE):
    """The outcome of the probe program of ``feature`` (``fuzz.construct_program``)
    checked in ``modes``."""
    prog = fuzz.construct_program(feature)
    loader = fuzz._Loader(tempfile.mkdtemp(dir=tmp_path))
    try:
        return fuzz.check_program(prog, modes, {m: prog.features for m in modes}, loader)
    finally:
        loader.close()
