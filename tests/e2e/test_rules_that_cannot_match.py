"""Rules that cannot match are reported (issue 11 item 6): `adr lint` errors on a module name that
matches no module of the tree (with the nearest one); `check` warns, one line each in text and
JSON, about stale waivers, path globs matching no file and ADRs whose rules are not enforced,
without changing its exit status, byte-identically whatever the hash seed."""
from __future__ import annotations

import json
import os

from tests.e2e.check_support import check_json, govern

CODE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "import app.domain\n",
    "app/domain/__init__.py": "",
    "app/domain/model.py": "",
    "app/billing/__init__.py": "",
}


def adr(rules: str, status: str = "accepted", body: str = "") -> str:
    return f"---\ntitle: T\nstatus: {status}\nrules:\n{rules}---\n{body}"


LAYERS = """  - id: layered
    layers:
      layers: [app.api, app.domian, app.absent]
      optional: [app.absent]
"""


def test_adr_lint_reports_module_names_that_match_nothing_with_the_nearest(make_repo):
    independent = "  - id: apart\n    independent:\n      modules: [app.api, app.biling]\n"
    scoped = "  - id: no-db\n    forbid-import:\n      from-modules: [app.apii.*]\n      to: [requests]\n      transitive: true\n      within: [ap]\n"
    repo = make_repo({**CODE, "adr/0001-layers.md": adr(LAYERS), "adr/0002-apart.md": adr(independent, "proposed"),
                      "adr/0003-scoped.md": adr(scoped)})
    run = govern(repo, "adr", "lint")
    assert run.returncode == 2, run.stdout
    assert run.stderr.splitlines() == [
        "adr/0001-layers.md:7:25: rule layered: 'app.domian' matches no module of the tree; did you mean 'app.domain'?",
        "adr/0002-apart.md:7:26: rule apart: 'app.biling' matches no module of the tree; did you mean 'app.billing'?",
        "adr/0003-scoped.md:7:22: rule no-db: 'app.apii' matches no module of the tree; did you mean 'app.api'?",
        "adr/0003-scoped.md:10:16: rule no-db: 'ap' matches no module of the tree; did you mean 'app'?",
    ], run.stderr
    # an optional layer, `to` (an external package may be forbidden before anyone imports it): no error
    assert "app.absent" not in run.stderr and "requests" not in run.stderr


def test_adr_lint_checks_layers_in_every_container_and_wildcards(make_repo):
    rules = "  - id: layered\n    layers:\n      layers: [api, domain]\n      containers: [app, lib]\n" \
            "  - id: wild\n    forbid-import:\n      from-modules: [app.*.model]\n      to: [app.api]\n"
    repo = make_repo({**CODE, "lib/__init__.py": "", "lib/api.py": "", "adr/0001-layers.md": adr(rules)})
    run = govern(repo, "adr", "lint")
    assert run.returncode == 2
    assert run.stderr == "govern: adr/0001-layers.md:7:21: rule layered: 'lib.domain' matches no module of the tree; " \
                         "did you mean 'lib.api'?\n"
    fixed = make_repo({**CODE, "lib/__init__.py": "", "lib/api.py": "", "lib/domain.py": "", "adr/0001-layers.md": adr(rules)})
    assert govern(fixed, "adr", "lint").stdout == "1 ADR, 2 rules OK\n"


def test_adr_lint_without_python_code_says_names_were_not_checked(make_repo):
    repo = make_repo({"adr/0001-layers.md": adr(LAYERS)})
    run = govern(repo, "adr", "lint")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "1 ADR, 1 rule OK (no Python module in the tree: module names not checked)\n"


WAIVED = """  - id: no-domain-in-api
    forbid-import:
      from: ["app/api/**"]
      to: [app.domain]
  - id: no-billing
    forbid-import:
      from: ["app/web/**", "app/api/**"]
      to: [app.billing]
"""
WAIVERS = """
```datalog
exempt("no-domain-in-api", "app/api/__init__.py", "the API wraps the domain for now").
```
"""
STALE = """---
title: Old waivers
status: accepted
---
```datalog
exempt("no-billing", "app/api/__init__.py", "billing used to be called here").
exempt("no-domain-in-api", "app/api/gone.py", "removed long ago").
```
"""
EXPIRED = "  - id: temporary\n    forbid-import:\n      from: ['app/**']\n      to: [app.api]\n    expires: 2020-01-01\n"
PROPOSED = "  - id: one\n    forbid-import:\n      from: ['app/**']\n      to: [os]\n  - id: two\n    forbid-import:\n" \
           "      from: ['app/**']\n      to: [sys]\n"

WARNINGS = [
    "ADR-0002 (adr/0002-old-waivers.md:6) exempts rule no-billing but exempted nothing (a stale waiver)",
    "ADR-0002 (adr/0002-old-waivers.md:7) exempts rule no-domain-in-api but exempted nothing (a stale waiver)",
    "ADR-0004 (adr/0004-proposed.md) is proposed: its rules one, two are not enforced",
    "rule no-billing (adr/0001-rules.md:9): path glob 'app/web/**' matches no file",
    "rule temporary (adr/0003-expired.md:5) expired 2020-01-01: it is not enforced",
]


def warned_repo(make_repo):
    return make_repo({**CODE, "adr/0001-rules.md": adr(WAIVED, body=WAIVERS), "adr/0002-old-waivers.md": STALE,
                      "adr/0003-expired.md": adr(EXPIRED), "adr/0004-proposed.md": adr(PROPOSED, "proposed")})


def test_check_warns_about_what_cannot_match_without_changing_the_exit_status(make_repo):
    repo = warned_repo(make_repo)
    code, data = check_json(repo)
    assert code == 0 and data["verdict"] == "allow" and data["violations"] == []
    assert [e["rule"] for e in data["exemptions"]] == ["no-domain-in-api"]
    assert data["warnings"] == WARNINGS
    assert [(w["kind"], w["location"]) for w in data["warning_details"]] == [
        ("stale-waiver", "adr/0002-old-waivers.md:6"), ("stale-waiver", "adr/0002-old-waivers.md:7"),
        ("not-enforced", "adr/0004-proposed.md"), ("unmatched-glob", "adr/0001-rules.md:9"),
        ("expired", "adr/0003-expired.md:5")]
    text = govern(repo, "check", "--no-proof")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[-6:-1] == [f"warning: {w}" for w in WARNINGS] and lines[-1].startswith("govern: allow")
    quiet = govern(repo, "check", "--quiet")  # terse, but a rule that cannot match is still said
    assert quiet.returncode == 0 and quiet.stdout == "".join(f"warning: {w}\n" for w in WARNINGS)


def test_check_warnings_are_deterministic(make_repo):
    repo = warned_repo(make_repo)
    outputs = {govern(repo, "check", "--format", "json", env={"PYTHONHASHSEED": seed, "LC_ALL": "C"}).stdout
               for seed in ("0", "1", "4242")}
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["warnings"] == WARNINGS


def test_a_clean_check_has_no_warnings_key(make_repo):
    repo = make_repo({**CODE, "adr/0001-rules.md": adr(WAIVED, body=WAIVERS).replace('"app/web/**", ', "")})
    code, data = check_json(repo)
    assert code == 0 and "warnings" not in data, data.get("warnings")
    assert os.path.exists(repo / "adr")


def test_docs_show_the_warnings_this_test_produces():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "check.md").read_text()
    section = docs.split("### Warnings: rules that cannot match", 1)[1].split("\n### ", 1)[0]
    from govern.verdict.model import WARNING_KINDS

    rows = [row for row in section.splitlines() if row.startswith("| `") and row.split("|")[1].strip(" `") in WARNING_KINDS]
    assert [row.split("|")[1].strip(" `") for row in rows] == list(WARNING_KINDS)
    examples = [row.rsplit("| `", 1)[1].rstrip("` |") for row in rows]
    ignored = "rule apart (adr/0001-apart.md:8): ignored import 'app.* -> app.billing.**' matches no import"
    assert len(examples) == 5 and all(example in WARNINGS + [ignored] for example in examples), examples


def test_check_warns_about_ignored_imports_that_match_no_import(make_repo):
    rule = "  - id: apart\n    independent:\n      modules: [app.api, app.domain]\n" \
           "      ignore-imports: ['app.api -> app.domain', 'app.* -> app.billing.**', 'app.domain.model -> app.api']\n"
    repo = make_repo({**CODE, "adr/0001-apart.md": adr(rule)})
    code, data = check_json(repo)
    assert code == 0 and data["violations"] == []
    assert data["warnings"] == [
        "rule apart (adr/0001-apart.md:8): ignored import 'app.* -> app.billing.**' matches no import",
        "rule apart (adr/0001-apart.md:8): ignored import 'app.domain.model -> app.api' matches no import",
    ]
