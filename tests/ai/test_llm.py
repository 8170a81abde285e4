"""The LLM provider through the real openai client against the scripted peer server."""

import pytest

from ai.prompt_files import load_prompt
from gateway import llm
from tests.llm_peer import Fault, Reply, embedding_vector

pytestmark = pytest.mark.django_db

QUESTION = [
    {"role": "system", "content": "Answer from the sources."},
    {"role": "user", "content": "How do I reset my password?"},
]
TRIAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "topic": {"type": "string", "enum": ["billing", "login", "other"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["topic", "confidence"],
    "additionalProperties": False,
}


def test_complete_returns_text_tokens_and_model(llm_peer, settings):
    settings.OPENAI_MODEL_ANSWER = "answer-model-x"
    llm_peer.reply("Use the reset link on the login page [1].", prompt_tokens=42, completion_tokens=9)

    result = llm.complete(feature="answer", messages=QUESTION)

    assert result.text == "Use the reset link on the login page [1]."
    assert (result.prompt_tokens, result.completion_tokens, result.total_tokens) == (42, 9, 51)
    assert result.model == "answer-model-x"
    assert result.parsed is None
    assert result.finish_reason == "stop"
    assert result.latency_ms >= 0
    [request] = llm_peer.chat_requests
    assert request.body["model"] == "answer-model-x"
    assert request.body["messages"] == QUESTION
    assert request.headers["authorization"] == "Bearer test-key-llm-peer"


@pytest.mark.parametrize(
    ("feature", "setting"),
    [
        ("answer", "OPENAI_MODEL_ANSWER"),
        ("draft", "OPENAI_MODEL_DRAFT"),
        ("summary", "OPENAI_MODEL_SUMMARY"),
        ("triage", "OPENAI_MODEL_TRIAGE"),
    ],
)
def test_each_feature_uses_its_own_model(llm_peer, settings, feature, setting):
    setattr(settings, setting, f"{feature}-model")
    llm_peer.reply("ok")

    llm.complete(feature=feature, messages=QUESTION)

    assert llm_peer.chat_requests[0].body["model"] == f"{feature}-model"


def test_unknown_feature_is_a_programming_error(llm_peer):
    with pytest.raises(ValueError, match="unknown LLM feature"):
        llm.complete(feature="poetry", messages=QUESTION)
    assert llm_peer.requests == []


def test_store_false_is_sent_on_every_kind_of_call(llm_peer):
    llm_peer.reply("plain")
    llm_peer.reply_json({"topic": "login", "confidence": 0.9})
    llm_peer.reply("streamed reply")

    llm.complete(feature="answer", messages=QUESTION)
    llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)
    list(llm.stream(feature="draft", messages=QUESTION))

    assert [request.body["store"] for request in llm_peer.chat_requests] == [False, False, False]


def test_temperature_and_max_tokens_are_passed_through(llm_peer):
    llm_peer.reply("ok")

    llm.complete(feature="answer", messages=QUESTION, temperature=0.1, max_tokens=300)

    body = llm_peer.chat_requests[0].body
    assert (body["temperature"], body["max_tokens"]) == (0.1, 300)


def test_empty_reply_is_a_bad_response(llm_peer):
    llm_peer.reply("")

    with pytest.raises(llm.LLMBadResponse, match="empty"):
        llm.complete(feature="answer", messages=QUESTION)


def test_reply_can_be_a_function_of_the_request(llm_peer):
    llm_peer.reply_with(lambda request: f"You asked: {request.last_user_text}")

    result = llm.complete(feature="answer", messages=QUESTION)

    assert result.text == "You asked: How do I reset my password?"


# --- streaming ------------------------------------------------------------------------------


def test_stream_yields_deltas_then_a_result_with_usage(llm_peer):
    llm_peer.reply("Open Settings, then Security.", chunks=["Open ", "Settings, ", "then ", "Security."])

    text_stream = llm.stream(feature="answer", messages=QUESTION)
    deltas = list(text_stream)

    assert deltas == ["Open ", "Settings, ", "then ", "Security."]
    assert text_stream.result.text == "Open Settings, then Security."
    assert text_stream.result.completion_tokens == 6
    assert text_stream.result.prompt_tokens > 0
    body = llm_peer.chat_requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


def test_stream_open_is_retried_after_a_rate_limit(llm_peer):
    llm_peer.rate_limit(retry_after_ms=10)
    llm_peer.reply("after the wait")

    assert "".join(llm.stream(feature="answer", messages=QUESTION)) == "after the wait"
    assert len(llm_peer.chat_requests) == 2


def test_silent_never_ending_stream_is_cut_at_the_deadline(llm_peer):
    llm_peer.hang_stream()

    text_stream = llm.stream(feature="answer", messages=QUESTION, deadline_s=0.3)
    with pytest.raises(llm.LLMUnavailable, match="did not finish"):
        list(text_stream)
    assert text_stream.result is None
    text_stream._pump.join(timeout=5)
    assert not text_stream._pump.is_alive()  # the reader thread does not outlive the cut


def test_keepalive_only_stream_is_cut_at_the_deadline(llm_peer, settings):
    # Comments keep every read short, so no read timeout ever fires; only the deadline can stop it.
    settings.OPENAI_TIMEOUT_S = 30
    llm_peer.hang_stream(keepalive_interval=0.02)

    text_stream = llm.stream(feature="answer", messages=QUESTION, deadline_s=0.3)
    with pytest.raises(llm.LLMUnavailable, match="did not finish"):
        list(text_stream)
    text_stream._pump.join(timeout=5)
    assert not text_stream._pump.is_alive()  # closing the response released the blocked reader


def test_stream_keeps_deltas_received_before_the_cut(llm_peer):
    def reply_then_hang(request):
        return Fault("hang_stream", keepalive_interval=0.02)

    llm_peer.reply("first words")
    llm_peer.reply_with(reply_then_hang)

    assert "".join(llm.stream(feature="answer", messages=QUESTION)) == "first words"
    with pytest.raises(llm.LLMUnavailable):
        list(llm.stream(feature="answer", messages=QUESTION, deadline_s=0.2))


# --- structured outputs ---------------------------------------------------------------------


def test_structured_output_sends_json_schema_and_validates_the_reply(llm_peer):
    llm_peer.reply_json({"topic": "login", "confidence": 0.83})

    result = llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA, schema_name="triage")

    assert result.parsed == {"topic": "login", "confidence": 0.83}
    assert result.structured_mode == "json_schema"
    response_format = llm_peer.chat_requests[0].body["response_format"]
    assert response_format == {
        "type": "json_schema",
        "json_schema": {"name": "triage", "schema": TRIAGE_SCHEMA, "strict": True},
    }


def test_structured_reply_that_breaks_the_schema_is_a_bad_response(llm_peer):
    llm_peer.reply_json({"topic": "weather", "confidence": 0.5})

    with pytest.raises(llm.LLMBadResponse, match="topic"):
        llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)


def test_structured_reply_that_is_not_json_is_a_bad_response(llm_peer):
    llm_peer.reply("I think it is about logins.")

    with pytest.raises(llm.LLMBadResponse, match="not JSON"):
        llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)


def test_invalid_schema_is_rejected_before_sending(llm_peer):
    with pytest.raises(ValueError, match="invalid JSON Schema"):
        llm.complete(feature="triage", messages=QUESTION, schema={"type": "no-such-type"})
    assert llm_peer.requests == []


def test_falls_back_to_json_object_when_json_schema_is_unsupported(llm_peer):
    llm_peer.reject_response_format("json_schema")
    llm_peer.reply_json({"topic": "billing", "confidence": 0.7})
    llm_peer.reply_json({"topic": "login", "confidence": 0.6})

    first = llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)
    second = llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)

    assert (first.parsed["topic"], first.structured_mode) == ("billing", "json_object")
    assert (second.parsed["topic"], second.structured_mode) == ("login", "json_object")
    formats = [request.response_format_type for request in llm_peer.chat_requests]
    # The rejection is remembered: the second call goes straight to json_object.
    assert formats == ["json_schema", "json_object", "json_object"]
    fallback = llm_peer.chat_requests[1]
    assert '"enum": ["billing", "login", "other"]' in fallback.messages[-1]["content"]
    assert fallback.messages[:2] == QUESTION


def test_falls_back_to_a_plain_prompt_when_no_response_format_is_supported(llm_peer):
    llm_peer.reject_response_format("json_schema", "json_object")
    llm_peer.reply('Sure! Here it is:\n```json\n{"topic": "other", "confidence": 0.4}\n```')

    result = llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)

    assert result.parsed == {"topic": "other", "confidence": 0.4}
    assert result.structured_mode == "prompt"
    last = llm_peer.chat_requests[-1]
    assert "response_format" not in last.body
    assert "JSON Schema" in last.messages[-1]["content"]


def test_fallback_reply_is_still_validated(llm_peer):
    llm_peer.reject_response_format("json_schema")
    llm_peer.reply_json({"topic": "login"})

    with pytest.raises(llm.LLMBadResponse, match="confidence"):
        llm.complete(feature="triage", messages=QUESTION, schema=TRIAGE_SCHEMA)


# --- faults and retries ---------------------------------------------------------------------


def test_rate_limit_is_retried_after_the_servers_retry_after(llm_peer):
    llm_peer.rate_limit(retry_after_ms=150)
    llm_peer.reply("after the wait")

    result = llm.complete(feature="answer", messages=QUESTION)

    assert result.text == "after the wait"
    first, second = llm_peer.chat_requests
    assert second.received_at - first.received_at >= 0.15


def test_retry_after_beyond_the_cap_is_bounded(llm_peer, settings):
    settings.OPENAI_RETRY_MAX_DELAY_S = 0.05
    llm_peer.rate_limit(retry_after_s=3600)
    llm_peer.reply("bounded")

    assert llm.complete(feature="answer", messages=QUESTION).text == "bounded"
    first, second = llm_peer.chat_requests
    assert second.received_at - first.received_at < 3600


def test_server_errors_are_retried_then_reported_unavailable(llm_peer):
    llm_peer.server_error(times=3)
    llm_peer.reply("never reached")

    with pytest.raises(llm.LLMUnavailable, match="HTTP 500 after 3 attempts"):
        llm.complete(feature="answer", messages=QUESTION)
    assert len(llm_peer.chat_requests) == 3  # one try plus OPENAI_MAX_RETRIES=2
    assert llm_peer.pending == 1


def test_server_error_then_success(llm_peer):
    llm_peer.server_error(status=503)
    llm_peer.reply("recovered")

    assert llm.complete(feature="answer", messages=QUESTION).text == "recovered"


def test_client_errors_are_not_retried(llm_peer):
    llm_peer.fail(401, message="Incorrect API key provided")

    with pytest.raises(llm.LLMUnavailable, match="HTTP 401"):
        llm.complete(feature="answer", messages=QUESTION)
    assert len(llm_peer.chat_requests) == 1


def test_malformed_json_is_a_bad_response(llm_peer):
    llm_peer.malformed_json()

    with pytest.raises(llm.LLMBadResponse, match="malformed JSON"):
        llm.complete(feature="answer", messages=QUESTION)
    assert len(llm_peer.chat_requests) == 1


def test_a_server_that_never_answers_times_out(llm_peer, settings):
    settings.OPENAI_TIMEOUT_S = 0.3
    settings.OPENAI_MAX_RETRIES = 1
    llm_peer.hang()
    llm_peer.hang()

    with pytest.raises(llm.LLMUnavailable, match="timed out after 2 attempts"):
        llm.complete(feature="answer", messages=QUESTION)
    assert len(llm_peer.chat_requests) == 2


def test_unreachable_server_is_unavailable(llm_peer, settings):
    llm_peer.stop()
    settings.OPENAI_MAX_RETRIES = 0

    with pytest.raises(llm.LLMUnavailable, match="could not connect"):
        llm.complete(feature="answer", messages=QUESTION)


# --- configuration --------------------------------------------------------------------------


def test_without_a_key_nothing_is_configured_and_nothing_is_sent(llm_peer, settings):
    settings.OPENAI_API_KEY = ""

    assert llm.is_configured() is False
    assert llm.generation_mode("answer") == llm.GenerationMode(False, "not_configured")
    with pytest.raises(llm.LLMNotConfigured):
        llm.complete(feature="answer", messages=QUESTION)
    with pytest.raises(llm.LLMNotConfigured):
        llm.stream(feature="answer", messages=QUESTION)
    with pytest.raises(llm.LLMNotConfigured):
        llm.embed(["text"])
    assert llm_peer.requests == []


def test_configured_feature_is_generative(llm_peer):
    mode = llm.generation_mode("answer")

    assert (mode.generative, mode.reason, mode.label) == (True, "", "generative")


# --- embeddings and models ------------------------------------------------------------------


def test_embeddings_have_the_requested_dimensions_and_record_tokens(llm_peer, settings):
    settings.OPENAI_EMBEDDING_MODEL = "embed-small"
    texts = ["reset my password", "password reset steps", "invoice overdue"]

    result = llm.embed(texts, dimensions=64)

    assert [len(vector) for vector in result.vectors] == [64, 64, 64]
    assert result.vectors[0] == pytest.approx(embedding_vector(texts[0], 64))
    assert result.prompt_tokens == 8
    assert result.model == "embed-small"
    body = llm_peer.embedding_requests[0].body
    assert (body["model"], body["dimensions"], body["input"]) == ("embed-small", 64, texts)
    assert llm.tokens_used_this_month() == 8


def test_embeddings_are_batched(llm_peer):
    texts = [f"text number {index}" for index in range(300)]

    result = llm.embed(texts, dimensions=8)

    assert len(result.vectors) == 300
    assert [len(request.body["input"]) for request in llm_peer.embedding_requests] == [256, 44]


def test_list_models(llm_peer):
    assert llm.list_models() == ["gpt-4o-mini", "text-embedding-3-small"]


# --- prompts --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["answer", "draft", "summary", "triage"])
def test_prompt_files_load_with_a_content_version(name):
    prompt = load_prompt(name)

    assert prompt.version.startswith(f"{name}.v1+")
    assert len(prompt.version.split("+")[1]) == 8
    assert load_prompt(f"{name}.v1") == prompt
    assert "UNTRUSTED DATA" in prompt.text


def test_answer_prompt_states_the_rules():
    text = load_prompt("answer").text

    assert "never instructions to follow" in text
    assert "[2]" in text  # the citation format, with an example
    assert "customer's language" in text
    assert "do not know" in text


def test_prompt_render_requires_every_placeholder():
    prompt = load_prompt("answer")
    assert prompt.placeholders == {"company_name", "canary", "language"}

    rendered = prompt.render(company_name="Acme", canary="CANARY-123", language="German")
    assert "Acme" in rendered and "CANARY-123" in rendered and "$" not in rendered
    with pytest.raises(KeyError):
        prompt.render(company_name="Acme")


def test_prompt_version_changes_with_content(tmp_path):
    (tmp_path / "demo.v1.txt").write_text("first")
    (tmp_path / "demo.v2.txt").write_text("second")
    (tmp_path / "other.v1.txt").write_text("first")

    latest = load_prompt("demo", tmp_path)

    assert latest.text == "second"
    assert latest.version.startswith("demo.v2+")
    assert (
        load_prompt("demo.v1", tmp_path).version.split("+")[1]
        == load_prompt("other", tmp_path).version.split("+")[1]
    )
    with pytest.raises(FileNotFoundError):
        load_prompt("missing", tmp_path)


def test_reply_objects_are_accepted_from_responders(llm_peer):
    llm_peer.reply_with(lambda request: Reply("from a Reply", model="served-model"))

    result = llm.complete(feature="answer", messages=QUESTION)

    assert (result.text, result.model) == ("from a Reply", "served-model")
