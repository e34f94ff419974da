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
    varied = set(wrt)
    for stmt in body:
        targets = ops.targets(stmt)
        if not targets:
            continue
        if ops.carries_derivative(stmt) and ops.differentiable_reads(stmt) & varied:
            varied.update(targets)
    useful = set(outputs)
    for stmt in reversed(body):
        targets = ops.targets(stmt)
        if targets & useful and ops.carries_derivative(stmt):
            useful |= ops.differentiable_reads(stmt)
    return Activity(frozenset(varied), frozenset(useful))
