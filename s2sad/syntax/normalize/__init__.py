"""Normalize: a fenced function -> SSA/ANF form (see :mod:`.core` for the invariants)."""

from .core import NormalFunction, normalize
from .trees import user_names

__all__ = ["NormalFunction", "normalize", "user_names"]
