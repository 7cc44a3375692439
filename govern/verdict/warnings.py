"""What `govern check` warns about: rules that cannot match, so a verdict that passes says why.

One CheckWarning each (a line of text, its kind, the ADR location to fix), sorted
(deterministic), never changing the exit status:

* an ADR that is not enforced (proposed, deprecated, rejected, superseded) holding rules, and
  each expired rule: its rules are not enforced;
* an ADR's exemptions of a rule that exempted nothing (a stale waiver);
* a path glob of an applied rule that matches no file of the tree;
* an ignored import (`ignore-imports`) of an applied rule that matches no import of the tree,
  unless the rule says `unmatched-ignores: error` (then it is a finding) or `none`
  (import-linter's `unmatched_ignore_imports_alerting`).
"""
from __future__ import annotations

from collections.abc import Mapping

from govern.adr import AdrSet, RuleSpec
from govern.datalog.model import Const, Literal
from govern.rules.kinds.base import edge_text
from govern.verdict.evaluate import Evaluation
from govern.verdict.model import EXEMPT, CheckWarning, Verdict
from govern.vocabulary import ANY_TARGET

# The reasons (govern.rules.active) a rule is not enforced that a user did not choose for it.
_NOT_ENFORCED = ("status ", "superseded by ", "expired ")


def check_warnings(verdict: Verdict, adrs: AdrSet | None, evaluation: Evaluation | None) -> tuple[CheckWarning, ...]:
    if adrs is None:
        return ()
    specs = {s.id: s for s in adrs.rules()}
    applied = {r.id for r in verdict.rules if r.applies}
    lines = _not_enforced(verdict, specs)
    if evaluation is not None:
        # Waivers of the applied tree rules (change rules only violate when a change is judged).
        waivers = [specs[i] for i in sorted(applied) if specs[i].kind == EXEMPT and specs[i].rules
                   and _exempted(specs[i]) in applied and specs[_exempted(specs[i])].scope == "tree"]
        lines += _stale_waivers(evaluation, waivers)
        lines += _unmatched_globs(evaluation, [specs[i] for i in sorted(applied)])
        lines += _unmatched_ignores(evaluation, [specs[i] for i in sorted(applied)])
    return tuple(sorted(set(lines)))


def _exempted(spec: RuleSpec) -> str:
    """The rule an exemption spec exempts."""
    return spec.rules[0].origin.rule


def _not_enforced(verdict: Verdict, specs: Mapping[str, RuleSpec]) -> list[CheckWarning]:
    """Per ADR not enforced: its rules; per expired rule: the rule."""
    by_adr: dict[tuple[str, str], list[str]] = {}
    lines = []
    for info in verdict.rules:
        reason = info.reason or ""
        if info.applies or info.kind == EXEMPT or not reason.startswith(_NOT_ENFORCED):
            continue
        if reason.startswith("expired "):
            lines.append(CheckWarning(f"rule {info.id} ({info.location}) {reason}: it is not enforced", "expired",
                                      info.location))
        else:
            by_adr.setdefault((info.adr, reason), []).append(info.id)
    for (adr, reason), ids in by_adr.items():
        path = specs[ids[0]].path
        rules = ", ".join(sorted(ids))
        lines.append(CheckWarning(f"{adr} ({path}) is {reason.removeprefix('status ')}: its rule{'s' if len(ids) > 1 else ''} "
                                  f"{rules} {'are' if len(ids) > 1 else 'is'} not enforced", "not-enforced", path))
    return lines


def _stale_waivers(evaluation: Evaluation, exempt_specs: list[RuleSpec]) -> list[CheckWarning]:
    """Exemption specs (one per ADR and exempted rule) none of whose exempt answers lifts a violation."""
    identities = {tuple(v[:3]) for v in evaluation.violations}
    subjects = {tuple(v[:2]) for v in evaluation.violations}
    used: set[tuple[str, str]] = set()  # (ADR id, exempted rule)
    for answer, proof in evaluation.exemptions.items():
        rule, subject, target = answer[:3]
        lifts = (rule, subject) in subjects if target == ANY_TARGET else (rule, subject, target) in identities
        if not lifts:
            continue
        origin = (proof or {}).get("rule") or {}
        used.add((origin.get("adr", ""), rule))
        if proof is None:  # unproven: cannot say which ADR derived it, so no waiver of that rule is stale
            used |= {(s.adr, rule) for s in exempt_specs}
    out = []
    for spec in exempt_specs:
        exempted = _exempted(spec)
        if (spec.adr, exempted) not in used:
            where = f"{spec.path}:{spec.line}"
            out.append(CheckWarning(f"{spec.adr} ({where}) exempts rule {exempted} but exempted nothing (a stale waiver)",
                                    "stale-waiver", where))
    return out


def _unmatched_globs(evaluation: Evaluation, specs: list[RuleSpec]) -> list[CheckWarning]:
    """Each path glob a rule mentions that no file matches."""
    matched = {row[1] for row in evaluation.store.rows("glob")}
    out = []
    for spec in specs:
        for pattern in sorted(_globs(spec)):
            if pattern not in matched:
                where = f"{spec.path}:{spec.line}"
                out.append(CheckWarning(f"rule {spec.id} ({where}): path glob {pattern!r} matches no file", "unmatched-glob",
                                        where))
    return out


def _unmatched_ignores(evaluation: Evaluation, specs: list[RuleSpec]) -> list[CheckWarning]:
    """Each `ignore-imports` edge a rule warns about (RuleSpec.ignores) that no import of the tree matches."""
    store = evaluation.store
    matching: dict[str, set] = {}
    for module, pattern in store.rows("module_match"):
        matching.setdefault(pattern, set()).add(module)
    imported: dict[str, set] = {}
    for src, dst in store.rows("imports"):
        imported.setdefault(src, set()).add(dst)
    out = []
    for spec in specs:
        for group, line in spec.ignores:
            if not any(imported.get(s, set()) & matching.get(dst, set()) for src, dst in group for s in matching.get(src, ())):
                where = f"{spec.path}:{line}"
                out.append(CheckWarning(f"rule {spec.id} ({where}): ignored import '{edge_text(group)}' matches no import",
                                        "unmatched-ignore", where))
    return out


def _globs(spec: RuleSpec) -> set[str]:
    return {lit.atom.args[1].value for rule in spec.rules for lit in rule.body
            if isinstance(lit, Literal) and lit.atom.pred == "glob" and len(lit.atom.args) == 2
            and isinstance(lit.atom.args[1], Const) and isinstance(lit.atom.args[1].value, str)}
