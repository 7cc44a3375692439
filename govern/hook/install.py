"""`govern hook install --server BARE_REPO`: hook scripts plus the receive settings they rely on.

Idempotent: a second run finds the same scripts and settings and changes nothing.
"""
from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from govern.errors import GovernError, UsageError
from govern.notes.git_plumbing import run_git, try_git
from govern.notes.store import NOTES_REF

HOOKS = ("pre-receive", "post-receive")
MARKER = "# installed by govern"
# receive.hideRefs: clients neither see nor push refs/notes/govern (only post-receive writes it).
# transfer.hideRefs refs/replace: replace refs are neither pushed nor fetched (they substitute
# objects; the hook refuses them too). core.useReplaceRefs / receive.shallowUpdate: git on the
# server reads real objects and refuses pushes that would make the repository shallow (grafted).
# receive.fsckObjects: malformed objects are refused before govern reads them.
# (key, value, multi-valued: add the value once beside others instead of replacing)
SETTINGS = (("receive.hideRefs", NOTES_REF, True), ("transfer.hideRefs", "refs/replace", True),
            ("core.useReplaceRefs", "false", False), ("receive.shallowUpdate", "false", False),
            ("receive.fsckObjects", "true", False))
# git's fsck message ids that old, real histories carry and that are harmless to govern and to
# git (formatting of modes, dates and identities written by early git and import tools; see
# docs/hooks.md "Object checks"). receive.fsckObjects treats warnings as errors, so without
# these a project like Flask cannot be pushed at all. Every other check stays an error.
LEGACY_FSCK_IDS = ("zeroPaddedFilemode", "badTimezone", "badDate", "badDateOverflow", "missingSpaceBeforeDate",
                   "missingEmail", "missingNameBeforeEmail", "missingSpaceBeforeEmail", "badEmail",
                   "missingTaggerEntry")
FSCK_SETTINGS = tuple((f"receive.fsck.{msg_id}", "ignore", False) for msg_id in LEGACY_FSCK_IDS)


@dataclass
class InstallReport:
    """What an install changed (empty lists: it was already installed)."""

    hooks_dir: Path
    written: list[str] = field(default_factory=list)  # the paths of the scripts written
    configured: list[str] = field(default_factory=list)
    warmed: str = ""  # what warm_cache() said


def govern_command() -> list[str]:
    """The absolute command line of the running govern: the console script next to this Python, else -m.

    `-P`: git runs hooks inside the repository's git dir, where govern keeps its caches in a
    `govern/` directory; with the working directory first on sys.path, `-m govern` would
    import that directory instead of the package."""
    script = Path(sys.executable).parent / "govern"
    if script.is_file():
        return [str(script.absolute())]
    return module_command()


def module_command() -> list[str]:
    """`python -P -m govern` with this Python (when no console script is installed)."""
    return [str(Path(sys.executable).absolute()), "-P", "-m", "govern"]


def script_text(hook: str, command: list[str]) -> str:
    """The shim: the same three lines as hooks/<hook>, with an absolute command."""
    line = " ".join(shlex.quote(part) for part in [*command, "hook", hook])
    return f'#!/bin/sh\n{MARKER}; all logic is in govern.hook (tested Python).\nexec {line} "$@"\n'


def install(repo: Path, force: bool = False, hooks_dir: Path | None = None, dispatch: bool = False) -> InstallReport:
    """Install both hooks into `repo` (a bare server repository) and set the receive settings.

    `hooks_dir`: where the shims go instead of the repository's hooks directory (GitLab's
    custom_hooks). `dispatch`: each shim is `<hooks_dir>/<hook>.d/govern`, for forges whose own
    hook runs every script of that directory (Gitea, GitLab)."""
    if try_git(repo, "rev-parse", "--git-dir") is None:
        raise UsageError(f"{repo}: not a git repository")
    if hooks_dir is None:
        hooks_dir = Path(run_git(repo, "rev-parse", "--git-path", "hooks").decode().strip())
        if not hooks_dir.is_absolute():
            hooks_dir = (Path(repo) / hooks_dir).resolve()
    _require_default_branch(repo)
    report = InstallReport(hooks_dir)
    command = govern_command()
    for hook in HOOKS:
        target = hooks_dir / f"{hook}.d" / "govern" if dispatch else hooks_dir / hook
        if _write_hook(target, script_text(hook, command), force):
            report.written.append(str(target))
    for key, value, multi in SETTINGS + FSCK_SETTINGS:
        if _configure(repo, key, value, multi):
            report.configured.append(f"{key}={value}")
    report.warmed = warm_cache(repo)
    return report


def _require_default_branch(repo: Path) -> None:
    """A non-empty repository whose HEAD names no commit has no rules to judge by: refuse."""
    from govern.hook.pre_receive import _require_default
    from govern.hook.refs import default_branch

    try:
        _require_default(repo, default_branch(repo))
    except GovernError as err:
        raise UsageError(f"{repo}: {err}") from None


def configure_policy(repo: Path, settings: dict[str, object]) -> list[str]:
    """Write server policy settings (govern.hookBudget, … ; None: leave as is) into the repository's
    git config, validated first; return what changed as `key=value` lines."""
    from govern.hook.policy import validate

    wanted = {}
    for key, value in settings.items():
        if value is None:
            continue
        values = [_text(v) for v in value] if isinstance(value, (list, tuple)) else [_text(value)]
        for text in values:
            validate(key, text)  # all of them before anything is written
        wanted[key] = values
    changed = []
    for key, values in wanted.items():
        if (try_git(repo, "config", "--local", "--get-all", key) or b"").decode().splitlines() == values:
            continue
        try_git(repo, "config", "--unset-all", key)
        for text in values:
            run_git(repo, "config", "--add", key, text)
        changed += [f"{key}={text}" for text in values]
    return changed


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def warm_cache(repo: Path) -> str:
    """Extract the default branch's facts into <git dir>/govern/cache once, now.

    The first push would otherwise parse every file of a big repository inside the hook's
    time budget. Only extraction is done (no judging); a problem is reported, never fatal.
    """
    from govern.facts.tree import CommitTree
    from govern.errors import GovernError
    from govern.hook.refs import default_branch
    from govern.verdict.evaluate import extract_facts
    from govern.verdict.inputs import read_adrs, read_config

    default = default_branch(repo)
    if default is None:
        return ""
    tree = CommitTree(repo, default[1])
    try:
        config = read_config(tree)
        rules = [rule for spec in read_adrs(tree, config.adr_dir).rules() for rule in spec.rules]
        store, _ = extract_facts(repo, tree, rules, config, [])
    except GovernError as err:
        return f"facts cache not warmed ({default[0]}: {str(err).splitlines()[0]})"
    return f"warmed the facts cache with {default[0]} ({len(store)} facts)"


def _write_hook(path: Path, text: str, force: bool) -> bool:
    if path.exists():
        current = path.read_text(errors="replace")
        if current == text and path.stat().st_mode & 0o111:
            return False
        if MARKER not in current and not force:
            raise UsageError(f"{path} exists and was not installed by govern; move it away or pass --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return True


def _configure(repo: Path, key: str, value: str, multi: bool) -> bool:
    """Set key=value unless already there (multi-valued keys keep their other values)."""
    present = (try_git(repo, "config", "--local", "--get-all", key) or b"").decode().split("\n")
    if value in present:
        return False
    run_git(repo, "config", *(["--add"] if multi else []), key, value)
    return True
