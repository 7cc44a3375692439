"""The Python extractor's scan (bytes → import records) over the running Python's standard library.

    python benchmarks/scan_stdlib.py [--ast]

Reads every .py file of the standard library (site-packages left out) into memory, then
times `govern.facts.extractors.python.scan` on each, in this process, on one core (no pool,
no cache): the cold cost of reading imports. `--ast` times a full `ast.parse` of the same
bytes instead (the reference). It prints files, megabytes, seconds, import records and
files it could not read. Run it with two installations (e.g. the previous main and this
one), interleaved, to compare scanners.
"""
from __future__ import annotations

import argparse
import ast
import sysconfig
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ast", action="store_true", help="time ast.parse instead of the extractor's scan")
    args = parser.parse_args()
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    data = [p.read_bytes() for p in files]
    found = errors = 0
    started = time.perf_counter()
    if args.ast:
        for blob in data:
            try:
                tree = ast.parse(blob)
            except (SyntaxError, ValueError):
                errors += 1
                continue
            found += sum(len(n.names) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)))
    else:
        from govern.facts.extractors.python import scan

        for blob in data:
            raw = scan("py", blob)
            if "error" in raw:
                errors += 1
            else:
                found += len(raw["imports"])
    elapsed = time.perf_counter() - started
    print(f"{len(files)} files, {sum(map(len, data)) / 1e6:.1f} MB: {elapsed:.2f} s, {found} import records, "
          f"{errors} files unread ({'ast.parse' if args.ast else 'scan'})")


if __name__ == "__main__":
    main()
