"""The package's shape, checked (issue 13): sizes, import cycles, and the numpy-free core.

Limits: no module over 600 lines, no class over 400, no function over 80 (docstring
included); no import cycle between s2sad modules, counting imports inside functions; the
transform core (``syntax``, ``analysis``, ``transform``, the clean-up and the emitter)
never imports numpy, not even through another s2sad module: numpy lives in the rules and the
runtime, which the pipeline loads.  ``ARCHITECTURE.md`` explains the layers these tests keep.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "s2sad"
MODULE_LINES, CLASS_LINES, FUNCTION_LINES = 600, 400, 80
#: the modules that make up the transform core (a package name covers its modules)
CORE = ("s2sad.syntax", "s2sad.analysis", "s2sad.transform", "s2sad.optimize",
        "s2sad.optimize_fold", "s2sad.emit")


def _modules():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports_at_top(path):
    return path is not None and any(isinstance(node, (ast.Import, ast.ImportFrom))
                                    for node in _tree(path).body)


def _imported(name, path):
    """The s2sad modules and the other top-level modules ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside, outside = set(), set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{alias.name}" for alias in node.names
                          if f"{target}.{alias.name}" in MODULES]
            # ``from pkg import module`` runs pkg/__init__.py, which matters only for what
            # that file imports when it is run (its top level)
            package_runs = not submodules or _imports_at_top(MODULES.get(target))
            candidates = submodules + ([target] if package_runs else [])
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            if candidate in MODULES:
                if candidate != name:
                    inside.add(candidate)
            elif not candidate.startswith("s2sad"):
                outside.add(candidate.split(".")[0])
    return inside, outside


IMPORTS = {name: _imported(name, path) for name, path in MODULES.items()}


def _sizes():
    for name, path in MODULES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LINES:
            yield f"module {name}: {lines} lines"
        for node in ast.walk(_tree(path)):
            limit = (CLASS_LINES if isinstance(node, ast.ClassDef) else FUNCTION_LINES
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None)
            if limit is not None:
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    yield f"{type(node).__name__} {name}.{node.name}: {length} lines"


def test_no_module_class_or_function_is_over_its_size_limit():
    assert list(_sizes()) == []


def _cycles():
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(IMPORTS[module][0]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_between_s2sad_modules():
    assert _cycles() == []


def _in_core(module):
    return any(module == core or module.startswith(core + ".") for core in CORE)


def _reached(module):
    """Every s2sad module ``module`` imports, directly or through others."""
    seen, todo = set(), [module]
    while todo:
        for other in IMPORTS[todo.pop()][0]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _in_core(m)))
def test_the_transform_core_never_imports_numpy(module):
    through = sorted(m for m in _reached(module) | {module} if "numpy" in IMPORTS[m][1])
    assert through == [], f"{module} imports numpy through {through}"


def test_the_limits_are_measured_on_real_code():
    """The checks above read the package they guard (not an empty directory)."""
    assert "s2sad.pipeline" in MODULES and len(MODULES) > 30
    assert IMPORTS["s2sad.pipeline"][0]
    assert "numpy" in IMPORTS["s2sad.rules.numpy_rules"][1]


OPTIONAL_LIBRARIES = {"scipy", "numba", "dask", "cupy"}


def test_optional_libraries_are_imported_only_by_their_rule_modules():
    """scipy, numba, dask and CuPy stay optional: only the rule modules offered for
    them (``rules.loading.OPTIONAL_RULES``, loaded once the user's code imported the
    library) and modules no other s2sad module reaches import one."""
    from s2sad.rules.loading import OPTIONAL_RULES
    importers = {m for m in MODULES if IMPORTS[m][1] & OPTIONAL_LIBRARIES}
    offered = set(OPTIONAL_RULES.values())
    for module in sorted(MODULES):
        if module in offered or module in importers:
            continue
        assert not _reached(module) & importers, (
            f"{module} imports an optional library through {sorted(_reached(module) & importers)}")


def test_a_gradient_of_numpy_code_loads_no_optional_library(tmp_path):
    (tmp_path / "plain.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.sin(x))\n")
    code = ("import sys, numpy as np, s2sad, plain\n"
            "s2sad.grad(plain.f)(np.ones(3))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{sorted(OPTIONAL_LIBRARIES)!r}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(
                             [str(tmp_path), str(PACKAGE.parent)])})
    assert out.stdout.strip() == "[]"
