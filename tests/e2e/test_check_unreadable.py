"""End to end through real git: every .py file's imports are facts whatever its name or
encoding, and a file govern cannot read is a blocking finding of the rules whose paths cover
it (issue #10, item 4), in `govern check` and in the real pre-receive hook."""
from __future__ import annotations

import json
import os

from tests.conftest import git, write
from tests.e2e.hooks_support import NO_STRIPE_ADR, audit_entries, commit, govern, push, server

PADDED = b"import stripe\n" + b"#" * 1_100_000 + b"\n"  # over the default max-blob-size
WEIRD = {
    "pyproject.toml": "[tool.govern]\nroots = [\".\"]\n",
    "adr/0001-only-billing-talks-to-stripe.md": NO_STRIPE_ADR,
    "app/__init__.py": "",
    "app/refund-job.py": "import stripe\n",
    "app/v1.0/pay.py": "import stripe.error\n",
    "app/-x.py": "from stripe import Charge\n",
    "app/migrations/__init__.py": "",
    "app/migrations/0001_initial.py": "import stripe\n",
    "app/u7.py": "# coding: utf-7\nimport stripe\n".encode("utf-7"),
    "app/pep701.py": 'x = f"{"\'\'\'"}"\nimport stripe\ny = "\'\'\'"\n',
    "app/typing_only.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import stripe\n",
    "app/broken.py": "import os\ndef f(:\n",
    "app/huge.py": PADDED,
    "app/billing/__init__.py": "",
    "app/billing/charge.py": "import stripe\n",
}


def weird_repo(make_repo):
    repo = make_repo(WEIRD)
    os.symlink("billing/charge.py", repo / "app" / "link.py")
    os.symlink("billing", repo / "app" / "alias")
    git(repo, "add", "app/link.py", "app/alias")
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},app/vendor")  # a gitlink
    git(repo, "commit", "-q", "-m", "weird files")
    return repo, head


def test_weird_files_are_facts(make_repo):
    repo, pinned = weird_repo(make_repo)
    out = govern("facts", "--rev", "HEAD", "--format", "json", "--relation", "imports", "--relation", "unreadable",
                 "--relation", "submodule", "--relation", "type_only_import", cwd=repo)
    assert out.returncode == 0, out.stderr
    facts = {(f["relation"], *f["args"]) for f in json.loads(out.stdout)}
    assert {("imports", "app.refund-job", "stripe"), ("imports", "/app/v1.0/pay.py", "stripe.error"),
            ("imports", "app.-x", "stripe"), ("imports", "app.migrations.0001_initial", "stripe"),
            ("imports", "app.u7", "stripe"), ("imports", "app.pep701", "stripe"),
            ("imports", "app.typing_only", "stripe"), ("type_only_import", "app.typing_only", "stripe"),
            ("submodule", "app/vendor", pinned)} <= facts
    unreadable = {f[1]: f[2] for f in facts if f[0] == "unreadable"}
    assert set(unreadable) == {"app/broken.py", "app/huge.py", "app/link.py", "app/alias", "app/vendor"}
    assert unreadable["app/broken.py"] == "could not be parsed (line 2: invalid syntax); govern cannot judge its imports"
    assert unreadable["app/huge.py"].startswith(f"is too large to read ({len(PADDED)} bytes; max-blob-size is 1000000)")
    assert unreadable["app/vendor"] == f"is a submodule (commit {pinned}); govern does not judge its code"


def test_check_blocks_every_weird_file_and_every_unreadable_one(make_repo):
    repo, _ = weird_repo(make_repo)
    out = govern("check", "--rev", "HEAD", "--format", "json", cwd=repo)
    assert out.returncode == 1, out.stderr
    found = {v["subject"]: v["message"] for v in json.loads(out.stdout)["violations"]}
    imports = {"app/refund-job.py", "app/v1.0/pay.py", "app/-x.py", "app/migrations/0001_initial.py", "app/u7.py",
               "app/pep701.py", "app/typing_only.py"}
    unreadable = {"app/broken.py", "app/huge.py", "app/link.py", "app/alias", "app/vendor"}
    assert set(found) == imports | unreadable  # app/billing is excepted: its import and its files
    assert all(found[s] == "Only app/billing may call Stripe." for s in imports)
    assert found["app/link.py"] == "is a symbolic link; govern does not follow links"
    text = govern("check", "--rev", "HEAD", cwd=repo).stdout
    assert "app/broken.py: could not be parsed (line 2: invalid syntax); govern cannot judge its imports" in text


def test_pre_receive_refuses_a_padded_file_and_a_symlink(tmp_path):
    bare, work = server(tmp_path)
    old = git(bare, "rev-parse", "main").strip()
    commit(work, {"app/api/refunds.py": PADDED}, "a padded file hides its imports")
    done = push(work)
    assert done.returncode != 0
    assert "app/api/refunds.py" in done.stderr and "is too large to read" in done.stderr
    assert git(bare, "rev-parse", "main").strip() == old
    assert audit_entries(bare)[-1]["decision"] == "reject"
    git(work, "reset", "-q", "--hard", "HEAD~1")
    os.symlink("../billing/charge.py", work / "app" / "api" / "pay.py")
    write(work, {"app/api/x.py": "x = 1\n"})
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "a symlink into billing")
    done = push(work)
    assert done.returncode != 0
    assert "app/api/pay.py" in done.stderr and "is a symbolic link" in done.stderr


LAYERS_ADR = """---
title: Core does not call the API
status: accepted
rules:
  - id: core-below-api
    layers:
      layers: [app.api, app.core]
---
"""


def test_namespace_packages_setting_decides_what_a_directory_is(make_repo):
    files = {"adr/0001-layers.md": LAYERS_ADR, "app/__init__.py": "", "app/api/__init__.py": "",
             "app/core/x.py": "import app.api\n"}  # app/core has no __init__.py
    for namespace, blocked in (("true", True), ("false", False)):
        repo = make_repo({**files, "pyproject.toml": f"[tool.govern]\nnamespace-packages = {namespace}\n"})
        out = govern("check", "--format", "json", cwd=repo)
        subjects = [v["subject"] for v in json.loads(out.stdout)["violations"]]
        # namespace-packages = false: app/core is no package, so the layer matches no module.
        assert subjects == (["app/core/x.py"] if blocked else ["app.core"]), (namespace, out.stdout)
        modules = govern("facts", "--relation", "module", cwd=repo).stdout
        assert ('module("app.core.x", "app/core/x.py")' in modules) == blocked, modules
