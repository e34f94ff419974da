"""s2sad: source-to-source automatic differentiation for numeric Python.

Public names are loaded lazily so that generated modules, which import only
``s2sad.runtime``, never pull in the code generator.
"""

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "grad": "api", "value_and_grad": "api", "vjp": "api", "source": "api",
    "jvp": "api", "jacobian": "api", "hessian": "api",
    "hvp": "api",
    "adjoint": "rules.registry", "tangent": "rules.registry",
    "nondifferentiable": "rules.registry",
    "S2sadError": "errors", "UnsupportedSyntaxError": "errors",
    "NoDerivativeRuleError": "errors", "NonScalarOutputError": "errors",
    "SourceUnavailableError": "errors", "WrtError": "errors", "RuleDefinitionError": "errors",
    "NumbaFallbackWarning": "errors", "ReboundNameError": "errors",
    "testing": None, "errors": None,
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 's2sad' has no attribute {name!r}")
    where = _PUBLIC[name]
    if where is None:
        return importlib.import_module(f"s2sad.{name}")
    value = getattr(importlib.import_module(f"s2sad.{where}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
