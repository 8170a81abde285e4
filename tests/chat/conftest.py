from tests.fixtures.answer_helpers import ai_inbound_on, help_center, patient_pii  # noqa: F401
