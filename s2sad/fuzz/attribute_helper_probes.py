"""The probes of ``generator/attribute_helper_forms.py``'s constructs (fixattr25): an
attribute a helper of the user's sets on the object it is given, read by ``f`` after each
call in a loop: (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

from s2sad.fuzz.generator.attribute_helper_forms import HELPERS_TEXT

ATTRIBUTE_HELPER_PROBES = {
    # a local object given on each trip to a helper setting its attribute (through a local
    # alias), read after the call (and before it): differentiated in reverse and forward
    # mode, refused in second order at the helper's write (by design)
    "attribute_helper_loop": (HELPERS_TEXT.format(n=1, write="d = ac\n    d.n = ac.n + 0.5",
                                                  method="self.n = self.n + 0.5")
                              + "\n\n\ndef f(x):\n"
                              "    ao1 = Ah1()\n    aq1 = 0.0\n    for ai1 in range(3):\n"
                              "        aq1 = aq1 + np.sum(np.cos(x * ao1.n) * x) * 0.5\n"
                              "        az1 = aw1(ao1)\n"
                              "        aq1 = aq1 + np.sum(np.tanh(x * x * ao1.n)) + az1\n"
                              "    return aq1\n", (np.array([0.5, 0.1, -0.3]),)),
    # a module's object given to such a helper (its step cyclic over the three calls, made
    # by a method of the object) and read by f: refused in reverse mode on its name and in
    # second order, right in forward
    "attribute_helper_module": (HELPERS_TEXT.format(n=1, write="ac.inc()",
                                                    method="self.n = self.n % 1.5 + 0.5")
                                + "\n\n\nAO1 = Ah1()\n\n\ndef f(x):\n    aq1 = 0.0\n"
                                "    ai1 = 0\n    while ai1 < 3:\n        az1 = ah1(AO1)\n"
                                "        aq1 = aq1 + np.sum(np.sin(x * AO1.n) * x) + az1\n"
                                "        ai1 = ai1 + 1\n    return aq1\n",
                                (np.array([0.5, 0.1, -0.3]),)),
}
