"""The entry points govern uses: `extract` (tree facts) and `change_facts` (commit facts)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from .cache import Cache
from .change import change_facts
from .config import FactsConfig
from .derived import dist_facts, glob_facts, group_facts, in_child_facts, module_match_facts, under_facts
from .extractors import REGISTRY, Context, Extractor
from .memory import without_gc
from .model import Fact, Source
from .order import sort_facts
from .parallel import scan_all
from .tree import GITLINK, Entry, Tree

# Always kept from the extractors that ran: they explain missing facts. Every symlink and
# submodule of the tree is reported too (never followed).
DIAGNOSTICS = frozenset({"parse_error", "unreadable", "submodule"})
# Derived relations and the extracted ones they are computed from.
IMPLIED = {"under": frozenset({"module", "imports"}), "module_match": frozenset({"module", "imports"}),
           "in_child": frozenset({"module", "imports"}),
           "dist_match": frozenset({"declares"}), "group_match": frozenset({"declares_group"})}
BATCH_BYTES = 64_000_000  # blobs read and scanned at once (above PARALLEL_MIN_BYTES)
TREE_RELATIONS = frozenset({"file", "module", "imports", "type_only_import", "declares", "declares_group", "owner",
                            "glob", "under", "module_match", "in_child", "dist_match", "group_match"}) | DIAGNOSTICS

__all__ = ["Wanted", "extract", "change_facts", "TREE_RELATIONS"]


@dataclass(frozen=True)
class Wanted:
    """What the rules read: relations, and the glob patterns, module prefixes,
    distribution-name globs and module patterns they mention (for glob/under/dist_match/
    module_match)."""

    relations: frozenset[str] = frozenset()
    globs: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    dists: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()
    # The files to parse (an optimisation, govern.datalog.parse_scope): None, every one; else
    # (module prefixes, module patterns, required prefixes, required patterns, closures): when
    # a module satisfies each required one, a file whose module is under none of the prefixes,
    # matches none of the patterns and is in no closure (the modules some sources reach:
    # facts.extractors.python.narrow) gets its `module` fact only, no parse.
    parse: tuple[frozenset[str], ...] | None = None


def extract(tree: Tree, config: FactsConfig, wanted: Wanted, cache: Cache | None = None, workers: int | None = None,
            *, ordered: bool = True) -> list[Fact]:
    """The sorted facts of `tree` for the wanted relations (plus the DIAGNOSTICS).

    Only the extractors producing a needed relation run, and file contents are read
    only for relations that need them. Scans are cached by blob id in `cache`;
    `workers` bounds the parse processes (None: every available core).
    `ordered=False`: in extraction order, duplicates kept, for a consumer that orders and
    deduplicates itself (govern's FactStore keeps the smallest source and sorts each
    relation's tuples once: sorting the Fact objects is then ~0.4 s wasted at 10,000 modules).
    """
    with without_gc():
        return _extract(tree, config, wanted, cache, workers, ordered)


def _extract(tree: Tree, config: FactsConfig, wanted: Wanted, cache: Cache | None, workers: int | None,
             ordered: bool) -> list[Fact]:
    needed = set(wanted.relations)
    for relation in wanted.relations:
        needed |= IMPLIED.get(relation, frozenset())
    runner = _Runner(tree, config, cache, workers, wanted.parse)
    keep = wanted.relations | DIAGNOSTICS
    found: list[Fact] = []
    kept: list[Fact] = []
    for extractor in REGISTRY.values():
        if extractor.relations & needed:
            facts = runner.run(extractor, bool(extractor.data_relations & needed))
            found += facts
            # Filtered only when the extractor makes a relation that is not kept (155k facts).
            kept += facts if extractor.relations <= keep else [f for f in facts if f.relation in keep]
    unread = list(runner.unreadable.values()) + link_facts(runner.links)
    derived = _derived(runner.entries + runner.links, found, wanted)  # links: path rules judge them too
    kept += [f for f in unread + derived if f.relation in keep]
    if cache is not None:
        cache.flush()
    return sort_facts(kept) if ordered else kept


def link_facts(links: list[Entry]) -> list[Fact]:
    """unreadable(Path, Reason) for every symlink and submodule, submodule(Path, Commit) too."""
    out = []
    for e in links:
        source = Source("tree", e.path, 0, e.blob)
        if e.mode == GITLINK:
            commit = e.blob or "unknown"
            out.append(Fact("submodule", (e.path, e.blob), source))
            out.append(Fact("unreadable", (e.path, f"is a submodule (commit {commit}); govern does not judge its code"), source))
        else:
            out.append(Fact("unreadable", (e.path, "is a symbolic link; govern does not follow links"), source))
    return out


def _derived(entries: list[Entry], found: list[Fact], wanted: Wanted) -> list[Fact]:
    out: list[Fact] = []
    if "glob" in wanted.relations and wanted.globs:
        out += glob_facts({e.path: e.blob for e in entries}, wanted.globs)
    under = "under" in wanted.relations and wanted.prefixes
    matched = "module_match" in wanted.relations and wanted.modules
    children = "in_child" in wanted.relations
    if under or matched or children:
        modules = {f.args[0] for f in found if f.relation == "module"}
        modules |= set(chain.from_iterable([f.args for f in found if f.relation == "imports"]))
        out += under_facts(modules, wanted.prefixes) if under else []
        out += module_match_facts(modules, wanted.modules) if matched else []
        out += in_child_facts(modules) if children else []
    if "dist_match" in wanted.relations and wanted.dists:
        out += dist_facts({f.args[1] for f in found if f.relation == "declares"}, wanted.dists)
    if "group_match" in wanted.relations and wanted.groups:
        out += group_facts({f.args[2] for f in found if f.relation == "declares_group"}, wanted.groups)
    return out


class _Runner:
    """Runs extractors over one tree: size limit, cache, batched reads, parallel scans."""

    def __init__(self, tree: Tree, config: FactsConfig, cache: Cache | None, workers: int | None,
                 parse: tuple[frozenset[str], ...] | None = None) -> None:
        self.tree, self.config, self.cache, self.workers, self.parse = tree, config, cache, workers, parse
        self.entries = tree.entries()
        self.links = tree.links()
        self.by_path = {e.path: e for e in self.entries}
        self.sizes = {e.blob: e.size for e in self.entries}
        self.context = Context(config, self.entries, self._scan_path)
        self.scans: dict[tuple[str, str], object] = {}  # (extractor key/variant, blob) -> raw
        self.unreadable: dict[str, Fact] = {}

    def run(self, extractor: Extractor, with_data: bool) -> list[Fact]:
        selected = [e for e in self.entries if extractor.wants(e.path)]
        scanned = selected
        if with_data and self.parse is not None and extractor.narrow is not None:
            scanned = extractor.narrow(selected, self.context, self.parse,
                                       lambda entries: self._scan_entries(extractor, entries))
        raws = self._scan_entries(extractor, scanned) if with_data else {}
        facts, context, out = extractor.facts, self.context, []
        for e in selected:  # list += list: each file's facts copied in C, not one by one
            out += facts(e.path, raws.get(e.path), e.blob, context)
        return out

    def _scan_path(self, name: str, path: str) -> object | None:
        return self._scan_entries(REGISTRY[name], [self.by_path[path]]).get(path)

    def _scan_entries(self, extractor: Extractor, entries: list[Entry]) -> dict[str, object]:
        limit, prefix, variant = self.config.max_blob_size, extractor.key + "/", extractor.variant
        keys = {}  # path -> (extractor key/variant, blob)
        for e in entries:
            if e.size > limit:
                reason = f"is too large to read ({e.size} bytes; max-blob-size is {limit}); govern cannot judge it"
                self.unreadable[e.path] = Fact("unreadable", (e.path, reason), Source("tree", e.path, 0, e.blob))
            else:
                keys[e.path] = (prefix + variant(e.path), e.blob)
        self._fill(extractor, set(keys.values()).difference(self.scans))
        scans = self.scans
        return {path: scans[key] for path, key in keys.items()}

    def _fill(self, extractor: Extractor, keys: set[tuple[str, str]]) -> None:
        missing = []
        for key in keys:
            cached = self.cache.get(*key) if self.cache is not None else None
            if cached is None:
                missing.append(key)
            else:
                self.scans[key] = cached
        missing.sort()  # read and scanned in a stable order
        for batch in self._batches(missing):
            data = self.tree.read_many(sorted({blob for _, blob in batch}))
            items = [(key.rpartition("/")[2], data[blob]) for key, blob in batch]
            for key, raw in zip(batch, scan_all(extractor.name, items, self.workers)):
                self.scans[key] = raw
                if self.cache is not None:
                    self.cache.put(*key, raw)

    def _batches(self, keys: list[tuple[str, str]]):
        """Slices of `keys` holding at most BATCH_BYTES of blobs: memory stays bounded."""
        batch, size = [], 0
        for key in keys:
            batch.append(key)
            size += self.sizes.get(key[1], 0)
            if size >= BATCH_BYTES:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch
