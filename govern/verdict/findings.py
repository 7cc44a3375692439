"""From answers with proofs to findings: exemptions lift violations, severity and `new` are set."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from govern.adr import AdrSet, RuleSpec
from govern.verdict.model import Finding
from govern.verdict.proofwalk import subject_location

Answer = tuple[str, str, str]  # (rule id, subject, message or reason)
Proofs = Mapping[Answer, Mapping[str, Any] | None]  # None: not proven (a legacy violation, prove="new")


def findings(
    violations: Proofs, exemptions: Proofs, specs: Mapping[str, RuleSpec], adrs: AdrSet,
    legacy: set[tuple[str, str]] | None,
) -> tuple[list[Finding], list[Finding]]:
    """(violations, exemptions): a violation with an `exempt` for its (rule, subject) is exempted.

    `legacy` holds the (rule, subject) pairs the base already violated (None: no base,
    every violation is new). Change rules judge the change itself: always new.
    """
    reasons: dict[tuple[str, str], Answer] = {}
    for answer in sorted(exemptions):  # the smallest reason wins when there are several
        reasons.setdefault(answer[:2], answer)
    kept, lifted = [], []
    for answer in sorted(violations):
        spec = specs[answer[0]]
        new = legacy is None or spec.scope == "change" or answer[:2] not in legacy
        finding = _finding(answer, violations[answer], spec, adrs, new)
        exempt = reasons.get(answer[:2])
        if exempt is None:
            kept.append(finding)
        else:
            lifted.append(replace(finding, proof=exemptions[exempt], reason=exempt[2], violation_proof=finding.proof))
    return kept, lifted


def _finding(answer: Answer, proof: Mapping[str, Any] | None, spec: RuleSpec, adrs: AdrSet, new: bool) -> Finding:
    rule, subject, message = answer
    adr = adrs.get(spec.adr)
    return Finding(
        rule=rule, adr=spec.adr, adr_title=adr.title if adr else "", subject=subject,
        location=subject_location(proof, subject), message=message, severity=spec.severity,
        new=new, proof=proof,
    )
