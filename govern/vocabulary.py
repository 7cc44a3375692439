"""The fact vocabulary (SPEC §4), declared once. Rules may read these; none may derive them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Relation:
    name: str
    params: tuple[str, ...]
    doc: str
    # Which part of govern produces the relation: "tree" (facts extractors on the
    # evaluated tree), "change" (the commit being judged), "helper" (computed in
    # Python only for the constants rules mention), "native" (graph search), "adr".
    origin: str

    @property
    def arity(self) -> int:
        return len(self.params)


VOCABULARY: dict[str, Relation] = {
    r.name: r
    for r in (
        Relation("file", ("Path",), "A file in the evaluated tree.", "tree"),
        Relation("module", ("Module", "Path"), "A Python module and the file defining it, for every .py file (src layouts, packages, namespace packages, `0001_initial.py`; a path that is no module name gives the atom \"/\" + path).", "tree"),
        Relation("imports", ("Src", "Dst"), "Module Src imports Dst (the most specific module named; external modules too; relative imports resolved).", "tree"),
        Relation("type_only_import", ("Src", "Dst"), "Every import of Dst in Src sits under `if TYPE_CHECKING:` (it is only seen by type checkers).", "tree"),
        Relation("reaches", ("Src", "Dst"), "Src imports Dst directly or through a chain of imports; evaluated by native graph search, never by recursion in the engine; its proof is the import chain.", "native"),
        Relation("reaches_except", ("Graph", "Src", "Dst"), "Src imports Dst directly or through a chain of imports none of which is an `ignore_import(Graph, A, B)` derived by the rules; native graph search like reaches; its proof is the chain and the absence of each ignored step.", "native"),
        Relation("reaches_in", ("Graph", "Part", "Src", "Dst"), "Src imports Dst directly or through a chain of imports none of which is an `ignore_import_in(Graph, Part, A, B)` derived by the rules: one graph per part, the parts known only when the rules are evaluated (each module a pattern matches, say); Graph is a constant, Part is bound by the rule's other literals; native graph search like reaches; its proof is the chain and the absence of each ignored step.", "native"),
        Relation("module_match", ("Module", "Pattern"), "Module matches the module pattern: dotted segments where `*` is exactly one segment and `**` one or more, for every pattern the rules mention.", "helper"),
        Relation("under", ("Module", "Prefix"), "Module is Prefix or inside it (for every module and every prefix the rules mention).", "helper"),
        Relation("in_child", ("Module", "Package", "Child"), "Child is a direct child of Package (one dotted segment longer) and Module is Child or inside it (for every module and each of its packages).", "helper"),
        Relation("glob", ("Path", "Pattern"), "Path matches the gitignore-style Pattern (for every pattern the rules mention).", "helper"),
        Relation("dist_match", ("Dist", "Pattern"), "Distribution name Dist matches the glob Pattern (for every pattern the rules mention).", "helper"),
        Relation("declares", ("Manifest", "Dist"), "A manifest (pyproject.toml incl. Poetry/uv/pdm, requirements files with -r, setup.cfg, setup.py, Pipfile, package.json) declares a dependency; Dist normalised per PEP 503.", "tree"),
        Relation("declares_group", ("Manifest", "Dist", "Group"), "The group of a declaration: runtime, dev, requirements, extra:NAME or group:NAME (PEP 735, Poetry, uv and pdm groups).", "tree"),
        Relation("group_match", ("Group", "Pattern"), "Declaration group Group is Pattern, or Pattern is extra:* / group:* and Group is of that kind (for every pattern the rules mention).", "helper"),
        Relation("owner", ("Path", "Owner"), "An effective CODEOWNERS owner of Path (last matching line wins).", "tree"),
        Relation("parse_error", ("Path", "Message"), "A file that could not be parsed (syntax error, undecodable bytes, absurd nesting).", "tree"),
        Relation("unreadable", ("Path", "Reason"), "A file govern could not read (not decodable or parsable, over the size limit, a relative import it cannot resolve, a symlink, a submodule); Reason is a sentence.", "tree"),
        Relation("submodule", ("Path", "Commit"), "A submodule (gitlink) of the tree and the commit it pins; its code is not judged.", "tree"),
        Relation("changed", ("Path", "Kind"), "Path is added/modified/deleted/renamed (A/M/D/R) by the commit being judged.", "change"),
        Relation("actor", ("Kind",), "The class of who made the commit: agent, human or bot (from trailers, author and config; a claim).", "change"),
        Relation("actor_reason", ("Why",), "Why the commit's actor is what it is: the author or trailer line and the agent or bot pattern it matched (built-in or [tool.govern]), or that none did.", "change"),
        Relation("author", ("Email",), "The commit's author e-mail (a claim, not authenticated).", "change"),
        Relation("trailer", ("Key", "Value"), "A trailer of the commit message, as git interpret-trailers parses it (a claim).", "change"),
        Relation("signed_by", ("Principal",), "The commit's signature verifies against the governed allowed-signers file (authenticated).", "change"),
        Relation("signing_key", ("Principal", "Fingerprint"), "The key (SHA256 fingerprint) that made the commit's verified ssh signature, and its principal in the allowed-signers file (authenticated).", "change"),
        Relation("rules_owner", ("Path", "Owner"), "An owner of a changed Path by the CODEOWNERS of the tree the rules come from (the old tip in a push: a push cannot name its own approvers).", "change"),
        Relation("pusher", ("User",), "The authenticated pusher given by the git server (pre-receive only; authenticated).", "change"),
        Relation("adr", ("Id", "Status"), "An ADR and its status.", "adr"),
        Relation("supersedes", ("A", "B"), "ADR A supersedes ADR B.", "adr"),
        Relation("rule", ("RuleId", "AdrId", "Severity"), "A rule, its ADR and its severity.", "adr"),
        Relation("finding", ("RuleId", "Subject", "Target"), "A finding of the judged tree that no exemption lifts (legacy ones included), of every rule that does not itself read findings or exemptions; computed by the judge before the rules that read it.", "verdict"),
        Relation("exemption", ("AdrId", "RuleId", "Subject", "Target"), "A finding of rule RuleId (of ADR AdrId) that an exemption lifts, in the judged tree; computed like finding.", "verdict"),
    )
}

# The base family: when a change is judged against a base (--new-since, --rev's first parent,
# the old tip in a push, an agent's working tree), `base_<r>` holds relation r of the base tree,
# for every tree and helper relation; `base_tree(Commit)` says there is a base. Judged alone,
# a tree has no base: the family is empty (docs/rule-language.md, "Base versus change").
BASE_PREFIX = "base_"
BASE_TREE = Relation("base_tree", ("Commit",), "The change is judged against this base commit (absent for a tree judged alone).", "base")
VOCABULARY |= {
    BASE_PREFIX + r.name: Relation(BASE_PREFIX + r.name, r.params, f"{r.name} in the base tree.", "base")
    for r in list(VOCABULARY.values()) if r.origin in ("tree", "helper", "verdict")
} | {BASE_TREE.name: BASE_TREE}

# Relations holding the judge's own findings: a rule reading them is judged after every rule
# that does not (govern.verdict.judged), so it cannot count its own findings.
JUDGED = frozenset(name for name, rel in VOCABULARY.items() if rel.origin == "verdict")
JUDGED |= frozenset(BASE_PREFIX + name for name in JUDGED)

# Relations a rule may derive for others (SPEC §3). A finding is identified by
# (RuleId, Subject, Target): Target is what the finding is about (the imported module,
# the declared distribution, a chain's target), "" when there is none.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "violation": ("RuleId", "Subject", "Target", "Message"),
    "exempt": ("RuleId", "Subject", "Target", "Reason"),
    # Import edges a rule's graph leaves out before `reaches_except(Graph, …)` searches it;
    # Graph is a rule id of the same ADR, or that id followed by "/" and a name of its own.
    "ignore_import": ("Graph", "Src", "Dst"),
    # The same for `reaches_in(Graph, Part, …)`: the edges the graph leaves out for that part.
    "ignore_import_in": ("Graph", "Part", "Src", "Dst"),
}

# The three-argument spellings of the outputs and the Target they stand for (the parser
# inserts it): violation/3 is a finding without a target; exempt/3 lifts every finding of
# its subject, whatever the target (ANY_TARGET; no module or distribution is named "*").
ANY_TARGET = "*"
SHORT_OUTPUTS: dict[str, str] = {"violation": "", "exempt": ANY_TARGET}

# Outputs that the rules of their own ADR may also read (a direct rule skips ignored edges).
READABLE_OUTPUTS = frozenset({"ignore_import", "ignore_import_in"})
