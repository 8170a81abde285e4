"""The LLM regime: the taxonomy goes to the configured model, which returns a structured answer
(topic id, confidence, one-line reason, plus urgency, sentiment and language)."""

from __future__ import annotations

from dataclasses import dataclass

from ai.pipelines.triage.prototypes import TopicText
from ai.prompt_files import load_prompt
from gateway import llm

PROMPT_NAME = "triage"


@dataclass(frozen=True)
class LLMTriage:
    topic_id: int | None
    confidence: float
    reason: str
    urgency: str
    sentiment: str
    language: str
    prompt_version: str
    model: str


def triage_schema(topic_ids: list[int]) -> dict:
    return {
        "type": "object",
        "properties": {
            "topic_id": {"type": "integer", "enum": [*topic_ids, 0]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "reason": {"type": "string", "maxLength": 300},
            "urgency": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
            "sentiment": {"type": "string", "enum": ["negative", "neutral", "positive"]},
            "language": {"type": "string", "maxLength": 10},
        },
        "required": ["topic_id", "confidence", "reason", "urgency", "sentiment", "language"],
        "additionalProperties": False,
    }


def _topic_lines(topics: list[TopicText]) -> str:
    lines = []
    for topic in topics:
        line = f"- id {topic.topic_id}: {topic.name}"
        if topic.description:
            line += f" — {topic.description}"
        if topic.examples:
            line += " (e.g. " + "; ".join(f'"{example}"' for example in topic.examples[:3]) + ")"
        lines.append(line)
    lines.append("- id 0: none of these fits")
    return "\n".join(lines)


def llm_triage(
    *, text: str, topics: list[TopicText], teams: str, company_name: str = "our company"
) -> LLMTriage:
    """Raises gateway.llm.LLMError subclasses when the model cannot be used or answers badly.

    ``text`` may be the customer's raw words: the gateway redacts every message before it leaves
    (LLMRedactionFailed when it cannot), so no caller can send them unredacted.
    """
    prompt = load_prompt(PROMPT_NAME)
    system = prompt.render(company_name=company_name, topics=_topic_lines(topics), teams=teams or "-")
    system += (
        "\n\nAnswer with `topic_id` (the number of the topic, 0 if none fits), `confidence`, "
        "`reason` (one short sentence, no personal data), `urgency`, `sentiment` and `language`."
    )
    result = llm.complete(
        feature="triage",
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": f"<customer_message>\n{text}\n</customer_message>"},
        ],
        schema=triage_schema([topic.topic_id for topic in topics]),
        schema_name="triage",
        temperature=0,
    )
    data = result.parsed
    topic_id = int(data["topic_id"]) or None
    return LLMTriage(
        topic_id=topic_id,
        confidence=float(data["confidence"]) if topic_id else 0.0,
        reason=" ".join(str(data["reason"]).split())[:300],
        urgency=data["urgency"],
        sentiment=data["sentiment"],
        language=str(data["language"]).lower()[:10],
        prompt_version=prompt.version,
        model=result.model,
    )
