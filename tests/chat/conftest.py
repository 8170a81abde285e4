import subprocess

import pytest

from tests.chat.servers import free_port
from tests.fixtures.answer_helpers import ai_inbound_on, help_center, patient_pii  # noqa: F401
from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server for the multi-process tests (skipped where it is not installed)."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(timeout=10)
