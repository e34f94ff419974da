"""``template.bind_arguments`` binds a call as ``inspect.Signature.bind`` does, through a
plan made once per signature and shape of call (positional count, keyword names)."""

import inspect

import gast
import numpy as np
import pytest

from s2sad.errors import NoDerivativeRuleError
from s2sad.rules import template
from s2sad.rules.loading import load_builtin_rules
from s2sad.rules.registry import lookup


def _call(text):
    return gast.parse(text).body[0].value


def _by_bind(rule, call):
    """What ``Signature.bind`` itself binds (no plan), by parameter name."""
    sig = inspect.signature(rule.target)
    keywords = {kw.arg: kw.value for kw in call.keywords}
    bound = sig.bind(*call.args, **keywords).arguments
    return [(name, gast.dump(node)) for name, node in bound.items()]


@pytest.mark.parametrize("text", [
    "np.sum(a)", "np.sum(a, 0)", "np.sum(a, axis=0)", "np.sum(a, keepdims=True, axis=1)",
    "np.sum(a, 1, keepdims=True)", "np.mean(b, axis=(0, 1))", "np.sum(a)",
])
def test_the_plan_binds_as_signature_bind(text):
    load_builtin_rules()
    rule = lookup(np.sum if "sum" in text else np.mean)
    call = _call(text)
    for _ in range(2):   # the second call reads the plan the first made
        bound = template.bind_arguments(rule, call, lambda node: None)
        expected = _by_bind(rule, call)
        assert [(n, gast.dump(bound[rule.spellings.get(n, n)])) for n, _ in expected] == expected
        # the same objects, not copies: splice copies them
        positions = {id(node) for node in call.args} | {id(kw.value) for kw in call.keywords}
        assert all(id(bound[rule.spellings.get(n, n)]) in positions for n, _ in expected)


def test_a_call_that_does_not_bind_is_refused_every_time():
    load_builtin_rules()
    rule = lookup(np.sum)
    call = _call("np.sum(a, axis=0, nonsense=1)")
    messages = []
    for _ in range(2):
        with pytest.raises(NoDerivativeRuleError) as info:
            template.bind_arguments(rule, call, lambda node: None)
        messages.append(info.value.message)
    assert messages[0] == messages[1]
    assert "nonsense" in messages[0]
