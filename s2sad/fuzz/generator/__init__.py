"""The program generator: random programs from seeds, written by collaborators that share
one :class:`~s2sad.fuzz.generator.state.Draft` (the program being written):
:class:`~s2sad.fuzz.generator.expressions.Expressions` writes expressions,
:class:`~s2sad.fuzz.generator.statements.Statements` chooses statements and hands each to
its family (assignments, control flow, loop targets, aliasing, container builds, writes
and loops), :class:`~s2sad.fuzz.generator.signature.Signature` the parameters, and
:class:`~s2sad.fuzz.generator.assembly.Generator` composes the module."""

from s2sad.fuzz.generator.assembly import Generator, generate

__all__ = ["Generator", "generate"]
