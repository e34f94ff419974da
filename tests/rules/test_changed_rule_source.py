"""A rule's source is read when the rule is first used: where its file changed on disk
since the import (a checkout or a merge while Python runs), the lines read are another
function's, and parsing them raised an internal error naming s2sad's own rule
(stranger13's bug14: "rule ensure_real_target_tangent: only 'name = expression'
statements may precede the return").  It now says the file changed."""

import importlib.util
import linecache

import pytest

from s2sad.errors import RuleDefinitionError
from s2sad.rules.parsing import parse_template

RULES = '''
def first_rule(y, y_bar, x):
    return y_bar * 2.0


def second_rule(y, y_bar, x):
    k = 3.0
    return y_bar * k
'''


def _module(path):
    spec = importlib.util.spec_from_file_location("changed_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_rule_read_from_a_file_changed_since_the_import_is_refused_as_such(tmp_path):
    path = tmp_path / "changed_rules.py"
    path.write_text(RULES)
    module = _module(path)
    assert parse_template(module.first_rule).params == ("y", "y_bar", "x")
    # two lines more above: the second rule's lines now hold other text
    path.write_text("import math\nSCALE = 2.0\n" + RULES.replace("k = 3.0", "for _ in ():\n        pass\n    k = 3.0"))
    linecache.clearcache()
    with pytest.raises(RuleDefinitionError, match="the source of rule second_rule changed on "
                                                  "disk since changed_rules was imported"):
        parse_template(module.second_rule)


def test_an_unchanged_rule_is_read():
    from s2sad.runtime.guards import ensure_real_target_tangent
    template = parse_template(ensure_real_target_tangent)
    assert template.params[0] == "out"
