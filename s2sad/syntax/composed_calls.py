"""Calls of a derivative made inside a differentiated function (``s2sad.hvp(e2)(x, w, v)``
written in ``f``), bound as the API binds a call of it at top level: the function's
arguments (defaults left out or given by name), then the directions by position.  Read by
the transforms (``transform.calls``) and by the normalizer where it inlines the
derivative's code (second order).  Plain syntax: a gast call in, its arguments out."""

import gast

from ..errors import UnsupportedSyntaxError
from . import anno
from .call_errors import python_call_error
from .wrappers import signature


#: defaults a composed derivative's call may leave out: spelled as constants
_CONSTANTS = (bool, int, float, complex, str, type(None))


def bind_as_the_api(form, sig, call, site, composed):
    """The arguments of a call of the composed derivative ``form`` (parameters: the user
    function's, then the directions) bound as the API binds a call of the derivative: the
    last positional arguments are the directions, the others the function's, defaults
    applied (``hvp(e2)(x, w, v)`` of ``e2(x, w, c=2.0)``).  A call the function would not
    take is refused in Python's words; None where the function's parameters are not all
    plain positional ones (the form's own binding's message then)."""
    user = form.__dict__.get(anno.COMPOSED_FROM, (None,))[0]
    try:
        own = signature(user)
    except (TypeError, ValueError):
        return None
    params = list(own.parameters.values())
    names = list(sig.parameters)
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in params) \
            or names[:len(params)] != [p.name for p in params]:
        return None
    directions = [n for n in names[len(params):] if sig.parameters[n].default is sig.empty]
    count = len(directions)
    head, given = call.args[:len(call.args) - count], call.args[len(call.args) - count:]
    keywords = {k.arg: k.value for k in call.keywords}
    wrong = python_call_error(user, head, keywords) if len(given) == count else None
    if wrong is not None or len(given) != count or None in keywords:
        what = f"{count} direction(s) ({', '.join(directions)})" if count else "nothing"
        raise UnsupportedSyntaxError(
            f"cannot match the call to {composed}: it takes {user.__name__}'s arguments, "
            f"then {what}; " + (f"given those, {wrong}" if wrong is not None else
                                f"it was given {len(call.args)} positional argument(s)"),
            site, hint=f"call it as at top level: {user.__name__}'s arguments" + (
                ", then the directions by position" if count else "")) from None
    bound = own.bind(*head, **keywords).arguments
    arguments = {}
    for p in params:
        if p.name in bound:
            arguments[p.name] = bound[p.name]
        elif p.default.__class__ in _CONSTANTS:
            arguments[p.name] = gast.Constant(value=p.default, kind=None)
        else:
            return None   # (a default no constant spells: given by position, as said)
    arguments.update(zip(directions, given))
    # the call as the form takes it (every parameter by position, then the directions),
    # as what differentiates it reads the call itself
    call.args, call.keywords = list(arguments.values()), []
    return arguments


def rebind_composed_call(form, call, site):
    """Rewrite ``call`` of the composed derivative ``form`` to take every parameter by
    position where it does not bind as written (``hvp(e2)(x, w, v)`` leaving out ``c``,
    ``jvp(h, wrt=1)(a, b, t, c=...)``); a call the function would not take is refused."""
    sig = signature(form)
    try:
        sig.bind(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
    except TypeError:
        bind_as_the_api(form, sig, call, site, form.__dict__[anno.COMPOSED_AS])
