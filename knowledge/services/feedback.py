"""'Was this helpful?' votes from the help center."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from knowledge.models import Article, ArticleFeedback

# A visitor changes their mind: a second vote on the same article within this window replaces the first.
REVOTE_WINDOW = timedelta(hours=24)
# At most this many new votes per visitor per hour, across all articles (stops ballot stuffing).
MAX_VOTES_PER_HOUR = 20
MAX_COMMENT_CHARS = 2000


class FeedbackRejected(ApplicationError):
    pass


@transaction.atomic
def feedback_submit(
    *, article: Article, helpful: bool, visitor_id: str, comment: str = "", language: str = ""
) -> ArticleFeedback:
    """Store one vote. Only public articles take feedback; `visitor_id` is the session key."""
    if not article.is_public:
        raise FeedbackRejected(_("This article does not take feedback."))
    if not visitor_id:
        raise FeedbackRejected(_("Feedback needs a session."))
    comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
    now = timezone.now()
    mine = ArticleFeedback.objects.select_for_update().filter(visitor_id=visitor_id)
    previous = mine.filter(article=article, created_at__gte=now - REVOTE_WINDOW).first()
    if previous is not None:
        previous.helpful = helpful
        previous.comment = comment or previous.comment
        previous.save(update_fields=["helpful", "comment"])
        return previous
    if mine.filter(created_at__gte=now - timedelta(hours=1)).count() >= MAX_VOTES_PER_HOUR:
        raise FeedbackRejected(_("Too much feedback from this session; please try again later."))
    return ArticleFeedback.objects.create(
        article=article, helpful=helpful, comment=comment, visitor_id=visitor_id[:64], language=language[:10]
    )
