"""Bad input to `govern check` is exit 2 with a clear message, never a traceback."""
from __future__ import annotations

import pytest

from tests.e2e.check_support import SMALL_APP, govern

BAD_ADR = """---
title: Broken
status: accepted
rules:
  - id: broken
    forbid-import:
      from: ["app/**"]
      too: ["stripe"]
---
"""


def assert_usage_error(result, *needles):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_invalid_adr_is_reported_with_its_location(make_repo):
    repo = make_repo({**SMALL_APP, "adr/0002-broken.md": BAD_ADR})
    assert_usage_error(govern(repo, "check"), "adr/0002-broken.md:")


@pytest.mark.parametrize("args, needle", [
    (["--rev", "no-such-rev"], "unknown revision"),
    (["--new-since", "no-such-rev"], "unknown revision"),
    (["--rev", "HEAD", "--staged"], "exclude each other"),
    (["--format", "xml"], "unknown format"),
    (["--engine", "prolog"], "unknown engine"),
    (["--adr-dir", "decisions"], "no ADR files"),
])
def test_bad_arguments(make_repo, args, needle):
    assert_usage_error(govern(make_repo(SMALL_APP), "check", *args), needle)


def test_bad_config_and_not_a_repository(make_repo, tmp_path):
    repo = make_repo({**SMALL_APP, "pyproject.toml": "[tool.govern]\nadr-dir = 3\n"})
    assert_usage_error(govern(repo, "check"), "pyproject.toml")
    outside = tmp_path / "plain"
    outside.mkdir()
    assert_usage_error(govern(outside, "check"), "not a git repository")


def test_hostile_output_path_is_a_clear_error(make_repo, tmp_path):
    result = govern(make_repo(SMALL_APP), "check", "-o", str(tmp_path / "missing" / "dir" / "out.json"))
    assert_usage_error(result, "cannot write")
