"""Flattening of expressions: one operation per statement.

Input: a user expression the normalizer's walk meets (the right side of an
assignment, an argument, a test, a returned value).
Output, emitted through the normalizer: ``t = <op>`` statements, each one
operation on atoms (an operator, a comparison, a call whose callee is resolved
and annotated ``anno.CALLEE``, an attribute, a subscript, a tuple/list/dict
display), named after what they compute (``mul``, ``sin``, ``x_item``); the
atom (a name, a constant, a dotted global) or name of the value is returned.
Comprehensions, conditional expressions, ``and``/``or`` and inlined calls are
handed to the collaborators that lower them.

:class:`Flattener` is the normalizer's collaborator for this job; it keeps no
state of its own (it emits into the normalizer's block).
"""

import builtins

import gast

from ...analysis.lookup import refuse_given_lambda
from ...errors import FieldReadError
from ...rules import registry
from .. import anno, nodes, wrappers
from ..own_builtins import NAMES as OWN_BUILTINS
from ..callers import called_partial
from ..function_args import called_parameter_error, given_function
from .assign_messages import refuse_missing_method
from ..parse import is_user_function
from .choices import (builtin_choice, builtin_getattr, builtin_power, chained_comparison,
                      choose, choose_item, iterable_choice)
from .bound_methods import class_method_hint, self_method_refusal
from .clashes import marked
from .derivatives import bound_as_the_api, made_here, written_callee
from .draw_methods import draw_call
from .dicts import ARGUMENT_MERGE, constant_key, merges, merges_arguments
from .fields import item as field_item, record as record_fields
from .iterables import makes_iterator, refuse_endless
from .lists import list_mutation
from .maps import maps_read_whole
from .object_attributes import method_through_object, object_attribute
from .scatter import refuse_ufunc_value
from .temps import subscript_base
from .trees import is_atomic
from .tuple_fields import class_attribute_error, field_read, refuse_array_named_field
from .unnamed import unnamed_call_error
from .views import without_out_none


class Flattener:
    """Flattens expressions into statements of one operation (see the module
    docstring)."""

    def __init__(self, normalizer):
        self.norm = normalizer

    def atom(self, node):
        """Normalize ``node`` to an atom, emitting statements for its parts."""
        norm = self.norm
        if isinstance(node, gast.Name):
            return norm.scope.read_name(node.id, node)
        if isinstance(node, gast.Constant):
            return nodes.const(node.value)
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(node.operand, gast.Constant) \
                and type(node.operand.value) in (int, float, complex):
            value = node.operand.value
            return nodes.const(-value if isinstance(node.op, gast.USub) else value)
        if isinstance(node, gast.Attribute) and norm.module_names.global_path(node) is not None:
            norm.module_names.resolve_path(node)
            return marked(nodes.clone(node), norm.marks)
        return nodes.name(self.operation(node))

    def operation(self, node, target=None, base=None):
        """Emit one statement computing ``node``; return the name it assigns."""
        norm = self.norm
        if isinstance(node, gast.Call):   # (list(map(f, xs)): a comprehension; dict(...))
            method_through_object(norm, node)   # self.act(x): Model.act(self, x)
            node = maps_read_whole(norm, node, norm.dict_forms.dict_call)
        if isinstance(node, gast.DictComp):
            return norm.dict_forms.dict_comprehension(node, target)
        node = self.spelled_as(node, target)
        if isinstance(node, gast.Call) and builtin_choice(norm, node) is not None:
            return choose(self, node, target, builtin_choice(norm, node))
        if isinstance(node, gast.Call) and iterable_choice(norm, node) is not None:
            return choose_item(self, node, target, iterable_choice(norm, node))   # max(xs)
        named = base is not None
        base = target or base or base_name(node)
        if isinstance(node, gast.BinOp):
            value = self.binary(node)
        elif isinstance(node, gast.UnaryOp):
            value = gast.UnaryOp(op=node.op, operand=self.atom(node.operand))
        elif isinstance(node, gast.Compare):
            if len(node.ops) != 1:
                return chained_comparison(self, node, target)
            value = gast.Compare(left=self.atom(node.left), ops=node.ops,
                                 comparators=[self.atom(node.comparators[0])])
        elif list_mutation(node) and node.func.attr == "pop" \
                and norm.module_names.global_path(node.func) is None:
            return norm.lists.list_method(node, target)
        elif isinstance(node, gast.Call) and (writer := norm.writing.writer(node)) is not None:
            return norm.writing.call(node, target, writer)   # (see .functionalize)
        elif isinstance(node, gast.Call) \
                and (inline := norm.inliner.inlined_body(node)) is not None:
            return self.inlined_value(node, target, inline)
        elif isinstance(node, gast.Call):
            value = self.call(node)
            if target is None and not named:
                base = call_base(value)
        elif isinstance(node, gast.Attribute) and norm.module_names.global_path(node) is not None:
            value = self.atom(node)   # C.T, np.pi: a constant of the module
        elif isinstance(node, gast.Attribute):
            value = self.attribute(node)
            if target is None and not named:
                base = attribute_base(node)
        elif isinstance(node, gast.Subscript):
            value = gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice),
                                   ctx=gast.Load())
            if target is None and not named:
                base = subscript_base(value)
        elif isinstance(node, (gast.Tuple, gast.List)):
            value = type(node)(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())
        elif isinstance(node, gast.Dict):
            if any(key is None for key in node.keys):
                return norm.dict_forms.dict_unpacking(node, target)
            if not all(constant_key(k) for k in node.keys):
                return norm.dict_forms.dict_display(node, target)
            value = self.dict_literal(node)
        elif isinstance(node, gast.ListComp):
            return norm.loops.list_comprehension(node)
        elif isinstance(node, gast.IfExp):
            return norm.scope.if_expression(node, target)
        elif isinstance(node, gast.BoolOp):
            return norm.scope.bool_operation(node, target)
        elif isinstance(node, gast.Lambda):
            raise norm.error(
                "a lambda is supported bound to a name and called (g = lambda z: ...; "
                "g(x)), as a nested def is, not as a value stored or passed on", node,
                hint="call it where it is defined (a nested def, or g = lambda ...), or pass "
                     "a module-level function with what it reads as parameters (def "
                     "scaled(z, k): ..., then scaled(z, k) in place of the call)")
        else:
            raise norm.error(f"'{type(node).__name__}' expressions are not supported", node)
        name = norm.scope.new_version(target) if target else norm.namer.fresh(base)
        norm.emit(nodes.assign(name, value))
        norm.defined.add(name)
        if isinstance(value, gast.Dict):
            norm.dicts.add(name)
        record_fields(norm, name, value)   # (np.linalg.slogdet(a).logabsdet)
        if isinstance(value, gast.Call) and _iterator_call(norm, value, node):
            norm.iterators.add(name)
        norm.aliases.track_views(name, value)
        return name

    def binary(self, node):
        """The operation ``left op right`` of atoms, located (a refusal of it points at
        it); a ``|`` of an argument marked for the arguments' kinds to decide."""
        value = _located_binop(self.atom(node.left), node.op, self.atom(node.right), node)
        if merges_arguments(self.norm, node):
            anno.set(value, ARGUMENT_MERGE, True)
        return value

    def spelled_as(self, node, target=None):
        """``node``, or the expression it computes as s2sad differentiates it:
        ``d | {...}`` as ``{**d, **{...}}`` (a new dict with the items of both, the right
        one's win; see ``dicts.merges``), ``pow(a, b)`` as ``a ** b``, ``getattr(p, "W")``
        as ``p.W``."""
        norm = self.norm
        if merges(norm.dict_writes, node, target):
            return gast.copy_location(gast.Dict(keys=[None, None],
                                                values=[node.left, node.right]), node)
        if isinstance(node, gast.Call) and builtin_getattr(norm, node) is not None:
            return builtin_getattr(norm, node)   # getattr(p, "W"): p.W
        if isinstance(node, gast.Call) and builtin_power(norm, node):
            return gast.copy_location(gast.BinOp(left=node.args[0], op=gast.Pow(),
                                                 right=node.args[1]), node)
        return node

    def inlined_value(self, node, target, inline):
        """The name of the result of the call ``node`` whose callee's body ``inline()``
        emits in its place: the body's result itself where nothing names it."""
        norm = self.norm
        result = inline()
        if isinstance(result, gast.Name) and target is None:
            return result.id
        func = node.func
        name = norm.scope.new_version(target) if target else norm.namer.fresh(
            func.id if isinstance(func, gast.Name) else func.attr)
        norm.emit(nodes.assign(name, result))
        norm.defined.add(name)
        if isinstance(result, gast.Name):
            norm.aliases.hold(name, result.id)
            # (the helper returned its argument: the very object, which a change
            # through either name changes)
            norm.same_object.setdefault(name, set()).add(result.id)
            norm.same_object.setdefault(result.id, set()).add(name)
        return name

    def dict_literal(self, node):
        """The value of a dict display with constant keys, its values atoms: a key
        written twice keeps its first place and its last value, as in Python (every
        value is still computed, in order)."""
        entries = {}
        for key, item in zip(node.keys, node.values):
            atom = self.atom(item)
            slot = (type(key.value), key.value)
            entries[slot] = (entries[slot][0] if slot in entries else key.value, atom)
        return gast.Dict(keys=[nodes.const(k) for k, _ in entries.values()],
                         values=[v for _, v in entries.values()])

    def bind_value(self, node, target, base):
        """Name ``node``'s value (an expression, or an atom that needs a statement)."""
        norm = self.norm
        if is_atomic(node):
            name = norm.scope.new_version(target) if target else norm.namer.fresh(base)
            atom = self.atom(node)
            norm.emit(nodes.assign(name, atom))
            norm.defined.add(name)
            if isinstance(atom, gast.Name):
                norm.aliases.hold(name, atom.id)
            return name
        return self.operation(node, target)

    def operation_value(self, value, base, callee=None):
        """Emit ``<fresh base> = value`` for an already-normalized value; return its Name."""
        norm = self.norm
        if callee is not None:
            anno.set(value, anno.CALLEE, callee)
        name = norm.namer.fresh(base)
        norm.emit(nodes.assign(name, value))
        norm.defined.add(name)
        return nodes.name(name)

    def helper_call(self, fn, helper_name, args, user_name):
        """Emit ``<new version of user_name> = helper(args)`` for an s2sad helper."""
        norm = self.norm
        norm.helpers[helper_name] = fn
        name = norm.scope.new_version(user_name)
        norm.emit(nodes.assign(name, anno.set(nodes.call(helper_name, args), anno.CALLEE, fn)))
        norm.defined.add(name)
        return name

    def index(self, node):
        """A subscript's index with atoms for its parts (slices and tuples kept)."""
        if isinstance(node, gast.Slice):
            return gast.Slice(lower=node.lower and self.atom(node.lower),
                              upper=node.upper and self.atom(node.upper),
                              step=node.step and self.atom(node.step))
        if isinstance(node, gast.Tuple):
            return nodes.tuple_([self.index(e) for e in node.elts])
        return self.atom(node)

    def attribute(self, node):
        """``x.T``, ``x.shape`` on a local value: its numpy function or the attribute
        itself; any other attribute is refused."""
        norm = self.norm
        if norm.module_names.global_path(node) is not None:
            raise AssertionError("global attribute paths are atoms")  # pragma: no cover
        owner = self.atom(node.value)
        refuse_array_named_field(norm, node, registry.CONSTANT_ATTRIBUTES, registry.VIEW_ATTRIBUTES)
        if node.attr in registry.CONSTANT_ATTRIBUTES:
            return gast.Attribute(value=owner, attr=node.attr, ctx=gast.Load())
        if node.attr in registry.VIEW_ATTRIBUTES:
            target, dotted = registry.VIEW_ATTRIBUTES[node.attr]
            norm.module_names.use_numpy(dotted, target)
            return anno.set(nodes.call(dotted, [owner]), anno.CALLEE, target)
        field = field_item(norm, owner, node.attr)
        if field is None:   # p.W of a namedtuple the arguments hold (see .tuple_fields)
            field = field_read(norm, owner, node)
        if field is not None:
            return field
        read = object_attribute(norm, owner, node)   # self.W, cfg.lr (object_attributes)
        if read is not None:
            return read
        # (rules.hints reads numpy, which the core never imports: only to word a refusal)
        from ...rules.hints import attribute_hint
        raise norm.error(f"the attribute '.{node.attr}' is not supported", node,
                         hint=attribute_hint(node.attr), kind=FieldReadError)

    def item_call(self, node, func):
        """``x.item()``, ``x.item(i)``, ``x.item(i, j)``: ``item_of(x, index)``, for arrays
        and numpy's numbers alike (``np.ndarray.item`` refuses ``np.float64``)."""
        target = registry.runtime_helper("item_of")
        self.norm.helpers["item_of"] = target
        index = [self.atom(node.args[0])] if len(node.args) == 1 else [
            nodes.tuple_([self.atom(a) for a in node.args])] if node.args else []
        call = nodes.call("item_of", [self.atom(func.value)] + index)
        anno.set(call, anno.CALLEE, target)
        anno.sited(call, node, self.norm)
        return call

    def refuse_frozen_method(self, func, node):
        """``maker(...).method(...)`` where ``maker.method`` exists (a frozen scipy
        distribution, ``st.norm(mu, s).logpdf(x)``): refused with the call of
        ``maker.method`` that takes the parameters, which is what has a rule."""
        inner = func.value
        if not (isinstance(inner, gast.Call) and self.norm.module_names.global_path(
                inner.func) is not None):
            return
        maker = ".".join(self.norm.module_names.global_path(inner.func))
        obj = self.norm.parsed.resolve(inner.func.id, None) if isinstance(
            inner.func, gast.Name) else self.norm.module_names.resolve_path(inner.func)
        if not hasattr(obj, func.attr):
            return
        raise self.norm.error(
            f"'{maker}(...).{func.attr}(...)' calls a method of an object the function makes "
            f"(a frozen distribution)", node,
            hint=f"call {maker}.{func.attr} with the parameters instead: "
                 f"{maker}.{func.attr}(x, <the arguments given to {maker}>)")

    def named_callee(self, node, func):
        """(the object, the expression) a call names: ``f``, ``module.f``, or a derivative
        made where it is called (``s2sad.grad(f, wrt=1)(x, y)``)."""
        norm = self.norm
        if isinstance(func, gast.Name):
            if anno.get(func, anno.HELPER_NAME) and func.id in OWN_BUILTINS:
                # s2sad's own call of a builtin (syntax.own_builtins): the builtin whatever
                # the user's module or parameter of that name holds
                return getattr(builtins, func.id), nodes.builtin(func.id)
            func = given_function(norm, func)   # (an inlined helper's f given rhs: rhs)
            if func.id in norm.env or func.id in norm.locals:
                raise called_parameter_error(norm, node, func.id)   # (see function_args)
            try:
                target = called_partial(norm.parsed.resolve(func.id), lambda e: norm.error(
                    e.message, node, hint=e.hint), given=_positions(node))
            except KeyError:
                raise norm.undefined(func.id, node) from None
            norm.module_names.use_global(func.id, node)   # (a call: opaque_state.note_call)
            return target, marked(anno.copy(func, nodes.name(func.id), anno.USER_NAME,
                                            anno.HELPER_NAME), norm.marks)
        if isinstance(func, gast.Attribute):
            return called_partial(norm.module_names.resolve_path(func, node), lambda e: norm.error(
                e.message, node, hint=e.hint), given=_positions(node)), \
                marked(nodes.clone(func), norm.marks)
        target = made_here(norm, func)
        if target is None:
            raise unnamed_call_error(norm, node, func)
        return target, nodes.clone(func)

    def call(self, node):
        """The call ``node`` with atoms for its arguments, its callee resolved and annotated
        (``anno.CALLEE``); a local value's method: numpy's function (``x.sum()``: ``np.sum(x)``)."""
        norm = self.norm
        method_through_object(norm, node)   # self.act(x): Model.act(self, x)
        func = node.func
        _refuse_self_method(norm, func, node)   # (self.sum(x) of a class defining sum)
        if isinstance(func, gast.Attribute) and norm.module_names.global_path(func) is None \
                and func.attr == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
            # d.get(key), d.get(key, default): a dict's (ndarrays have no .get)
            target = registry.DICT_HELPERS["dict_get"]
            norm.helpers["dict_get"] = target
            call = nodes.call("dict_get", [self.atom(func.value)] +
                              [self.atom(a) for a in node.args])
            anno.set(call, anno.CALLEE, target)
            anno.sited(call, node, self.norm)
            return call
        if isinstance(func, gast.Attribute) and norm.module_names.global_path(func) is None \
                and func.attr == "item" and not node.keywords:
            return self.item_call(node, func)
        if isinstance(func, gast.Attribute) and norm.module_names.global_path(func) is None:
            # a method call on a local value: x.sum(axis=0) -> np.sum(x, axis=0)
            entry = registry.METHODS.get(func.attr)
            entry, node = registry.method_variant(func.attr, node, entry)   # (copy=False)
            if entry is None:
                self.refuse_frozen_method(func, node)
                drawn = draw_call(self, node, func)   # (rng.normal(...): a draw)
                if drawn is not None:
                    return drawn
                raise _unknown_method_error(norm, func, node)
            target, dotted = entry
            owner = refuse_missing_method(norm, self.atom(func.value), func, node)   # (a list's)
            if registry.runtime_method(target):   # (x.flatten(): s2sad's flatten_of)
                norm.helpers[dotted] = target
            else:
                norm.module_names.use_numpy(dotted, target)
            callee_expr = nodes.dotted(dotted)
            args = [owner]
            if func.attr in ("reshape", "transpose") and (
                    len(node.args) > 1 or func.attr == "reshape" and len(node.args) == 1
                    and _int_literal(node.args[0])):   # (x.reshape(-1): Dask's np.reshape
                args.append(nodes.tuple_([self.atom(a) for a in node.args]))   # takes a tuple)
                extra = []
            else:
                extra = node.args
            extra, given = _method_arguments(func.attr, extra, node.keywords)
        else:
            target, callee_expr = written_callee(norm, func) or self.named_callee(node, func)
            refuse_ufunc_value(norm, target, node)
            refuse_given_lambda(target, node, norm.parsed)   # (np.piecewise's, key=)
            node = bound_as_the_api(norm, node, func, target)   # (a derivative called here)
            args, extra, given = [], node.args, node.keywords
        # a rule reads a list literal's items (np.stack([a, b])); a function of the
        # user's gets the list as a value, named like any other
        literals = not (is_user_function(target) and registry.lookup(target) is None)
        if not is_user_function(target):   # out=None: the default, no write
            extra, given = without_out_none(target, extra, given, method=bool(args))
        for arg in extra:
            if isinstance(arg, (gast.List, gast.Tuple)) and literals:
                args.append(type(arg)(elts=[self.atom(e) for e in arg.elts], ctx=gast.Load()))
            else:
                args.append(self.atom(arg))
        keywords = []
        for kw in given:
            if kw.arg is None:
                raise norm.error("'**' arguments are not supported", kw.value,
                                 hint="pass the keyword arguments by name")
            value = kw.value
            if isinstance(value, (gast.List, gast.Tuple)) and literals:
                value = type(value)(elts=[self.atom(e) for e in value.elts], ctx=gast.Load())
            else:
                value = self.atom(value)
            keywords.append((kw.arg, value))
        if keywords and is_user_function(target):   # (see wrappers.bound_call)
            args, keywords = self.wrapper_call(target, args, keywords, node)
        target, callee_expr, keywords = self.laid_out(target, callee_expr, args, keywords)
        call = nodes.call(callee_expr, args, keywords)
        anno.set(call, anno.CALLEE, target)
        anno.sited(call, node, self.norm)
        return call

    def laid_out(self, target, callee_expr, args, keywords):
        """``(target, callee, keywords)`` of ``np.reshape(x, shape, order='A')``: s2sad's
        ``reshape_laid_out(x, shape, like=x)``, whose order ``x``'s memory layout decides
        when the code runs (its adjoint and tangent read ``x``'s too); of an order a name
        holds (``order=o``), ``reshape_laid_out(x, shape, like=x, order=o)``, the order
        read when the code runs; else as given."""
        laid = registry.METHOD_VARIANTS.get(("reshape", "order", "A"))
        order = next((v for name, v in keywords if name == "order"), None)
        if laid is None or target is not registry.METHODS["reshape"][0] or len(args) != 2 \
                or order is None or isinstance(order, gast.Constant) and order.value != "A":
            return target, callee_expr, keywords
        self.norm.helpers[laid[1]] = laid[0]
        held = [] if isinstance(order, gast.Constant) else [("order", order)]
        return laid[0], nodes.name(laid[1]), [
            (name, v) for name, v in keywords if name != "order"] + [("like", args[0])] + held

    def wrapper_call(self, target, args, keywords, node):
        """A call of a wrapper with a default of its own before ``*args``, leaving it
        to that default, passes it (``wrappers.bound_call``)."""
        try:
            return wrappers.bound_call(target, args, keywords)
        except TypeError as exc:
            raise self.norm.error(f"cannot match the call to {target.__name__}: {exc}",
                                  node) from None
        except ValueError as exc:
            raise self.norm.error(
                f"this call leaves {exc} to the default of {target.__name__}'s wrapper, "
                f"which s2sad cannot write into the generated call", node,
                hint=f"pass {exc} explicitly") from None


def _located_binop(left, op, right, node):
    """``gast.copy_location(gast.BinOp(left=left, op=op, right=right), node)`` of the
    expression ``node``, without gast's constructor and the loop of ``copy_location``
    (the normalizer makes one per operator): the same fields, and each of the four
    location attributes ``node`` has (``end_lineno`` and ``end_col_offset`` have a
    class default, None)."""
    value = _BINOP.__new__(_BINOP)
    fields = value.__dict__
    fields.update(left=left, op=op, right=right)
    for attr in _LOCATION:
        found = getattr(node, attr, _LOCATION)
        if found is not _LOCATION:
            fields[attr] = found
    return value


_BINOP = gast.BinOp
_LOCATION = gast.BinOp._attributes   # (lineno, col_offset, end_lineno, end_col_offset)


_BINOP_NAMES = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "div",
    gast.Pow: "power", gast.MatMult: "matmul", gast.FloorDiv: "floordiv",
    gast.Mod: "mod",
}


_UNARY_NAMES = {gast.USub: "neg", gast.UAdd: "pos", gast.Not: "negation", gast.Invert: "inverted"}


_BUILTIN_NAMES = frozenset(dir(builtins))

def _iterator_call(norm, value, node):
    """Whether the call ``value`` (of atoms) makes an iterator (``zip(...)``,
    ``itertools.combinations(...)``: see .iterables); an endless one is refused."""
    func = value.func
    root = func
    while isinstance(root, gast.Attribute):
        root = root.value
    if not isinstance(root, gast.Name) or root.id in norm.env:
        return False
    fn = norm.parsed.resolve_callee(func)
    refuse_endless(norm, value, fn, node)
    return makes_iterator(fn)


def base_name(node):
    """The name a temporary computing ``node`` is given (``mul``, ``cond``...)."""
    if isinstance(node, gast.BinOp):
        return _BINOP_NAMES.get(type(node.op), "binop")
    if isinstance(node, gast.UnaryOp):
        return _UNARY_NAMES.get(type(node.op), "unary")
    if isinstance(node, gast.Compare):
        return "cond"
    if isinstance(node, gast.Tuple):
        return "tup"
    if isinstance(node, gast.List):
        return "items"
    return "tmp"


def call_base(call):
    """The name the result of the normalized ``call`` is given."""
    func = anno.get(call.func, anno.COMPOSED_CALLEE) or call.func   # (as written)
    if isinstance(func, gast.Call):   # s2sad.grad(f)(x) -> grad_f
        made, named = call_base(func), func.args[0]
        while isinstance(named, gast.Attribute):
            named = named.value if not isinstance(named.value, gast.Name) else named
            break
        label = named.attr if isinstance(named, gast.Attribute) else getattr(named, "id", "")
        return f"{made}_{label}" if label else made
    name = func.attr if isinstance(func, gast.Attribute) else func.id
    for method, (target, dotted) in registry.METHODS.items():
        if dotted == name and registry.runtime_method(target):
            return method   # x.flatten() -> flatten_of(x), named flatten
    if name in _BUILTIN_NAMES and call.args and isinstance(call.args[0], gast.Name):
        return f"{name}_{call.args[0].id}"   # np.sum(x) -> sum_x, never shadowing sum
    return name


def attribute_base(node):
    """The name the value of the attribute ``node`` is given."""
    owner = node.value
    prefix = owner.id if isinstance(owner, gast.Name) else "value"
    return f"{prefix}_{node.attr}"


def _method_arguments(method, extra, given):
    """``(positional, keywords)`` the function ``x.method(*extra, **given)`` becomes
    takes after ``x``, where the method's parameters are not the function's
    (``registry.METHOD_KEYWORDS``, ``registry.METHOD_POSITIONS``)."""
    by_name = registry.METHOD_KEYWORDS.get(method, ())
    if any(by_name[:len(extra)]):   # x.astype(t, 'F') -> np.array(x, t, order='F')
        given = [gast.keyword(arg=name, value=arg)
                 for arg, name in zip(extra, by_name) if name] + list(given)
        extra = [arg for i, arg in enumerate(extra) if i >= len(by_name) or by_name[i] is None]
    spelled = registry.METHOD_POSITIONS.get(method)
    if spelled:   # x.clip(0.0) -> np.clip(x, 0.0, None) (Dask's takes no min=)
        named = {kw.arg: kw.value for kw in given}
        extra = list(extra) + [named.pop(name, nodes.const(None))
                               for name in spelled[len(extra):]]
        given = [kw for kw in given if kw.arg in named]
    by_default = registry.METHOD_DEFAULTS.get(method, ())
    if by_default:   # x.copy() -> copy_of(x, order='C'): numpy's method copies to C order
        taken = set(by_name[:len(extra)]) | {kw.arg for kw in given}
        given = list(given) + [gast.keyword(arg=name, value=nodes.const(value))
                               for name, value in by_default if name not in taken]
    return extra, given


def _int_literal(node):
    """Whether ``node`` is an integer literal (``12``, ``-1``)."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return isinstance(node, gast.Constant) and type(node.value) is int


def _positions(call):
    """How many arguments ``call`` gives by position (None with a ``*xs`` among them)."""
    return None if any(isinstance(a, gast.Starred) for a in call.args) else len(call.args)


def _unknown_method_error(norm, func, node):
    """The refusal of ``owner.name(...)`` of a method s2sad does not know: a method of
    the user's class called through ``self`` names the class spelling that works."""
    named = class_attribute_error(norm, func.attr, node)   # p._replace(W=...)
    if named is not None:
        return named
    through = self_method_refusal(norm.parsed, func) \
        or class_method_hint(norm.parsed, func)   # (self.act(x), model.act(x))
    if through is not None:
        return norm.error(through[0], node, hint=through[1])
    # (rules.hints reads numpy, which the core never imports: only to word a refusal)
    from ...rules.hints import method_hint
    return norm.error(f"the method '.{func.attr}()' is not supported", node,
                      hint=method_hint(func.attr, func.value))


def _refuse_self_method(norm, func, node):
    """Refuse ``self.m(...)`` in a method of the user's class that defines ``m`` (even
    one named like an array's or a dict's method, ``self.sum(x)``, ``self.get(k)``): see
    ``bound_methods.self_method_refusal``."""
    if func.__class__ is gast.Attribute and func.value.__class__ is gast.Name \
            and func.value.id in norm.root_params:
        through = self_method_refusal(norm.parsed, func)
        if through is not None:
            raise norm.error(through[0], node, hint=through[1])
