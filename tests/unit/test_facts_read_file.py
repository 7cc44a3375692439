"""facts.tree.read_file: the bytes (and errors) of `open(path, "rb").read(limit)`, read faster."""
from __future__ import annotations

import os

import pytest

from govern.facts.tree import read_file


def _buffered(path, limit=None):
    with open(path, "rb") as handle:
        return handle.read(limit)


@pytest.mark.parametrize("size", [0, 1, 100, 65_535, 65_536, 65_537, 300_000])
@pytest.mark.parametrize("limit", [None, 0, 1, 65_536, 1_000_000])
def test_same_bytes_as_a_buffered_read(tmp_path, size, limit):
    path = tmp_path / "f"
    path.write_bytes(os.urandom(size))
    for name in (os.fsencode(path), str(path)):
        assert read_file(name, limit) == _buffered(name, limit)
    if limit is not None and size > 0:  # _eol_blob asks for size + 1: a file that grew shows it
        assert read_file(str(path), size + 1) == path.read_bytes()


def test_a_file_appended_to_before_the_read_is_read_whole(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with open(path, "ab") as grow:
        grow.write(b"def")
        grow.flush()
        assert read_file(str(path)) == b"abcdef"


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_errors_are_the_buffered_reads(tmp_path, kind):
    path = tmp_path / "x"
    if kind == "directory":
        path.mkdir()
    for name in (os.fsencode(path), str(path)):
        with pytest.raises(OSError) as buffered:
            _buffered(name)
        with pytest.raises(OSError) as fast:
            read_file(name)
        assert (type(fast.value), str(fast.value)) == (type(buffered.value), str(buffered.value))
