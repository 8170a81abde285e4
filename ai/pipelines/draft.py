"""Reply drafts for agents: greeting, answer from the knowledge base, sign-off in the agent's style.

Generative through the draft prompt (tone per variant: original / shorter / friendlier / more formal)
when the model may run; otherwise, or on a provider fault, the quoted answer wrapped in a greeting
and the agent's signature. The agent reads and edits every draft before anything is sent, so a draft
is never handed off; a leaked canary still discards the generated text. For the same reason the
quote has a lower bar than a customer answer: when search found a relevant article, a draft quotes
its best sentences (``draft_quote``) where a customer answer would wait for a person.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from ai.guardrails import contains_canary
from ai.pipelines.answer_signals import ranking_tops
from ai.pipelines.extractive import with_intro
from ai.pipelines.focus import focus_question
from ai.pipelines.prompting import (
    PromptFrame,
    company_name,
    history_block,
    language_name,
    sources_block,
    system_message,
    tagged,
)
from ai.pipelines.sources import (
    PROMPT_PASSAGES,
    citations_for,
    extract_stage,
    passages_of,
    reply_embeddings,
    retrieve_stage,
)
from ai.prompt_files import load_prompt
from gateway import llm
from gateway.pii import RedactionMap
from knowledge.selectors.search import DEFAULT_TUNING

TONES = {
    "original": "friendly and professional",
    "shorter": "friendly and professional; as short as possible: two or three sentences",
    "friendlier": "warm, empathetic and encouraging",
    "more_formal": "formal and courteous",
}


@dataclass(frozen=True)
class DraftInput:
    question: str  # redacted latest customer message
    history: Sequence[dict] = ()  # redacted earlier public turns
    language: str = "en"
    customer_first_name: str = ""  # placeholder or name; restored by the caller
    agent_name: str = ""
    signature: str = ""
    macro_style: str = ""
    variant: str = "original"
    redaction: RedactionMap | None = None  # the conversation's map: the gateway keeps placeholders consistent


@dataclass
class DraftResult:
    text: str
    citations: list
    mode: str
    mode_reason: str = ""
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stage_ms: dict = field(default_factory=dict)
    language: str = ""
    redacted_input: str = ""
    reason: str = ""
    problems: list = field(default_factory=list)

    @property
    def redacted_output(self) -> str:
        return self.text

    @property
    def latency_ms(self) -> int:
        return round(sum(self.stage_ms.values()))


def greeting(name: str, variant: str) -> str:
    if variant == "more_formal":
        return _("Dear %(name)s,") % {"name": name} if name else _("Dear customer,")
    return _("Hi %(name)s,") % {"name": name} if name else _("Hello,")


def sign_off(agent_name: str, signature: str, variant: str) -> str:
    if signature.strip():
        return signature.strip()
    closing = _("Kind regards,") if variant == "more_formal" else _("Best regards,")
    return f"{closing}\n{agent_name}".strip()


def extractive_draft(body: str, data: DraftInput) -> str:
    """The quoted answer between a greeting and a sign-off; a holding reply when nothing was found."""
    with translation.override(data.language or None):
        lines = [greeting(data.customer_first_name, data.variant), ""]
        if data.variant == "friendlier":
            lines += [_("Thanks for reaching out, I'm happy to help."), ""]
        if body:
            if data.variant == "shorter":
                body = body.splitlines()[0]
            lines.append(with_intro(body, data.language))
        else:
            lines.append(
                _(
                    "Thanks for your message. We are looking into your question and will get back to you shortly."
                )
            )
        if data.variant == "friendlier":
            lines += ["", _("I hope this helps! Let me know if anything is unclear.")]
        lines += ["", sign_off(data.agent_name, data.signature, data.variant)]
    return "\n".join(lines)


def subject_article(hits: Sequence) -> int | None:
    """The article the message is about, when search is sure: the first hit is close in meaning
    (the help center's relevance cosine), or the vector and the full-text ranking both put its
    article first (two independent rankers agreeing)."""
    first = hits[0]
    if (first.vector_score or 0.0) >= DEFAULT_TUNING.relevance_cosine:
        return first.article_id
    vector_top, text_top = ranking_tops(hits)
    return first.article_id if vector_top == text_top == first.article_id else None


def draft_quote(question: str, history: Sequence[dict], hits: Sequence, embed) -> str:
    """The quoted sentences for an extractive draft, cited by their hit's number.

    When search is sure of the article (``subject_article``), the best sentences of that article's
    passages are quoted, however much a long message with greetings and thanks dilutes their score
    (the agent reads the draft before it goes out). When it is not (a vague "the same problem is
    back", a question no article covers), nothing: the draft is a holding reply, not a guess.
    """
    if not hits or not question.strip():
        return ""
    subject = subject_article(hits)
    if subject is None:
        return ""
    # Other articles' passages are blanked, not dropped, so [n] still names the n-th hit.
    kept = [hit if hit.article_id == subject else replace(hit, text="") for hit in hits[:PROMPT_PASSAGES]]
    return extract_stage(question, kept, embed, history).text


def draft_messages(data: DraftInput, hits: Sequence, frame: PromptFrame) -> tuple[list[dict], str]:
    prompt = load_prompt("draft")
    system = prompt.render(
        agent_name=data.agent_name or "the agent", company_name=company_name(), canary=frame.canary,
        language=language_name(data.language), tone=TONES.get(data.variant, TONES["original"]),
        macro_style=data.macro_style or data.signature,
    )  # fmt: skip
    parts = ["Knowledge-base sources:", sources_block(passages_of(hits), frame) or "(no sources found)"]
    if data.history:
        parts += ["Conversation so far:", history_block(data.history, frame)]
    parts += ["The customer's latest message:", tagged("customer_message", data.question, frame)]
    return [system_message(system, frame), {"role": "user", "content": "\n\n".join(parts)}], prompt.version


def build_draft(
    data: DraftInput, *, embed: Callable[[list[str]], np.ndarray] | None = None, hits: Sequence | None = None
) -> DraftResult:
    stage_ms: dict[str, float] = {}
    started = time.perf_counter()
    embed, retrieval_embedder = reply_embeddings(embed)  # retrieval and the quote share sentence vectors
    focus = focus_question(data.question)  # the salutation and the sign-off are not the question
    if hits is None:
        hits = retrieve_stage(focus, data.history, embedder=retrieval_embedder)
    stage_ms["retrieve"] = round((time.perf_counter() - started) * 1000, 2)
    mode = llm.generation_mode("draft")
    reason = mode.reason
    started = time.perf_counter()
    if mode.generative:
        frame = PromptFrame.new()
        messages, version = draft_messages(data, hits, frame)
        try:
            result = llm.complete(
                feature="draft", messages=messages, temperature=0.4, max_tokens=700, redaction=data.redaction
            )
        except llm.LLMError as error:
            reason = error.reason
        else:
            stage_ms["generate"] = round((time.perf_counter() - started) * 1000, 2)
            if not contains_canary(result.text, frame.canary):
                text = result.restore_prompt_values(result.text.strip())
                return DraftResult(
                    text=text, citations=citations_for(result.text, hits), mode="generative",
                    model=result.model, prompt_version=version, prompt_tokens=result.prompt_tokens,
                    completion_tokens=result.completion_tokens, stage_ms=stage_ms, language=data.language,
                    redacted_input=data.question,
                )  # fmt: skip
            reason = "canary_leak"
    body = draft_quote(focus, data.history, hits, embed)
    text = extractive_draft(body, data)
    stage_ms["extract"] = round((time.perf_counter() - started) * 1000, 2)
    return DraftResult(
        text=text, citations=citations_for(body, hits), mode="extractive", mode_reason=reason,
        stage_ms=stage_ms, language=data.language, redacted_input=data.question,
    )  # fmt: skip
