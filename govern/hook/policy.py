"""The server's policy for a push: which refs are governed and how, the budget, fail-open,
who may change the rules, which pushers are agents — and where each setting came from.

Read, for each setting, from the first place that has it:
1. the server's git config (`git config govern.hookBudget 4`, … — set by the server's
   operator; a pusher cannot change it),
2. `[tool.govern]` of the default branch's tip *before* the push (never a pushed tree),
3. the built-in default.

Every refusal names the setting that applied and its origin (`Setting.origin`).
"""
from __future__ import annotations

from dataclasses import dataclass

from govern.config import ADR_CHANGES, Config
from govern.errors import UsageError
from govern.notes.git_plumbing import try_git

MODES = ("block", "warn", "off")
DEFAULT_BRANCH = "@default"  # a govern.refs pattern: the branch the server's HEAD names
# Refs whose update changes which object a name reads, or govern's own records: never pushable.
FORBIDDEN = ("refs/replace/*", "refs/notes/govern")
DEFAULT_REFS = ((DEFAULT_BRANCH, "block"), ("refs/heads/release/*", "block"), ("refs/heads/*", "warn"),
                ("refs/tags/*", "block"), ("refs/*", "block"))
# git config key (lower case, as `git config --get-regexp` prints it) -> [tool.govern] key
KEYS = {"govern.hookbudget": "hook-budget", "govern.failopen": "fail-open", "govern.refs": "refs",
        "govern.adrchangepolicy": "adr-changes", "govern.agentpushers": "agent-pushers",
        "govern.allowrewrites": "allow-rewrites"}
NAMES = {"govern.hookbudget": "govern.hookBudget", "govern.failopen": "govern.failOpen", "govern.refs": "govern.refs",
         "govern.adrchangepolicy": "govern.adrChangePolicy", "govern.agentpushers": "govern.agentPushers",
         "govern.allowrewrites": "govern.allowRewrites"}


@dataclass(frozen=True)
class Setting:
    """A value and where it came from, e.g. `server git config govern.failOpen`."""

    value: object
    origin: str

    def __str__(self) -> str:
        return f"{_show(self.value)} ({self.origin})"


@dataclass(frozen=True)
class Policy:
    hook_budget: Setting
    fail_open: Setting
    refs: tuple[tuple[str, str, str], ...]  # (pattern, mode, origin), first match wins
    adr_changes: Setting
    agent_pushers: Setting
    allow_rewrites: Setting
    default_ref: str | None

    def mode(self, ref: str) -> tuple[str, str]:
        """(block|warn|off, "govern.refs 'PATTERN MODE' (origin)") of the first pattern matching `ref`."""
        for pattern, mode, origin in self.refs:
            if (pattern == DEFAULT_BRANCH and ref == self.default_ref) or glob_match(pattern, ref):
                return mode, f"govern.refs '{pattern} {mode}' ({origin})"
        return "block", "no govern.refs pattern matches (block)"

    def config(self, config: Config) -> Config:
        """`config` (a rules tree's [tool.govern]) with the policy's adr-changes and agent pushers."""
        from dataclasses import replace

        return replace(config, adr_changes=self.adr_changes.value, agent_pushers=self.agent_pushers.value)

    def lines(self) -> list[str]:
        """One `name = value (origin)` line per setting (what install --server prints)."""
        out = [f"govern.hookBudget = {self.hook_budget}", f"govern.failOpen = {self.fail_open}",
               f"govern.adrChangePolicy = {self.adr_changes}", f"govern.agentPushers = {self.agent_pushers}",
               f"govern.allowRewrites = {self.allow_rewrites}"]
        out += [f"govern.refs = {pattern} {mode} ({origin})" for pattern, mode, origin in self.refs]
        return out


def read_policy(repo, tree_config: Config, tree_origin: str, default_ref: str | None) -> Policy:
    """The policy of `repo`: its git config over `tree_config` (the default branch's [tool.govern])."""
    server = server_config(repo)
    tree_keys = tree_config.explicit

    def pick(key: str, field: str, parse) -> Setting:
        name = NAMES[key]
        if key in server:
            return Setting(parse(name, server[key][-1]), f"server git config {name}")
        if KEYS[key] in tree_keys:
            return Setting(getattr(tree_config, field), f"[tool.govern] {KEYS[key]} of {tree_origin}")
        return Setting(getattr(Config(), field), "default")

    refs: list[tuple[str, str, str]] = []
    if "govern.refs" in server:
        refs += [(*parse_ref_mode("govern.refs", v), "server git config") for v in server["govern.refs"]]
    if "refs" in tree_keys:
        refs += [(*parse_ref_mode("[tool.govern] refs", v), f"[tool.govern] of {tree_origin}") for v in tree_config.refs]
    refs += [(pattern, mode, "default") for pattern, mode in DEFAULT_REFS]
    pushers = Setting(tuple(server["govern.agentpushers"]), "server git config govern.agentPushers") \
        if "govern.agentpushers" in server else pick("govern.agentpushers", "agent_pushers", None)
    return Policy(hook_budget=pick("govern.hookbudget", "hook_budget", _seconds),
                  fail_open=pick("govern.failopen", "fail_open", _bool),
                  refs=tuple(refs),
                  adr_changes=pick("govern.adrchangepolicy", "adr_changes", _adr_changes),
                  agent_pushers=pushers,
                  allow_rewrites=pick("govern.allowrewrites", "allow_rewrites", _bool),
                  default_ref=default_ref)


def server_config(repo) -> dict[str, list[str]]:
    """govern.* keys of the repository's git config (system, global, local), each key's values in order."""
    out = try_git(repo, "config", "-z", "--get-regexp", r"^govern\.")
    found: dict[str, list[str]] = {}
    for item in (out or b"").split(b"\0"):
        if not item:
            continue
        key, _, value = item.decode("utf-8", "replace").partition("\n")
        if key not in KEYS:
            raise UsageError(f"server git config: unknown key {key!r} (known: {', '.join(sorted(NAMES.values()))})")
        found.setdefault(key, []).append(value)
    return found


def parse_ref_mode(where: str, text: str) -> tuple[str, str]:
    """'PATTERN MODE' -> (pattern, mode); a bad entry is a configuration error (exit 2)."""
    parts = text.split()
    if len(parts) != 2 or parts[1] not in MODES or not (parts[0] == DEFAULT_BRANCH or parts[0].startswith("refs/")):
        raise UsageError(f"{where}: {text!r}: expected 'PATTERN MODE' with a pattern refs/… or {DEFAULT_BRANCH} "
                         f"and a mode {'|'.join(MODES)}")
    return parts[0], parts[1]


def glob_match(pattern: str, name: str) -> bool:
    """`*` matches any run of characters (slashes too); no regex, linear in practice, no backtracking blow-up."""
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == name
    if not name.startswith(pieces[0]) or len(name) < len(pieces[0]) + len(pieces[-1]) or not name.endswith(pieces[-1]):
        return False
    at, end = len(pieces[0]), len(name) - len(pieces[-1])
    for piece in pieces[1:-1]:  # each middle piece at its leftmost place (greedy is exact for plain `*`)
        found = name.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def forbidden(ref: str) -> str | None:
    """The FORBIDDEN pattern `ref` matches, if any."""
    return next((p for p in FORBIDDEN if glob_match(p, ref)), None)


def validate(name: str, text: str) -> None:
    """Check one value of a server setting (`name` as spelled in NAMES); UsageError if invalid."""
    key = name.lower()
    parser = {"govern.hookbudget": _seconds, "govern.failopen": _bool, "govern.allowrewrites": _bool,
              "govern.adrchangepolicy": _adr_changes}.get(key)
    if key == "govern.refs":
        parse_ref_mode(name, text)
    elif parser is not None:
        parser(name, text)
    elif key != "govern.agentpushers":
        raise UsageError(f"unknown setting {name!r} (known: {', '.join(sorted(NAMES.values()))})")


def _seconds(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise UsageError(f"{name}: {text!r} is not a number of seconds in (0, 3600]")
    return value


def _bool(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0", ""):
        return False
    raise UsageError(f"{name}: {text!r} is not a boolean (true/false)")


def _adr_changes(name: str, text: str) -> str:
    if text not in ADR_CHANGES:
        raise UsageError(f"{name}: {text!r} must be one of {', '.join(ADR_CHANGES)}")
    return ADR_CHANGES[text]


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return str(value)
