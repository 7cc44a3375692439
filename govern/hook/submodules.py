"""The built-in rule for submodules: a gitlink added or moved under a governed scope is a finding.

A gitlink (mode 160000) names a commit of another repository; its files are not in the tree,
so no rule judges them. A push that adds (or re-points) one where `forbid-import` or `protect`
rules look would put code there unseen, e.g. a submodule at app/api whose modules import
stripe. So a gitlink whose path, or anything inside it, matches a path pattern of an active
`forbid-import` or `protect` rule of the rules' tree blocks the update (built-in rule
`submodules`). Judged on the ref's net change (old tip → new tip), so a gitlink that was
already there is not reported again.
"""
from __future__ import annotations

from pathlib import Path

from govern.facts.derived import glob_facts
from govern.datalog.relevance import relevant
from govern.config import Config
from govern.notes.git_plumbing import run_git
from govern.rules import active
from govern.verdict.inputs import read_adrs
from govern.verdict.model import Finding

RULE_ID = "submodules"
TITLE = "built-in: a submodule under a governed path hides its code from the rules"
SCOPED_KINDS = ("forbid-import", "protect")
GITLINK = "160000"
INSIDE = "/__any_file_inside__.py"  # a stand-in for the submodule's own files


def submodule_findings(repo: Path, before: str | None, tip: str, rules_tree, config: Config, on) -> list[Finding]:
    """One finding per gitlink `before` → `tip` adds or re-points under a forbid-import/protect scope."""
    base = before or run_git(repo, "hash-object", "-t", "tree", "--stdin", input=b"").decode().strip()
    tokens = run_git(repo, "diff-tree", "-r", "-z", "--raw", "--no-renames", base, tip).split(b"\0")
    links = {}
    for header, path in zip(tokens[0::2], tokens[1::2]):
        fields = header[1:].split(b" ")
        if header.startswith(b":") and fields[1].decode() == GITLINK:
            links[path.decode("utf-8", "surrogateescape")] = fields[3].decode()
    if not links:
        return []
    adrs = read_adrs(rules_tree, config.adr_dir)
    status = active(adrs, on)
    specs = [s for s in adrs.rules() if s.kind in SCOPED_KINDS and status.get(s.id) is None]
    out = []
    for spec in specs:
        patterns = frozenset(relevant(list(spec.rules)).globs)
        probes = {p: "" for link in links for p in (link, link + INSIDE)}
        hit = {str(f.args[0]).removesuffix(INSIDE) for f in glob_facts(probes, patterns)}
        out += [Finding(rule=RULE_ID, adr=spec.adr, adr_title=TITLE, subject=link, location=link,
                        message=(f"submodule {link} (commit {links[link][:12]}) is under the scope of rule {spec.id}: "
                                 "its code is not judged; vendor the code instead, or change the rule's scope"),
                        severity="block", new=True, proof={"builtin": RULE_ID, "facts": [f"rule {spec.id}"]})
                for link in sorted(hit)]
    return out
