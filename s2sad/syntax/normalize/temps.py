"""How a temporary is named after what it holds (deterministic, readable names).

Input: one normalized operation; output: the stem a fresh name is made from.
"""

import gast


def subscript_base(sub):
    """The stem of the name of a temporary holding ``sub`` (``x[0]`` -> ``x_0``,
    ``x[-1]`` -> ``x_m1``, ``x[1:]`` -> ``x_slice``, ``x[i]`` -> ``x_item``)."""
    owner = sub.value.id if isinstance(sub.value, gast.Name) else "value"
    index = sub.slice
    if isinstance(index, gast.Constant) and isinstance(index.value, int):
        suffix = str(index.value) if index.value >= 0 else f"m{-index.value}"
        return f"{owner}_{suffix}"
    if isinstance(index, gast.Slice):
        return f"{owner}_slice"
    return f"{owner}_item"
