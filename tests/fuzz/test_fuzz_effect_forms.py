"""Statements run for their effect (print, the module logger, warnings.warn, a helper that
only prints, raise in a branch or loop, assert with a message, a helper's ``p *= v`` called
as a statement), keyword arguments (a float ``dtype=``, ``initial=``/``where=``, memory
orders) and list parameters added to lists: the generator's ``effect_forms.py``, and the
checker's effects check (``effects.py``)."""

import numpy as np
import pytest

from feature_checks import (PLAIN, assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome,
                            programs_using, statuses)
from s2sad import fuzz
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN
from s2sad.fuzz import effects
from s2sad.fuzz.generator import effect_forms

FEATURES = effect_forms.FEATURES


@pytest.mark.parametrize("feature", FEATURES)
def test_a_program_without_the_form_is_the_same_program(feature):
    assert_programs_without_are_unchanged({feature}, seeds=120, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES, PLAIN | {"np.sin"})


@pytest.mark.parametrize("feature", FEATURES)
def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path, feature):
    """The first programs using each form: reverse, forward and second order against
    finite differences, and (effects) what each derivative prints, logs, warns and
    raises against f's; none fails, most pass (drawn without the constructs refused by
    design, whose refusals would hide the form)."""
    beside = fuzz.ALL_FEATURES - (REFUSED_BY_DESIGN - {feature})
    found = statuses(tmp_path, programs_using(feature, 4, beside))
    assert len(found) == 4 and found.count("pass") >= 2, found


@pytest.mark.parametrize("feature", FEATURES)
def test_the_probe_of_each_form_passes(tmp_path, feature):
    outcome = probe_outcome(tmp_path, feature)
    assert outcome.status == "pass", (outcome.reason, outcome.message)


class _Forgetful:
    """An API whose derivatives run f once more, or drop its output: the check must see."""

    def __init__(self, twice):
        import s2sad
        self.s2sad, self.twice = s2sad, twice
        self.NumbaFallbackWarning = s2sad.NumbaFallbackWarning

    def __getattr__(self, name):
        real = getattr(self.s2sad, name)

        def transform(f, **kw):
            g = real(f, **kw)

            def call(*args):
                if self.twice:
                    f(*args)
                    return g(*args)
                with effects.contextlib.redirect_stdout(effects.io.StringIO()):
                    return g(*args)
            return call
        return transform


def _loaded(tmp_path, feature):
    prog = fuzz.construct_program(feature)
    loader = fuzz._Loader(str(tmp_path))
    return prog, loader, loader.load(prog.source, "e").f


@pytest.mark.parametrize("twice", [True, False])
def test_the_effects_check_sees_a_print_run_twice_or_dropped(tmp_path, twice):
    prog, loader, f = _loaded(tmp_path, "effect_print")
    try:
        problem = effects.check(_Forgetful(twice), prog, f, "reverse", (), None)
    finally:
        loader.close()
    assert problem is not None and problem[0] == "effects", problem


def test_the_effects_check_compares_the_guard_raise(tmp_path):
    """At the trigger point f raises; an API that returns numbers there fails."""
    prog, loader, f = _loaded(tmp_path, "guard_raise")

    class Swallowing(_Forgetful):
        def __getattr__(self, name):
            real = getattr(self.s2sad, name)

            def transform(f, **kw):
                g = real(f, **kw)

                def call(*args):
                    try:
                        return g(*args)
                    except ValueError:
                        return None
                return call
            return transform

    try:
        with np.errstate(all="ignore"):
            good = effects.check(_Forgetful(False).s2sad, prog, f, "reverse", (), None)
            bad = effects.check(Swallowing(False), prog, f, "reverse", (), None)
    finally:
        loader.close()
    assert good is None
    assert bad is not None and bad[0] == "guard", bad


def test_the_accumulated_term_is_bound_before_any_write_into_the_parameter():
    """The term of ``helper_accumulate`` reads the parameter where it is written, at the
    top, never in the return (after a write through a name said to leave the parameter
    unread: campaign seed 113's false refusal, a generator's bug)."""
    found = 0
    for seed in range(300):
        prog = fuzz.generate(seed, max_statements=6)
        if "helper_accumulate" not in prog.features:
            continue
        found += 1
        returned = [line for line in prog.source.splitlines()
                    if line.startswith("    return ")][-1]
        assert "np.sum(bf" not in returned and "ha" in returned, (seed, returned)
    assert found >= 5
