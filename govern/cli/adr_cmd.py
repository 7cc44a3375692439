"""`govern init` and `govern adr new|list|lint|compile`: thin commands over govern.adr / govern.rules."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from govern.cli.app import app
from govern.cli.options import ADR_DIR_OPTION, REPO_OPTION, adr_dir_of, disk_config, project_root
from govern.errors import UsageError

if TYPE_CHECKING:
    from govern.adr import AdrSet

# The ADR parsers (yaml, jsonschema, markdown-it, lark) are imported inside the commands
# that need them: importing this module registers the commands and must stay cheap,
# since every `govern` run imports every command module.

adr_app = typer.Typer(help="Scaffold, list, validate and compile ADRs.", no_args_is_help=True)
app.add_typer(adr_app, name="adr")

class Place:
    """Where an ADR command works: the repository root (found from -C / the current directory,
    as every command finds it) and the repository-relative ADR directory."""

    def __init__(self, repo: Path, adr_dir: Optional[str]):
        self.root = project_root(repo)
        self.adr_dir = adr_dir_of(self.root, adr_dir)

    def load(self) -> AdrSet:
        from govern.adr import load_adr_dir

        return load_adr_dir(self.root / self.adr_dir, shown=self.adr_dir, defaults=disk_config(self.root).rule_defaults())


@app.command("init")
def init(
    file: Optional[str] = typer.Argument(None, metavar="[FILE]", help="With --from-importlinter: the configuration file (default: setup.cfg, .importlinter or pyproject.toml)."),
    adr_dir: Optional[str] = ADR_DIR_OPTION,
    from_importlinter: bool = typer.Option(False, "--from-importlinter", help="Translate an import-linter configuration into ADRs (one per contract)."),
    partial: bool = typer.Option(False, "--partial", help="With --from-importlinter: write what translates even when some options do not (exit 0)."),
    repo: Path = REPO_OPTION,
) -> None:
    """Create adr/ with a first ADR and a [tool.govern] section (idempotent, never overwrites);
    with --from-importlinter, one ADR per import-linter contract.

    Run anywhere inside a repository: it works at the repository's root.
    """
    place = Place(repo, adr_dir)
    if from_importlinter:
        from govern.cli.importlinter_cmd import from_importlinter as run

        # FILE is relative to where govern runs (or -C); the translator reads it from the root
        given = os.path.relpath((repo / file).absolute(), place.root) if file else None
        raise typer.Exit(run(place.root, place.adr_dir, given, partial))
    if file is not None or partial:
        raise UsageError("FILE and --partial go with --from-importlinter")
    from govern.adr.scaffold import init as init_repo

    done = init_repo(place.root, place.adr_dir, date.today())
    for line in done or ["already initialised: nothing to do"]:
        typer.echo(line)


@adr_app.command("new")
def new(title: str = typer.Argument(..., metavar="TITLE", help="Title of the decision."),
        adr_dir: Optional[str] = ADR_DIR_OPTION, repo: Path = REPO_OPTION) -> None:
    """Create the next NNNN-kebab-title.md (status: proposed) from the MADR template and print its path."""
    from govern.adr.scaffold import new_adr

    place = Place(repo, adr_dir)
    typer.echo(new_adr(place.root, place.adr_dir, title, date.today()))


@adr_app.command("lint")
def lint(adr_dir: Optional[str] = ADR_DIR_OPTION, repo: Path = REPO_OPTION) -> None:
    """Validate every ADR: exit 0 when all are valid, 2 with every problem as path:line:col.

    Module names a rule needs (layers, containers, independent modules, from-modules, within)
    must match a module of the working tree; each that matches none is a problem, with the
    nearest module name."""
    from govern.errors import AdrError
    from govern.rules.unmatched import unmatched

    place = Place(repo, adr_dir)
    adrs = place.load()
    modules = _tree_modules(place.root)
    problems = unmatched(adrs.rules(), modules) if modules else []
    if problems:
        raise AdrError(problems)
    rules = sum(1 for spec in adrs.rules() if spec.kind != "exempt")
    note = "" if modules or not any(s.modules for s in adrs.rules()) else " (no Python module in the tree: module names not checked)"
    typer.echo(f"{len(adrs)} ADR{'' if len(adrs) == 1 else 's'}, {rules} rule{'' if rules == 1 else 's'} OK{note}")


def _tree_modules(root: Path) -> frozenset[str]:
    """Every dotted module name of the working tree and its packages (module facts: paths only)."""
    from govern.facts.api import Wanted, extract
    from govern.facts.gitio import GitFailure
    from govern.facts.tree import WorkTree
    from govern.verdict.inputs import facts_config

    try:
        tree = WorkTree(str(root))
    except (GitFailure, OSError):  # not a git repository (yet): no tree to match against
        return frozenset()
    names: set[str] = set()
    for fact in extract(tree, facts_config(disk_config(root)), Wanted(frozenset({"module"}))):
        name = fact.args[0] if fact.relation == "module" else "/"
        while name and not name.startswith("/") and name not in names:
            names.add(name)
            name = name.rpartition(".")[0]
    return frozenset(names)


@adr_app.command("list")
def list_(adr_dir: Optional[str] = ADR_DIR_OPTION, repo: Path = REPO_OPTION) -> None:
    """List ADRs: id, status, number of rules, earliest rule expiry, title."""
    rows = _rows(Place(repo, adr_dir).load())
    header = ("ID", "STATUS", "RULES", "EXPIRES", "TITLE")
    if sys.stdout.isatty():
        _rich_table(header, rows)
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
        for row in [header, *rows]:
            typer.echo("  ".join([c.ljust(w) for c, w in zip(row, widths)] + [row[-1]]).rstrip())


def _rows(adrs: AdrSet) -> list[tuple[str, ...]]:
    from govern.rules.active import superseded_map

    retired = superseded_map(adrs)
    rows = []
    for adr in adrs:
        by = adr.superseded_by or retired.get(adr.id)
        status = f"superseded by {by}" if by else adr.status
        expiries = sorted(s.expires.isoformat() for s in adr.rules if s.expires)
        count = sum(1 for s in adr.rules if s.kind != "exempt")
        rows.append((adr.id, status, str(count), expiries[0] if expiries else "-", adr.title))
    return rows


def _rich_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@adr_app.command("compile")
def compile_(
    target: Optional[str] = typer.Argument(None, metavar="[ID]", help="An ADR id (ADR-0002) or a rule id; default all."),
    adr_dir: Optional[str] = ADR_DIR_OPTION,
    repo: Path = REPO_OPTION,
) -> None:
    """Print the Datalog each rule compiles to (namespaced, as the engine receives it)."""
    from govern.rules import format_rule

    adrs = Place(repo, adr_dir).load()
    specs = adrs.rules()
    if target is not None:
        specs = [s for s in specs if target in (s.adr, s.id)]
        if not specs and adrs.get(target) is None:
            raise UsageError(f"no ADR or rule {target!r}")
    blocks = []
    for spec in specs:
        label = f"exemptions of rule {spec.rules[0].origin.rule}" if spec.kind == "exempt" else f"rule {spec.id}"
        lines = [f"% {spec.adr} {label} ({spec.path}:{spec.line})"] + [format_rule(r) for r in spec.rules]
        blocks.append("\n".join(lines))
    typer.echo("\n\n".join(blocks) if blocks else f"% {target or 'no ADR'} has no rules")
