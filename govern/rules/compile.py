"""ADR front matter + ```datalog blocks → checked, namespaced RuleSpecs (all diagnostics at once).

The loader (govern.adr) hands over neutral `AdrSource`s, so this package knows
nothing of files, YAML or markdown.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from govern.datalog.model import Const, Literal, Rule
from govern.datalog.program import NATIVE_INPUTS, body_preds
from govern.errors import Diagnostic
from govern.rules.checks import Program, namespace, private_arities, reads_change, run_checks, syntax
from govern.rules.generated import read_generated
from govern.rules.kinds import CHANGE_KINDS, DEFAULTED_KEYS, KINDS, KindInput
from govern.rules.spec import RuleSpec
from govern.vocabulary import BASE_PREFIX


@dataclass(frozen=True)
class RuleEntry:
    """One validated item of `rules:`; `positions` maps paths inside the item to (line, col)."""

    id: str
    kind: str
    block: Any
    message: str | None
    severity: str | None
    expires: date | None
    line: int
    col: int = 1
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: tuple) -> tuple[int, int]:
        """Position of the deepest known prefix of `path` (relative to the item)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return self.line, self.col


@dataclass(frozen=True)
class AdrSource:
    id: str
    path: str
    enforcement: str
    entries: tuple[RuleEntry, ...]
    blocks: tuple[tuple[str, int], ...]  # (text, file line of its first line)


def exemptions_id(adr_id: str, rule_id: str) -> str:
    """Id of the RuleSpec holding an ADR's exempt clauses for one rule (never a valid user rule id)."""
    return f"{adr_id}:exempt:{rule_id}"


def compile_adrs(sources: list[AdrSource], defaults: Mapping[str, Any] | None = None) -> tuple[dict[str, tuple[RuleSpec, ...]], list[Diagnostic]]:
    """Compile every ADR; returns specs per ADR id and every diagnostic (empty = all good).

    `defaults`: rule keys `[tool.govern]` sets (Config.rule_defaults), applied to the rules
    of the kinds that have the key and do not set it themselves."""
    diagnostics = _duplicate_ids(sources)
    known = frozenset(e.id for s in sources for e in s.entries)
    adr_ids = frozenset(s.id for s in sources)
    specs: dict[str, tuple[RuleSpec, ...]] = {}
    for source in sources:
        compiled, problems = _compile_adr(source, known, defaults or {}, adr_ids)
        specs[source.id] = compiled
        diagnostics += problems
    diagnostics += judged_order(specs)
    return _exemption_scopes(specs), sorted(diagnostics)


def judged_order(specs: dict[str, tuple[RuleSpec, ...]]) -> list[Diagnostic]:
    """Rules reading findings are judged in a second round, on the findings of the first: a
    rule naming the findings of another second-round rule (or its own) could never be
    evaluated (it is not stratifiable), and an exemption reading findings would change the
    findings it reads. Both are refused, at the rule's line."""
    second = {s.id for group in specs.values() for s in group if s.reads_judged}
    out = []
    for group in specs.values():
        for spec in group:
            if spec.id not in second:
                continue
            if spec.kind == "exempt":
                out.append(Diagnostic(spec.path, spec.line, 1, f"exemptions of rule {spec.rules[0].origin.rule} read "
                                      "finding/exemption: an exemption cannot depend on the findings it lifts"))
                continue
            for rule in spec.rules:
                for item in rule.body:
                    named = _named_rule(item)
                    if named in second:
                        what = "its own findings" if named == spec.id else f"the findings of rule {named}, which itself reads findings"
                        out.append(Diagnostic(spec.path, spec.line, 1, f"rule {spec.id} counts {what}: not stratifiable "
                                              "(a rule reading findings may only read those of rules that do not)"))
    return list(dict.fromkeys(out))


def _named_rule(item) -> str | None:
    """The rule id a finding/exemption literal names by a constant, if any."""
    if not isinstance(item, Literal):
        return None
    atom = item.atom
    if atom.pred.removeprefix(BASE_PREFIX) == "finding" and atom.args and isinstance(atom.args[0], Const):
        return atom.args[0].value
    if atom.pred.removeprefix(BASE_PREFIX) == "exemption" and len(atom.args) > 1 and isinstance(atom.args[1], Const):
        return atom.args[1].value
    return None


def _exemption_scopes(specs: dict[str, tuple[RuleSpec, ...]]) -> dict[str, tuple[RuleSpec, ...]]:
    """An exemption of a change rule is evaluated with the change rules (whatever it reads)."""
    change = {s.id for group in specs.values() for s in group if s.scope == "change"}

    def fix(spec: RuleSpec) -> RuleSpec:
        exempted = spec.rules[0].origin.rule if spec.kind == "exempt" else None
        return replace(spec, scope="change") if exempted in change else spec

    return {adr: tuple(fix(s) for s in group) for adr, group in specs.items()}


def _duplicate_ids(sources: list[AdrSource]) -> list[Diagnostic]:
    seen: dict[str, str] = {}
    out = []
    for source in sorted(sources, key=lambda s: s.path):
        for e in source.entries:
            if e.id in seen:
                out.append(Diagnostic(source.path, e.line, e.col, f"duplicate rule id {e.id!r} (also in {seen[e.id]})"))
            else:
                seen[e.id] = f"{source.path}:{e.line}"
    return out


def _severity(entry: RuleEntry, source: AdrSource) -> str:
    return entry.severity or ("warn" if source.enforcement == "warn" else "block")


def _compile_adr(source: AdrSource, known: frozenset[str], defaults: Mapping[str, Any],
                 adr_ids: frozenset[str] = frozenset()) -> tuple[tuple[RuleSpec, ...], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    specs: list[RuleSpec] = []
    kind_private: dict[str, str] = {}
    for entry in source.entries:
        if entry.kind == "datalog":
            continue
        spec, private, problems = _compile_kind(source, entry, defaults, known, adr_ids)
        diagnostics += problems
        kind_private.update({p: entry.id for p in private})
        if spec:
            specs.append(spec)
    block_specs, problems = _compile_blocks(source, known, kind_private)
    return tuple(sorted(specs + block_specs, key=lambda s: (s.line, s.id))), diagnostics + problems


def _with_defaults(entry: RuleEntry, defaults: Mapping[str, Any]) -> Any:
    """The rule's block, with the configured default of each key it may have but does not set."""
    block = entry.block
    for key, value in sorted(defaults.items()):
        if entry.kind in DEFAULTED_KEYS.get(key, ()) and isinstance(block, dict) and key not in block:
            block = {**block, key: value}
    return block


def _compile_kind(source: AdrSource, entry: RuleEntry, defaults: Mapping[str, Any], known: frozenset[str] = frozenset(),
                  adr_ids: frozenset[str] = frozenset()) -> tuple[RuleSpec | None, set[str], list[Diagnostic]]:
    module = KINDS[entry.kind]
    message = entry.message if entry.message is not None else module.default_message(entry.block)
    kind = KindInput(entry.id, _with_defaults(entry, defaults), message, rule_ids=known, adr_ids=adr_ids)
    text = module.compile(kind)
    problems = [Diagnostic(source.path, *entry.locate((entry.kind, *path)), f"rule {entry.id}: {msg}") for path, msg in kind.errors]
    if problems:  # the text of a block with errors is incomplete: checking it would only add noise
        return None, set(), problems
    # The kind's text as the parser reads it; read_generated is a faster exact reader of
    # its usual shape (an optimisation), the parser takes whatever it declines.
    clauses = read_generated(text, source.path, 1, source.id)
    clauses, syntax_errors = (clauses, []) if clauses is not None else syntax(text, source.path, 1, source.id)
    program = Program(source.id, source.path, tuple(clauses), frozenset({entry.id}), frozenset(), exempt_allowed=False)
    generated = syntax_errors + run_checks(program)
    # Generated text has no lines of its own in the file: report at the rule's line.
    problems = [Diagnostic(source.path, entry.line, entry.col, f"rule {entry.id} ({entry.kind}): {d.message}") for d in generated]
    if problems:
        return None, set(), problems
    private = set(private_arities(program))
    rules = [replace(c.rule, origin=replace(c.rule.origin, line=entry.line)) for c in clauses]
    rules = namespace(rules, source.id, private, tag=entry.id)
    scope = "change" if entry.kind in CHANGE_KINDS or reads_change(rules) else "tree"
    modules = tuple(dict.fromkeys((name, *entry.locate((entry.kind, *path))) for path, name in kind.modules))
    ignores = tuple(dict.fromkeys((group, entry.locate((entry.kind, *path))[0]) for path, group in kind.ignores))
    spec = RuleSpec(entry.id, entry.kind, source.id, _severity(entry, source), message, entry.expires,
                    source.path, entry.line, text, tuple(rules), scope, modules, ignores)
    return spec, private, []


def _compile_blocks(source: AdrSource, known: frozenset[str], kind_private: dict[str, str]) -> tuple[list[RuleSpec], list[Diagnostic]]:
    declared = {e.id: e for e in source.entries if e.kind == "datalog"}
    clauses, problems = [], []
    for text, first_line in source.blocks:
        parsed, errors = syntax(text, source.path, first_line, source.id)
        clauses += parsed
        problems += errors
    program = Program(source.id, source.path, tuple(clauses), frozenset(declared), known)
    problems += run_checks(program)
    private = set(private_arities(program))
    for c in clauses:
        if c.rule.head.pred in kind_private:
            problems.append(Diagnostic(source.path, c.head_pos.line, c.head_pos.col,
                                       f"predicate {c.rule.head.pred} is already generated by rule {kind_private[c.rule.head.pred]}; rename it"))
    rules = namespace([c.rule for c in clauses], source.id, private)
    specs, unowned = _group(source, declared, rules)
    if not problems:  # "no clause derives rule X" is noise after a syntax error
        problems += unowned
    return ([] if problems else specs), problems


def _group(source: AdrSource, declared: dict[str, RuleEntry], rules: list[Rule]) -> tuple[list[RuleSpec], list[Diagnostic]]:
    """Violation clauses go to their rule, exempt clauses to one spec per exempted rule; each with the helpers it uses."""
    helpers = [r for r in rules if r.head.pred not in ("violation", "exempt")]
    specs, problems, used = [], [], set()
    for rule_id, entry in declared.items():
        own = [r for r in rules if r.head.pred == "violation" and r.origin.rule == rule_id]
        if not own:
            problems.append(Diagnostic(source.path, entry.line, entry.col, f"rule {rule_id} is declared `datalog: true` but no ```datalog block derives violation(\"{rule_id}\", …)"))
            continue
        needed = _needed(own, helpers)
        used |= set(map(id, needed))
        specs.append(_block_spec(source, rule_id, "datalog", entry, _in_order(rules, own + needed)))
    for exempted in dict.fromkeys(r.origin.rule for r in rules if r.head.pred == "exempt"):
        exempts = [r for r in rules if r.head.pred == "exempt" and r.origin.rule == exempted]
        needed = _needed(exempts, helpers)
        used |= set(map(id, needed))
        spec_id = exemptions_id(source.id, exempted)
        specs.append(_block_spec(source, spec_id, "exempt", None, _in_order(rules, exempts + needed)))
    if not problems:
        problems += _unused(source, helpers, used)
    return specs, problems


def _unused(source: AdrSource, helpers: list[Rule], used: set[int]) -> list[Diagnostic]:
    """A helper clause no output depends on is reported, never dropped silently."""
    return [Diagnostic(source.path, r.origin.line, 1, f"{r.head.pred.split('__', 1)[-1]} is not used by any violation or exempt rule of this ADR")
            for r in helpers if id(r) not in used]


def _needed(seeds: list[Rule], helpers: list[Rule]) -> list[Rule]:
    """The helper clauses the seed clauses depend on, transitively."""
    wanted = body_preds(seeds)
    needed: list[Rule] = []
    while True:
        wanted |= {NATIVE_INPUTS[p] for p in wanted if p in NATIVE_INPUTS}
        taken = set(map(id, needed))  # identity, not equality: a clause written twice is two clauses
        more = [h for h in helpers if h.head.pred in wanted and id(h) not in taken]
        if not more:
            return needed
        needed += more
        wanted |= body_preds(more)


def _in_order(all_rules: list[Rule], chosen: list[Rule]) -> tuple[Rule, ...]:
    keep = set(map(id, chosen))
    return tuple(r for r in all_rules if id(r) in keep)


def _block_spec(source: AdrSource, rule_id: str, kind: str, entry: RuleEntry | None, rules: tuple[Rule, ...]) -> RuleSpec:
    line = entry.line if entry else min(r.origin.line for r in rules if r.head.pred == "exempt")
    severity = _severity(entry, source) if entry else "block"
    message = (entry.message or "") if entry else ""
    text = "".join(r.origin.text + "\n" for r in rules)
    scope = "change" if reads_change(rules) else "tree"
    return RuleSpec(rule_id, kind, source.id, severity, message, entry.expires if entry else None,
                    source.path, line, text, rules, scope)
