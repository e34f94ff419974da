"""A write into an array through the one-name item of ``d.items()`` (``kv[1][0] = ...``,
``kv`` a tuple) or through ``d[k][0] = ...`` is refused with a hint that, followed
literally, runs in Python and in s2sad: the loop over the keys storing a new array
(checked against Python's value and central finite differences)."""

import re

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

X = np.array([1.3, 0.4])
WRITES = {"pair": ("for kv in d.items():", "kv[1][0] = 1.0"),
          "keyed": ("for k, v in d.items():", "d[k][0] = 1.0")}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_hint_followed_runs_and_differentiates(load, name):
    loop, write = WRITES[name]
    module = load(f"items_write_{name}", f"""
        import numpy as np

        def f(x):
            d = {{"a": x * 1.0, "b": x * 2.0}}
            {loop}
                {write}
            return np.sum(d["a"] * d["b"])
        """)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(module.f)(X.copy())
    hint = str(info.value).splitlines()[-1]
    assert "kv[1, 0]" not in hint and "d[k, 0]" not in hint and "kv[1] = " not in hint
    spelled = re.search(r"(?:for k in d: )?item = .*", hint).group(0).replace("...", "1.0")
    if spelled.startswith("for k in d: "):
        loop, spelled = "for k in d:", spelled[len("for k in d: "):]
    followed = load(f"items_followed_{name}", f"""
        import numpy as np

        def f(x):
            d = {{"a": x * 1.0, "b": x * 2.0}}
            {loop}
                {spelled}
            return np.sum(d["a"] * d["b"])
        """)
    assert followed.f(X.copy()) == pytest.approx(module.f(X.copy()))
    check_grads(followed.f, (X.copy(),), modes=("reverse", "forward"))
