"""Chat messages for the answer, draft and summary prompts, with every untrusted text fenced.

The prompt files (ai/prompts/) name the tags untrusted data arrives in (<customer_message>,
<source n="1">, <history>, <email>). Inside each tag the text is additionally fenced by
``ai.guardrails.fence_untrusted`` with this request's random boundary, and anything in the text that
imitates one of our tags is defanged, so a passage cannot close its own tag and start "instructions".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from ai.guardrails import fence_untrusted, make_boundary, make_canary, spotlight_instructions

_OUR_TAGS = re.compile(
    r"<\s*(/?)\s*(customer_message|source|history|email|macro_style)\b[^>]*>", re.IGNORECASE
)

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
}


@dataclass(frozen=True)
class PromptFrame:
    """Per-request secrets: the fence boundary and the canary."""

    boundary: str
    canary: str

    @classmethod
    def new(cls) -> PromptFrame:
        return cls(boundary=make_boundary(), canary=make_canary())


def company_name() -> str:
    return str(getattr(settings, "HELMDESK_COMPANY_NAME", "") or "our company")


def language_name(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})" if code else "the customer's language"


def defang_tags(text: str) -> str:
    return _OUR_TAGS.sub(lambda match: f"‹{match.group(1)}{match.group(2)}›", text)


def tagged(tag: str, text: str, frame: PromptFrame, **attributes: object) -> str:
    attrs = "".join(f' {name}="{value}"' for name, value in attributes.items())
    body = fence_untrusted(tag, defang_tags(text), boundary=frame.boundary)
    return f"<{tag}{attrs}>\n{body}\n</{tag}>"


def history_block(history: Sequence[dict], frame: PromptFrame) -> str:
    lines = []
    for turn in history:
        role = str(turn.get("role") or "user")
        speaker = "Customer" if role in ("user", "customer") else "Support"
        lines.append(f"{speaker}: {turn.get('text') or ''}")
    return tagged("history", "\n".join(lines), frame) if lines else ""


def sources_block(passages: Sequence[tuple[str, str]], frame: PromptFrame) -> str:
    """``passages``: (title, text) pairs, numbered from 1 as the model must cite them."""
    return "\n".join(
        tagged("source", f"{title}\n{text}" if title else text, frame, n=number)
        for number, (title, text) in enumerate(passages, start=1)
    )


def system_message(prompt_text: str, frame: PromptFrame) -> dict:
    return {"role": "system", "content": f"{prompt_text}\n\n{spotlight_instructions(frame.boundary)}"}


def answer_messages(
    *,
    prompt,
    question: str,
    passages: Sequence[tuple[str, str]],
    history: Sequence[dict],
    language: str,
    frame: PromptFrame,
    channel_tag: str = "customer_message",
) -> list[dict]:
    system = prompt.render(company_name=company_name(), canary=frame.canary, language=language_name(language))
    parts = [
        "Knowledge-base sources (cite them by number):",
        sources_block(passages, frame) or "(no sources found)",
    ]
    if history:
        parts += ["Conversation so far:", history_block(history, frame)]
    parts += ["The customer's latest message:", tagged(channel_tag, question, frame)]
    return [system_message(system, frame), {"role": "user", "content": "\n\n".join(parts)}]
