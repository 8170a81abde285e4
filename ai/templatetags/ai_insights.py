"""{% article_ai_counts page as counts %} then {{ counts|counts_for:article.pk }} in the KB list."""

from __future__ import annotations

from django import template

from ai.insights.article_counts import article_counts

register = template.Library()


@register.simple_tag
def article_ai_counts(articles) -> dict:
    return article_counts([a.pk for a in articles])


@register.filter
def counts_for(counts: dict, article_id) -> dict:
    return counts.get(article_id, {}) if counts else {}
