"""How the checker reads a deliberate s2sad error (a refusal): a derivative order beyond an
op's rules, a point the README lists as having no derivative refused on its line, a located
refusal of a construct s2sad may refuse (the error's column on one of its names, see
:data:`~s2sad.fuzz.refusal_tables.REFUSABLE`), a refusal the README documents, a false
refusal of a line that must work (:data:`~s2sad.fuzz.refusal_tables.MUST_WORK`), or another
rejection; each as the (kind, message) the checker reports, the kind an open finding's
where it is one (:mod:`~s2sad.fuzz.open_findings`)."""

import os
import re

import s2sad.fuzz.outside as outside
from s2sad.fuzz.open_findings import _open_finding
from s2sad.fuzz.refusal_tables import MUST_WORK, REFUSABLE, REFUSABLE_IN_MODES
from s2sad.runtime import NotDifferentiableError, OrderLimitError

def _refused_line(prog, exc):
    """The source line a located s2sad error points at ("" without a location)."""
    location = getattr(exc, "location", None)
    if location is None or not getattr(location, "line", 0):
        return ""
    lines = prog.source.splitlines()
    code = location.code or ""
    if not code and os.path.basename(str(location.filename)).startswith("s2sad_fuzz_") \
            and 0 < location.line <= len(lines):
        code = lines[location.line - 1]
    return code


def _refusable(mode):
    """REFUSABLE, with the constructs refused by design in ``mode`` only
    (REFUSABLE_IN_MODES; none of them where the mode is not known)."""
    table = dict(REFUSABLE)
    table.update({feature: where[mode] for feature, where in REFUSABLE_IN_MODES.items()
                  if mode in where})
    return table


def _refused_construct(prog, exc, table=None, mode=None):
    """The refusable construct (see REFUSABLE) a located s2sad error points at, else None.

    The error must carry a location in the program's source, and its column
    must fall on a name of a construct that may be refused (``al3`` of
    ``al3 += ...``, not ``kw1`` of ``ia4[0] = 2.5 * kw1``): a refusal of
    anything else (or one without a location) stays a failure.  With
    ``table`` (:data:`MUST_WORK`), any refusal on a line of the construct.  A construct
    refused in some modes only counts in ``mode`` if it is one of them.
    """
    code = _refused_line(prog, exc)
    if not code:
        return None
    column = getattr(exc.location, "column", 0) - 1
    anywhere = table is not None
    table = table if anywhere else _refusable(mode)
    for feature in sorted(prog.features & set(table)):
        for match in re.finditer(table[feature], code):
            if anywhere or match.start() <= column < max(match.end(), match.start() + 1):
                return feature
    return None


def _refusal(prog, exc, mode=None):
    """(kind, message) of a deliberate s2sad error: a located refusal of a refusable
    construct (in ``mode``, where some are refused in some modes only), a false refusal of
    a line that must work, or another rejection."""
    if isinstance(exc, OrderLimitError):   # (a nested derivative beyond an op's rules)
        return "order-limit", f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NotDifferentiableError) and _refused_line(prog, exc):
        # a point the README lists as having no derivative ("Functions of numpy and
        # scipy": std of equal values, a singular matrix...), refused on its line while
        # the derivative runs; the differences see the function smooth where the op's
        # argument does not move (np.std(y ** 0): seed 9930823)
        return "no-derivative-here", f"{type(exc).__name__}: {exc}"
    construct = _refused_construct(prog, exc, mode=mode)
    if construct is not None:
        return f"refused:{construct}", f"{type(exc).__name__}: {exc}"
    if outside.documented_refusal(prog, exc):
        return outside.documented_refusal(prog, exc), f"{type(exc).__name__}: {exc}"
    construct = _refused_construct(prog, exc, MUST_WORK)
    if construct is not None:
        return f"false-refusal:{construct}", f"{type(exc).__name__}: {exc}"
    return f"rejected:{type(exc).__name__}", f"{type(exc).__name__}: {exc}"


def _opened_refusal(prog, exc, mode=None):
    """:func:`_refusal`'s (kind, message) (in ``mode``), the kind that of an open finding
    where it is one (any mode's)."""
    kind, message = _refusal(prog, exc, mode)
    return _open_finding(prog, None, kind, message), message
