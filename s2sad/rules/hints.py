"""What to suggest when a method or an attribute of a local value is not supported.

A hint must be true: suggest ``np.<name>(x)`` only when numpy has a function of
that name with a derivative rule, and say what to do for the methods of dicts
and lists and for the attributes of other objects.
"""

from . import registry
from .records import declared

_DICT_METHODS = {"items", "keys", "values", "get", "update", "setdefault", "popitem"}
_STRING_METHODS = {"startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip",
                   "split", "rsplit", "join", "replace", "find", "rfind", "isdigit",
                   "isalpha", "isnumeric", "partition", "rpartition", "casefold",
                   "removeprefix", "removesuffix", "zfill", "title", "capitalize"}
_LIST_METHODS = {"pop", "insert", "extend", "remove", "sort", "reverse", "index", "count",
                 "clear", "copy"}
#: a logger's methods (``syntax.normalize.effects.LOG_METHODS``)
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
                "log"}
#: methods of a deque or a set: the list spelling of each
_DEQUE_AND_SET_METHODS = {
    "popleft": "q.pop(0) for q.popleft()", "appendleft": "q.insert(0, v) for q.appendleft(v)",
    "extendleft": "q = ys[::-1] + q for q.extendleft(ys)",
    "rotate": "q = q[-k:] + q[:-k] for q.rotate(k)", "add": "xs.append(v) for s.add(v)",
    "discard": "a list without the item ([v for v in xs if v != item]) for s.discard(item)"}


def _numpy_rule(name):
    """``np.<name>`` when it has a derivative rule (or is declared constant), else None."""
    target = vars(registry.array_module()).get(name)   # (numpy's __getattr__ warns of old aliases)
    if target is None or not callable(target):
        return None
    rule = registry.lookup(target)
    return target if rule is not None else None


def _supported(table):
    return ", ".join(f".{name}" + ("()" if table is registry.METHODS else "")
                     for name in sorted(table)[:12])


def method_hint(name, owner=None):
    """The hint for ``x.<name>(...)`` on a local value, which s2sad does not support;
    ``owner``, the expression ``x`` (a gast node), when known: a string literal's
    method gets the string hint, whatever numpy has of that name."""
    if _is_string(owner):
        return _string_hint(name)
    if name in _DICT_METHODS:
        return ("dicts support d[k], d[k] = v, d.get(k, default), d.update(...), len(d), "
                f"k in d and loops (for k in d, for k, v in d.items(), d.keys(), d.values()): "
                f"write '.{name}()' with those")
    if name in ("pop", "insert", "extend"):
        return (f"call xs.{name}(...) with positional arguments on a list a local name "
                f"holds, or index the list instead (xs[-1]) and slice off what is left "
                f"(xs[:-1])")
    if name in _LIST_METHODS:
        return (f"lists support xs.append(v), xs.extend(ys), xs.insert(i, v), xs.pop(i), "
                f"xs[i] = v, indexing and slicing: build a new list instead of '.{name}()'")
    if name in _DEQUE_AND_SET_METHODS:
        return (f"'.{name}()' is a method of collections.deque or of a set, which s2sad "
                f"does not differentiate: keep a list (pass list(q) for a deque argument) "
                f"and write {_DEQUE_AND_SET_METHODS[name]}")
    if name == "format":
        return ("write the format string where it is called: \"W{}\".format(i) on the "
                "string literal, or an f-string (f\"W{i}\"), or str.format(fmt, i)")
    if _numpy_rule(name) is not None:
        return f"call the numpy function instead (np.{name}(x, ...))"
    if name in _LOG_METHODS:
        return (f"if this is a logger's '.{name}()' (its result is None): call it as a "
                f"statement, lg.{name}(...), with lg a module's logger or bound once in "
                f"the function (lg = logging.getLogger(__name__)): s2sad runs it in the "
                f"derivative; otherwise compute '.{name}()' outside the differentiated "
                f"function")
    if name in _STRING_METHODS:
        return _string_hint(name)
    return (f"s2sad knows these array methods: {_supported(registry.METHODS)}...; compute "
            f"'.{name}()' outside the differentiated function, or with numpy functions")


def _is_string(node):
    """Whether the gast node ``node`` is a string literal."""
    return getattr(node, "value", None).__class__ is str and \
        node.__class__.__name__ == "Constant"


def _string_hint(name):
    return (f"'.{name}()' is a method of strings, which s2sad does not call in the "
            f"differentiated code; write its result as a literal (\"a b\".split() is the "
            f"list [\"a\", \"b\"]), compare strings with ==, in and slices instead "
            f"(k[:1] == \"W\" for k.startswith(\"W\"), k in WEIGHT_KEYS with a "
            f"module-level tuple of keys), or compute it outside and pass the result")


def attribute_hint(name):
    """The hint for ``x.<name>`` on a local value (``self.k``, ``model.w``)."""
    if any(name in record.fields for _, record in declared()):
        return (f"'.{name}' is read as an item only on the name a call of the op that returns "
                f"it assigns (r = np.linalg.eigh(a); r.{name}); elsewhere index the tuple "
                f"by position (r[0], r[1])")
    if _numpy_rule(name) is not None:
        return f"call the numpy function instead (np.{name}(x))"
    return (f"s2sad reads these attributes of arrays: "
            f"{', '.join('.' + a for a in sorted(registry.CONSTANT_ATTRIBUTES | set(registry.VIEW_ATTRIBUTES)))}, "
            f"and not the attributes of other objects: the fields of a namedtuple argument "
            f"(p.{name}, also of one a list, tuple or dict argument holds) are read through "
            f"the Python API, which makes code for the class of the arguments it is called "
            f"with (s2sad.grad(f)(p, x)); a module the CLI writes does not see them: there "
            f"unpack it (W, b = p) or index it (p[0]); a dataclass is not taken apart: "
            f"declare its class a typing.NamedTuple with the same fields; for another "
            f"object pass the value of '.{name}' as an argument (f(x, k=obj.{name})) or "
            f"make it a module-level constant")
