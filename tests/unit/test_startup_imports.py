"""Start-up cost: registering the commands imports no parser, extractor or engine.

Every `govern` run imports every command module (typer needs them all to dispatch), so
their heavy dependencies are imported inside the commands. Checked in a fresh interpreter.
"""
from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("lark", "jsonschema", "yaml", "frontmatter", "markdown_it", "packaging", "pathspec", "git",
         "clingo", "pyDatalog", "govern.facts.api", "govern.facts.extractors", "govern.adr.loader", "govern.rules.parser",
         "govern.rules.lalr", "govern.verdict.judge", "govern.datalog.evaluate")


def modules_after(code: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_registering_the_commands_imports_nothing_heavy():
    assert heavy(modules_after("import govern.cli.commands")) == []


def test_the_adr_and_rules_packages_import_their_parsers_on_first_use():
    assert heavy(modules_after("import govern.adr, govern.rules")) == []
    loaded = modules_after("from govern.adr import load_adrs\nfrom govern.rules import parse_query\nparse_query('a(X)')")
    assert {"govern.adr.loader", "govern.rules.parser", "govern.rules.lalr"} <= loaded
    # The rule parser is generated (govern/rules/lalr.py): lark itself is never imported, and
    # jsonschema only to word the errors of an invalid front matter (govern.adr.schema).
    assert not {"lark", "jsonschema"} & loaded


KIND_ADR = "---\ntitle: T\nstatus: accepted\nrules:\n  - id: r\n    forbid-import:\n      from: [app/**]\n      to: [stripe]\n---\n"
BLOCK_ADR = KIND_ADR.replace("rules:\n", "rules:\n  - id: s\n    datalog: true\n") + \
    '```datalog\nviolation("s", F, "m") :- module(_, F).\n```\n'


def _loading(text: str) -> str:
    return f"from govern.adr import load_adrs\n[adr] = load_adrs([('adr/0001-t.md', {text!r}.encode(), 'b')])\nassert adr.rules"


def test_built_in_kinds_compile_without_the_lalr_parser():
    """The kinds' text is read by govern.rules.generated (an optimisation): the generated LALR
    parser is imported only for a ```datalog block (or text that reader declines)."""
    loaded = modules_after(_loading(KIND_ADR))
    assert "govern.rules.parser" in loaded and "govern.rules.lalr" not in loaded
    assert "govern.rules.lalr" in modules_after(_loading(BLOCK_ADR))


def test_the_lazy_names_are_the_real_ones():
    import govern.adr
    import govern.rules
    from govern.adr.loader import load_adrs
    from govern.rules.compile import compile_adrs
    from govern.rules.parser import parse_query

    assert (govern.adr.load_adrs, govern.rules.compile_adrs, govern.rules.parse_query) == (load_adrs, compile_adrs, parse_query)
    assert set(govern.rules.__all__) <= set(dir(govern.rules)) | set(govern.rules._LAZY)


def test_git_hooks_run_without_typer_and_answer_as_through_typer(tmp_path):
    """`govern hook pre-receive` (no arguments, as git runs it) skips typer; same verdict, bytes, code."""
    from tests.e2e.hooks_support import GOVERN, commit, git, server

    bare, clone = server(tmp_path)
    old = git(bare, "rev-parse", "main").strip()
    new = commit(clone, {"app/api/pay.py": "import stripe\n"})
    git(bare, "fetch", "-q", str(clone), "main:refs/incoming")  # the objects, as a push would bring them
    update = f"{old} {new} refs/heads/main\n"

    def hook(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-X", "importtime", *GOVERN, *args, "hook", "pre-receive"],
                              cwd=bare, input=update, capture_output=True, text=True, env={**os.environ, "GIT_DIR": "."})

    direct, typed = hook(), hook("--debug")
    assert direct.returncode == typed.returncode == 1
    assert direct.stdout == typed.stdout

    def split(stderr: str) -> tuple[str, set[str]]:
        lines = stderr.splitlines()
        imported = {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}
        return "\n".join(line for line in lines if not line.startswith("import time:")), imported

    (said, imported), (said_typed, imported_typed) = split(direct.stderr), split(typed.stderr)
    assert said == said_typed and "stripe-only-in-billing" in said
    assert {"typer", "pydantic"} <= imported_typed and not {"typer", "pydantic"} & imported
