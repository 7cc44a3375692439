"""govern.hook.install: scripts with an absolute govern, receive settings, idempotence."""
from __future__ import annotations

import os

import pytest

from govern.errors import UsageError
from govern.hook.install import LEGACY_FSCK_IDS, install, script_text
from tests.conftest import git


def test_install_is_idempotent(tmp_path):
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    first = install(bare)
    assert first.written == [str(bare.resolve() / "hooks" / h) for h in ("pre-receive", "post-receive")]
    assert {"receive.hideRefs=refs/notes/govern", "transfer.hideRefs=refs/replace", "core.useReplaceRefs=false",
            "receive.shallowUpdate=false", "receive.fsckObjects=true"} <= set(first.configured)
    assert {f"receive.fsck.{i}=ignore" for i in LEGACY_FSCK_IDS} <= set(first.configured)
    for hook in ("pre-receive", "post-receive"):
        path = bare / "hooks" / hook
        assert os.access(path, os.X_OK)
        text = path.read_text()
        assert f"hook {hook}" in text and text.splitlines()[-1].startswith("exec /")
    second = install(bare)
    assert second.written == [] and second.configured == []
    assert git(bare, "config", "--get-all", "receive.hideRefs").split() == ["refs/notes/govern"]
    assert git(bare, "config", "receive.fsckObjects").strip() == "true"


def test_other_hide_refs_are_kept(tmp_path):
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(bare, "config", "--add", "receive.hideRefs", "refs/pull")
    install(bare)
    assert git(bare, "config", "--get-all", "receive.hideRefs").split() == ["refs/pull", "refs/notes/govern"]


def test_foreign_hook_is_not_overwritten(tmp_path):
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    (bare / "hooks" / "pre-receive").write_text("#!/bin/sh\nexit 0\n")
    with pytest.raises(UsageError, match="not installed by govern"):
        install(bare)
    install(bare, force=True)
    assert "govern" in (bare / "hooks" / "pre-receive").read_text()


def test_not_a_repository(tmp_path):
    with pytest.raises(UsageError, match="not a git repository"):
        install(tmp_path)


def test_script_quotes_paths():
    text = script_text("pre-receive", ["/opt/my tools/govern"])
    assert "exec '/opt/my tools/govern' hook pre-receive \"$@\"" in text


def test_policy_settings_are_validated_before_any_is_written(tmp_path):
    from govern.hook.install import configure_policy

    bare = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    with pytest.raises(UsageError, match="govern.adrChangePolicy: 'nobody' must be one of"):
        configure_policy(bare, {"govern.hookBudget": 3.0, "govern.adrChangePolicy": "nobody"})
    assert git(bare, "config", "--get-regexp", "^govern", check=False) == ""
    assert configure_policy(bare, {"govern.refs": ["refs/heads/* block"], "govern.failOpen": False}) == [
        "govern.refs=refs/heads/* block", "govern.failOpen=false"]
    assert configure_policy(bare, {"govern.refs": ["refs/heads/* block"], "govern.failOpen": None}) == []
