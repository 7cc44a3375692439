"""The HTML drift report: one self-contained file, readable offline.

Charts are drawn by matplotlib (SVG, text as paths, a fixed hash salt and no date: the same
report gives the same bytes) and inlined; the XML prolog and namespace declarations, which
an HTML parser does not need, are dropped, so the file names no URL at all. One chart per
ADR: the findings of each of its rules, its exemptions, and each no-growth metric against
its `max`; then the commits that moved a line, with their verdicts. Every string from a
repository (titles, commit subjects) is escaped.
"""
from __future__ import annotations

import html
import io
import re

from govern.drift.collect import Report
from govern.drift.render import moves, series_keys
from govern.errors import UsageError

_PROLOG = re.compile(r"\A.*?(?=<svg)", re.S)
_XMLNS = re.compile(r' xmlns(?::[a-z]+)?="[^"]*"')
STYLE = """body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
.block{color:#b00020;font-weight:bold}.allow{color:#1b5e20}svg{max-width:100%;height:auto}code{font-size:.95em}"""


def render_html(report: Report) -> str:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("--format html needs matplotlib: pip install 'govern-adr[html]'") from None
    keys = series_keys(report)
    first, last = report.points[0].commit, report.points[-1].commit
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>govern drift</title>"
             f"<style>{STYLE}</style></head><body><h1>govern drift</h1>",
             f"<p>{len(report.points)} commits, <code>{first.id[:12]}</code> ({_e(first.date[:10])}) to "
             f"<code>{last.id[:12]}</code> ({_e(last.date[:10])}); the ADRs of <code>{_e(report.rules_from[:12])}</code> "
             f"applied to every commit.</p>"]
    with matplotlib.rc_context({"svg.hashsalt": "govern", "svg.fonttype": "path", "font.size": 9}):
        for adr in report.adrs:
            parts.append(_section(report, adr, keys, Figure))
    parts.append("</body></html>\n")
    return "".join(parts)


def _section(report: Report, adr: dict, keys: dict, Figure) -> str:
    rules = [r for r in report.rules if r["adr"] == adr["id"]]
    lines = [(f"findings: {r['id']}", [p.findings.get(r["id"], 0) for p in report.points], None) for r in rules]
    lines.append((f"exemptions of {adr['id']}", [p.exemptions.get(adr["id"], 0) for p in report.points], None))
    lines += [(f"metric: {r['id']}", [p.metrics.get(r["id"], 0) for p in report.points], r.get("max"))
              for r in rules if r["id"] in keys["metrics"]]
    fig = Figure(figsize=(9, 3.2))
    ax = fig.subplots()
    x = list(range(1, len(report.points) + 1))
    for label, values, limit in lines:
        drawn = ax.step(x, values, where="post", label=_tex(label))[0]
        if limit is not None:
            ax.axhline(limit, linestyle="--", color=drawn.get_color(), label=_tex(f"max of {label[8:]}: {limit}"))
    ax.set_title(_tex(f"{adr['id']} {adr['title']}"[:100]))
    ax.set_xlabel("commit (oldest first)")
    ax.set_xlim(1, max(len(x), 2))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = _XMLNS.sub("", _PROLOG.sub("", buf.getvalue(), count=1))
    return (f"<h2>{_e(adr['id'])} {_e(adr['title'])}</h2>{svg}" + _table(report, adr, rules))


def _table(report: Report, adr: dict, rules: list[dict]) -> str:
    ids = {r["id"] for r in rules}
    mine = [m for m in moves(report) if (m["id"] in ids and m["series"] != "exemptions")
            or (m["series"] in ("exemptions", "expired") and m["id"] == adr["id"])]
    if not mine:
        return "<p>No commit moved a line.</p>"
    by_commit = {p.commit.id: p for p in report.points}
    rows = ["<table><tr><th>commit</th><th>date</th><th>subject</th><th>verdict</th><th>moved</th></tr>"]
    for m in mine:
        point = by_commit[m["commit"]]
        change = f"{m['series']} {m['id']}: {m['before']} → {m['after']}"
        rows.append(f"<tr><td><code>{m['commit'][:12]}</code></td><td>{_e(point.commit.date[:10])}</td>"
                    f"<td>{_e(point.commit.subject[:100])}</td><td class=\"{m['verdict']}\">{m['verdict']}</td>"
                    f"<td>{_e(change)}</td></tr>")
    return "".join(rows) + "</table>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _tex(text: str) -> str:
    """matplotlib reads `$…$` as mathtext: a title must be shown, not interpreted."""
    return text.replace("\\", "\\\\").replace("$", r"\$")
