"""Benchmark fact extraction against `lint-imports --no-cache` on the same tree.

    python benchmarks/extract.py --modules 2000          # a generated repo (benchmarks/genrepo.py)
    python benchmarks/extract.py --path /some/repo      # any git repository (HEAD)

Prints, for the module+imports graph (what lint-imports builds): cold extraction
with every core and with one, warm extraction (every blob in the cache), files/s,
all tree relations cold, peak memory (ru_maxrss of this process and of its parse
workers), and the time of lint-imports --no-cache with the ratio.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.genrepo import generate  # noqa: E402
from facts.api import TREE_RELATIONS, Wanted, extract  # noqa: E402
from facts.cache import Cache  # noqa: E402
from facts.config import FactsConfig  # noqa: E402
from facts.parallel import cores  # noqa: E402
from facts.tree import CommitTree  # noqa: E402

GRAPH = Wanted(frozenset({"module", "imports"}))
LINT_IMPORTS = Path(sys.prefix) / "bin" / "lint-imports"


def timed(repo: Path, wanted: Wanted, cache_dir: Path | None, workers: int | None) -> tuple[float, list, Cache | None]:
    cache = Cache(cache_dir) if cache_dir else None
    tree = CommitTree(repo, "HEAD")
    started = time.perf_counter()
    facts = extract(tree, FactsConfig(), wanted, cache, workers)
    elapsed = time.perf_counter() - started
    tree.close()
    return elapsed, facts, cache


def lint_imports(repo: Path) -> float | None:
    if not (repo / ".importlinter").exists() or not LINT_IMPORTS.exists():
        return None
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    started = time.perf_counter()
    subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", ".importlinter"], cwd=repo, env=env, capture_output=True)
    return time.perf_counter() - started


def report(repo: Path) -> None:
    py_files = sum(1 for e in CommitTree(repo, "HEAD").entries() if e.path.endswith(".py"))
    with tempfile.TemporaryDirectory() as scratch:
        cache_dir = Path(scratch) / "cache"
        cold, facts, _ = timed(repo, GRAPH, cache_dir, None)
        warm, again, warm_cache = timed(repo, GRAPH, cache_dir, None)
        assert again == facts and warm_cache.stats.misses == 0
        serial, _, _ = timed(repo, GRAPH, None, 1)
        everything, all_facts, _ = timed(repo, Wanted(TREE_RELATIONS), Path(scratch) / "cache2", None)
    lint = lint_imports(repo)
    imports = sum(1 for f in facts if f.relation == "imports")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"repo: {repo}  python files: {py_files}  imports facts: {imports}  cores: {cores()}")
    print(f"graph cold ({cores()} workers): {cold:.3f} s  ({py_files / cold:,.0f} files/s)")
    print(f"graph cold (1 worker):   {serial:.3f} s  ({py_files / serial:,.0f} files/s)")
    print(f"graph warm (cache):      {warm:.3f} s  ({py_files / warm:,.0f} files/s)")
    print(f"all tree relations cold: {everything:.3f} s  ({len(all_facts):,} facts)")
    print(f"peak memory: {peak:.0f} MB (this process), {workers_peak:.0f} MB (largest child)")
    if lint is not None:
        print(f"lint-imports --no-cache: {lint:.3f} s  ratio cold/lint-imports: {cold / lint:.2f}  warm/lint-imports: {warm / lint:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark fact extraction.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--modules", type=int, help="generate a repo of this many modules")
    source.add_argument("--path", type=Path, help="an existing git repository")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.path:
        report(args.path.resolve())
        return
    scratch = Path(tempfile.mkdtemp(prefix="govern-bench-"))
    try:
        report(generate(scratch / "repo", args.modules, args.seed))
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
