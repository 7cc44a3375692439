"""`govern check` vs `lint-imports` on the same generated layered repositories.

    python benchmarks/check_vs_lint_imports.py [--modules 2000 10000] [--reps 5] [--engine auto]
        [--upward N | --upward-rate R]     # genrepo's scenario (default: 3 upward imports)

For each size, benchmarks/genrepo.py writes a git repository with an import-linter layers
contract (.importlinter) and the equivalent ADR (a `layers` rule with `transitive: true`:
import-linter follows indirect chains too). Then, in one run, several repetitions of:

* govern cold:  `govern check` on the working tree with the blob cache deleted first
* govern warm:  `govern check` again (extraction results cached by blob id)
* lint-imports cold: `lint-imports --no-cache`
* lint-imports warm: `lint-imports` with its cache filled by a previous run

It prints medians, the ratios against the targets of issue #4 (cold ≤ 2× lint-imports
--no-cache, warm ≤ 1× lint-imports warm, aim 0.7×; peak memory ≤ 2×), the peak RSS of each
process (os.wait4), and a profile of one cold and one warm govern run in this process (where
the time goes: ADRs, extraction, cache, engine load/query, reaches, proofs).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genrepo  # noqa: E402  (benchmarks/genrepo.py, the shared generator)

BIN = Path(sys.executable).parent


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB of the process, exit code) of one command."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child cannot block
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
        elapsed = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed ({code}): {errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, code


def drop_govern_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "govern", ignore_errors=True)


def measure(repo: Path, reps: int, engine: str) -> dict[str, list[tuple[float, float, int]]]:
    govern = [str(BIN / "govern"), "check", "--engine", engine, "--format", "json"]
    lint = [str(BIN / "lint-imports")]
    lint_env = {"PYTHONPATH": str(repo / "src")}
    results: dict[str, list] = {k: [] for k in ("govern cold", "govern warm", "lint-imports cold", "lint-imports warm")}
    run(lint, repo, lint_env)  # fill import-linter's cache once
    for _ in range(reps):
        drop_govern_cache(repo)
        results["govern cold"].append(run(govern, repo))
        results["govern warm"].append(run(govern, repo))
        results["lint-imports cold"].append(run([*lint, "--no-cache"], repo, lint_env))
        results["lint-imports warm"].append(run(lint, repo, lint_env))
    return results


def profile(repo: Path, engine: str) -> list[str]:
    """Stage timings of one cold and one warm judgement, in this process."""
    from govern.verdict.judge import judge_in_full
    from govern.verdict.targets import judge_request

    lines = []
    for label in ("cold", "warm"):
        if label == "cold":
            drop_govern_cache(repo)
        started = time.perf_counter()
        request = judge_request(str(repo), rev=None, staged=False, new_since=None, engine=engine, adr_dir=None)
        verdict = judge_in_full(request).verdict
        total = time.perf_counter() - started
        stats = " ".join(f"{k}={_fmt(v)}" for k, v in sorted(verdict.stats.items()))
        lines.append(f"  {label}: total {total:.3f}s, {len(verdict.violations)} violations; {stats}")
    return lines


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def report(size: int, results: dict[str, list]) -> list[str]:
    med = {k: statistics.median(t for t, _, _ in v) for k, v in results.items()}
    mem = {k: max(m for _, m, _ in v) for k, v in results.items()}
    lines = [f"{size} modules ({len(next(iter(results.values())))} runs each)"]
    lines += [f"  {k:<18} median {med[k]:7.3f}s  peak RSS {mem[k]:7.1f} MB  exit {v[0][2]}" for k, v in results.items()]
    cold = med["govern cold"] / med["lint-imports cold"]
    warm = med["govern warm"] / med["lint-imports warm"]
    memory = max(mem["govern cold"], mem["govern warm"]) / max(mem["lint-imports cold"], mem["lint-imports warm"])
    lines.append(f"  ratios: cold {cold:.2f}x (target <= 2)  warm {warm:.2f}x (target <= 1, aim 0.7)  "
                 f"peak memory {memory:.2f}x (target <= 2)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--engine", default="auto", choices=["auto", "pydatalog", "clingo"])
    parser.add_argument("--keep", help="generate the repositories under this directory and keep them")
    genrepo.add_upward_arguments(parser)
    args = parser.parse_args()
    genrepo.compile_project()
    print(f"scenario: {genrepo.scenario(args)}", flush=True)
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="govern-bench-"))
    try:
        for size in args.modules:
            tag = f"rate{args.upward_rate}" if args.upward_rate is not None else f"up{args.upward}"
            repo = workdir / f"repo{size}-{tag}"
            if not (repo / ".git").is_dir():
                genrepo.generate(repo, size, **genrepo.upward_options(args))
            print("\n".join(report(size, measure(repo, args.reps, args.engine))), flush=True)
            print("\n".join(["  profile (in-process):", *profile(repo, args.engine)]), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
