"""`govern check`'s warm path: a working tree seen before prints its stored verdict at once.

A repeated check of an unchanged working tree needs one `git rev-parse`, one `git ls-files`,
the stat data of every listed file (facts.statcache.stat_pass) and two small files read
(govern.verdict.cache: the state's verdict key, then the stored rendering). This module does
only that, importing neither the judge nor the fact extractor nor `dataclasses`/`typing`:
at sqlfluff's 6,000 files, imports were a third of a warm check. Anything else, or any
doubt (a state not seen before, a rendering not stored, an option it does not handle, an
error of any kind), answers None and govern.cli.check_run runs the check in full, which
gives every error message and stores what this path reads.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time

TYPE_CHECKING = False  # typing itself is not imported (see above)
if TYPE_CHECKING:
    from govern.facts.statcache import StatPass

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")  # govern.cli.check_run.REPORTS
ENGINES = (None, "auto", "pydatalog", "clingo")  # govern.verdict.targets.ENGINES, or none given
# CheckOptions fields (govern.cli.fast) this path leaves to check_run: another tree than the
# working tree, a base, a proof re-check, an agent's patch, other rules, a file to write, paths.
_HANDLED_ELSEWHERE = ("rev", "staged", "new_since", "verify", "patch", "rules_from", "output", "paths")


def printed_if_stored(fields: dict) -> tuple[int | None, StatPass | None]:
    """Print the stored rendering of `govern check` with these CheckOptions fields (as
    govern.cli.fast parses them) and return (its exit code, None); (None, the working tree's
    stat pass if one was taken, for the full check to list from) when none is known."""
    if any(fields.get(name) for name in _HANDLED_ELSEWHERE):
        return None, None
    fmt, engine = fields.get("fmt", "text"), fields.get("engine")
    if fmt not in FORMATS or engine not in ENGINES:
        return None, None
    from govern.facts.gitio import GitFailure, repo_layout
    from govern.facts.statcache import stat_pass
    from govern.verdict import cache

    try:
        layout = repo_layout(fields.get("repo", "."))
    except (GitFailure, OSError):  # not a repository, not a directory: check_run says so
        return None, None
    store = cache.VerdictCache(os.path.join(layout.common_dir, "govern", "verdicts"))
    states = store.states()
    if layout.top is None or not states:  # bare, or no state remembered (a first check)
        return None, None
    try:
        listed = stat_pass(layout.top)
    except (GitFailure, OSError):
        return None, None
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    quiet, no_proof, only_new = (bool(fields.get(k)) for k in ("quiet", "no_proof", "only_new"))
    on = time.strftime("%Y-%m-%d", time.gmtime())  # govern.verdict.request.today()
    key = states.get(cache.state_name(cache.head("WorkTree", on, engine, fields.get("adr_dir")), listed.digest))
    plain = fmt == "json" and not only_new
    name = key if plain else f"{key}.{view(fmt, quiet, no_proof, fields.get('max_findings'), None, only_new, color)}"
    printed = store.load(name) if key is not None else None
    if printed is None:
        return None, listed
    sys.stdout.flush()
    sys.stdout.buffer.write(printed[0])
    sys.stdout.buffer.flush()
    return (1 if printed[1] else 0), None


def view(fmt: str, quiet: bool, no_proof: bool, max_findings: int | None, within: tuple[str, ...] | None,
         only_new: bool, color: bool) -> str:
    """The output options a rendering depends on, as a short digest (a stored rendering's name)."""
    shown = [fmt, quiet, no_proof, max_findings, within, only_new, color]
    return hashlib.sha256(json.dumps(shown).encode("utf-8", "surrogateescape")).hexdigest()[:16]
