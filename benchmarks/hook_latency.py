"""Latency of govern's pre-receive hook for a one-commit push that changes 3 files.

    python benchmarks/hook_latency.py                      # 2,000 and 10,000 modules
    python benchmarks/hook_latency.py --modules 2000 --runs 3 [--upward N | --upward-rate R] [--change imports]

For each size: a generated repository (benchmarks/genrepo.py: layered, by default 3 legacy
layer-breaking imports, `--upward-rate 0.02` for heavy legacy debt; an `.importlinter` contract and the equivalent ADR) is cloned into a bare
server with govern's hooks installed; `govern hook install` warms the facts cache, and one push is made before measuring; then each run commits
a change to 3 modules and pushes it: by default a code edit that leaves the tree's facts as they
were (the old tip's answers are reused, see docs/hooks.md), with `--change imports` a new allowed
import in each (the tree is judged in full). Printed (medians over the runs, warm cache):

* pre-receive process: `govern hook pre-receive` run as git runs it (interpreter start,
  imports, judging the tip and the new commit, audit line) — what a forge's hook timeout sees;
* judging: the hook's own time from its audit line (`seconds`);
* git push: the whole push (pack, pre-receive, ref update, post-receive writing the note);
* lint-imports: `lint-imports` on the same tree (its cache warm too), for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.genrepo import add_upward_arguments, compile_project, generate, scenario, upward_options  # noqa: E402

BIN = Path(sys.executable).parent
GOVERN = BIN / "govern"
LINT_IMPORTS = BIN / "lint-imports"
IDENTITY = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def git(repo: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, input=input,
                          env={**os.environ, **IDENTITY}, check=True)
    return done.stdout


def timed(argv: list[str], cwd: Path, input: str | None = None, env: dict | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, input=input,
                          env={**os.environ, **IDENTITY, **(env or {})})
    return time.perf_counter() - started, done.returncode


def change_three(work: Path, run: int, imports: bool = False) -> str:
    """Commit an edit to 3 api modules: a new constant, or (`imports`) a new allowed import
    each (of a util module: the tree's facts change, the push stays allowed)."""
    modules = sorted((work / "src/pkg/api/sub0").glob("m*.py"))[:3]
    utils = sorted((work / "src/pkg/util/sub0").glob("m*.py"))
    for module in modules:
        line = f"import pkg.util.sub0.{utils[run % len(utils)].stem}" if imports else f"RUN_{run} = {run}"
        with module.open("a") as out:
            out.write(f"\n\n{line}\n")
    git(work, "add", "--", *(str(m.relative_to(work)) for m in modules))
    git(work, "commit", "-q", "-m", f"bench run {run}")
    return git(work, "rev-parse", "HEAD").strip()


def bench(modules: int, runs: int, scratch: Path, upward: dict, imports: bool = False) -> dict[str, float]:
    work = generate(scratch / f"work{modules}", modules, **upward)
    # Measure, don't enforce: a budget large enough that no run is cut short.
    with (work / "pyproject.toml").open("a") as out:
        out.write("\n[tool.govern]\nhook-budget = 600.0\n")
    git(work, "commit", "-q", "-am", "bench: no time budget")
    bare = scratch / f"server{modules}.git"
    git(scratch, "clone", "-q", "--bare", str(work), str(bare))
    subprocess.run([str(GOVERN), "hook", "install", "--server", str(bare)], check=True, capture_output=True)  # warms
    git(work, "remote", "add", "origin", str(bare))
    change_three(work, 0)
    git(work, "push", "-q", "origin", "HEAD:main")  # one push before measuring
    hook, judging, push = [], [], []
    for run in range(1, runs + 1):
        old = git(bare, "rev-parse", "main").strip()
        new = change_three(work, run, imports)
        seconds, code = timed(["git", "push", "-q", "origin", "HEAD:main"], work)
        assert code == 0, f"push {run} was rejected"
        push.append(seconds)
        # The same update again, straight into the hook as git runs it (objects are there now).
        seconds, code = timed([str(GOVERN), "hook", "pre-receive"], bare, input=f"{old} {new} refs/heads/main\n",
                              env={"GIT_DIR": "."})
        assert code == 0
        hook.append(seconds)
        last = (bare / "govern" / "audit.log").read_text().splitlines()[-1]
        judging.append(json.loads(last)["seconds"])
    lint = []
    if LINT_IMPORTS.exists():
        env = {"PYTHONPATH": str(work / "src")}
        timed([str(LINT_IMPORTS), "--config", ".importlinter"], work, env=env)  # warm its cache
        lint = [timed([str(LINT_IMPORTS), "--config", ".importlinter"], work, env=env)[0] for _ in range(runs)]
    files = len(git(work, "ls-files", "--", "*.py").split())
    return {"modules": modules, "py_files": files, "pre_receive": statistics.median(hook),
            "judging": statistics.median(judging), "git_push": statistics.median(push),
            "lint_imports": statistics.median(lint) if lint else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--change", choices=("code", "imports"), default="code",
                        help="what the 3 edits change: code only (the tree's facts stay; default) or imports")
    add_upward_arguments(parser)
    args = parser.parse_args()
    compile_project()
    print(f"scenario: {scenario(args)}")
    print(f"one-commit push changing 3 files ({args.change}), warm cache, median of {args.runs} runs, "
          f"{os.cpu_count()} cores")
    print(f"{'modules':>8} {'.py files':>9} {'pre-receive':>12} {'judging':>9} {'git push':>9} {'lint-imports':>13}")
    with tempfile.TemporaryDirectory(prefix="govern-bench-") as scratch:
        for modules in args.modules:
            r = bench(modules, args.runs, Path(scratch), upward_options(args), args.change == "imports")
            print(f"{r['modules']:>8} {r['py_files']:>9} {r['pre_receive']:>11.2f}s {r['judging']:>8.2f}s "
                  f"{r['git_push']:>8.2f}s {r['lint_imports']:>12.2f}s", flush=True)


if __name__ == "__main__":
    main()
