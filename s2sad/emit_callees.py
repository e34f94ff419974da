"""The callee written, in place of the derivative s2sad made for a call's arguments.

A call of a derivative given a function, an object or namedtuples reads, for the
passes, a derivative made for those kinds (``syntax.composed_kinds``), under a name
s2sad binds (``anno.COMPOSED_CALLEE`` on it holds the callee written).  Where no
derivative goes through the call, the emitted code calls it as written
(``s2sad.grad(loss)(x, x, np.sin)``, ``G(w, x, act)``): the derivative the program
holds, which makes its code per call as the API does, and which a written module can
import (the name s2sad bound is no module's).
"""

import dataclasses

import gast

from .syntax import anno, nodes


def written_callees(functions):
    """``functions`` (the generated functions, as emitted), with every name carrying
    ``anno.COMPOSED_CALLEE`` written as the callee it holds (in copies; as given where
    none does)."""
    if not any(anno.get(n, anno.COMPOSED_CALLEE) is not None for g in functions
               for n in nodes.walk(g.node) if n.__class__ is gast.Name):
        return functions
    functions = [dataclasses.replace(g, node=nodes.clone(g.node)) for g in functions]
    for g in functions:
        _Written().visit(g.node)
    return functions


class _Written(gast.NodeTransformer):
    def visit_Name(self, node):
        written = anno.get(node, anno.COMPOSED_CALLEE)
        return node if written is None else gast.copy_location(nodes.clone(written), node)
