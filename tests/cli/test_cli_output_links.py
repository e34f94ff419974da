"""``-o`` through symlinks and onto what is no regular file (stranger report 22d): an
output that is a symlink (or a chain of them) is written through, its file replaced in
its own directory and the link kept (the rename replaced the link by a regular file and
left its file stale); a FIFO, a device or a directory is refused with one message, never
read (reading ``-o /dev/stdout`` piped to ``cat`` hung on the pipe it writes) and never
replaced, with or without ``--force``.  ``s2sad check --update`` writes through a
symlinked module too."""

import os
import stat
import sys
import textwrap

import numpy as np
import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def loss(x):
        return np.sum(np.sin(x) * x)
    """


def _cli(cwd, *args):
    return s2sad_command([*args], cwd=cwd,
                          capture_output=True, text=True, env=_ENV, timeout=120)


def _setup(tmp_path, scale="1.0"):
    (tmp_path / "lsrc.py").write_text(textwrap.dedent(SOURCE).replace("* x)", f"* x * {scale})"))
    (tmp_path / "target").mkdir()
    return tmp_path


def _gradient_of(path, scale):
    """The module at ``path`` run: its gradient against the one written by hand."""
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)   # noqa: S102
    x = np.array([0.3, -1.1, 2.0])
    value, g = namespace["loss_value_and_grad"](x)
    assert value == pytest.approx(np.sum(np.sin(x) * x * scale))
    np.testing.assert_allclose(g, (np.cos(x) * x + np.sin(x)) * scale, rtol=1e-12)


def _one_error(proc):
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return errors[0]


def test_a_symlink_is_written_through_and_kept(tmp_path):
    _setup(tmp_path)
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "target/real_grad.py").returncode == 0
    link = tmp_path / "link_grad.py"
    link.symlink_to("target/real_grad.py")
    (tmp_path / "lsrc.py").write_text(textwrap.dedent(SOURCE).replace("* x)", "* x * 3.0)"))
    proc = _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "link_grad.py")
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "target/real_grad.py"
    assert sorted(os.listdir(tmp_path / "target")) == ["real_grad.py"]   # no temporary left
    sys.path.insert(0, str(tmp_path))
    try:
        _gradient_of(tmp_path / "target" / "real_grad.py", 3.0)   # the new module, there
    finally:
        sys.path.remove(str(tmp_path))


def test_a_chain_of_symlinks_is_written_through(tmp_path):
    _setup(tmp_path)
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "target/real_grad.py").returncode == 0
    (tmp_path / "mid.py").symlink_to("target/real_grad.py")
    (tmp_path / "top.py").symlink_to("mid.py")
    before = (tmp_path / "target" / "real_grad.py").read_text()
    (tmp_path / "lsrc.py").write_text(textwrap.dedent(SOURCE).replace("* x)", "* x * 2.0)"))
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "top.py").returncode == 0
    assert os.readlink(tmp_path / "top.py") == "mid.py"
    assert os.readlink(tmp_path / "mid.py") == "target/real_grad.py"
    after = (tmp_path / "target" / "real_grad.py").read_text()
    assert after != before and "* 2.0" in after


def test_a_symlink_to_a_file_s2sad_did_not_write_is_refused_without_force(tmp_path):
    _setup(tmp_path)
    (tmp_path / "target" / "notes.py").write_text("# mine\n")
    (tmp_path / "link.py").symlink_to("target/notes.py")
    message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", "link.py"))
    assert "did not write" in message
    assert (tmp_path / "target" / "notes.py").read_text() == "# mine\n"
    assert (tmp_path / "link.py").is_symlink()
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "link.py", "--force").returncode == 0
    assert (tmp_path / "link.py").is_symlink()
    assert "def loss_value_and_grad" in (tmp_path / "target" / "notes.py").read_text()


def test_a_dangling_symlink_creates_its_file_and_stays(tmp_path):
    _setup(tmp_path)
    (tmp_path / "made.py").symlink_to("target/new_grad.py")
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "made.py").returncode == 0
    assert (tmp_path / "made.py").is_symlink()
    assert "def loss_value_and_grad" in (tmp_path / "target" / "new_grad.py").read_text()


def test_a_dangling_symlink_into_no_directory_is_refused(tmp_path):
    _setup(tmp_path)
    (tmp_path / "lost.py").symlink_to("nowhere/x_grad.py")
    message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", "lost.py", "--force"))
    assert "output directory does not exist" in message and "symlink" in message
    assert (tmp_path / "lost.py").is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_loop_of_symlinks_is_refused(tmp_path):
    _setup(tmp_path)
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", "a.py", "--force"))
    assert "cannot use this output path" in message
    assert os.readlink(tmp_path / "a.py") == "b.py" and os.readlink(tmp_path / "b.py") == "a.py"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform (Windows)")
@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("through_link", [False, True])
@pytest.mark.parametrize("command", ["grad", "graph"])
def test_a_fifo_is_refused_never_read_nor_replaced(tmp_path, force, through_link, command):
    # (nobody opens the FIFO's other end: had s2sad opened it, the run would block, and
    # the timeout of _cli fail the test)
    _setup(tmp_path)
    name = "pipe.py" if command == "grad" else "pipe.dot"
    os.mkfifo(tmp_path / name)
    out = name
    if through_link:
        out = "link_" + name
        (tmp_path / out).symlink_to(name)
    message = _one_error(_cli(tmp_path, command, "lsrc.py:loss", "-o", out, *force))
    assert "pipe (FIFO)" in message and "never reads or replaces" in message
    assert ("through a symlink" in message) == through_link
    assert stat.S_ISFIFO(os.lstat(tmp_path / name).st_mode)
    assert (tmp_path / out).is_symlink() == through_link
    assert sorted(os.listdir(tmp_path)) == sorted(["lsrc.py", "target", name]
                                                  + ([out] if through_link else []))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform (Windows)")
def test_the_hint_names_dash_o_dash(tmp_path):
    _setup(tmp_path)
    os.mkfifo(tmp_path / "p.py")
    proc = _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "p.py")
    assert "hint: '-o -' prints the module to stdout" in proc.stderr


def test_a_character_device_is_refused_never_replaced(tmp_path):
    # os.devnull only read about: its kind and inode before and after.  Never with
    # --force: run as root on a version with the bug, that replaced the device itself
    # (--force on what is no regular file is tested on FIFOs of the test's own)
    if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip(f"{os.devnull} is no character device here")
    _setup(tmp_path)
    before = os.lstat(os.devnull)
    message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", os.devnull))
    assert "character device" in message
    after = os.lstat(os.devnull)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_a_symlink_to_a_character_device_is_refused(tmp_path):
    if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip(f"{os.devnull} is no character device here")
    _setup(tmp_path)
    (tmp_path / "null.py").symlink_to(os.devnull)   # (no --force: see above)
    message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", "null.py"))
    assert "character device" in message and "through a symlink" in message
    assert os.readlink(tmp_path / "null.py") == os.devnull


def test_a_directory_or_a_symlink_to_one_is_refused(tmp_path):
    _setup(tmp_path)
    (tmp_path / "dlink.py").symlink_to("target")
    for out in ("target", "dlink.py"):
        message = _one_error(_cli(tmp_path, "grad", "lsrc.py:loss", "-o", out, "--force"))
        assert "is a directory" in message
    assert (tmp_path / "dlink.py").is_symlink() and os.listdir(tmp_path / "target") == []


def test_check_update_writes_through_a_symlinked_module(tmp_path):
    _setup(tmp_path)
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "target/real_grad.py").returncode == 0
    (tmp_path / "link_grad.py").symlink_to("target/real_grad.py")
    # the module made through the link records its command from the link's directory
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "link_grad.py").returncode == 0
    (tmp_path / "lsrc.py").write_text(textwrap.dedent(SOURCE).replace("* x)", "* x * 5.0)"))
    stale = _cli(tmp_path, "check", "link_grad.py")
    assert stale.returncode == 1, stale.stderr
    proc = _cli(tmp_path, "check", "link_grad.py", "--update")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "link_grad.py").is_symlink()
    assert sorted(os.listdir(tmp_path / "target")) == ["real_grad.py"]
    assert _cli(tmp_path, "check", "link_grad.py").returncode == 0
    sys.path.insert(0, str(tmp_path))
    try:
        _gradient_of(tmp_path / "target" / "real_grad.py", 5.0)
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform (Windows)")
def test_check_skips_a_fifo_in_a_directory_without_reading_it(tmp_path):
    _setup(tmp_path)
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "target/real_grad.py").returncode == 0
    os.mkfifo(tmp_path / "target" / "waiting.py")
    proc = _cli(tmp_path, "check", "target")
    assert proc.returncode == 0, proc.stderr
    assert "1 up to date" in proc.stderr


def test_check_says_an_unknown_option_does_not_parse(tmp_path):
    _setup(tmp_path)
    assert _cli(tmp_path, "grad", "lsrc.py:loss", "-o", "m_grad.py").returncode == 0
    module = tmp_path / "m_grad.py"
    lines = module.read_text().splitlines(keepends=True)
    lines = [line.rstrip("\n") + " --bogus\n" if line.startswith("# regenerate:") else line
             for line in lines]
    module.write_text("".join(lines))
    message = _one_error(_cli(tmp_path, "check", "m_grad.py"))
    assert "records no" not in message
    assert "'regenerate:' command is not one s2sad can run" in message
    assert "unrecognized arguments: --bogus" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform (Windows)")
def test_write_atomic_refuses_a_fifo_and_writes_through_a_link(tmp_path):
    from s2sad import cli
    os.mkfifo(tmp_path / "p.py")
    with pytest.raises(cli.CliError, match="pipe"):
        cli.write_atomic(str(tmp_path / "p.py"), b"x = 1\n")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "p.py").st_mode)
    (tmp_path / "real.py").write_bytes(b"old\n")
    os.chmod(tmp_path / "real.py", 0o640)
    (tmp_path / "link.py").symlink_to("real.py")
    cli.write_atomic(str(tmp_path / "link.py"), b"new\n")
    assert (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_bytes() == b"new\n"
    assert stat.S_IMODE(os.stat(tmp_path / "real.py").st_mode) == 0o640   # its mode kept
