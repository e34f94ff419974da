"""s2sad's own numpy ports of GradBench's eleven evals, one module each.

Each module has ``prepare(input)`` (the eval's JSON input to numpy arguments,
not timed), and ``FUNCTIONS``: for each function the eval asks for, a pair
``(compute, output)``: ``compute(*arguments)`` is what the tool times,
``output(result)`` turns its result into the JSON the eval checks.

The objectives are written as a numpy user would write them from GradBench's
reference implementations: loops where the reference loops, writes into
arrays by index, helpers that write into their arguments. Loops the C++
reference runs in parallel (``omp parallel for`` over independent elements)
are written as numpy array operations, as a numpy user would.
"""

EVALS = ("ba", "det", "gmm", "ht", "kmeans", "llsq", "lse", "lstm", "ode",
         "particle", "saddle")
