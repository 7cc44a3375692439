"""Benchmark fact extraction against `lint-imports --no-cache` on the same tree.

    python benchmarks/extract.py --modules 2000 [--upward N | --upward-rate R]  # a generated repo (benchmarks/genrepo.py)
    python benchmarks/extract.py --path /some/repo      # any git repository (HEAD)

Each figure is the fastest of three runs. Prints, for the module+imports graph (what lint-imports builds): cold extraction
(empty cache, results written to it) with the default workers and with a pool
forced on every core, warm
extraction (every blob in the cache), files/s,
all tree relations cold, peak memory (ru_maxrss of this process and of its parse
workers), and the time of lint-imports --no-cache with the ratio.
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.genrepo import add_upward_arguments, generate, scenario, upward_options  # noqa: E402
from govern.facts.api import TREE_RELATIONS, Wanted, extract  # noqa: E402
from govern.facts.cache import Cache  # noqa: E402
from govern.facts.config import FactsConfig  # noqa: E402
from govern.facts import parallel  # noqa: E402
from govern.facts.parallel import PARALLEL_MIN_BYTES, cores  # noqa: E402
from govern.facts.tree import CommitTree  # noqa: E402

GRAPH = Wanted(frozenset({"module", "imports"}))
LINT_IMPORTS = Path(sys.prefix) / "bin" / "lint-imports"


def timed(repo: Path, wanted: Wanted, cache_dir: Path, workers: int | None) -> tuple[float, list]:
    tree = CommitTree(repo, "HEAD")
    started = time.perf_counter()
    facts = extract(tree, FactsConfig(), wanted, Cache(cache_dir), workers)
    elapsed = time.perf_counter() - started
    tree.close()
    gc.collect()  # free this run's cycles before the next one: peak memory is per run
    return elapsed, facts


def best(run, times: int = 3) -> tuple[float, list]:
    """The fastest of `times` runs (the machine may be shared: the minimum is the least noisy)."""
    elapsed, facts = run()
    for _ in range(times - 1):
        elapsed = min(elapsed, run()[0])
    return elapsed, facts


def lint_imports(repo: Path, times: int = 3) -> float | None:
    """The fastest of `times` runs of lint-imports --no-cache (None without a config)."""
    if not (repo / ".importlinter").exists() or not LINT_IMPORTS.exists():
        return None
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    elapsed = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", ".importlinter"], cwd=repo, env=env, capture_output=True)
        elapsed.append(time.perf_counter() - started)
    return min(elapsed)


def report(repo: Path) -> None:
    entries = CommitTree(repo, "HEAD").entries()
    py_files = sum(1 for e in entries if e.path.endswith(".py"))
    # Read every blob once untimed, so that every timed run finds the OS cache equally warm.
    size = sum(len(d) for d in CommitTree(repo, "HEAD").read_many([e.blob for e in entries]).values())
    workers = cores() if size >= PARALLEL_MIN_BYTES else 1
    with tempfile.TemporaryDirectory() as scratch:
        fresh = iter(Path(scratch) / f"cache{i}" for i in range(100))
        timed(repo, Wanted(TREE_RELATIONS), next(fresh), 1)  # untimed warm-up: imports, regex caches
        cold, facts = best(lambda: timed(repo, GRAPH, next(fresh), None))
        parallel.PARALLEL_MIN_BYTES, saved = 0, parallel.PARALLEL_MIN_BYTES
        pooled, _ = best(lambda: timed(repo, GRAPH, next(fresh), cores()))
        parallel.PARALLEL_MIN_BYTES = saved
        warm_dir = next(fresh)
        timed(repo, GRAPH, warm_dir, None)
        warm, again = best(lambda: timed(repo, GRAPH, warm_dir, None))
        assert again == facts
        everything, all_facts = best(lambda: timed(repo, Wanted(TREE_RELATIONS), next(fresh), None))
        del again
        tracemalloc.start()  # one more cold run, untimed: its peak Python heap
        timed(repo, GRAPH, next(fresh), 1)
        heap = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    lint = lint_imports(repo)
    imports = sum(1 for f in facts if f.relation == "imports")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"repo: {repo}  python files: {py_files}  imports facts: {imports}  bytes: {size / 1e6:.1f} MB  cores: {cores()}")
    print(f"graph cold (default: {workers} worker{'s' if workers > 1 else ''}): {cold:.3f} s  ({py_files / cold:,.0f} files/s)")
    print(f"graph cold (pool of {cores()} forced): {pooled:.3f} s  ({py_files / pooled:,.0f} files/s)")
    print(f"graph warm (cache):      {warm:.3f} s  ({py_files / warm:,.0f} files/s)")
    print(f"all tree relations cold: {everything:.3f} s  ({len(all_facts):,} facts)")
    print(f"peak memory: {heap:.0f} MB Python heap of one cold run (tracemalloc); "
          f"max RSS {peak:.0f} MB (whole benchmark process), {workers_peak:.0f} MB (largest child)")
    if lint is not None:
        print(f"lint-imports --no-cache: {lint:.3f} s  ratio cold/lint-imports: {cold / lint:.2f}  warm/lint-imports: {warm / lint:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark fact extraction.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--modules", type=int, help="generate a repo of this many modules")
    source.add_argument("--path", type=Path, help="an existing git repository")
    parser.add_argument("--seed", type=int, default=0)
    add_upward_arguments(parser)
    args = parser.parse_args()
    if args.path:
        report(args.path.resolve())
        return
    scratch = Path(tempfile.mkdtemp(prefix="govern-bench-"))
    try:
        print(f"scenario: {scenario(args)}")
        report(generate(scratch / "repo", args.modules, args.seed, **upward_options(args)))
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
