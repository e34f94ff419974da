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
    # (targets, differentiable reads) of each simple statement that carries a
    # derivative, worked out once for all the passes of both sweeps
    flows = [flow for stmt in ops.flatten(body) if ops.carries_derivative(stmt)
             for flow in ops.flows(stmt)]
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for targets, reads, _ in flows:
            if targets - varied and reads & varied:
                varied.update(targets)
                changed = True
    useful = set(outputs)
    changed = True
    while changed:
        changed = False
        for targets, _, reads in reversed(flows):
            if targets & useful and reads - useful:
                useful |= reads
                changed = True
    return Activity(frozenset(varied), frozenset(useful))
