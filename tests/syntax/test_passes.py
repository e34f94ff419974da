"""Pass tests: the exact normalized and emitted source of small functions."""

import textwrap

import s2sad
from s2sad.emit import render_function
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import fence
from s2sad.syntax.normalize import normalize
from s2sad.syntax.parse import parse_function

import cf_functions
import core_functions


def normalized(func):
    load_builtin_rules()
    parsed = parse_function(func)
    fence.check(parsed)
    return render_function(normalize(parsed).node, [])


def body_of(text):
    """The function in a generated module, from its 'def' line on."""
    return text[text.index("def "):]


def test_normalize_names_every_intermediate_once():
    assert normalized(core_functions.seed) == textwrap.dedent("""\
        def seed(x, w, y):
            dot = np.dot(x, w)
            sub = dot - y
            z = sub ** 2
            return z
        """)


def test_normalize_versions_reassigned_names_and_swaps_by_renaming():
    assert normalized(core_functions.reassign) == textwrap.dedent("""\
        def reassign(x):
            x_1 = x * 2.0
            x_2 = np.sin(x_1)
            x_3 = x_2 + 1.0
            return x_3
        """)
    assert normalized(core_functions.swap) == textwrap.dedent("""\
        def swap(a, b):
            mul = b * 3.0
            swap = mul + a
            return swap
        """)


def test_normalize_loop_carries_names_through_copies():
    assert normalized(cf_functions.scalar_loop) == textwrap.dedent("""\
        def scalar_loop(x, n):
            x_1 = x
            for i in range(n):
                mul = 0.99 * x_1
                sin = np.sin(x_1)
                x_2 = mul + sin
                x_1 = x_2
            return x_1
        """)


def test_normalize_branch_merges_names():
    assert normalized(cf_functions.one_sided_branch) == textwrap.dedent("""\
        def one_sided_branch(x, w):
            y = w * x
            max_x = np.max(x)
            cond = max_x > 1.0
            if cond:
                y_2 = y * 3.0
            else:
                y_2 = y
            one_sided_branch = np.sum(y_2)
            return one_sided_branch
        """)


def test_emitted_seed_gradient_is_three_adjoint_lines():
    text = body_of(s2sad.source(core_functions.seed, wrt="w"))
    assert text == textwrap.dedent("""\
        def seed_value_and_grad(x, w, y):
            # line 9: z = (np.dot(x, w) - y) ** 2
            dot = np.dot(x, w)
            sub = dot - y
            z = sub ** 2
            # line 10: return z
            ensure_scalar_output(z, 'seed')
            # grad of line 9: z = (np.dot(x, w) - y) ** 2
            sub_bar = 2.0 * sub
            dot_bar = unbroadcast(sub_bar, dot)
            w_bar = dot_rhs_bar(dot_bar, x, w)
            return z, w_bar
        """)


def test_emitted_code_has_no_identity_arithmetic():
    for func, wrt in [(core_functions.seed, (0, 1, 2)), (core_functions.reassign, 0),
                      (cf_functions.rnn, (0, 1))]:
        text = s2sad.source(func, wrt=wrt)
        for noise in ("* 1.0", "1.0 *", "+ 0.0", "0.0 +", "* 1)", "** 1)"):
            assert noise not in text, (func.__name__, noise)
