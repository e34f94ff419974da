"""Which of the user's ops a runtime helper of s2sad's rules serves: the refusal of a
derivative of a higher order than s2sad's rules reach names the op the user wrote
(``np.linalg.svd``), not the helper its rule calls (``svd_factors_dot``).

:func:`runtime_helper_of` says whether a callee is such a helper; :func:`owners` the
labels of the ops whose rules call it, directly or through the rules of other helpers
(read from the names each rule's function reads: its bytecode, no parsing).
"""

import types

from . import registry

#: the modules of the helpers generated derivative code calls
_HELPER_MODULES = ("s2sad.runtime", "s2sad.runtime_forward", "s2sad.scipy_special_runtime")


def runtime_helper_of(target):
    """Whether ``target`` is a helper of s2sad's own rules (not a function of the user
    or of a library)."""
    module = getattr(target, "__module__", None) or ""
    return any(module == m or module.startswith(m + ".") for m in _HELPER_MODULES)


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _read_by(template):
    """The helpers a rule's template reads (by name, or as an attribute of a module)."""
    fn = getattr(template, "fn", None)
    found = [v for v in getattr(template, "free", {}).values() if runtime_helper_of(v)]
    code = getattr(fn, "__code__", None)
    if code is not None and runtime_helper_of(fn):
        return found   # (a derived tangent: ``fn`` is the op itself)
    if code is not None:
        spaces = [fn.__globals__] + [vars(m) for m in registry._RUNTIME_MODULES]
        for name in _code_names(code):
            for space in spaces:
                value = space.get(name)
                if callable(value) and runtime_helper_of(value):
                    found.append(value)
                    break
    return found


def _users():
    """helper id -> the targets of the rules that read it."""
    users = {}
    for rule in list(registry._RULES.values()):
        for template in (rule.adjoint, rule.tangent):
            if template is None:
                continue
            for helper in _read_by(template):
                users.setdefault(id(helper), []).append(rule.target)
    return users


def _label(target):
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", "")
    if module == "numpy" or module.startswith("numpy."):
        module = "np" + module[len("numpy"):]
    elif not module:   # (a ufunc: numpy's)
        module = "np"
    return f"{module}.{name}" if module else name


def owners(helper, limit=3):
    """The sorted labels of the user's ops whose rules call ``helper`` (through other
    helpers' rules too); None where there are more than ``limit`` or none."""
    users, seen, found = _users(), {id(helper)}, set()
    todo = [helper]
    while todo:
        for target in users.get(id(todo.pop()), ()):
            if id(target) in seen:
                continue
            seen.add(id(target))
            if runtime_helper_of(target):
                todo.append(target)
            else:
                found.add(_label(target))
    return sorted(found) if 0 < len(found) <= limit else None
