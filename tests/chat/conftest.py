from tests.fixtures.answer_helpers import ai_inbound_on, help_center, patient_pii  # noqa: F401
from tests.fixtures.redis_server import redis_url  # noqa: F401  (registers the fixture)
from tests.llm_peer import llm_peer  # noqa: F401  (registers the fixture)
