"""An XSS corpus through the article markdown pipeline: whatever an author (or an import) writes,
the rendered HTML carries no script, no event handler, no javascript:/data: URL and no style."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from knowledge.markdown import ResolvedLink, render_markdown, sanitize_article_html

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](jav&#97;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<a href=' javascript:alert(1)'>x</a>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<IMG SRC=x oNeRrOr=alert(1)>",
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<img src="x` `<script>alert(1)</script>"` `>',
    '[x](https://ok.example "title" onclick=alert(1))',
    '[[slug"><script>alert(1)</script>]]',
    "[[ok|<img src=x onerror=alert(1)>]]",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="\\x01javascript:alert(1)">x</a>',
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "form", "style", "link", "meta", "base", "svg", "math", "input",
    "video", "source", "body", "button",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _assert_inert(html: str) -> None:
    """Parse the output as a browser would and check every element and attribute."""
    collector = _TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag not in FORBIDDEN_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, html)
            assert name != "style", (tag, html)
            if name in {"href", "src"} and value:
                # Browsers drop control characters and whitespace before resolving the scheme.
                compact = re.sub(r"[\x00-\x20]", "", value)
                scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", compact)
                assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, (value, html)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_payload_renders_inert(payload):
    resolve = lambda slug: ResolvedLink(url=f"/help/{slug}/", title="Ok") if slug == "ok" else None  # noqa: E731
    html = render_markdown(f"Intro\n\n{payload}\n\nOutro", resolve=resolve).html
    _assert_inert(html)
    assert "Intro" in html  # text after an unclosed raw-HTML block may be swallowed; never executed


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_payload_inside_lists_tables_and_quotes(payload):
    one_line = payload.replace("\n", " ")
    source = f"- item {one_line}\n\n> quote {one_line}\n\n| a | b |\n|---|---|\n| {one_line.replace('|', '')} | x |\n"
    _assert_inert(render_markdown(source).html)


def test_code_shows_the_payload_as_text():
    html = render_markdown("```html\n<script>alert(1)</script>\n```").html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_safe_markdown_survives():
    source = (
        "## Returns\n\n**Bold** and *em*, [a link](https://example.com/x?y=1), [mail](mailto:help@example.com), "
        "![photo](/help/assets/1/photo.png)\n\n| Day | Hours |\n|---|---|\n| Mon | 9-17 |\n\n> Note\n\n1. one\n2. two\n"
    )
    html = render_markdown(source).html
    for fragment in (
        '<h2 id="returns">Returns</h2>',
        "<strong>Bold</strong>",
        '<a href="https://example.com/x?y=1" rel="noopener noreferrer nofollow">a link</a>',
        'href="mailto:help@example.com"',
        '<img src="/help/assets/1/photo.png" alt="photo">',
        "<td>Mon</td>",
        "<blockquote>",
        "<ol>",
    ):
        assert fragment in html, fragment


def test_sanitiser_alone_strips_handlers_from_imported_html():
    html = sanitize_article_html(
        '<p onclick="x()">Hi <a href="javascript:x()">there</a><script>x()</script></p>'
    )
    assert html == '<p>Hi <a rel="noopener noreferrer nofollow">there</a></p>'
