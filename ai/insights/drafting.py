"""Draft an article from a knowledge gap, opened in the knowledge base's editor as a draft.

Offline (extractive): the agents' replies that answered the gap's questions, redacted again
(gateway.pii, fail closed: a reply that cannot be redacted is left out), placeholders turned into
neutral words, near-duplicates dropped (sentence-embedding similarity), and arranged as
question / answer / steps / sources. With a model ("draft" feature, through the gateway): a written
article from the same redacted material, citing the tickets it came from.
"""

from __future__ import annotations

import logging
import re

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.insights.clustering import l2
from ai.models import KnowledgeGap
from gateway.embeddings import get_embedder
from gateway.llm import LLMError, complete, generation_mode
from gateway.pii import RedactionError, redact
from gateway.pii.spans import PLACEHOLDER_RE
from knowledge.services.articles import article_create

logger = logging.getLogger(__name__)
FEATURE = "draft"
DUPLICATE = 0.92
STEP = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022])\s+(.+)$")
GREETING = re.compile(r"^(hi|hello|dear|hey|thanks|thank you|best|regards|kind regards|cheers)\b.*$", re.I)
NEUTRAL = {
    "PERSON": "the customer",
    "EMAIL_ADDRESS": "your email address",
    "PHONE_NUMBER": "your phone number",
}
SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 120},
        "summary": {"type": "string", "maxLength": 300},
        "body_md": {"type": "string"},
    },
    "required": ["title", "summary", "body_md"],
    "additionalProperties": False,
}
SYSTEM = (
    "You write help-center articles from support conversations. Use only the facts in the agents' "
    "answers. Markdown: a short answer first, then numbered steps when there are any. Cite the "
    "tickets each fact came from as (ticket #N). Never include names, emails, phone numbers or other "
    "personal data, and never include placeholders such as <PERSON_1>."
)


def neutral(text: str) -> str:
    return PLACEHOLDER_RE.sub(
        lambda m: NEUTRAL.get(m.group(1), f"[{m.group(1).lower().replace('_', ' ')}]"), text
    )


def clean_reply(text: str) -> str | None:
    try:
        redacted = redact(text or "")
    except RedactionError:
        return None
    lines = [line.rstrip() for line in neutral(redacted).splitlines()]
    lines = [line for line in lines if line.strip() and not GREETING.match(line.strip())]
    return "\n".join(lines).strip() or None


def distinct(texts: list[str]) -> list[str]:
    """Drop exact and near duplicates, most central first."""
    texts = list(dict.fromkeys(t for t in texts if t))
    if len(texts) <= 1:
        return texts
    vectors = l2(get_embedder().embed_documents(texts))
    centre = l2(vectors.mean(axis=0))
    order = np.argsort(-(vectors @ centre), kind="stable")
    kept: list[int] = []
    for i in order:
        if all(float(vectors[i] @ vectors[j]) < DUPLICATE for j in kept):
            kept.append(int(i))
    return [texts[i] for i in kept]


def extractive_draft(gap: KnowledgeGap) -> tuple[str, str, str]:
    """(title, summary, body_md) from the gap's redacted questions and agents' replies."""
    replies = distinct([r for r in (clean_reply(a.get("text", "")) for a in gap.answers or []) if r])
    questions = distinct([neutral(q.get("text", "")) for q in gap.questions or []])
    numbers = sorted({a["number"] for a in gap.answers or [] if a.get("number")})
    steps: list[str] = []
    prose: list[str] = []
    for reply in replies:
        for line in reply.splitlines():
            step = STEP.match(line)
            if step and step.group(1).strip() not in steps:
                steps.append(step.group(1).strip())
            elif not step and reply is replies[0]:
                prose.append(line.strip())
    question = questions[0] if questions else gap.title
    body = [f"## {gap.title}", "", f"**Question:** {question}", "", "## Answer", ""]
    body += prose or ["_No agent reply yet: write the answer here._"]
    if steps:
        body += ["", "## Steps", ""] + [f"{n}. {s}" for n, s in enumerate(steps, start=1)]
    if len(questions) > 1:
        body += ["", "## Customers also asked", ""] + [f"- {q}" for q in questions[1:5]]
    if numbers:
        body += ["", "---", "", "Drafted from tickets " + ", ".join(f"#{n}" for n in numbers) + "."]
    summary = (prose[0] if prose else question)[:300]
    return gap.title, summary, "\n".join(body).strip() + "\n"


def generative_draft(gap: KnowledgeGap) -> tuple[str, str, str] | None:
    if not generation_mode(FEATURE).generative:
        return None
    material = []
    for q in (gap.questions or [])[:8]:
        material.append(f"Question (ticket #{q.get('number') or '-'}): {neutral(q.get('text', ''))}")
    for a in (gap.answers or [])[:8]:
        reply = clean_reply(a.get("text", ""))
        if reply:
            material.append(f"Agent answer (ticket #{a.get('number') or '-'}): {reply}")
    try:
        result = complete(
            feature=FEATURE,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": "\n\n".join(material)},
            ],
            schema=SCHEMA,
            schema_name="article_draft",
            temperature=0.2,
        )
    except LLMError:
        logger.warning("gap draft: the model could not be used; writing the extractive draft", exc_info=True)
        return None
    parsed = result.parsed or {}
    body = neutral(str(parsed.get("body_md", ""))).strip()
    if not body:
        return None
    return (
        neutral(str(parsed.get("title") or gap.title))[:200],
        neutral(str(parsed.get("summary", "")))[:300],
        body + "\n",
    )


def as_section(title: str, body: str) -> str:
    """A drafted article turned into a section to add to an existing one: its own heading first, the
    draft's headings one level down, the drafted-from line kept."""
    lines = body.strip().splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    demoted = ["#" + line if line.startswith("## ") else line for line in lines]
    return "\n".join([f"## {title}", *demoted]).strip() + "\n"


@transaction.atomic
def gap_draft_article(*, gap: KnowledgeGap, actor=None, use_model: bool | None = None):
    """Create the draft article (unpublished) for a gap and link it; returns the article. A gap whose
    nearest article is close ("update") gets no new article: the drafted text becomes a section
    proposed for that article (`gap.proposal_md`), opened in its editor (knowledge.extensions)."""
    gap = KnowledgeGap.objects.select_for_update().get(pk=gap.pk)
    if gap.article_id is not None:
        return gap.article
    drafted = generative_draft(gap) if use_model is not False else None
    mode = "generative" if drafted else "extractive"
    title, summary, body = drafted or extractive_draft(gap)
    if gap.action == KnowledgeGap.Action.UPDATE and gap.nearest_article_id is not None:
        gap.article_id, gap.proposal_md = gap.nearest_article_id, as_section(title, body)
        gap.draft_mode, gap.status = mode, KnowledgeGap.Status.DRAFTED
        gap.save(update_fields=["article", "proposal_md", "draft_mode", "status", "updated_at"])
        return gap.nearest_article
    article = article_create(
        title=title, summary=summary, body_md=body, publish=False, actor=actor,
        note=f"Drafted ({mode}) from knowledge gap {gap.pk}",
    )  # fmt: skip
    gap.article, gap.draft_mode, gap.status = article, mode, KnowledgeGap.Status.DRAFTED
    gap.save(update_fields=["article", "draft_mode", "status", "updated_at"])
    return article


def gap_proposal(*, article, key: str):
    """knowledge.extensions proposal source for "gap-<id>": the article's body with the gap's proposed
    section added at the end (None once saved, or for another article)."""
    from knowledge.extensions import EditorProposal

    gap = _proposal_gap(key, article)
    if gap is None:
        return None
    body = (article.body_md or "").rstrip()
    return EditorProposal(
        body_md=f"{body}\n\n{gap.proposal_md}" if body else gap.proposal_md,
        note=f"Section added for knowledge gap {gap.pk}",
        label=_("knowledge gap %(id)s (%(title)s)") % {"id": gap.pk, "title": gap.title},
    )


@transaction.atomic
def gap_proposal_saved(*, article, key: str, actor=None) -> None:
    """The article was saved from the editor opened with the gap's proposal: the gap is linked to it,
    closed now if the article is published (else when it is published, by gaps_sync_published)."""
    from knowledge.models import ArticleStatus

    gap = _proposal_gap(key, article, lock=True)
    if gap is None:
        return
    gap.proposal_md = ""
    fields = ["proposal_md", "updated_at"]
    if article.status == ArticleStatus.PUBLISHED:
        gap.status, gap.published_at = KnowledgeGap.Status.PUBLISHED, timezone.now()
        fields += ["status", "published_at"]
    gap.save(update_fields=fields)


def _proposal_gap(key: str, article, lock: bool = False) -> KnowledgeGap | None:
    prefix, _sep, number = (key or "").partition("-")
    if prefix != "gap" or not number.isdigit():
        return None
    rows = KnowledgeGap.objects.select_for_update() if lock else KnowledgeGap.objects
    return rows.filter(pk=int(number), article_id=article.pk).exclude(proposal_md="").first()
