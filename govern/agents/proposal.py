"""Judge a proposed change: the working tree plus a Draft, like `check --new-since`, actor `agent`.

The target is the working tree with the Draft's changes laid over it; the base is the
working tree as it is, so only what the edit would add blocks. The ADRs (and config) come
from the working tree as it is: an edit cannot weaken the rules it is judged by. The change
facts say what a commit of these edits by an agent would say: `changed(Path, Kind)` for each
changed path and `actor("agent")`; no signature and no pusher, so a `protect`ed path needs
the approval an agent cannot give itself.
"""
from __future__ import annotations

import sys
from dataclasses import replace

from govern.agents.apply_patch import apply_patch, looks_like_apply_patch
from govern.agents.draft import Change, Draft, EditError
from govern.agents.edits import apply_edits
from govern.agents.incremental import Warm, adds_nothing
from govern.agents.unified import apply_unified
from govern.facts.gitio import GitFailure, run_git
from govern.facts.model import Fact, Source
from govern.facts.tree import OverlayTree, WorkTree
from govern.hook.unchanged import same_file_facts
from govern.verdict.inputs import read_adrs, read_config
from govern.verdict.judge import JudgeRequest, judge
from govern.verdict.model import Verdict

HERE = Source("change", "proposed edit", 0, "")


def draft_of(repo: str, edits: object = None, patch: str | None = None, base: WorkTree | None = None) -> Draft:
    """A Draft of the working tree of `repo` with `edits` (edit objects) then `patch` applied."""
    if edits is None and patch is None:
        raise EditError("nothing to judge: give edits or a patch")
    draft = Draft(base or WorkTree(repo))
    if edits is not None:
        apply_edits(draft, edits)
    if patch is not None:
        apply_text_patch(draft, patch)
    return draft


def apply_text_patch(draft: Draft, text: object) -> None:
    """A unified diff or an apply_patch text (told apart by its first line)."""
    if not isinstance(text, str):
        raise EditError("patch: a string expected")
    if looks_like_apply_patch(text):
        apply_patch(draft, text)
    else:
        apply_unified(draft, text)


def judge_draft(draft: Draft, engine: str | None = None, adr_dir: str | None = None, cache: bool = True,
                warm: Warm | None = None) -> Verdict:
    """The verdict of the Draft's changes (see the module docstring).

    When the changes only modify files in place and leave every fact the tree rules read as it
    was (a comment, a function body: govern.hook.unchanged.same_file_facts), the tree rules
    cannot find anything new and only the change rules are evaluated (the verdict lists the
    tree rules as not in scope). With `warm` (a long-lived server's state; `draft.base` is its
    tree, `adr_dir` None) the working tree's answers are kept between calls: an edit that only
    adds facts deriving nothing new is judged like that too, and any other edit is judged
    without evaluating the working tree again (govern.agents.incremental)."""
    changes = governed(draft)
    request = draft_request(draft, changes, engine, adr_dir, cache)
    if _same_facts(draft, changes, adr_dir):
        return judge(replace(request, scope="change"))
    if warm is None:
        return judge(request)
    base = warm.base(draft.base)
    if all(c.kind == "M" for c in changes) and adds_nothing(base, {c.path: (draft.on_disk(c.path), draft.files[c.path]) for c in changes}):
        return judge(replace(request, scope="change"))
    return judge(replace(request, base=None, legacy=base.legacy, compare_with=draft.base, prove="new"))


def draft_request(draft: Draft, changes: list[Change], engine: str | None = None, adr_dir: str | None = None,
                  cache: bool = True) -> JudgeRequest:
    """The request judging the Draft's changes (`changes`: governed(draft)): the working tree
    with them applied, against the working tree, by the working tree's ADRs."""
    files = {c.path: draft.files[c.path] for c in changes}
    return JudgeRequest(draft.root, OverlayTree(draft.base, files), None, adr_tree=draft.base, base=draft.base,
                        change_facts=tuple(agent_change_facts(changes)), engine=engine, adr_dir=adr_dir, cache=cache)


def _same_facts(draft: Draft, changes: list[Change], adr_dir: str | None) -> bool:
    if not changes or any(c.kind != "M" for c in changes):
        return False
    config = read_config(draft.base)
    adrs = read_adrs(draft.base, adr_dir or config.adr_dir)
    return same_file_facts(adrs, config, [c.path for c in changes],
                           lambda paths: [(p, draft.on_disk(p), draft.files[p]) for p in paths],
                           draft.base.entries)


def governed(draft: Draft) -> list[Change]:
    """The Draft's changes git would see: new files that .gitignore ignores are left out."""
    changes = draft.changes()
    listed = {e.path for e in draft.base.entries()}
    new = [c.path for c in changes if c.path not in listed and draft.files[c.path] is not None]
    ignored = _ignored(draft.root, new) if new else set()
    return [c for c in changes if c.path not in ignored]


def agent_change_facts(changes: list[Change]) -> list[Fact]:
    facts = [Fact("changed", (c.path, c.kind), Source("change", c.path, 0, "")) for c in changes]
    return sorted(facts + [Fact("actor", ("agent",), HERE)])


def _ignored(root: str, paths: list[str]) -> set[str]:
    request = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)
    try:
        out = run_git(root, "check-ignore", "-z", "--stdin", input=request)
    except GitFailure as err:
        if err.returncode == 1:  # none of them is ignored
            return set()
        raise
    return {raw.decode("utf-8", "surrogateescape") for raw in out.split(b"\0") if raw}


MAX_PATCH_BYTES = 16 * 1024 * 1024


def read_patch_text(source: str) -> str:
    """The patch of `--patch FILE|-` as text (UTF-8; undecodable bytes kept as surrogates)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_PATCH_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_PATCH_BYTES + 1)
    except OSError as err:
        raise EditError(f"cannot read the patch {source}: {err.strerror}") from None
    if len(data) > MAX_PATCH_BYTES:
        raise EditError(f"the patch is larger than {MAX_PATCH_BYTES} bytes")
    return data.decode("utf-8", "surrogateescape")
