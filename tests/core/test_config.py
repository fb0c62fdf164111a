import os
import stat
import subprocess
import sys

import pytest

from dangvu.envconf import ConfigError, env_bool, secret_key

pytestmark = pytest.mark.once


def test_a_bad_boolean_fails_fast(monkeypatch):
    monkeypatch.setenv("DANGVU_DEBUG", "maybe")
    with pytest.raises(ConfigError, match="DANGVU_DEBUG"):
        env_bool("DANGVU_DEBUG", False)


def test_secret_key_is_generated_once_into_the_data_directory_readable_by_owner_only(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DANGVU_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_a_short_secret_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGVU_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 50"):
        secret_key(tmp_path)


def test_the_command_refuses_a_bad_database_url_with_a_message_and_no_traceback(tmp_path):
    env = {**os.environ, "DANGVU_DATA_DIR": str(tmp_path), "DANGVU_DATABASE_URL": "mysql://x/y"}
    result = subprocess.run(
        [sys.executable, "-m", "dangvu.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "DANGVU_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`dangvu … | head`: the command's output meets a closed pipe."""
    env = {**os.environ, "DANGVU_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dangvu.cli", "help", "--commands"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # before the command has written anything
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in error and "BrokenPipe" not in error
