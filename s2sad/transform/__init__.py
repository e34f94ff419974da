"""Transforms from normalized code to derivative code."""
