"""The help center leads to a person (contact link to the portal form) and its snippets are text."""

import pytest
from django.urls import reverse

from knowledge.markdown import markdown_snippet_text
from knowledge.services.articles import article_create

pytestmark = pytest.mark.django_db


def test_every_help_page_links_to_the_portal_form(client, published_article):
    for url in (
        reverse("help:home"),
        published_article.get_absolute_url(),
        reverse("help:search") + "?q=bike",
    ):
        html = client.get(url).content.decode()
        assert f'href="{reverse("portal:submit")}"' in html, url
        assert "Contact our support team" in html


def test_search_snippets_carry_no_markdown(client, category, agent):
    article_create(
        title="Warranty periods",
        summary="",
        body_md="## Warranty\n\n| Part | Warranty |\n|---|---|\n| **Frame** | 10 years |\n| Motor | 2 years |",
        category=category,
        publish=True,
        actor=agent,
    )
    html = client.get(
        reverse("help:search"), {"q": "warranty frame"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    snippet = html[html.index('class="snippet"') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "|" not in snippet and "**" not in snippet and "##" not in snippet
    assert "Frame" in snippet


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("| Part | Warranty |\n|---|---|\n| Frame | 10 years |", "Part · Warranty Frame · 10 years"),
        ("**Profile** then go to **Profile", "Profile then go to Profile"),
        (
            "## Steps\n- one [link](https://x.example) and [[bike-fit|Bike fit]]",
            "Steps one link and Bike fit",
        ),
        ("plain <mark>words</mark> stay", "plain <mark>words</mark> stay"),
    ],
)
def test_markdown_snippet_text(markdown, text):
    assert markdown_snippet_text(markdown) == text
