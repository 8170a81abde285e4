from __future__ import annotations

import pytest

from knowledge.selectors.articles import revision_diff
from knowledge.services.articles import ArticleError, article_create, article_restore_revision, article_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(published_article, agent, other_agent):
    article_update(article=published_article, actor=agent, body_md="Version two body", note="v2")
    article_update(
        article=published_article, actor=other_agent, title="Returning a bike", body_md="Version three"
    )
    published_article.refresh_from_db()
    return published_article


def test_each_content_save_is_a_numbered_revision_with_author(edited, agent, other_agent):
    revisions = list(edited.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.author for r in revisions] == [agent.user, agent.user, other_agent.user]
    assert revisions[2].title == "Returning a bike" and revisions[2].body_md == "Version three"


def test_restore_copies_old_content_as_a_new_revision(edited, admin_agent):
    first = edited.revisions.get(number=1)
    article_restore_revision(article=edited, revision=first, actor=admin_agent)
    edited.refresh_from_db()
    assert edited.title == "How to return a bike"
    assert edited.body_md == first.body_md
    assert "<strong>prepaid label</strong>" in edited.body_html
    latest = edited.revisions.order_by("-number").first()
    assert (latest.number, latest.author, latest.note) == (4, admin_agent.user, "Restored revision 1")
    # History is never rewritten: the revisions in between are still there.
    assert edited.revisions.count() == 4


def test_restoring_the_current_content_adds_nothing(edited):
    current = edited.revisions.order_by("-number").first()
    article_restore_revision(article=edited, revision=current)
    assert edited.revisions.count() == 3


def test_cannot_restore_another_articles_revision(edited):
    other = article_create(title="Other")
    with pytest.raises(ArticleError):
        article_restore_revision(article=other, revision=edited.revisions.get(number=1))


def test_revision_diff_marks_added_and_removed_lines(edited):
    old, new = edited.revisions.get(number=2), edited.revisions.get(number=3)
    lines = revision_diff(old=old, new=new)
    assert ("removed", "# How to return a bike") in [(line.kind, line.text) for line in lines]
    assert ("added", "# Returning a bike") in [(line.kind, line.text) for line in lines]
    assert ("removed", "Version two body") in [(line.kind, line.text) for line in lines]
    assert ("added", "Version three") in [(line.kind, line.text) for line in lines]


def test_diff_of_the_first_revision_is_all_additions(edited):
    lines = revision_diff(old=None, new=edited.revisions.get(number=1))
    kinds = {line.kind for line in lines}
    assert "removed" not in kinds and "added" in kinds
