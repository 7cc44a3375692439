"""Which Python files' import statements the rules can use: the others need not be parsed.

An optimisation (issue 11: parsing is most of a cold `govern check`). A file's parse gives
its `imports`, `type_only_import` and `unreadable` facts (SCANNED); its `module` fact needs
no parse. `parse_scope(rules)` returns module prefixes and module patterns such that a
file whose module is under none of the prefixes and matches none of the patterns has no
parsed fact any rule can use, or None when it cannot show that (every file is parsed).
It is shown clause by clause, never by guessing at intent:

* every literal over a SCANNED relation (negated too) is restricted in its own clause:
  `imports(S, D)` / `type_only_import(S, D)` by a positive `under(S, "p")`,
  `module_match(S, "pat")`, a derived literal whose column holds only such modules, or a
  constant S; `unreadable(F, R)` by a positive `module(M, F)` with M so restricted. Only
  facts of such sources can match the literal, and they are all extracted.
* `reaches_except(G, ...)`: the graph G must ignore every import of a source outside some
  prefix p (`ignore_import(G, S, D) :- imports(S, D), not under(S, "p")`, what `within:`
  compiles to): its edges are then those of sources under p, with or without the others'
  facts, and the imports literal of each `ignore_import(G, S, D)` clause that names the
  edge itself (or the `type_only_import(S, D)` of a helper read only that way, what
  `type-checking: false` compiles to) needs no other scope. `ignore_import` read as a
  relation (`not ignore_import(G, M, D)`) needs M restricted, as an imports literal does.
* the closure (an optimisation within the optimisation): when every use of a graph
  (`reaches`, `reaches_except` G, `reaches_in` G) restricts its source column as above,
  only the modules those sources reach matter, not the whole prefix (`Closure`): the
  native search keeps only their edges whatever was parsed (govern.datalog.reaches.prepare),
  so its rows, witnesses and chains are the same with every file parsed, and the files to
  parse are found in waves (facts.extractors.python.narrow). Else the whole prefix p is
  parsed, and `reaches` parses everything.
* the names the rules see change too: `under`, `module_match` and `in_child` hold for every
  module name seen in `module` or `imports` facts, so a name only an unparsed file imports
  loses them. Each such name column must be *anchored* in its clause: bound by a positive
  literal that only yields names present either way (a `module` name, an import source, an
  endpoint of a restricted import or of a native search: its sources are parsed, and all
  they reach); a variable that is not anchored
  taints the head column it flows to (a derived predicate such as a layer's membership
  `layer(M, ...) :- under(M, "a")`), whose uses must anchor it in turn. `ignore_import`
  may stay tainted: a name only unparsed files import is the target of no parsed edge, so
  ignoring its edges changes no graph. A constant in a name column, a tainted column of an
  aggregate's elements or of a predicate no rule reads (an answer) parses everything.
* a name nothing anchors that reaches no head is a test that some name exists
  (`present(N) :- layer(_, _, N)`: "this layer matches some module"). It is kept only in
  the plain form `under(V, "p")` / `module_match(V, "pat")`, directly or through a
  predicate each of whose clauses is just that literal, V occurring nowhere else, and only
  when what it derives is read under `not` alone (no proof ever shows its witness); the
  prefixes and patterns it tests are *required*: when a module (always known, no parse
  needed) satisfies each, the test holds with or without the unparsed files' names; when
  one does not, every file is parsed (facts.extractors.python.narrow).

Then every derivation of the full facts uses only facts present in the narrowed ones and
the reverse, so answers, `reaches_except` rows and proofs are the same; tests compare whole
verdicts judged both ways (tests/e2e/test_parse_scope.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from govern.datalog.model import Aggregate, Atom, Const, Literal, Rule, Var
from govern.datalog.program import NATIVE_INPUTS

SCANNED = frozenset({"imports", "type_only_import", "unreadable"})
NAMED = {"under": 0, "module_match": 0, "in_child": 0}  # relation -> its column of module names
IGNORED, EXCEPT, REACHES = "ignore_import", "reaches_except", "reaches"
IGNORED_IN, REACHES_IN = "ignore_import_in", "reaches_in"  # one graph per part: reaches_in(G, Part, S, D)

MAX_DEPTH = 32  # helper predicates followed to restrict a column (recursion stays bounded)


class Closure(NamedTuple):
    """One graph whose every search starts from restricted sources: its edges that matter are
    those of the modules reachable from `prefixes`/`patterns` (the sources), following only
    destinations under `follow` (its `within:` prefixes: other modules' edges are ignored in
    it), or every destination when `follow` is None (`reaches`: every import counts)."""

    graph: object  # (relation, G): ("reaches", None), ("reaches_except", G), ("reaches_in", G)
    follow: frozenset[str] | None
    prefixes: frozenset[str]
    patterns: frozenset[str]


class Scope(NamedTuple):
    """The files to parse: those whose module is under `prefixes` or matches `patterns`, and
    the forward closure of each of `closures` (facts.extractors.python.narrow), when some
    module satisfies each of `need_prefixes` and `need_patterns` (else every file)."""

    prefixes: frozenset[str]
    patterns: frozenset[str]
    need_prefixes: frozenset[str]
    need_patterns: frozenset[str]
    closures: tuple[Closure, ...] = ()


class _All(Exception):
    """Every file must be parsed."""


def parse_scope(rules: Sequence[Rule]) -> Scope | None:
    """The files whose parse the rules can use, or None: every file (see the module docstring)."""
    rules = list(rules)
    try:
        return _Analysis(rules).scope()
    except _All:
        return None


def closures(rules: Sequence[Rule]) -> dict[tuple, Closure]:
    """{(relation, G): its Closure} for the graphs of `reaches` (("reaches", None)),
    `reaches_except` (G) and `reaches_in` (G, every part) every use of which restricts its
    sources. The native search keeps only the edges of the modules those sources reach
    (govern.datalog.reaches.prepare), whatever was parsed: the graph searched is then the
    same whether every file was parsed or only the closure."""
    analysis = _Analysis(list(rules))
    try:
        return {found.graph: found for found in analysis.closures(analysis.graph_uses())}
    except _All:
        return {}  # every file is parsed: nothing to keep apart


class _Analysis:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.by_head: dict[str, list[Rule]] = {}
        for rule in rules:
            self.by_head.setdefault(rule.head.pred, []).append(rule)
        self.within = self._within()
        self.edge_helpers = self._edge_helpers()
        self.restricted: dict[tuple[str, int], frozenset | None] = {}
        self.tainted: dict[str, set[int]] = {}
        self.required: set[tuple[str, str]] = set()

    def scope(self) -> Scope:
        prefixes: set[str] = set()
        patterns: set[str] = set()
        for rule in self.rules:
            for item in rule.body:
                if not isinstance(item, Literal):
                    continue
                pred = item.atom.pred
                if pred in NATIVE_INPUTS and pred not in (EXCEPT, REACHES_IN):
                    raise _All  # a graph search this analysis does not know
                if pred in SCANNED and not self._edge(rule, item):
                    for kind, value in self._scope_of(rule, item):
                        (prefixes if kind == "prefix" else patterns).add(value)
                elif pred in (IGNORED, IGNORED_IN) and not self._ignores(rule, item):
                    # Read as a relation (`not ignore_import(G, M, D)` of a direct rule): its
                    # rows for M come from M's imports, which must be parsed.
                    column = 1 if pred == IGNORED else 2
                    found = self._restriction(rule, item.atom.args[column]) if len(item.atom.args) > column else None
                    if found is None:
                        raise _All
                    for kind, value in found:
                        (prefixes if kind == "prefix" else patterns).add(value)
        uses = self.graph_uses()
        found = self.closures(uses)
        closed = {c.graph for c in found}
        for graph, listed in sorted(uses.items(), key=lambda kv: repr(kv[0])):
            if graph in closed:
                continue
            if graph[0] == REACHES:
                raise _All  # every import counts, from any module
            for _, _, within in listed:
                prefixes |= within  # every source of the graph: the whole package is parsed
        self._taint()
        read = {b.pred if isinstance(b, Aggregate) else b.atom.pred for r in self.rules for b in r.body
                if isinstance(b, (Literal, Aggregate))}
        if any(cols for pred, cols in self.tainted.items() if pred not in read and pred not in (IGNORED, IGNORED_IN)):
            raise _All  # an answer could hold a name only an unparsed file imports
        required = {kind: frozenset(v for k, v in self.required if k == kind) for kind in ("prefix", "pattern")}
        return Scope(frozenset(prefixes), frozenset(patterns), required["prefix"], required["pattern"], tuple(found))

    def graph_uses(self) -> dict[tuple, list[tuple[Rule, Literal, frozenset[str]]]]:
        """{(relation, G): [(clause, literal, the prefixes outside which its graph ignores every
        source's imports)]} for every literal of a native search; _All for a graph whose
        ignored edges do not keep it within a package (reaches_except, reaches_in)."""
        uses: dict[tuple, list[tuple[Rule, Literal, frozenset[str]]]] = {}
        for rule in self.rules:
            for item in rule.body:
                if not isinstance(item, Literal):
                    continue
                pred, args = item.atom.pred, item.atom.args
                if pred == REACHES and len(args) == 2:
                    uses.setdefault((REACHES, None), []).append((rule, item, frozenset()))
                elif pred == EXCEPT and len(args) == 3:
                    graph = args[0]
                    if not isinstance(graph, Const) or graph.value not in self.within:
                        raise _All
                    uses.setdefault((EXCEPT, graph.value), []).append((rule, item, self.within[graph.value]))
                elif pred == REACHES_IN and len(args) == 4:
                    within = self._within_part(rule, item)
                    uses.setdefault((REACHES_IN, args[0].value), []).append((rule, item, within))
                elif pred in (REACHES, EXCEPT, REACHES_IN):
                    raise _All
        return uses

    def closures(self, uses: dict[tuple, list[tuple[Rule, Literal, frozenset[str]]]]) -> list[Closure]:
        """A Closure for each graph every use of which restricts its source column (as a
        SCANNED literal's subject is restricted, `_restriction`), in graph order.

        An optimisation, exact: the rows such a graph's searches give, and the chains proving
        them, are those of a source so restricted; every edge they follow is an edge of a
        module reachable from the sources, and the native search keeps exactly those
        edges (govern.datalog.reaches.prepare), with every file parsed or not. So only the
        files of those modules need parsing: the sources' files, then the files of every
        module their imports name, in waves (facts.extractors.python.narrow). Each wave
        follows every import, type-only and ignored ones too (a superset of every part's
        graph), but only into the graph's `within` prefixes: a module outside them has all
        its imports ignored in the graph."""
        out = []
        for graph, listed in sorted(uses.items(), key=lambda kv: repr(kv[0])):
            found: set[tuple[str, str]] = set()
            for rule, item, _ in listed:
                restricted = self._restriction(rule, item.atom.args[-2])
                if restricted is None:
                    break
                found |= restricted
            else:
                follow = None if graph[0] == REACHES else frozenset().union(*(w for _, _, w in listed))
                out.append(Closure(graph, follow, frozenset(v for k, v in found if k == "prefix"),
                                   frozenset(v for k, v in found if k == "pattern")))
        return out

    def _within(self) -> dict[object, frozenset[str]]:
        """{graph: prefixes} for the graphs that ignore every import of a source outside a prefix."""
        out: dict[object, set[str]] = {}
        for rule in self.by_head.get(IGNORED, []):
            graph, src, dst = (rule.head.args + (None, None, None))[:3]
            if not (isinstance(graph, Const) and isinstance(src, Var) and isinstance(dst, Var)) or len(rule.body) != 2:
                continue
            lits = [b for b in rule.body if isinstance(b, Literal)]
            edge = [b for b in lits if not b.negated and b.atom.pred == "imports" and b.atom.args == (src, dst)]
            outside = [b for b in lits if b.negated and b.atom.pred == "under" and b.atom.args[0] == src
                       and isinstance(b.atom.args[1], Const) and isinstance(b.atom.args[1].value, str)]
            if edge and outside:
                out.setdefault(graph.value, set()).add(outside[0].atom.args[1].value)
        return {g: frozenset(p) for g, p in out.items()}

    def _within_part(self, rule: Rule, use: Literal) -> frozenset[str]:
        """The prefixes a `reaches_in(G, Part, S, D)` literal's graphs keep the sources of: a
        clause `ignore_import_in(G, P, S, D) :- Q(P), imports(S, D), not under(S, "p")` whose
        part condition Q (literals over P and constants only) holds wherever the literal does:
        each literal of Q is in the clause with P as the part, or unfolds, through a clause of
        its predicate whose body is one positive literal, to a literal that is
        (`container(P) :- layer(_, _, _, P)` against the clause's `layer(M, Low, "x", C)`). Else _All."""
        graph, part = use.atom.args[0], use.atom.args[1]
        if not isinstance(graph, Const):
            raise _All
        for clause in self.by_head.get(IGNORED_IN, []):
            head = clause.head.args
            if len(head) != 4 or head[0] != graph or not all(isinstance(a, Var) for a in head[1:]):
                continue
            pv, src, dst = head[1:]
            lits = [b for b in clause.body if isinstance(b, Literal)]
            if len(lits) != len(clause.body):
                continue
            edge = [b for b in lits if not b.negated and b.atom.pred == "imports" and b.atom.args == (src, dst)]
            outside = [b for b in lits if b.negated and b.atom.pred == "under" and b.atom.args[0] == src
                       and isinstance(b.atom.args[1], Const) and isinstance(b.atom.args[1].value, str)]
            if len(edge) != 1 or len(outside) != 1:
                continue
            condition = [b for b in lits if b is not edge[0] and b is not outside[0]]
            if all(not b.negated and b.atom.variables() <= {pv.name} and self._implied(b, pv, part, rule)
                   for b in condition):
                return frozenset({outside[0].atom.args[1].value})
        raise _All

    def _implied(self, lit: Literal, pv: Var, part, rule: Rule) -> bool:
        """Whether `lit` (over the part variable `pv`) holds with `part` for it wherever the body of `rule` does."""
        atom = Atom(lit.atom.pred, tuple(part if a == pv else a for a in lit.atom.args))
        present = [b.atom for b in rule.body if isinstance(b, Literal) and not b.negated]
        if atom in present:
            return True
        for clause in self.by_head.get(atom.pred, []):
            binding = {}
            for formal, actual in zip(clause.head.args, atom.args):
                if isinstance(formal, Var) and binding.get(formal.name, actual) == actual:
                    binding[formal.name] = actual
                elif formal != actual:
                    break
            else:
                only = clause.body[0] if len(clause.body) == 1 else None  # one literal: its free variables stay apart
                if len(clause.head.args) == len(atom.args) and isinstance(only, Literal) and not only.negated \
                        and _matches(only.atom, binding, present):
                    return True
        return False

    def _edge(self, rule: Rule, item: Literal) -> bool:
        """The `imports(S, D)` literal of an `ignore_import(G, S, D)` / `ignore_import_in(G, P, S, D)`
        clause: the edge it ignores; or a `type_only_import(S, D)` literal of a clause `h(S, D)`
        of a helper read only that way (what `type-checking: false` compiles to). Only the
        facts of a graph's own edges can then matter, and a graph's edges are those of parsed
        modules. (The imports of an `ignore-imports` helper keep their scope: check warns
        about an ignored import that matches no import, from the facts.)"""
        if item.negated or item.atom.pred not in ("imports", "type_only_import"):
            return False
        if rule.head.pred == IGNORED:
            return item.atom.pred == "imports" and item.atom.args == rule.head.args[1:3]
        if rule.head.pred == IGNORED_IN:
            return item.atom.pred == "imports" and item.atom.args == rule.head.args[2:4]
        return item.atom.pred == "type_only_import" and rule.head.pred in self.edge_helpers \
            and item.atom.args == rule.head.args

    @staticmethod
    def _ignores(rule: Rule, item: Literal) -> bool:
        """An ignore_import / ignore_import_in literal of a clause of either that names the
        clause's own edge (read only to derive the edges a graph leaves out)."""
        edge = {IGNORED: slice(1, 3), IGNORED_IN: slice(2, 4)}
        if item.negated or rule.head.pred not in edge:
            return False
        mine, theirs = rule.head.args[edge[rule.head.pred]], item.atom.args[edge[item.atom.pred]]
        return len(mine) == 2 and mine == theirs

    def _edge_helpers(self) -> frozenset[str]:
        """Helpers `h(S, D)` (two distinct variables in each clause's head) read only positively,
        as `h(S, D)` with (S, D) the edge an ignore_import / ignore_import_in clause names."""
        reads: dict[str, list[bool]] = {}
        for rule in self.rules:
            edge = rule.head.args[1:3] if rule.head.pred == IGNORED else \
                rule.head.args[2:4] if rule.head.pred == IGNORED_IN else None
            for item in rule.body:
                if isinstance(item, Aggregate):
                    reads.setdefault(item.pred, []).append(False)
                elif isinstance(item, Literal):
                    ok = edge is not None and len(edge) == 2 and not item.negated and item.atom.args == edge
                    reads.setdefault(item.atom.pred, []).append(ok)
        out = set()
        for pred, clauses in self.by_head.items():
            if pred in (IGNORED, IGNORED_IN) or pred in NAMED or not reads.get(pred) or not all(reads[pred]):
                continue
            if all(len(c.head.args) == 2 and all(isinstance(a, Var) for a in c.head.args)
                   and c.head.args[0] != c.head.args[1] for c in clauses):
                out.add(pred)
        return frozenset(out)

    def _scope_of(self, rule: Rule, item: Literal) -> frozenset[tuple[str, str]]:
        """The modules whose facts can match a SCANNED literal of the clause."""
        subject = item.atom.args[0] if item.atom.args else None
        if item.atom.pred == "unreadable":
            for other in rule.body:
                if (isinstance(other, Literal) and not other.negated and other.atom.pred == "module"
                        and len(other.atom.args) == 2 and other.atom.args[1] == subject):
                    found = self._restriction(rule, other.atom.args[0])
                    if found is not None:
                        return found
            raise _All
        found = self._restriction(rule, subject)
        if found is None:
            raise _All
        return found

    def _restriction(self, rule: Rule, term, depth: int = 0) -> frozenset[tuple[str, str]] | None:
        """The prefixes/patterns every value of `term` in the clause lies in, or None (also
        beyond MAX_DEPTH helper predicates deep: an ADR's chain of helpers is hostile input)."""
        if isinstance(term, Const):
            return frozenset({("prefix", term.value)}) if isinstance(term.value, str) else None
        if not isinstance(term, Var):
            return None
        for other in rule.body:
            if not isinstance(other, Literal) or other.negated:
                continue
            args = other.atom.args
            if other.atom.pred in ("under", "module_match") and len(args) == 2 and args[0] == term \
                    and isinstance(args[1], Const) and isinstance(args[1].value, str):
                return frozenset({("prefix" if other.atom.pred == "under" else "pattern", args[1].value)})
            if other.atom.pred in self.by_head and depth < MAX_DEPTH:
                for col, arg in enumerate(args):
                    if arg == term:
                        found = self._column(other.atom.pred, col, depth + 1)
                        if found is not None:
                            return found
        return None

    def _column(self, pred: str, col: int, depth: int) -> frozenset[tuple[str, str]] | None:
        """What restricts column `col` of a derived predicate in every clause defining it (None: nothing)."""
        key = (pred, col)
        if key in self.restricted:
            return self.restricted[key]
        self.restricted[key] = None  # a cycle restricts nothing
        out: set[tuple[str, str]] = set()
        for rule in self.by_head[pred]:
            if col >= len(rule.head.args):
                return None
            found = self._restriction(rule, rule.head.args[col], depth)
            if found is None:
                return None
            out |= found
        self.restricted[key] = frozenset(out)
        return self.restricted[key]

    def _anchored(self, rule: Rule) -> set[str]:
        """Variables of the clause bound by a literal yielding only names present either way."""
        out: set[str] = set()
        for item in rule.body:
            if not isinstance(item, Literal) or item.negated:
                continue
            args, pred = item.atom.args, item.atom.pred
            cols: list[int] = []
            if pred == "module" and args:
                cols = [0]
            elif pred in ("imports", "type_only_import") and len(args) == 2:
                # the source is a module either way; the target is, when only parsed sources match
                cols = [0] if self._edge(rule, item) or self._restriction(rule, args[0]) is None else [0, 1]
            elif pred == EXCEPT and len(args) == 3:
                cols = [1, 2]
            elif pred == REACHES and len(args) == 2:
                cols = [0, 1]  # only searched from restricted sources (else every file is parsed)
            elif pred == REACHES_IN and len(args) == 4:
                cols = [2, 3]
            out |= {args[c].name for c in cols if isinstance(args[c], Var)}
        return out

    def _taint(self) -> None:
        """Head columns that may hold a name only an unparsed file imports: from the name
        columns of under/module_match/in_child, along the columns they flow to (a worklist:
        each predicate column is followed once, so a hostile chain of helpers stays linear)."""
        anchored = {id(rule): self._anchored(rule) for rule in self.rules}
        uses: dict[str, list[tuple[Rule, object]]] = {}
        work: list[tuple[str, int]] = []
        for rule in self.rules:
            for item in rule.body:
                if isinstance(item, Aggregate):
                    uses.setdefault(item.pred, []).append((rule, item))
                elif isinstance(item, Literal):
                    uses.setdefault(item.atom.pred, []).append((rule, item))
                    if item.atom.pred in NAMED:
                        self._flow(rule, item, NAMED[item.atom.pred], anchored[id(rule)], work)
        while work:
            pred, col = work.pop()
            for rule, item in uses.get(pred, []):
                self._flow(rule, item, col, anchored[id(rule)], work)

    def _flow(self, rule: Rule, item, col: int, anchored: set[str], work: list[tuple[str, int]]) -> None:
        """Column `col` of `item` may hold such a name: anchored in the clause, or tainting its head."""
        if isinstance(item, Aggregate):
            if col >= len(item.group):
                raise _All  # counted, summed or picked over such names
            term = item.group[col]
        else:
            term = item.atom.args[col] if col < len(item.atom.args) else None
        if isinstance(term, Const):
            raise _All  # a ground test of a name: true or not depending on who imports it
        if not isinstance(term, Var) or term.name in anchored:
            return
        heads = [i for i, a in enumerate(rule.head.args) if a == term]
        if not heads:
            self._existential(rule, item, col, term)
            return
        mine = self.tainted.setdefault(rule.head.pred, set())
        for i in heads:
            if i not in mine:
                mine.add(i)
                work.append((rule.head.pred, i))

    def _existential(self, rule: Rule, item, col: int, term: Var) -> None:
        """Record what a test that some name exists needs (module docstring), or raise _All."""
        uses = [b for b in rule.body if term.name in _vars(b)]
        if uses != [item] or not isinstance(item, Literal) or item.negated:
            raise _All
        reads = [(r, b) for r in self.rules for b in r.body if isinstance(b, (Literal, Aggregate))
                 and (b.pred if isinstance(b, Aggregate) else b.atom.pred) == rule.head.pred]
        if not reads or not all(isinstance(b, Literal) and (b.negated or r.head.pred in (IGNORED, IGNORED_IN))
                                for r, b in reads):
            # read positively, a proof would show the witness, which may differ; the graphs'
            # ignored edges are proven absent, never shown
            raise _All
        if item.atom.pred in ("under", "module_match"):
            self.required.add(_plain(item.atom))
            return
        for clause in self.by_head.get(item.atom.pred, []):
            head = clause.head.args[col] if col < len(clause.head.args) else None
            [only] = clause.body if len(clause.body) == 1 else [None]
            if not (isinstance(head, Var) and isinstance(only, Literal) and not only.negated
                    and only.atom.pred in ("under", "module_match") and only.atom.args[0] == head):
                raise _All
            self.required.add(_plain(only.atom))


def _plain(atom) -> tuple[str, str]:
    """("prefix", p) for under(V, "p"), ("pattern", pat) for module_match(V, "pat"); else _All."""
    if len(atom.args) != 2 or not isinstance(atom.args[1], Const) or not isinstance(atom.args[1].value, str):
        raise _All
    return ("prefix" if atom.pred == "under" else "pattern", atom.args[1].value)


def _vars(item) -> set[str]:
    if isinstance(item, Literal):
        return item.atom.variables()
    if isinstance(item, Aggregate):
        return {v.name for v in item.group} | ({item.result.name} if isinstance(item.result, Var) else set())
    return {t.name for t in (item.left, item.right) if isinstance(t, Var)}


def _matches(pattern: Atom, binding: dict, present: list[Atom]) -> bool:
    """Whether some atom of `present` is `pattern` under `binding`, its other variables free
    (each consistently)."""
    for atom in present:
        if atom.pred != pattern.pred or len(atom.args) != len(pattern.args):
            continue
        free: dict[str, object] = {}
        for formal, actual in zip(pattern.args, atom.args):
            if isinstance(formal, Var) and formal.name in binding:
                if binding[formal.name] != actual:
                    break
            elif isinstance(formal, Var):
                if free.setdefault(formal.name, actual) != actual:
                    break
            elif formal != actual:
                break
        else:
            return True
    return False
