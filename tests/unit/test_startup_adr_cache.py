"""govern.adr.cache: compiled ADR sets stored as JSON round-trip exactly; bad files are misses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from govern.adr import blob_id, load_adrs
from govern.adr.cache import FORMAT, cache_key, load_cached
from govern.errors import AdrError

ROOT = Path(__file__).resolve().parents[2]
ADR_DIRS = sorted([*(ROOT / "tests" / "cases").glob("*/adr"), ROOT / "examples" / "shop" / "adr"])


def adr_files(directory: Path) -> list[tuple[str, bytes, str]]:
    return [(f"adr/{p.name}", p.read_bytes(), blob_id(p.read_bytes())) for p in sorted(directory.glob("*.md"))]


def keys(files) -> list[tuple[str, str]]:
    return [(path, blob) for path, _, blob in files]


def never():
    raise AssertionError("the cache was expected to hit")


@pytest.mark.parametrize("directory", ADR_DIRS, ids=lambda d: d.parent.name)
def test_a_stored_set_decodes_to_the_same_adrs(tmp_path, directory):
    files = adr_files(directory)
    expected = load_adrs(files)
    assert load_cached(tmp_path, keys(files), lambda: load_adrs(files)) == expected
    hit = load_cached(tmp_path, keys(files), never)
    assert hit == expected
    assert hit.rules() == expected.rules()
    # A clause shared by several RuleSpecs (a helper) is one object again after decoding.
    shared = {id(r) for s in expected.rules() for r in s.rules}
    assert len({id(r) for s in hit.rules() for r in s.rules}) == len(shared)


def test_another_blob_is_another_entry(tmp_path):
    files = adr_files(ROOT / "examples" / "shop" / "adr")
    load_cached(tmp_path, keys(files), lambda: load_adrs(files))
    path, data, _ = files[1]
    edited = [*files[:1], (path, data.replace(b"stripe", b"paypal"), blob_id(data.replace(b"stripe", b"paypal"))), *files[2:]]
    assert cache_key(keys(edited)) != cache_key(keys(files))
    fresh = load_cached(tmp_path, keys(edited), lambda: load_adrs(edited))
    assert fresh == load_adrs(edited) != load_adrs(files)
    assert len(list((tmp_path / FORMAT).glob("*.json"))) == 2


BAD_ENTRIES = [
    b"",
    b"\x80\x81 not json",
    b"[1, 2, 3]",
    b'{"format": "v0"}',
    b'{"format": "v2", "key": "KEY"}',
    b'{"format": "v2", "key": "KEY", "adrs": {"adrs": [["ADR-0001"]], "rules": []}}',
    b'{"format": "v2", "key": "KEY", "adrs": {"adrs": [], "rules": [[["p", [["c", 1.5]]], [], ["a", "r", "p", 1, "t"]]]}}',
    b'{"format": "v2", "key": "KEY", "error": [["adr/x.md", "one", 1, "m"]]}',
    b'{"format": "v2", "key": "KEY", "adrs": {"adrs": [], "rules": []}, "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
]


@pytest.mark.parametrize("raw", BAD_ENTRIES, ids=range(len(BAD_ENTRIES)))
def test_a_corrupt_or_foreign_entry_is_a_miss(tmp_path, raw):
    files = adr_files(ROOT / "examples" / "shop" / "adr")
    key = cache_key(keys(files))
    (tmp_path / FORMAT).mkdir()
    (tmp_path / FORMAT / f"{key}.json").write_bytes(raw.replace(b"KEY", key.encode()))
    assert load_cached(tmp_path, keys(files), lambda: load_adrs(files)) == load_adrs(files)
    assert load_cached(tmp_path, keys(files), never) == load_adrs(files)  # rewritten whole


def test_a_failed_load_is_raised_again_with_the_same_diagnostics(tmp_path):
    files = [("adr/0001-bad.md", b"---\ntitle: t\nstatus: maybe\n---\n", blob_id(b"---\ntitle: t\nstatus: maybe\n---\n"))]
    with pytest.raises(AdrError) as first:
        load_cached(tmp_path, keys(files), lambda: load_adrs(files))
    with pytest.raises(AdrError) as again:
        load_cached(tmp_path, keys(files), never)
    assert again.value.diagnostics == first.value.diagnostics and str(again.value) == str(first.value)


def test_an_unwritable_cache_only_costs_speed(tmp_path):
    files = adr_files(ROOT / "examples" / "shop" / "adr")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert load_cached(blocker, keys(files), lambda: load_adrs(files)) == load_adrs(files)


def test_entries_are_plain_json(tmp_path):
    files = adr_files(ROOT / "examples" / "shop" / "adr")
    load_cached(tmp_path, keys(files), lambda: load_adrs(files))
    [stored] = (tmp_path / FORMAT).glob("*.json")
    entry = json.loads(stored.read_bytes())
    assert entry["format"] == FORMAT and entry["key"] == stored.stem
