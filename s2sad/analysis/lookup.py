"""What an operation or a call of normalized code resolves to.

:func:`rule_for`: an operation (``BinOp``, ``UnaryOp``, ``Call``...) in, its
derivative rule out, or a located error naming the callee.
:func:`call_predicates`: a generated module's bindings in, the predicates
``(allocates, is_function)`` that ``analysis.aliases.origins`` reads.
"""

import builtins
import inspect
import sys
import types

import gast

from ..errors import NoDerivativeRuleError, SharedWriteError, UnsupportedSyntaxError
from ..rules import registry
from ..rules.helper_owners import owners, runtime_helper_of
from ..syntax import anno
from ..syntax.printer import symbol
from ..syntax.normalize.dicts import ARGUMENT_MERGE
from ..syntax.normalize.draw_methods import active_draw_error


def _complex_results(message, label):
    """The refusal of an FFT: a rule for the FFT itself would let complex values into
    rules written for real ones, which take no conjugate (wrong gradients, not refused)."""
    return (message + ": its results are complex, and s2sad differentiates real values",
            f"register a rule for a function of your own that takes and returns real arrays "
            f"and calls {label} inside (def power(x): return np.abs({label}(x)) ** 2, then "
            f"@s2sad.adjoint(power)), or compute the transform with real arrays (np.cos and "
            f"np.sin matrices)")


def _extreme_hint(name):
    """The hint of a ``max``/``min`` call s2sad does not differentiate (key=, default=)."""
    numpy_name = "maximum" if name == "max" else "minimum"
    most, arg = ("largest", "argmax") if name == "max" else ("smallest", "argmin")
    return (f"{name}(xs, key=k) is the item of the {most} key, the first of equal ones: "
            f"xs[np.{arg}([k(v) for v in xs])] (of a list or an array xs; of "
            f"{name}(a, b, key=k), xs = [a, b]); {name}(xs, default=d) is {name}(xs) if "
            f"len(xs) else d; "
            f"{name}(a, b, ...) of values given one by one and {name}(xs) of one "
            f"iterable, without key= or default=, are differentiated (the first of equal "
            f"values is kept, as Python keeps it); so are np.{numpy_name}(a, b) and "
            f"np.{name}(x) of an array (ties share the derivative)")


def rule_for(value, parsed, need):
    """The rule of a normalized operation, or a located error naming the callee.

    ``need`` is "adjoint" or "tangent".
    """
    target = registry.operation_target(value)
    rule = registry.lookup(target)
    if rule is not None and getattr(rule, need) is not None:
        return rule
    site = getattr(value, anno.CALL_SITE, value)
    location = getattr(value, anno.SITE_LOCATION, None) or parsed.location(site)
    if isinstance(value, gast.Call) and target is registry.DICT_HELPERS.get("random_draw"):
        message, hint = active_draw_error(site)
        raise NoDerivativeRuleError(message, location, hint=hint)
    if isinstance(value, gast.Call):
        label = public_label(target, site.func if isinstance(site, gast.Call) else None,
                             parsed)
        if rule is not None and rule.nondifferentiable:  # pragma: no cover - activity skips
            raise AssertionError("nondifferentiable call reached the transform")
        if target in (builtins.zip, builtins.enumerate, builtins.reversed):
            raise _iterator_error(target, label, site, location)
        if runtime_helper_of(target) and location is not None \
                and location.filename.startswith("<s2sad "):
            raise _beyond_rules(target, label, need, location)
        what = "derivative rule" if need == "adjoint" else "tangent (forward-mode) rule"
        register = (f"register one with @s2sad.adjoint({label}) (and @s2sad.tangent for "
                    f"forward mode)")
        hint = (f"{register}, or, only if its output carries no derivative whatever the "
                f"inputs (an integer, an index, a flag), declare it constant with "
                f"s2sad.nondifferentiable({label})")
        message = f"no {what} for {label}"
        carried = None if target in (builtins.max, builtins.min) \
            else _carries_through(target, value, parsed)
        if carried is not None:
            # (its output may depend differentiably on its inputs: declaring it constant
            # would give zeros, so that is never offered)
            message += f": {carried[0]}"
            hint = carried[1].format(register=register)
        elif _other_mode(rule, need) is not None:
            message, hint = _other_mode(rule, need).format(label=label).split("\n")
        elif _frozen_of(target) is not None:
            dist, method = _frozen_of(target)
            message += ": a method of a frozen distribution"
            hint = (f"call the distribution's own method with the parameters it was frozen "
                    f"with: scipy.stats.{dist}.{method}(x, ...), which has a rule")
        elif target is builtins.max or target is builtins.min:
            hint = _extreme_hint(target.__name__)
        elif str(getattr(target, "__module__", "")).startswith(("numpy.fft", "scipy.fft")):
            message, hint = _complex_results(message, label)
        elif callable(target) and getattr(target, "__name__", "") == "<lambda>":
            message += (": a lambda is differentiated only where it is bound to a name "
                        "inside the function; s2sad reads module-level functions from "
                        "their 'def'")
            hint = "define it with 'def' (def name(v): return ...), or " + hint
        elif inspect.ismethod(target) and inspect.isfunction(target.__func__) \
                and not inspect.isclass(target.__self__):
            cls = type(target.__self__).__name__
            name = target.__func__.__name__
            message += (f": a method bound to an object of the class {cls}, which has no "
                        f"name in the module of the code calling it")
            obj = label.rpartition(".")[0] or "obj"
            hint = (f"bind the class to a module-level name ({cls} = type({obj})): s2sad "
                    f"then differentiates the method's def, called as {cls}.{name}({obj}, "
                    f"...); or " + hint)
        elif callable(target) and hasattr(target, "__code__") and not _has_source(target):
            message += ": s2sad cannot read this function's source"
            hint = "define it with 'def' in a module file, or " + hint
        raise NoDerivativeRuleError(message, location, hint=hint)
    if isinstance(value, (gast.BinOp, gast.UnaryOp)) and symbol(value.op) is not None:
        # (p | q of arguments: refused for the arguments the code is made for; made for
        # dict arguments, it merges them)
        error = SharedWriteError if getattr(value, ARGUMENT_MERGE, False) \
            else UnsupportedSyntaxError
        raise error(
            f"the operator '{symbol(value.op)}' cannot be differentiated here", location,
            hint="bitwise operators have no derivative; to merge dicts, write "
                 "d.update(other) or d = d | other where the code shows 'd' to be a dict "
                 "(d['key'], a dict literal, dict(...))")
    raise UnsupportedSyntaxError(
        f"the operation '{type(value).__name__}' cannot be differentiated here", location)


def _vectorized(target):
    """Whether ``target`` is an ``np.vectorize`` object (numpy is not imported here)."""
    cls = type(target)
    return cls.__name__ == "vectorize" and str(cls.__module__).startswith("numpy")


def _vectorize_error(target, site, location):
    """The refusal of a call of an ``np.vectorize(f)`` object, named as the code spells
    it (``VSOFT``), with the code that is differentiated in its place."""
    func = site.func if isinstance(site, gast.Call) else None
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    spelled = ".".join([func.id] + path[::-1]) if isinstance(func, gast.Name) \
        else "the vectorized function"
    inner = getattr(getattr(target, "pyfunc", None), "__name__", None)
    inner = inner if isinstance(inner, str) and inner.isidentifier() else "f"
    return NoDerivativeRuleError(
        f"no derivative rule for {spelled}, np.vectorize({inner}): the vectorize object "
        f"calls {inner} once per item itself, where s2sad does not see it",
        location,
        hint=f"call {inner} on each item in the differentiated code, which is "
             f"differentiated: np.reshape([{inner}(v) for v in np.ravel(x)], np.shape(x)) "
             f"(np.array([{inner}(v) for v in x]) of a 1-d x) in place of {spelled}(x); or "
             f"register a rule with @s2sad.adjoint({spelled}) (and @s2sad.tangent for "
             f"forward mode)")


def _other_mode(rule, need):
    """``message\nhint`` (with ``{label}`` to fill) refusing a call whose rule has no
    template for ``need`` but has the other one, else None: a registered rule replaces
    the function's own source in both modes."""
    if rule is None or getattr(rule, "tangent" if need == "adjoint" else "adjoint") is None:
        return None
    if need == "tangent":
        return ("no tangent (forward-mode) rule for {label}, which has an adjoint rule: a "
                "registered rule replaces the function's source, so forward mode needs its "
                "tangent rule too\nregister one with @s2sad.tangent({label})")
    return ("no adjoint (reverse-mode) rule for {label}, which has a tangent rule: a "
            "registered rule replaces the function's source, so reverse mode (and second "
            "order) needs its adjoint rule too\nregister one with @s2sad.adjoint({label})")


def _beyond_rules(helper, label, need, location):
    """The refusal of a call, in code s2sad generated for a derivative, of a helper of
    s2sad's rules that has no rule of its own in the mode ``need``: a derivative of the
    op(s) whose rule calls it (:func:`~s2sad.rules.helper_owners.owners`) of an order
    s2sad does not compute."""
    ops = owners(helper)
    what = " and ".join(ops) if ops else "an op of the differentiated code"
    mode = "reverse" if need == "adjoint" else "forward"
    return registry.runtime_helper("OrderLimitError")(
        f"{what}: a derivative of this order is not computed (s2sad's derivative of "
        f"{'it' if ops else 'the op'}, differentiated again in {mode} mode, calls "
        f"{label}, which has no rule of its own in {mode} mode)", location,
        hint=f"nest fewer derivatives (s2sad.grad, jvp, hvp...) of the code calling "
             f"{' or '.join(ops) if ops else 'it'}")


def _getattr_refusal(call):
    """``(what is refused, hint)`` of a differentiated ``getattr(obj, name)`` that was not read
    as the attribute ``obj.W`` (normalize.choices.builtin_getattr reads a constant
    name, without a default): the attribute's name is not a constant string, or a
    default is given.  Never "declare it constant": its result carries derivatives."""
    args = call.args if isinstance(call, gast.Call) else []
    name = args[1] if len(args) > 1 else None
    constant = isinstance(name, gast.Constant) and isinstance(name.value, str)
    spelled = repr(name.value) if constant else "name"   # (a constant: given a default)
    if constant and len(args) > 2:
        what = (f"an attribute read with a default, getattr(obj, {spelled}, default), is "
                f"not differentiated (s2sad does not follow whether the object has it)")
    else:
        what = ("an attribute whose name is not a constant string, getattr(obj, name), is "
                "not differentiated (s2sad reads an attribute, a namedtuple's field or "
                "an object's, only by a name written in the code, not by the one a "
                "variable holds when the code runs)")
    field = name.value if constant and name.value.isidentifier() else "W"
    hint = (f"write the attribute itself (obj.{field}, or getattr(obj, '{field}') with the "
            f"name as a constant string, without a default); to select by a name known "
            f"when the function is called, branch on it (obj.W if name == 'W' else obj.b); "
            f"or pass the array itself as a parameter")
    return what, hint


#: what to write for a builtin that applies a function or reads an iterator
_HIGHER_ORDER = {
    "map": "read it whole: list(map(f, xs)) (also tuple, sum, sorted, min, max, any or all "
           "of map(...)) is differentiated as the list comprehension [f(v) for v in xs]; "
           "a map object bound to a name is an iterator, which s2sad does not follow",
    "filter": "write the list comprehension [v for v in xs if keep(v)]",
    "reduce": "write the loop: acc = xs[0], then for v in xs[1:]: acc = f(acc, v)",
    "iter": "index the sequence (xs[0], xs[1:]) or loop over it with for",
    "next": "index the sequence (xs[0], xs[1:]) or loop over it with for",
}


#: the refusal of np.piecewise given functions (its hint: a {register} field)
_PIECEWISE = ("it is given functions, whose results may carry derivatives",
              "call each function on the whole array and select: np.select(condlist, "
              "[f(x), g(x)]) (np.where(cond, f(x), g(x)) for two pieces), which is "
              "differentiated, or {register}")


def _is_piecewise(target):
    return getattr(target, "__name__", "") == "piecewise" \
        and getattr(target, "__module__", "") == "numpy"


def refuse_given_lambda(target, call, parsed):
    """Raise, where the call ``call`` of ``target`` gives a lambda that its own refusal
    would otherwise refuse (a lambda passed on), the refusal of the call itself when
    the call is refused whatever function it is given: ``np.piecewise(x, conds, [lambda
    v: ..., ...])`` and ``max``/``min`` with ``key=`` (their hints give the code to
    write; the lambda's would lead to this refusal next)."""
    if target is builtins.max or target is builtins.min:
        if any(kw.arg == "key" for kw in call.keywords):
            raise NoDerivativeRuleError(f"no derivative rule for {target.__name__}",
                                        parsed.location(call),
                                        hint=_extreme_hint(target.__name__))
    elif _is_piecewise(target) and any(
            isinstance(a, gast.Lambda) or isinstance(a, (gast.List, gast.Tuple)) and any(
                isinstance(e, gast.Lambda) for e in a.elts)
            for a in list(call.args) + [kw.value for kw in call.keywords]):
        label = public_label(target, call.func, parsed)
        register = (f"register one with @s2sad.adjoint({label}) (and @s2sad.tangent for "
                    f"forward mode)")
        raise NoDerivativeRuleError(f"no derivative rule for {label}: {_PIECEWISE[0]}",
                                    parsed.location(call),
                                    hint=_PIECEWISE[1].format(register=register))


def _carries_through(target, value, parsed):
    """``(what the callee is, a hint with a {register} field)`` when a call of
    ``target`` without a rule may give an output that depends differentiably on its
    inputs though s2sad cannot see how: a builtin applying a function or reading an
    iterator, a call given a function, a class (a numeric type's constructor); else
    None (for those only, declaring the output constant is offered)."""
    import functools
    if _vectorized(target):   # (refused here, named as the code spells it)
        site = getattr(value, anno.CALL_SITE, value)
        raise _vectorize_error(target, site, parsed.location(site))
    name = getattr(target, "__name__", "")
    if target is builtins.getattr:
        return _getattr_refusal(getattr(value, anno.CALL_SITE, value))
    if target in (builtins.iter, builtins.next):   # (it applies no function)
        return (f"its output holds the items of what it reads, which may carry "
                f"derivatives, and s2sad does not follow an iterator", _HIGHER_ORDER[name])
    if target in (builtins.map, builtins.filter, functools.reduce):
        return (f"its output may carry the derivatives of what it reads, through the "
                f"function it applies", _HIGHER_ORDER[name])
    given = _takes_functions(target, value) or [
        a for a in list(value.args) + [k.value for k in value.keywords]
        if _gives_function(a, parsed)]
    if given and _is_piecewise(target):
        return _PIECEWISE
    if given:
        return ("it is given a function, whose results may carry derivatives",
                "call the function given in the differentiated code itself (a loop, "
                "a comprehension), or {register}")
    if target is _accumulate():
        return ("its output, the running sums of what it reads, carries their derivatives",
                "write np.cumsum(x) of an array, or the loop: acc = xs[0]; sums = [acc]; "
                "for v in xs[1:]: acc = acc + v; sums.append(acc); or {register}")
    if isinstance(target, type):
        numpy = sys.modules.get("numpy")
        numeric = getattr(target, "__module__", "") == "numpy" and numpy is not None \
            and issubclass(target, numpy.generic)   # (a scalar type: np.float32...)
        if getattr(target, "__module__", "") == "numpy" and name in _ARRAY_ITERATORS:
            return (f"{label_of(target)} is a class, whose instances iterate over an "
                    f"array's items and may carry their derivatives",
                    f"loop over the array itself: {_ARRAY_ITERATORS[name]}, which is "
                    "differentiated, or {register}")
        return (f"{label_of(target)} is a class, whose instances may carry the derivatives "
                f"of what it is made from",
                (f"convert with np.array(v, dtype=np.{target.__name__}) or "
                 f"v.astype(np.{target.__name__}), which are differentiated, or "
                 "{register}") if numeric else
                "make the value outside the differentiated function and pass its "
                "numbers as arguments, or {register}")
    return None


#: numpy's classes iterating over an array -> the loop that reads the same items
_ARRAY_ITERATORS = {
    "nditer": "for v in x.ravel() (of a 1-d array: for v in x)",
    "ndenumerate": "for i, v in enumerate(x.ravel()) (of a 1-d array: enumerate(x); the "
                   "index of a 2-d array is (i // n, i % n))",
}


def _accumulate():
    itertools = sys.modules.get("itertools")
    return getattr(itertools, "accumulate", None)


def label_of(target):
    return getattr(target, "__qualname__", None) or getattr(target, "__name__", repr(target))


#: the parameters by which a library function takes functions to call
_FUNCTION_PARAMETERS = frozenset(("func", "fun", "function", "funclist", "pyfunc", "func1d",
                                  "callback", "callable"))


def _takes_functions(target, call):
    """Whether ``target`` takes functions by a parameter so named (``np.piecewise``'s
    ``funclist``, ``np.apply_along_axis``'s ``func1d``) and the call ``call`` gives it,
    by position or by name: whatever the argument looks like at the call (a local name
    bound to a list of functions).  (``itertools.accumulate(xs)`` gives none: it adds.)"""
    try:
        params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        return False
    named = {kw.arg for kw in call.keywords}
    return any(p.name in _FUNCTION_PARAMETERS and (
        p.name in named or p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and k < len(call.args)) for k, p in enumerate(params))


def _gives_function(atom, parsed):
    """Whether the argument ``atom`` is a function, or a literal container holding one
    (``np.piecewise(x, conds, [neg, sqr])``), or a lambda."""
    if isinstance(atom, (gast.List, gast.Tuple, gast.Set)):
        return any(_gives_function(e, parsed) for e in atom.elts)
    if isinstance(atom, gast.Dict):
        return any(_gives_function(e, parsed) for e in atom.values if e is not None)
    if isinstance(atom, gast.Starred):
        return _gives_function(atom.value, parsed)
    return isinstance(atom, gast.Lambda) or _names_function(atom, parsed)


def _names_function(atom, parsed):
    """Whether the atom ``atom`` (a global name, ``np.tanh``) names a function."""
    if not isinstance(atom, (gast.Name, gast.Attribute)):
        return False
    try:
        obj = parsed.resolve_callee(atom)
    except Exception:   # (a local name: no object)
        return False
    return callable(obj) and not isinstance(obj, type) and not inspect.ismodule(obj)


def _frozen_of(target):
    """``(distribution name, method)`` when ``target`` is a method of a frozen scipy
    distribution (``st.norm(0, 2).logpdf``, which holds its distribution as ``.dist``)."""
    owner = getattr(target, "__self__", None)
    dist = getattr(owner, "dist", None)
    method = getattr(target, "__name__", "")
    name = getattr(dist, "name", None)
    if isinstance(name, str) and method and hasattr(dist, method):
        return name, method
    return None


def refuse_undefined(rule, bound, carries, value, parsed):
    """Refuse a call whose argument carries a derivative where ``rule`` has none
    (``rule.no_derivative``); ``carries(atom)`` says whether an atom carries one."""
    for param, why in rule.no_derivative.items():
        atom = bound.get(param)
        if atom is not None and carries(atom):
            site = getattr(value, anno.CALL_SITE, value)
            label = public_label(rule.target, site.func if isinstance(site, gast.Call)
                                 else None, parsed)
            raise NoDerivativeRuleError(
                f"{label} has no derivative in its argument {param!r}, which carries one "
                f"here: {why}", parsed.location(site),
                hint=f"pass {param!r} a value that carries no derivative (a constant, or "
                     f"one computed from no differentiated argument)")


def public_label(target, func, parsed):
    """The name a user would import ``target`` by: the callee ``func`` as written with
    its root module spelled out (``st.t.logpdf`` -> ``scipy.stats.t.logpdf``), else the
    target's module without its private submodules where the public one holds it
    (``scipy.special._logsumexp.logsumexp`` -> ``scipy.special.logsumexp``)."""
    path = []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    if path and isinstance(func, gast.Name):
        root = parsed.resolve(func.id, None)
        if inspect.ismodule(root):
            return ".".join([root.__name__] + path[::-1])
        if getattr(target, "__self__", None) is not None:
            return ".".join([func.id] + path[::-1])   # a method of a global object, as written
    label = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if label is None and isinstance(func, gast.Name):   # (an object called: M(x), as
        return ".".join([func.id] + path[::-1])         # written, never its address)
    label = label or f"a {type(target).__qualname__} object"
    module = getattr(target, "__module__", None)
    if not module or module == "builtins" or label.startswith(module):
        return label
    parts = module.split(".")
    # (without its private parts, or spelled without their underscore: _functools.reduce
    # is functools.reduce)
    for public in (".".join(p for p in parts if not p.startswith("_")),
                   ".".join(p.lstrip("_") for p in parts)):
        holder = sys.modules.get(public) if public else None
        if public != module and getattr(holder, getattr(target, "__name__", ""), None) is target:
            return f"{public}.{label}"
    return f"{module}.{label}"


def _has_source(func):
    try:
        inspect.getsourcelines(func)
    except (OSError, TypeError):
        return False
    return True


def call_predicates(bindings):
    """``(allocates, is_function)`` for :func:`s2sad.analysis.aliases.origins`: whether a
    call always returns a new object, and whether it calls a module's function (not a
    method of a value), by the callee annotation or the generated module's
    ``bindings``."""

    def callee(call):
        found = anno.get(call, anno.CALLEE)
        return found if found is not None else _resolve(call.func, bindings)

    def allocates(call):
        found = callee(call)
        return found is not None and not any(k.arg == "out" for k in call.keywords) \
            and registry.allocates(found)

    def is_function(call):
        return callee(call) is not None

    return allocates, is_function


def _resolve(func, bindings):
    """The object a callee expression names through ``bindings`` (modules only)."""
    if isinstance(func, gast.Name):
        return bindings.get(func.id)
    if isinstance(func, gast.Attribute):
        base = _resolve(func.value, bindings)
        if isinstance(base, types.ModuleType):
            return getattr(base, func.attr, None)
    return None


def _iterator_error(target, label, site, location):
    """The refusal of ``zip``, ``enumerate`` or ``reversed`` where s2sad does not read
    it: kept under a name (an iterator Python empties once), or ``zip(..., strict=...)``."""
    example = {builtins.zip: "zip(x, y)", builtins.enumerate: "enumerate(x)",
               builtins.reversed: "reversed(x)"}[target]
    read = ("as the iterable of a for loop or a comprehension, given to list(), tuple(), "
            "sum(), min(), max(), sorted(), any() or all(), or unpacked (a, b = ...)")
    if target is builtins.zip and isinstance(site, gast.Call) and site.keywords:
        return UnsupportedSyntaxError(
            f"{label}(...) is supported over sequences given by position, as in for a, b "
            f"in zip(x, y):, read {read}; not with keywords", location,
            hint="write zip(x, y) without strict=... (the loop stops at the shortest "
                 "sequence; check the lengths yourself where they must match)")
    return UnsupportedSyntaxError(
        f"{label}(...) is supported read whole where it is made: {read}; not as an "
        f"iterator kept under a name, which Python empties once", location,
        hint=f"read it where you make it: items = list({example}), or loop directly over "
             f"{example}")

