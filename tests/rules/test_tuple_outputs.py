"""Ops with several outputs (``np.linalg.slogdet`` returns a named tuple): a tangent rule
returns a tuple display, one tangent per output, and the adjoint rule reads the tuple
of cotangents ``y_bar`` (zeros for an output nothing used)."""

import numpy as np

from s2sad.testing import check_grads


def test_a_rule_for_an_op_with_two_outputs_works_in_both_modes(load):
    module = load("two_outputs", """
        import collections
        import numpy as np
        import s2sad

        Polar = collections.namedtuple("Polar", "r theta")

        def polar(x, y):
            return Polar(np.hypot(x, y), np.arctan2(y, x))

        @s2sad.adjoint(polar, broadcast=True)
        def polar_adjoint(out, out_bar, x, y):
            r2 = x * x + y * y
            return (out_bar[0] * x / out[0] - out_bar[1] * y / r2,
                    out_bar[0] * y / out[0] + out_bar[1] * x / r2)

        @s2sad.tangent(polar)
        def polar_tangent(out, x, y, x_dot, y_dot):
            r2 = x * x + y * y
            return (x_dot * x + y_dot * y) / out[0], (y_dot * x - x_dot * y) / r2

        def both(x, y):
            r, theta = polar(x, y)
            return np.sum(r * np.sin(theta))

        def radius_only(x, y):
            return np.sum(polar(x, y)[0] ** 2)

        def angle_only(x, y):
            p = polar(x, y)
            return np.sum(p[1] * 3.0)
        """)
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.3, -0.7])
    for f in (module.both, module.radius_only, module.angle_only):
        check_grads(f, (x, y), modes=("reverse", "forward"))
