from knowledge.models.articles import (
    Article,
    ArticleAsset,
    ArticleEvent,
    ArticleRevision,
    ArticleSource,
    ArticleStatus,
)
from knowledge.models.categories import Category
from knowledge.models.chunks import Chunk, ChunkAudience
from knowledge.models.feedback import ArticleFeedback
from knowledge.models.searches import HelpSearch

__all__ = [
    "Article",
    "ArticleAsset",
    "ArticleEvent",
    "ArticleFeedback",
    "ArticleRevision",
    "ArticleSource",
    "ArticleStatus",
    "Category",
    "Chunk",
    "ChunkAudience",
    "HelpSearch",
]
