"""Backends: the generated module of the numpy backend made into code another compiler
runs (numba).  Each backend's runtime lives beside its target pass; nothing here is
imported by s2sad's default path.
"""
