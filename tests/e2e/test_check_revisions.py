"""What `govern check` judges: the working tree, the index (--staged), a commit (--rev), and
which violations are new (--new-since). Real repositories, the real CLI."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import git, write
from tests.e2e.check_support import SMALL_APP, check_json, commit, subjects

STRIPE = ("stripe-only-in-billing", "app/api/pay.py")


def test_working_tree_is_the_default_and_sees_untracked_files(make_repo):
    repo = make_repo(SMALL_APP)
    code, data = check_json(repo)
    assert (code, data["verdict"], data["target"], data["commit"]) == (0, "allow", "worktree", None)
    write(repo, {"app/api/pay.py": "import stripe\n"})  # untracked, not staged
    code, data = check_json(repo)
    assert code == 1 and subjects(data) == [STRIPE]
    assert data["violations"][0]["location"] == "app/api/pay.py:1"
    assert data["date"] == datetime.now(timezone.utc).date().isoformat()


def test_staged_judges_the_index_not_the_working_tree(make_repo):
    repo = make_repo(SMALL_APP)
    write(repo, {"app/api/pay.py": "import stripe\n"})
    git(repo, "add", "app/api/pay.py")
    write(repo, {"app/api/pay.py": "import json\n"})  # fixed on disk, not staged
    code, data = check_json(repo, "--staged")
    assert (code, data["target"], subjects(data)) == (1, "index", [STRIPE])
    code, data = check_json(repo)
    assert code == 0 and data["violations"] == []


def test_rev_judges_an_older_commit_with_its_own_adrs_and_date(make_repo):
    repo = make_repo(SMALL_APP)
    clean = git(repo, "rev-parse", "HEAD").strip()
    bad = commit(repo, {"app/api/pay.py": "import stripe\n"}, "pay")
    code, data = check_json(repo, "--rev", "HEAD~1")
    assert (code, data["commit"], data["target"]) == (0, clean, "commit")
    assert data["tree"] == git(repo, "rev-parse", "HEAD~1^{tree}").strip()
    assert data["date"] == "2026-01-01"  # the pinned commit date, not today
    code, data = check_json(repo, "--rev", bad)
    assert (code, data["commit"], subjects(data)) == (1, bad, [STRIPE])


def test_new_since_legacy_violation_does_not_block(make_repo):
    repo = make_repo({**SMALL_APP, "app/api/pay.py": "import stripe\n"})
    base = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"app/api/other.py": "import json\n"})
    code, data = check_json(repo, "--new-since", base)
    assert (code, data["verdict"], data["base"]) == (0, "allow", base)
    assert [(v["subject"], v["new"]) for v in data["violations"]] == [("app/api/pay.py", False)]
    assert data["summary"]["legacy"] == 1 and data["summary"]["blocking"] == 0


def test_new_since_new_violation_blocks(make_repo):
    repo = make_repo({**SMALL_APP, "app/api/pay.py": "import stripe\n"})
    commit(repo, {"app/api/refund.py": "from stripe import Refund\n"})
    code, data = check_json(repo, "--rev", "HEAD", "--new-since", "HEAD~1")
    assert code == 1
    assert [(v["subject"], v["new"]) for v in data["violations"]] == [("app/api/pay.py", False), ("app/api/refund.py", True)]


def test_new_since_sees_a_new_chain_made_elsewhere(make_repo):
    adr = SMALL_APP["adr/0001-only-billing-talks-to-stripe.md"].replace(
        'except: ["app/billing/**"]', 'except: ["app/billing/**"]\n      transitive: true')
    repo = make_repo({**SMALL_APP, "adr/0001-only-billing-talks-to-stripe.md": adr,
                      "app/util.py": "import json\n", "app/api/views.py": "from app import util\n"})
    # The change touches only app/util.py, but the API now reaches stripe through it.
    commit(repo, {"app/util.py": "import stripe\n"})
    code, data = check_json(repo, "--rev", "HEAD", "--new-since", "HEAD~1")
    assert code == 1
    assert ("stripe-only-in-billing", "app/api/views.py") in subjects(data)


def test_expiry_on_the_working_tree_uses_today(make_repo):
    adr = SMALL_APP["adr/0001-only-billing-talks-to-stripe.md"].replace(
        "    message:", "    expires: 2026-01-15\n    message:")
    repo = make_repo({**SMALL_APP, "adr/0001-only-billing-talks-to-stripe.md": adr, "app/api/pay.py": "import stripe\n"})
    code, data = check_json(repo, "--rev", "HEAD")  # committed 2026-01-01: still applies
    assert code == 1
    today = datetime.now(timezone.utc).date()
    code, data = check_json(repo)
    rule = data["rules"][0]
    if today.isoformat() > "2026-01-15":
        assert (code, rule["applies"], rule["reason"]) == (0, False, "expired 2026-01-15")
    else:  # pragma: no cover - depends on the day the suite runs
        assert code == 1
