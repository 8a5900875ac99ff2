"""Tests for labkit._files: the one atomic writer and the output-path check before work.

Every labkit writer (save_image, Compressed.save, the command line) goes through
``write_atomically``; these tests hold it to its promises with the file system itself as
the reference: byte contents, inode numbers, permission bits, and a real full disk
(``RLIMIT_FSIZE`` in a subprocess).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap

import pytest

from labkit._files import output_path, write_atomically


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _writer(data: bytes):
    return lambda handle: handle.write(data)


# --- writing -------------------------------------------------------------------------------


def test_write_creates_the_file_with_exactly_the_bytes_written(tmp_path):
    path = write_atomically(tmp_path / "a.bin", _writer(b"hello"))
    assert path == tmp_path / "a.bin" and path.read_bytes() == b"hello"
    assert _names(tmp_path) == ["a.bin"]


def test_write_accepts_a_string_path_and_expands_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert write_atomically("~/h.bin", _writer(b"x")) == tmp_path / "h.bin"
    assert (tmp_path / "h.bin").read_bytes() == b"x"


def test_write_never_replaces_an_existing_file_without_overwrite(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_atomically(target, _writer(b"new"))
    assert target.read_bytes() == b"precious" and _names(tmp_path) == ["a.bin"]


def test_write_replaces_with_overwrite_by_a_new_file_renamed_into_place(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    write_atomically(target, _writer(b"new"), overwrite=True)
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != old_inode  # renamed into place, not rewritten in place


def test_overwrite_keeps_the_permission_bits_of_the_replaced_file(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, _writer(b"new"), overwrite=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions_of_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "a.bin", _writer(b"x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.bin").stat().st_mode) == 0o640


@pytest.mark.parametrize("error", [ValueError("encoder broke"), KeyboardInterrupt()])
def test_a_writer_that_fails_leaves_the_old_file_and_no_partial_file(tmp_path, error):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")

    def write(handle):
        handle.write(b"half of the new")
        raise error

    with pytest.raises(type(error)):
        write_atomically(target, write, overwrite=True)
    assert target.read_bytes() == b"old" and _names(tmp_path) == ["a.bin"]


def test_a_failed_write_of_a_new_file_leaves_nothing(tmp_path):
    def write(handle):
        handle.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="a.bin.*No space left.*no file was left") as info:
        write_atomically(tmp_path / "a.bin", write)
    assert info.value.errno == errno.ENOSPC
    assert _names(tmp_path) == []


def test_a_disk_error_names_the_file_and_says_the_old_one_is_unchanged(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")

    def write(handle):
        raise OSError(errno.EFBIG, "File too large")

    with pytest.raises(OSError, match="could not write .*a.bin .*existing file is unchanged"):
        write_atomically(target, write, overwrite=True)
    assert target.read_bytes() == b"old"


def test_a_file_created_by_someone_else_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "a.bin"

    def write(handle):
        target.write_bytes(b"someone else's")  # appears while we write
        handle.write(b"ours")

    with pytest.raises(FileExistsError):
        write_atomically(target, write)
    assert target.read_bytes() == b"someone else's" and _names(tmp_path) == ["a.bin"]


def test_overwrite_replaces_a_symbolic_link_not_the_file_it_points_to(tmp_path):
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"keep me")
    link = tmp_path / "link.bin"
    link.symlink_to(elsewhere)
    write_atomically(link, _writer(b"new"), overwrite=True)
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert elsewhere.read_bytes() == b"keep me"


def test_a_dangling_symbolic_link_counts_as_an_existing_file(tmp_path):
    link = tmp_path / "link.bin"
    link.symlink_to(tmp_path / "missing.bin")
    with pytest.raises(FileExistsError):
        write_atomically(link, _writer(b"x"))


def test_the_write_goes_to_the_folder_of_the_target(tmp_path):
    seen = []

    def write(handle):
        seen.append(os.path.dirname(handle.name))
        handle.write(b"x")

    write_atomically(tmp_path / "a.bin", write)
    assert seen == [str(tmp_path)]  # the same file system: the rename is atomic


def test_a_full_disk_keeps_the_old_file_intact_and_leaves_no_partial_file(tmp_path):
    # A real full disk: the subprocess may write files of at most 64 KB (RLIMIT_FSIZE);
    # writing more fails with EFBIG (SIGXFSZ ignored) in the middle of the write.
    target = tmp_path / "big.bin"
    target.write_bytes(b"old content " * 100)
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        from labkit._files import write_atomically
        try:
            write_atomically({str(target)!r}, lambda h: h.write(b"x" * 1_000_000),
                             overwrite=True)
        except OSError as exc:
            print(type(exc).__name__, exc.errno, exc)
            sys.exit(3)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert f"OSError {errno.EFBIG} could not write {target}" in proc.stdout
    assert target.read_bytes() == b"old content " * 100
    assert _names(tmp_path) == ["big.bin"]


# --- never over an input ------------------------------------------------------------------


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.png"
    path.write_bytes(b"the input photo")
    return path


def test_the_input_itself_is_refused_even_with_overwrite(source):
    with pytest.raises(ValueError, match="input"):
        write_atomically(source, _writer(b"x"), overwrite=True, inputs=[source])
    assert source.read_bytes() == b"the input photo"


def test_the_input_under_another_spelling_is_refused(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for spelling in ("in.png", "./in.png", "sub/../in.png", str(tmp_path) + "//in.png"):
        with pytest.raises(ValueError, match="input"):
            output_path(spelling, overwrite=True, inputs=[source])


def test_a_symbolic_link_to_the_input_is_refused(source, tmp_path):
    link = tmp_path / "link.png"
    link.symlink_to(source)
    with pytest.raises(ValueError, match="input"):
        write_atomically(link, _writer(b"x"), overwrite=True, inputs=[source])
    with pytest.raises(ValueError, match="input"):  # and the other way round
        write_atomically(source, _writer(b"x"), overwrite=True, inputs=[link])
    assert source.read_bytes() == b"the input photo"


def test_a_hard_link_to_the_input_is_refused(source, tmp_path):
    hard = tmp_path / "hard.png"
    os.link(source, hard)
    with pytest.raises(ValueError, match="input"):
        write_atomically(hard, _writer(b"x"), overwrite=True, inputs=[source])
    assert source.read_bytes() == b"the input photo"


def test_inputs_that_are_not_the_output_do_not_stop_the_write(source, tmp_path):
    write_atomically(tmp_path / "out.png", _writer(b"x"), inputs=[source, None])
    assert (tmp_path / "out.png").read_bytes() == b"x"


# --- output_path: the checks before any work ---------------------------------------------


def test_output_path_returns_the_expanded_path_and_writes_nothing(tmp_path):
    assert output_path(tmp_path / "a.png") == tmp_path / "a.png"
    assert _names(tmp_path) == []


@pytest.mark.parametrize(("path", "error", "words"), [
    (42, TypeError, "file path"),
    (b"a.png", TypeError, "file path"),
    ("", ValueError, "must name a file"),
    (".", ValueError, "must name a file"),
])
def test_output_path_refuses_what_is_not_a_file_name(path, error, words):
    with pytest.raises(error, match=words):
        output_path(path)


def test_output_path_refuses_a_folder_with_its_own_message(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder; give a file name inside it"):
        output_path(tmp_path, overwrite=True)


def test_output_path_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; create it first"):
        output_path(tmp_path / "no" / "a.png")


def test_output_path_refuses_a_file_used_as_a_folder(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        output_path(tmp_path / "file" / "a.png")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_output_path_refuses_a_folder_without_write_permission(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(PermissionError, match="permission"):
        output_path(locked / "a.png")


def test_messages_name_the_argument_and_the_way_to_allow_replacing(tmp_path):
    (tmp_path / "a.png").write_bytes(b"")
    with pytest.raises(FileExistsError, match="^--output .*a.png already exists; pass "
                                              "--overwrite to replace it$"):
        output_path(tmp_path / "a.png", name="--output", flag="--overwrite")
