"""Triage: trained classifier versions, agents' labels, per-ticket results and the triage settings
(a singleton edited in the admin). The topic taxonomy and routing rules are helpdesk's
(helpdesk.models.routing): the AI suggests a topic, helpdesk routing places the ticket."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import AssignmentStrategy, TicketPriority

SINGLETON_PK = 1
DEFAULT_URGENT_KEYWORDS = "\n".join(
    [
        "down",
        "outage",
        "urgent",
        "asap",
        "emergency",
        "not working at all",
        "can't log in",
        "cannot log in",
        "can not log in",
        "data loss",
        "security breach",
        "hacked",
        "dringend",
        "sofort",
        "ausgefallen",
        "funktioniert nicht mehr",
        "kann mich nicht anmelden",
        "kann mich nicht einloggen",
        "notfall",
        "gehackt",
    ]
)
DEFAULT_HIGH_KEYWORDS = "\n".join(
    [
        "error",
        "broken",
        "failed",
        "charged twice",
        "refund",
        "blocked",
        "locked out",
        "fehler",
        "kaputt",
        "fehlgeschlagen",
        "doppelt abgebucht",
        "gesperrt",
        "rückerstattung",
    ]
)


class TriageModel(models.Model):
    """One trained version of the history classifier; exactly one is active at a time."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    n_labels = models.PositiveIntegerField(_("topics"), default=0)
    n_examples = models.PositiveIntegerField(_("examples"), default=0)
    labels = models.JSONField(_("topic ids"), default=list, help_text=_("Column order of the weights."))
    label_counts = models.JSONField(_("examples per topic"), default=list)
    weights = models.BinaryField(_("weights (npz)"))
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="triage_model_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class TriageLabel(models.Model):
    """A training label: what an agent said the ticket is about (or an imported one)."""

    class Source(models.TextChoices):
        AGENT_CORRECTION = "agent_correction", _("Agent correction")
        AGENT_INITIAL = "agent_initial", _("Agent (first label)")
        IMPORT = "import", _("Import")

    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="triage_labels"
    )
    text = models.TextField(_("text"), help_text=_("The customer's words the label applies to."))
    topic = models.ForeignKey(
        "helpdesk.Topic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="labels",
        verbose_name=_("topic"),
    )
    team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(_("priority"), max_length=10, choices=TicketPriority.choices, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The text's embedding, filled when a model is first trained on it (retraining reuses it).
    vector = models.BinaryField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("triage label")
        verbose_name_plural = _("triage labels")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.topic_id} ({self.source})"


class TicketTriage(models.Model):
    """The latest triage of one ticket: what the classifier said, how sure it was, and why."""

    class Regime(models.TextChoices):
        ZERO_SHOT = "zero_shot", _("Topic descriptions")
        HISTORY = "history", _("Learned from history")
        COMBINED = "combined", _("Descriptions + history")
        LLM = "llm", _("Language model")

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        NEUTRAL = "neutral", _("Neutral")
        POSITIVE = "positive", _("Positive")

    ticket = models.OneToOneField("helpdesk.Ticket", on_delete=models.CASCADE, related_name="triage")
    topic = models.ForeignKey(
        "helpdesk.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    regime = models.CharField(_("regime"), max_length=10, choices=Regime.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=TicketPriority.choices, blank=True)
    urgency_reason = models.CharField(_("urgency reason"), max_length=200, blank=True)
    sentiment_score = models.FloatField(_("sentiment score"), default=0.0)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    needs_triage = models.BooleanField(_("needs triage"), default=False, db_index=True)
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=60, blank=True)
    routed_by_rule = models.CharField(_("routing rule"), max_length=100, blank=True)
    message_id = models.PositiveBigIntegerField(
        _("triaged message"), null=True, blank=True, help_text=_("The customer message last triaged.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket triage")
        verbose_name_plural = _("ticket triage")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.topic_id} {self.confidence:.2f} ({self.regime})"


class TriageSettings(models.Model):
    """One row (pk=1)."""

    Strategy = AssignmentStrategy  # helpdesk routing's choices; this row only stores the admin's pick

    enabled = models.BooleanField(_("triage new tickets"), default=True)
    confidence_threshold = models.FloatField(
        _("confidence threshold"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Below this calibrated confidence a ticket goes to the triage queue, unrouted."),
    )
    assignment_strategy = models.CharField(
        _("assignment"), max_length=20, choices=Strategy.choices, default=Strategy.ROUND_ROBIN
    )
    languages = models.CharField(
        _("languages"), max_length=100, default="en,de,fr,es", help_text=_("Comma-separated ISO codes.")
    )
    urgent_keywords = models.TextField(
        _("urgent keywords"), blank=True, default=DEFAULT_URGENT_KEYWORDS, help_text=_("One per line.")
    )
    high_keywords = models.TextField(
        _("high-priority keywords"), blank=True, default=DEFAULT_HIGH_KEYWORDS, help_text=_("One per line.")
    )
    vip_raises_priority = models.BooleanField(_("VIP customers get one level higher"), default=True)
    min_labels_to_train = models.PositiveIntegerField(
        _("labels before training"), default=10, help_text=_("Retraining waits for this many labels.")
    )

    class Meta:
        verbose_name = _("triage settings")
        verbose_name_plural = _("triage settings")

    def __str__(self) -> str:
        return str(_("Triage settings"))

    def save(self, *args, **kwargs) -> None:
        self.pk = SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> TriageSettings:
        row, _created = cls.objects.get_or_create(pk=SINGLETON_PK)
        return row

    @property
    def language_list(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip().lower() for line in text.splitlines() if line.strip()]

    @property
    def urgent_keyword_list(self) -> list[str]:
        return self._lines(self.urgent_keywords)

    @property
    def high_keyword_list(self) -> list[str]:
        return self._lines(self.high_keywords)
