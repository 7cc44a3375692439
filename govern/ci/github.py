"""GitHub Actions workflow commands: one `::error`/`::warning` annotation per violation, a
`::warning` per check warning (a rule that cannot match, on its ADR's line), then the summary
line. The runner parses every output line that starts with `::` as a command, so every
string from the repository (paths, ADR titles, messages: hostile input) is escaped as the runner
unescapes it (actions/runner ActionCommand.cs): in data `%`, CR and LF; in properties also `:`
and `,`. An escaped value can neither end the line nor the property list, so it cannot start a
command of its own (`::stop-commands::`, `::add-mask::`, …).
"""
from __future__ import annotations

from collections.abc import Iterator

from govern.ci.findings import kind, listed, where
from govern.verdict.model import CheckWarning, Finding, Verdict
from govern.verdict.render_sarif import split_location
from govern.verdict.render_text import summary_line

COMMANDS = {"block": "error", "legacy": "warning", "warn": "warning"}
NOTES = {"block": "", "legacy": " (legacy: already in the base, not blocking)", "warn": " (warning)"}


def github_chunks(verdict: Verdict) -> Iterator[str]:
    """The annotations, one line each, and the summary line (never starting with `::`)."""
    for finding in listed(verdict):
        yield annotation(finding) + "\n"
    for warning in verdict.warnings:
        yield warning_annotation(warning) + "\n"
    yield summary_line(verdict) + "\n"


def annotation(finding: Finding) -> str:
    path, line = where(finding)
    props = [("file", path)] + ([("line", str(line))] if line else []) + [("title", f"{finding.rule} ({finding.adr})")]
    mark = kind(finding)
    data = f"{finding.message}{NOTES[mark]} — {finding.adr} “{finding.adr_title}”"
    fields = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::{COMMANDS[mark]} {fields}::{escape_data(data)}"


def warning_annotation(warning: CheckWarning) -> str:
    path, line = split_location(warning.location)
    props = [("file", path)] + ([("line", str(line))] if line else []) + [("title", f"govern: {warning.kind}")]
    fields = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::warning {fields}::{escape_data(warning.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
