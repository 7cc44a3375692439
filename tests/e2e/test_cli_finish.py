"""The rough edges a new user met in the first ten minutes (issue 15's "Why" list), each tried
again as that user would: real repositories, the installed `govern`, its real output."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from govern.notes.codec import decode
from tests.conftest import git, write
from tests.e2e.check_support import GOVERN, example_repo, govern
from tests.e2e.hooks_support import commit, push, server

COMMANDS = ["", "init", "check", "query", "facts", "record", "why", "audit", "adr", "adr new", "adr list",
            "adr lint", "adr compile", "drift", "hook", "hook install", "hook pre-push", "hook pre-receive", "hook post-receive"]
TYPER_ARTEFACTS = re.compile(r"<(bool|str|path|int|float|text|list\[[a-z]+\])>|\{[a-z_]+\}", re.I)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_artefacts(tmp_path, command):
    result = govern(tmp_path, *command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert not TYPER_ARTEFACTS.search(result.stdout), result.stdout
    assert "Usage: govern" in result.stdout


def test_help_keeps_brackets_and_names_values(tmp_path):
    assert "[tool.govern] section" in govern(tmp_path, "init", "--help").stdout
    check = govern(tmp_path, "check", "--help").stdout
    for shown in ("Usage: govern check [OPTIONS] [PATH]...", "--rev REV", "-f, --format FORMAT", "-C, --repo PATH",
                  "--max-findings N", "-q, --quiet"):
        assert shown in check, shown
    assert "Usage: govern query [OPTIONS] GOAL" in govern(tmp_path, "query", "--help").stdout


def test_version_and_completion(tmp_path):
    short, long = govern(tmp_path, "-V"), govern(tmp_path, "--version")
    assert short.returncode == 0 and short.stdout == long.stdout and short.stdout.startswith("govern ")
    script = govern(tmp_path, "--show-completion", "bash")
    assert script.returncode == 0 and "_govern_completion" in script.stdout
    words = govern(tmp_path, env={"_GOVERN_COMPLETE": "complete_bash", "COMP_WORDS": "govern ch", "COMP_CWORD": "1"})
    assert words.stdout.split() == ["check"]


def test_every_repository_command_takes_C_and_f(tmp_path):
    repo = example_repo(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    C = ["-C", str(repo)]
    assert govern(outside, "adr", "lint", *C).stdout == "3 ADRs, 3 rules OK\n"
    assert "ADR-0002" in govern(outside, "adr", "list", *C).stdout
    assert "stripe" in govern(outside, "adr", "compile", "ADR-0002", *C).stdout
    assert govern(outside, "init", *C).stdout == "already initialised: nothing to do\n"
    assert govern(outside, "check", "-q", *C).returncode == 1
    assert govern(outside, "query", 'imports(M, "stripe")', "-f", "json", *C).returncode == 0
    facts = json.loads(govern(outside, "facts", "-r", "imports", "-f", "json", *C).stdout)
    assert {"relation": "imports"}.items() <= facts[0].items()
    recorded = govern(outside, "record", "HEAD", *C)
    assert recorded.returncode == 0 and "block" in recorded.stdout, recorded.stderr
    why = govern(outside, "why", "HEAD", "-f", "json", *C)
    assert json.loads(why.stdout)["verdict"] == "block"
    assert govern(outside, "audit", "-f", "json", *C).stdout == "[]\n"
    assert len(json.loads(govern(outside, "drift", "-f", "json", *C).stdout)["commits"]) == 1
    bad = govern(outside, "facts", "-f", "xml", *C)
    assert bad.returncode == 2 and bad.stderr == "govern: unknown format 'xml' (known: text, json)\n"


def test_subdirectories_find_the_same_root_and_adr_dir(tmp_path):
    repo = example_repo(tmp_path)
    sub = repo / "app" / "api"
    assert govern(sub, "adr", "lint").stdout == "3 ADRs, 3 rules OK\n"
    assert govern(sub, "init").stdout == "already initialised: nothing to do\n"
    assert not (sub / "adr").exists() and not (sub / "pyproject.toml").exists()
    new = govern(sub, "adr", "new", "Use a queue")
    assert new.stdout == "adr/0004-use-a-queue.md\n" and (repo / "adr" / "0004-use-a-queue.md").is_file()
    assert govern(sub, "facts", "-r", "module").stdout == govern(repo, "facts", "-r", "module").stdout
    fresh = tmp_path / "fresh"
    git(tmp_path, "init", "-q", "-b", "main", str(fresh))
    (fresh / "src").mkdir()
    assert govern(fresh / "src", "init").returncode == 0
    assert (fresh / "adr").is_dir() and not (fresh / "src" / "adr").exists()


BAD_ADR = """---
title: Payments
status: acepted
rules:
  - id: one
    forbid-imports:
      from: ["app/**"]
      to: ["x"]
  - id: two
    datalog: true
---
```datalog
violation("two", F, "m") :- fil(F).
violation("two", F, "m") :- file(F), not imports(F, X).
```
"""


def test_adr_lint_reports_everything_at_once_with_suggestions(tmp_path):
    repo = example_repo(tmp_path)
    write(repo, {"adr/0004-payments.md": BAD_ADR, "adr/0005-other.md": "---\ntitle: Other\nstatus: accepted\n"
                                                                        "enforcement: blok\n---\n"})
    result = govern(repo, "adr", "lint")
    assert result.returncode == 2 and not result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == ("adr/0004-payments.md:3:1: status: \"acepted\" is not a status (proposed, accepted, deprecated, "
                        "rejected, superseded, or 'superseded by ADR-NNNN'); did you mean 'accepted'?")
    assert lines[1].startswith("adr/0004-payments.md:6:5: rules[0]: unknown rule kind or key 'forbid-imports'; "
                               "did you mean 'forbid-import'?")
    assert lines[2].startswith("adr/0004-payments.md:13:29: unknown predicate fil/1; did you mean 'file'?")
    assert lines[3].startswith("adr/0004-payments.md:14:38: unsafe variable X")  # semantic problems, same run
    assert lines[4] == "adr/0005-other.md:4:1: enforcement: \"blok\" is not one of block, warn, off; did you mean 'block'?"
    assert len(lines) == 5 and "^(" not in result.stderr and "[A-Z]" not in result.stderr  # never a raw regex


def test_query_anonymous_variables_in_negation_and_no_answers(tmp_path):
    repo = example_repo(tmp_path)
    result = govern(repo, "query", "violation(R, S, _), not exempt(R, S, _)")
    assert (result.returncode, result.stdout) == (0, 'R = "stripe-only-in-billing", S = "app/api/refunds.py"\n')
    none = govern(repo, "query", 'imports(M, "nothing.here")')
    assert (none.returncode, none.stdout) == (1, "no answers\n")
    unsafe = govern(repo, "query", "module(M, F), not exempt(R, F, _)")
    assert unsafe.returncode == 2
    assert unsafe.stderr == ("govern: <query>:1:1: unsafe variable R in not exempt(R, F, _): "
                             "it must also occur in a positive literal\n")
    typo = govern(repo, "query", "modul(M, F)")
    assert "unknown predicate modul; did you mean 'module'?" in typo.stderr


def test_why_verify_failures_are_readable(tmp_path):
    repo = example_repo(tmp_path)
    assert govern(repo, "record", "HEAD").returncode == 0
    note = decode(git(repo, "notes", "--ref=govern", "show", "HEAD").encode())  # the verdict, unpacked
    text = json.dumps(note).replace('"line": 6', '"line": 5')  # a proof that cites the wrong source line
    subprocess.run(["git", "notes", "--ref=govern", "add", "-f", "-F", "-", "HEAD"], cwd=repo, input=text, text=True,
                   check=True)
    result = govern(repo, "why", "--verify", "HEAD")
    assert result.returncode == 1
    assert "has source python app/api/refunds.py:6 <" in result.stderr and ", not python app/api/refunds.py:5 <" in result.stderr
    assert "Source(" not in result.stderr and "Origin(" not in result.stderr


def test_audit_relative_dates_and_no_log(tmp_path):
    bare, work = server(tmp_path)
    commit(work, {"app/api/pay.py": "import stripe\n"}, "new debt")
    assert push(work).returncode != 0
    for since in ("yesterday", "today", "3d", "12 hours ago", "2w", "2026-01-01"):
        result = govern(bare, "audit", "--since", since)
        assert result.returncode == 0 and "REJECT" in result.stdout.upper(), (since, result.stdout, result.stderr)
    later = govern(bare, "audit", "--since", "2999-01-01")
    assert later.stdout == "" and "no decisions since 2999-01-01" in later.stderr
    bad = govern(bare, "audit", "--since", "last tuesday")
    assert bad.returncode == 2 and "an age such as 3d" in bad.stderr
    clone = govern(work, "audit", "--since", "yesterday")
    assert clone.returncode == 0 and clone.stdout == "" and "no audit log in" in clone.stderr
