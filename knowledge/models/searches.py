from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpSearch(models.Model):
    """One help-center search (instant search: the refinements of one query while typing are one row).

    Stored for the knowledge-gap analysis: the query redacted of personal data (gateway.pii) before it
    is saved, the number of results, the reader's language, a keyed hash of the browser session (never
    the session key itself, never an IP address) and the result clicked, if any. Rows older than
    HELP_SEARCH_RETENTION_DAYS are deleted by the daily prune task.
    """

    query = models.CharField(_("query (redacted)"), max_length=200)
    normalized = models.CharField(_("normalised query"), max_length=200, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    results_count = models.PositiveSmallIntegerField(_("results"), default=0)
    visitor_hash = models.CharField(_("visitor (keyed hash)"), max_length=64, db_index=True)
    clicked_article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    created_at = models.DateTimeField(_("searched"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last refined"), auto_now=True)

    class Meta:
        verbose_name = _("help-center search")
        verbose_name_plural = _("help-center searches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.query} ({self.results_count})"
