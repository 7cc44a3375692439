"""`govern drift` over a long history: N commits on top of a generated M-module repository.

```
python benchmarks/drift.py PATH [--modules 2000] [--commits 1000] [--runs 1]
```

The repository is benchmarks/genrepo.py's (a layered package) plus an ADR with a no-growth
rule (import edges from src/pkg/api/** to pkg.domain.*); every further commit (made with
`git fast-import`) changes one api module: half of them add or remove one api → domain
import, the other half edit the module's code without touching its imports (a commit whose
facts are its parent's, as most commits of a real history are for an import rule). Then
`govern drift --format json` runs cold (the blob cache emptied) and warm (again, the cache
filled by the cold run), as separate processes; no verdict notes exist, so every commit is
judged. Prints, per run, wall and CPU seconds (user + system of the govern process) and
milliseconds per commit. `--range REV-RANGE` reports only that part of the history (e.g.
`HEAD~100..HEAD`, to compare with a slower govern on the same repository).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.genrepo import compile_project, generate  # noqa: E402

GOVERN = str(Path(sys.executable).parent / "govern")
ADR = """---
title: The API does not couple more to the domain
status: accepted
rules:
  - id: api-domain-coupling
    no-growth:
      metric: imports
      from: ["src/pkg/api/**"]
      to: ["pkg.domain", "pkg.domain.*"]
      may-grow-by: 0
---
"""


def history(root: Path, commits: int, seed: int = 1) -> None:
    """`commits` commits on main (the first adds the ADR), each touching one api module."""
    rng = random.Random(seed)
    api = sorted(p for p in (root / "src/pkg/api").rglob("m*.py"))
    domain = sorted(".".join(p.relative_to(root / "src").with_suffix("").parts)
                    for p in (root / "src/pkg/domain").rglob("m*.py"))
    texts = {p: p.read_text() for p in api}
    added: dict[Path, list[str]] = {p: [] for p in api}
    edits: dict[Path, int] = {p: 0 for p in api}
    stream = []
    for i in range(commits):
        changes = {"adr/0002-api-domain-coupling.md": ADR} if i == 0 else {}
        if i:
            path = rng.choice(api)
            if rng.random() < 0.5:
                edits[path] += 1
            elif added[path] and rng.random() < 0.4:
                added[path].pop()
            else:
                added[path].append(rng.choice(domain))
            body = (texts[path] + "".join(f"import {m}\n" for m in added[path])
                    + "".join(f"EDIT_{k} = {k}\n" for k in range(edits[path])))
            changes[str(path.relative_to(root))] = body
        when = 1767225600 + 3600 * (i + 1)
        message = f"change {i}\n"
        lines = [f"commit refs/heads/main\nauthor B <b@example.com> {when} +0000\n"
                 f"committer B <b@example.com> {when} +0000\ndata {len(message)}\n{message}"]
        if i == 0:
            lines.append("from refs/heads/main^0\n")
        for rel, text in changes.items():
            data = text.encode()
            lines.append(f"M 100644 inline {rel}\ndata {len(data)}\n{text}\n")
        stream.append("".join(lines))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="".join(stream).encode(), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "repack", "-adq"], cwd=root, check=True)


def drift(root: Path, total: int, spec: str | None) -> tuple[float, float]:
    """(wall, CPU) seconds of one `govern drift --format json` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = root.parent / "drift.json"
    subprocess.run([GOVERN, "drift", *([spec] if spec else []), "--format", "json", "-o", str(out)], cwd=root,
                   check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert spec or len(json.loads(out.read_text())["commits"]) == total
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--range", default=None, metavar="REV-RANGE")
    args = parser.parse_args()
    compile_project()
    root = Path(args.path)
    if not (root / ".git").is_dir():
        generate(root, args.modules)
        history(root, args.commits - 1)
    count = args.commits
    if args.range:
        count = int(subprocess.run(["git", "rev-list", "--first-parent", "--count", args.range], cwd=root,
                                   capture_output=True, text=True, check=True).stdout)
    print(f"drift: {count} commits ({args.range or 'all'}) of a {args.modules}-module repository")
    for _ in range(args.runs):
        shutil.rmtree(root / ".git" / "govern", ignore_errors=True)
        for name in ("cold", "warm"):
            wall, cpu = drift(root, count, args.range)
            print(f"{name}: wall {wall:7.1f} s ({1000 * wall / count:5.0f} ms/commit)   "
                  f"CPU {cpu:7.1f} s ({1000 * cpu / count:5.0f} ms/commit)", flush=True)


if __name__ == "__main__":
    main()
