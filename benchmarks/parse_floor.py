"""The floor of a cold `govern check` set by its parser, against `lint-imports --no-cache`.

    python benchmarks/parse_floor.py CHECKOUT [--reps 5] [--pythonpath src]

Prepares CHECKOUT as benchmarks/real_importlinter.py does (a temporary git repository, its
import-linter configuration translated), runs one cold `govern check` and reads from govern's
emptied-then-filled blob cache which Python files it parsed. Then it times, paired and
interleaved in one loop:

* lint-imports cold: `lint-imports --no-cache` (its whole run: start-up, scan, graph, contracts);
* the parse floor: a fresh interpreter that imports tree-sitter and parses exactly those files,
  split over every core by forked processes, and does nothing else: no listing, no ADR, no
  resolution, no evaluation, no output.

No `govern check` can be faster than the floor while it parses those files with tree-sitter, so
a floor ratio above 1.0x means the cold target needs fewer files parsed or another parser.
"""
from __future__ import annotations

import argparse
import marshal
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genrepo  # noqa: E402
import real_importlinter  # noqa: E402

BIN = Path(sys.executable).parent

FLOOR = r"""
import os, sys
import tree_sitter, tree_sitter_python
paths = sys.argv[1:]
language = tree_sitter.Language(tree_sitter_python.language())
workers = len(os.sched_getaffinity(0))
mine, children = 0, []
for k in range(1, workers):
    pid = os.fork()
    if pid == 0:
        mine = k
        break
    children.append(pid)
parser = tree_sitter.Parser(language)
for path in paths[mine::workers]:
    with open(path, "rb") as f:
        parser.parse(f.read())
if mine:
    os._exit(0)
for child in children:
    os.waitpid(child, 0)
"""


def parsed_files(work: Path) -> list[str]:
    """The .py files whose blobs a cold `govern check` scanned (keys `python@VERSION/py:<blob>`)."""
    shutil.rmtree(work / ".git" / "govern", ignore_errors=True)
    subprocess.run([str(BIN / "govern"), "check", "--format", "json"], cwd=work, capture_output=True)
    blobs: set[str] = set()
    for shard in (work / ".git" / "govern" / "cache").rglob("*.marshal"):
        with open(shard, "rb") as f:
            blobs |= {key.rpartition(":")[2] for key in marshal.load(f) if key.startswith("python@")}
    listing = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=work, capture_output=True, check=True).stdout
    out = []
    for record in listing.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            if meta.split()[1].decode() in blobs and path.endswith(b".py"):
                out.append(path.decode())
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pythonpath", default="", help="import root for lint-imports, relative (e.g. src)")
    args = parser.parse_args()
    genrepo.compile_project()
    with tempfile.TemporaryDirectory() as tmp:
        work = real_importlinter._WORK = Path(tmp) / args.checkout.name
        real_importlinter.prepare(args.checkout.resolve(), work)
        files = parsed_files(work)
        size = sum((work / p).stat().st_size for p in files)
        print(f"govern parses {len(files)} files, {size / 1e6:.2f} MB")
        lint_env = {"PYTHONPATH": str(work / args.pythonpath)}
        floor = [sys.executable, "-c", FLOOR, *files]
        times: dict[str, list[tuple[float, float, float]]] = {"lint cold": [], "parse floor": []}
        for _ in range(args.reps):
            t, m, c, _ = real_importlinter.run([str(BIN / "lint-imports"), "--no-cache"], work, lint_env)
            times["lint cold"].append((t, m, c))
            t, m, c, _ = real_importlinter.run(floor, work, {})
            times["parse floor"].append((t, m, c))
        med = {k: (statistics.median(t for t, _, _ in v), statistics.median(c for _, _, c in v)) for k, v in times.items()}
        for k, (t, c) in med.items():
            print(f"{k:12s} median {t:6.3f} s  cpu {c:6.3f} s")
        (ft, fc), (lt, lc) = med["parse floor"], med["lint cold"]
        print(f"floor/lint-imports: time {ft / lt:.2f}x, cpu {fc / lc:.2f}x ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
