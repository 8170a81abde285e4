"""kb_import from a folder, a JSONL file and a real local website (with SSRF and robots.txt checks)."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from knowledge.importing.crawler import Crawler
from knowledge.importing.fetch import BlockedAddress, FetchError, SafeFetcher, address_is_public
from knowledge.importing.files import read_folder
from knowledge.importing.jsonl import read_jsonl
from knowledge.importing.records import import_records
from knowledge.models import Article, ArticleSource, ArticleStatus

pytestmark = pytest.mark.django_db

LONG = (
    "You can return your bike within 30 days of delivery. Request the return in your account, print the "
    "prepaid label we email you and book a pick-up with the carrier. Pack the bike in its original box "
    "and remove the battery first. Refunds reach your account within five working days."
)


# --- a small help-center website on 127.0.0.1 --------------------------------------------------------


def _page(title: str, body: str, links: tuple[str, ...] = ()) -> str:
    nav = "".join(f'<a href="{href}">{href}</a> ' for href in links)
    return (
        f"<html><head><title>{title} | Acme Help</title><meta name='description' content='About {title}'></head>"
        f"<body><nav>{nav}</nav><main><article><h1>{title}</h1><p>{body}</p>"
        f"<h2>Details</h2><p>{body}</p></article></main><footer>Acme</footer></body></html>"
    )


class Site:
    def __init__(self):
        self.requests: list[str] = []
        self.pages: dict[str, tuple[int, dict, bytes]] = {}

    def set_html(self, path: str, html: str) -> None:
        self.pages[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())

    def set(self, path: str, status: int, headers: dict, body: bytes = b"") -> None:
        self.pages[path] = (status, headers, body)


@pytest.fixture
def site():
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            site.requests.append(self.path)
            status, headers, body = site.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"nope"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site.base = base
    site.set(
        "/robots.txt",
        200,
        {"Content-Type": "text/plain"},
        f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode(),
    )
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/help/returns</loc></url><url><loc>{base}/private/secret</loc></url>"
        "<url><loc>http://other.example/help/x</loc></url></urlset>"
    )
    site.set("/sitemap.xml", 200, {"Content-Type": "application/xml"}, sitemap.encode())
    site.set_html(
        "/",
        _page(
            "Help",
            "Short hub.",
            ("/help/returns", "/help/battery", "/help/moved", "/help/metadata", "/help/intranet"),
        ),
    )
    site.set_html("/help/returns", _page("Returning a bike", LONG))
    site.set_html("/help/battery", _page("Battery care", LONG.replace("return", "charge")))
    site.set("/help/moved", 302, {"Location": "/help/battery-care"})
    site.set_html("/help/battery-care", _page("Battery care guide", LONG.replace("bike", "battery")))
    # Redirects into the cloud metadata service and a private network: must be refused.
    site.set("/help/metadata", 302, {"Location": "http://169.254.169.254/latest/meta-data/"})
    site.set("/help/intranet", 301, {"Location": "http://10.0.0.1/admin"})
    site.set_html("/private/secret", _page("Secret", LONG))
    yield site
    server.shutdown()
    server.server_close()


def _host_port(site) -> str:
    """The site's "127.0.0.1:<port>": an allowance names the port (a bare host: its default port)."""
    return site.base.split("//", 1)[1]


def _crawl(site, *, max_pages=20, allow=True):
    fetcher = SafeFetcher(
        allow_private_hosts=frozenset({_host_port(site)}) if allow else frozenset(), max_bytes=100_000
    )
    crawler = Crawler(site.base + "/", fetcher=fetcher, max_pages=max_pages)
    return import_records(crawler.crawl(), source=ArticleSource.WEB), crawler


def test_crawl_imports_pages_and_refuses_private_redirects(site):
    summary, crawler = _crawl(site)
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"Returning a bike", "Battery care", "Battery care guide"}
    assert summary.created == 3
    reasons = {skip.item.removeprefix(site.base): skip.reason for skip in summary.skipped}
    assert "non-public address (169.254.169.254)" in reasons["/help/metadata"]
    assert "non-public address (10.0.0.1)" in reasons["/help/intranet"]
    assert reasons["/private/secret"] == "disallowed by robots.txt"
    assert "too little content" in reasons["/"]
    # robots.txt was obeyed: the disallowed page was never requested.
    assert "/private/secret" not in site.requests
    article = Article.objects.get(title="Returning a bike")
    assert article.status == ArticleStatus.PUBLISHED and article.source == ArticleSource.WEB
    assert article.external_id == site.base + "/help/returns"
    assert "prepaid label" in article.body_md and "Acme" not in article.body_md
    moved = Article.objects.get(title="Battery care guide")
    assert moved.external_id == site.base + "/help/battery-care"


def test_loopback_start_is_refused_unless_allowed(site):
    summary, _crawler = _crawl(site, allow=False)
    assert summary.created == 0
    assert all("non-public address (127.0.0.1)" in skip.reason for skip in summary.skipped)
    assert site.requests == []


def test_recrawl_leaves_unchanged_pages_alone_and_updates_changed_ones(site):
    _crawl(site)
    returns = Article.objects.get(title="Returning a bike")
    site.set_html("/help/battery", _page("Battery care", LONG.replace("return", "store")))
    summary, _crawler = _crawl(site)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    returns.refresh_from_db()
    assert returns.revisions.count() == 1
    battery = Article.objects.get(title="Battery care")
    assert "store" in battery.body_md and battery.revisions.count() == 2


def test_max_pages_limits_the_crawl(site):
    summary, crawler = _crawl(site, max_pages=2)
    assert crawler.stats.fetched == 2
    assert (
        summary.created + summary.updated + len([s for s in summary.skipped if "robots" not in s.reason]) == 2
    )


def test_max_bytes_skips_large_pages(site):
    site.set_html("/help/returns", _page("Returning a bike", LONG * 200))
    summary, _crawler = _crawl(site)
    reasons = {skip.item.removeprefix(site.base): skip.reason for skip in summary.skipped}
    assert "limit" in reasons["/help/returns"]
    assert not Article.objects.filter(title="Returning a bike").exists()


def test_command_crawls_with_allow_private(site):
    out = io.StringIO()
    call_command(
        "kb_import",
        "--url",
        site.base + "/",
        "--allow-private",
        "--no-progress",
        "--json",
        "--draft",
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["created"] == 3
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.DRAFT}
    assert "disallowed by robots.txt" in result["skipped_reasons"]


# --- the fetcher's address checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:0a00:0001::1", "240.0.0.1"],
)  # fmt: skip
def test_non_public_addresses(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert address_is_public(address)


def test_a_host_with_any_private_address_is_refused():
    fetcher = SafeFetcher(resolve=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(BlockedAddress):
        fetcher.check_url("http://help.example/")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "http://user:pw@example.com/"]
)
def test_only_plain_http_urls(url):
    with pytest.raises(BlockedAddress):
        SafeFetcher(resolve=lambda host, port: ["93.184.216.34"]).check_url(url)


def test_connection_is_pinned_to_the_checked_address(site):
    # "help.example" resolves (in this test) to the local server; the request must go to exactly that
    # address with the original Host header, not to a second DNS answer.
    fetcher = SafeFetcher(
        allow_private_hosts=frozenset({f"help.example:{site.base.rsplit(':', 1)[1]}"}),
        resolve=lambda host, port: ["127.0.0.1"] if host == "help.example" else ["10.9.9.9"],
    )
    port = site.base.rsplit(":", 1)[1]
    result = fetcher.get(f"http://help.example:{port}/help/returns")
    assert result.status == 200 and b"Returning a bike" in result.body


def test_redirect_from_an_allowed_host_to_another_private_host_is_refused(site):
    fetcher = SafeFetcher(allow_private_hosts=frozenset({_host_port(site)}))
    with pytest.raises(BlockedAddress):
        fetcher.get(site.base + "/help/metadata")
    with pytest.raises(FetchError):
        fetcher.get(site.base + "/help/intranet")


# --- folder and JSONL -----------------------------------------------------------------------------------


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    (folder / "Shipping").mkdir(parents=True)
    (folder / "Shipping" / "delivery-times.md").write_text(
        "---\ntitle: Delivery times\nsummary: How long shipping takes\nlanguage: en\n---\nBikes arrive in 3-5 days.\n"
    )
    (folder / "warranty.md").write_text("# Warranty\n\nTwo years on the frame.\n")
    (folder / "returns.html").write_text(_page("Returns policy", LONG))
    (folder / "notes.txt").write_text("Plain text notes about invoices.")
    (folder / "broken.md").write_bytes(b"\xff\xfe\xfa not utf-8 \x81")
    (folder / "empty.md").write_text("   \n")
    (folder / "manual.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.md").write_text("# Hidden")
    return folder


def test_folder_import_reports_bad_files_and_continues(docs):
    summary = import_records(read_folder(docs, max_bytes=100_000), source=ArticleSource.FILES)
    articles = {a.external_id: a for a in Article.objects.all()}
    assert set(articles) == {"Shipping/delivery-times.md", "warranty.md", "returns.html", "notes.txt"}
    delivery = articles["Shipping/delivery-times.md"]
    assert (delivery.title, delivery.summary, delivery.category.name) == (
        "Delivery times", "How long shipping takes", "Shipping",
    )  # fmt: skip
    assert articles["warranty.md"].title == "Warranty" and "# Warranty" not in articles["warranty.md"].body_md
    assert (
        articles["returns.html"].title == "Returns policy"
        and "prepaid label" in articles["returns.html"].body_md
    )
    assert articles["notes.txt"].title == "Notes"
    reasons = {skip.item: skip.reason for skip in summary.skipped}
    assert reasons["broken.md"].startswith("not UTF-8")
    assert reasons["empty.md"] == "empty file"
    assert reasons["manual.docx"].startswith("unsupported file type")
    assert summary.created == 4 and len(summary.skipped) == 3


def test_folder_reimport_and_size_limit(docs):
    import_records(read_folder(docs, max_bytes=100_000), source=ArticleSource.FILES)
    (docs / "warranty.md").write_text("# Warranty\n\nThree years on the frame.\n")
    summary = import_records(read_folder(docs, max_bytes=100_000), source=ArticleSource.FILES)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 3)
    small = import_records(read_folder(docs, max_bytes=40), source=ArticleSource.FILES)
    assert any(skip.item == "returns.html" and "too large" in skip.reason for skip in small.skipped)


def _write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n")


def test_jsonl_import_skips_bad_lines(tmp_path):
    path = tmp_path / "docs.jsonl"
    _write_jsonl(
        path,
        [
            json.dumps({"doc_id": "a1", "title": "Invoices", "text": "Download invoices in your account."}),
            "{not json",
            json.dumps({"doc_id": "a2", "title": "No text"}),
            json.dumps(["a", "list"]),
            json.dumps({"title": "No id", "text": "x"}),
            json.dumps(
                {
                    "doc_id": 7,
                    "text": "Zwei Jahre Garantie.\nMehr Text.",
                    "language": "de",
                    "url": "https://x.example/7",
                }
            ),
        ],
    )
    summary = import_records(read_jsonl(path, max_bytes=10_000), source=ArticleSource.JSONL)
    assert summary.created == 2
    assert [skip.item for skip in summary.skipped] == ["line 2", "line 3", "line 4", "line 5"]
    assert summary.skipped[0].reason.startswith("invalid JSON")
    german = Article.objects.get(external_id="7")
    assert (german.title, german.language, german.source_url) == (
        "Zwei Jahre Garantie.",
        "de",
        "https://x.example/7",
    )


def test_jsonl_command_reimport_is_idempotent(tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"doc_id": f"d{n}", "title": f"Doc {n}", "text": f"Text number {n}."}) for n in range(5)
    ]
    _write_jsonl(path, lines)

    def run():
        out = io.StringIO()
        call_command("kb_import", "--jsonl", str(path), "--no-progress", "--json", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1])

    assert run()["created"] == 5
    assert run() == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 0, "skipped_reasons": {}}
    lines[2] = json.dumps({"doc_id": "d2", "title": "Doc 2", "text": "Changed text."})
    _write_jsonl(path, lines)
    assert run()["updated"] == 1
    assert Article.objects.get(external_id="d2").body_md == "Changed text."


def test_crawl_follows_a_start_redirect_to_another_host(site):
    port = site.base.rsplit(":", 1)[1]
    site.set("/moved-help", 301, {"Location": site.base + "/"})
    fetcher = SafeFetcher(
        allow_private_hosts=frozenset({f"help.example:{port}", _host_port(site)}),
        resolve=lambda host, port: ["127.0.0.1"],
    )
    crawler = Crawler(f"http://help.example:{port}/moved-help", fetcher=fetcher, max_pages=20)
    summary = import_records(crawler.crawl(), source=ArticleSource.WEB)
    assert crawler.host == f"127.0.0.1:{port}"
    assert summary.created == 3
