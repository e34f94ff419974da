"""The structure of a value ``s2sad.testing`` differentiates or compares: its leaves
(shape, kind) in order inside lists, tuples and dicts, how to turn a flat float64
vector back into such a value, how to name one element, and whether a derivative has
the structure it should (:class:`_Layout`)."""

import copy
import numbers

import numpy as np


def _axes_in_memory(array):
    """The axes of ``array`` from the slowest-varying in memory to the fastest:
    ``(0, 1)`` for a C-ordered matrix, ``(1, 0)`` for a Fortran-ordered one or a
    transpose (ties, as of length-1 axes, keep C order)."""
    strides = [abs(s) for s in array.strides]
    return tuple(sorted(range(array.ndim), key=lambda axis: -strides[axis]))

#
# A differentiated argument is a float, an ndarray, or a list/tuple/dict of them
# (nested freely; a dict's values in its key order).  ``_flatten`` turns it into one float64 vector and
# ``_Layout`` remembers how to turn a vector back and how to name an element.  Integer and
# bool leaves of a differentiated argument (the index pairs of a force field beside its
# constants), and leaves that are no numbers (a string switch, None), are held as they
# are (``kept``): never perturbed, never made floats, and their derivatives not compared
# (s2sad gives an integer one as if it were a real number, a string 0.0).


def _is_integral(value):
    """A leaf held as it is: an int or bool, numpy's too, or an array of them; or a value
    that is no number (a string, bytes, None, an array of strings: a configuration
    switch beside the numbers), which ``s2sad.grad`` holds fixed too."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fcO"
    if isinstance(value, (bool, int, np.integer, np.bool_)):
        return True
    return not isinstance(value, (numbers.Number, np.generic))


class _Layout:
    """The structure of one value: leaves (shape, kind) in order, inside
    lists/tuples/dicts.  With ``keep_integers`` (a differentiated argument), an integer
    or bool leaf is of kind ``"kept"``: it holds no element of the flat vector."""

    def __init__(self, value, keep_integers=False):
        self.kind, self.shape, self.children, self.keys = None, (), [], None
        if isinstance(value, dict):
            self.kind = dict
            self.keys = list(value)
            self.children = [_Layout(v, keep_integers) for v in value.values()]
            self.size = sum(c.size for c in self.children)
        elif isinstance(value, (list, tuple)):
            self.kind = type(value)
            self.children = [_Layout(v, keep_integers) for v in value]
            self.size = sum(c.size for c in self.children)
        elif keep_integers and _is_integral(value):
            self.kind, self.value = "kept", copy.deepcopy(value)
            self.shape, self.size = np.shape(value), 0
        else:
            if isinstance(value, np.ndarray):
                self.kind = "array"
                self.axes_in_memory = _axes_in_memory(value)
            elif isinstance(value, np.generic):
                self.kind = "numpy scalar"
            else:
                self.kind = "scalar"
            self.shape = np.shape(value)
            self.size = int(np.prod(self.shape, dtype=int))

    def unflatten(self, vector, kept_as_none=False):
        """A value of this layout holding ``vector`` (float64); a kept leaf is the
        argument's own value (a copy), or None with ``kept_as_none``
        (``finite_difference_gradient``: no derivative was taken there)."""
        if self.children or self.kind in (list, tuple, dict):
            parts, start = [], 0
            for child in self.children:
                parts.append(child.unflatten(vector[start:start + child.size], kept_as_none))
                start += child.size
            if self.kind is dict:
                return dict(zip(self.keys, parts))
            if hasattr(self.kind, "_fields"):   # a namedtuple takes its fields as arguments
                return self.kind(*parts)
            return self.kind(parts)
        if self.kind == "kept":
            return None if kept_as_none else copy.deepcopy(self.value)
        if self.kind == "array":
            # the argument's memory order: a function may read it (ravel('K'), a
            # Fortran-ordered copy), so its derivative at another layout may differ
            order = self.axes_in_memory
            stored = np.array(vector, dtype=np.float64).reshape(self.shape).transpose(order)
            return stored.copy(order="C").transpose(tuple(np.argsort(order)))
        if self.kind == "numpy scalar":
            return np.float64(vector[0])
        return float(vector[0])

    def flatten(self, value):
        """The float leaves of ``value`` (of this layout: an argument, a derivative or a
        tangent of it) as one float64 vector, without the kept leaves' places."""
        if self.kind == "kept":
            return np.zeros(0)
        if self.children or self.kind in (list, tuple, dict):
            items = list(value.values()) if isinstance(value, dict) else list(value)
            parts = [c.flatten(v) for c, v in zip(self.children, items)]
            return np.concatenate(parts) if parts else np.zeros(0)
        return np.array(value, dtype=np.float64).reshape(-1)

    def zeros_at_kept(self, value):
        """``value`` (a tangent of this layout) with 0.0, or float zeros of the leaf's
        shape, at the kept leaves: they are held fixed."""
        if self.kind == "kept":
            return np.zeros(self.shape) if isinstance(self.value, np.ndarray) else 0.0
        if self.kind is dict:
            return {k: c.zeros_at_kept(value[k]) for k, c in zip(self.keys, self.children)}
        if self.children or self.kind in (list, tuple):
            parts = [c.zeros_at_kept(v) for c, v in zip(self.children, value)]
            # (a namedtuple takes its fields as arguments)
            return self.kind(*parts) if hasattr(self.kind, "_fields") else self.kind(parts)
        return value

    def describe(self, flat_index):
        """The element at ``flat_index`` as an indexing expression, e.g. ``[1][2, 0]``
        (``['W'][2, 0]`` in a dict)."""
        if self.children or self.kind in (list, tuple, dict):
            start = 0
            for i, child in enumerate(self.children):
                if flat_index < start + child.size:
                    key = self.keys[i] if self.kind is dict else i
                    return f"[{key!r}]" + child.describe(flat_index - start)
                start += child.size
            raise IndexError(flat_index)
        if not self.shape:
            return ""
        index = np.unravel_index(flat_index, self.shape)
        return "[" + ", ".join(str(int(i)) for i in index) + "]"

    def matches(self, value):
        """None if ``value`` has this layout, else a sentence saying how it differs."""
        if self.kind is dict:
            if not isinstance(value, dict) or list(value) != self.keys:
                return f"expected a dict with the keys {self.keys!r} in order, got " \
                       f"{_summary(value)}"
            for key, child in zip(self.keys, self.children):
                problem = child.matches(value[key])
                if problem:
                    return f"item {key!r}: {problem}"
            return None
        if self.children or self.kind in (list, tuple):
            if not isinstance(value, (list, tuple)) or len(value) != len(self.children):
                return (f"expected a {self.kind.__name__} of {len(self.children)} items, "
                        f"got {_summary(value)}")
            for i, (child, item) in enumerate(zip(self.children, value)):
                problem = child.matches(item)
                if problem:
                    return f"item {i}: {problem}"
            return None
        if self.kind == "kept":   # its derivative: a number, or floats of its shape
            if isinstance(value, (list, tuple, dict, str)) or value is None \
                    or np.shape(value) != self.shape:
                return (f"expected a number or an array of shape {self.shape} (the "
                        f"derivative of a value held fixed: an integer, a bool, a string), "
                        f"got {_summary(value)}")
            if np.result_type(value).kind not in "fc":
                return f"expected floats (an integer value's derivative), got {_summary(value)}"
            return None
        if self.kind == "array":
            if not isinstance(value, np.ndarray) or value.shape != self.shape:
                return f"expected an ndarray of shape {self.shape}, got {_summary(value)}"
            if value.dtype.kind not in "fc":
                return f"expected a floating array, got dtype {value.dtype}"
            return None
        if isinstance(value, (list, tuple)) or np.ndim(value) != 0:
            return f"expected a scalar, got {_summary(value)}"
        if self.kind == "scalar" and not isinstance(value, float):
            return f"expected a float (the argument is a Python number), got {_summary(value)}"
        if not isinstance(value, (numbers.Number, np.generic)) or isinstance(value, bool):
            return f"expected a number, got {_summary(value)}"
        return None


def _summary(value):
    if isinstance(value, np.ndarray):
        return f"an ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with the keys {list(value)!r}"
    return f"{type(value).__name__} {value!r}"
