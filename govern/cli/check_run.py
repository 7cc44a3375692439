"""What `govern check` does, without typer: shared by its typer command and the fast path."""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from govern.cli.check_stored import FORMATS, view
from govern.errors import EXIT_OK, EXIT_VIOLATIONS, UsageError

if TYPE_CHECKING:
    from govern.facts.statcache import StatPass
    from govern.verdict.model import Finding, Verdict


@dataclass(frozen=True)
class CheckOptions:
    """The options of `govern check` (see its --help), with their defaults."""

    rev: str | None = None
    staged: bool = False
    new_since: str | None = None
    fmt: str = "text"
    output: Path | None = None
    engine: str | None = None
    verify: bool = False
    adr_dir: str | None = None
    repo: Path = Path(".")
    quiet: bool = False
    no_proof: bool = False
    only_new: bool = False
    max_findings: int | None = None
    paths: tuple[str, ...] = ()
    patch: str | None = None  # FILE or "-": judge the working tree plus this patch (govern.agents)
    rules_from: str | None = None  # REV: the ADRs and [tool.govern] of REV judge (as the server hook does)


def run_check(options: CheckOptions, listed: StatPass | None = None) -> int:
    """Judge, print the verdict, return the exit code (0 allow, 1 block); GovernError on bad input.
    `listed`: the working tree's stat pass govern.cli.check_stored took (facts.statcache)."""
    from govern.verdict.targets import judge_request, open_repo

    o = options
    if o.fmt not in FORMATS:
        raise UsageError(f"unknown format {o.fmt!r} (known: {', '.join(FORMATS)})")
    if o.max_findings is not None and o.max_findings < 0:
        raise UsageError(f"--max-findings must be 0 or more, not {o.max_findings}")
    top = open_repo(o.repo)
    within = repo_paths(o.repo, top, o.paths, must_exist=o.rev is None and not o.staged)
    color = o.output is None and o.fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if o.patch is not None or o.rules_from is not None:  # judged afresh, never stored
        if o.patch is not None and o.rules_from is not None:
            raise UsageError("--patch and --rules-from exclude each other")
        if o.patch is not None:
            judged, warned = _judge_patch(o, top)
        else:
            with _progress("govern: judging…"):
                judged, warned = _judge_as_server(o, top)
        verdict = select(_with_warnings(judged, warned), within, o.only_new)
        _emit(report(o, verdict, color), o.output)
        return EXIT_VIOLATIONS if verdict.blocking else EXIT_OK
    request = judge_request(top, rev=o.rev, staged=o.staged, new_since=o.new_since, engine=o.engine, adr_dir=o.adr_dir,
                            listed=listed)
    request, key, store = _stored(o, top, request)
    plain = o.fmt == "json" and within is None and not o.only_new  # the verdict's canonical JSON as is
    name = key if plain or key is None else f"{key}.{view(o.fmt, o.quiet, o.no_proof, o.max_findings, within, o.only_new, color)}"
    printed = store.load(name) if store else None
    if printed is not None:  # this verdict, printed so before
        _emit([printed[0]], o.output)
        return EXIT_VIOLATIONS if printed[1] else EXIT_OK
    verdict, judged = _judge(o, request, key, store)
    shown = select(verdict, within, o.only_new)
    if store is None:
        _emit(report(o, shown, color), o.output)
        return EXIT_VIOLATIONS if shown.blocking else EXIT_OK
    if judged and name != key:  # the verdict itself, for later checks in any format
        from govern.verdict.render_json import json_chunks

        with store.writer(key, bool(verdict.blocking)) as write:
            for chunk in json_chunks(verdict):
                write(_bytes(chunk))
    with store.writer(name, bool(shown.blocking)) as write:  # what is printed, as printed
        _emit(_tee(report(o, shown, color), write), o.output)
    return EXIT_VIOLATIONS if shown.blocking else EXIT_OK


def _tee(chunks: Iterable[str], write) -> Iterator[bytes]:
    for chunk in chunks:
        data = _bytes(chunk)
        write(data)
        yield data


def _stored(o: CheckOptions, top: str, request):
    """(request with its judging day fixed, its key in the stored verdicts, the store); key and
    store None when its verdict is not stored (govern.verdict.cache: an optimisation)."""
    from govern.verdict.cache import VerdictCache, verdict_key
    from govern.verdict.request import today

    if request.commit is None and request.on is None:
        request = replace(request, on=today())  # the key and the judge see the same day
    store = VerdictCache.for_repo(top)
    key = None if o.verify else verdict_key(request, store)
    return request, key, store if key else None


def _judge(o: CheckOptions, request, key: str | None, store) -> tuple[Verdict, bool]:
    """The verdict, and whether it was judged now: rebuilt from its canonical JSON when
    stored, else judged."""
    found = store.load(key) if store else None
    if found is not None:
        import json

        from govern.verdict.model import Verdict

        return Verdict.from_json(json.loads(found[0])), False
    from govern.verdict.judge import judge_in_full

    with _progress("govern: judging…"):
        judgement = judge_in_full(request)
    if o.verify:
        from govern.verdict.verify import verify_proofs

        problems = verify_proofs(judgement.verdict.to_json(), judgement.evaluation.rules, judgement.evaluation.store)
        if problems:
            raise UsageError("proof verification failed:\n  " + "\n  ".join(problems))
    return _with_warnings(judgement.verdict, judgement), True


def _with_warnings(verdict: Verdict, judgement) -> Verdict:
    """The verdict with the warnings (govern.verdict.warnings) computed from `judgement`, a
    judgement of the same tree by the same rules (its evaluation keeps the facts)."""
    from govern.verdict.warnings import check_warnings

    return replace(verdict, warnings=check_warnings(verdict, judgement.adrs, judgement.evaluation))


def _judge_tree(request):
    """The judgement of the request's tree alone by its rules, for the warnings of a verdict that
    came from a judgement that keeps no facts (a push's, an agent's proposed change)."""
    from govern.verdict.judge import judge_in_full

    return judge_in_full(replace(request, scope="tree", base=None, commit=None, change_rev=None, change_facts=None,
                                 compare_with=None, prove="new"))


def _judge_as_server(o: CheckOptions, top: str):
    """--rules-from REV: the rules (ADRs, [tool.govern]) of REV judge, as the server hook judges
    a push by the old tip's. With --rev TIP this is the hook's own judgement of a push of TIP
    onto --new-since BASE: TIP's tree with every rule against BASE, each commit of BASE..TIP
    (every commit of TIP without a base, as a first push) with the change rules, and the
    built-in checks; findings in commits other than TIP say which commit. Without --rev the
    working tree (or --staged index) is judged by REV's rules. Returns (verdict, the judgement
    its warnings come from)."""
    import datetime

    from govern.facts.tree import CommitTree
    from govern.verdict.judge import judge_in_full
    from govern.verdict.targets import judge_request

    if o.adr_dir is not None:
        raise UsageError("--adr-dir and --rules-from exclude each other (the ADR directory is REV's adr-dir)")
    rules = _commit(top, o.rules_from)
    if o.rev is None:
        request = judge_request(top, rev=None, staged=o.staged, new_since=o.new_since, engine=o.engine, adr_dir=None)
        judgement = judge_in_full(replace(request, adr_tree=CommitTree(top, rules)))
        return judgement.verdict, judgement
    if o.staged:
        raise UsageError("--rev and --staged exclude each other")
    from govern.hook.judging import judge_range

    tip = _commit(top, o.rev)
    judgment = judge_range(top, tip, rules, _commit(top, o.new_since) if o.new_since else None, dict(os.environ))
    verdict = judgment.tip_verdict
    own = {id(f) for f in verdict.violations}
    extra = tuple(f if commit == tip else replace(f, message=f"{f.message} (in commit {commit[:12]})")
                  for commit, f in judgment.blocking if id(f) not in own)
    # The server's judgement keeps no facts: the tip is judged once more, by the same rules on the
    # same day, for the warnings.
    request = judge_request(top, rev=tip, staged=False, new_since=None, engine=o.engine, adr_dir=None)
    warned = _judge_tree(replace(request, adr_tree=CommitTree(top, rules), on=datetime.date.fromisoformat(verdict.date)))
    return replace(verdict, violations=verdict.violations + extra), warned


def _commit(top: str, rev: str) -> str:
    from govern.facts.gitio import GitFailure, resolve

    try:
        return resolve(top, rev)
    except GitFailure:
        raise UsageError(f"unknown revision {rev!r}") from None


def repo_paths(base: Path, top: str, paths: Iterable[str], must_exist: bool) -> tuple[str, ...] | None:
    """PATH arguments (relative to `base`) as repository paths ("" = all); None when none given."""
    paths = tuple(paths)
    if not paths:
        return None
    root = os.path.realpath(top)
    out = []
    for given in paths:
        full = os.path.abspath(os.path.join(os.path.realpath(base), given))
        if must_exist and not os.path.lexists(full):
            raise UsageError(f"{given}: no such file or directory")
        rel = os.path.relpath(full, root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            raise UsageError(f"{given}: outside the repository {top}")
        out.append("" if rel == os.curdir else Path(rel).as_posix())
    return tuple(out)


def select(verdict: Verdict, within: tuple[str, ...] | None, only_new: bool) -> Verdict:
    """The verdict restricted to findings whose subject is in `within`, and to new violations
    (no legacy ones, no exemptions) when `only_new`: what the report lists and the exit code says."""

    def kept(finding: Finding) -> bool:
        return within is None or any(p == "" or finding.subject == p or finding.subject.startswith(p + "/") for p in within)

    if within is None and not only_new:
        return verdict
    return replace(verdict, violations=tuple(f for f in verdict.violations if kept(f) and (f.new or not only_new)),
                   exemptions=() if only_new else tuple(f for f in verdict.exemptions if kept(f)))


def report(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    """The verdict in the chosen format, as text pieces."""
    return REPORTS[o.fmt](o, verdict, color)


def _text(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    """For people; --quiet: only the blocking findings without proofs and the warnings; nothing
    but the warnings when allowed."""
    from govern.verdict.render_text import render_text, warning_lines

    if o.quiet:
        if not verdict.blocking:
            return ["".join(line + "\n" for line in warning_lines(verdict, color))]
        verdict = replace(verdict, violations=tuple(verdict.blocking), exemptions=())
    return [render_text(verdict, color=color, proofs=not (o.quiet or o.no_proof), limit=o.max_findings)]


def _json(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    from govern.verdict.render_json import json_chunks

    return json_chunks(verdict)


def _sarif(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    from govern.verdict.render_sarif import sarif_chunks

    return sarif_chunks(verdict)


def _junit(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    from govern.ci.junit import junit_chunks

    return junit_chunks(verdict, proofs=not o.no_proof)


def _github(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    from govern.ci.github import github_chunks

    return github_chunks(verdict)


def _gitlab(o: CheckOptions, verdict: Verdict, color: bool) -> Iterable[str]:
    from govern.ci.gitlab import gitlab_chunks

    return gitlab_chunks(verdict)


# format name → renderer; each imports its module only when chosen (start-up time)
REPORTS: dict[str, Callable[[CheckOptions, Verdict, bool], Iterable[str]]] = {
    "text": _text, "json": _json, "sarif": _sarif, "junit": _junit, "github": _github, "gitlab": _gitlab,
}


def _judge_patch(o: CheckOptions, top: str):
    """--patch: the working tree plus the patch, judged as an agent's proposed change
    (govern.agents); and the judgement of that tree alone, for the warnings."""
    from govern.agents.proposal import draft_of, draft_request, governed, judge_draft, read_patch_text

    if o.rev is not None or o.staged or o.new_since is not None or o.verify:
        raise UsageError("--patch judges the working tree plus the patch: it excludes --rev, --staged, --new-since and --verify")
    with _progress("govern: judging…"):
        draft = draft_of(top, patch=read_patch_text(o.patch))
        verdict = judge_draft(draft, engine=o.engine, adr_dir=o.adr_dir)
        return verdict, _judge_tree(draft_request(draft, governed(draft), o.engine, o.adr_dir))


def _progress(message: str):
    """A spinner on stderr while judging, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _emit(chunks: Iterable[str | bytes], output: Path | None) -> None:
    """Write the pieces as UTF-8 whatever the locale (the bytes are the contract)."""
    if output is None:
        sys.stdout.flush()
        _write(chunks, sys.stdout.buffer)
        return
    try:
        with open(output, "wb") as out:
            _write(chunks, out)
    except OSError as err:
        raise UsageError(f"cannot write {output}: {err.strerror}") from None


def _bytes(chunk: str) -> bytes:
    """UTF-8 of an output piece. A path that is not valid UTF-8 holds lone surrogates
    (facts.tree): each is written as `\\udcXX`, which JSON formats read back as the same str."""
    return chunk.encode("utf-8", "backslashreplace")


def _write(chunks: Iterable[str | bytes], out) -> None:
    for chunk in chunks:
        out.write(chunk if isinstance(chunk, bytes) else _bytes(chunk))
    out.flush()
