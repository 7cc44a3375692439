"""JUnit XML (the Jenkins/Surefire schema, junit-10.xsd): one testsuite per applied rule, one
testcase per violation (a `<failure>` when it blocks; warnings, legacy findings and exemptions
pass and say so in `<system-out>`), and a passing "no violations" testcase for a clean rule, so
CI test reports list every rule that was checked. Check warnings (rules that cannot match) are
a testsuite "govern warnings" of skipped testcases, one per warning, named by its ADR location. No timestamps: the same verdict gives the
same bytes.

Strings from the repository are hostile: XML 1.0 cannot carry most control characters or lone
surrogates (non-UTF-8 file names), so those are written as `\\xNN` / `\\udcNN` escapes.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from govern.ci.findings import kind
from govern.verdict.model import EXEMPT, CheckWarning, Finding, Verdict
from govern.verdict.render_text import proof_lines

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_chunks(verdict: Verdict, proofs: bool = True) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ET.tostring(_testsuites(verdict, proofs), encoding="unicode") + "\n"


def _testsuites(verdict: Verdict, proofs: bool) -> ET.Element:
    by_rule: dict[str, list[tuple[Finding, str]]] = {}
    for finding in verdict.violations:
        by_rule.setdefault(finding.rule, []).append((finding, kind(finding)))
    for finding in verdict.exemptions:
        by_rule.setdefault(finding.rule, []).append((finding, "exempt"))
    # every applied rule, and the rule of any finding of a built-in check (the hook's ADR-change check)
    rules = {(r.adr, r.id) for r in verdict.rules if r.applies and r.kind != EXEMPT}
    rules |= {(f.adr, f.rule) for f in verdict.violations}
    root = ET.Element("testsuites", _attrs(name="govern", tests=0, failures=0, errors=0))
    for adr, rule in sorted(rules):
        found = sorted(by_rule.get(rule, []), key=lambda pair: (pair[1] != "block", pair[0].key()))
        root.append(_suite(adr, rule, found, proofs))
    if verdict.warnings:
        root.append(_warnings(verdict.warnings))
    for counter in ("tests", "failures"):
        root.set(counter, str(sum(int(s.get(counter)) for s in root)))
    return root


def _suite(adr: str, rule: str, found: list[tuple[Finding, str]], proofs: bool) -> ET.Element:
    failures = sum(1 for _, mark in found if mark == "block")
    suite = ET.Element("testsuite", _attrs(name=f"{adr} {rule}", tests=max(len(found), 1), failures=failures,
                                           errors=0, skipped=0))
    if not found:
        ET.SubElement(suite, "testcase", _attrs(name="no violations", classname=rule))
    for finding, mark in found:
        case = ET.SubElement(suite, "testcase", _attrs(name=finding.location, classname=rule))
        text = "\n".join([f"{finding.location}: {finding.message}", f"{finding.adr} “{finding.adr_title}”"]
                         + ([f"exempted: {finding.reason}"] if mark == "exempt" else [])
                         + (proof_lines(finding.proof) if proofs else []))
        if mark == "block":
            failure = ET.SubElement(case, "failure", _attrs(type="block", message=finding.message))
            failure.text = _clean(text)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = _clean(f"{mark}: {text}")
    return suite


def _warnings(warnings: tuple[CheckWarning, ...]) -> ET.Element:
    """A skipped testcase per warning: a rule that cannot match is, in effect, not checked."""
    suite = ET.Element("testsuite", _attrs(name="govern warnings", tests=len(warnings), failures=0, errors=0,
                                           skipped=len(warnings)))
    for warning in warnings:
        case = ET.SubElement(suite, "testcase", _attrs(name=warning.location, classname=f"govern/{warning.kind}"))
        ET.SubElement(case, "skipped", _attrs(message=warning.message))
    return suite


def _attrs(**values) -> dict[str, str]:
    return {key: _clean(str(value)) for key, value in values.items()}


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
