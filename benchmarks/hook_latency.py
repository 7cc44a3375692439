"""Latency of govern's pre-receive hook: a one-commit push, and pushes of long histories and many refs.

    python benchmarks/hook_latency.py                      # 2,000 and 10,000 modules
    python benchmarks/hook_latency.py --modules 2000 --runs 3 [--upward N | --upward-rate R] [--change imports]
    python benchmarks/hook_latency.py --modules 2000 --scenario commits|history|tags [--count N] [--pairs N]

`--scenario one` (the default) is described below. The history scenarios (issue #12) add an
ADR with a change rule (`protect` of src/pkg/domain/** against agents, approval by alice) so
that every pushed commit has change rules to be judged by, and one commit in ten carries an
agent trailer (touching an unprotected file, so the push stays allowed):

* `commits` (`--count`, default 1,000): one push of N new commits onto the governed main;
* `history` (default 10,000): the first push of an N-commit history (the generated tree at its
  tip, without layer-breaking imports: the bootstrap push has no base, so a violation would
  block it) into an empty repository with the hooks installed;
* `tags` (default 1,000): one push of N annotated tags of commits already on main.

Each prints the pre-receive process as git runs it (the ref moved back first, so the hook
sees exactly what it saw in the push; its facts cache warm), its own judging time, the whole
`git push`, and `in push`: the hook's own time during that push (its audit line; for the
`history` scenario the first push into an empty repository, facts cache cold). The server's
`govern.hookBudget` is set to 600 s so that no push is cut short.
`--pairs N` then runs pre-receive for that push and for a push of one commit with the same
tip tree (for `tags`: of one tag) N times each, interleaved: what the history's length itself
costs, in ratios that hold on a loaded box.

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


PROTECT_ADR = """---
title: Agents need alice to touch the domain
status: accepted
date: 2026-01-01
rules:
  - id: domain-needs-approval
    protect:
      paths: ["src/pkg/domain/**"]
      actors: [agent]
      unless-approved-by: [alice]
    message: An agent changed the domain layer without alice's approval.
---
"""
AGENT = "Co-authored-by: Claude <noreply@anthropic.com>"
DEFAULT_COUNT = {"commits": 1000, "history": 10000, "tags": 1000}


def fast_commits(work: Path, count: int, start: int = 0) -> str:
    """`count` commits on top of HEAD made by one `git fast-import` (each writes one small file
    under src/pkg/api/bench/, one in ten with an agent trailer); returns the new HEAD."""
    head = git(work, "rev-parse", "HEAD").strip()
    chunks = []
    for i in range(start, start + count):
        message = f"bench commit {i}\n" + (f"\n{AGENT}\n" if i % 10 == 0 else "")
        content = f"VALUE = {i}\n"
        chunks.append(f"commit refs/heads/main\ncommitter bench <bench@example.com> {1767225600 + i} +0000\n"
                      f"data {len(message.encode())}\n{message}" + (f"from {head}\n" if i == start else "")
                      + f"M 100644 inline src/pkg/api/bench/m{i % 50}.py\ndata {len(content)}\n{content}\n")
    subprocess.run(["git", "fast-import", "--quiet", "--force"], cwd=work, input="".join(chunks), text=True, check=True)
    git(work, "reset", "-q", "--hard", "main")
    return git(work, "rev-parse", "HEAD").strip()


def timed_hook(bare: Path, lines: list[str]) -> float:
    seconds, code = timed([str(GOVERN), "hook", "pre-receive"], bare, input="".join(lines), env={"GIT_DIR": "."})
    assert code == 0, f"the re-run pre-receive rejected the push: {(bare / 'govern' / 'audit.log').read_text()[-1500:]}"
    return seconds


def history_bench(modules: int, runs: int, scratch: Path, upward: dict, kind: str, count: int, pairs: int = 0) -> dict:
    """One of the history scenarios (see the module docstring); medians over `runs` pushes."""
    # The first push into an empty repository is judged by its own rules with no base: a
    # violation there blocks, so the history scenario's tree has none (--upward 0).
    work = generate(scratch / f"work{modules}-{kind}", modules, **(upward if kind != "history" else {"upward": 0}))
    (work / "adr" / "0002-domain-needs-approval.md").write_text(PROTECT_ADR)
    with (work / "pyproject.toml").open("a") as out:
        out.write("\n[tool.govern]\nhook-budget = 600.0\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "bench: protect the domain, no time budget")
    hook, judging, push, cold = [], [], [], []
    for run in range(runs):
        bare = scratch / f"server{modules}-{kind}-{run}.git"
        git(scratch, "init", "-q", "--bare", "-b", "main", str(bare))
        if kind != "history":
            git(work, "push", "-q", "--force", str(bare), "HEAD:main")
        subprocess.run([str(GOVERN), "hook", "install", "--server", str(bare)], check=True, capture_output=True)
        # The server's budget: in an empty repository no [tool.govern] applies yet (measured, not cut short).
        git(bare, "config", "govern.hookBudget", "600")
        if kind == "commits":  # one push before measuring: the old tip then has its note, as in a live repository
            fast_commits(work, 1, start=10**6 + run)
            git(work, "push", "-q", str(bare), "HEAD:main")
        old = git(bare, "rev-parse", "main").strip() if kind != "history" else "0" * 40
        if kind == "tags":
            base = git(work, "rev-parse", "HEAD").strip()
            tip = fast_commits(work, count, start=run * count)  # the tags' commits reach the server first
            git(work, "push", "-q", str(bare), "HEAD:main")
            stream = "".join(f"tag bench-{run}-{i}\nfrom {c}\ntagger bench <bench@example.com> 1767225600 +0000\n"
                             f"data 4\ntag\n" for i, c in enumerate(git(work, "rev-list", "--reverse",
                                                                             f"{base}..{tip}").split()))
            subprocess.run(["git", "fast-import", "--quiet"], cwd=work, input=stream, text=True, check=True)
            before = _audit_lines(bare)
            seconds, code = timed(["git", "push", "-q", str(bare), f"refs/tags/bench-{run}-*:refs/tags/bench-{run}-*"], work)
            lines = [f"{'0' * 40} {line.split()[0]} {line.split()[1]}\n"
                     for line in git(bare, "for-each-ref", "--format=%(objectname) %(refname)",
                                     f"refs/tags/bench-{run}-*").splitlines()]
        else:
            tip = fast_commits(work, count if kind == "commits" else count - 1, start=run * count)
            before = _audit_lines(bare)
            seconds, code = timed(["git", "push", "-q", str(bare), "HEAD:main"], work)
            lines = [f"{old} {tip} refs/heads/main\n"]
            # Back to what the hook saw: main at its old tip (or no main at all), the objects kept.
            if kind == "history":  # an empty repository again: no main, no notes yet
                notes = git(bare, "for-each-ref", "--format=%(objectname)", "refs/notes/govern").strip()
                git(bare, "update-ref", "-d", "refs/heads/main")
                if notes:
                    git(bare, "update-ref", "-d", "refs/notes/govern")
            else:
                git(bare, "update-ref", "refs/heads/main", old)
        assert code == 0, f"the {kind} push was rejected: {(bare / 'govern' / 'audit.log').read_text()[-2000:]}"
        push.append(seconds)
        pushed = [json.loads(line) for line in (bare / "govern" / "audit.log").read_text().splitlines()[before:]]
        cold.append(max(e["seconds"] for e in pushed if e.get("hook") == "pre-receive"))  # one value per push
        hook.append(timed_hook(bare, lines))
        entries = [json.loads(line) for line in (bare / "govern" / "audit.log").read_text().splitlines()]
        judging.append(entries[-1]["seconds"])
        if pairs and run == runs - 1:
            paired = paired_with_one(bare, kind, lines, pairs)
        if kind != "tags":
            git(bare, "update-ref", "refs/heads/main", tip)
        if kind == "history" and notes:
            git(bare, "update-ref", "refs/notes/govern", notes)
        if kind == "history":  # the next run pushes a fresh history of its own
            git(work, "reset", "-q", "--hard", "HEAD~" + str(count - 1))
    return {"modules": modules, "count": count, "pre_receive": statistics.median(hook),
            "judging": statistics.median(judging), "git_push": statistics.median(push),
            "in_push": statistics.median(cold), "paired": paired if pairs else None}


def _audit_lines(bare: Path) -> int:
    log = bare / "govern" / "audit.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def paired_with_one(bare: Path, kind: str, lines: list[str], pairs: int) -> tuple[float, float]:
    """(long, one): medians of pre-receive for the scenario's push and for a push of one commit
    with the same tip tree (`tags`: of one tag), interleaved A B B A … in one run: what the
    history's length itself costs, whatever the box's load."""
    if kind == "tags":
        one = lines[:1]
    else:
        old, tip, ref = lines[0].split()
        tree = git(bare, "rev-parse", f"{tip}^{{tree}}").strip()
        parents = ["-p", old] if kind == "commits" else []
        single = git(bare, "commit-tree", tree, *parents, "-m", "the whole push as one commit").strip()
        one = [f"{old} {single} {ref}\n"]
    long, short = [], []
    for i in range(pairs):
        for which, times in ((lines, long), (one, short)) if i % 2 == 0 else ((one, short), (lines, long)):
            times.append(timed_hook(bare, which))
    return statistics.median(long), statistics.median(short)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--scenario", choices=("one", "commits", "history", "tags"), default="one")
    parser.add_argument("--count", type=int, default=None, help="commits or tags of a history scenario")
    parser.add_argument("--pairs", type=int, default=0, metavar="N",
                        help="history scenarios: then N interleaved pre-receive runs of the push and of one "
                             "commit (one tag) with the same tip")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--change", choices=("code", "imports"), default="code",
                        help="what the 3 edits change: code only (the tree's facts stay; default) or imports")
    add_upward_arguments(parser)
    args = parser.parse_args()
    compile_project()
    print(f"scenario: {scenario(args)}")
    if args.scenario != "one":
        count = args.count or DEFAULT_COUNT[args.scenario]
        print(f"{args.scenario}: {count} {'tags' if args.scenario == 'tags' else 'commits'} in one push, "
              f"median of {args.runs} runs, {os.cpu_count()} cores")
        print(f"{'modules':>8} {'count':>6} {'pre-receive':>12} {'judging':>9} {'git push':>9} {'in push':>9}")
        with tempfile.TemporaryDirectory(prefix="govern-bench-") as scratch:
            for modules in args.modules:
                r = history_bench(modules, args.runs, Path(scratch), upward_options(args), args.scenario, count,
                                  args.pairs)
                print(f"{r['modules']:>8} {r['count']:>6} {r['pre_receive']:>11.2f}s {r['judging']:>8.2f}s "
                      f"{r['git_push']:>8.2f}s {r['in_push']:>8.2f}s", flush=True)
                if r["paired"]:
                    long, one = r["paired"]
                    print(f"paired, {args.pairs} runs each: pre-receive {long:.2f}s for the push, {one:.2f}s for one "
                          f"{'tag' if args.scenario == 'tags' else 'commit with the same tip tree'} "
                          f"(ratio {long / one:.2f})", flush=True)
        return
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
