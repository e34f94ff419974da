"""The GradBench ports live in benchmarks/gradbench (``evals`` and ``tool``):
put that directory on the path. No GradBench checkout is needed."""

import sys
from pathlib import Path

PORTS = Path(__file__).resolve().parents[2] / "benchmarks" / "gradbench"
if str(PORTS) not in sys.path:
    sys.path.insert(0, str(PORTS))
