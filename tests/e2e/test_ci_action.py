"""action.yml (the composite GitHub Action) and ci/gitlab/govern.yml (the GitLab CI template),
run for real as far as a machine without GitHub or GitLab can: their shell steps execute in a
real repository with a bare `origin`, as the runners would run them (bash -eo pipefail for
GitHub; sh -e per script line for GitLab), with the runner's variables set. `uses:` steps (setup-python,
upload-sarif) and the install step are the runners' business and are only checked for shape."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

from tests.conftest import git
from tests.e2e.check_support import commit, example_repo
from tests.e2e.test_ci_formats import CODECLIMATE, JUNIT_XSD, parse_workflow_command

PROJECT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text())
SARIF_SCHEMA = json.loads((PROJECT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
BIN = str(Path(sys.executable).parent)
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def run_action(repo: Path, tmp: Path, context: dict[str, str], inputs: dict[str, str] | None = None) -> dict:
    """Run the action's `run:` steps after the install step; return {step id: (exit code, output, outputs)}."""
    values = {f"inputs.{name}": spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in (inputs or {}).items()})
    values.update(context)
    results: dict = {}
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        if step.get("if"):  # only the last step has a condition on a run step: evaluate that one
            verdict = results.get("check", (0, "", {}))[2].get("verdict")
            if not (values["inputs.fail-on-block"] == "true" and verdict == "block"):
                continue

        def expand(text: str) -> str:
            return EXPRESSION.sub(lambda m: values.get(m.group(1), ""), str(text))

        env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "RUNNER_TEMP": str(tmp),
               "GITHUB_OUTPUT": str(tmp / "output"), "GITHUB_EVENT_NAME": values["github.event_name"],
               "GITHUB_REF": values["github.ref"]}
        env.update({k: expand(v) for k, v in (step.get("env") or {}).items()})
        (tmp / "output").write_text("")
        cwd = repo / expand(step.get("working-directory", "."))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=600)
        outputs = dict(line.split("=", 1) for line in (tmp / "output").read_text().splitlines())
        results[step.get("id", step["name"])] = (done.returncode, done.stdout + done.stderr, outputs)
    return results


def github_repo(tmp_path: Path) -> tuple[Path, Path]:
    repo = example_repo(tmp_path)
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    return repo, bare


def push_context(before: str, ref: str = "refs/heads/main") -> dict[str, str]:
    return {"github.event_name": "push", "github.ref": ref, "github.event.before": before,
            "github.event.repository.default_branch": "main", "github.event.pull_request.base.sha": ""}


def test_action_shape_and_documented_inputs():
    assert ACTION["runs"]["using"] == "composite" and ACTION["name"] == "govern"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"].strip() and "default" in spec, name
        assert f"| `{name}` |" in (PROJECT / "docs" / "ci.md").read_text(), f"input {name} is not documented in docs/ci.md"
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    install = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "install")
    assert "govern-adr$GOVERN_VERSION" in install["run"] and '"$GITHUB_ACTION_PATH"' in install["run"]
    for step in ACTION["runs"]["steps"]:  # no expression inside a script: values come through env
        assert not EXPRESSION.search(step.get("run", "")), step["name"]


def test_action_on_a_push_with_legacy_debt_records_and_pushes_notes(tmp_path):
    repo, bare = github_repo(tmp_path)
    before = git(repo, "rev-parse", "HEAD").strip()
    after = commit(repo, {"app/api/ok.py": "import app.billing.charge\n"})
    git(repo, "push", "-q", "origin", "main")
    results = run_action(repo, tmp_path, push_context(before))
    code, out, outputs = results["check"]
    assert code == 0 and outputs["verdict"] == "allow", out
    assert [parse_workflow_command(line)[0] for line in out.splitlines() if parse_workflow_command(line)] == ["warning"]
    jsonschema.validate(json.loads(Path(outputs["sarif-file"]).read_text()), SARIF_SCHEMA)
    assert results["record"][0] == 0, results["record"][1]
    notes = git(bare, "notes", "--ref=govern", "list").split()
    assert after in notes and before not in notes  # the pushed commit only
    assert "Fail on a blocking verdict" not in results


def test_action_blocks_a_pull_request_with_a_new_violation(tmp_path):
    repo, bare = github_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"app/api/pay.py": "import stripe\n"})
    context = {"github.event_name": "pull_request", "github.ref": "refs/pull/7/merge", "github.event.before": "",
               "github.event.repository.default_branch": "main", "github.event.pull_request.base.sha": base}
    results = run_action(repo, tmp_path, context, {"args": "--only-new"})
    code, out, outputs = results["check"]
    assert code == 0 and outputs["verdict"] == "block", out
    errors = [parse_workflow_command(line) for line in out.splitlines() if line.startswith("::error")]
    assert [e[1]["file"] for e in errors] == ["app/api/pay.py"]
    assert not any(line.startswith("::warning") for line in out.splitlines())  # --only-new: no legacy
    assert results["record"][0] == 0 and "default branch only" in results["record"][1]
    assert git(bare, "notes", "--ref=govern", "list") == ""
    assert results["Fail on a blocking verdict"][0] == 1


def test_action_on_a_new_branch_without_base_and_with_hostile_inputs(tmp_path):
    repo, _ = github_repo(tmp_path)
    (tmp_path / "owned").unlink(missing_ok=True)
    results = run_action(repo, tmp_path, push_context("0" * 40, "refs/heads/x"),
                         {"args": "; touch ../owned $(touch ../owned2) *", "fail-on-block": "false"})
    code, out, _ = results["check"]
    assert code == 2 and "../owned: outside the repository" in out  # the words are paths, never shell code
    assert not (tmp_path / "owned").exists() and not (tmp_path / "owned2").exists()


GITLAB = yaml.safe_load((PROJECT / "ci" / "gitlab" / "govern.yml").read_text())


def test_gitlab_template_writes_a_valid_code_quality_report(tmp_path):
    job = GITLAB["govern"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job["artifacts"]["reports"]["junit"] == "govern-junit.xml"
    assert job["artifacts"]["when"] == "always" and job["variables"]["GIT_DEPTH"] == "0"
    repo = example_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"app/api/pay.py": "import stripe\n"})
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
           "CI_COMMIT_BEFORE_SHA": "0" * 40, **{k: str(v) for k, v in (job.get("variables") or {}).items()}}
    script = "\n".join(line for line in job["script"] if "pip install" not in line)  # the runner installs
    done = subprocess.run(["sh", "-ec", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    status = done.returncode
    assert "app/api/pay.py:1" in done.stdout and "violation(" not in done.stdout  # the log, without proofs
    assert status == 1  # the job fails: a new violation
    issues = json.loads((repo / "gl-code-quality-report.json").read_text())
    for issue in issues:
        jsonschema.validate(issue, CODECLIMATE)
    assert [(i["location"]["path"], i["severity"]) for i in issues] == [
        ("app/api/pay.py", "blocker"), ("app/api/refunds.py", "major")]
    JUNIT_XSD.validate((repo / "govern-junit.xml").read_text())
