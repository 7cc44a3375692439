"""extract(): wanted relations only, derived facts, the blob cache (also across processes)."""
from __future__ import annotations

import marshal
import subprocess
import sys

import pytest

from govern.facts.api import TREE_RELATIONS, Wanted, extract
from govern.facts.cache import Cache
from govern.facts.config import FactsConfig
from govern.facts.derived import dist_facts, glob_facts, under_facts
from govern.facts.gitio import git_dir
from govern.facts.tree import CommitTree, MemoryTree

FILES = {
    "src/app/__init__.py": b"",
    "src/app/api/__init__.py": b"from app.domain import model\nimport stripe.checkout\n",
    "src/app/domain/__init__.py": b"",
    "src/app/domain/model.py": b"import sqlalchemy\n",
    "pyproject.toml": b'[project]\nname = "app"\ndependencies = ["Stripe>=5", "SQLAlchemy"]\n',
    "CODEOWNERS": b"* @alice\n",
}


def test_only_wanted_relations_and_no_parse_when_not_needed(tmp_path):
    tree = MemoryTree(FILES)
    assert {f.relation for f in extract(tree, FactsConfig(), Wanted(frozenset({"file"})))} == {"file"}
    cache = Cache(tmp_path)
    facts = extract(tree, FactsConfig(), Wanted(frozenset({"module"})), cache=cache)
    assert {f.relation for f in facts} == {"module"}
    assert cache.stats.misses == 0


def test_derived_facts_for_what_rules_mention():
    wanted = Wanted(frozenset({"glob", "under", "dist_match"}), globs=frozenset({"src/app/api/**", "*.toml"}),
                    prefixes=frozenset({"app.domain", "stripe", "app.dom"}), dists=frozenset({"sql*"}))
    facts = extract(MemoryTree(FILES), FactsConfig(), wanted)
    assert {f.relation for f in facts} == {"glob", "under", "dist_match"}  # imports were needed, not shown
    by = lambda r: sorted(f.args for f in facts if f.relation == r)
    assert by("glob") == [("pyproject.toml", "*.toml"), ("src/app/api/__init__.py", "src/app/api/**")]
    assert by("under") == [("app.domain", "app.domain"), ("app.domain.model", "app.domain"),
                           ("stripe.checkout", "stripe")]
    assert by("dist_match") == [("sqlalchemy", "sql*")]


def test_derived_helpers_directly():
    assert [f.args for f in glob_facts({"adr/0001.md": "b"}, frozenset({"adr/**"}))] == [("adr/0001.md", "adr/**")]
    assert [f.args for f in under_facts({"a.bc", "a.b.c"}, frozenset({"a.b"}))] == [("a.b.c", "a.b")]
    assert [f.args for f in dist_facts({"zope-interface"}, frozenset({"Zope_*"}))] == [("zope-interface", "Zope_*")]


def test_output_is_sorted_and_deterministic():
    first = extract(MemoryTree(FILES), FactsConfig(), Wanted(TREE_RELATIONS))
    assert first == sorted(first)
    assert first == extract(MemoryTree(dict(reversed(FILES.items()))), FactsConfig(), Wanted(TREE_RELATIONS))


def test_unordered_output_holds_the_same_facts():
    files = {**FILES, "src/app/twice.py": b"import stripe\nimport stripe\n"}  # one import, two sources
    ordered = extract(MemoryTree(files), FactsConfig(), Wanted(TREE_RELATIONS))
    loose = extract(MemoryTree(files), FactsConfig(), Wanted(TREE_RELATIONS), ordered=False)
    assert sorted(set(loose)) == ordered


def test_cache_second_run_parses_nothing(make_repo):
    repo = make_repo({p: d for p, d in FILES.items()})
    wanted = Wanted(TREE_RELATIONS)
    cold = Cache.for_repo(repo)
    facts = extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted, cache=cold)
    assert cold.stats.misses > 0 and cold.stats.writes > 0
    assert (git_dir(repo) / "govern" / "cache").is_dir()
    warm = Cache.for_repo(repo)
    assert extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted, cache=warm) == facts
    assert warm.stats.misses == 0 and warm.stats.hits == cold.stats.misses


@pytest.mark.parametrize("corrupt", [
    lambda whole: whole[: len(whole) // 2],  # truncated
    lambda whole: b"",
    lambda whole: bytes(range(256)),  # not marshal data
    lambda whole: marshal.dumps(["a list, not a dict"]),
    lambda whole: marshal.dumps(compile("1", "x", "eval")),  # a code object: data, never run
])
def test_corrupt_cache_is_ignored(make_repo, corrupt):
    repo = make_repo({"a.py": "import os\n"})
    wanted = Wanted(frozenset({"imports"}))
    extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted, cache=Cache.for_repo(repo))
    shards = list((git_dir(repo) / "govern" / "cache").rglob("*.marshal"))
    assert shards
    for shard in shards:
        shard.write_bytes(corrupt(shard.read_bytes()))
    cache = Cache.for_repo(repo)
    assert [f.args for f in extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted, cache=cache)] == [("a", "os")]
    assert cache.stats.misses == 1


WORKER = """
import sys

import pytest
from govern.facts.api import Wanted, extract, TREE_RELATIONS
from govern.facts.cache import Cache
from govern.facts.config import FactsConfig
from govern.facts.tree import CommitTree
facts = extract(CommitTree(sys.argv[1], "HEAD"), FactsConfig(), Wanted(TREE_RELATIONS), cache=Cache.for_repo(sys.argv[1]), workers=1)
print(len(facts))
"""


def test_concurrent_cache_writers(make_repo):
    files = {f"pkg/m{i}.py": f"import pkg.m{i + 1}\nimport os\n" for i in range(400)}
    repo = make_repo({**files, "pkg/__init__.py": ""})
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(repo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert outs[0][0] == outs[1][0]
    shards = list((git_dir(repo) / "govern" / "cache").rglob("*.marshal"))
    assert len(shards) == 16  # one per first hex digit of the blob ids (400 blobs)
    for shard in shards:
        assert isinstance(marshal.loads(shard.read_bytes()), dict)  # every shard whole
    cache = Cache.for_repo(repo)
    extract(CommitTree(repo, "HEAD"), FactsConfig(), Wanted(TREE_RELATIONS), cache=cache)
    assert cache.stats.misses == 0


def test_parallel_scan_matches_serial():
    from govern.facts.parallel import scan_all

    items = [("py", f"import pkg.m{i + 1}\nfrom . import (a,\n b)\n".encode()) for i in range(300)] + [("py", b"import (")]
    assert scan_all("python", items, workers=2, min_bytes=0) == scan_all("python", items, workers=1)


def test_unchanged_blob_shared_by_paths_scanned_once(tmp_path):
    tree = MemoryTree({"a/__init__.py": b"import os\n", "b/__init__.py": b"import os\n"})
    cache = Cache(tmp_path)
    facts = extract(tree, FactsConfig(), Wanted(frozenset({"imports"})), cache=cache)
    assert [f.args for f in facts] == [("a", "os"), ("b", "os")]
    assert cache.stats.misses == 1


def test_sort_facts_matches_dataclass_order_even_with_odd_values():
    from govern.facts.order import sort_facts
    from govern.facts.model import Fact, Source

    src = Source("x", "p", 1, "b")
    facts = [Fact("r", ("a\0b",), src), Fact("r", ("a",), src), Fact("r", ("a", "b"), src), Fact("r", ("a",), src),
             Fact("q", ("z",), Source("x", "p", 10, "")), Fact("q", ("z",), Source("x", "p", 9, ""))]
    assert sort_facts(facts) == sorted(set(facts))
    ints = [Fact("n", (10,), src), Fact("n", (9,), src)]
    assert sort_facts(ints) == sorted(ints)


def test_batches_give_the_same_facts(monkeypatch, make_repo):
    import govern.facts.api

    repo = make_repo({f"m{i}.py": f"import os\nimport m{i + 1}\n" for i in range(50)})
    wanted = Wanted(frozenset({"imports"}))
    whole = extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted)
    monkeypatch.setattr(govern.facts.api, "BATCH_BYTES", 64)
    assert extract(CommitTree(repo, "HEAD"), FactsConfig(), wanted) == whole and len(whole) == 100


def test_pool_forks_only_a_single_threaded_process():
    import multiprocessing
    import threading

    from govern.facts.parallel import _context

    alone = threading.active_count() == 1
    assert _context(multiprocessing).get_start_method() == ("fork" if alone else "forkserver")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _context(multiprocessing).get_start_method() == "forkserver"
    finally:
        stop.set()
        other.join()
