"""Ticket summaries for agents: the customer's problem, what was tried, the current state.

Generative through the summary prompt when the model may run; otherwise (or on a provider fault)
extractive: the key sentences of the thread, picked by role and position. Input is redacted text;
the caller restores placeholders (agents may see the customer's data).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from ai.guardrails import contains_canary
from ai.guardrails.support import content_stems
from ai.pipelines.extractive import passage_sentences
from ai.pipelines.prompting import PromptFrame, company_name, history_block, language_name, system_message
from ai.prompt_files import load_prompt
from gateway import llm
from gateway.pii import RedactionMap

MIN_MESSAGES = 4
MAX_SENTENCES = 6
_TRIED = re.compile(
    r"\b(?:tried|try|trying|attempted|restart(?:ed)?|reinstall(?:ed)?|reset|cleared|already|checked|"
    r"updated|still|again|versucht|neu gestartet|bereits|schon|immer noch|essayé|déjà|intenté|ya)\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class ThreadMessage:
    role: str  # "customer", "agent", "ai", "system"
    text: str


@dataclass
class SummaryResult:
    text: str
    mode: str
    mode_reason: str = ""
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stage_ms: dict = field(default_factory=dict)
    citations: list = field(default_factory=list)
    reason: str = ""
    language: str = ""
    redacted_input: str = ""

    @property
    def latency_ms(self) -> int:
        return round(sum(self.stage_ms.values()))

    @property
    def redacted_output(self) -> str:
        return self.text

    problems: tuple = ()


def _sentences(text: str) -> list[str]:
    found = passage_sentences(text)
    if found:
        return found
    return [piece.strip() for piece in _SENTENCES.split(" ".join(text.split())) if piece.strip()]


def _most_informative(sentences: Sequence[str], count: int) -> list[str]:
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(content_stems(sentences[i])), i))
    return [sentences[i] for i in sorted(ranked[:count])]


def extractive_summary(messages: Sequence[ThreadMessage], *, language: str = "en") -> str:
    """Problem: the customer's first message; tried: sentences about attempts and the team's replies;
    current state: the latest message and who is waiting for whom."""
    customer = [m for m in messages if m.role == "customer" and m.text.strip()]
    if not customer:
        return ""
    problem = _most_informative(_sentences(customer[0].text), 2)
    tried: list[str] = []
    for message in messages[1:-1] if len(messages) > 2 else []:
        sentences = _sentences(message.text)
        if message.role == "customer":
            tried += [s for s in sentences if _TRIED.search(s)][:1]
        elif message.role in ("agent", "ai") and sentences:
            tried += _most_informative(sentences, 1)
    last = messages[-1]
    current = _most_informative(_sentences(last.text), 1) if last is not customer[0] else []
    with translation.override(language or None):
        waiting = _("Waiting for the team.") if last.role == "customer" else _("Waiting for the customer.")
        lines = [f"{_('Problem')}: {' '.join(problem)}"]
        if tried:
            lines.append(f"{_('Tried so far')}: {' '.join(tried[-3:])}")
        lines.append(f"{_('Current state')}: {' '.join(current)} {waiting}".replace("  ", " "))
    return "\n".join(lines)


def summarize(
    messages: Sequence[ThreadMessage], *, language: str = "en", redaction: RedactionMap | None = None
) -> SummaryResult:
    """The thread's summary; ``messages`` are redacted already (the gateway redacts again, with
    ``redaction``, the conversation's map, before anything leaves)."""
    started = time.perf_counter()
    mode = llm.generation_mode("summary")
    redacted_input = "\n".join(f"{m.role}: {m.text}" for m in messages)
    reason = mode.reason
    if mode.generative:
        frame = PromptFrame.new()
        prompt = load_prompt("summary")
        system = prompt.render(
            company_name=_company(),
            canary=frame.canary,
            language=language_name(language),
            max_sentences=MAX_SENTENCES,
        )
        turns = [{"role": "user" if m.role == "customer" else "assistant", "text": m.text} for m in messages]
        request = [system_message(system, frame), {"role": "user", "content": history_block(turns, frame)}]
        try:
            result = llm.complete(
                feature="summary", messages=request, temperature=0.1, max_tokens=400, redaction=redaction
            )
        except llm.LLMError as error:
            reason = error.reason
        else:
            if not contains_canary(result.text, frame.canary):
                text = result.restore_prompt_values(result.text.strip())
                return SummaryResult(
                    text=text, mode="generative", model=result.model,
                    prompt_version=prompt.version, prompt_tokens=result.prompt_tokens,
                    completion_tokens=result.completion_tokens, language=language, redacted_input=redacted_input,
                    stage_ms={"generate": round((time.perf_counter() - started) * 1000, 2)},
                )  # fmt: skip
            reason = "canary_leak"
    text = extractive_summary(messages, language=language)
    return SummaryResult(
        text=text, mode="extractive", mode_reason=reason, language=language, redacted_input=redacted_input,
        stage_ms={"extract": round((time.perf_counter() - started) * 1000, 2)},
    )  # fmt: skip


def _company() -> str:
    return company_name()
