import subprocess
import sys

from govern import __version__
from govern.config import parse_config
from govern.errors import UsageError

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "govern", *args], capture_output=True, text=True)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"govern {__version__}"


def test_unknown_option_is_usage_error():
    result = run("--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_config_defaults_and_unknown_key():
    assert parse_config(None).adr_dir == "adr"
    assert parse_config(b"[tool.govern]\nengine = 'clingo'\n").engine == "clingo"
    with pytest.raises(UsageError, match="unknown key"):
        parse_config(b"[tool.govern]\nfoo = 1\n")
    with pytest.raises(UsageError, match="invalid TOML"):
        parse_config(b"[tool.govern\n")
