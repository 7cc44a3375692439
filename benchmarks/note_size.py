"""Verdict note size: a genrepo repository's commit, judged and recorded as `govern record` does.

```
python benchmarks/note_size.py PATH [--modules 10000] [--upward-rate 0.02 | --upward N]
```

Generates the repository (benchmarks/genrepo.py), runs `govern record HEAD` (the note the
server's post-receive would write for a first push of that history), then prints the note's
size next to what the same verdict takes as format 1 (each finding's proof nested, what notes
were before they were packed) and as format 2 (`govern check --format json`: one table of proof
nodes), the number of findings and distinct proof nodes, and the seconds to unpack the note
(`govern.notes.codec.decode`) and pack it again (`note_bytes`), in-process.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.genrepo import add_upward_arguments, compile_project, generate, scenario, upward_options  # noqa: E402

GOVERN = str(Path(sys.executable).parent / "govern")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--modules", type=int, default=10000)
    add_upward_arguments(parser)
    args = parser.parse_args()
    print(f"scenario: {scenario(args)}, {args.modules} modules")
    compile_project()
    repo = Path(generate(args.path, args.modules, **upward_options(args)))
    started = time.perf_counter()
    subprocess.run([GOVERN, "record", "HEAD"], cwd=repo, check=True, capture_output=True)
    print(f"govern record HEAD: {time.perf_counter() - started:.1f}s")
    raw = subprocess.run(["git", "notes", "--ref=govern", "show", "HEAD"], cwd=repo, check=True,
                         capture_output=True).stdout
    report(raw)


def report(raw: bytes) -> None:
    from govern.notes.codec import decode, encode, note_bytes
    from govern.verdict import proof_table

    started = time.perf_counter()
    verdict = decode(raw)
    unpacked = time.perf_counter() - started
    started = time.perf_counter()
    again = note_bytes(verdict)
    packed = time.perf_counter() - started
    assert again == raw, "packing the unpacked note again gives other bytes"
    built: dict = {}
    nested = dict(verdict, format=1, proofs=None)
    for key in ("violations", "exemptions"):
        nested[key] = [dict(f, **{k: proof_table.nested(verdict["proofs"], f.get(k), built)
                                  for k in ("proof", "violation_proof") if k in f}) for f in verdict[key]]
    del nested["proofs"]
    print(f"findings: {len(verdict['violations'])} violations, {len(verdict['exemptions'])} exemptions; "
          f"{len(verdict['proofs'])} distinct proof nodes")
    print(f"format 1 (nested proofs)   {len(encode(nested)):>12,} bytes")
    print(f"format 2 (one proof table) {len(encode(verdict)):>12,} bytes   (govern check --format json)")
    print(f"packed note                {len(raw):>12,} bytes")
    print(f"unpack {unpacked:.2f}s, pack {packed:.2f}s (in-process)")


if __name__ == "__main__":
    main()
