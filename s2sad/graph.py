"""The computational graph of a normalized function, as Graphviz DOT text.

Input: a function (parsed, fenced and normalized here, so a graph can be
drawn even when no derivative can be generated) and the ``wrt`` names.
Output: a :class:`Graph` of value nodes (inputs, globals, intermediates,
outputs) and operation nodes (one per normalized statement), and its DOT
text.  Values active with respect to ``wrt`` (they depend on it and reach an
output) are drawn in blue; reads a derivative never flows through (indices,
``.shape``, comparisons) are dashed edges.

Control flow becomes clusters: the statements of a ``for``/``while`` body or
an ``if``/``else`` branch are drawn inside a box labelled with its header.
A plain copy ``a = b`` (loop-carried values, branch merges) is an edge from
``b`` to ``a`` labelled ``copy``, so a loop shows as a cycle.  A name
assigned in more than one place (a loop-carried or merged value) is drawn
outside the clusters that assign it.

Node ids are the value's name, ``op:N`` for the N-th operation and
``return`` for a constant output: Python names never contain ``:`` and
``return`` is a keyword, so ids cannot clash.  The text is deterministic.
"""

from dataclasses import dataclass, field
from typing import List, Optional

import astor
import gast

from . import __version__
from .analysis import ops
from .analysis.activity import analyze
from .frontend import front_end
from .rules.loading import load_builtin_rules
from .syntax import anno

_BINOPS = {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Pow: "**",
           gast.MatMult: "@", gast.FloorDiv: "//", gast.Mod: "%"}
_UNARY = {gast.USub: "negate", gast.UAdd: "unary +", gast.Not: "not", gast.Invert: "~"}
_CMPOPS = {gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">",
           gast.GtE: ">=", gast.Is: "is", gast.IsNot: "is not", gast.In: "in",
           gast.NotIn: "not in"}

ACTIVE_COLOR = "#1f5fa8"
ACTIVE_FILL = "#dde9f7"
INACTIVE_COLOR = "#555555"


@dataclass
class Node:
    id: str
    label: str
    kind: str                  # input | global | intermediate | output | op
    active: bool = False
    wrt: bool = False
    tooltip: str = ""
    cluster: Optional[int] = None      # index into Graph.clusters, None: top level


@dataclass
class Edge:
    tail: str
    head: str
    differentiable: bool = True
    label: str = ""


@dataclass
class Cluster:
    label: str
    parent: Optional[int] = None


@dataclass
class Graph:
    name: str
    params: List[str]
    wrt: List[str]
    nodes: List[Node] = field(default_factory=list)
    edges: List[Edge] = field(default_factory=list)
    clusters: List[Cluster] = field(default_factory=list)

    def node(self, node_id) -> Optional[Node]:
        return next((n for n in self.nodes if n.id == node_id), None)


def _source(node):
    if isinstance(node, gast.Constant):
        return repr(node.value)
    return astor.to_source(gast.gast_to_ast(node)).strip()


class _Builder:
    def __init__(self, normal, wrt):
        self.ops = ops
        self.normal = normal
        fn = normal.node
        body = list(fn.body)
        ret = body.pop() if body and isinstance(body[-1], gast.Return) else None
        self.body, self.ret = body, ret
        outs = []
        if ret is not None and ret.value is not None:
            outs = ret.value.elts if isinstance(ret.value, gast.Tuple) else [ret.value]
        self.outputs = outs
        out_names = [o.id for o in outs if isinstance(o, gast.Name)]
        self.activity = analyze(body, tuple(wrt), out_names)
        self.params = [a.id for a in fn.args.args]
        self.assignments = {}           # name -> how many statements assign it
        for stmt in gast.walk(fn):
            if isinstance(stmt, gast.Assign):
                names = ops.targets(stmt)
            elif isinstance(stmt, gast.For):
                names = {n.id for n in gast.walk(stmt.target) if isinstance(n, gast.Name)}
            else:
                continue
            for name in names:
                self.assignments[name] = self.assignments.get(name, 0) + 1
        self.assigned = set(self.assignments)
        self.graph = Graph(fn.name, self.params, list(wrt))
        self.count = 0
        self.cluster = None

    def is_value(self, name):
        """A name that denotes data (not a module or a function)."""
        if name in self.params or name in self.assigned:
            return True
        obj = self.normal.parsed.resolve(name, None)
        return obj is not None and not callable(obj) and not hasattr(obj, "__path__") \
            and type(obj).__name__ != "module"

    def value_node(self, name):
        found = self.graph.node(name)
        if found is None:
            kind = "input" if name in self.params else (
                "intermediate" if name in self.assigned else "global")
            found = Node(name, name, kind, active=self.activity.is_active(name),
                         wrt=name in self.graph.wrt)
            if kind == "intermediate" and self.assignments.get(name) == 1:
                found.cluster = self.cluster
            self.graph.nodes.append(found)
        return found

    def build(self):
        for name in self.params:
            self.value_node(name)
        self.statements(self.body)
        for out in self.outputs:
            if isinstance(out, gast.Name) and self.is_value(out.id):
                self.value_node(out.id).kind = "output"
            else:
                self.graph.nodes.append(Node("return", _source(out), "output"))
        return self.graph

    def statements(self, body):
        for stmt in body:
            if isinstance(stmt, gast.Assign):
                if isinstance(stmt.value, gast.Name) and isinstance(stmt.targets[0], gast.Name) \
                        and self.is_value(stmt.value.id):
                    self.copy(stmt)
                else:
                    self.assignment(stmt)
            elif isinstance(stmt, gast.For):
                self.nested(f"for {_source(stmt.target)} in {_source(stmt.iter)}", stmt.body,
                            header=stmt)
            elif isinstance(stmt, gast.While):
                self.nested(f"while {_source(stmt.test)}", stmt.body)
            elif isinstance(stmt, gast.If):
                self.nested(f"if {_source(stmt.test)}", stmt.body)
                if stmt.orelse:
                    self.nested(f"else (not {_source(stmt.test)})", stmt.orelse)
            # asserts carry no data flow worth drawing

    def nested(self, label, body, header=None):
        """Draw ``body`` inside a cluster labelled ``label``."""
        self.graph.clusters.append(Cluster(label, self.cluster))
        outer, self.cluster = self.cluster, len(self.graph.clusters) - 1
        if header is not None:   # the loop variable comes from the iterable
            self.count += 1
            op_id = f"op:{self.count}"
            self.graph.nodes.append(Node(op_id, _source(header.iter), "op",
                                         cluster=self.cluster))
            for name in self.reads(header.iter):
                self.value_node(name)
                self.graph.edges.append(Edge(name, op_id, False))
            for node in gast.walk(header.target):
                if isinstance(node, gast.Name):
                    self.value_node(node.id)
                    self.graph.edges.append(Edge(op_id, node.id, False))
        self.statements(body)
        self.cluster = outer

    def copy(self, stmt):
        source, target = stmt.value.id, stmt.targets[0].id
        self.value_node(source)
        self.value_node(target)
        self.graph.edges.append(Edge(source, target, True, "copy"))

    def reads(self, expr):
        """The value names ``expr`` reads, in order, skipping callees and modules."""
        names = []
        for node in gast.walk(expr):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                    and self.is_value(node.id) and node.id not in names:
                names.append(node.id)
        return names

    def assignment(self, stmt):
        value = stmt.value
        self.count += 1
        op_id = f"op:{self.count}"
        targets = sorted(self.ops.targets(stmt), key=_order(stmt.targets[0]))
        reads = self.reads(value)
        source = getattr(stmt, anno.SOURCE, None)
        tooltip = f"line {source.line}: {source.text}" if source is not None else ""
        active = any(self.activity.is_active(t) for t in targets)
        label = "unpack" if isinstance(stmt.targets[0], gast.Tuple) else self.label(value)
        self.graph.nodes.append(Node(op_id, label, "op", active=active, tooltip=tooltip,
                                     cluster=self.cluster))
        carries = self.ops.carries_derivative(stmt)
        diff_reads = self.ops.differentiable_reads(stmt) if carries else set()
        for name in reads:
            self.value_node(name)
            self.graph.edges.append(Edge(name, op_id, name in diff_reads))
        for name in targets:
            self.value_node(name)
            self.graph.edges.append(Edge(op_id, name, carries))

    def atom(self, node):
        """An operand shown inside an operation's label, or None for a value node."""
        if isinstance(node, gast.Name) and self.is_value(node.id):
            return None
        return _source(node)

    def label(self, value):
        if isinstance(value, gast.BinOp):
            symbol = _BINOPS.get(type(value.op), type(value.op).__name__)
            left, right = self.atom(value.left), self.atom(value.right)
            if right is not None and left is None:
                return f"{symbol} {right}"
            if left is not None and right is None:
                return f"{left} {symbol}"
            return symbol if left is None else _source(value)
        if isinstance(value, gast.UnaryOp):
            return _UNARY.get(type(value.op), type(value.op).__name__)
        if isinstance(value, gast.Compare):
            return " ".join(_CMPOPS.get(type(op), "?") for op in value.ops)
        if isinstance(value, gast.Call):
            func = value.func
            base = func
            while isinstance(base, gast.Attribute):
                base = base.value
            if isinstance(func, gast.Attribute) and isinstance(base, gast.Name) \
                    and self.is_value(base.id):
                callee = f".{func.attr}()"
            else:
                callee = _source(func)
            simple = not value.keywords and all(
                isinstance(a, gast.Name) and self.is_value(a.id) for a in value.args)
            if simple:
                return callee
            args = [_source(a) for a in value.args]
            args += [f"{k.arg}={_source(k.value)}" if k.arg else f"**{_source(k.value)}"
                     for k in value.keywords]
            if callee.endswith("()"):
                callee = callee[:-2]
            return f"{callee}({', '.join(args)})"
        if isinstance(value, gast.Attribute):
            return f".{value.attr}"
        if isinstance(value, gast.Subscript):
            text = _source(value)
            base = _source(value.value)
            return text[len(base):] if text.startswith(base) else text
        if isinstance(value, gast.Tuple):
            return "tuple"
        if isinstance(value, gast.List):
            return "list"
        if isinstance(value, gast.Name):
            return "copy"
        text = _source(value)
        return text if len(text) <= 40 else text[:37] + "..."


def _order(target):
    """Sort key keeping tuple targets in their written order."""
    if isinstance(target, gast.Tuple):
        order = [e.id for e in target.elts if isinstance(e, gast.Name)]
        return lambda name: order.index(name) if name in order else len(order)
    return lambda name: 0


def build_graph(normal, wrt):
    """The :class:`Graph` of a :class:`~s2sad.syntax.normalize.NormalFunction`."""
    return _Builder(normal, wrt).build()


def normalized(func):
    """Parse, fence and normalize ``func`` (the passes a graph needs)."""
    load_builtin_rules()
    return front_end(func)[1]


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(pairs):
    return "[" + ", ".join(f"{k}={_quote(str(v))}" for k, v in pairs) + "]"


def _node_attrs(node):
    pairs = [("label", node.label)]
    color = ACTIVE_COLOR if node.active else INACTIVE_COLOR
    if node.kind == "op":
        pairs += [("shape", "box"), ("style", "rounded,filled" if node.active else "rounded"),
                  ("color", color)]
        if node.active:
            pairs.append(("fillcolor", ACTIVE_FILL))
    else:
        style = ["filled"] if node.active else []
        if node.kind == "global":
            style.append("dashed")
        pairs += [("shape", "ellipse"), ("color", color)]
        if style:
            pairs.append(("style", ",".join(style)))
        if node.active:
            pairs.append(("fillcolor", ACTIVE_FILL))
        if node.kind == "output":
            pairs.append(("peripheries", 2))
        if node.wrt:
            pairs.append(("penwidth", 2))
    pairs.append(("fontcolor", color))
    if node.tooltip:
        pairs.append(("tooltip", node.tooltip))
    return _attrs(pairs)


_SECTIONS = (("input", "inputs"), ("global", "globals read"),
             ("intermediate", "operations and intermediates"), ("output", "outputs"))


def to_dot(graph, title=""):
    """DOT text of ``graph``; ``title`` (e.g. ``model.py:loss``) goes in the header comment."""
    what = title or graph.name
    caption = (f"{graph.name}({', '.join(graph.params)}); "
               f"blue: active with respect to {', '.join(graph.wrt)}")
    lines = [f"// Generated by s2sad {__version__}: computational graph of {what}, "
             f"wrt {', '.join(graph.wrt)}",
             f"digraph {_quote(graph.name)} {{",
             "    " + "graph " + _attrs([("rankdir", "LR"), ("label", caption),
                                         ("labelloc", "t"), ("fontname", "Helvetica")]) + ";",
             "    node [fontname=\"Helvetica\", fontsize=\"11\"];",
             "    edge [arrowsize=\"0.7\"];"]
    kinds = {"input": [], "global": [], "intermediate": [], "output": []}
    for node in graph.nodes:
        if node.cluster is None:
            kinds["intermediate" if node.kind == "op" else node.kind].append(node)
    for kind, heading in _SECTIONS:
        if kinds[kind]:
            lines.append(f"    // {heading}")
            lines += [f"    {_quote(n.id)} {_node_attrs(n)};" for n in kinds[kind]]
            if kind == "intermediate":
                lines += _clusters(graph, None, "    ")
        elif kind == "intermediate" and graph.clusters:
            lines += _clusters(graph, None, "    ")
    lines.append("    // data flow (dashed: no derivative flows)")
    by_id = {n.id: n for n in graph.nodes}
    for edge in graph.edges:
        pairs = []
        if edge.label:
            pairs.append(("label", edge.label))
        if not edge.differentiable:
            pairs.append(("style", "dashed"))
        if by_id[edge.tail].active and by_id[edge.head].active and edge.differentiable:
            pairs.append(("color", ACTIVE_COLOR))
        attrs = f" {_attrs(pairs)}" if pairs else ""
        lines.append(f"    {_quote(edge.tail)} -> {_quote(edge.head)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _clusters(graph, parent, indent):
    """DOT lines of the clusters inside ``parent`` (None: the top level), nested."""
    lines = []
    for index, cluster in enumerate(graph.clusters):
        if cluster.parent != parent:
            continue
        lines.append(f"{indent}subgraph {_quote(f'cluster_{index + 1}')} {{")
        lines.append(f"{indent}    graph " + _attrs([("label", cluster.label),
                                                    ("style", "rounded"),
                                                    ("color", INACTIVE_COLOR)]) + ";")
        lines += [f"{indent}    {_quote(n.id)} {_node_attrs(n)};"
                  for n in graph.nodes if n.cluster == index]
        lines += _clusters(graph, index, indent + "    ")
        lines.append(f"{indent}}}")
    return lines


def function_dot(func, wrt, title=""):
    """DOT text of the normalized ``func`` with activity for ``wrt``."""
    return to_dot(build_graph(normalized(func), wrt), title)
