"""`govern check --patch FILE|-`: the working tree plus a patch, judged without writing it."""
from __future__ import annotations

import json

from tests.e2e.agents_support import AGENT_FILES, agent_repo
from tests.e2e.hooks_support import govern

ADD_STRIPE = "--- a/app/api/orders.py\n+++ b/app/api/orders.py\n@@ -1 +1,2 @@\n import app.billing.charge\n+import stripe\n"
CLEAN = "*** Begin Patch\n*** Add File: app/api/health.py\n+import json\n*** End Patch\n"


def test_a_patch_adding_a_forbidden_import_blocks_and_writes_nothing(tmp_path):
    repo = agent_repo(tmp_path)
    (tmp_path / "p.diff").write_text(ADD_STRIPE)
    result = govern("check", "--format", "json", "--patch", str(tmp_path / "p.diff"), cwd=repo)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(v["rule"], v["location"], v["new"]) for v in data["violations"]] == \
        [("stripe-only-in-billing", "app/api/orders.py:2", True)]
    assert (repo / "app/api/orders.py").read_text() == "import app.billing.charge\n"


def test_a_clean_patch_from_stdin_is_allowed(tmp_path):
    repo = agent_repo(tmp_path)
    result = govern("check", "--patch", "-", cwd=repo, input=CLEAN)
    assert result.returncode == 0 and "govern: allow" in result.stdout
    assert not (repo / "app/api/health.py").exists()


def test_legacy_violations_do_not_block_a_patch(tmp_path):
    repo = agent_repo(tmp_path)
    (repo / "app/api/legacy.py").write_text("import stripe\n")  # already in the working tree
    result = govern("check", "--patch", "-", cwd=repo, input=CLEAN)
    assert result.returncode == 0 and "legacy" in result.stdout


def test_a_patch_on_a_protected_path_is_judged_as_an_agents_change(tmp_path):
    repo = agent_repo(tmp_path)
    patch = "*** Begin Patch\n*** Delete File: app/billing/charge.py\n*** End Patch\n"
    result = govern("check", "--format", "json", "--patch", "-", cwd=repo, input=patch)
    assert result.returncode == 1
    assert [v["rule"] for v in json.loads(result.stdout)["violations"]] == ["billing-needs-approval"]


def test_bad_patches_are_usage_errors(tmp_path):
    repo = agent_repo(tmp_path)
    for args, text, message in [
        (["--patch", "-"], "garbage\n", "govern: the diff changes no file"),
        (["--patch", "-"], "*** Begin Patch\n*** Add File: ../x.py\n+x\n*** End Patch\n", "leaves the repository"),
        (["--patch", str(tmp_path / "missing.diff")], "", "cannot read the patch"),
        (["--patch", "-", "--rev", "HEAD"], CLEAN, "--patch judges the working tree plus the patch"),
    ]:
        result = govern("check", *args, cwd=repo, input=text)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_an_edit_that_changes_no_fact_skips_the_tree_rules(tmp_path):
    # (only where every extractor the rules read is local: no dependency rule here, see docs/agents.md)
    repo = agent_repo(tmp_path, {k: v for k, v in AGENT_FILES.items() if k != "adr/0002-no-requests.md"})
    (repo / "app/api/legacy.py").write_text("import stripe\n")
    comment = "--- a/app/api/legacy.py\n+++ b/app/api/legacy.py\n@@ -1 +1,2 @@\n+# refunds go through billing soon\n import stripe\n"
    result = govern("check", "--format", "json", "--patch", "-", cwd=repo, input=comment)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["violations"] == []
    applies = {r["id"]: r["applies"] for r in data["rules"]}
    assert applies["billing-needs-approval"] and not applies["stripe-only-in-billing"]
    moved = comment.replace("+# refunds go through billing soon\n import stripe\n", "+import stripe.error\n import stripe\n")
    data = json.loads(govern("check", "--format", "json", "--patch", "-", cwd=repo, input=moved).stdout)
    assert all(r["applies"] for r in data["rules"] if r["kind"] != "exempt")  # a new import: judged in full
