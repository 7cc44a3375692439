"""Whether a pushed tree has exactly the tree facts of its base, so the base's answers hold.

Most pushes edit a few files without touching what the rules read (imports, modules, the
files that exist). Judging the new tip in full re-extracts and re-evaluates the whole tree
(~2 s at 10,000 modules) only to find the old tip's violations again. The old tip's note
holds its answers; when the new tip's tree facts are, as tuples, the base's tree facts, the
same rules give the same answers, and the judge reuses them (JudgeRequest.known).

Exact, and only claimed when it can be shown cheaply (anything else: the full judgment):

* the trees differ only by modified regular files (`git diff-tree -r`): no path is added,
  deleted, renamed or changes kind, so every path-derived fact (`file`, `module`, `glob`,
  `owner` targets, the module map that resolves imports) is the same;
* every extractor producing a relation the rules can read is *local*: a file's facts
  depend on its path, its bytes and the tree's path set, never on another file's bytes
  (manifests follow `-r other.txt` includes: not local, so a rule reading them turns this off);
* for each modified path, each such extractor gives the same scan, or the same set of
  (relation, args), for the old and the new bytes (sources differ: line and blob; nothing is
  proven from them, because every reused answer is a legacy violation), and neither version
  is over the size limit (which would turn its facts into an `unreadable` fact);
* no symlink or submodule appears, disappears or changes (they give `unreadable` and
  `submodule` facts).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from govern.facts.api import IMPLIED
from govern.facts.extractors import REGISTRY, Context, Extractor
from govern.facts.gitio import CatFile
from govern.facts.tree import REGULAR, Entry, Tree, decode_path, list_blobs
from govern.adr import AdrSet
from govern.config import Config
from govern.datalog.relevance import relevant
from govern.hook.note_summary import VERSION
from govern.notes.git_plumbing import run_git
from govern.verdict.inputs import facts_config, read_adrs, read_config
from govern.verdict.reuse import KnownAnswers

# Extractors whose facts for a path depend only on that path, its bytes and the path set.
# A new extractor is not local until someone checks it (then the tree is judged in full).
LOCAL = frozenset({"files", "python", "codeowners"})


def unchanged(repo: Path, base: str, tip: str, rules_tree: Tree) -> bool:
    """same_tree_facts() with the configuration and ADRs read from `rules_tree` as the judge
    reads them; its reader serves the blobs (a CommitTree reads any object of the repository)."""
    config = read_config(rules_tree)
    return same_tree_facts(repo, base, tip, read_adrs(rules_tree, config.adr_dir), config, rules_tree)


def known_answers(note: dict) -> KnownAnswers | None:
    """The answers of a note's summary (govern.hook.note_summary), for a tree with the noted
    tree's facts; None when the note has an exemption (proven even when legacy)."""
    if note.get("summary") != VERSION or note.get("exemptions") != 0 or not isinstance(note.get("engine"), str):
        return None
    answers = frozenset(tuple(a) for a in note.get("answers") or ())
    if not all(len(a) == 4 and all(isinstance(v, str) for v in a) for a in answers):
        return None
    return KnownAnswers(engine=note["engine"], violations=answers, rules=tuple(note["rules"] or ()))


class NotLocal(Exception):
    """An extractor asked for another file's scan: its facts are not local after all."""


def same_tree_facts(repo: Path, base: str, tip: str, adrs: AdrSet, config: Config,
                    objects: Tree | None = None) -> bool:
    """Whether `tip`'s tree facts equal `base`'s for every relation the ADRs' rules can read
    (`objects`: a tree whose reader serves the blobs; else a reader of its own)."""
    changed = _modified(repo, base, tip)
    if changed is None:
        return False
    def contents(paths: list[str]) -> list[tuple[str, bytes, bytes]]:
        chosen = [(path, old, new) for path, old, new in changed if path in set(paths)]
        blobs = [blob for _, old, new in chosen for blob in (old, new)]
        data = objects.read_many(blobs) if objects is not None else _read(repo, blobs)
        return [(path, data[old], data[new]) for path, old, new in chosen]
    return same_file_facts(adrs, config, [path for path, _, _ in changed], contents, lambda: _entries(repo, tip))


def same_file_facts(adrs: AdrSet, config: Config, paths: list[str],
                    contents: Callable[[list[str]], list[tuple[str, bytes, bytes]]],
                    entries: Callable[[], list[Entry]]) -> bool:
    """Whether modifying files in place (`paths`; `contents(some)` gives (path, old bytes,
    new bytes) of some of them) leaves every fact the ADRs' rules can read as it was, in a tree whose paths
    do not change (`entries()`: its files, listed only if a scan differs). Also used by
    govern.agents for a proposed edit of the working tree."""
    extractors = needed_extractors(adrs)
    if extractors is None:
        return False
    wanted_paths = [path for path in paths if any(e.wants(path) for e in extractors)]
    if not wanted_paths:
        return True
    fconfig = facts_config(config)
    wanted = contents(wanted_paths)
    if any(len(data) > fconfig.max_blob_size for _, old, new in wanted for data in (old, new)):
        return False
    contexts: list[Context] = []  # the whole tree's paths, listed only if a scan differs

    def context() -> Context:
        if not contexts:
            contexts.append(Context(fconfig, entries(), refuse))
        return contexts[0]

    try:
        return all(_same_facts(e, path, old, new, context)
                   for path, old, new in wanted for e in extractors if e.wants(path))
    except NotLocal:
        return False


def _same_facts(extractor: Extractor, path: str, old: bytes, new: bytes, context) -> bool:
    """Whether both versions of `path` give `extractor`'s same (relation, args) set.

    Equal scans give equal facts without looking further: a local extractor's facts are a
    function of the path, the scan and the path set (the blob id is only in their sources).
    Different scans (a line added above the imports) may still give the same facts."""
    variant = extractor.variant(path)
    before, after = extractor.scan(variant, old), extractor.scan(variant, new)
    if before == after:
        return True
    return file_facts(extractor, path, before, context()) == file_facts(extractor, path, after, context())


def needed_extractors(adrs: AdrSet) -> list[Extractor] | None:
    """Extractors producing a relation any rule of the ADRs reads (None: one is not local)."""
    relations = set(relevant([rule for spec in adrs.rules() for rule in spec.rules]).relations)
    for relation in list(relations):
        relations |= IMPLIED.get(relation, frozenset())
    needed = [e for e in REGISTRY.values() if e.relations & relations]
    return None if any(e.name not in LOCAL for e in needed) else needed


def _modified(repo: Path, base: str, tip: str) -> list[tuple[str, str, str]] | None:
    """(path, old blob, new blob) of the regular files modified in place; None if any path
    appears, disappears or changes kind, or a symlink or submodule changes."""
    out = run_git(repo, "diff-tree", "-r", "-z", "--no-renames", base, tip, "--")
    fields = out.split(b"\0")
    changed = []
    for meta, raw in zip(fields[0::2], fields[1::2]):
        old_mode, new_mode, old, new, status = meta.lstrip(b":").decode().split(" ")
        regular = (old_mode in REGULAR, new_mode in REGULAR)
        if regular == (True, True) and status == "M":
            changed.append((decode_path(raw), old, new))
        else:
            return None
    return changed


def _entries(repo: Path, rev: str) -> list[Entry]:
    """The tree's regular files as extractors' Context sees them (paths and blobs; no sizes;
    git's order: the facts are compared as sets)."""
    return [e for e in list_blobs(repo, rev, sizes=False) if e.mode in REGULAR]


def _read(repo: Path, blobs: list[str]) -> dict[str, bytes]:
    reader = CatFile(os.fspath(repo))
    try:
        return reader.read_many(blobs)
    finally:
        reader.close()


def file_facts(extractor: Extractor, path: str, raw, context: Context) -> set:
    return {(f.relation, f.args) for f in extractor.facts(path, raw, "", context)}


def refuse(name: str, path: str) -> None:
    raise NotLocal(f"{name} read {path}")
