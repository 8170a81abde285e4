from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleFeedback(models.Model):
    """'Was this helpful?' from the help center. `visitor_id` is the session key (anonymous)."""

    article = models.ForeignKey("knowledge.Article", on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    visitor_id = models.CharField(_("visitor"), max_length=64, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "helpful"], name="kb_feedback_article_helpful")]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"
