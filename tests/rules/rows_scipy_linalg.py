"""Op-table rows of the scipy.linalg rules (issue 14); empty without scipy (the only
reason a row is left out, see test_linalg_scipy.py)."""

import numpy as np

import ops_scipy_linalg as F
from optable import Arg, row
from rows_linalg import _shifted, _spd

try:
    import scipy.linalg  # noqa: F401
    HAS_SCIPY = True
except ImportError:  # pragma: no cover - scipy is installed here and in CI
    HAS_SCIPY = False


if HAS_SCIPY:
    # scipy.linalg's rules load at the first lookup that misses once scipy.linalg is
    # imported; the op table's rule census reads the rules loaded: load them now
    from s2sad.rules import optional
    from s2sad.rules.loading import load_builtin_rules
    load_builtin_rules()
    optional.load_pending()


def _well_conditioned(a, *rest):
    return np.linalg.cond(a) < 20 and _pivots_apart(a)


def _pivots_apart(a, *rest):
    """Partial pivoting is piecewise: keep the candidates of each pivot apart, so that
    finite differences do not cross a change of the pivot rows."""
    lu, piv = scipy.linalg.lu_factor(a)
    work = np.array(a, dtype=float)
    for k in range(len(a) - 1):
        col = np.sort(np.abs(work[k:, k]))[::-1]
        if len(col) > 1 and col[0] - col[1] < 0.2:
            return False
        p = k + int(np.argmax(np.abs(work[k:, k])))
        work[[k, p]] = work[[p, k]]
        work[k + 1:] -= np.outer(work[k + 1:, k] / work[k, k], work[k])
    return True


def _small(rng, shape):
    return 0.5 * rng.standard_normal(shape)


def _near_identity(rng, shape):
    """Eigenvalues near 1 (a real square root)."""
    return np.eye(shape[-1]) + 0.2 * rng.standard_normal(shape)


ROWS = [
    row("scipy.linalg.solve_triangular", F.solve_triangular,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2)))),
    row("scipy.linalg.solve_triangular-lower", F.solve_triangular_lower,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2)))),
    row("scipy.linalg.solve_triangular-trans", F.solve_triangular_trans,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2)))),
    row("scipy.linalg.solve_triangular-trans-T", F.solve_triangular_trans_t,
        ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((2, 2), _shifted), Arg((2, 3)))),
    row("scipy.linalg.solve_triangular-unit", F.solve_triangular_unit,
        ("mat-vec", Arg((3, 3), _small), Arg((3,))),
        ("mat-mat", Arg((3, 3), _small), Arg((3, 2)))),
    row("scipy.linalg.inv", F.inv, ("2x2", Arg((2, 2), _shifted)), ("3x3", Arg((3, 3), _shifted))),
    row("scipy.linalg.det", F.det, ("2x2", Arg((2, 2), _shifted)), ("3x3", Arg((3, 3), _shifted))),
    row("scipy.linalg.cholesky", F.cholesky, ("2x2", Arg((2, 2), _spd)),
        ("3x3", Arg((3, 3), _spd))),
    row("scipy.linalg.cholesky-lower", F.cholesky_lower, ("2x2", Arg((2, 2), _spd)),
        ("3x3", Arg((3, 3), _spd))),
    row("scipy.linalg.solve", F.solve, ("mat-vec", Arg((3, 3), _shifted), Arg((3,))),
        ("mat-mat", Arg((3, 3), _shifted), Arg((3, 2)))),
    row("scipy.linalg.solve-pos", F.solve_pos, ("mat-vec", Arg((3, 3), _spd), Arg((3,))),
        ("mat-mat", Arg((3, 3), _spd), Arg((3, 2)))),
    row("scipy.linalg.solve-sym-lower", F.solve_sym_lower,
        ("mat-vec", Arg((3, 3), _spd), Arg((3,))),
        ("mat-mat", Arg((3, 3), _spd), Arg((3, 2)))),
    row("scipy.linalg.expm", F.expm, ("2x2", Arg((2, 2), _small)), ("3x3", Arg((3, 3), _small)),
        ("batch", Arg((2, 2, 2), _small))),
    row("scipy.linalg.sqrtm", F.sqrtm, ("2x2", Arg((2, 2), _near_identity)),
        ("3x3", Arg((3, 3), _near_identity))),
    row("scipy.linalg.cho_solve", F.cho_solve, ("mat-vec", Arg((3, 3), _spd), Arg((3,))),
        ("mat-mat", Arg((3, 3), _spd), Arg((3, 2)))),
    row("scipy.linalg.cho_solve-lower", F.cho_solve_lower,
        ("mat-vec", Arg((3, 3), _spd), Arg((3,))), ("mat-mat", Arg((3, 3), _spd), Arg((3, 2)))),
    row("scipy.linalg.cho_solve-unpacked", F.cho_solve_unpacked,
        ("mat-vec", Arg((3, 3), _spd), Arg((3,))), ("mat-mat", Arg((2, 2), _spd), Arg((2, 3)))),
    row("scipy.linalg.lu_solve", F.lu_solve, ("mat-vec", Arg((3, 3)), Arg((3,))),
        ("mat-mat", Arg((3, 3)), Arg((3, 2))), valid=_well_conditioned),
    row("scipy.linalg.lu_solve-trans", F.lu_solve_trans, ("mat-vec", Arg((3, 3)), Arg((3,))),
        ("mat-mat", Arg((3, 3)), Arg((3, 2))), valid=_well_conditioned),
    row("scipy.linalg.lu_factor", F.lu_factor, ("3x3", Arg((3, 3))), ("4x4", Arg((4, 4))),
        valid=_pivots_apart),
] if HAS_SCIPY else []
