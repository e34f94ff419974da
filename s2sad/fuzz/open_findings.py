"""s2sad's open findings that the checker knows by sight: failures of gap_forms' features
that the README lists as open ("Trust and speed, measured"), each a row of the feature, the
mode (or any), the kind of failure and words of its message, and the open kind it is
reported as (``open:...``): a skip of its own, never a pass, while the other modes of the
program are checked all the same.  A new open finding is a row here."""

#: s2sad's open findings of gap_forms' features (README, "Trust and speed, measured"):
#: (feature, mode or None, kind of failure, words of the message, the open kind)
OPEN_FINDINGS = (
    # the second derivatives of list(map(h, xs)), a helper of the user's: s2sad's inliner
    # looks up a helper it never parsed
    ("map_call", "second", "crash:KeyError", "helper_sources", "open:map-helper-second-order"),
    # functools.partial(f, kq=...) called with an argument of a parameter that has a
    # default (f(x, ob=None, *, kq), partial(f, kq=0.5)(x, ob)): the generated function
    # takes only the parameters without one
    ("entry_partial", None, "crash:TypeError", "positional argument",
     "open:partial-default-parameter"),
    # a module-level lambda that never returns its argument taken for one that may: a
    # false refusal where f writes into the array after the call
    ("module_lambda", None, "rejected:UnsupportedSyntaxError",
     "<lambda> may return its argument", "open:lambda-may-return-argument"),
    # sum(list_of_lists, []) in f made a helper (by the partial or the lambda around it):
    # its second derivatives crash (or are wrong: test_fuzz_gap_forms's reproducer)
    ("sum_lists", "second", "crash:ValueError", "cannot be reduced to shape",
     "open:sum-lists-helper-second-order"),
    # a defaultdict accumulator in f made a helper: second derivatives refused
    ("dict_accumulator", "second", "rejected:UnsupportedSyntaxError", "holds a defaultdict",
     "open:defaultdict-helper-second-order"),
    # a Counter() accumulator in a helper (or a decorated f): its second derivatives
    # read a key of the Counter never written (its keys 'u' and 'w')
    ("dict_accumulator", "second", "crash:KeyError", "KeyError: 'u'",
     "open:counter-helper-second-order"),
    ("dict_accumulator", "second", "crash:KeyError", "KeyError: 'w'",
     "open:counter-helper-second-order"),
    # hessian with respect to an empty array only: f runs on the caller's own arrays,
    # and a write into one (ob[0] = ...) changes it
    ("empty_arg", "second", "mutated-input", "in place: hessian",
     "open:hessian-empty-writes-argument"),
    # a pole's Python float divided by zero in the derivative of f reached through the
    # module's lambda: unlocated (a SingularPointError without a location, or numpy's
    # ZeroDivisionError itself), where f's own derivative names the line
    ("entry_lambda", None, "pole-unlocated", "", "open:lambda-pole-unlocated"),
    ("entry_lambda", None, "pole-misplaced", "SingularPointError at line 0",
     "open:lambda-pole-unlocated"),
    # ravel('K') of a strided (non-contiguous) argument: refused at run time with the
    # place in its message but no location on the error (REFUSABLE once located)
    ("input_layout", None, "rejected:NoDerivativeRuleError",
     "neither C- nor Fortran-contiguous is not differentiated", "open:flatten-k-unlocated"),
    # jacobian of f through the partial or the lambda: f's prints and warnings once per
    # sweep (of f itself: once)
    ("entry_partial", None, "effects", "jacobian: its", "open:entry-jacobian-effects"),
    ("entry_lambda", None, "effects", "jacobian: its", "open:entry-jacobian-effects"),
)


def _open_finding(prog, mode, kind, message):
    """``kind``, or the open kind of a known finding of s2sad's it is (never a pass)."""
    for feature, at, was, words, opened in OPEN_FINDINGS:
        if feature in prog.features and at in (None, mode) and kind == was \
                and words in message:
            return opened
    return kind
