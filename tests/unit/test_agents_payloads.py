"""Edits, unified diffs and apply_patch texts applied to a Draft of a real working tree."""
from __future__ import annotations

import os

import pytest

from govern.agents.apply_patch import parse
from govern.agents.draft import Draft, EditError
from govern.agents.edits import apply_edits
from govern.agents.paths import PathOutside, repo_path
from govern.agents.proposal import apply_text_patch
from govern.errors import UsageError
from govern.facts.tree import WorkTree


@pytest.fixture
def draft(make_repo):
    repo = make_repo({"a.py": "one\ntwo\nthree\n", "pkg/b.py": "x = 1\nx = 1\n", "gone.txt": "bye\n"})
    return Draft(WorkTree(repo))


def changes(draft):
    return [(c.path, c.kind) for c in draft.changes()]


def test_edit_objects(draft):
    apply_edits(draft, [{"path": "a.py", "old_string": "two", "new_string": "2"},
                        {"path": "pkg/b.py", "old_string": "x = 1", "new_string": "y", "replace_all": True},
                        {"path": "new.py", "content": "z\n"}, {"path": "gone.txt", "delete": True},
                        {"path": "pkg/b.py", "move_to": "pkg/c.py"}])
    assert draft.read("a.py") == b"one\n2\nthree\n" and draft.read("pkg/c.py") == b"y\ny\n"
    assert changes(draft) == [("a.py", "M"), ("gone.txt", "D"), ("new.py", "A"), ("pkg/b.py", "D"), ("pkg/c.py", "R")]


@pytest.mark.parametrize("edit, message", [
    ({"path": "a.py", "old_string": "absent", "new_string": ""}, "old_string not found"),
    ({"path": "pkg/b.py", "old_string": "x = 1", "new_string": "y"}, "found 2 times"),
    ({"path": "a.py", "old_string": "", "new_string": "x"}, "file exists"),
    ({"path": "nope.py", "old_string": "a", "new_string": "b"}, "no such file"),
    ({"path": "a.py", "content": 3}, "a string expected"),
    ({"path": "a.py"}, "exactly one of"),
    ({"path": "a.py", "content": "x", "delete": True}, "exactly one of"),
    ({"path": "missing.txt", "delete": True}, "does not exist"),
])
def test_bad_edits_say_why(draft, edit, message):
    with pytest.raises(EditError, match=message):
        apply_edits(draft, [edit])


@pytest.mark.parametrize("raw", ["../x.py", "a/../../x.py", ".git/config", "", "a\0b", "/etc/passwd", 7, "."])
def test_hostile_paths(draft, raw):
    with pytest.raises(UsageError):
        repo_path(draft.root, raw)


def test_absolute_paths_inside_and_outside(draft, tmp_path):
    assert repo_path(draft.root, os.path.join(draft.root, "pkg", "b.py")) == "pkg/b.py"
    with pytest.raises(PathOutside):
        repo_path(draft.root, str(tmp_path / "elsewhere.py"))


def test_symlinks_are_not_followed(draft, tmp_path):
    os.symlink(tmp_path, os.path.join(draft.root, "out"))
    with pytest.raises(UsageError, match="symlink"):
        repo_path(draft.root, "out/x.py")


def test_unified_diff(draft):
    apply_text_patch(draft, "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n"
                            "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
                            "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+import os\n\\ No newline at end of file\n")
    assert draft.read("a.py") == b"one\n2\nthree\n" and draft.read("n.py") == b"import os"
    assert changes(draft) == [("a.py", "M"), ("gone.txt", "D"), ("n.py", "A")]


def test_unified_diff_with_an_offset_and_a_rename(draft):
    apply_text_patch(draft, "diff --git a/a.py b/z.py\nsimilarity index 50%\nrename from a.py\nrename to z.py\n"
                            "--- a/a.py\n+++ b/z.py\n@@ -5,2 +5,2 @@\n two\n-three\n+3\n")
    assert draft.read("z.py") == b"one\ntwo\n3\n" and changes(draft) == [("a.py", "D"), ("z.py", "R")]


@pytest.mark.parametrize("text, message", [
    ("--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-nope\n+yes\n", "does not match"),
    ("not a diff at all\n", "changes no file"),
    ("--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n one\n", "malformed unified diff"),
    ("--- /dev/null\n+++ b/a.py\n@@ -0,0 +1 @@\n+x\n", "already exists"),
])
def test_bad_unified_diffs(draft, text, message):
    with pytest.raises(EditError, match=message):
        apply_text_patch(draft, text)


def test_apply_patch(draft):
    apply_text_patch(draft, "*** Begin Patch\n*** Add File: new/x.py\n+import os\n+\n*** Delete File: gone.txt\n"
                            "*** Update File: a.py\n*** Move to: moved.py\n@@ one\n-two\n+2\n three\n"
                            "*** Update File: pkg/b.py\n@@\n x = 1\n-x = 1\n+x = 2\n*** End of File\n*** End Patch")
    assert draft.read("new/x.py") == b"import os\n\n" and draft.read("moved.py") == b"one\n2\nthree\n"
    assert draft.read("pkg/b.py") == b"x = 1\nx = 2\n"
    assert changes(draft) == [("a.py", "D"), ("gone.txt", "D"), ("moved.py", "R"), ("new/x.py", "A"), ("pkg/b.py", "M")]


def test_apply_patch_matches_ignoring_trailing_whitespace_like_codex(draft):
    apply_text_patch(draft, "*** Begin Patch\n*** Update File: a.py\n@@\n-two   \n+2\n*** End Patch\n")
    assert draft.read("a.py") == b"one\n2\nthree\n"


@pytest.mark.parametrize("text, message", [
    ("*** Update File: a.py\n*** End Patch", "line 1: the first line must be"),
    ("*** Begin Patch\n*** Add File: x\n+x", "the last line must be"),
    ("*** Begin Patch\n*** End Patch", "changes no file"),
    ("*** Begin Patch\n*** Frobnicate: x\n*** End Patch", "line 2: '\\*\\*\\* Frobnicate: x' is not"),
    ("*** Begin Patch\n*** Update File: a.py\n*** End Patch", "line 2: the update of 'a.py' has no chunk"),
    ("*** Begin Patch\n*** Update File: a.py\n@@\n-absent\n+x\n*** End Patch", "not found in 'a.py'"),
    ("*** Begin Patch\n*** Update File: a.py\n@@\n one\n@@ nowhere\n-two\n*** End Patch", "context 'nowhere' not found"),
    ("*** Begin Patch\n*** Update File: nope.py\n@@\n-a\n*** End Patch", "'nope.py' does not exist"),
    ("*** Begin Patch\n*** Add File: ../escape.py\n+x\n*** End Patch", "leaves the repository"),
])
def test_bad_apply_patches(draft, text, message):
    with pytest.raises(UsageError, match=message):
        apply_text_patch(draft, text)


def test_apply_patch_parser_is_linear_on_hostile_input():
    body = "".join(f"*** Add File: f{i}\n" + "+x\n" * 50 for i in range(2000))
    assert len(parse("*** Begin Patch\n" + body + "*** End Patch\n")) == 2000
