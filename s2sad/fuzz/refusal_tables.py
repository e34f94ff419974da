"""What s2sad may refuse, must refuse and must never refuse in a generated program, as
tables the checker reads an s2sad error against: the refusable constructs and the names
their refusals must point at (``REFUSABLE``), the constructs whose refusal is required
(``MUST_REFUSE``), the lines of claimed constructs that must never be refused
(``MUST_WORK``), and the words of the located refusals of in-place updates that may change
another name (``ALIASING_REFUSALS``, deliberate skips, never wrong numbers)."""

#: constructs s2sad may refuse instead of differentiating (issue 11: "differentiated exactly
#: or refused with a location"): a located s2sad error on a line of such a construct (a line
#: naming one of its names) is a deliberate skip, "refused:<feature>", never a pass.  The
#: names are the generator's: arrays ``arN``/``alN`` and containers ``boxN`` of the may-alias
#: constructs, ``iaN``/``baN`` integer and bool arrays.  The error's column must fall on such
#: a name.  (The decorator is not refusable: its wrapper, with named parameters or
#: ``*args, **kwargs`` passed on whole, is differentiated in every mode.)
REFUSABLE = {
    "alias_branch": r"\b(ar|al)\d+\b",
    "alias_ifexp": r"\b(ar|al)\d+\b",
    "alias_helper": r"\b(ar|al)\d+\b|\bsame\b",
    "alias_container": r"\b(ar|al|box)\d+\b",
    "alias_loop": r"\b(ar|al)\d+\b",
    "int_array_write": r"\bia\d+\b",
    "bool_array_write": r"\bba\d+\b",
    # the jvp of the identity, whose tangent output is its argument, read after a write
    "fresh_direction": r"s2sad\.jvp\(fi\d+\)",
    # a local function chosen by the path: which body a call means depends on it
    "local_function_branch": r"\bg\d+\b",
    # a local function reading a view of an array written into before the call
    "closure_view": r"\bsc[bwf]\d+\b",
    # a write through a name for (a view of) a parameter read again after it
    "param_array_write": r"\bpv\d+\b",
    # a container mutated through a second name (issue 12: followed exactly or refused)
    "container_alias": r"\b(co|ca|hold)\d+\b",
    # ... or through a name that holds it on one path only (a conditional expression)
    "container_maybe_alias": r"\b(mo|ma|mm)\d+\b",
    # .append of a deque with maxlen, or of an object of the program's own class: these
    # must be refused (MUST_REFUSE), on the name of the object
    "deque_maxlen": r"\bdq\d+\b",
    "class_append": r"\bua\d+\b",
    # ravel('K') of an array argument given as a strided view (neither C- nor
    # Fortran-contiguous): refused, "flatten in order 'C' or 'F'"
    "input_layout": r"\blk\d+\b",
    # a write through a maybe-view (np.asfortranarray, astype(copy=False)...): followed
    # where numpy returns the array itself, or refused on the write's name
    "maybe_view_write": r"\bmv\d+\b",
    # a deque or an object of the program's own class given as an argument: refused
    # (MUST_REFUSE) on the argument's name, or on the len() or sum() reading it
    "foreign_arg": r"\b(len|sum)\(.*\bf[qb]\b.*\)|\bf[qb]\b",
    # a list in * or / with a differentiated array: refused (MUST_REFUSE) on the list's name
    "list_arith": r"\bsl\d+\b",
    # a write through np.asanyarray(a) (a itself) where a is read later: refused
    # (MUST_REFUSE) on the view's name
    "unseen_view_write": r"\buw\d+\b",
    # a scipy.linalg call given its overwrite flag True by position: refused (MUST_REFUSE)
    # where the call stands
    "overwrite_position": r"\bsla\.\w+\(ow\d+, ",
    # an item of a module's object whose __getitem__ computes it from a differentiated key:
    # refused (MUST_REFUSE) where the item is read
    "object_item": r"\b(oi|IT)\d+\b",
}

#: constructs s2sad refuses by design in some modes only: {feature: {mode: where the
#: refusal must fall}} (as REFUSABLE's, the error's column on a match); a refusal of them
#: in a mode not listed, or elsewhere, is a failure, and the checker goes on to the other
#: modes (the outcome is the skip "refused:<feature>" where none fails).  A helper setting
#: an attribute of the object it is given (``ac.n = ...``): second order puts its body in
#: place of its call and refuses the write there; a module's object given to it and read
#: by f is refused in reverse mode on its name (forward mode must be right)
_ATTRIBUTE_WRITE = r"^\s*(ac\.n = |d\.n = |vars\(ac\)|setattr\(ac|ac\.inc\(\)|self\.n = )"
REFUSABLE_IN_MODES = {
    "attribute_helper_loop": {"second": _ATTRIBUTE_WRITE},
    "attribute_helper_module": {"reverse": r"\bAO\d+\b", "second": _ATTRIBUTE_WRITE},
}

#: constructs s2sad must refuse (a located s2sad error on their names, REFUSABLE): a mode
#: that differentiates a program using one is a failure, "missing-refusal" (in reverse and
#: forward mode, or in the modes REFUSABLE_IN_MODES lists for it)
MUST_REFUSE = frozenset({"deque_maxlen", "class_append", "foreign_arg", "list_arith",
                         "unseen_view_write", "overwrite_position", "object_item",
                         "attribute_helper_module"})

#: the constructs s2sad refuses by design (must or may refuse, in every mode or in some,
#: and the None buffer whose else branch a pullback cannot restore): left out of the
#: programs drawn to check others
REFUSED_BY_DESIGN = MUST_REFUSE | frozenset(REFUSABLE) | frozenset(REFUSABLE_IN_MODES) \
    | {"none_buffer"}


def must_refuse_in(features, mode):
    """The constructs of ``features`` s2sad must refuse in ``mode``."""
    return {f for f in MUST_REFUSE & features
            if mode in REFUSABLE_IN_MODES.get(f, ("reverse", "forward"))}

#: lines of claimed constructs that must never be refused, whatever the message says
#: (an int counter's ``c += 1`` is not an in-place write into an array)
MUST_WORK = {"int_counter": r"\bc\d+ (\+= 1\b|= start\b)",
             # a write into a container only one name holds (issue 12): no aliasing to
             # refuse, whatever the message says
             "dict_write": r"\b(dc\d+|prm|pa\d+)(\[('\w+'|k\d+)\] = | \|= \{|\.update\(\{)|^\s*pa\d+ = prm$",
             "list_mutate": r"\b(ls\d+|xs)(\.(append|extend|insert|pop)\(|\[\w+\] = )",
             "container_carry": r"\bst\d+\b",
             # an update through a slice of an array beside another slice sharing no
             # memory with it (vb = vs[1:], va = vs[:1])
             "slice_update": r"\bvb\d+ [-+*]= ",
             # a write into a parameter no other name holds, a number parameter rebound,
             # a write through a name for it where the parameter is not read again
             "param_array_write": r"^\s*([xyz]|pw\d+)(\[.*\])? ([-+*]?=) ",
             # np.add.at / np.subtract.at on a parameter, as its x[i] += v
             "param_ufunc_at": r"^\s*np\.(add|subtract)\.at\([xyz], ",
             # the out=None idiom (in f, in the helper hnb or its wrapper wnb): never refused on its lines
             "none_buffer": r"^\s*(if ob is None:|ob = |ob\[[\d:]+\] = |hvb = [hw]nb\(|    return hnb\()"}

#: the located refusals of in-place updates that may change another name (by design)
ALIASING_REFUSALS = ("would also change the list or tuple that holds",
                     "since the two may share memory", "which shares its memory",
                     "may write into an array another name holds",
                     "writes into its argument", "which a function call made from it",
                     "and is written into too",
                     # the may-alias check over every path (branches, loops, helpers...)
                     "may hold the same array as", "may hold that array", "may hold that list",
                     "another name holds in place")
