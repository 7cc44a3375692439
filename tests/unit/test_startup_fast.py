"""govern.cli.fast: `govern check` with plain arguments runs without typer and answers exactly
as through typer (same exit code, stdout, stderr, output file); other shapes go to typer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govern.cli.app import main
from govern.cli.fast import check_fields
from tests.e2e.check_support import GOVERN, example_repo

FAST = [
    [],
    ["--format", "json"],
    ["--format=sarif", "--rev", "HEAD"],
    ["-f", "text", "-C", "{repo}"],
    ["--repo={repo}", "--rev=HEAD~0", "--new-since", "HEAD"],
    ["--staged", "--format", "json", "--engine", "clingo"],
    ["--verify", "--format", "json", "--adr-dir", "adr"],
    ["--output", "{out}", "--format", "json"],
    ["-o", "{out}"],
    ["--rev", "HEAD", "--staged"],
    ["--format", "xml"],
    ["--engine", "prolog"],
    ["--rev", "no-such-rev"],
    ["--adr-dir", "nowhere"],
    ["-C", "{repo}/missing"],
    ["--output", "{repo}/missing/out.json"],
    ["app/api", "--no-proof"],
    ["app/api/extra.py", "app/billing", "-q"],
    ["--only-new", "--new-since", "HEAD", "--max-findings", "1"],
    ["--max-findings=0", "--format", "junit"],
    ["-f", "github", "app"],
    ["--format=gitlab", "--quiet"],
    ["no/such/path"],
    ["../outside"],
]

TYPER = [
    ["--help"], ["-fjson"], ["--rev"], ["--rev", "--staged"], ["--rev="], ["--rev", ""],
    ["--format", "json", "--format", "text"], ["--", "HEAD"], [""], ["--staged=1"], ["--max-findings", "x"],
    ["--max-findings", "+1"], ["--max-findings", "-1"], ["-q", "-q"], ["-f=json"],
    ["--verify", "--verify"], ["--output", "-"], ["--re", "HEAD"],
]


@pytest.mark.parametrize("args", TYPER, ids=" ".join)
def test_other_shapes_go_through_typer(args):
    assert check_fields(args) is None


def test_plain_shapes_are_parsed_as_typer_would():
    assert check_fields(["--format=json", "-C", "x", "--staged"]) == {"fmt": "json", "repo": Path("x"), "staged": True}
    assert check_fields(["a.py", "--max-findings", "3", "b"]) == {"paths": ("a.py", "b"), "max_findings": 3}


def run(capsys, args: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    os.environ.pop("GOVERN_DEBUG", None)  # set by --debug (the typer path below)
    return code, out.out, out.err


def test_fast_and_typer_paths_give_the_same_answers(tmp_path, capsys, monkeypatch):
    repo = example_repo(tmp_path)
    (repo / "app" / "api" / "extra.py").write_text("import stripe\n")  # a working-tree change
    monkeypatch.chdir(repo)
    for args in FAST:
        args = [a.format(repo=repo, out=tmp_path / "out.json") for a in args]
        assert check_fields(args) is not None, args
        fast = run(capsys, ["check", *args])
        written = (tmp_path / "out.json").read_bytes() if (tmp_path / "out.json").exists() else None
        (tmp_path / "out.json").unlink(missing_ok=True)
        typed = run(capsys, ["--debug", "check", *args])
        assert fast == typed, args
        assert written == ((tmp_path / "out.json").read_bytes() if (tmp_path / "out.json").exists() else None), args
        (tmp_path / "out.json").unlink(missing_ok=True)


def test_a_plain_check_imports_no_typer(tmp_path):
    repo = example_repo(tmp_path)
    run = subprocess.run([sys.executable, "-X", "importtime", GOVERN, "check", "--format", "json"],
                         cwd=repo, capture_output=True, text=True, env={**os.environ})
    assert run.returncode == 1
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert not {"typer", "pydantic"} & imported


def test_fast_option_tables_match_the_typer_command():
    """A new or renamed `check` option must be taught to govern.cli.fast (or it would be
    taken as unknown there and silently slow, or worse, parsed differently)."""
    import typer.main

    from govern.cli.app import app
    from govern.cli.fast import CHECK_ARGUMENTS, CHECK_FLAGS, CHECK_VALUES
    from govern.cli.check_run import CheckOptions

    command = typer.main.get_command(app).commands["check"]
    declared = {}
    arguments = [p.name for p in command.params if p.param_type_name == "argument"]
    assert arguments == [CHECK_ARGUMENTS]
    for param in command.params:
        if param.param_type_name == "argument":
            continue
        for opt in param.opts:
            declared[opt] = (param.name, param.is_flag)
    fast = {**{o: (f, False) for o, f in CHECK_VALUES.items()}, **{o: (f, True) for o, f in CHECK_FLAGS.items()}}
    assert sorted(fast) == sorted(o for o in declared if o != "--help")
    assert {flag for _, (_, flag) in fast.items()} and all(fast[o][1] == declared[o][1] for o in fast)
    fields = set(CheckOptions.__dataclass_fields__)
    assert {f for f, _ in fast.values()} | {CHECK_ARGUMENTS} == fields


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_the_version_is_printed_without_typer_as_typer_prints_it(capsys, flag):
    """`govern --version` is the floor of a govern command (benchmarks/README.md): no typer."""
    from govern.cli.fast import fast_command

    assert fast_command([flag]) is not None and fast_command([flag, "check"]) is None
    assert run(capsys, [flag]) == run(capsys, ["--debug", flag])
    imported = subprocess.run([sys.executable, "-X", "importtime", GOVERN, flag], capture_output=True, text=True)
    assert imported.returncode == 0 and imported.stdout.startswith("govern ")
    assert "typer" not in {line.rsplit("|", 1)[-1].strip() for line in imported.stderr.splitlines()}
