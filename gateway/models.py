"""One row per call the gateway made (or refused) to a model provider.

``sent`` holds what left the machine, i.e. the redacted text only: the gateway never sends, and
so never records, anything unredacted (except published knowledge-base content, see
``gateway.llm.client.embed_published_content``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelCall(models.Model):
    class Kind(models.TextChoices):
        CHAT = "chat", _("Chat completion")
        STREAM = "stream", _("Streamed chat completion")
        EMBEDDING = "embedding", _("Embeddings of customer or agent text (redacted)")
        PUBLISHED_EMBEDDING = "published_embedding", _("Embeddings of published KB content")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    feature = models.CharField(max_length=32, blank=True)
    model = models.CharField(max_length=200, blank=True)
    sent = models.TextField(blank=True, help_text=_("What was sent to the provider (redacted)."))
    received = models.TextField(blank=True, help_text=_("The model's reply text (chat only)."))
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=32, help_text=_('"ok" or the LLMError reason.'))
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["feature", "created_at"], name="gateway_call_feature_idx")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.feature or '-'} {self.outcome} at {self.created_at:%Y-%m-%d %H:%M}"


class TurnAnalysis(models.Model):
    """The PII analysis of one stored conversation turn (a message), so it is redacted once, ever.

    Holds entity types and character offsets only, never the text or the values found. ``digest``
    covers the text and the PII engine's code and model (gateway.llm.turn_cache): an edited message
    or a changed engine gives another digest, and the stored analysis is recomputed and replaced.
    """

    scope = models.CharField(
        max_length=100, unique=True, help_text=_('The turn, e.g. "helpdesk.message:42".')
    )
    digest = models.CharField(max_length=64)
    findings = models.JSONField(default=list, help_text=_("[entity type, start, end, score] per finding."))
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.scope}: {len(self.findings)} findings"
