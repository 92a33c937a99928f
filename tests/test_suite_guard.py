"""A missing service stops the suite with a message that says what is missing — never a silent skip."""

import subprocess
import sys

from tests import processes


def test_unreachable_redis_fails_the_run_and_says_how_to_start_it():
    env = processes.environment(REDIS_URL=f"redis://127.0.0.1:{processes.free_port()}/1")

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_health.py::test_healthz_answers_ok"],
        cwd=processes.ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 3
    assert "not reachable" in result.stdout
    assert "Redis at redis://127.0.0.1:" in result.stdout
    assert "redis-server --daemonize yes" in result.stdout
    assert "passed" not in result.stdout
