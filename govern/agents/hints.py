"""Fix hints: what a finding means for the agent that caused it, from its rule kind and proof.

A hint says what was imported (or declared, or changed) where (`file:line`), what the rule
allows instead (the allowed modules, the layers the module may use, the allowed
distributions, who may approve), the ADR's own message, and the ADR's path to read the
decision. The rule's front-matter block (its from/to/except, layers, packages...) is read
back from the ADR file of the rules' tree.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from govern.adr.document import NotClosed, split
from govern.adr.safe_yaml import YamlProblem, load_yaml
from govern.facts.tree import Tree
from govern.verdict.model import Finding, Verdict
from govern.verdict.proofwalk import FactLeaf, fact_leaves


@dataclass(frozen=True)
class Hint:
    """One blocking finding, told to an agent."""

    rule: str
    adr: str
    adr_title: str
    adr_path: str
    kind: str
    subject: str
    target: str
    location: str
    message: str
    severity: str
    new: bool
    hint: str
    proof: Mapping[str, Any] | None

    def to_json(self, with_proof: bool = True) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("rule", "adr", "adr_title", "adr_path", "kind", "subject",
                                             "target", "location", "message", "severity", "new", "hint")}
        return out | ({"proof": self.proof} if with_proof else {})


def hints(verdict: Verdict, rules_tree: Tree, findings: list[Finding] | None = None) -> list[Hint]:
    """A Hint per finding (default: the verdict's blocking ones), in the verdict's order."""
    chosen = verdict.blocking if findings is None else findings
    kinds = {r.id: r.kind for r in verdict.rules}
    paths = {a.id: a.path for a in verdict.adrs}
    blocks = _Blocks(rules_tree)
    out = []
    for finding in sorted(chosen, key=Finding.key):
        kind = kinds.get(finding.rule, "datalog")
        adr_path = paths.get(finding.adr, "")
        block = blocks.get(adr_path, finding.rule)
        leaves = fact_leaves(finding.proof) if finding.proof else []
        text = WRITERS.get(kind, _datalog)(finding, block, leaves)
        text = f"{text} {finding.message.rstrip('.')}. Read the decision: {adr_path} ({finding.adr}, rule {finding.rule})."
        out.append(Hint(finding.rule, finding.adr, finding.adr_title, adr_path, kind, finding.subject, finding.target,
                        finding.location, finding.message, finding.severity, finding.new, text, finding.proof))
    return out


def short_text(found: list[Hint], limit: int = 5) -> str:
    """The hints as a few lines for a tool result or a hook's reason."""
    lines = [f"govern: this change breaks {len(found)} architecture decision{'s' if len(found) != 1 else ''}:"]
    lines += [f"- {h.hint}" for h in found[:limit]]
    if len(found) > limit:
        lines.append(f"- … and {len(found) - limit} more (govern check shows them all)")
    return "\n".join(lines)


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _imports(leaves: list[FactLeaf], subject: str) -> list[FactLeaf]:
    """The import facts of the proof, those of the subject file first (then the chain)."""
    found = [leaf for leaf in leaves if leaf.pred == "imports" and len(leaf.args) == 2]
    return sorted(found, key=lambda leaf: leaf.path != subject)


def _where(leaf: FactLeaf) -> str:
    return f"`{leaf.args[0]}` imports `{leaf.args[1]}` ({leaf.location})"


def _chain(found: list[FactLeaf]) -> str:
    if len(found) < 2:
        return ""
    return " Import chain: " + " -> ".join([str(found[0].args[0])] + [str(leaf.args[1]) for leaf in found]) + "."


def _forbid_import(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    found = _imports(leaves, finding.subject)
    head = _where(found[0]) if found else f"{finding.subject} imports a forbidden module"
    allowed = _list(block.get("except"))
    instead = (f" Only files under {', '.join(allowed)} may import it: go through them instead."
               if allowed else " Remove the import.")
    return f"{head}; {', '.join(_list(block.get('to')))} may not be imported from {', '.join(_list(block.get('from')))}.{instead}{_chain(found)}"


def _layers(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    found = _imports(leaves, finding.subject)
    names = [e if isinstance(e, str) else "[" + ", ".join(map(str, e)) + "]" for e in block.get("layers", [])]
    bindings = finding.proof.get("bindings", {}) if finding.proof else {}
    rank = bindings.get("Low", bindings.get("R"))
    below = ""
    if isinstance(rank, int) and rank < len(names):
        lower = ", ".join(names[rank + 1:])
        below = f" `{bindings.get('M', finding.subject)}` is in layer {names[rank]}; it may import " + \
                (f"only {lower} (and its own layer)." if lower else "only its own layer.")
    head = _where(found[0]) if found else f"{finding.subject} imports a higher layer"
    return f"{head}; layers from high to low: {' > '.join(names)}.{below}{_chain(found)}"


def _independent(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    found = _imports(leaves, finding.subject)
    head = _where(found[0]) if found else f"{finding.subject} imports an independent module"
    return f"{head}; {', '.join(_list(block.get('modules')))} must not import each other.{_chain(found)}"


def _declared(finding: Finding, leaves: list[FactLeaf]) -> str:
    declared = next((leaf for leaf in leaves if leaf.pred == "declares" and len(leaf.args) == 2), None)
    if declared is None:
        return f"{finding.subject} declares `{finding.target}`"
    return f"{declared.location} declares `{declared.args[1]}`"


def _forbid_dependency(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    head = _declared(finding, leaves)
    return f"{head}; forbidden distributions: {', '.join(_list(block.get('packages')))}. Drop the dependency."


def _allow_dependencies(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    head = _declared(finding, leaves)
    return (f"{head}; the allowed distributions are: {', '.join(_list(block.get('packages')))}. "
                  "Use one of them or drop the dependency.")


def _protect(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    approvers = _list(block.get("unless-approved-by"))
    how = (f"an approval by {', '.join(approvers)} (a commit signed by one of them, or pushed by one of them)"
           if approvers else "a human to make this change")
    return (f"{finding.subject} is protected ({', '.join(_list(block.get('paths')))}); an agent may not change it "
                f"without {how}. Leave this file alone and ask the user to make or approve the change.")


def _require_owner(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    return f"{finding.subject} has no owner in CODEOWNERS; add a CODEOWNERS line that covers it."


def _datalog(finding: Finding, block: dict, leaves: list[FactLeaf]) -> str:
    facts = [leaf for leaf in leaves if leaf.line]
    head = f"{facts[0].location}: {facts[0].text}" if facts else finding.subject
    return f"{head} breaks a custom rule (its proof shows each fact it rests on)."


Writer = Callable[[Finding, dict, list[FactLeaf]], str]
WRITERS: dict[str, Writer] = {
    "forbid-import": _forbid_import, "layers": _layers, "independent": _independent,
    "forbid-dependency": _forbid_dependency, "allow-dependencies": _allow_dependencies, "protect": _protect,
    "require-owner": _require_owner, "datalog": _datalog,
}


class _Blocks:
    """Front-matter blocks of rules, read back from their ADR files (once per file)."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.by_path: dict[str, dict[str, dict]] = {}

    def get(self, adr_path: str, rule_id: str) -> dict:
        if adr_path not in self.by_path:
            self.by_path[adr_path] = self._read(adr_path)
        return self.by_path[adr_path].get(rule_id, {})

    def _read(self, adr_path: str) -> dict[str, dict]:
        entry = next((e for e in self.tree.entries() if e.path == adr_path), None)
        if entry is None:
            return {}
        try:
            doc = split(self.tree.read_many([entry.blob])[entry.blob].decode("utf-8").replace("\r\n", "\n"))
            data = load_yaml(doc.front).data if doc else None
        except (UnicodeDecodeError, NotClosed, YamlProblem):
            return {}
        rules = data.get("rules") if isinstance(data, dict) else None
        out = {}
        for item in rules if isinstance(rules, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                kind = next((k for k in WRITERS if isinstance(item.get(k), dict)), None)
                if kind:
                    out[item["id"]] = item[kind]
        return out
