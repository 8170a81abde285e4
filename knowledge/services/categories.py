"""Writes to help-center categories."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from knowledge.models import Category


class CategoryError(ApplicationError):
    pass


@transaction.atomic
def category_create(
    *, name: str, slug: str = "", description: str = "", position: int = 0, language: str = ""
) -> Category:
    name = " ".join((name or "").split())
    if not name:
        raise CategoryError(_("A category needs a name."))
    return Category.objects.create(
        name=name[:120],
        slug=_unique_slug(slug or name),
        description=(description or "").strip(),
        position=position,
        language=(language or "").strip().lower(),
    )


@transaction.atomic
def category_update(
    *,
    category: Category,
    name: str | None = None,
    slug: str | None = None,
    description: str | None = None,
    position: int | None = None,
    language: str | None = None,
) -> Category:
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise CategoryError(_("A category needs a name."))
        category.name = name[:120]
    if slug is not None and slug != category.slug:
        category.slug = _unique_slug(slug, exclude_pk=category.pk)
    if description is not None:
        category.description = description.strip()
    if position is not None:
        category.position = position
    if language is not None:
        category.language = language.strip().lower()
    category.save()
    return category


def category_get_or_create(*, name: str, language: str = "") -> Category:
    """Find a category by name (case-insensitive) or create it; used by importers."""
    existing = Category.objects.filter(name__iexact=name.strip()).first()
    return existing or category_create(name=name, language=language)


def _unique_slug(value: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(value)[:110].strip("-") or "category"
    candidate, counter = base, 2
    others = Category.objects.exclude(pk=exclude_pk) if exclude_pk else Category.objects.all()
    while others.filter(slug=candidate).exists():
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate
