"""Change facts: what a commit changes and who claims to have made it.

changed/author/trailer/actor are claims anyone can write into a commit; only
signed_by (an ssh signature checked against the allowed-signers file of a trusted
tree) and pusher (set by the git server after authentication) are authenticated.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from collections.abc import Mapping
from datetime import datetime, timezone

from .config import FactsConfig
from .gitio import resolve, run_git, run_tool
from .model import Fact, Source
from .tree import CommitTree, Tree, decode_path

# Marks coding agents leave in commits (matched against "Name <email>" of the
# author and against each "Key: Value" trailer). A mark makes the commit `agent`
# even when a human authored it.
AGENT_PATTERNS = (
    r"noreply@anthropic\.com", r"(?i)^co-authored-by: *claude\b",
    r"cursoragent@cursor\.com", r"(?i)^made-with: *cursor\b",
    r"noreply@aider\.chat", r"(?i)\(aider\) <",
    r"(?i)^copilot <", r"(?i)\bcopilot@users\.noreply\.github\.com", r"(?i)copilot-swe-agent",
    r"(?i)chatgpt-codex-connector", r"(?i)openai-codex", r"(?i)^codex <",
    r"(?i)gemini-cli", r"(?i)gemini-code-assist", r"(?i)^co-authored-by: *gemini\b",
)
BOT_PATTERNS = (r"\[bot\]",)  # GitHub App accounts: dependabot[bot], renovate[bot], ...
PUSHER_VARIABLES = ("GITHUB_USER_LOGIN", "GL_USERNAME", "GITEA_PUSHER_NAME", "GL_USER")
_STATUS = {"A": "A", "M": "M", "D": "D", "T": "M"}


def change_facts(repo: str | os.PathLike, rev: str, config: FactsConfig, env: Mapping[str, str],
                 signers: Tree | None = None) -> list[Fact]:
    """Facts of commit `rev` against its first parent (a root commit adds everything).

    `signers` is the trusted tree holding `config.allowed_signers`; by default the
    first parent's tree, so a commit can never authorise its own signature (a root
    commit has no trusted tree unless one is given).
    """
    oid = resolve(repo, rev)
    fields = run_git(repo, "log", "-1", "--no-show-signature", "--format=%P%x00%an%x00%ae%x00"
                     "%(trailers:only,unfold,separator=%x00,key_value_separator=%x00)", oid).split(b"\0")
    parents = fields[0].decode().split()
    name, email = (f.decode("utf-8", "replace") for f in fields[1:3])
    raw_trailers = [f.decode("utf-8", "replace").rstrip("\n") for f in fields[3:]]
    trailers = list(zip(raw_trailers[0::2], raw_trailers[1::2]))
    here = Source("change", oid, 0, "")
    out = _changed(repo, oid, parents[:1])
    out.append(Fact("author", (email,), here))
    out += [Fact("trailer", (key, value), here) for key, value in trailers]
    out += actor_facts(f"{name} <{email}>", trailers, config, here)
    if signers is None and parents:
        signers = CommitTree(repo, parents[0])
    if signers is not None:
        out += _signed_by(repo, oid, config, signers)
    return sorted(out + pusher_facts(env))


def classify(author: str, trailers: list[tuple[str, str]], config: FactsConfig) -> str:
    """agent if any agent mark matches the author or a trailer, bot for a bot author, else human."""
    subjects = [author] + [f"{key}: {value}" for key, value in trailers]
    if any(p.search(s) for p in _compiled(AGENT_PATTERNS + config.agent_patterns) for s in subjects):
        return "agent"
    if any(p.search(author) for p in _compiled(BOT_PATTERNS + config.bot_patterns)):
        return "bot"
    return "human"


def actor_facts(author: str, trailers: list[tuple[str, str]], config: FactsConfig, here: Source) -> list[Fact]:
    """actor(Kind) and actor_reason(Why): the class and the author or trailer line and pattern
    that decided it (recorded in verdict notes, so `govern why` can say why a commit is an agent's)."""
    kind, why = classify_why(author, trailers, config)
    return [Fact("actor", (kind,), here), Fact("actor_reason", (why,), here)]


def classify_why(author: str, trailers: list[tuple[str, str]], config: FactsConfig) -> tuple[str, str]:
    """(class, why): classify() and the author or trailer line and the pattern that decided it
    (a built-in pattern, or `agent-patterns`/`bot-patterns` of [tool.govern])."""
    if classify(author, trailers, config) == "human":
        return "human", "no agent or bot mark in the author or the trailers"
    subjects = [f"author {author}"] + [f"trailer {key}: {value}" for key, value in trailers]
    for kind, builtin, configured in (("agent", AGENT_PATTERNS, config.agent_patterns),
                                      ("bot", BOT_PATTERNS, config.bot_patterns)):
        for pattern, compiled in zip(builtin + configured, _compiled(builtin + configured)):
            origin = "built-in" if pattern in builtin else f"[tool.govern] {kind}-patterns"
            for subject in subjects if kind == "agent" else subjects[:1]:
                if compiled.search(subject.partition(" ")[2]):
                    return kind, f"{subject} matches {origin} pattern {pattern!r}"
    return "human", "no agent or bot mark in the author or the trailers"


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern]:
    """The patterns compiled; ValueError names a bad one (they come from [tool.govern]).
    Remembered: a push classifies thousands of commits with the same patterns."""
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern))
        except re.error as err:
            raise ValueError(f"[tool.govern] invalid actor pattern {pattern!r}: {err}") from None
    return out


def pusher_facts(env: Mapping[str, str]) -> list[Fact]:
    """pusher(User) from the first non-empty server variable, none otherwise."""
    for variable in PUSHER_VARIABLES:
        if env.get(variable):
            return [Fact("pusher", (env[variable],), Source("server", variable, 0, ""))]
    return []


def _changed(repo, oid: str, parent: list[str]) -> list[Fact]:
    args = ["-M", *parent, oid] if parent else ["--root", oid]
    tokens = run_git(repo, "diff-tree", "-r", "-z", "--no-commit-id", "--name-status", *args).split(b"\0")
    out, i = [], 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i].decode()[:1]
        width = 2 if status in "RC" else 1
        out += changed_facts(status, tokens[i + 1:i + 1 + width])
        i += 1 + width
    return out


SSH_SIGNATURE = b"-----BEGIN SSH SIGNATURE-----"


def is_ssh_signed(commit: bytes) -> bool:
    """Whether the commit's signature header (gpgsig, or gpgsig-sha256) *is* an ssh signature: its
    first line is the ssh armour. An OpenPGP signature that merely contains that text, or a
    header elsewhere carrying it, is not (git would verify it with gpg and the server's keyring)."""
    for line in commit.split(b"\n\n", 1)[0].split(b"\n"):
        if line.startswith((b"gpgsig ", b"gpgsig-sha256 ")):
            return line.split(b" ", 1)[1].rstrip(b"\r") == SSH_SIGNATURE
    return False


def changed_facts(status: str, paths: list[bytes]) -> list[Fact]:
    """The changed facts of one `git diff-tree --name-status` entry (status letter, its paths).

    A rename is reported as R on the new path and D on the old one, so rules
    about either path (e.g. "adr/ may not lose files") see it."""
    if status in "RC":
        old, new = decode_path(paths[0]), decode_path(paths[1])
        out = [Fact("changed", (new, "R" if status == "R" else "A"), Source("change", new, 0, ""))]
        if status == "R":
            out.append(Fact("changed", (old, "D"), Source("change", old, 0, "")))
        return out
    path = decode_path(paths[0])
    return [Fact("changed", (path, _STATUS.get(status, "M")), Source("change", path, 0, ""))]


def _signed_by(repo, oid: str, config: FactsConfig, signers: Tree) -> list[Fact]:
    entry = signers_entry(signers, config)
    # Only ssh signatures: OpenPGP/X.509 trust comes from the server's keyring,
    # not from the governed tree.
    if entry is None:
        return []
    verified = verify_signatures({oid: run_git(repo, "cat-file", "commit", oid)},
                                 signers.read_many([entry.blob])[entry.blob], datetime.now(timezone.utc))
    return signed_by_facts(verified.get(oid), entry)


def signers_entry(signers: Tree, config: FactsConfig):
    """The allowed-signers file of the trusted tree (an Entry), or None."""
    return next((e for e in signers.entries() if e.path == config.allowed_signers), None)


def verify_signatures(commits: Mapping[str, bytes], allowed: bytes, when: datetime) -> dict[str, tuple[str, str]]:
    """{commit: (principal, key fingerprint)} of the raw commit objects `commits` whose ssh signature
    verifies against `allowed` at `when` (see verify_ssh); the others are left out. ssh-keygen runs
    only for commits whose signature header is an ssh signature."""
    out = {}
    for commit, raw in commits.items():
        split = split_signature(raw)
        verified = verify_ssh(*split, allowed, when) if split is not None else None
        if verified is not None:
            out[commit] = verified
    return out


def signed_by_facts(verified: tuple[str, str] | None, entry) -> list[Fact]:
    """signed_by(Principal) for a verified signature, sourced in the allowed-signers file."""
    if verified is None:
        return []
    where = Source("signature", entry.path, 0, entry.blob)
    return [Fact("signed_by", (verified[0],), where), Fact("signing_key", verified, where)]


def split_signature(commit: bytes) -> tuple[bytes, bytes] | None:
    """(signed payload, ssh signature) of a raw commit object, None unless its signature header
    (gpgsig / gpgsig-sha256) is an ssh signature (see is_ssh_signed)."""
    if not is_ssh_signed(commit):
        return None
    header, _, body = commit.partition(b"\n\n")
    kept, signature, inside = [], [], False
    for line in header.split(b"\n"):
        if line.startswith((b"gpgsig ", b"gpgsig-sha256 ")) and not signature:
            signature.append(line.split(b" ", 1)[1])
            inside = True
        elif inside and line.startswith(b" "):
            signature.append(line[1:])
        else:
            inside = False
            kept.append(line)
    return b"\n".join(kept) + b"\n\n" + body, b"\n".join(signature) + b"\n"


def verify_ssh(payload: bytes, signature: bytes, allowed: bytes, when: datetime) -> tuple[str, str] | None:
    """(principal, key fingerprint): the principal of `allowed` (an ssh allowed-signers file) whose
    key made `signature` over `payload` in git's namespace, with the key's validity
    (valid-after/valid-before) taken at `when` — the server's clock, never the commit's date,
    which its author writes. None: no."""
    stamp = f"verify-time={when.astimezone(timezone.utc):%Y%m%d%H%M%S}Z"
    with tempfile.TemporaryDirectory(prefix="govern-ssh-") as folder:
        signers, sig = os.path.join(folder, "allowed_signers"), os.path.join(folder, "signature")
        for path, data in ((signers, allowed), (sig, signature)):
            with open(path, "wb") as out:
                out.write(data)
        found = run_tool(["ssh-keygen", "-Y", "find-principals", "-f", signers, "-s", sig, "-O", stamp])
        for principal in (found or b"").decode("utf-8", "replace").splitlines():
            said = run_tool(["ssh-keygen", "-Y", "verify", "-f", signers, "-I", principal, "-n", "git",
                             "-s", sig, "-O", stamp], payload) if principal else None
            if said is not None:  # 'Good "git" signature for P with ED25519 key SHA256:…'
                return principal, _fingerprint(said)
    return None


def _fingerprint(said: bytes) -> str:
    words = said.decode("utf-8", "replace").split()
    return words[-1] if words and words[-1].startswith("SHA256:") else ""


def unexplained_changes(repo: str | os.PathLike, before: str | None, after: str, commits: list[str],
                        produced: set[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(path, status) of what `before` → `after` changes that no commit of `commits` changes to the
    same content against its first parent (`before` None: the empty tree).

    A ref update's net change can differ from the sum of its commits' first-parent changes: a
    merge whose first parent is an old commit (`merge -s ours`), or a rewind, changes the ref's
    content without any commit "changing" it. Those paths are what this returns. Whole-tree
    diffs without rename detection: a rename is a deletion and an addition. `produced`: the
    (path, new object id, "" when deleted) the commits give, when the caller read them already
    (facts.history.CommitInfo.blobs)."""
    if produced is None:
        produced = set()
        if commits:
            listed = run_git(repo, "rev-list", "--no-walk=unsorted", "--parents", "--stdin",
                             input=("\n".join(commits) + "\n").encode())
            # each commit and its first parent (a root commit alone)
            lines = [" ".join(line.split()[:2]) for line in listed.decode().splitlines()]
            out = run_git(repo, "diff-tree", "--stdin", "--root", "-r", "-z", "--raw", "--no-renames",
                          input=("\n".join(lines) + "\n").encode())
            produced = {(path, _present(new)) for path, new, _ in _raw_entries(out)}
    base = before or run_git(repo, "hash-object", "-t", "tree", "--stdin", input=b"").decode().strip()
    net = _raw_entries(run_git(repo, "diff-tree", "-r", "-z", "--raw", "--no-renames", base, after))
    return [(path, _STATUS.get(status, "M")) for path, new, status in net if (path, _present(new)) not in produced]


def _present(oid: str) -> str:
    """An object id of a diff, "" for the all-zero id of an absent side."""
    return "" if set(oid) == {"0"} else oid


def _raw_entries(out: bytes) -> list[tuple[str, str, str]]:
    """(path, new blob id, status letter) of `diff-tree -z --raw` output (commit id lines skipped)."""
    tokens, entries, i = out.split(b"\0"), [], 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith(b":"):
            fields = token[1:].split(b" ")
            entries.append((decode_path(tokens[i + 1]), fields[3].decode(), fields[4].decode()[:1]))
            i += 2
        else:
            i += 1  # a commit id line (--stdin) or the trailing empty token
    return entries
