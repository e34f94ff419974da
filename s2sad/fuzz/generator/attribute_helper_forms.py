"""Terms of ``f``'s value reading an attribute a helper of the user's sets on the object it
is given (fixattr25: ``def bump(c): c.n = c.n + 0.5; return 0.0`` called on each trip of a
loop whose body then reads ``c.n``; reverse mode took the last trip's value for every
trip, 12 for 9):

- ``attribute_helper_loop``: ``f`` makes a local object ``ao{n} = Ah{n}()`` (its
  ``__init__`` sets ``self.n = 1.0``) and, on each trip of a ``for`` over ``range(3)`` or
  a ``while``, calls the helper ``ah{n}`` (or ``aw{n}``, a helper calling it) setting
  ``ac.n`` from its old value, then reads ``ao{n}.n`` in a nonlinear term of a parameter
  (and sometimes before the call too).  Differentiated in reverse and forward mode;
  second order puts the helper's body in place of its call and refuses its attribute
  write, located on it, by design (``refusal_tables.REFUSABLE_IN_MODES``);
- ``attribute_helper_module``: the same with a module's object ``AO{n} = Ah{n}()`` the
  helper is given and ``f`` reads: refused in reverse mode on a line naming ``AO{n}``
  (the reverse sweep would read it again after the forward sweep: 10.5 for 9), in second
  order at the helper's write, as above (``MUST_REFUSE`` in those modes); forward mode
  reads it where Python does and must be right.  The helper's step is cyclic over the
  three calls of each call of ``f`` (1.0, 1.5, 0.5, then 1.0 again), so every call of
  ``f`` sees the same values and the finite differences agree.

As ``index_trick_forms``' terms, each is bound at the top of ``f``'s body and added to
what it returns; the choices come from a stream of their own (``term_streams``) and the
names bound are not put in scope, so a program without them is the program of the same
seed without the features.
"""

from s2sad.fuzz.generator.term_streams import choose_terms

FEATURES = ("attribute_helper_loop", "attribute_helper_module")
RATES = {"attribute_helper_loop": 0.06, "attribute_helper_module": 0.06}

#: the class, the helper setting the attribute of the object it is given and the helper
#: calling it (``{n}``: the term's number; ``{step}``: the new value from the old)
HELPERS_TEXT = (
    "class Ah{n}:\n    def __init__(self):\n        self.n = 1.0\n\n"
    "    def inc(self):\n        {method}\n\n\n"
    "def ah{n}(ac):\n    {write}\n    return 0.0\n\n\n"
    "def aw{n}(ac):\n    return ah{n}(ac) + 0.25")
#: how the helper sets the attribute (``{step}``: the new value from ``ac.n``): by name,
#: through a local alias, ``vars``, ``setattr``, or a method of the object (stranger 25:
#: the last four were not seen as writes of a module's object)
WRITES = ("ac.n = {step}", "d = ac\n    d.n = {step}", "vars(ac)['n'] = {step}",
          "setattr(ac, 'n', {step})", "ac.inc()")
#: steps of a local object (any) and of a module's (back to 1.0 after three calls)
LOCAL_STEPS = ("ac.n + 0.5", "ac.n * 1.5", "ac.n - 0.25")
CYCLIC_STEPS = ("ac.n % 1.5 + 0.5", "ac.n % 0.75 + 0.5")
#: the terms read after the call (``{o}``: the object, ``{x}``: the parameter)
AFTER = ("np.sum(np.tanh({x} * {x} * {o}.n))", "np.sum(np.sin({x} * {o}.n) * {x})")
BEFORE = "np.sum(np.cos({x} * {o}.n) * {x}) * 0.5"


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    choose_terms(draft, 0xA725, tuple(zip(FEATURES, (_local_loop, _module_loop))), RATES)


def _local_loop(draft, r, x, n):
    draft.box_helpers.append(_helpers(r, n, r.choice(LOCAL_STEPS)))
    draft.emit(f"ao{n} = Ah{n}()")
    _loop(draft, r, x, n, f"ao{n}")


def _module_loop(draft, r, x, n):
    draft.box_helpers.append(_helpers(r, n, r.choice(CYCLIC_STEPS)) + f"\n\n\nAO{n} = Ah{n}()")
    _loop(draft, r, x, n, f"AO{n}")


def _helpers(r, n, step):
    """The class and helpers of term ``n``, the attribute set one of ``WRITES``' ways."""
    return HELPERS_TEXT.format(n=n, write=r.choice(WRITES).format(step=step),
                               method="self.n = " + step.replace("ac.", "self."))


def _loop(draft, r, x, n, obj):
    """``aq{n}``, the sum over 3 trips of a ``for`` or a ``while`` calling the helper on
    ``obj`` and reading ``obj.n`` after the call (and maybe before it)."""
    total, counter, called = f"aq{n}", f"ai{n}", f"az{n}"
    helper = r.choice((f"ah{n}", f"aw{n}"))
    before = r.random() < 0.5
    after = r.choice(AFTER).format(x=x, o=obj)
    draft.emit(f"{total} = 0.0")
    loop = r.choice(("for", "while"))
    if loop == "for":
        draft.emit(f"for {counter} in range(3):")
    else:
        draft.emit(f"{counter} = 0")
        draft.emit(f"while {counter} < 3:")
    if before:
        draft.emit(f"    {total} = {total} + {BEFORE.format(x=x, o=obj)}")
    draft.emit(f"    {called} = {helper}({obj})")
    draft.emit(f"    {total} = {total} + {after} + {called}")
    if loop == "while":
        draft.emit(f"    {counter} = {counter} + 1")
    draft.return_terms.append(total)
