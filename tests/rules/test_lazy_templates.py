"""s2sad's own rules are parsed on first use (rules.parsing.LazyTemplate): what the
registry reads from them at registration, without parsing, must be what parsing gives."""

from s2sad.rules import identity, registry
from s2sad.rules.loading import load_builtin_rules
from s2sad.rules.parsing import LazyTemplate, parse_template


def test_every_lazy_template_reads_what_its_parse_gives():
    load_builtin_rules()
    seen = 0
    for rule in list(registry._RULES.values()):
        for template in (rule.adjoint, rule.tangent):
            if not isinstance(template, LazyTemplate):
                continue
            parsed = parse_template(template.fn)
            assert template.params == parsed.params, template.fn.__qualname__
            assert list(template.free) == list(parsed.free), template.fn.__qualname__
            assert all(template.free[name] is parsed.free[name] for name in parsed.free)
            assert template.result is template.result   # parsed once, then kept
            seen += 1
    assert seen > 300   # (the builtin rules are lazy)


def test_a_users_rule_is_parsed_when_registered():
    import pytest

    from s2sad.errors import RuleDefinitionError

    def opaque(x):
        return x

    with pytest.raises(RuleDefinitionError, match="only 'name = expression'"):
        @registry.adjoint(opaque)
        def opaque_adjoint(y, y_bar, x):
            for _ in range(2):
                y_bar = y_bar * 2.0
            return y_bar


def test_a_name_its_module_does_not_define_yet_is_read_when_the_rule_is_used():
    """(as Python reads a function's globals when it runs: a helper defined below the
    rule; see tests/rules/test_late_rule_names.py)"""
    import pytest

    from s2sad.errors import RuleDefinitionError

    def opaque(x):
        return x

    @registry.adjoint(opaque)
    def opaque_adjoint(y, y_bar, x):
        return y_bar * not_defined_anywhere  # noqa: F821

    try:
        template = registry.lookup(opaque).adjoint
        assert "not_defined_anywhere" in template.free_names
        with pytest.raises(RuleDefinitionError, match="'not_defined_anywhere'") as info:
            template.free
        assert info.value.location.filename == __file__
    finally:   # (a rule left registered broke the tests that read every rule after it)
        registry._RULES.pop(identity.key(opaque), None)


def test_rule_defaults_are_those_inspect_gives():
    import inspect

    load_builtin_rules()
    for rule in list(registry._RULES.values()):
        if rule.adjoint is None:
            continue
        fn = rule.adjoint.fn
        expected = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                    if p.default is not inspect.Parameter.empty}
        got = registry._defaults(fn)
        assert list(got) == list(expected), fn.__qualname__
        assert all(got[name] is expected[name] for name in expected), fn.__qualname__
