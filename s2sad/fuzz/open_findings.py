"""s2sad's open findings that the checker knows by sight: failures of gap_forms' features
that the README lists as open ("Trust and speed, measured"), each a row of the feature, the
mode (or any), the kind of failure and words of its message, and the open kind it is
reported as (``open:...``): a skip of its own, never a pass, while the other modes of the
program are checked all the same.  A new open finding is a row here."""

#: s2sad's open findings of gap_forms' features (README, "Trust and speed, measured"):
#: (feature, mode or None, kind of failure, words of the message, the open kind)
OPEN_FINDINGS = (
    # (fixed since, with regression tests: items of an array parameter in a list
    # ([x[0], x[1] * 2.0]) beside an in-place write into it (x *= -0.75), refused as a
    # write changing the list that holds x: tests/programs/test_written_items.py; a
    # recursive helper mapping a nested container ([rm(c) for c in t], np.cos(t) * t)
    # read after a write into its argument, refused as one that may return it
    # (tests/programs/test_recursive_returns.py); the second
    # derivatives of map(h, xs), of sum(lists, []), a defaultdict or a Counter in a
    # helper; a partial with a default
    # parameter; a module lambda taken for one that may return its argument; a Hessian
    # with respect to an empty array writing into the caller's arrays; ravel('K') of a
    # strided argument; a jacobian through a partial or a lambda printing per sweep; a
    # pole's Python float divided by zero in the derivative of f reached through the
    # module's lambda, unlocated: tests/api/test_lambda_poles.py, its column and the
    # function's own ZeroDivisionError: test_lambda_pole_columns.py; partial(q, a=2.0)
    # called with a later parameter by keyword: test_partial_keywords.py and
    # test_partial_later_inside.py; the out=None idiom through a wrapper passing None:
    # tests/programs/test_none_forwarded.py, with an else branch: test_none_buffer_else.py;
    # fuzz25's: a module's object given to a helper setting its attribute, read by f
    # reached through a wrapper (@deco, functools.partial), not refused (a wrong value),
    # and every module object of a user's class f reads refused beside such a helper
    # given a local object: tests/api/test_helper_attribute_writes.py)
)


def _open_finding(prog, mode, kind, message):
    """``kind``, or the open kind of a known finding of s2sad's it is (never a pass)."""
    for feature, at, was, words, opened in OPEN_FINDINGS:
        if feature in prog.features and at in (None, mode) and kind == was \
                and words in message:
            return opened
    return kind
