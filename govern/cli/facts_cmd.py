"""`govern facts`: print the facts extracted from a tree (and a commit), with their sources."""
from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from govern.cli.app import app
from govern.cli.options import REPO_OPTION, check_format
from govern.errors import GovernError, GitError, UsageError

if TYPE_CHECKING:
    from govern.facts.api import Wanted
    from govern.facts.config import FactsConfig
    from govern.facts.model import Fact
    from govern.facts.tree import Tree
    from govern.config import Config

# facts.* (the extractors and their parsers) is imported inside the command: importing
# this module only registers it, and every `govern` run imports every command module.
CHANGE_RELATIONS = frozenset({"changed", "author", "trailer", "actor", "actor_reason", "signed_by", "signing_key", "pusher"})


@app.command("facts")
def facts_command(
    relation: list[str] = typer.Option([], "--relation", "-r", metavar="RELATION", help="Only this relation (repeatable)."),
    rev: str = typer.Option(None, "--rev", metavar="REV", help="Extract from this commit (and add its change facts)."),
    staged: bool = typer.Option(False, "--staged", help="Extract from the index instead of the working tree."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text (one fact per line) or json (a list of objects)."),
    repo: Path = REPO_OPTION,
) -> None:
    """Print extracted facts, sorted, each with its source (extractor, path:line, blob)."""
    from govern.facts.api import TREE_RELATIONS
    from govern.facts.gitio import GitFailure
    from govern.verdict.targets import open_repo

    relations = TREE_RELATIONS | CHANGE_RELATIONS
    unknown = sorted(set(relation) - relations)
    if unknown:
        raise UsageError(f"unknown relation {', '.join(unknown)} (known: {', '.join(sorted(relations))})")
    check_format(fmt, ("text", "json"))
    if rev is not None and staged:
        raise UsageError("--rev and --staged are exclusive")
    try:
        found = _facts(open_repo(repo), rev, staged, frozenset(relation) or relations)
    except GitFailure as err:
        raise GitError(err.stderr or str(err)) from None
    except ValueError as err:  # a bad glob pattern mentioned by a rule
        raise UsageError(str(err)) from None
    if relation:
        found = [f for f in found if f.relation in relation]
    typer.echo(_printable(render_json(found) if fmt == "json" else render_text(found)), nl=False)


def _facts(top: str, rev: str | None, staged: bool, relations: frozenset[str]) -> list[Fact]:
    from govern.facts.api import TREE_RELATIONS, change_facts, extract
    from govern.facts.cache import Cache
    from govern.facts.order import sort_facts
    from govern.facts.tree import CommitTree, IndexTree, WorkTree

    tree: Tree = CommitTree(top, rev) if rev else IndexTree(top) if staged else WorkTree(top)
    config = _config(tree)
    wanted = _wanted(tree, config, relations & TREE_RELATIONS)
    found = extract(tree, facts_config(config), wanted, Cache.for_repo(top))
    if rev and relations & CHANGE_RELATIONS:
        found += change_facts(top, rev, facts_config(config), dict(os.environ))
    return sort_facts(found)


def _config(tree: Tree) -> Config:
    from govern.config import parse_config

    entry = next((e for e in tree.entries() if e.path == "pyproject.toml"), None)
    return parse_config(tree.read_many([entry.blob])[entry.blob] if entry else None)


def facts_config(config: Config) -> FactsConfig:
    """The extraction settings of `[tool.govern]` (the fields both dataclasses share)."""
    from govern.facts.config import FactsConfig

    return FactsConfig(**{f.name: getattr(config, f.name) for f in fields(FactsConfig)})


def _wanted(tree: Tree, config: Config, relations: frozenset[str]) -> Wanted:
    """The relations asked for, with the globs/prefixes/dist globs the tree's ADRs mention."""
    from govern.facts.api import Wanted

    try:  # the rule pipeline may not be there (yet): then no helper constants
        from govern.adr.files import load_adr_tree
        from govern.datalog.relevance import relevant
    except ImportError:
        return Wanted(relations)
    try:
        need = relevant([rule for spec in load_adr_tree(tree, config.adr_dir, config.rule_defaults()).rules() for rule in spec.rules])
    except GovernError as err:
        typer.echo(f"govern: warning: ADRs not loaded, no glob/under/dist_match facts:\n{err}", err=True)
        return Wanted(relations)
    return Wanted(relations, frozenset(need.globs), frozenset(need.prefixes), frozenset(need.dists), frozenset(need.groups),
                  frozenset(need.modules))


def render_text(found: list[Fact]) -> str:
    """`imports("a", "b")  python a.py:3 <1a2b3c4>`, one fact per line."""
    return "".join(f"{_atom(f)}  {_source(f)}\n" for f in found)


def _atom(fact: Fact) -> str:
    return f"{fact.relation}({', '.join(json.dumps(a, ensure_ascii=False) for a in fact.args)})"


def _source(fact: Fact) -> str:
    src = fact.source
    path = src.path if src.path.isprintable() and " " not in src.path else json.dumps(src.path, ensure_ascii=False)
    where = f"{path}:{src.line}" if src.line else path
    return " ".join(part for part in (src.extractor, where, f"<{src.blob[:7]}>" if src.blob else "") if part)


def render_json(found: list[Fact]) -> str:
    """A JSON list of {relation, args, source: {extractor, path, line, blob}}."""
    rows = [{"relation": f.relation, "args": list(f.args),
             "source": {"extractor": f.source.extractor, "path": f.source.path, "line": f.source.line, "blob": f.source.blob}}
            for f in found]
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _printable(text: str) -> str:
    # Names that are not UTF-8 hold lone surrogates (see facts.tree); print them as
    # \udcXX escapes, which JSON reads back to the same string.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
