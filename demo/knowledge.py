"""Knowledge-base part of `manage.py load_demo`: Northwind Bikes' help center (5 categories, 26 articles,
one German translation, two internal-only). Registered in KnowledgeConfig.ready() as a demo extension."""

from __future__ import annotations

from demo.data import DemoData
from demo.knowledge_articles import ARTICLES, CATEGORIES
from knowledge.models import Article, Category
from knowledge.services.articles import article_create
from knowledge.services.categories import category_create


def load_knowledge_demo(data: DemoData) -> dict[str, int]:
    """Create the demo help center through the services; does nothing if it is already there."""
    if Category.objects.filter(slug=CATEGORIES[0][0]).exists():
        return {"categories": 0, "articles": 0}
    categories = {
        slug: category_create(name=name, slug=slug, description=description, position=position)
        for position, (slug, name, description) in enumerate(CATEGORIES)
    }
    created: dict[str, Article] = {}
    # Originals first, so translations can point at them.
    for spec in sorted(ARTICLES, key=lambda spec: bool(spec.translation_of)):
        created[spec.slug] = article_create(
            title=spec.title,
            slug=spec.slug,
            summary=spec.summary,
            body_md=spec.body,
            category=categories[spec.category],
            language=spec.language,
            internal_only=spec.internal_only,
            translation_of=created.get(spec.translation_of) if spec.translation_of else None,
            position=ARTICLES.index(spec),
            publish=True,
            actor=data.agents.get(spec.author),
            note="Demo content",
            source="demo",
        )
    return {"categories": len(categories), "articles": len(created)}
