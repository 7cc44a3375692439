"""Named checking passes over parsed rule programs; each returns Diagnostics (never raises).

A `Program` is the clauses of one unit: the ```datalog blocks of one ADR, or the
text one front-matter rule compiled to. The passes are the analysis stage of the
pipeline (parse → check → namespace): predicates and arities, read-only vocabulary,
output heads, range restriction, stratified negation. `namespace` then renames the
ADR's private predicates so no two ADRs can see each other's helpers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from govern.datalog.model import Aggregate, Atom, Comparison, Const, Literal, Rule, Var
from govern.errors import AdrError, Diagnostic, did_you_mean
from govern.rules.parser import Clause, Position, parse_clauses
from govern.datalog.program import NATIVE_INPUTS
from govern.vocabulary import OUTPUTS, READABLE_OUTPUTS, VOCABULARY

CHANGE_RELATIONS = frozenset(name for name, rel in VOCABULARY.items() if rel.origin == "change")


@dataclass(frozen=True)
class Program:
    """Clauses checked together, with what they may derive."""

    adr: str
    path: str
    clauses: tuple[Clause, ...]
    violation_ids: frozenset[str]  # rule ids this program may derive violation for
    known_rule_ids: frozenset[str]  # rule ids exempt may name (any ADR)
    exempt_allowed: bool = True


def syntax(text: str, path: str, first_line: int, adr: str) -> tuple[list[Clause], list[Diagnostic]]:
    """The syntax pass: parse, turning a parse error into diagnostics."""
    try:
        return parse_clauses(text, path, first_line, adr), []
    except AdrError as err:
        return [], list(err.diagnostics)


def private_arities(program: Program) -> dict[str, set[int]]:
    """Predicates the program defines for itself (heads that are neither vocabulary nor outputs)."""
    defined: dict[str, set[int]] = {}
    for c in program.clauses:
        head = c.rule.head
        if head.pred not in VOCABULARY and head.pred not in OUTPUTS:
            defined.setdefault(head.pred, set()).add(len(head.args))
    return defined


def _diag(program: Program, pos: Position, message: str) -> Diagnostic:
    return Diagnostic(program.path, pos.line, pos.col, message)


def _literals(clause: Clause):
    """(literal, position) for every body literal."""
    return [(item, pos) for item, pos in zip(clause.rule.body, clause.body_pos) if isinstance(item, Literal)]


def check_names(program: Program) -> list[Diagnostic]:
    """User predicate names must not contain '__' (reserved for per-ADR namespacing)."""
    out = []
    for c in program.clauses:
        for atom, pos in [(c.rule.head, c.head_pos)] + [(lit.atom, p) for lit, p in _literals(c)]:
            if "__" in atom.pred:
                out.append(_diag(program, pos, f"predicate name {atom.pred!r} must not contain '__' (reserved)"))
    return out


def check_predicates(program: Program) -> list[Diagnostic]:
    """Every predicate is known (vocabulary, output, or defined here) and used with its arity."""
    private = private_arities(program)
    out = []
    for pred, arities in sorted(private.items()):
        if len(arities) > 1:
            first = next(c for c in program.clauses if c.rule.head.pred == pred)
            out.append(_diag(program, first.head_pos, f"predicate {pred} is defined with several arities: {sorted(arities)}"))
    for c in program.clauses:
        head = c.rule.head
        if head.pred in OUTPUTS and len(head.args) != len(OUTPUTS[head.pred]):
            params = OUTPUTS[head.pred]
            out.append(_diag(program, c.head_pos, f"{head.pred} takes 3 arguments ({', '.join(params[:2] + params[3:])}) "
                                                  f"or 4 ({', '.join(params)}), not {len(head.args)}"))
        for lit, pos in _literals(c):
            out.extend(_check_use(program, lit.atom, pos, private))
            out.extend(_check_part(program, c, lit, pos))
    return out


def _check_part(program: Program, c, lit: Literal, pos: Position) -> list[Diagnostic]:
    """The Part of `reaches_in(G, Part, S, D)`, when a variable, is bound by a positive literal
    of another relation: the parts searched are its values."""
    part = lit.atom.args[1] if lit.atom.pred == "reaches_in" and len(lit.atom.args) == 4 else None
    if not isinstance(part, Var):
        return []
    if any(isinstance(b, Literal) and not b.negated and b.atom.pred not in NATIVE_INPUTS and b.atom.pred != "reaches"
           and part.name in b.atom.variables() for b in c.rule.body):
        return []
    return [_diag(program, pos, f"the part {part.name} of reaches_in must be a constant or occur in a positive literal of another relation")]


def _check_use(program: Program, atom: Atom, pos: Position, private: dict[str, set[int]]) -> list[Diagnostic]:
    name, n = atom.pred, len(atom.args)
    if name in VOCABULARY:
        want = VOCABULARY[name].arity
        if n != want:
            return [_diag(program, pos, f"wrong arity: {name} takes {want} arguments ({name}({', '.join(VOCABULARY[name].params)})), not {n}")]
        if name in NATIVE_INPUTS and not (isinstance(atom.args[0], Const) and isinstance(atom.args[0].value, str)):
            return [_diag(program, pos, f"the graph of {name} must be a constant string (the rule id of an ignore_import graph)")]
        return []
    if name in READABLE_OUTPUTS:
        want = len(OUTPUTS[name])
        return [] if n == want else [_diag(program, pos, f"wrong arity: {name} takes {want} arguments, not {n}")]
    if name in OUTPUTS:
        return [_diag(program, pos, f"{name} is an output; rules may derive it but not read it")]
    if name not in private:
        hint = did_you_mean(name, [*VOCABULARY, *private])
        return [_diag(program, pos, f"unknown predicate {name}/{n}{hint} (not in the fact vocabulary and not defined in this ADR)")]
    if n not in private[name]:
        return [_diag(program, pos, f"wrong arity: {name} is defined with {sorted(private[name])[0]} arguments, used with {n}")]
    return []


def check_read_only(program: Program) -> list[Diagnostic]:
    """No rule may derive a vocabulary relation: facts come from extractors only."""
    return [
        _diag(program, c.head_pos, f"rule derives vocabulary relation {c.rule.head.pred}/{len(c.rule.head.args)}; vocabulary relations are read-only")
        for c in program.clauses
        if c.rule.head.pred in VOCABULARY
    ]


def check_outputs(program: Program) -> list[Diagnostic]:
    """violation names a rule declared here (`datalog: true`); exempt names a known rule;
    ignore_import names the graph of a rule declared here."""
    out = []
    for c in program.clauses:
        head = c.rule.head
        if head.pred not in OUTPUTS or not head.args:
            continue
        rule_id = head.args[0]
        if not (isinstance(rule_id, Const) and isinstance(rule_id.value, str)):
            out.append(_diag(program, c.head_pos, f"the first argument of {head.pred} must be a constant rule id string"))
        elif head.pred in NATIVE_INPUTS.values() and rule_id.value.split("/", 1)[0] not in program.violation_ids:
            allowed = ", ".join(sorted(program.violation_ids)) or "none"
            out.append(_diag(program, c.head_pos, f"{head.pred} names the graph {rule_id.value!r}: it must be a rule id of this ADR, optionally followed by '/name' (rules: {allowed})"))
        elif head.pred == "violation" and rule_id.value not in program.violation_ids:
            allowed = ", ".join(sorted(program.violation_ids)) or "none"
            out.append(_diag(program, c.head_pos, f"violation of undeclared rule {rule_id.value!r}: declare it in this ADR's rules with `datalog: true` (declared: {allowed})"))
        elif head.pred == "exempt" and not program.exempt_allowed:
            out.append(_diag(program, c.head_pos, "exempt may only be derived in ```datalog blocks"))
        elif head.pred == "exempt" and rule_id.value not in program.known_rule_ids:
            out.append(_diag(program, c.head_pos, f"exempt names unknown rule {rule_id.value!r}"))
    return out


def check_safety(program: Program) -> list[Diagnostic]:
    """Range restriction: variables of the head, negated literals and comparisons occur in a
    positive literal (or are an aggregate's result); an aggregate's group variables occur in a
    positive literal outside it, and its own body is safe by itself."""
    out = []
    for c in program.clauses:
        positive = {v for lit, _ in _literals(c) if not lit.negated for v in lit.atom.variables()}
        results = {i.result.name for i in c.rule.body if isinstance(i, Aggregate) and isinstance(i.result, Var)}
        helper = is_aggregate_helper(c.rule.head.pred)
        places = [(c.rule.head.variables(), c.head_pos, "the aggregate" if helper else "the head", positive | results)]
        for item, pos in zip(c.rule.body, c.body_pos):
            if isinstance(item, Comparison):
                names = {t.name for t in (item.left, item.right) if isinstance(t, Var)}
                places.append((names, pos, "a comparison", positive | results))
            elif isinstance(item, Aggregate):
                places.append(({v.name for v in item.group}, pos, "an aggregate (a group variable)", positive))
            elif item.negated:
                places.append((item.atom.variables(), pos, "a negated literal", positive | results))
        for names, pos, where, bound in places:
            for name in sorted(names - bound):
                shown = "anonymous variable '_'" if re.fullmatch(r"_[0-9]+", name) else f"variable {name}"
                inside = " inside the aggregate" if helper else (" outside the aggregate" if where.startswith("an agg") else "")
                out.append(_diag(program, pos, f"unsafe {shown} in {where}: it must also occur in a positive body literal{inside}"))
    return out


def is_aggregate_helper(pred: str) -> bool:
    """The helper predicate the parser made of an aggregate's body (namespaced or not)."""
    return pred.split("__")[-1].startswith("aggregate@")


def check_stratification(program: Program) -> list[Diagnostic]:
    """No recursion through `not` or an aggregate: what they read must not depend on the head."""
    edges: dict[str, set[str]] = {}
    for c in program.clauses:
        edges.setdefault(c.rule.head.pred, set()).update(lit.atom.pred for lit, _ in _literals(c))
        edges[c.rule.head.pred].update(i.pred for i in c.rule.body if isinstance(i, Aggregate))
    # A native search over a derived relation reads it as `not`: the edges it must skip.
    for native, source in NATIVE_INPUTS.items():
        edges.setdefault(native, set()).add(source)
    out = []
    for c in program.clauses:
        head = c.rule.head.pred
        for lit, pos in _literals(c):
            negated = lit.negated or lit.atom.pred in NATIVE_INPUTS
            if negated and head in _reachable(lit.atom.pred, edges):
                out.append(_diag(program, pos, f"recursion through negation: {head} depends on 'not {lit.atom.pred}', which depends on {head} (negation must be stratified)"))
        for item, pos in zip(c.rule.body, c.body_pos):
            if isinstance(item, Aggregate) and head in _reachable(item.pred, edges):
                out.append(_diag(program, pos, f"recursion through an aggregate: {head} depends on its own {item.op} (aggregates must be stratified)"))
    return out


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


PASSES: dict[str, Callable[[Program], list[Diagnostic]]] = {
    "names": check_names,
    "predicates": check_predicates,
    "read-only": check_read_only,
    "outputs": check_outputs,
    "safety": check_safety,
    "stratification": check_stratification,
}


def run_checks(program: Program) -> list[Diagnostic]:
    """Every pass over one program; all diagnostics, sorted."""
    return sorted(d for check in PASSES.values() for d in check(program))


def adr_slug(adr_id: str) -> str:
    """`ADR-0007` → `adr_0007`: the namespace prefix of the ADR's private predicates."""
    return re.sub(r"[^a-z0-9]+", "_", adr_id.lower()).strip("_")


def namespace(rules: list[Rule], adr_id: str, private: set[str], tag: str = "") -> list[Rule]:
    """Rename the ADR's private predicates `p` to `<adr-slug>__p` (heads and bodies). `tag`
    (a rule id) also goes into aggregate helpers' names: generated texts all start at line 1."""
    prefix = adr_slug(adr_id) + "__"

    def name(pred: str) -> str:
        if pred not in private:
            return pred
        return prefix + pred + (f"#{tag}" if tag and is_aggregate_helper(pred) else "")

    def rename(atom: Atom) -> Atom:
        return Atom(name(atom.pred), atom.args)

    def item(it):
        if isinstance(it, Aggregate):
            return replace(it, pred=name(it.pred))
        return Literal(rename(it.atom), it.negated) if isinstance(it, Literal) else it

    return [replace(r, head=rename(r.head), body=tuple(item(b) for b in r.body)) for r in rules]


def reads_change(rules) -> bool:
    """Whether any rule reads a change relation (changed/actor/author/trailer/signed_by/pusher)."""
    return any(isinstance(b, Literal) and b.atom.pred in CHANGE_RELATIONS for r in rules for b in r.body)
