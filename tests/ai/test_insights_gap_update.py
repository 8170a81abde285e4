"""A gap close to an existing article ("update") is drafted as a section proposed for that article:
"Draft an article" opens the existing article's editor with the section added (no new article), and
saving it published links the gap to the article and closes it. The KB list gets the AI's counts
through knowledge's own port, with no template of the knowledge base loading an ai tag library."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from ai.insights.gaps import gaps_detect, gaps_sync_published
from ai.models import KnowledgeGap
from knowledge.extensions import article_counts as counts_port
from knowledge.extensions import register_article_counts
from knowledge.models import Article, ArticleFeedback, ArticleStatus
from knowledge.views.forms import ArticleForm

pytestmark = pytest.mark.django_db
COMPLAINT = "Does not say how long shipping to Austria takes"
STORED = "Does not say how long shipping to"  # the place name is redacted when the gap is stored


@pytest.fixture
def update_gap(help_center):
    shipping = help_center["shipping"]
    ArticleFeedback.objects.create(article=shipping, helpful=False, comment=COMPLAINT)
    now = timezone.now()
    [gap] = gaps_detect(period_start=now - dt.timedelta(days=1), period_end=now + dt.timedelta(minutes=5))
    assert gap.action == KnowledgeGap.Action.UPDATE and gap.nearest_article_id == shipping.pk
    return gap


def test_drafting_an_update_gap_opens_the_existing_article_with_the_section_added(update_gap, client_agent):
    shipping = update_gap.nearest_article
    original = shipping.body_md
    articles = Article.objects.count()

    response = client_agent.post(f"/desk/ai/insights/gaps/{update_gap.pk}/draft/")

    assert response.status_code == 302
    assert response["Location"] == f"/desk/kb/{shipping.pk}/?proposal=gap-{update_gap.pk}"
    assert Article.objects.count() == articles  # no duplicate article
    update_gap.refresh_from_db()
    assert update_gap.status == KnowledgeGap.Status.DRAFTED and update_gap.article_id == shipping.pk
    assert gaps_sync_published() == 0  # the article is published, but the section is not saved yet
    shipping.refresh_from_db()
    assert shipping.body_md == original  # nothing changed until an agent saves

    editor = client_agent.get(response["Location"]).content.decode()
    assert "kb-proposal" in editor
    body = re.search(r'<textarea name="body_md"[^>]*>(.*?)</textarea>', editor, re.S).group(1)
    assert "Orders ship from our warehouse" in body  # the existing text stays
    assert f"## {update_gap.title}" in body and STORED in body  # the proposed section follows

    form = {k: v if v is not None else "" for k, v in ArticleForm.initial_for(shipping).items()}
    section = update_gap.proposal_md
    form.update(body_md=f"{original.rstrip()}\n\n{section}", note="Austria", internal_only="", publish="1")
    saved = client_agent.post(response["Location"], form)

    assert saved.status_code == 302
    shipping.refresh_from_db()
    assert shipping.status == ArticleStatus.PUBLISHED and STORED in shipping.body_md
    update_gap.refresh_from_db()
    assert update_gap.status == KnowledgeGap.Status.PUBLISHED and update_gap.article_id == shipping.pk
    assert update_gap.published_at is not None and update_gap.proposal_md == ""
    assert Article.objects.count() == articles
    # the proposal is gone once saved: opening the link again changes nothing
    again = client_agent.get(response["Location"]).content.decode()
    assert "kb-proposal" not in again


def test_a_proposal_key_for_another_article_or_a_made_up_key_is_ignored(
    update_gap, client_agent, help_center
):
    client_agent.post(f"/desk/ai/insights/gaps/{update_gap.pk}/draft/")
    password = help_center["password"]
    for key in (f"gap-{update_gap.pk}", "gap-x", "other-1"):
        html = client_agent.get(f"/desk/kb/{password.pk}/?proposal={key}").content.decode()
        assert "kb-proposal" not in html


def test_kb_list_counts_come_through_the_knowledge_port(client_agent, help_center):
    assert "Cited / helpful / deflected" in client_agent.get("/desk/kb/").content.decode()
    register_article_counts(None)
    try:
        assert "Cited / helpful / deflected" not in client_agent.get("/desk/kb/").content.decode()
        assert counts_port([help_center["password"].pk]) == {}
    finally:
        from ai.insights.article_counts import article_counts

        register_article_counts(article_counts)


def test_no_knowledge_template_loads_an_ai_template_library():
    ai_libraries = {p.stem for p in (Path(settings.BASE_DIR) / "ai" / "templatetags").glob("*.py")} - {
        "__init__"
    }
    for template in (Path(settings.BASE_DIR) / "templates" / "knowledge").rglob("*.html"):
        for load in re.findall(r"{%\s*load\s+([^%]+)%}", template.read_text()):
            assert not set(load.split()) & ai_libraries, template
