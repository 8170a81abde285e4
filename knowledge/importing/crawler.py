"""Crawl a help-center website into import records.

Starts from the given URL, reads robots.txt (and obeys it for every page), seeds the queue from the
sitemaps it names (or /sitemap.xml), then follows links breadth-first, staying on the start host.
Every request goes through SafeFetcher (SSRF checks on each hop). At most `max_pages` pages are
fetched and each response is limited to `max_bytes`. Pages without real content (link hubs, category
lists) are reported as skipped. The external id of a page is its URL without fragment.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html

from knowledge.importing.extract import extract_html
from knowledge.importing.fetch import FetchError, SafeFetcher
from knowledge.importing.records import ImportRecord, Skipped

logger = logging.getLogger(__name__)

MIN_CONTENT_CHARS = 200
MAX_SITEMAPS = 20
SKIPPED_EXTENSIONS = (
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".pdf", ".zip", ".mp4",
    ".mp3", ".woff", ".woff2", ".ttf", ".xml", ".json", ".txt",
)  # fmt: skip


@dataclass
class CrawlStats:
    fetched: int = 0
    queued: int = 0
    disallowed: list[str] = field(default_factory=list)


class Crawler:
    def __init__(self, start_url: str, *, fetcher: SafeFetcher, max_pages: int = 200, language: str = ""):
        start_url = urldefrag(start_url)[0]
        parts = urlsplit(start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {start_url}")
        self.start_url = start_url
        self.host = parts.netloc.lower()
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.language = language
        self.robots = RobotFileParser()
        self.stats = CrawlStats()

    def crawl(self) -> Iterator[ImportRecord | Skipped]:
        """Yield one record or skip per fetched page (robots-disallowed URLs are skipped unfetched)."""
        self._follow_start_redirect()
        sitemaps = self._load_robots()
        queue: deque[str] = deque([self.start_url])
        seen = {self.start_url}
        for url in self._sitemap_urls(sitemaps):
            if url not in seen:
                seen.add(url)
                queue.append(url)
        while queue and self.stats.fetched < self.max_pages:
            url = queue.popleft()
            if not self.robots.can_fetch(self.fetcher.user_agent, url):
                self.stats.disallowed.append(url)
                yield Skipped(url, "disallowed by robots.txt")
                continue
            self.stats.fetched += 1
            item, links = self._page(url)
            yield item
            for link in links:
                if link not in seen and self._same_site(link):
                    seen.add(link)
                    queue.append(link)
        self.stats.queued = len(queue)

    def _follow_start_redirect(self) -> None:
        """Sites often move their help center (example.com -> www.example.com/help/): crawl the host
        the start URL ends up on. Every hop was checked by the fetcher like any other request."""
        try:
            result = self.fetcher.get(self.start_url)
        except FetchError:
            return  # reported when the start page itself is crawled
        final = urldefrag(result.url)[0]
        if final != self.start_url and result.status == 200:
            self.start_url = final
            self.host = urlsplit(final).netloc.lower()

    def _page(self, url: str) -> tuple[ImportRecord | Skipped, list[str]]:
        try:
            result = self.fetcher.get(url)
        except FetchError as exc:
            return Skipped(url, f"fetch refused or failed: {exc}"), []
        if result.status != 200:
            return Skipped(url, f"HTTP {result.status}"), []
        if result.url != url and not self._same_site(result.url):
            return Skipped(url, f"redirected off the site to {result.url}"), []
        content_type = result.content_type.split(";")[0].strip().lower()
        if content_type not in ("text/html", "application/xhtml+xml", ""):
            return Skipped(url, f"not an HTML page ({content_type})"), []
        html = result.text
        links = self._links(html, result.url)
        extracted = extract_html(html, url=result.url, min_chars=MIN_CONTENT_CHARS)
        if extracted is None:
            return Skipped(url, "too little content (a list or navigation page)"), links
        record = ImportRecord(
            external_id=urldefrag(result.url)[0],
            title=extracted.title or result.url,
            body_md=extracted.markdown,
            language=(extracted.language or self.language or "en")[:10],
            summary=extracted.description,
            source_url=result.url,
        )
        return record, links

    def _load_robots(self) -> list[str]:
        robots_url = urljoin(self.start_url, "/robots.txt")
        try:
            result = self.fetcher.get(robots_url, accept="text/plain")
        except FetchError as exc:
            logger.info("robots.txt unavailable (%s); crawling without it", exc)
            self.robots.parse([])
            return [urljoin(self.start_url, "/sitemap.xml")]
        if result.status in (401, 403):
            # As urllib.robotparser does: a protected robots.txt means nothing may be crawled.
            self.robots.disallow_all = True
        elif result.status >= 400:
            self.robots.parse([])
        else:
            self.robots.parse(result.text.splitlines())
        return list(self.robots.site_maps() or []) or [urljoin(self.start_url, "/sitemap.xml")]

    def _sitemap_urls(self, sitemaps: list[str]) -> list[str]:
        """Page URLs from the sitemaps (following sitemap indexes), on this host only."""
        pages: list[str] = []
        pending, visited = deque(sitemaps), set()
        while pending and len(visited) < MAX_SITEMAPS:
            sitemap_url = pending.popleft()
            if sitemap_url in visited or not self._same_site(sitemap_url):
                continue
            visited.add(sitemap_url)
            try:
                result = self.fetcher.get(sitemap_url, accept="application/xml,text/xml")
            except FetchError as exc:
                logger.info("sitemap %s: %s", sitemap_url, exc)
                continue
            if result.status != 200:
                continue
            is_index, locations = _parse_sitemap(result.body)
            for location in locations:
                location = urldefrag(location.strip())[0]
                if not self._same_site(location):
                    continue
                (pending if is_index else pages).append(location)
            if len(pages) >= self.max_pages * 5:
                break
        return pages

    def _links(self, html: str, base_url: str) -> list[str]:
        try:
            document = lxml.html.document_fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            return []
        links = []
        for element in document.iter("a"):
            href = (element.get("href") or "").strip()
            if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
                continue
            if (element.get("rel") or "").lower().find("nofollow") >= 0:
                continue
            url = urldefrag(urljoin(base_url, href))[0]
            if urlsplit(url).path.lower().endswith(SKIPPED_EXTENSIONS):
                continue
            links.append(url)
        return links

    def _same_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == self.host


def _parse_sitemap(body: bytes) -> tuple[bool, list[str]]:
    # No entity resolution and no network access while parsing XML from a website.
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return False, []
    if root is None:
        return False, []
    is_index = lxml.etree.QName(root).localname == "sitemapindex"
    locations = [el.text for el in root.iter("{*}loc") if el.text]
    return is_index, locations
