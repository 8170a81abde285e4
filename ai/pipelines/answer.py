"""The answer pipeline: redact, detect language, screen, retrieve, decide, generate, verify, score.

    answer = answer_question(AnswerRequest(question="How do I reset my password?", known_language="en"))
    answer.decision  # "answered", "handed_off" or "blocked"

Each stage is a plain function below with its own tests; ``answer_question`` runs them in order and
times each one (``Answer.stage_ms``). Nothing here writes to the database: the inbound task records
the AIInteraction and posts the reply or the handoff (ai.services).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ai.guardrails import RetrievalScores, assess_scope, detect_abuse, detect_injection
from ai.models import AISettings
from ai.pipelines import confidence as conf
from ai.pipelines import sources
from ai.pipelines.answer_signals import confidence_stage
from ai.pipelines.extractive import ExtractiveAnswer, with_intro
from ai.pipelines.focus import focus_question
from ai.pipelines.handoff import (
    HandoffContext,
    HandoffMatch,
    active_rules,
    embedding_similarity,
    first_matching_rule,
)
from ai.pipelines.language import detect_language
from ai.pipelines.prompting import PromptFrame, answer_messages
from ai.pipelines.verify import VerifiedText, sentence_similarity, verify_answer
from ai.prompt_files import load_prompt
from gateway import llm
from gateway.pii import RedactionError, RedactionMap, Redactor

ANSWERED, HANDED_OFF, BLOCKED = "answered", "handed_off", "blocked"
EXTRACTIVE, GENERATIVE = "extractive", "generative"
CUSTOMER_SOURCE = "customer"
CERTAIN_INJECTION = 0.98  # the classifier alone blocks only above this


@dataclass
class AnswerRequest:
    question: str  # the customer's message, as written (redacted by the pipeline)
    history: Sequence[dict] = ()  # earlier turns, oldest first: {"role": "user"|"assistant", "text": ...}
    known_language: str = ""
    redaction: RedactionMap | None = None  # the conversation's map; updated in place
    previous_questions: Sequence[str] = ()  # the customer's earlier messages (raw)
    sentiment_score: float | None = None  # from triage, when it ran
    html: str | None = None  # the email's HTML, screened for hidden instructions
    channel_tag: str = "customer_message"  # "email" for email bodies
    audience: str = "public"
    apply_rules: bool = True
    # Streaming: called with each piece of the model's text as it arrives (before the checks: the
    # caller shows it as provisional and replaces it with the checked answer or withdraws it).
    on_delta: Callable[[str], None] | None = None


@dataclass
class Answer:
    text: str  # customer-facing: placeholders re-filled with what this customer gave; "" on handoff
    citations: list[dict]
    confidence: float
    decision: str
    reason: str
    language: str
    mode: str
    mode_reason: str = ""
    stage_ms: dict[str, float] = field(default_factory=dict)
    stage_cpu_ms: dict[str, float] = field(default_factory=dict)  # the process's CPU time per stage
    redacted_input: str = ""
    redacted_output: str = ""
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    problems: list[str] = field(default_factory=list)
    handoff: HandoffMatch | None = None
    hits: list = field(default_factory=list)
    signals: dict = field(default_factory=dict)  # what the confidence was computed from

    @property
    def latency_ms(self) -> int:
        return round(sum(self.stage_ms.values()))

    @property
    def handed_off(self) -> bool:
        return self.decision != ANSWERED


@dataclass(frozen=True)
class Redacted:
    question: str
    history: list[dict]
    previous_questions: list[str]


@dataclass(frozen=True)
class Screening:
    blocked: bool
    reason: str = ""
    injection_score: float = 0.0
    # The classifier alone found the text instruction-like (no known phrasing, nothing hidden): it
    # misfires on short chat turns ("Thank you!"), so the message is answered, but never by the model.
    suspicious: bool = False


@dataclass
class Generated:
    text: str
    mode: str
    mode_reason: str = ""
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0


# --- stages ----------------------------------------------------------------------------------------
def redact_stage(request: AnswerRequest, redactor: Redactor) -> Redacted:
    """Placeholders for PII in everything that may reach a model or a log. Raises RedactionError."""
    history = []
    for turn in request.history:
        role = str(turn.get("role") or "user")
        source = CUSTOMER_SOURCE if role in ("user", "customer") else "agent"
        history.append({"role": role, "text": redactor.redact(str(turn.get("text") or ""), source=source)})
    return Redacted(
        question=redactor.redact(request.question, source=CUSTOMER_SOURCE),
        history=history,
        previous_questions=[
            redactor.redact(text, source=CUSTOMER_SOURCE) for text in request.previous_questions
        ],
    )


def screen_stage(text: str, *, html: str | None = None) -> Screening:
    """Prompt injection and abuse in the customer's own text (hidden email HTML included)."""
    injection = detect_injection(text, html)
    evidence = [reason for reason in injection.reasons if ":classifier:" not in reason]
    if injection.is_injection and (evidence or injection.score >= CERTAIN_INJECTION):
        return Screening(True, "prompt_injection", injection.score)
    abuse = detect_abuse(text)
    if abuse.is_abusive:
        return Screening(True, f"abusive ({abuse.level})", injection.score)
    return Screening(False, "", injection.score, suspicious=injection.is_injection)


def decide_stage(
    context: HandoffContext, *, rules=None, embed: Callable[[list[str]], np.ndarray] | None = None
) -> HandoffMatch | None:
    rules = active_rules() if rules is None else rules
    similarity = embedding_similarity(embed) if embed else None
    return first_matching_rule(rules, context, similarity=similarity)


def generate_stage(
    question: str,
    hits: Sequence,
    history: Sequence[dict],
    *,
    language: str,
    frame: PromptFrame,
    channel_tag: str,
    redaction: RedactionMap | None = None,
    on_delta: Callable[[str], None] | None = None,
) -> Generated:
    """The model's answer with numbered sources. Raises LLMError (the caller falls back to extractive).

    The texts are redacted already; the gateway redacts everything it sends once more (with the
    conversation's ``redaction`` map, so placeholders stay the same) and cannot be skipped.
    """
    prompt = load_prompt("answer")
    messages = answer_messages(
        prompt=prompt, question=question, passages=sources.passages_of(hits), history=history,
        language=language, frame=frame, channel_tag=channel_tag,
    )  # fmt: skip
    if on_delta is None:
        result = llm.complete(
            feature="answer", messages=messages, temperature=0.2, max_tokens=600, redaction=redaction
        )
    else:
        result = _streamed(messages, redaction=redaction, canary=frame.canary, on_delta=on_delta)
    # Values the gateway removed from the passages (a support phone, say) go back before verification.
    text = result.restore_prompt_values(result.text.strip())
    return Generated(
        text=text, mode=GENERATIVE, model=result.model, prompt_version=prompt.version,
        prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens,
    )  # fmt: skip


def _streamed(messages, *, redaction, canary: str, on_delta: Callable[[str], None]) -> llm.LLMResult:
    """``llm.stream`` with each delta passed on while the text holds no canary (a leak stops the flow)."""
    with llm.stream(
        feature="answer", messages=messages, temperature=0.2, max_tokens=600, redaction=redaction
    ) as stream:
        for delta in stream:
            if canary not in stream.text:
                on_delta(delta)
    if stream.result is None or not stream.result.text.strip():
        raise llm.LLMBadResponse("the model returned an empty reply")
    return stream.result


# --- the pipeline ----------------------------------------------------------------------------------
class _Timer:
    def __init__(self) -> None:
        self.stage_ms: dict[str, float] = {}
        self.stage_cpu_ms: dict[str, float] = {}

    def run(self, name: str, func, *args, **kwargs):
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            self.stage_ms[name] = round(
                self.stage_ms.get(name, 0.0) + (time.perf_counter() - started) * 1000, 2
            )
            self.stage_cpu_ms[name] = round(
                self.stage_cpu_ms.get(name, 0.0) + (time.process_time() - cpu_started) * 1000, 2
            )


def answer_question(
    request: AnswerRequest,
    *,
    redactor: Redactor | None = None,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    rules=None,
    threshold: float | None = None,
) -> Answer:
    timer = _Timer()
    redactor = redactor or Redactor(request.redaction)
    # Language first (it never leaves the process): even a failed redaction is handed off in it.
    language = timer.run(
        "language", lambda: detect_language(request.question, known_language=request.known_language).code
    )

    def stop(decision: str, reason: str, **extra) -> Answer:
        return Answer(text="", citations=[], confidence=0.0, decision=decision, reason=reason,
                      language=language, mode=extra.pop("mode", EXTRACTIVE), stage_ms=timer.stage_ms,
                      stage_cpu_ms=timer.stage_cpu_ms, **extra)  # fmt: skip

    try:
        redacted = timer.run("redact", redact_stage, request, redactor)
    except RedactionError as error:
        return stop(
            HANDED_OFF, f"redaction_failed: {str(error)[:200]}", redacted_input="[withheld: redaction failed]"
        )
    screening = timer.run("screen", screen_stage, request.question, html=request.html)
    if screening.blocked:
        return stop(BLOCKED, screening.reason, redacted_input=redacted.question)

    embed, retrieval_embedder = sources.reply_embeddings(embed)
    # Search, the quote and the confidence read what is asked; screening and the rules read it all.
    focus = focus_question(redacted.question)
    hits = timer.run(
        "retrieve", sources.retrieve_stage, focus, redacted.history, audience=request.audience,
        language=language, embedder=retrieval_embedder,
    )  # fmt: skip
    scores = RetrievalScores.from_hits(hits)
    top_cosine = max(scores.cosines, default=0.0)
    if request.apply_rules:
        context = HandoffContext(
            text=redacted.question, language=language, sentiment_score=request.sentiment_score,
            top_cosine=top_cosine, previous_questions=redacted.previous_questions,
        )  # fmt: skip
        match = timer.run("decide", decide_stage, context, rules=rules, embed=embed)
        if match:
            return stop(
                HANDED_OFF,
                f"rule: {match.reason}",
                handoff=match,
                redacted_input=redacted.question,
                hits=hits,
            )
    scope = assess_scope(focus, scores)
    if scope.reason == "unrelated_task":  # "write me a poem": not what the help desk is for
        return stop(HANDED_OFF, "out_of_scope: unrelated_task", redacted_input=redacted.question, hits=hits)
    if not hits:
        return stop(HANDED_OFF, "no_sources", redacted_input=redacted.question)

    extractive = timer.run("extract", sources.extract_stage, focus, hits, embed, redacted.history)
    generated, verified = timer.run(
        "generate", _generate_or_extract, request, redacted, hits, extractive, language,
        allow_model=not screening.suspicious, redaction=redactor.mapping, embed=embed,
    )  # fmt: skip
    if verified.blocked:
        return stop(BLOCKED, verified.reason, redacted_input=redacted.question, problems=verified.problems,
                    mode=generated.mode, model=generated.model, prompt_version=generated.prompt_version,
                    prompt_tokens=generated.prompt_tokens, completion_tokens=generated.completion_tokens)  # fmt: skip
    confidence, inputs = timer.run(
        "confidence", confidence_stage, hits, extractive, verified, generated, history=redacted.history,
        embed=embed, question=focus,
    )  # fmt: skip
    threshold = AISettings.load().confidence_threshold if threshold is None else threshold

    answer = Answer(
        text="", citations=sources.citations_for(verified.text, hits), confidence=confidence, decision=ANSWERED,
        reason=f"confidence {confidence:.2f} (scope: {scope.reason})", language=language, mode=generated.mode,
        mode_reason=generated.mode_reason, stage_ms=timer.stage_ms, stage_cpu_ms=timer.stage_cpu_ms,
        redacted_input=redacted.question,
        redacted_output=verified.text, model=generated.model, prompt_version=generated.prompt_version,
        prompt_tokens=generated.prompt_tokens, completion_tokens=generated.completion_tokens,
        problems=verified.problems, hits=hits,
        signals={**asdict(inputs), "scope": scope.reason},
    )  # fmt: skip
    if not verified.text:
        answer.decision, answer.reason = HANDED_OFF, verified.reason or "no_supported_answer"
    elif confidence < threshold:
        answer.decision, answer.reason = HANDED_OFF, f"low_confidence {confidence:.2f} < {threshold:.2f}"
    else:
        shown = with_intro(verified.text, language) if generated.mode == EXTRACTIVE else verified.text
        answer.text = redactor.restore(shown, sources=[CUSTOMER_SOURCE])
    return answer


def _generate_or_extract(
    request,
    redacted: Redacted,
    hits,
    extractive: ExtractiveAnswer,
    language: str,
    *,
    allow_model: bool = True,
    redaction: RedactionMap | None = None,
    embed=None,
):
    """Generate and verify; on a provider fault or a failed check, the quoted answer (verified too)."""
    frame = PromptFrame.new()
    mode = llm.generation_mode("answer")
    customer_texts = [redacted.question, *(turn["text"] for turn in redacted.history)]
    citable = hits[: sources.PROMPT_PASSAGES]  # the passages a quote or a generated answer may cite
    fallback_reason = mode.reason if allow_model else "suspicious_input"
    if mode.generative and allow_model:
        try:
            generated = generate_stage(
                redacted.question, hits, redacted.history, language=language, frame=frame,
                channel_tag=request.channel_tag, redaction=redaction, on_delta=request.on_delta,
            )  # fmt: skip
        except llm.LLMError as error:
            fallback_reason = error.reason
        else:
            # Support on meaning, per sentence: a German answer from an English passage is not
            # rejected for sharing no words with it.
            verified = verify_answer(
                generated.text, citable, customer_texts, canary=frame.canary,
                similarity=sentence_similarity(embed) if embed is not None else None,
            )  # fmt: skip
            if not verified.blocked and conf.model_signal(generated.text) < 1.0:
                # The model read the sources and says they do not answer: a person should, not a quote.
                return generated, VerifiedText(text="", ok=False, reason="model_abstained", support_ratio=0.0)
            if verified.ok or verified.blocked:
                return generated, verified
            fallback_reason = "failed_checks"
            extra_problems = verified.problems
            quoted = verify_answer(extractive.text, citable, customer_texts)
            quoted.problems = [*extra_problems, *quoted.problems]
            return _quoted(generated, fallback_reason), quoted
    quoted = verify_answer(extractive.text, citable, customer_texts)
    return Generated(text=extractive.text, mode=EXTRACTIVE, mode_reason=fallback_reason), quoted


def _quoted(generated: Generated, reason: str) -> Generated:
    """The extractive fallback keeps the tokens the failed generation spent, for the record."""
    return Generated(
        text="", mode=EXTRACTIVE, mode_reason=reason, model=generated.model,
        prompt_version=generated.prompt_version, prompt_tokens=generated.prompt_tokens,
        completion_tokens=generated.completion_tokens,
    )  # fmt: skip
