"""No customer's personal data reaches the model provider, whatever AI feature runs.

Every AI feature that can call a model runs against the real OpenAI-compatible test peer with a
customer message full of PII. Every request body the peer received (chat and embeddings) is then
searched for each value, also in its digits-only form. Each feature must have made at least one
request, so the test cannot pass by sending nothing. LLM triage used to send the raw subject and
body (the pipelines redacted, triage did not); the gateway now redacts everything it sends.
"""

from __future__ import annotations

import json
import re

import pytest

from ai.models import AISettings
from ai.pipelines.answer import AnswerRequest, answer_question
from ai.services.drafts import draft_create
from ai.services.summaries import ticket_summary_refresh
from ai.tasks.triage import triage_ticket
from gateway.models import ModelCall
from knowledge.selectors.search import search
from tests.fixtures.triage_helpers import make_taxonomy, set_threshold

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]

NAME = "Sarah Thompson"
EMAIL = "sarah.thompson@example.org"
PHONE = "+1 984-182-0190"
CARD = "4111 1111 1111 1111"  # Luhn-valid
IBAN = "DE89 3704 0044 0532 0130 00"  # checksum-valid
SUBJECT = f"Password reset for {NAME}"
MESSAGE = (
    f"Hello, my name is {NAME}. I cannot sign in and the password reset email never arrives. "
    f"Please write to {EMAIL} or call me on {PHONE}. "
    f"The last payment was from my card {CARD}, refunds go to my IBAN {IBAN}. "
    "How long is the password reset link valid?"
)
SECRETS = [NAME, "Thompson", EMAIL, PHONE, CARD, IBAN]
NUMBERS = [PHONE, CARD, IBAN]
TRIAGE_REPLY = {
    "topic_id": 0,
    "confidence": 0.4,
    "reason": "Sign-in problem.",
    "urgency": "normal",
    "sentiment": "neutral",
    "language": "en",
}


def compact(value: str) -> str:
    return re.sub(r"[\s\-().+/]", "", value)


def leaks(body: str) -> list[str]:
    """The PII values found in one request body (as sent, and with separators removed)."""
    found = [value for value in SECRETS if value.casefold() in body.casefold()]
    squeezed = compact(body).casefold()
    found += [f"digits of {value}" for value in NUMBERS if compact(value).casefold() in squeezed]
    return found


def respond(request) -> str:
    """Structured requests (triage) get JSON, all others a short cited answer."""
    if request.response_format_type or "JSON Schema" in request.prompt_text:
        return json.dumps(TRIAGE_REPLY)
    return "The reset link is valid for 24 hours [1]."


@pytest.fixture
def peer(llm_peer):
    llm_peer.set_default(respond)
    return llm_peer


@pytest.fixture
def pii_ticket(make_ticket):
    return make_ticket(MESSAGE, subject=SUBJECT)


def run_answer(request):
    request.getfixturevalue("help_center")
    answer_question(AnswerRequest(question=MESSAGE, known_language="en", apply_rules=False), threshold=0.0)


def run_draft(request):
    request.getfixturevalue("help_center")
    draft_create(ticket=request.getfixturevalue("pii_ticket"), agent=request.getfixturevalue("agent"))


def run_summary(request):
    ticket_summary_refresh(ticket=request.getfixturevalue("pii_ticket"), force=True)


def run_llm_triage(request):
    make_taxonomy()
    set_threshold(0.3)
    triage_ticket(request.getfixturevalue("pii_ticket").pk)


def run_remote_embeddings(request):
    """HELMDESK_EMBEDDINGS=openai: knowledge search and embedding triage embed the customer's text."""
    settings = request.getfixturevalue("settings")
    settings.HELMDESK_EMBEDDINGS = "openai"
    ai_settings = AISettings.load()
    ai_settings.triage_llm_enabled = False  # triage classifies by embeddings, remotely
    ai_settings.save()
    search(MESSAGE, k=3)
    make_taxonomy()
    set_threshold(0.3)
    triage_ticket(request.getfixturevalue("pii_ticket").pk)


FEATURES = {
    "answer": (run_answer, "chat"),
    "draft": (run_draft, "chat"),
    "summary": (run_summary, "chat"),
    "llm_triage": (run_llm_triage, "chat"),
    "remote_embeddings": (run_remote_embeddings, "embeddings"),
}


@pytest.mark.parametrize("feature", list(FEATURES))
def test_no_personal_data_reaches_the_model(feature, peer, request):
    run, kind = FEATURES[feature]

    run(request)

    made = peer.chat_requests if kind == "chat" else peer.embedding_requests
    assert made, f"{feature} sent no {kind} request: the test would prove nothing"
    for recorded in peer.requests:
        body = recorded.raw_body.decode("utf-8")
        assert leaks(body) == [], f"{feature}: PII reached the model in {recorded.path}"
    # The gateway recorded what it sent, redacted as well.
    calls = list(ModelCall.objects.exclude(kind=ModelCall.Kind.PUBLISHED_EMBEDDING))
    assert calls
    assert all(leaks(call.sent) == [] for call in calls)


def test_the_check_itself_sees_each_value_and_its_digits():
    assert leaks(MESSAGE) != []
    assert set(leaks(json.dumps({"input": [MESSAGE]}))) >= {NAME, EMAIL, PHONE, CARD, IBAN}
    assert leaks("card 4111-1111-1111-1111, phone 19841820190") == [
        f"digits of {PHONE}",
        f"digits of {CARD}",
    ]
    assert leaks("Call <PHONE_NUMBER_1> about <CREDIT_CARD_1>, <PERSON_1>") == []
