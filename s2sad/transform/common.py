"""What reverse and forward transforms share: comments, rule lookup, results."""

from dataclasses import dataclass, field
from typing import Any, Dict, List

import gast

from ..errors import NoDerivativeRuleError, UnsupportedSyntaxError
from ..rules import registry
from ..syntax import anno, nodes

#: generated code marks a comment with a call to this name; ``emit`` turns it into '# ...'
COMMENT_MARKER = "__s2sad_comment__"


@dataclass
class Generated:
    """A transform's output: the function, its comments, and the names it reads."""

    node: Any                          # gast.FunctionDef
    comments: List[str]
    bindings: Dict[str, Any] = field(default_factory=dict)   # free name -> object
    wrt: tuple = ()
    flavor: str = ""


def comment(comments, text):
    comments.append(text)
    return nodes.expr_stmt(nodes.call(nodes.name(COMMENT_MARKER),
                                      [nodes.const(len(comments) - 1)]))


def describe(source):
    """``line 12: z = x * w`` for a SourceRef."""
    text = source.text.replace("\n", "\n#   ")
    return f"line {source.line}: {text}"


def rule_for(value, parsed, need):
    """The rule of a normalized operation, or a located error naming the callee.

    ``need`` is "adjoint" or "tangent".
    """
    target = registry.operation_target(value)
    rule = registry.lookup(target)
    if rule is not None and getattr(rule, need) is not None:
        return rule
    site = getattr(value, "s2sad_call_site", value)
    location = parsed.location(site)
    if isinstance(value, gast.Call):
        label = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) \
            or repr(target)
        module = getattr(target, "__module__", None)
        if module and module not in ("builtins",) and not label.startswith(module):
            label = f"{module}.{label}"
        if rule is not None and rule.nondifferentiable:  # pragma: no cover - activity skips
            raise AssertionError("nondifferentiable call reached the transform")
        what = "derivative rule" if need == "adjoint" else "tangent (forward-mode) rule"
        hint = (f"register one with @s2sad.adjoint({label}) (and @s2sad.tangent for forward "
                f"mode), or declare its output constant with s2sad.nondifferentiable({label})")
        if callable(target) and hasattr(target, "__code__"):
            hint = ("calls to Python helper functions are not differentiated yet: inline the "
                    "helper's body, or " + hint)
        raise NoDerivativeRuleError(f"no {what} for {label}", location, hint=hint)
    raise UnsupportedSyntaxError(
        f"the operation '{type(value).__name__}' cannot be differentiated here", location)


def collect_bindings(template, bindings):
    """Record the free names a spliced template reads (np, runtime helpers)."""
    for name, obj in template.free.items():
        bindings.setdefault(name, obj)


def source_of(stmt):
    return anno.get(stmt, anno.SOURCE)


def runtime_helper(name):
    """The runtime function ``name`` (imported lazily: the core never imports numpy)."""
    import importlib
    return getattr(importlib.import_module("s2sad.runtime"), name)


def numpy_module():
    import importlib
    return importlib.import_module("numpy")


def is_comment(stmt):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name) and stmt.value.func.id == COMMENT_MARKER)


def drop_orphan_comments(body):
    """Remove comment markers that no longer precede a statement of their block."""
    kept = []
    for stmt in body:
        if kept and is_comment(kept[-1]) and (
                is_comment(stmt) or isinstance(stmt, (gast.Return, gast.FunctionDef))):
            kept.pop()
        kept.append(stmt)
    while kept and is_comment(kept[-1]):
        kept.pop()
    return kept
