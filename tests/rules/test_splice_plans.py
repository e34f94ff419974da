"""``template.splice`` copies a template through a plan made once per template tree: every
splice must give what a plain substitution gives, new nodes each time, the template kept."""

import copy

import gast

from s2sad.rules import registry, template
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import anno


class _Namer:
    """Fresh names ``<name>_<n>``, counted per namer (as a function's namer does)."""

    def __init__(self):
        self.count = 0

    def fresh(self, name):
        self.count += 1
        return f"{name}_{self.count}"


def _bindings(params):
    """Each parameter bound to a name of its own, the second to an expression holding a
    call (a bound node is copied, and its calls trimmed, too)."""
    bound = {p: gast.Name(id=f"arg_{p}", ctx=gast.Load(), annotation=None, type_comment=None)
             for p in params}
    if len(params) > 1:
        bound[params[1]] = gast.parse(f"f(arg_{params[1]}) * 2.0").body[0].value
    return bound


def _by_substitution(tmpl, bindings, renames):
    """What splice gives, made another way: a deep copy of the template with each
    parameter read replaced by a deep copy of its binding, locals renamed, free names
    (``np`` too: generated reads of it are told from a user's global ``np``) marked as
    helpers, then default arguments trimmed."""
    class Substitute(gast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in bindings and isinstance(node.ctx, gast.Load):
                return copy.deepcopy(bindings[node.id])
            if node.id in renames:
                node.id = renames[node.id]
            else:
                anno.set(node, anno.HELPER_NAME, True)
            return node

    body = [Substitute().visit(copy.deepcopy(s)) for s in tmpl.body]
    result = Substitute().visit(copy.deepcopy(tmpl.result))
    for tree in body + [result]:
        template.trim_default_arguments(tree, tmpl.free)
    return body, result


def _dump(trees):
    return [gast.dump(t) for t in trees]


def _helpers(trees):
    return sorted(n.id for t in trees for n in gast.walk(t)
                  if isinstance(n, gast.Name) and anno.get(n, anno.HELPER_NAME))


def test_every_builtin_template_splices_as_a_substitution_does():
    load_builtin_rules()
    seen = 0
    for rule in list(registry._RULES.values()):
        for tmpl in (rule.adjoint, rule.tangent):
            if tmpl is None or not tmpl.params \
                    or not tmpl.fn.__module__.startswith("s2sad."):   # (s2sad's own: not
                continue   # a test's rule, which may read a name on purpose undefined)
            before = _dump(list(tmpl.body) + [tmpl.result])
            bindings = _bindings(tmpl.params)
            copies = []
            for _ in range(2):   # the second splice reads the plan the first made
                statements, results = template.splice(tmpl, bindings, _Namer())
                counter = _Namer()
                renames = {name: counter.fresh(name) for name in tmpl.assigned}
                body, expected = _by_substitution(tmpl, bindings, renames)
                expected = expected.elts if isinstance(expected, gast.Tuple) else [expected]
                label = getattr(tmpl.fn, "__qualname__", tmpl.fn)
                assert _dump(statements) == _dump(body), label
                assert _dump(results) == _dump(expected), label
                assert _helpers(statements + results) == _helpers(body + expected), label
                copies.append(statements + results)
            # new nodes at every splice, nothing shared with the template or between copies
            first = {id(n) for t in copies[0] for n in gast.walk(t)}
            second = {id(n) for t in copies[1] for n in gast.walk(t)}
            kept = {id(n) for t in list(tmpl.body) + [tmpl.result] for n in gast.walk(t)}
            bound = {id(n) for b in bindings.values() for n in gast.walk(b)}
            assert not first & second and not (first | second) & (kept | bound), label
            assert _dump(list(tmpl.body) + [tmpl.result]) == before, label
            seen += 1
    assert seen > 600
