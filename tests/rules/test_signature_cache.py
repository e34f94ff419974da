"""``registry.signature_of`` keeps a signature only while what it is made of stays."""

from s2sad.rules import registry


def test_signature_kept_until_defaults_change():
    def f(a, b=1):
        return a + b

    assert str(registry.signature_of(f)) == "(a, b=1)"
    f.__defaults__ = (2,)
    assert str(registry.signature_of(f)) == "(a, b=2)"
    f.__code__ = (lambda a, c=3: a).__code__
    f.__defaults__ = (3,)
    assert str(registry.signature_of(f)) == "(a, c=3)"
