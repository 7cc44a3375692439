"""File names that are not valid UTF-8 (hostile input: git stores any bytes).

A path reaches govern as git's bytes decoded with surrogateescape (facts.tree). Every output
must still be valid UTF-8 that names the file unambiguously, every format must give the
verdict (exit 1 on a violation, never the internal-error exit 3), the hook must refuse or
allow with an audit line, and a note holding such a path must verify.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import git, write
from tests.e2e.hooks_support import AGENT_TRAILER, BASE_FILES, audit_entries, commit, govern, push, server

BAD = os.fsdecode(b"app/api/x\xffy.py")  # imports stripe: breaks the forbid-import rule
ODD = os.fsdecode(b"app/api/ok\xfe.py")  # a clean module with the same kind of name
DOC = os.fsdecode(b"docs/n\xfe\xff.md")  # outside every rule's scope


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab"])
def test_every_format_reports_a_violation_in_a_non_utf8_file(make_repo, fmt):
    repo = make_repo({**BASE_FILES, BAD: "import stripe\n", ODD: "import os\n", DOC: "hi\n"})
    done = govern("check", "--format", fmt, cwd=repo)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    out = done.stdout
    out.encode("utf-8")  # valid UTF-8 (text=True decoded it strictly)
    if fmt == "json":
        (finding,) = json.loads(out)["violations"]
        assert finding["subject"] == BAD  # the JSON escape reads back as the very same name
    elif fmt == "sarif":
        assert "x%FFy.py" in out  # a URI: the raw byte percent-encoded
    else:
        assert "x\\udcffy.py" in out


def test_a_repeated_check_prints_the_same_bytes(make_repo):
    repo = make_repo({**BASE_FILES, BAD: "import stripe\n"})
    first, second = (govern("check", "--format", "json", cwd=repo) for _ in range(2))
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout


def test_the_hook_judges_non_utf8_names_refusing_and_allowing(tmp_path):
    bare, work = server(tmp_path)
    git(work, "checkout", "-q", "-b", "bad")
    commit(work, {BAD: "import stripe\n"}, f"add\n\n{AGENT_TRAILER}")
    refused = push(work, "HEAD:main")
    assert refused.returncode != 0
    assert "internal error" not in refused.stderr
    assert "x\\udcffy.py:1" in refused.stderr
    assert any(e.get("blocking") for e in audit_entries(bare))

    git(work, "checkout", "-q", "main")
    good = commit(work, {ODD: "import os\n", DOC: "hi\n"})
    allowed = push(work, "HEAD:main")
    assert allowed.returncode == 0, allowed.stderr
    assert "internal error" not in allowed.stderr
    git(work, "fetch", "-q", "origin", "refs/notes/govern:refs/notes/govern")
    verified = govern("why", "--verify", good, cwd=work)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    facts = govern("facts", "-r", "module", "--format", "json", cwd=work)
    assert facts.returncode == 0, facts.stderr
    assert any(ODD in json.dumps(row, ensure_ascii=False) or ODD in str(row) for row in json.loads(facts.stdout))


def test_a_non_utf8_name_does_not_collide_with_its_escaped_spelling(make_repo):
    """A file literally named `x\\udcffy.py` (valid UTF-8, with a backslash) is a different file."""
    literal = "app/api/x\\udcffy.py"
    repo = make_repo({**BASE_FILES, BAD: "import stripe\n", literal: "import os\n"})
    done = govern("check", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stderr
    subjects = [v["subject"] for v in json.loads(done.stdout)["violations"]]
    assert subjects == [BAD]
    write(repo, {BAD: "import os\n"})
    assert govern("check", cwd=repo).returncode == 0
