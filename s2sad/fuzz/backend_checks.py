"""The numba mode's helpers: ``s2sad`` on a backend, and which fallback warnings blame
s2sad's own generated code."""


class _OnBackend:
    """``s2sad`` whose ``value_and_grad``, ``jvp``, ``grad``, ``hvp`` and ``hessian`` run
    on ``backend``."""

    def __init__(self, module, backend):
        self.module, self.backend = module, backend

    def __getattr__(self, name):
        return getattr(self.module, name)

    def value_and_grad(self, f, wrt=0):
        return self.module.value_and_grad(f, wrt=wrt, backend=self.backend)

    def jvp(self, f, wrt=0):
        return self.module.jvp(f, wrt=wrt, backend=self.backend)

    def grad(self, f, wrt=0):
        return self.module.grad(f, wrt=wrt, backend=self.backend)

    def hvp(self, f, wrt=0, with_grad=False):
        return self.module.hvp(f, wrt=wrt, with_grad=with_grad, backend=self.backend)

    def hessian(self, f, wrt=0):
        return self.module.hessian(f, wrt=wrt, backend=self.backend)


class _SecondOnBackend(_OnBackend):
    """``s2sad`` whose ``hvp`` and ``hessian`` run on ``backend``, its gradients on numpy
    (the reference of the second derivatives: the differences of numpy's gradient)."""

    def value_and_grad(self, f, wrt=0):
        return self.module.value_and_grad(f, wrt=wrt)


#: the fallback warning's words where numba failed on a construct of s2sad's own generated
#: code rather than on the user's values (``api/numba_backend.py``: the reversed range of
#: last session's crash said so), and the one such construct the README lists as falling
#: back: a value numba types as optional
OWN_CODE_FALLBACK = "numba cannot compile the code s2sad generates for"
LISTED_OWN_FALLBACKS = ("which numba types as optional",)


def _own_code_fallback(message):
    """Whether a ``NumbaFallbackWarning``'s ``message`` says numba failed on s2sad's own
    generated code for a construct the README does not list as falling back."""
    return OWN_CODE_FALLBACK in message and not any(listed in message
                                                    for listed in LISTED_OWN_FALLBACKS)
