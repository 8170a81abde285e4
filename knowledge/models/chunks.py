from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from pgvector.django import HnswIndex, VectorField

EMBEDDING_DIMENSIONS = 512


class ChunkAudience(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class Chunk(models.Model):
    """A retrieval passage of a *published* article; written only by knowledge.indexing.index.

    Audience, language and category are copied from the article when it is indexed, so search
    filters on this table alone; the article is re-indexed whenever one of them changes.
    """

    article = models.ForeignKey("knowledge.Article", on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField(_("ordinal"))
    heading_path = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    text = models.TextField(_("text"))
    word_count = models.PositiveIntegerField(_("words"))
    language = models.CharField(_("language"), max_length=10)
    audience = models.CharField(_("audience"), max_length=10, choices=ChunkAudience.choices)
    category = models.ForeignKey(
        "knowledge.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    embedding_model = models.CharField(_("embedding model"), max_length=200)
    # PostgreSQL text-search configuration the tsvector was built with ('english', 'german', 'simple').
    search_config = models.CharField(max_length=20)
    search_vector = SearchVectorField(null=True, editable=False)
    # sha256 of what was embedded (title, heading path, text): unchanged chunks keep their vector.
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("chunk")
        verbose_name_plural = _("chunks")
        ordering = ["article", "ordinal"]
        indexes = [
            HnswIndex(
                name="kb_chunk_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            GinIndex(fields=["search_vector"], name="kb_chunk_search_gin"),
            models.Index(fields=["audience", "language"], name="kb_chunk_filter"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "ordinal"], name="kb_chunk_unique_ordinal"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.ordinal}"
