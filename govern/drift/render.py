"""Text, JSON and CSV renderings of a drift report (the HTML one is in html.py)."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from govern.drift.collect import Point, Report

FORMAT = 1
# The per-commit series, in the order they are listed.
SERIES = ("metrics", "findings", "blocking", "legacy", "exemptions", "expired")


def series_keys(report: Report) -> dict[str, list[str]]:
    """Every key of every series (a rule id, or an ADR id), zero-filled across commits."""
    rules = [r["id"] for r in report.rules]
    adrs = [a["id"] for a in report.adrs]
    keys = {"metrics": [r["id"] for r in report.rules if r["kind"] == "no-growth"],
            "findings": rules, "blocking": rules, "legacy": rules, "exemptions": adrs, "expired": adrs}
    for name in SERIES:  # rules the ADRs no longer have, seen in older notes
        keys[name] = sorted(set(keys[name]).union(*(getattr(p, name) for p in report.points)))
    return keys


def to_json(report: Report) -> dict[str, Any]:
    keys = series_keys(report)
    return {
        "format": FORMAT,
        "rules_from": report.rules_from,
        "adrs": report.adrs,
        "rules": report.rules,
        "commits": [_commit(p, keys) for p in report.points],
        "moves": moves(report),
    }


def _commit(point: Point, keys: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"commit": point.commit.id, "date": point.commit.date, "subject": point.commit.subject,
                           "verdict": point.verdict, "source": point.source, "drift": point.drift}
    for name in SERIES:
        values = getattr(point, name)
        out[name] = {k: values.get(k, 0) for k in keys[name]}
    return out


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def moves(report: Report) -> list[dict[str, Any]]:
    """Each commit that moved a series: (series, key, commit, before, after), oldest first."""
    keys = series_keys(report)
    out = []
    for before, after in zip(report.points, report.points[1:]):
        for name in ("metrics", "findings", "exemptions", "expired"):
            for key in keys[name]:
                a, b = getattr(before, name).get(key, 0), getattr(after, name).get(key, 0)
                if a != b:
                    out.append({"series": name, "id": key, "commit": after.commit.id, "before": a, "after": b,
                                "verdict": after.verdict})
    return out


def render_csv(report: Report) -> str:
    """Long format: one row per commit, series and key."""
    keys = series_keys(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["commit", "date", "verdict", "series", "id", "value"])
    for p in report.points:
        for name in SERIES:
            for key in keys[name]:
                writer.writerow([p.commit.id, p.commit.date, p.verdict, name, _cell(key), getattr(p, name).get(key, 0)])
    return buf.getvalue()


def _cell(text: str) -> str:
    """A spreadsheet must not read an id as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_text(report: Report) -> str:
    """What grew, and which commits made it grow."""
    first, last = report.points[0], report.points[-1]
    lines = [f"govern drift: {len(report.points)} commit(s), {first.commit.id[:12]}..{last.commit.id[:12]}, "
             f"rules from {report.rules_from[:12]}"]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for move in moves(report):
        grouped.setdefault((move["series"], move["id"]), []).append(move)
    labels = {"metrics": "metric", "findings": "findings of", "exemptions": "exemptions of", "expired": "expired rules of"}
    for (name, key), items in sorted(grouped.items(), key=lambda kv: (SERIES.index(kv[0][0]), kv[0][1])):
        start, end = getattr(first, name).get(key, 0), getattr(last, name).get(key, 0)
        lines.append(f"{labels[name]} {key}: {start} → {end} ({end - start:+d})")
        grew = [m for m in items if m["after"] > m["before"]]
        for m in grew[:10]:
            subject = next(p.commit.subject for p in report.points if p.commit.id == m["commit"])
            lines.append(f"  +{m['after'] - m['before']} at {m['commit'][:12]} ({m['verdict']}) {_clean(subject)[:72]}")
        if len(grew) > 10:
            lines.append(f"  … {len(grew) - 10} more commit(s) made it grow (--format json lists them)")
    if not grouped:
        lines.append("nothing moved: every finding, exemption and metric is what it was")
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
