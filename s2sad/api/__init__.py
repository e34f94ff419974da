"""The Python API: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp, source.

s2sad differentiates the function object it is given, as it runs now: a
``functools.wraps`` wrapper itself (never what it wraps), read from its source
file, which must still compile to the function's ``__code__``.

One core serves every transform: one cache of generated modules keyed by code
object, transform, wrt and argument kinds (``core``), whose entries are reused
only while what they were made from still holds, and one bound-function type
(``bound``) that reads the user's globals, closure cells and defaults at each
call.  The modules, lowest first:

* ``core``: the cache and when an entry still fits;
* ``arguments``: argument kinds and the binding of a call;
* ``matching``: derivatives given their values' structure, user input checked;
* ``directions``: one-hot directions and Jacobian/Hessian blocks;
* ``transformed``: where returned functions are kept, ``.source``;
* ``bound``: the bound generated function;
* ``entries``: the entries of reverse, forward and second-order code;
* ``forward``, ``second_order``, ``reverse``, ``jacobian``: the transforms.
"""

from .arguments import argument_kinds
from .entries import generate_hvp
from .forward import forward_source, jvp
from .jacobian import JACOBIAN_MODES, JacobianPlan, choose_mode, jacobian
from .reverse import grad, source, value_and_grad, vjp
from .second_order import gradient_of_gradient, hessian, hvp

from ..syntax import anno as _anno

for _transform in (grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp):
    setattr(_transform, _anno.TRANSFORM, True)   # (see syntax.normalize.derivatives)

__all__ = ["JACOBIAN_MODES", "JacobianPlan", "argument_kinds", "choose_mode", "forward_source",
           "generate_hvp", "grad", "gradient_of_gradient", "hessian", "hvp", "jacobian", "jvp",
           "source", "value_and_grad", "vjp"]
