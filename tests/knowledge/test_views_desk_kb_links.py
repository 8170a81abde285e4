"""The KB editor warns about internal links to no published article; "Related tickets" lists only
tickets that are about the article."""

import pytest
from django.urls import reverse

from helpdesk.services.delivery import reply_send
from helpdesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def test_preview_warns_about_unknown_slugs(client_agent, published_article, draft_article):
    body = f"See [[{published_article.slug}]], [[no-such-article]] and [[{draft_article.slug}|the plan]]."
    html = client_agent.post(reverse("kb:preview"), {"body_md": body}).content.decode()
    assert "data-missing-links" in html
    assert "[[no-such-article]]" in html and f"[[{draft_article.slug}]]" in html
    assert f"[[{published_article.slug}]]</code>" not in html


def test_preview_without_broken_links_has_no_warning(client_agent, published_article):
    html = client_agent.post(
        reverse("kb:preview"), {"body_md": f"[[{published_article.slug}]]"}
    ).content.decode()
    assert "data-missing-links" not in html


def test_related_tickets_need_more_than_one_shared_word(client_agent, published_article, customer, team):
    related = ticket_create(requester=customer, subject="Return my bike", body_text="How?", team=team)
    one_word = ticket_create(requester=customer, subject="New bike saddle", body_text="Which one?", team=team)
    body = client_agent.get(reverse("kb:related_tickets", args=[published_article.pk])).content.decode()
    assert f"#{related.number} " in body
    assert f"#{one_word.number} " not in body


def test_tickets_where_the_ai_cited_the_article_come_first(client_agent, published_article, customer, team):
    cited = ticket_create(requester=customer, subject="Sending it back", body_text="Label?", team=team)
    reply_send(
        ticket=cited, author_kind="ai", body_text="Use the prepaid label [1].",
        citations=[{"n": 1, "url": published_article.get_absolute_url(), "title": published_article.title,
                    "article_id": published_article.pk}],
    )  # fmt: skip
    ticket_create(requester=customer, subject="Return my bike", body_text="How?", team=team)
    body = client_agent.get(reverse("kb:related_tickets", args=[published_article.pk])).content.decode()
    assert body.index(f"#{cited.number} ") < body.index("Return my bike")
