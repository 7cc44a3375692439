"""Latency of the agent surfaces: `govern agent-hook` as a one-shot process and `check_change`
on a warm `govern mcp`, for a one-file edit, against a warm `govern check` (issue #13).

    python benchmarks/agents.py                      # 10,000 modules, 7 runs
    python benchmarks/agents.py --modules 2000 --runs 5 [--upward N | --upward-rate R]

On a generated repository (benchmarks/genrepo.py; its facts cache warmed by one `govern check`),
interleaved in one run so that the box's load hits every figure alike, each repeated `--runs`:

* hook clean: `govern agent-hook claude-code` with an Edit payload that adds a harmless
  statement to a leaf module (allowed: nothing printed) — the process a harness waits for;
* hook blocked: the same with an edit adding a layer-breaking import (denied with its hint);
* mcp clean / mcp blocked: the same two edits through `check_change` on one long-lived
  `govern mcp` driven by the MCP SDK's client (the first call, which warms the server, is
  reported apart);
* check: `govern check` on the working tree (warm), for scale.
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

GOVERN = Path(sys.executable).parent / "govern"
LEAF = "src/pkg/util/sub0/m0.py"  # a util module: importing pkg.api from it breaks the layers


def timed(argv: list[str], cwd: Path, data: bytes = b"") -> tuple[float, int, bytes]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, input=data, capture_output=True)
    return time.perf_counter() - started, done.returncode, done.stdout


def edit_payload(repo: Path, new_line: str) -> dict:
    first = "from __future__ import annotations\n"  # after the module docstring
    assert (repo / LEAF).read_text().count(first) == 1
    return {"session_id": "bench", "transcript_path": "/dev/null", "cwd": str(repo), "hook_event_name": "PreToolUse",
            "tool_name": "Edit", "tool_input": {"file_path": str(repo / LEAF), "old_string": first,
                                                "new_string": first + new_line}}


def mcp_times(repo: Path, edits: dict[str, dict], runs: int) -> dict[str, list[float]]:
    import anyio
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    async def main() -> dict[str, list[float]]:
        out: dict[str, list[float]] = {"mcp first call": []}
        async with stdio_client(StdioServerParameters(command=str(GOVERN), args=["mcp"], cwd=str(repo))) as (r, w):
            async with ClientSession(r, w) as client:
                await client.initialize()
                for i in range(runs + 1):
                    for name, edit in edits.items():
                        started = time.perf_counter()
                        result = await client.call_tool("check_change", {"edits": [edit]})
                        elapsed = time.perf_counter() - started
                        assert not result.is_error, result.content
                        out.setdefault(name, []).append(elapsed) if i else out["mcp first call"].append(elapsed)
        return out
    return anyio.run(main)


def bench(modules: int, runs: int, scratch: Path, upward: dict) -> dict[str, float]:
    repo = generate(scratch / f"r{modules}", modules, **upward)
    subprocess.run([str(GOVERN), "check"], cwd=repo, capture_output=True)  # warm the facts cache
    clean = edit_payload(repo, "_bench = 1\n")
    blocked = edit_payload(repo, "import pkg.api\n")
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, payload, expect in (("hook clean", clean, b""), ("hook blocked", blocked, None)):
            seconds, code, out = timed([str(GOVERN), "agent-hook", "claude-code"], repo, json.dumps(payload).encode())
            assert code == 0 and (expect is None and b'"deny"' in out or out == expect), out
            times.setdefault(name, []).append(seconds)
        seconds, code, _ = timed([str(GOVERN), "check"], repo)
        times.setdefault("check (working tree)", []).append(seconds)
    as_edit = {name: {"path": LEAF, "old_string": p["tool_input"]["old_string"], "new_string": p["tool_input"]["new_string"]}
               for name, p in (("mcp clean", clean), ("mcp blocked", blocked))}
    times.update(mcp_times(repo, as_edit, runs))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, action="append")
    parser.add_argument("--runs", type=int, default=7)
    add_upward_arguments(parser)
    args = parser.parse_args()
    compile_project()
    print(f"scenario: {scenario(args)}; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as scratch:
        for modules in args.modules or [10000]:
            figures = bench(modules, args.runs, Path(scratch), upward_options(args))
            print(f"{modules} modules ({args.runs} runs each, medians)")
            for name, seconds in figures.items():
                print(f"  {name:22} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
