"""Every difference between a recorded verdict (a note) and the verdict recomputed for it.

Both sides are verdict JSON (Verdict.to_json()). Findings are matched by their identity
(rule, subject, target), so the report names what a tampered note did: a violation removed
or invented, one relabelled legacy, one moved to the exemptions, a flipped verdict, ADRs or
rules dropped. The recorded side is untrusted: any shape is reported, never raised on.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# Keys compared as plain values (`govern` and `engine` may differ: the verdict never depends on them).
HEADER = ("format", "target", "commit", "tree", "base", "rules_from", "date", "pusher", "compared_with", "metrics", "drift",
          "warnings", "warning_details")
HANDLED = frozenset({*HEADER, "govern", "engine", "verdict", "adrs", "rules", "violations", "exemptions", "proofs",
                     "summary", "change"})
LISTS = {"violations": "violation", "exemptions": "exemption"}


def differences(recorded: Any, recomputed: Mapping[str, Any]) -> list[str]:
    """One line per difference (empty: the recorded verdict is exactly the recomputed one)."""
    if not isinstance(recorded, Mapping):
        return [f"the note is not a verdict object but {type(recorded).__name__}"]
    out = [f"{key}: the note says {_show(recorded.get(key))}, recomputed {_show(recomputed.get(key))}"
           for key in HEADER if recorded.get(key) != recomputed.get(key)]
    if recorded.get("verdict") != recomputed.get("verdict"):
        out.append(f"verdict flipped: the note says {_show(recorded.get('verdict'))}, "
                   f"the commit's facts and rules give {_show(recomputed.get('verdict'))}")
    out += _keyed("ADR", recorded.get("adrs"), recomputed["adrs"], lambda a: a.get("id"))
    out += _keyed("rule", recorded.get("rules"), recomputed["rules"], lambda r: (r.get("adr"), r.get("id")))
    out += _findings(recorded, recomputed)
    out += _table(recorded.get("proofs"), recomputed.get("proofs") or {})
    out += _change(recorded.get("change"), recomputed.get("change"))
    if recorded.get("summary") != recomputed.get("summary"):
        out.append(f"summary: the note says {_show(recorded.get('summary'))}, recomputed {_show(recomputed.get('summary'))}")
    out += [f"unexpected key {key!r} in the note" for key in sorted(set(recorded) - HANDLED, key=str)]
    return out


def _findings(recorded: Mapping[str, Any], recomputed: Mapping[str, Any]) -> list[str]:
    """Findings matched by identity across both lists of each side."""
    out: list[str] = []
    mine = _by_identity(recorded, out)
    theirs = _by_identity(recomputed, [])
    for identity in sorted(set(mine) | set(theirs), key=str):
        name = _name(identity)
        if identity not in mine:
            out.append(f"{theirs[identity][0]} {name} is missing from the note")
        elif identity not in theirs:
            out.append(f"the note has {_a(mine[identity][0])} {name} that the commit's facts and rules do not give")
        elif mine[identity][0] != theirs[identity][0]:
            out.append(f"{name} is {_a(mine[identity][0])} in the note but {_a(theirs[identity][0])} when recomputed"
                       + (" (an exemption added)" if mine[identity][0] == "exemption" else ""))
        else:
            out += _fields(name, mine[identity][1], theirs[identity][1])
    return out


def _by_identity(verdict: Mapping[str, Any], problems: list[str]) -> dict[tuple, tuple[str, Mapping]]:
    found: dict[tuple, tuple[str, Mapping]] = {}
    for key, what in LISTS.items():
        items = verdict.get(key)
        if not isinstance(items, list):
            problems.append(f"{key}: the note has {_show(items)} instead of a list")
            continue
        for item in items:
            if not isinstance(item, Mapping):
                problems.append(f"{key}: the note has {_show(item)} instead of a finding")
                continue
            identity = tuple(_hashable(item.get(k)) for k in ("rule", "subject", "target"))
            if identity in found:
                problems.append(f"the note lists {_name(identity)} twice")
            found[identity] = (what, item)
    return found


def _fields(name: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> Iterator[str]:
    if mine.get("new") != theirs.get("new"):
        label = {True: "new", False: "legacy"}
        yield (f"{name} is {label.get(mine.get('new'), _show(mine.get('new')))} in the note but "
               f"{label.get(theirs.get('new'), _show(theirs.get('new')))} when recomputed"
               + (" (relabelled legacy)" if mine.get("new") is False else ""))
    for key in sorted(set(mine) | set(theirs), key=str):
        if key != "new" and mine.get(key) != theirs.get(key):
            shown = "differs" if key in ("proof", "violation_proof") else \
                f"the note says {_show(mine.get(key))}, recomputed {_show(theirs.get(key))}"
            yield f"{name}: {key} {shown}"


def _table(recorded: Any, recomputed: Mapping[str, Any]) -> list[str]:
    """Proof nodes the recomputed verdict does not have (a tampered node keeps its id; the
    proof check reports it): the note's table holds exactly the nodes its findings rest on."""
    if recorded is None:
        return []  # format 1: proofs nested in the findings (compared there)
    if not isinstance(recorded, Mapping):
        return [f"proofs: the note has {_show(recorded)} instead of a table"]
    extra = sorted(str(k) for k in set(recorded) - set(recomputed))
    return [f"proofs: the note has {len(extra)} proof node{'s' if len(extra) != 1 else ''} no recomputed "
            f"finding rests on ({extra[0][:12]}…)"] if extra else []


def _change(recorded: Any, recomputed: Mapping[str, Any] | None) -> list[str]:
    """The change record (actor, signatures, allowances); signatures are compared without the
    time they were verified at (verifying again is another time)."""
    if recorded is None and recomputed is None:
        return []
    if not isinstance(recorded, Mapping) or recomputed is None:
        return [f"change: the note says {_show(recorded)}, recomputed {_show(recomputed)}"]
    out = []
    if recorded.get("actor") != recomputed.get("actor"):
        out.append(f"change: the actor is {_show(recorded.get('actor'))} in the note, "
                   f"recomputed {_show(recomputed.get('actor'))}")
    mine, theirs = _timeless(recorded.get("signatures")), _timeless(recomputed.get("signatures"))
    if mine != theirs:
        out.append(f"change: the signatures are {_show(mine)} in the note, recomputed {_show(theirs)}")
    allowed = recorded.get("allowed")
    if not isinstance(allowed, list) or not all(isinstance(a, Mapping) for a in allowed):
        return out + [f"change: the note has {_show(allowed)} instead of a list of allowances"]
    mine = {(_hashable(a.get("rule")), _hashable(a.get("subject"))): a for a in allowed}
    theirs = {(a["rule"], a["subject"]): a for a in recomputed.get("allowed") or []}
    for rule, subject in sorted(set(mine) | set(theirs), key=str):
        name = f"allowance of {_show(rule)} on {_show(subject)}"
        if (rule, subject) not in mine:
            out.append(f"{name} is missing from the note")
        elif (rule, subject) not in theirs:
            out.append(f"the note has an {name} that the commit's facts and rules do not give")
        elif mine[(rule, subject)] != theirs[(rule, subject)]:
            fields = sorted(k for k in set(mine[(rule, subject)]) | set(theirs[(rule, subject)])
                            if mine[(rule, subject)].get(k) != theirs[(rule, subject)].get(k))
            out.append(f"{name}: {', '.join(map(str, fields))} differ{'s' if len(fields) == 1 else ''}")
    return out


def _timeless(signatures: Any) -> Any:
    if not isinstance(signatures, list):
        return signatures
    return [{k: v for k, v in s.items() if k != "verified_at"} if isinstance(s, Mapping) else s for s in signatures]


def _keyed(what: str, recorded: Any, recomputed: list[Mapping[str, Any]], key) -> list[str]:
    """Differences between two lists of objects identified by `key` (ADRs, rules)."""
    if not isinstance(recorded, list) or not all(isinstance(item, Mapping) for item in recorded):
        return [f"{what}s: the note has {_show(recorded)} instead of a list of objects"]
    mine = {_hashable(key(item)): item for item in recorded}
    theirs = {key(item): item for item in recomputed}
    out = []
    for ident in sorted(set(mine) | set(theirs), key=str):
        label = f"{what} {_show(ident)}"
        if ident not in mine:
            out.append(f"{label} is missing from the note")
        elif ident not in theirs:
            out.append(f"the note has {label}, which the rules' tree does not have")
        elif mine[ident] != theirs[ident]:
            fields = sorted(k for k in set(mine[ident]) | set(theirs[ident]) if mine[ident].get(k) != theirs[ident].get(k))
            out.append(f"{label}: {', '.join(map(str, fields))} differ from the rules' tree")
    return out


def _a(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _name(identity: tuple) -> str:
    rule, subject, target = identity
    return f"{_show(rule)} on {_show(subject)}" + (f" → {_show(target)}" if target else "")


def _show(value: Any) -> str:
    """A short, one-line rendering of note values (hostile: repr escapes control characters)."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
