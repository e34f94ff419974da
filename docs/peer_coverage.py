"""Which functions autograd and JAX differentiate, read from their released sources.

Run by hand, once per peer release, on the unpacked wheels (no import of either):

    pip download autograd==1.7.0 jax==0.10.2 --no-deps -d wheels
    (cd wheels && for w in *.whl; do unzip -q -o "$w" -d "${w%%-*}"; done)
    python docs/peer_coverage.py wheels/autograd wheels/jax > docs/peers.json

autograd: every function given a derivative (``defvjp``, ``defjvp``, ``def_linear``
and their ``_argnum`` forms), named by the numpy or scipy function it wraps, and the
few wrappers written over them; only names that are public numpy or scipy functions
in the installed versions are kept (its internal helpers are not).
JAX: every function its ``jax.numpy`` and ``jax.scipy`` modules define or export (JAX
differentiates nearly all of them; integer-valued ones are constants there too).
``make_ops.py`` reads the result to fill the peer columns of ``docs/ops.md``.
"""

import ast
import json
import sys
from pathlib import Path

DERIVATIVE_CALLS = {"defvjp", "defjvp", "def_linear", "defvjp_argnum", "defvjp_argnums",
                    "defjvp_argnum", "defjvp_argnums"}


def _autograd_prefix(path):
    """The public module an autograd source file wraps."""
    parts = path.with_suffix("").parts
    parts = parts[parts.index("autograd") + 1:]
    if parts[0] == "numpy":
        return {"linalg": "numpy.linalg", "fft": "numpy.fft"}.get(parts[-1], "numpy")
    if parts[0] == "scipy":
        if parts[1] == "stats" and parts[-1] != "__init__":
            return f"scipy.stats.{parts[-1]}"
        return "scipy." + parts[1]
    return None


def _loop_items(tree):
    """``{loop variable: [names of the listed functions]}`` for ``for f in [a.b, ...]``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(
                node.iter, (ast.List, ast.Tuple)):
            found[node.target.id] = [_last(e) for e in node.iter.elts]
    return found


def _last(node):
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


#: autograd's wrappers written over its primitives (numpy_wrapper.py): differentiable too
AUTOGRAD_WRAPPERS = ("numpy.concatenate", "numpy.hstack", "numpy.vstack", "numpy.column_stack",
                     "numpy.array", "numpy.select", "numpy.stack", "numpy.append")


def _public(name):
    """Whether ``name`` (``numpy.linalg.inv``, ``scipy.stats.norm.logpdf``) is a public
    function of numpy or scipy as installed (autograd's internal helpers are not)."""
    import importlib
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part, None)
        return obj is not None
    return False


def autograd_names(root):
    names = set(AUTOGRAD_WRAPPERS)
    for path in sorted(Path(root).rglob("*.py")):
        prefix = _autograd_prefix(path)
        if prefix is None:
            continue
        tree = ast.parse(path.read_text())
        loops = _loop_items(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _last(node.func) in DERIVATIVE_CALLS and node.args:
                first = node.args[0]
                targets = loops.get(first.id, [first.id]) if isinstance(first, ast.Name) \
                    else [_last(first)]
                names.update(f"{prefix}.{t}" for t in targets if t and not t.startswith("_"))
    return sorted(n for n in names if _public(n))


def _defined(path):
    """Public names a JAX module defines or re-exports."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.Assign)):
            targets = [node.name] if isinstance(node, ast.FunctionDef) else [
                t.id for t in node.targets if isinstance(t, ast.Name)]
            names.update(targets)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return {n for n in names if not n.startswith("_")}


def jax_names(root):
    root = Path(root) / "jax"
    modules = {"numpy": root / "numpy" / "__init__.py",
               "numpy.linalg": root / "numpy" / "linalg.py",
               "scipy.special": root / "scipy" / "special.py",
               "scipy.linalg": root / "scipy" / "linalg.py",
               "scipy.signal": root / "scipy" / "signal.py"}
    names = set()
    for public, path in modules.items():
        names.update(f"{public}.{n}" for n in _defined(path))
    for path in sorted((root / "scipy" / "stats").glob("*.py")):
        if path.stem != "__init__":
            names.update(f"scipy.stats.{path.stem}.{n}" for n in _defined(path))
    return sorted(names)


def main(argv):
    autograd_root, jax_root = argv
    json.dump({"autograd": {"version": "1.7.0", "names": autograd_names(autograd_root)},
               "jax": {"version": "0.10.2", "names": jax_names(jax_root)}},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
