"""Judging a history commit after commit at the cost of what each commit changed
(`govern drift`'s computed path; optimisations named in docs/drift.md#cost).

Judging a commit alone (govern.verdict.judge with its first parent as base) lists and
extracts two whole trees and evaluates every rule twice. Along a first-parent history the
parent was the previous commit of the walk, so:

1. **Facts by the diff.** Each Wanted (what the rules read) has a `View`: the tree facts of
   the commit the walk stands on, counted (two files may give one fact). The next commit's
   come from this one's by the commit's `git diff-tree` (one batched stream for the whole
   range): a file modified in place is re-scanned (through the blob cache) and its old facts
   replaced by its new ones, and the helper facts derived from module names (`under`,
   `module_match`, `in_child`) follow the names that appear or disappear. Exact only when
   every extractor the rules need is local (govern.hook.unchanged.LOCAL: a file's facts depend
   on its path, its bytes and the path set) and no path appears, disappears, changes kind or
   goes over the size limit; any other commit is extracted whole (through the blob cache).
2. **Rules the change cannot touch are not evaluated.** Each rule (a spec: its clauses,
   helpers included) is evaluated on its own, answers only (drift reports counts: no proof is
   built). A rule none of whose literals (negated ones and aggregate bodies included; `reaches`
   reads `imports`) matches a fact the commit added or removed, by relation and constants,
   answers as it did on the parent: its answers carry over. A `no-growth` rule the change
   cannot touch has its parent's value, moved by 0, and finds only what is over its `max`.
3. **The parent is not evaluated again**: its answers without base facts (what judge() takes
   as legacy) were computed at the previous step, or carried over.

Only claimed where the per-rule answers are those of one evaluation of all rules: no rule
reads `violation`/`exempt` or another spec's predicates, no helper relation is read with a
variable pattern, and no rule reads the judge's findings (the second round). Otherwise
(`units()` gives None) every commit is judged alone. tests/unit/test_drift_replay.py compares
both paths byte for byte on generated histories.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from govern import __version__
from govern.adr import AdrSet, RuleSpec
from govern.config import Config
from govern.datalog import reaches
from govern.datalog.model import Aggregate, Const, Literal, Rule, sort_rows
from govern.datalog.program import body_preds, derived
from govern.datalog.relevance import PATTERN_FIELDS, relevant
from govern.datalog.store import FactStore
from govern.facts.api import DIAGNOSTICS, IMPLIED, Wanted, extract
from govern.facts.cache import Cache
from govern.facts.derived import in_child_facts, module_match_facts, under_facts
from govern.facts.extractors import REGISTRY, Context, Extractor
from govern.facts.gitio import run_git
from govern.facts.model import Fact, Source
from govern.facts.tree import REGULAR, CommitTree, decode_path
from govern.hook.unchanged import LOCAL, NotLocal, refuse
from govern.verdict.base_facts import base_reads, unprefixed
from govern.verdict.evaluate import GOALS, answers_only
from govern.verdict.findings import exempted, findings, unexempted
from govern.verdict.inputs import adr_facts, commit_change_facts, facts_config
from govern.verdict.judge import rule_infos
from govern.verdict.judged import split
from govern.verdict.metrics import KIND, limits, metric_goals, metric_values
from govern.verdict.model import Verdict
from govern.verdict.reuse import answers_impossible, rules_of
from govern.vocabulary import BASE_PREFIX, BASE_TREE

Key = tuple[str, tuple]  # (relation, args)
Answers = dict[str, list[tuple]]  # goal -> rows
BY_NAME = frozenset({"under", "module_match", "in_child"})  # helper facts derived from module names
NO_SOURCE = Source("drift", "", 0, "")  # answers only: no proof reads a source


# --- what changed, commit by commit ------------------------------------------------------

Change = tuple[str, str, str, str, str, str]  # (old mode, new mode, old blob, new blob, status, path)


def diffs(repo: str | os.PathLike, pairs: Sequence[tuple[str, str]]) -> dict[str, list[Change]]:
    """{commit: its changes against the given parent} for (commit, parent) pairs, from one
    `git diff-tree --stdin` stream (no renames: a rename is a deletion and an addition)."""
    if not pairs:
        return {}
    out = run_git(repo, "diff-tree", "--stdin", "-r", "-z", "--no-renames",
                  input="".join(f"{c} {p}\n" for c, p in pairs).encode())
    fields = out.split(b"\0")
    result: dict[str, list[Change]] = {c: [] for c, _ in pairs}
    current, i = None, 0
    while i < len(fields):
        item = fields[i]
        if item.startswith(b":"):
            old_mode, new_mode, old, new, status = item[1:].decode().split(" ")
            result[current].append((old_mode, new_mode, old, new, status, decode_path(fields[i + 1])))
            i += 2
        else:
            if item:
                current = item.decode().strip()
            i += 1
    return result


# --- the tree facts of the commit the walk stands on --------------------------------------

class View:
    """The tree facts of one commit for one Wanted, as facts.api.extract gives them,
    advanced commit by commit (see the module docstring, optimisation 1)."""

    def __init__(self, repo: str | os.PathLike, commit: str, wanted: Wanted, config: Config, cache: bool) -> None:
        self.repo, self.wanted, self.fconfig = repo, wanted, facts_config(config)
        self.cache = Cache.for_repo(repo) if cache else None
        self.needed = set(wanted.relations).union(*(IMPLIED.get(r, frozenset()) for r in wanted.relations))
        self.running: list[Extractor] = [e for e in REGISTRY.values() if e.relations & self.needed]
        self.local = all(e.name in LOCAL for e in self.running)
        self.keep = wanted.relations | DIAGNOSTICS
        self.extract(commit)

    def extract(self, commit: str) -> None:
        """The whole tree of `commit`, through the blob cache."""
        tree = CommitTree(self.repo, commit)
        wider = Wanted(self.wanted.relations | self._name_sources(), self.wanted.globs, self.wanted.prefixes,
                       self.wanted.dists, self.wanted.groups, self.wanted.modules)
        facts = extract(tree, self.fconfig, wider, self.cache, ordered=False)
        self.commit, self.entries = commit, tree.entries()
        self._rows: dict[str, dict[str, dict[tuple, Fact]]] = {}  # prefix -> relation -> args -> Fact
        self.context = Context(self.fconfig, self.entries, refuse)
        self.counts: Counter[Key] = Counter()
        self.fixed: set[Key] = set()  # derived from paths or declarations: glob, dist_match, group_match
        for f in facts:
            if f.relation in BY_NAME:
                continue
            if f.relation in ("glob", "dist_match", "group_match"):
                self.fixed.add((f.relation, f.args))
            else:
                self.counts[(f.relation, f.args)] += 1
        self.names = Counter(self._names(k for k, n in self.counts.items() for _ in range(n)))
        self.by_name = self._by_name(set(self.names))

    def advance(self, commit: str, changes: list[Change], read) -> tuple[set[Key], set[Key]]:
        """Move to `commit` (a child: `changes` against the current one); the (added, removed)
        facts of the view. `read(blobs)` gives blob contents."""
        if not self._in_place(changes):
            return self.whole(commit)
        changed = [c for c in changes if any(e.wants(c[5]) for e in self.running)]
        data = read(sorted({b for c in changed for b in (c[2], c[3])})) if changed else {}
        if any(len(data[b]) > self.fconfig.max_blob_size for c in changed for b in (c[2], c[3])):
            return self.whole(commit)  # an `unreadable` fact would come or go
        gone: Counter[Key] = Counter()
        came: Counter[Key] = Counter()
        try:
            for _, _, old, new, _, path in changed:
                for e in self.running:
                    if e.wants(path):
                        gone.update(self._file_facts(e, path, old, data[old]))
                        came.update(self._file_facts(e, path, new, data[new]))
        except NotLocal:
            return self.whole(commit)
        self.commit = commit
        common = gone & came
        gone, came = gone - common, came - common
        had = {k for k in gone | came if self.counts[k] > 0}
        self.counts.update(came)
        self.counts.subtract(gone)
        removed = {k for k in had if self.counts[k] <= 0}
        added = {k for k in came if k not in had}
        for k in removed:
            del self.counts[k]
        known = set(self.names)
        self.names.update(self._names(k for k, n in came.items() for _ in range(n)))
        self.names.subtract(self._names(k for k, n in gone.items() for _ in range(n)))
        self.names = +self.names
        lost, fresh = self._by_name(known - set(self.names)), self._by_name(set(self.names) - known)
        self.by_name = (self.by_name - lost) | fresh
        keep = self.keep
        added, removed = {k for k in added if k[0] in keep} | fresh, {k for k in removed if k[0] in keep} | lost
        for prefix, made in self._rows.items():  # the Fact objects follow, relation by relation
            for relation, args in removed:
                if relation in made:
                    del made[relation][args]
            for relation, args in added:
                if relation in made:
                    made[relation][args] = Fact(prefix + relation, args, NO_SOURCE)
        return added, removed

    def whole(self, commit: str) -> tuple[set[Key], set[Key]]:
        before = self.facts()
        self.extract(commit)
        after = self.facts()
        return after - before, before - after

    def flush(self) -> None:
        if self.cache is not None:
            self.cache.flush()

    def facts(self) -> set[Key]:
        """Every fact of the view, as extract() with the view's Wanted keeps them."""
        return {k for k in self.counts if k[0] in self.keep} | self.fixed | self.by_name

    def rows(self, relations: Iterable[str], prefix: str = "") -> list[Fact]:
        """The view's facts of these relations (named `prefix` + relation), as Fact objects for
        a FactStore; made once per relation, then kept up to date by advance()."""
        relations = list(relations)
        made = self._rows.setdefault(prefix, {})
        wanted = {r for r in relations if r not in made}
        if wanted:
            rows: dict[str, list[tuple]] = {r: [] for r in wanted}
            for r, a in self.facts():
                if r in wanted:
                    rows[r].append(a)
            for r, args in rows.items():  # in value order: the store's sort is then about linear
                made[r] = {a: Fact(prefix + r, a, NO_SOURCE) for a in sort_rows(args)}
        return [f for r in relations for f in made[r].values()]

    def _in_place(self, changes: list[Change]) -> bool:
        return self.local and all(c[4] == "M" and c[0] in REGULAR and c[1] in REGULAR for c in changes)

    def _file_facts(self, e: Extractor, path: str, blob: str, data: bytes) -> list[Key]:
        raw = None
        if e.data_relations & self.needed:
            key = e.key + "/" + e.variant(path)
            raw = self.cache.get(key, blob) if self.cache is not None else None
            if raw is None:
                raw = e.scan(e.variant(path), data)
                if self.cache is not None:
                    self.cache.put(key, blob, raw)
        return [(f.relation, f.args) for f in e.facts(path, raw, blob, self.context)]

    def _name_sources(self) -> frozenset[str]:
        """module and imports are kept when names derive helper facts (to follow the names)."""
        return frozenset({"module", "imports"}) if set(BY_NAME) & self.wanted.relations else frozenset()

    @staticmethod
    def _names(keys: Iterable[Key]) -> Iterable[str]:
        for relation, args in keys:
            if relation == "module":
                yield args[0]
            elif relation == "imports":
                yield from args

    def _by_name(self, names: set[str]) -> set[Key]:
        """The name-derived facts of these names (facts.api._derived, name by name)."""
        w, out = self.wanted, []
        if not names:
            return set()
        if "under" in w.relations and w.prefixes:
            out += under_facts(set(names), w.prefixes)
        if "module_match" in w.relations and w.modules:
            out += module_match_facts(set(names), w.modules)
        if "in_child" in w.relations:
            out += in_child_facts(set(names))
        return {(f.relation, f.args) for f in out}


# --- rules evaluated one by one -----------------------------------------------------------

@dataclass
class Unit:
    """One applying rule (spec) and what its clauses read."""

    spec: RuleSpec
    rules: list[Rule]
    reads: dict[str, list[dict[int, object]]]  # relation -> the constants of each literal reading it
    base: bool  # reads base_ relations
    goals: tuple[str, ...]

    @property
    def growth(self) -> bool:
        return self.spec.kind == KIND


def units(specs: Mapping[str, RuleSpec]) -> list[Unit] | None:
    """A Unit per spec, when each spec's answers are those one evaluation of all of them
    gives (see the module docstring); None otherwise."""
    first, second = split(specs)
    if second:
        return None
    everywhere = derived(rules_of(first))
    out = []
    for rule_id, spec in sorted(first.items()):
        rules = list(dict.fromkeys(spec.rules))
        reads: dict[str, list[dict[int, object]]] = {}
        for rule in rules:
            for item in rule.body:
                atom = item.atom if isinstance(item, (Literal, Aggregate)) else None
                if atom is None:
                    continue
                if atom.pred in GOALS:
                    return None  # reads the answers of other rules
                if atom.pred in PATTERN_FIELDS and not (len(atom.args) == 2 and isinstance(atom.args[1], Const)):
                    return None  # a helper relation with a variable pattern reads every pattern extracted
                consts = {i: t.value for i, t in enumerate(atom.args) if isinstance(t, Const)}
                for pred in ((reaches.IMPORTS,) if atom.pred in reaches.NATIVE else (atom.pred,)):
                    reads.setdefault(pred, []).append({} if pred != atom.pred else consts)
        if (body_preds(rules) & everywhere) - derived(rules):
            return None  # reads a predicate another spec defines
        out.append(Unit(spec, rules, reads, bool(base_reads(rules)), (*GOALS, *metric_goals({rule_id: spec}))))
    return out


def touches(unit: Unit, delta: Iterable[Key], prefix: str = "") -> bool:
    """Whether a fact of `delta` (relation `prefix` + r) can match a literal of the unit."""
    for relation, args in delta:
        for consts in unit.reads.get(prefix + relation, ()):
            if all(i < len(args) and args[i] == v for i, v in consts.items()):
                return True
    return False


@dataclass
class Step:
    """What the walk knows of the commit it stands on."""

    commit: str
    target: dict[str, Answers] = field(default_factory=dict)  # rule -> answers (with base facts)
    plain: dict[str, Answers] | None = None  # rule -> answers without base facts (a child's legacy)


def _unbased(unit: Unit, answers: Answers) -> Answers:
    """A no-growth rule's answers without a base, from its answers with one: it then finds
    only what is over `max`, each item (the clause `now(item), total(N), N > max`), which
    the answers with a base also hold then (the growth clause finds a subset of the items)."""
    total, growth = unit.goals[-2], unit.goals[-1]
    bound = limits(unit.spec)["max"]
    value = answers[total][0][0] if answers[total] else 0
    over = bound is not None and value > bound
    return {"violation": list(answers["violation"]) if over else [], "exempt": list(answers["exempt"]),
            total: answers[total], growth: []}


class Replay:
    """The walk over a history (see the module docstring): `verdict()` for a commit judged,
    `skip()` for one whose note was read, in the history's order."""

    def __init__(self, repo: str | os.PathLike, commits: Sequence, adrs: AdrSet, config: Config,
                 rules_tree: CommitTree, engine: str | None) -> None:
        self.repo, self.adrs, self.config, self.rules_tree = repo, adrs, config, rules_tree
        self.engine = engine or config.engine
        self.adr_facts = adr_facts(adrs)
        self.parents = {c.id: c.parent for c in commits}
        self._changes: dict[str, list[Change]] | None = None
        self.views: dict[Wanted, View] = {}
        self.step: Step | None = None
        self.signature: tuple | None = None
        self.base_tree = False  # whether the rules read base_tree

    def verdict(self, commit: str, on: date, specs: Mapping[str, RuleSpec], status, plan: list[Unit]) -> Verdict:
        """What judge() gives `commit` against its first parent (counts, not proofs), for the
        applying `specs` (their `plan`, from units()) and their `status` on `on`."""
        parent = self.parents[commit]
        tree_units = [u for u in plan if u.spec.scope == "tree"]
        target_w, legacy_w, base_w = wants = self._wanted(plan, tree_units)
        if self.signature != (plan_ids := tuple(u.spec.id for u in plan), wants):
            self.signature, self.step = (plan_ids, wants), None  # other rules: nothing known serves
            self.views = {w: v for w, v in self.views.items() if w in wants}
        where = parent or commit
        views = {w: self._view(w, where) for w in wants if w is not None}
        previous, before, deltas = None, None, {}
        if parent is not None:
            if self.step is None or self.step.commit != parent:
                self._move(parent)
                self.step = Step(parent)
            previous = self.step
            if previous.plain is None:
                previous.plain = {u.spec.id: self._evaluate(u, views[legacy_w], []) for u in tree_units}
            if base_w is not None:  # taken before the views move on (rows kept per relation)
                need = set().union(*(relevant(u.rules).relations for u in plan if u.base))
                before = self._base_facts(views[base_w], parent, need)
        deltas = self._move(commit)
        none = (set(), set())
        dt, dl = deltas.get(target_w, none), deltas.get(legacy_w, none)
        db = deltas.get(base_w, none)
        step = Step(commit, plain={})
        same = target_w == legacy_w  # the legacy is judged on the facts the target is
        for unit in plan:
            rid = unit.spec.id
            quiet_t = previous is not None and not touches(unit, dt[0] | dt[1])
            quiet_l = previous is not None and not touches(unit, dl[0] | dl[1])
            if unit.spec.scope == "change":
                step.target[rid] = self._change(unit, commit, views[target_w], before)
                continue
            known = previous.plain.get(rid) if quiet_l else None
            if unit.growth and unit.base and same:
                if known is not None and quiet_t and not touches(unit, db[0] | db[1], BASE_PREFIX):
                    # now = was for this rule: moved by 0, and it finds what is over `max`, which
                    # is what it finds without a base (its parent's answers for the legacy).
                    step.target[rid], step.plain[rid] = {**known, unit.goals[-1]: [(0,)]}, known
                else:
                    step.target[rid] = self._evaluate(unit, views[target_w], [], before)
                    step.plain[rid] = _unbased(unit, step.target[rid])
                continue
            step.plain[rid] = known if known is not None else self._evaluate(unit, views[legacy_w], [])
            if not unit.base and same:  # the same facts: the same answers
                step.target[rid] = step.plain[rid]
            elif not unit.base and quiet_t and rid in previous.target:
                step.target[rid] = previous.target[rid]
            else:
                step.target[rid] = self._evaluate(unit, views[target_w], [], before)
        self.step = step
        legacy = exempt = None
        if previous is not None:
            rows = [r for u in tree_units for r in previous.plain[u.spec.id]["violation"]]
            lifts = [r for u in tree_units for r in previous.plain[u.spec.id]["exempt"]]
            legacy, exempt = unexempted(rows, lifts), exempted(rows, lifts)
        answers: Answers = {}
        for unit in plan:
            for goal, rows in step.target[unit.spec.id].items():
                answers.setdefault(goal, []).extend(rows)
        violations = dict.fromkeys(tuple(r) for r in answers.get("violation", []))
        exemptions = dict.fromkeys(tuple(r) for r in answers.get("exempt", []))
        kept, lifted = findings(violations, exemptions, specs, self.adrs, legacy, exempt)
        metrics = metric_values(specs, FactStore(), self.engine, self.config.engine_threshold, answers)
        return Verdict(
            version=__version__, engine=self.engine, target="commit", commit=commit, tree=None, base=parent,
            date=on.isoformat(), rules=rule_infos(self.adrs, status, specs), violations=tuple(kept),
            exemptions=tuple(lifted), compared_with=parent if before is not None else None, metrics=metrics or None)

    def skip(self, commit: str) -> None:
        """`commit`'s verdict came from its note: the views follow (cheap), answers are unknown."""
        if self.views:
            self._move(commit)
            self.step = Step(commit)

    def flush(self) -> None:
        for view in self.views.values():
            view.flush()

    def _wanted(self, plan: list[Unit], tree_units: list[Unit]) -> tuple[Wanted, Wanted, Wanted | None]:
        """What judge() extracts: for the target (every rule), for the legacy (the parent, tree
        rules) and, when rules read base_ relations, of the parent (verdict.base_facts)."""
        def wanted(rules) -> Wanted:
            need = relevant(list(dict.fromkeys(rules)))
            return Wanted(need.relations, need.globs, need.prefixes, need.dists, need.groups, need.modules)

        every = [r for u in plan for r in u.rules]
        read = base_reads(every)
        self.base_tree = BASE_TREE.name in read
        base = None
        if read:
            need = relevant([unprefixed(r) for r in dict.fromkeys(every)])
            names = {p[len(BASE_PREFIX):] for p in read}
            base = Wanted(need.relations & names, need.globs, need.prefixes, need.dists, need.groups, need.modules)
        return wanted(every), wanted(r for u in tree_units for r in u.rules), base

    def _view(self, wanted: Wanted, commit: str) -> View:
        view = self.views.get(wanted)
        if view is None:
            view = self.views[wanted] = View(self.repo, commit, wanted, self.config, True)
        return view

    @property
    def changes(self) -> dict[str, list[Change]]:
        """Each commit's changes against its first parent (one stream, on first use)."""
        if self._changes is None:
            self._changes = diffs(self.repo, [(c, p) for c, p in self.parents.items() if p])
        return self._changes

    def _move(self, commit: str) -> dict[Wanted, tuple[set[Key], set[Key]]]:
        """Every view moved to `commit`: by the diff from its parent, else extracted whole.
        {wanted: (added, removed)}."""
        out = {}
        for wanted, view in self.views.items():
            if view.commit == commit:
                out[wanted] = (set(), set())
            elif commit in self.changes and self.parents.get(commit) == view.commit:
                out[wanted] = view.advance(commit, self.changes[commit], self.rules_tree.read_many)
            else:
                out[wanted] = view.whole(commit)
        return out

    def _evaluate(self, unit: Unit, view: View, extra: list[Fact], before=None) -> Answers:
        """The unit's answers on the view's facts, the ADR facts, `extra` and the parent's
        base_ facts (`before`, when the unit reads them)."""
        need = relevant(unit.rules).relations
        base = [f for f in before if f.relation in need] if before is not None and unit.base else []
        store = FactStore([*view.rows(need), *base, *(f for f in [*self.adr_facts, *extra] if f.relation in need)])
        return answers_only(unit.rules, store, self.engine, unit.goals, self.config.engine_threshold)

    def _change(self, unit: Unit, commit: str, view: View, before: list[Fact]) -> Answers:
        change = commit_change_facts(self.repo, commit, self.config, {}, unit.rules, signers=self.rules_tree)
        if answers_impossible([unit.spec], change):
            return {goal: [] for goal in unit.goals}
        return self._evaluate(unit, view, change, before)

    def _base_facts(self, view: View, parent: str, need) -> list[Fact]:
        """verdict.base_facts of the parent (of the relations in `need`), from the view on it."""
        names = [r[len(BASE_PREFIX):] for r in need if r.startswith(BASE_PREFIX)]
        out = view.rows([r for r in names if r in view.wanted.relations], BASE_PREFIX)
        if self.base_tree and BASE_TREE.name in need:
            out.append(Fact(BASE_TREE.name, (parent,), NO_SOURCE))
        return out
