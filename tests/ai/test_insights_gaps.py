"""Knowledge gaps from real handoffs: the AI hands off a question the help center cannot answer, an
agent answers it, the gap is found with the agent's answer, a draft article is written from it
without personal data, and publishing it closes the gap with before/after figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ai.insights.drafting import gap_draft_article
from ai.insights.gaps import gap_reason, gaps_detect, gaps_sync_published
from ai.insights.reports import gap_impact
from ai.models import AIInteraction, KnowledgeGap
from ai.tasks.inbound import handle_inbound
from helpdesk.models import Message
from helpdesk.services.delivery import reply_send
from knowledge.models import ArticleFeedback, ArticleStatus
from knowledge.services.articles import article_publish

pytestmark = pytest.mark.django_db

QUESTIONS = [
    "How do I register my bike frame number for the theft insurance?",
    "Where do I enter the frame number to register my bike for theft insurance?",
]
AGENT_REPLY = (
    "Hi Casey Customer,\n"
    "you can register the frame number in your account:\n"
    "1. Open My bikes in your account\n"
    "2. Enter the frame number printed under the bottom bracket\n"
    "3. Tick 'theft insurance' and save\n"
    "If that fails, call me on +49 170 1234567 or write to casey.customer@example.com.\n"
    "Best regards, Alice"
)


def period():
    now = timezone.now()
    return now - dt.timedelta(days=1), now + dt.timedelta(minutes=5)


@pytest.fixture
def handed_off(help_center, make_ticket, agent, patient_pii):
    tickets = []
    for question in QUESTIONS:
        ticket = make_ticket(question, subject="Frame number")
        assert handle_inbound(ticket.pk, ticket.messages.get(seq=1).pk) == "handed_off"
        reply_send(
            ticket=ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, body_text=AGENT_REPLY
        )
        tickets.append(ticket)
    return tickets


def test_handoffs_for_missing_sources_become_one_gap_with_the_agents_answers(handed_off):
    reasons = set(AIInteraction.objects.filter(decision="handed_off").values_list("reason", flat=True))
    assert {gap_reason(r) for r in reasons} <= {"no_sources", "low_confidence", "weak_sources"}
    gaps = gaps_detect(period_start=period()[0], period_end=period()[1])
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.volume == 2 and sorted(gap.ticket_ids) == sorted(t.pk for t in handed_off)
    assert gap.action == KnowledgeGap.Action.NEW and gap.nearest_article is None
    assert len(gap.answers) == 2 and "frame number" in gap.answers[0]["text"]
    assert gap.agent_minutes > 6
    # stored material is redacted
    stored = str(gap.questions) + str(gap.answers)
    assert (
        "Casey Customer" not in stored
        and "1234567" not in stored
        and "casey.customer@example.com" not in stored
    )
    # a second detection over the same period adds nothing
    again = gaps_detect(period_start=period()[0], period_end=period()[1])
    assert [g.pk for g in again] == [gap.pk] and KnowledgeGap.objects.get().volume == 2


def test_draft_from_agent_replies_holds_no_pii_and_publishing_closes_the_gap(handed_off, agent):
    gap = gaps_detect(period_start=period()[0], period_end=period()[1])[0]
    article = gap_draft_article(gap=gap, actor=agent.user)
    assert article.status == ArticleStatus.DRAFT
    body = article.body_md
    for secret in ("Casey", "casey.customer@example.com", "170 1234567", "Alice"):
        assert secret not in body
    assert "## Steps" in body and "1. Open My bikes in your account" in body
    assert body.count("Open My bikes") == 1  # the two identical replies are deduplicated
    assert f"#{handed_off[0].number}" in body
    gap.refresh_from_db()
    assert (
        gap.status == KnowledgeGap.Status.DRAFTED
        and gap.article_id == article.pk
        and gap.draft_mode == "extractive"
    )
    assert gap_draft_article(gap=gap).pk == article.pk  # drafting twice returns the same draft

    article_publish(article=article, actor=agent.user)
    assert gaps_sync_published() == 1
    gap.refresh_from_db()
    assert gap.status == KnowledgeGap.Status.PUBLISHED and gap.published_at is not None
    before, after = gap_impact(gap, now=gap.published_at + dt.timedelta(days=1))
    assert before.tickets == 2 and before.ai_answered == 0 and after.tickets == 0


def test_negative_feedback_on_an_article_is_a_gap_to_update_that_article(help_center):
    shipping = help_center["shipping"]
    ArticleFeedback.objects.create(
        article=shipping, helpful=False, comment="Does not say how long shipping to Austria takes"
    )
    gaps = gaps_detect(period_start=period()[0], period_end=period()[1])
    assert len(gaps) == 1
    assert gaps[0].action == KnowledgeGap.Action.UPDATE and gaps[0].nearest_article_id == shipping.pk
    assert gaps[0].signals == {"negative_feedback": 1}


def test_gap_pages_and_draft_button(handed_off, client, agent):
    gap = gaps_detect(period_start=period()[0], period_end=period()[1])[0]
    client.force_login(agent.user)
    listing = client.get("/desk/ai/insights/gaps/").content.decode()
    assert gap.title in listing
    detail = client.get(f"/desk/ai/insights/gaps/{gap.pk}/").content.decode()
    assert "Draft an article" in detail and "Open My bikes" in detail
    response = client.post(f"/desk/ai/insights/gaps/{gap.pk}/draft/")
    gap.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/desk/kb/{gap.article_id}/"


def test_kb_list_shows_cited_helpful_and_deflected_counts(help_center, make_ticket, client, agent):
    ticket = make_ticket("How do I reset my password? The reset link does not arrive.")
    assert handle_inbound(ticket.pk, ticket.messages.get(seq=1).pk) == "answered"
    password = help_center["password"]
    ArticleFeedback.objects.create(article=password, helpful=True)
    client.force_login(agent.user)
    html = client.get("/desk/kb/").content.decode()
    assert "Cited / helpful / deflected" in html
    row = html[html.index(f"/desk/kb/{password.pk}/") :]
    cell = row[row.index('class="kb-ai-counts"') :].split("</td>")[0]
    assert cell.endswith("1 / 1 / 1")


def test_with_a_model_the_draft_is_written_from_redacted_material_citing_tickets(handed_off, agent, llm_peer):
    gap = gaps_detect(period_start=period()[0], period_end=period()[1])[0]
    number = handed_off[0].number
    llm_peer.reply(
        '{"title": "Register your frame number", "summary": "Add the frame number under My bikes.", '
        f'"body_md": "Open **My bikes**, enter the frame number and tick theft insurance (ticket #{number})."}}'
    )
    article = gap_draft_article(gap=gap, actor=agent.user)
    prompt = llm_peer.chat_requests[0].prompt_text
    assert (
        "casey.customer@example.com" not in prompt
        and "1234567" not in prompt
        and "Casey Customer" not in prompt
    )
    assert f"ticket #{number}" in prompt
    assert article.title == "Register your frame number" and f"(ticket #{number})" in article.body_md
    gap.refresh_from_db()
    assert gap.draft_mode == "generative" and article.status == ArticleStatus.DRAFT


def test_with_a_model_a_theme_gets_a_label_from_redacted_examples(db, llm_peer):
    from ai.insights.labels import model_label

    llm_peer.reply('{"label": "Late parcels", "description": "Customers ask where their delayed parcel is."}')
    label = model_label(["Where is my parcel? Call me on +49 170 1234567, Casey Customer"], ["late parcel"])
    assert label == ("Late parcels", "Customers ask where their delayed parcel is.")
    prompt = llm_peer.chat_requests[0].prompt_text
    assert "1234567" not in prompt and "Casey Customer" not in prompt and "late parcel" in prompt
