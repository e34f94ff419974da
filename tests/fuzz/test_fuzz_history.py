"""The fuzz checker's history check (detleak18): a program's module text made again after a
rule it does not use was registered, whose helpers are named as the text's own values,
must be byte-identical."""

from types import SimpleNamespace

import s2sad
from s2sad.fuzz import history
from s2sad.fuzz.loader import _s2sad_error_types
from s2sad.rules import registry, reserved

PROGRAM = """
import numpy as np


def f(x, w):
    power = np.sin(x) * w
    mean = np.mean(power)
    return np.sum(power ** 2) + mean
"""


def _prog(seed=3):
    return SimpleNamespace(seed=seed, wrt=(0, 1))


def test_the_names_a_text_hands_out_name_the_rule_s_helpers(load):
    mod = load("history_names", PROGRAM)
    names = history.handed_out(s2sad.source(mod.f, wrt=(0, 1)))
    assert "power_bar" in names and "sin" in names and "x" not in names
    assert "def power_bar(v):" in history.rule_module(["power_bar"])


def test_a_program_s_text_is_the_same_after_an_unrelated_rule(load):
    mod = load("history_same", PROGRAM)
    assert history.check(s2sad, _prog(), mod.f, _s2sad_error_types(), share=1.0) is None


def test_the_check_sees_a_text_that_follows_the_rules_registered_before(load, monkeypatch):
    # (as before detleak18: every registered rule's names reserved for good; in a copy of
    # the names reserved, put back after the test)
    monkeypatch.setattr(registry, "HELPER_NAMES", set(registry.HELPER_NAMES))
    monkeypatch.setattr(reserved, "always_loaded", lambda template: True)
    mod = load("history_leak", PROGRAM)
    found = [history.check(s2sad, _prog(seed), mod.f, _s2sad_error_types(), share=1.0)
             for seed in range(6)]
    assert any(problem is not None and problem[0] == "history-dependent-text"
               for problem in found), found


def test_the_names_reserved_for_good_are_put_back():
    assert "power_bar" not in registry.helper_names()


def test_a_share_of_the_programs_is_checked():
    picked = sum(history._stream(seed).random() < history.SHARE for seed in range(400))
    assert 60 < picked < 140
