from django.db import models
from django.utils.translation import gettext_lazy as _


class MagicLink(models.Model):
    """Passwordless portal sign-in: single use, short-lived, bound to one address."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("magic link")
        verbose_name_plural = _("magic links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({'used' if self.used_at else 'unused'})"


class Deflection(models.Model):
    """A portal visitor read a suggested article and left without submitting a ticket."""

    article_id = models.BigIntegerField(db_index=True)
    query = models.CharField(max_length=300, blank=True)
    customer = models.ForeignKey("helpdesk.Customer", null=True, blank=True, on_delete=models.SET_NULL)
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"article {self.article_id}"


class ReplyFeedback(models.Model):
    """A customer's "Was this helpful?" on an AI answer in the portal (one answer per reply; the
    latest click counts)."""

    message = models.OneToOneField(
        "helpdesk.Message",
        on_delete=models.CASCADE,
        related_name="customer_feedback",
        verbose_name=_("reply"),
    )
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reply feedback")
        verbose_name_plural = _("reply feedback")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.message_id}: {'helpful' if self.helpful else 'not helpful'}"
