"""Incremental judgment of an edit: the optimisation that keeps `govern mcp` warm.

A long-lived server judges many edits of one working tree. Judging each in full evaluates
the working tree (the base: what is legacy) and the proposed tree, ~1 s each at 10,000
modules. Instead the server keeps, per snapshot of the working tree (`Warm`: the listing
git gives, revalidated by stat on every call), the base's facts and its whole model
(every relation the rules derive, by the reference evaluator), and judges an edit by the
facts it *adds* (`adds_nothing`):

* the edit modifies files in place (no path added, deleted or renamed), and every fact
  extractor the tree rules read is local to a file (govern.hook.unchanged.LOCAL): the
  edited files' facts, old and new, give the whole fact delta;
* the edit removes no fact (a removed import can lift a violation, or an exemption);
* no rule reads anything that depends on the added facts under `not` or in an aggregate
  (`naive.grows_only`): the model can then only grow, and semi-naive evaluation seeded with
  the additions (`naive.extend`) gives exactly what the proposed tree adds to it;
* transitive imports (`reaches`, searched natively with one witness per class) stay as
  they are: each added import `u -> v` joins modules `u` already reaches, and nothing the
  search is restricted or classed by changes. Then the base's `reaches` rows serve the
  proposed tree too.

If the added facts derive no violation whose identity (rule, subject, target) the working
tree lacks, the tree rules cannot block the edit (an identity the working tree has is legacy,
or exempted there and still exempted, the model only growing), and only the change rules are
judged. Otherwise, or when a condition fails, the edit is judged in full, with the base's
legacy taken from here instead of evaluating the working tree again: a block is always the
full judgment's, with its proofs. tests/unit/test_agents_incremental.py checks, on random
edits, that the verdict is the full path's.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from govern.adr import RuleSpec
from govern.datalog import naive, reaches
from govern.datalog.model import Literal, Rule
from govern.datalog.program import base_preds, body_preds, dependents, derived, needed_rules
from govern.datalog.relevance import relevant
from govern.datalog.store import FactStore
from govern.facts.api import IMPLIED, Wanted
from govern.facts.config import FactsConfig
from govern.facts.derived import in_child_facts, module_match_facts, under_facts
from govern.facts.extractors import Context, Extractor
from govern.facts.indexstat import listing
from govern.facts.tree import WorkTree
from govern.hook.unchanged import NotLocal, file_facts, needed_extractors, refuse
from govern.rules import active
from govern.verdict.base_facts import base_reads
from govern.verdict.evaluate import GOALS, extract_facts
from govern.verdict.findings import unexempted
from govern.verdict.inputs import adr_facts, facts_config, read_adrs, read_config
from govern.verdict.reuse import rules_of

Identity = tuple[str, str, str]
# The helper relations facts.api derives from module names, derived here too for the names an
# edit adds (_added_facts). Rules reading any other derived relation (facts.api.IMPLIED) are
# judged in full until it is handled here: a new one can never be silently left stale.
BY_NAME = frozenset({"under", "module_match", "in_child"})


@dataclass
class Base:
    """The working tree's tree facts and answers, for one snapshot and judging date."""

    tree: WorkTree
    on: date
    legacy: frozenset[Identity]  # the unexempted violations' identities: what an edit may keep
    violated: frozenset[Identity] = frozenset()  # every violation's identity, exempted or not
    rules: tuple[Rule, ...] = ()  # what the evaluator reads (native relations materialised)
    searched: tuple[Rule, ...] = ()  # the rules before that (they read reaches)
    store: FactStore | None = None
    model: naive.Model | None = None
    extractors: tuple[Extractor, ...] | None = None  # None: no incremental judgment
    context: Context | None = None
    fconfig: FactsConfig | None = None
    wanted: Wanted | None = None  # for the under/module_match facts of new module names
    memo: dict = field(default_factory=dict)  # what the reaches search keeps between edits


def base_answers(tree: WorkTree, on: date) -> Base:
    """The Base of the working tree `tree`: what judge() computes as legacy for a proposed
    change (the active tree rules on the working tree, with the ADR facts), and the model."""
    config = read_config(tree)
    adrs = read_adrs(tree, config.adr_dir)
    status = active(adrs, on)
    specs: Mapping[str, RuleSpec] = {s.id: s for s in adrs.rules() if status.get(s.id) is None and s.scope == "tree"}
    rules = rules_of(specs)
    if not rules:
        return Base(tree, on, frozenset())
    store, _ = extract_facts(tree.repo, tree, rules, config, adr_facts(adrs))
    searched = needed_rules(list(rules), GOALS)
    reaches.materialize(searched, store)
    evaluated = needed_rules(searched, GOALS, native=False)
    model = naive.solve(evaluated, store.as_mapping(base_preds(evaluated) & set(store.relations())))
    violations, exemptions = model.rows("violation"), model.rows("exempt")
    extractors = needed_extractors(adrs)
    need = relevant(list(rules))
    if base_reads(rules) or (set(IMPLIED) - BY_NAME) & set(need.relations):
        extractors = None  # compared with a base tree (no-growth), or a derived relation not handled
    wanted = Wanted(frozenset(need.relations), prefixes=frozenset(need.prefixes), modules=frozenset(need.modules))
    fconfig = facts_config(config)
    return Base(tree, on, frozenset(unexempted(violations, exemptions)), frozenset(v[:3] for v in violations),
                tuple(evaluated), tuple(searched), store, model,
                None if extractors is None else tuple(extractors),
                Context(fconfig, tree.entries(), refuse), fconfig, wanted)


def adds_nothing(base: Base, files: Mapping[str, tuple[bytes, bytes]]) -> bool:
    """Whether modifying the files in place ({path: (old bytes, new bytes)}) adds no violation
    identity to the working tree's (see the module docstring); False when that cannot be
    shown this way (the caller then judges in full)."""
    if base.model is None or not files:
        return True  # no tree rule applies, or nothing changes
    if base.extractors is None:
        return False
    added = _added_facts(base, files)
    if added is None:
        return False
    if not added:
        return True
    grown = _grown_reaches(base, added)
    if grown is None:
        return False
    read = base_preds(list(base.rules))
    seeds = {relation: rows for relation, rows in {**added, "reaches": grown}.items() if relation in read and rows}
    if not naive.grows_only(base.rules, set(seeds)):
        return False
    new = naive.extend(base.model, base.rules, seeds)
    return all(row[:3] in base.violated for row in new.get("violation", ()))


def _added_facts(base: Base, files: Mapping[str, tuple[bytes, bytes]]) -> dict[str, set[tuple]] | None:
    """{relation: tuples the new contents add to the store}; None if a fact is removed, a
    file is over the size limit or an extractor reads another file."""
    out: dict[str, set[tuple]] = {}
    for path, (old, new) in sorted(files.items()):
        for extractor in base.extractors:
            if not extractor.wants(path):
                continue
            if max(len(old), len(new)) > base.fconfig.max_blob_size:
                return None
            variant = extractor.variant(path)
            before, after = extractor.scan(variant, old), extractor.scan(variant, new)
            if before == after:
                continue
            try:
                gone, came = file_facts(extractor, path, before, base.context), file_facts(extractor, path, after, base.context)
            except NotLocal:
                return None
            if gone - came:
                return None
            for relation, args in came - gone:
                out.setdefault(relation, set()).add(args)
    names = {row[0] for row in out.get("module", ())} | {name for row in out.get("imports", ()) for name in row}
    wanted = base.wanted
    if names and "under" in wanted.relations and wanted.prefixes:
        out.setdefault("under", set()).update(f.args for f in under_facts(names, wanted.prefixes))
    if names and "module_match" in wanted.relations and wanted.modules:
        out.setdefault("module_match", set()).update(f.args for f in module_match_facts(names, wanted.modules))
    if names and "in_child" in wanted.relations:
        out.setdefault("in_child", set()).update(f.args for f in in_child_facts(names))
    fresh = {relation: rows - base.store.rows(relation) for relation, rows in out.items()}
    return {relation: rows for relation, rows in fresh.items() if rows}


def _grown_reaches(base: Base, added: Mapping[str, set[tuple]]) -> set[tuple] | None:
    """The `reaches` rows the added imports create (govern.datalog.reaches.added_rows); None
    when the added facts change what the search is restricted or classed by."""
    users = [r for r in base.searched if any(isinstance(b, Literal) and b.atom.pred in reaches.NATIVE for b in r.body)]
    if not users:
        return set()
    searched = list(base.searched)
    inputs = body_preds(users) - set(reaches.NATIVE)
    inputs |= body_preds(needed_rules(searched, inputs & derived(searched)))
    if any(b.atom.pred in reaches.IGNORED_BY for r in users for b in r.body if isinstance(b, Literal)):
        inputs |= {"imports"} | body_preds(needed_rules(searched, list(reaches.IGNORED_BY.values())))
    if dependents(searched, added) & inputs:
        return None
    return reaches.added_rows(searched, base.store, added.get("imports", set()), base.memo)


class Warm:
    """What `govern mcp` keeps between calls for its repository: the working tree as last
    listed and its Base.

    Every call asks git for the listing (`git ls-files`, which checks each tracked file's
    stat data against the index; facts.indexstat) and stats the files git does not vouch
    for (untracked or modified: mtime, ctime, size, inode, mode); while both are as before,
    the same WorkTree (and Base) serve, else they are built again. No file is hashed again."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self.lock = threading.Lock()  # one judgment at a time: the state is shared
        self._tree: WorkTree | None = None
        self._signature: tuple | None = None
        self._base: Base | None = None

    def tree(self) -> WorkTree:
        """The working tree now (the same object while nothing changed on disk)."""
        signature = _signature(self.repo)
        if self._tree is None or signature != self._signature:
            self._tree, self._signature, self._base = WorkTree(self.repo), signature, None
        return self._tree

    def base(self, tree: WorkTree) -> Base:
        """The Base of `tree` (a tree this Warm gave), computed on first use per day."""
        today = datetime.now(timezone.utc).date()
        if self._base is None or self._base.tree is not tree or self._base.on != today:
            self._base = base_answers(tree, today)
        return self._base


def _signature(repo: str) -> tuple:
    listed = listing(repo)
    root = os.path.join(os.fsencode(repo), b"")
    stats = []
    for raw, blob in listed.items():
        if blob is None:
            try:
                info = os.lstat(root + raw)
            except OSError:
                stats.append((raw, None))
                continue
            stats.append((raw, (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_mode)))
    return tuple(listed.items()), tuple(stats)
