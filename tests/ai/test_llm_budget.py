"""Feature switches, the monthly token budget, the token ledger and the AISettings singleton."""

import datetime
import threading

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from ai.admin import AISettingsAdmin, TokenUsageAdmin
from ai.models import AISettings, TokenUsage
from gateway import llm
from gateway.llm.budget import current_month, record_usage

QUESTION = [{"role": "user", "content": "Where is my invoice?"}]


def set_ai_settings(**fields):
    ai_settings = AISettings.load()
    for name, value in fields.items():
        setattr(ai_settings, name, value)
    ai_settings.save()
    return ai_settings


@pytest.mark.django_db
def test_token_usage_accumulates_per_month_and_feature(llm_peer):
    llm_peer.reply("one", prompt_tokens=100, completion_tokens=10)
    llm_peer.reply("two", prompt_tokens=50, completion_tokens=5)
    llm_peer.reply_json({"topic": "billing"}, prompt_tokens=30, completion_tokens=3)

    llm.complete(feature="answer", messages=QUESTION)
    llm.complete(feature="answer", messages=QUESTION)
    llm.complete(feature="triage", messages=QUESTION, schema={"type": "object"})

    rows = {row.feature: row for row in TokenUsage.objects.filter(month=current_month())}
    assert (rows["answer"].prompt_tokens, rows["answer"].completion_tokens, rows["answer"].calls) == (
        150,
        15,
        2,
    )
    assert (rows["triage"].prompt_tokens, rows["triage"].completion_tokens) == (30, 3)
    assert llm.tokens_used_this_month() == 198


@pytest.mark.django_db
def test_streamed_tokens_are_recorded(llm_peer):
    llm_peer.reply("streamed", prompt_tokens=20, completion_tokens=4)

    list(llm.stream(feature="draft", messages=QUESTION))

    row = TokenUsage.objects.get(month=current_month(), feature="draft")
    assert (row.prompt_tokens, row.completion_tokens) == (20, 4)


@pytest.mark.django_db
def test_tokens_of_an_unusable_structured_reply_still_count(llm_peer):
    llm_peer.reply("not json at all", prompt_tokens=40, completion_tokens=4)

    with pytest.raises(llm.LLMBadResponse):
        llm.complete(feature="triage", messages=QUESTION, schema={"type": "object"})

    assert llm.tokens_used_this_month() == 44


@pytest.mark.django_db
def test_last_months_usage_does_not_count_against_this_month(llm_peer):
    previous_month = (current_month() - datetime.timedelta(days=1)).replace(day=1)
    TokenUsage.objects.create(month=previous_month, feature="answer", prompt_tokens=10_000)
    set_ai_settings(monthly_token_budget=1000)

    assert llm.budget_remaining() == 1000
    assert llm.generation_mode("answer").generative is True


@pytest.mark.django_db
def test_budget_remaining_is_none_when_unlimited(llm_peer):
    assert AISettings.load().monthly_token_budget == 0
    record_usage(feature="answer", prompt_tokens=5_000_000, completion_tokens=0)

    assert llm.budget_remaining() is None
    assert llm.generation_mode("answer").generative is True


@pytest.mark.django_db
def test_budget_remaining_goes_down_with_use(llm_peer):
    set_ai_settings(monthly_token_budget=1000)
    llm_peer.reply("spent", prompt_tokens=300, completion_tokens=100)

    llm.complete(feature="summary", messages=QUESTION)

    assert llm.budget_remaining() == 600


@pytest.mark.django_db
def test_over_budget_nothing_reaches_the_server(llm_peer):
    set_ai_settings(monthly_token_budget=500)
    llm_peer.reply("first", prompt_tokens=400, completion_tokens=100)
    llm_peer.reply("must never be served")
    llm.complete(feature="answer", messages=QUESTION)
    requests_before = len(llm_peer.requests)

    assert llm.budget_remaining() == 0
    assert llm.generation_mode("answer") == llm.GenerationMode(False, "budget_exceeded")
    assert llm.generation_mode("answer").label == "extractive"
    assert "budget" in llm.generation_mode("answer").explanation
    with pytest.raises(llm.LLMBudgetExceeded) as raised:
        llm.complete(feature="answer", messages=QUESTION)
    assert raised.value.reason == "budget_exceeded"
    with pytest.raises(llm.LLMBudgetExceeded):
        llm.stream(feature="draft", messages=QUESTION)
    with pytest.raises(llm.LLMBudgetExceeded):
        llm.complete(feature="triage", messages=QUESTION, schema={"type": "object"})
    assert len(llm_peer.requests) == requests_before
    assert llm_peer.pending == 1


@pytest.mark.django_db
def test_raising_the_budget_enables_generation_again(llm_peer):
    set_ai_settings(monthly_token_budget=10)
    record_usage(feature="answer", prompt_tokens=10, completion_tokens=0)
    assert llm.generation_mode("answer").reason == "budget_exceeded"

    set_ai_settings(monthly_token_budget=100)
    llm_peer.reply("back")

    assert llm.complete(feature="answer", messages=QUESTION).text == "back"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("feature", "switch"),
    [
        ("answer", "answers_enabled"),
        ("draft", "drafts_enabled"),
        ("summary", "summaries_enabled"),
        ("triage", "triage_llm_enabled"),
    ],
)
def test_a_switched_off_feature_sends_nothing(llm_peer, feature, switch):
    set_ai_settings(**{switch: False})
    llm_peer.reply("must never be served")

    assert llm.generation_mode(feature) == llm.GenerationMode(False, "feature_disabled")
    assert llm.feature_enabled(feature) is False
    with pytest.raises(llm.LLMFeatureDisabled):
        llm.complete(feature=feature, messages=QUESTION)
    assert llm_peer.requests == []
    other = next(name for name in llm.FEATURES if name != feature)
    assert llm.generation_mode(other).generative is True


@pytest.mark.django_db
def test_ai_settings_is_a_singleton():
    first = AISettings.load()
    again = AISettings.load()
    stray = AISettings(answers_enabled=False)
    stray.save()

    assert first.pk == again.pk == stray.pk == 1
    assert AISettings.objects.count() == 1
    assert AISettings.load().answers_enabled is False
    assert AISettings.load().confidence_threshold == pytest.approx(0.89)


@pytest.mark.django_db
def test_singleton_admin_allows_no_second_row_and_no_delete(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = AISettingsAdmin(AISettings, admin.site)

    # The list opens the one row's form (created on first visit); "add" never offers a second row.
    assert model_admin.has_add_permission(request) is False
    response = model_admin.changelist_view(request)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/ai/aisettings/{AISettings.load().pk}/change/")
    assert AISettings.objects.count() == 1
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_delete_permission(request, AISettings.load()) is False
    ledger_admin = TokenUsageAdmin(TokenUsage, admin.site)
    assert ledger_admin.has_add_permission(request) is False
    assert ledger_admin.has_change_permission(request) is False


@pytest.mark.django_db
def test_admin_shows_usage_against_the_budget(admin_user, settings):
    settings.OPENAI_API_KEY = "key"
    ai_settings = set_ai_settings(monthly_token_budget=1000)
    record_usage(feature="answer", prompt_tokens=200, completion_tokens=50)
    model_admin = AISettingsAdmin(AISettings, admin.site)

    assert model_admin.usage_summary(ai_settings) == "250 tokens used, 750 left."
    settings.OPENAI_API_KEY = ""
    assert "extractive" in model_admin.usage_summary(ai_settings)


@pytest.mark.django_db(transaction=True)
def test_concurrent_usage_updates_lose_nothing():
    workers, calls_each = 6, 10
    start = threading.Barrier(workers)
    errors = []

    def spend():
        try:
            start.wait()
            for _ in range(calls_each):
                record_usage(feature="answer", prompt_tokens=3, completion_tokens=2)
        except Exception as error:  # surfaced below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    row = TokenUsage.objects.get(month=current_month(), feature="answer")
    assert (row.prompt_tokens, row.completion_tokens, row.calls) == (180, 120, 60)
