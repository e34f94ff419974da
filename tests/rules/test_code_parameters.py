"""Rules are checked against their op's parameters at loading; for a plain function, or a
numpy function wrapping one, the parameters are read from its code
(``registry._code_parameters``): they are what ``inspect.signature`` gives."""

import inspect

import numpy as np
import pytest

from s2sad.errors import RuleDefinitionError
from s2sad.rules import registry
from s2sad.rules.loading import load_builtin_rules


def _targets():
    load_builtin_rules()
    return [rule.target for rule in list(registry._RULES.values())]


def test_code_parameters_are_the_signature_of_every_rule_target():
    read = 0
    for target in _targets():
        found = registry._code_parameters(target)
        if found is None:
            continue
        names, positional_only, variadic = found
        parameters = list(inspect.signature(target).parameters.values())
        assert variadic == any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                               for p in parameters), target
        if not variadic:
            assert names == [p.name for p in parameters], target
            assert positional_only == [p.name for p in parameters
                                       if p.kind == p.POSITIONAL_ONLY], target
        read += 1
    assert read > 100


def test_a_numpy_function_is_read_through_what_it_wraps():
    names, positional_only, variadic = registry._code_parameters(np.sum)
    assert names == list(inspect.signature(np.sum).parameters)
    assert not variadic and positional_only == []


def test_a_rule_naming_a_parameter_its_function_lacks_is_refused():
    def scale(x, factor):
        return x * factor

    with pytest.raises(RuleDefinitionError, match="'size'"):
        registry._check_signature(scale, "scale", ("x", "size"))
    registry._check_signature(scale, "scale", ("x", "factor"))   # (no error)
