"""Activity analysis: which names need an adjoint.

Input: a normalized function body (see ``syntax.normalize``), the ``wrt``
parameter names, and the names the function returns.
Output: an :class:`Activity` with ``varied`` (depends on a wrt input through
differentiable operations), ``useful`` (reaches an output through
differentiable operations) and ``active`` (both).  Only active names get an
adjoint; every other statement stays in the forward sweep untouched.
"""

from dataclasses import dataclass
from typing import FrozenSet


from . import ops


@dataclass(frozen=True)
class Activity:
    varied: FrozenSet[str]
    useful: FrozenSet[str]

    @property
    def active(self):
        return self.varied & self.useful

    def is_active(self, name):
        return name in self.varied and name in self.useful


def analyze(body, wrt, outputs) -> Activity:
    """Loops feed values back, so both sweeps repeat until nothing changes."""
    simple = list(ops.flatten(body))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for stmt in simple:
            targets = ops.targets(stmt)
            if targets - varied and ops.carries_derivative(stmt) \
                    and ops.differentiable_reads(stmt) & varied:
                varied.update(targets)
                changed = True
    useful = set(outputs)
    changed = True
    while changed:
        changed = False
        for stmt in reversed(simple):
            targets = ops.targets(stmt)
            if targets & useful and ops.carries_derivative(stmt):
                reads = ops.differentiable_reads(stmt)
                if reads - useful:
                    useful |= reads
                    changed = True
    return Activity(frozenset(varied), frozenset(useful))
