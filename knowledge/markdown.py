"""Article markdown -> safe HTML. The only place knowledge-base HTML is produced.

markdown-it-py (CommonMark + tables) renders; nh3 then removes anything executable. Raw HTML inside
markdown is allowed through the renderer on purpose (imported docs often contain some) because the
sanitiser, not the renderer, is the security boundary: no script, no event handlers, no style, and
only http/https/mailto/tel or relative URLs survive, whatever the markdown looked like.

Internal links: `[[slug]]` / `[[slug|label]]` and plain links to `/help/<slug>/` are resolved
against the articles that exist; the render result lists which slugs were linked and which are missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_to_text

KB_URL_SCHEMES = {"http", "https", "mailto", "tel"}
KB_TAGS = ALLOWED_TAGS | {"figure", "figcaption", "caption", "mark"}
KB_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "a": {"href", "title", "class"},
    "span": {"class"},
    "code": {"class"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
}
# The path prefix of public article pages; kept in sync with knowledge/urls_public.py.
HELP_ARTICLE_PATH = re.compile(r"^/help/(?:[a-z]{2}(?:-[a-z]{2})?/)?(?P<slug>[-a-zA-Z0-9_]+)/?(?:[#?].*)?$")
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")


@dataclass(frozen=True)
class ResolvedLink:
    url: str
    title: str


LinkResolver = Callable[[str], ResolvedLink | None]


@dataclass
class RenderedMarkdown:
    html: str
    linked_slugs: set[str] = field(default_factory=set)
    missing_slugs: set[str] = field(default_factory=set)


def sanitize_article_html(value: str) -> str:
    """Sanitise HTML for the knowledge base (the help-desk allow-list plus heading anchors)."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=KB_TAGS,
        attributes=KB_ATTRIBUTES,
        url_schemes=KB_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str, *, resolve: LinkResolver | None = None) -> RenderedMarkdown:
    """Render article markdown to sanitised HTML, resolving internal links with `resolve(slug)`."""
    result = RenderedMarkdown(html="")
    md = _build_parser(resolve, result)
    raw_html = md.render(source or "")
    result.html = sanitize_article_html(raw_html)
    return result


def markdown_to_text(source: str) -> str:
    """Plain text of an article body (for summaries, snippets and search)."""
    return html_to_text(render_markdown(source).html)


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE)
_HEADING = re.compile(r"(^|\n)\s*#{1,6}\s+")
_BLOCK_MARKER = re.compile(r"(^|\n)\s*(?:>|&gt;|[-*+]|\d{1,3}[.)])\s+")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_STRAY_MARKUP = re.compile(r"\*\*+|__+|~~|`+|\[\[|\]\]")
_SPACES = re.compile(r"\s+")


def markdown_snippet_text(text: str) -> str:
    """Markdown left in a snippet (a piece cut out of an article, maybe mid-table or mid-emphasis)
    turned into readable text: table pipes become " · ", headings, list and quote markers, emphasis,
    code ticks and link targets go, wiki links keep their label. Works on plain or HTML-escaped text
    and leaves other markup (such as search highlights) alone."""
    if not text:
        return ""
    text = WIKI_LINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    text = _TABLE_RULE.sub(" ", text)
    rows = []
    for line in text.split("\n"):
        if "|" in line:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            line = " · ".join(cell for cell in cells if cell)
        rows.append(line)
    text = "\n".join(rows)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _HEADING.sub(r"\1", text)
    text = _BLOCK_MARKER.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _STRAY_MARKUP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _build_parser(resolve: LinkResolver | None, result: RenderedMarkdown) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": False, "typographer": False}).enable("table")
    md.inline.ruler.before("link", "wiki_link", _wiki_link_rule(resolve, result))
    default_link_open = md.renderer.rules.get("link_open")
    used_ids: set[str] = set()

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        match = HELP_ARTICLE_PATH.match(href)
        if match and token.attrGet("class") != "kb-link":
            _resolve_path_link(token, match.group("slug"), resolve, result)
        if default_link_open:
            return default_link_open(tokens, idx, options, env)
        return md.renderer.renderToken(tokens, idx, options, env)

    def heading_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
        anchor = slugify(inline.content if inline is not None else "")[:60] or "section"
        candidate, counter = anchor, 2
        while candidate in used_ids:
            candidate, counter = f"{anchor}-{counter}", counter + 1
        used_ids.add(candidate)
        token.attrSet("id", candidate)
        return md.renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_open", heading_open)
    return md


def _resolve_path_link(token, slug: str, resolve: LinkResolver | None, result: RenderedMarkdown) -> None:
    result.linked_slugs.add(slug)
    if resolve is None:
        return
    resolved = resolve(slug)
    if resolved is None:
        result.missing_slugs.add(slug)
        token.attrSet("class", "kb-link-missing")
        return
    # Keep any #fragment the author wrote; point the path at the article's canonical URL.
    href = token.attrGet("href") or ""
    fragment = href[href.index("#") :] if "#" in href else ""
    token.attrSet("href", resolved.url + fragment)


def _wiki_link_rule(resolve: LinkResolver | None, result: RenderedMarkdown):
    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith("[[", state.pos):
            return False
        match = WIKI_LINK.match(state.src, state.pos)
        if match is None:
            return False
        slug = match.group(1).strip()
        label = (match.group(2) or "").strip()
        if not silent:
            _push_wiki_link(state, slug, label, resolve, result)
        state.pos = match.end()
        return True

    return rule


def _push_wiki_link(
    state: StateInline, slug: str, label: str, resolve: LinkResolver | None, result: RenderedMarkdown
) -> None:
    slug = slugify(slug)
    result.linked_slugs.add(slug)
    resolved = resolve(slug) if resolve is not None else None
    if resolved is None:
        if resolve is not None:
            result.missing_slugs.add(slug)
        token = state.push("html_inline", "", 0)
        token.content = f'<span class="kb-link-missing">{escape(label or slug)}</span>'
        return
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": resolved.url, "class": "kb-link"}
    text = state.push("text", "", 0)
    text.content = label or resolved.title
    state.push("link_close", "a", -1)
