"""`govern check` vs `lint-imports` on a real project that ships an import-linter configuration.

    python benchmarks/real_importlinter.py CHECKOUT [--reps 5] [--pythonpath src] [--engine auto]

CHECKOUT is a directory holding the project's files (a fetched checkout; nothing of it is
committed here). The script copies it to a temporary git repository, translates its
import-linter configuration with `govern init --from-importlinter --partial`, commits, and then
runs, paired and interleaved in one loop (the box is shared: alternate, never batch):

* lint-imports cold: `lint-imports --no-cache`   govern cold: `govern check`, its cache deleted
* lint-imports warm: `lint-imports` (cache filled) govern warm: `govern check` again

It prints the medians, the ratios govern/lint-imports, each process's peak RSS (os.wait4), the
number of modules, and whether the verdicts agree contract by contract (lint-imports' KEPT/BROKEN
against whether govern reports a violation of the rule translated from that contract).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genrepo  # noqa: E402  (compile_project: govern byte-compiled, as lint-imports is)

BIN = Path(sys.executable).parent
SKIP = {".git", ".import_linter_cache", "node_modules", "__pycache__"}


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS in MB, CPU seconds (user + system, with the children it
    waited for), stdout) of one command (exit 0 or 1 expected)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env={**os.environ, **env})
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({code}): {err.read().decode()[-2000:]}")
        return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.read().decode()


def prepare(checkout: Path, work: Path) -> list[str]:
    shutil.copytree(checkout, work, ignore=lambda d, names: [n for n in names if n in SKIP], symlinks=True)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=work, check=True)
    done = subprocess.run([str(BIN / "govern"), "init", "--from-importlinter", "--partial"], cwd=work,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=work, check=True)
    time.sleep(1.1)  # then refresh the index: entries written in its own second are "racily clean"
    subprocess.run([*git, "status", "--porcelain"], cwd=work, check=True, capture_output=True)
    return done.stdout.splitlines() + done.stderr.splitlines()


def agreement(lint_out: str, govern_json: str, translated: list[str]) -> list[tuple[str, str, str]]:
    """(contract name, lint-imports verdict, govern verdict) per contract lint-imports reports."""
    broken = dict(re.findall(r"^(.+?) (KEPT|BROKEN)(?: \(.*\))?$", lint_out, re.M))
    rules = {v["rule"] for v in json.loads(govern_json)["violations"]}
    names = {}
    for line in translated:  # "wrote adr/0003-x.md: layers rule RID from contract CID"
        m = re.match(r"wrote (\S+): \S+ rule (\S+) from contract", line)
        if m:
            names[m.group(2)] = m.group(1)
    out = []
    for name, verdict in broken.items():
        rule = next((r for r, path in names.items() if _title(path) == name), None)
        out.append((name, verdict, "untranslated" if rule is None else ("BROKEN" if rule in rules else "KEPT")))
    return out


_WORK: Path | None = None


def _title(path: str) -> str:
    text = (_WORK / path).read_text(encoding="utf-8")
    m = re.search(r"^title: (.*)$", text, re.M)
    value = m.group(1).strip() if m else ""
    return json.loads(value) if value.startswith('"') else value.strip("'")


def main() -> None:
    global _WORK
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pythonpath", default="", help="import root for lint-imports, relative (e.g. src)")
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()
    genrepo.compile_project()
    with tempfile.TemporaryDirectory() as tmp:
        work = _WORK = Path(tmp) / args.checkout.name
        translated = prepare(args.checkout.resolve(), work)
        print("\n".join(translated))
        lint_env = {"PYTHONPATH": str(work / args.pythonpath)}
        govern = [str(BIN / "govern"), "check", "--format", "json", "--engine", args.engine]
        lint = [str(BIN / "lint-imports")]
        times: dict[str, list[tuple[float, float, float]]] = {
            k: [] for k in ("lint cold", "govern cold", "lint warm", "govern warm")}
        last = {}
        for _ in range(args.reps):  # interleaved: each pair shares the box's load
            t, m, c, last["lint"] = run([*lint, "--no-cache"], work, lint_env)
            times["lint cold"].append((t, m, c))
            shutil.rmtree(work / ".git" / "govern", ignore_errors=True)
            t, m, c, last["govern"] = run(govern, work, {})
            times["govern cold"].append((t, m, c))
            run(lint, work, lint_env)  # fill lint-imports' cache
            t, m, c, _ = run(lint, work, lint_env)
            times["lint warm"].append((t, m, c))
            t, m, c, _ = run(govern, work, {})
            times["govern warm"].append((t, m, c))
        modules = len(json.loads(subprocess.run([str(BIN / "govern"), "facts", "--relation", "module", "--format", "json"],
                                                cwd=work, capture_output=True, text=True).stdout or "[]"))
        med = {k: (statistics.median(t for t, _, _ in v), max(m for _, m, _ in v), statistics.median(c for _, _, c in v))
               for k, v in times.items()}
        print(f"modules: {modules}")
        for k, (t, m, c) in med.items():
            print(f"{k:12s} median {t:6.3f} s  cpu {c:6.3f} s  peak {m:6.1f} MB")
        for kind in ("cold", "warm"):
            g, li = med[f"govern {kind}"], med[f"lint {kind}"]
            pairs = [gt / lt for (gt, _, _), (lt, _, _) in zip(times[f"govern {kind}"], times[f"lint {kind}"])]
            print(f"{kind}: time ratio {g[0] / li[0]:.2f}x (pair by pair: {' '.join(f'{p:.2f}' for p in pairs)}), "
                  f"cpu ratio {g[2] / li[2]:.2f}x, memory ratio {g[1] / li[1]:.2f}x")
        for name, lint_verdict, govern_verdict in agreement(last["lint"], last["govern"], translated):
            print(f"  {lint_verdict:6s} {govern_verdict:12s} {'agree' if lint_verdict == govern_verdict else 'DISAGREE'}  {name}")


if __name__ == "__main__":
    main()
