"""Main-content extraction from HTML pages (trafilatura), shared by the file and website importers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

_LEADING_HEADING = re.compile(r"\A\s*#{1,2}\s+(?P<title>.+?)\s*\n")


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    markdown: str
    description: str
    language: str


def extract_html(html: str, *, url: str | None = None, min_chars: int = 1) -> ExtractedPage | None:
    """Title, description and the main content as markdown; None when the page has no real content."""
    markdown = trafilatura.extract(
        html,
        url=url,
        output_format="markdown",
        include_formatting=True,
        include_tables=True,
        include_links=True,
        include_comments=False,
        with_metadata=False,
    )
    if not markdown or len(markdown.strip()) < min_chars:
        return None
    metadata = trafilatura.extract_metadata(html, default_url=url)
    title = (getattr(metadata, "title", None) or "").strip()
    description = (getattr(metadata, "description", None) or "").strip()
    language = (getattr(metadata, "language", None) or "").strip().lower()[:10]
    heading = _LEADING_HEADING.match(markdown)
    if heading:
        # Prefer the page's own H1 over a <title> that carries the site name ("Returns | Acme Help").
        title = heading.group("title").strip() or title
        markdown = markdown[heading.end() :]
    return ExtractedPage(
        title=title[:300], markdown=markdown.strip(), description=description[:500], language=language
    )
