"""Latency of the agent surfaces: `govern agent-hook` as a one-shot process (alone, and
relayed to a running `govern mcp`) and `check_change` on a warm `govern mcp`, for one-file
edits, against a warm `govern check` (issue #13).

    python benchmarks/agents.py                      # 10,000 modules, 7 runs
    python benchmarks/agents.py --modules 2000 --runs 5 [--upward N | --upward-rate R]

On a generated repository (benchmarks/genrepo.py; its facts cache warmed by one `govern check`),
interleaved in one run so that the box's load hits every figure alike, each repeated `--runs`
times; wall time and CPU time (user + system, the process and its children; for the server,
what it spent on the call), medians. The edits, all to one leaf module of the lowest layer:

* clean: a harmless statement (no fact changes);
* import: an allowed import of a module it already reaches (one `imports` fact added);
* import new: an allowed import of a module nothing imported before (`tomllib`; MCP only);
* blocked: an import of the top layer (thousands of modules then reach it: denied, with hints).

Surfaces: `hook alone` (`govern agent-hook claude-code`, no server running), `hook relayed`
(the same process while a `govern mcp` of the repository runs: it answers through the
relay), `mcp` (`check_change` on a `govern mcp` driven by the MCP SDK's client; its first
call, which computes the working tree's answers, reported apart), `check` (working tree).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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
FIRST = "from __future__ import annotations\n"  # the edit inserts after this line
EDITS = {"clean": "_bench = 1\n", "import": "import pkg.util.sub1.m0\n", "import new": "import tomllib\n",
         "blocked": "import pkg.api\n"}
HOOK_EDITS = ("clean", "import", "blocked")
TICK = os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds of a running process and of its children it waited for (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime


def server_pid() -> int:
    """The `govern mcp` this process started."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if stat.rpartition(")")[2].split()[1] == me and b"mcp" in cmdline:
                return int(entry.name)
    raise RuntimeError("no govern mcp child found")


def payload(repo: Path, name: str) -> bytes:
    assert (repo / LEAF).read_text().count(FIRST) == 1
    return json.dumps({"session_id": "bench", "transcript_path": "/dev/null", "cwd": str(repo),
                       "hook_event_name": "PreToolUse", "tool_name": "Edit",
                       "tool_input": {"file_path": str(repo / LEAF), "old_string": FIRST,
                                      "new_string": FIRST + EDITS[name]}}).encode()


def timed(argv: list[str], cwd: Path, data: bytes = b"", server: int | None = None) -> tuple[float, float, int, bytes]:
    """(wall s, CPU s, exit code, stdout) of one process (plus the server's CPU meanwhile)."""
    cpu, spent = children_cpu(), process_cpu(server) if server else 0.0
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, input=data, capture_output=True)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu + (process_cpu(server) - spent if server else 0.0)
    return wall, cpu, done.returncode, done.stdout


def hook_round(repo: Path, surface: str, out: dict, server: int | None = None) -> None:
    for name in HOOK_EDITS:
        wall, cpu, code, stdout = timed([str(GOVERN), "agent-hook", "claude-code"], repo, payload(repo, name), server)
        assert code == 0 and (b'"deny"' in stdout if name == "blocked" else stdout == b""), (surface, name, stdout)
        out.setdefault(f"{surface} {name}", []).append((wall, cpu))


def with_server(repo: Path, runs: int, out: dict) -> None:
    """check_change calls and relayed hooks, interleaved, on one long-lived `govern mcp`."""
    import anyio
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    edits = {name: {"path": LEAF, "old_string": FIRST, "new_string": FIRST + line} for name, line in EDITS.items()}

    async def main() -> None:
        params = StdioServerParameters(command=str(GOVERN), args=["mcp"], cwd=str(repo), env=dict(os.environ))
        async with stdio_client(params) as (r, w):
            async with ClientSession(r, w) as client:
                await client.initialize()
                pid = server_pid()
                for i in range(runs + 1):
                    for name, edit in edits.items():
                        spent = process_cpu(pid)
                        started = time.perf_counter()
                        result = await client.call_tool("check_change", {"edits": [edit]})
                        figure = (time.perf_counter() - started, process_cpu(pid) - spent)
                        verdict = result.structured_content["verdict"]
                        assert verdict == ("block" if name == "blocked" else "allow"), (name, result.content)
                        out.setdefault(f"mcp {name}" if i else f"mcp first {name}", []).append(figure)
                    if i:
                        await anyio.to_thread.run_sync(hook_round, repo, "hook relayed", out, pid)
    anyio.run(main)


def bench(modules: int, runs: int, scratch: Path, upward: dict) -> dict[str, tuple[float, float]]:
    repo = generate(scratch / f"r{modules}", modules, **upward)
    subprocess.run([str(GOVERN), "check"], cwd=repo, capture_output=True)  # warm the facts cache
    out: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        hook_round(repo, "hook alone", out)
        wall, cpu, _, _ = timed([str(GOVERN), "check"], repo)
        out.setdefault("check (working tree)", []).append((wall, cpu))
    with_server(repo, runs, out)
    return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in out.items()}


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
            print(f"{modules} modules ({args.runs} runs each, medians; wall, CPU)")
            for name, (wall, cpu) in sorted(figures.items()):
                print(f"  {name:22} {wall * 1000:8.0f} ms {cpu * 1000:8.0f} ms CPU")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
