"""README.md's tour, run verbatim: every `$ command` of its console blocks, in order, in one
fresh directory (from `git init` to a push the server refuses), each output compared with what
the README shows. Commit and object ids, dates and the temporary directory (shown as
/home/you) are the only things that may differ."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
BIN = str(Path(sys.executable).parent)
IDS = re.compile(r"\b[0-9a-f]{7,40}\b")
DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def tour_commands(text: str) -> list[tuple[str, str]]:
    """(command, expected output) for each `$ ` line of the console blocks of the tour section;
    a heredoc (`<<'EOF'`) continues the command up to its EOF line."""
    section = text.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), f"output without a command: {lines[i]!r}"
            command = [lines[i][2:]]
            i += 1
            heredoc = re.search(r"<<'(\w+)'", command[0])
            if heredoc:
                while lines[i] != heredoc.group(1):
                    command.append(lines[i])
                    i += 1
                command.append(lines[i])
                i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            steps.append(("\n".join(command), "".join(line + "\n" for line in output)))
    return steps


def normalise(text: str, root: Path | None = None) -> str:
    """Ids, dates and the directory masked; trailing blanks dropped (git pads `remote:` lines)."""
    if root is not None:
        text = text.replace(str(root), "/home/you")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return DATES.sub("<date>", IDS.sub("<id>", text))


def run(command: str, cwd: Path, root: Path) -> tuple[str, Path, int]:
    """Run one README command with bash in `cwd`; (stdout and stderr as one stream, new cwd, exit)."""
    script = 'exec 2>&1; cd "$1" || exit 99; eval "$2"; status=$?; printf "\\n\\0%s\\0%d" "$PWD" "$status"'
    done = subprocess.run(["bash", "-c", script, "tour", str(cwd), command], capture_output=True, timeout=600,
                          env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "NO_COLOR": "1"})
    out, where, status = done.stdout.decode("utf-8").rsplit("\0", 2)
    return out[:-1], Path(where), int(status)


def test_the_readme_tour_runs_as_written(tmp_path):
    root = Path(os.path.realpath(tmp_path)) / "you"
    root.mkdir()
    steps = tour_commands(README.read_text(encoding="utf-8"))
    assert steps[0][0].startswith("git init") and steps[-1][0].startswith("git push"), steps
    cwd, statuses = root, []
    for command, expected in steps:
        out, cwd, status = run(command, cwd, root)
        statuses.append(status)
        assert normalise(out, root) == normalise(expected), f"$ {command}"
    # exit codes: the first check blocks, the fixed one allows, the last push is refused
    checks = [s for (c, _), s in zip(steps, statuses) if c == "govern check"]
    assert checks == [1, 0] and statuses[-1] != 0
    assert all(s == 0 for (c, _), s in zip(steps, statuses) if c not in ("govern check",) and c != steps[-1][0])
    server = root / "shop.git"
    pushed = subprocess.run(["git", "log", "--format=%s", "main"], cwd=server, capture_output=True, text=True).stdout
    assert pushed.splitlines() == ["Billing owns Stripe"]  # the refused commit never landed
