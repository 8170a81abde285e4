"""sitemap.xml for the help center: public articles and categories only."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from knowledge.selectors.articles import public_articles, public_categories


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return public_articles().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return public_categories().order_by("pk")

    def location(self, category):
        return reverse("help:category", kwargs={"slug": category.slug})


class HelpHomeSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return ["help:home"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"home": HelpHomeSitemap, "categories": CategorySitemap, "articles": ArticleSitemap}
