"""Reading user functions: parse, fence, normalize, and deterministic names."""
