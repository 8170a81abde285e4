from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleSource(models.TextChoices):
    MANUAL = "manual", _("Written here")
    FILES = "files", _("Imported from files")
    JSONL = "jsonl", _("Imported from JSONL")
    WEB = "web", _("Imported from a website")
    DEMO = "demo", _("Demo content")


class Article(models.Model):
    """A knowledge-base article. `body_md` is the source; `body_html` is its rendered, sanitised cache.

    Who may see it is decided in one place: knowledge.selectors.articles (public_articles / agent_articles).
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences; used as the meta description.")
    )
    body_md = models.TextField(_("body (markdown)"), blank=True)
    body_html = models.TextField(_("body (rendered)"), blank=True, editable=False)
    category = models.ForeignKey(
        "knowledge.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
    )
    internal_only = models.BooleanField(
        _("internal only"), default=False, help_text=_("Agent-facing; never shown to customers.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Import bookkeeping: a stable id from the source (doc_id, URL, file path) and a hash of what
    # was imported, so a re-import updates changed articles and leaves unchanged ones alone.
    source = models.CharField(
        _("source"), max_length=10, choices=ArticleSource.choices, default=ArticleSource.MANUAL
    )
    external_id = models.CharField(_("external id"), max_length=500, blank=True, default="")
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True, default="")
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["position", "title"]
        indexes = [
            models.Index(fields=["status", "internal_only", "language"], name="kb_article_visibility"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="kb_article_unique_external_id",
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                condition=Q(translation_of__isnull=False),
                name="kb_article_one_translation_per_language",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("help:article", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and not self.internal_only


class ArticleRevision(models.Model):
    """A snapshot taken on every save; restore copies one back as a new revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body_md = models.TextField(_("body (markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleEvent(models.Model):
    """Audit row: who changed which field of an article (status, category, flags...), before and after."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=100, blank=True)
    field = models.CharField(_("field"), max_length=50)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.field}: {self.before!r} -> {self.after!r}"


class ArticleAsset(models.Model):
    """An image or file uploaded from the editor; inserted into the markdown as a link."""

    file = models.FileField(_("file"), upload_to="kb/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("article asset")
        verbose_name_plural = _("article assets")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
