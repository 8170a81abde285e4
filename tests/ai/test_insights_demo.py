"""The Insights demo (demo/insights_demo.load): theme runs, a gap from handed-off questions and a draft."""

from __future__ import annotations

import pytest

from ai.models import KnowledgeGap, ThemeRun
from demo import insights_demo
from knowledge.models import ArticleStatus

pytestmark = pytest.mark.django_db


def test_demo_shows_themes_a_gap_and_a_draft_once(customer, agent, patient_pii):
    result = insights_demo.load()
    assert result == {"theme_runs": 4, "gaps": 3, "drafts": 1}
    assert ThemeRun.objects.count() == 4
    latest = ThemeRun.objects.order_by("-period_end").first()
    assert latest.messages == 3 and latest.themes == 1
    gap = KnowledgeGap.objects.get(article__isnull=False)
    # help-center searches: gift cards found nothing, bike rental found articles no one opened
    searches = sorted(sorted(g.signals.items()) for g in KnowledgeGap.objects.exclude(pk=gap.pk))
    assert searches == [[("search_no_click", 5)], [("search_no_results", 7)]]
    assert gap.status == KnowledgeGap.Status.DRAFTED and gap.article.status == ArticleStatus.DRAFT
    assert "Sign in and open My bikes" in gap.article.body_md
    assert insights_demo.load() == {"theme_runs": 0, "gaps": 0, "drafts": 0}
