"""The gateway asks the registered policy before generating, refuses without one, and records calls."""

from __future__ import annotations

import pytest
from django.contrib import admin

from ai.models import TokenUsage
from gateway import llm
from gateway.admin import ModelCallAdmin
from gateway.models import ModelCall
from gateway.policy import current_month, current_policy, policy_register

pytestmark = pytest.mark.django_db

QUESTION = [{"role": "user", "content": "Where is my invoice?"}]


class LedgerPolicy:
    """A small in-memory policy: a fixed budget, one switched-off feature, a list as ledger."""

    def __init__(self, *, budget: int | None, disabled: tuple[str, ...] = ()) -> None:
        self.budget, self.disabled, self.ledger = budget, disabled, []

    def feature_enabled(self, feature: str) -> bool:
        return feature not in self.disabled

    def tokens_used_this_month(self) -> int:
        return sum(prompt + completion for _feature, prompt, completion in self.ledger)

    def budget_remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.tokens_used_this_month()

    def record_usage(self, *, feature: str, prompt_tokens: int, completion_tokens: int) -> None:
        self.ledger.append((feature, prompt_tokens, completion_tokens))


@pytest.fixture
def use_policy():
    registered = current_policy()

    def install(policy):
        policy_register(policy)
        return policy

    yield install
    policy_register(registered)


def test_the_ai_app_registers_its_policy():
    assert type(current_policy()).__name__ == "AISettingsPolicy"


def test_without_a_policy_the_gateway_refuses_to_generate(llm_peer, use_policy):
    use_policy(None)
    llm_peer.reply("must never be served")

    mode = llm.generation_mode("answer")
    assert (mode.generative, mode.reason) == (False, "no_policy")
    assert "policy" in mode.explanation
    assert llm.budget_remaining() == 0
    with pytest.raises(llm.LLMNoPolicy):
        llm.complete(feature="answer", messages=QUESTION)
    with pytest.raises(llm.LLMNoPolicy):
        llm.stream(feature="draft", messages=QUESTION)
    assert llm_peer.requests == []


def test_switches_budget_and_ledger_come_from_the_registered_policy(llm_peer, use_policy):
    policy = use_policy(LedgerPolicy(budget=100, disabled=("draft",)))
    llm_peer.reply("spent", prompt_tokens=70, completion_tokens=30)
    llm_peer.reply("must never be served")

    with pytest.raises(llm.LLMFeatureDisabled):
        llm.complete(feature="draft", messages=QUESTION)
    llm.complete(feature="answer", messages=QUESTION)
    with pytest.raises(llm.LLMBudgetExceeded):
        llm.complete(feature="answer", messages=QUESTION)

    assert policy.ledger == [("answer", 70, 30)]
    assert llm.tokens_used_this_month() == 100
    assert len(llm_peer.chat_requests) == 1
    assert not TokenUsage.objects.filter(month=current_month()).exists()  # the ai ledger was not used


def test_every_call_is_recorded_with_what_was_sent(llm_peer, settings):
    settings.OPENAI_MODEL_SUMMARY = "summary-model"
    llm_peer.reply("The customer needs an invoice.", prompt_tokens=12, completion_tokens=6)
    llm_peer.server_error(times=3)

    result = llm.complete(
        feature="summary", messages=[{"role": "user", "content": "Invoice for Maria Jensen"}]
    )
    with pytest.raises(llm.LLMUnavailable):
        llm.complete(feature="summary", messages=QUESTION)

    failed, ok = ModelCall.objects.order_by("-pk")[:2]
    assert (ok.kind, ok.feature, ok.model, ok.outcome) == ("chat", "summary", "summary-model", "ok")
    assert (ok.prompt_tokens, ok.completion_tokens) == (12, 6)
    assert ok.received == result.text
    assert "<PERSON_1>" in ok.sent and "Maria" not in ok.sent
    assert ok.latency_ms >= 0
    assert (failed.outcome, failed.prompt_tokens) == ("unavailable", 0)
    assert "HTTP 500" in failed.error


def test_streams_are_recorded_when_they_end(llm_peer):
    llm_peer.reply("a streamed answer", prompt_tokens=5, completion_tokens=3)

    with llm.stream(feature="answer", messages=QUESTION) as stream:
        text = "".join(stream)

    call = ModelCall.objects.get()
    assert (call.kind, call.outcome, call.received) == ("stream", "ok", text)
    assert (call.prompt_tokens, call.completion_tokens) == (5, 3)


def test_refused_calls_reach_neither_the_server_nor_the_records(llm_peer, settings):
    settings.OPENAI_API_KEY = ""

    with pytest.raises(llm.LLMNotConfigured):
        llm.complete(feature="answer", messages=QUESTION)

    assert llm_peer.requests == []
    assert not ModelCall.objects.exists()


def test_call_records_are_read_only_in_the_admin(admin_user, rf):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = ModelCallAdmin(ModelCall, admin.site)

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_view_permission(request) is True
