"""The tape: values the forward sweep saves for the backward sweep, and the call
spellings of its push and pop that second-order code uses.
"""

from ..syntax.anno import TAPE_OP


class Stack(list):
    """The tape: values the forward sweep saves for the backward sweep.

    One instance lives inside one call of a generated function, so two calls
    (in two threads, or a gradient inside a gradient) never share a tape.
    ``push`` is ``list.append`` and ``pop`` is ``list.pop``, both in C: they
    run once per saved value, so the tape of a scalar loop costs no more than
    the list a hand-written gradient would keep.
    """

    __slots__ = ()
    push = list.append

    def copy(self):
        """A second tape with the same values, so a pullback can run more than once."""
        return Stack(self)



def tape_push(tape, value, key):
    """``tape.push(value)``: how second-order code spells a push for the normalizer.

    The forward transform turns it back into ``tape.push(value)`` (and
    ``tape.push(value_dot)``); ``key`` pairs it with its pops.
    """
    tape.push(value)
    return value



def tape_pop(tape, key):
    """``tape.pop()``, spelled as a plain call (see :func:`tape_push`)."""
    return tape.pop()



setattr(tape_push, TAPE_OP, "push")



setattr(tape_pop, TAPE_OP, "pop")



def reversed_range(*bounds):
    """``reversed(range(*bounds))`` as a sequence (it has a length and items)."""
    return range(*bounds)[::-1]

