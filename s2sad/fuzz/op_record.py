"""One row of the fuzzer's operation tables (:mod:`s2sad.fuzz.ops`), and the shapes
the rows read and return."""

from dataclasses import dataclass

S, V, W, M = (), (3,), (2,), (2, 3)
SHAPES = (S, V, W, M)
LIM = 4.0          # values whose estimated bound exceeds this are squashed


@dataclass(frozen=True)
class Op:
    feature: str
    ins: tuple          # input shapes, or "T"
    out: object         # output shape, or "T"
    fmt: str            # format with {0}, {1}
    bound: object       # bounds of inputs -> bound of output
    limit: float = LIM  # inputs with a larger bound are squashed first
    weight: float = 1.0
