"""Stored message HTML (already sanitised by core/sanitize.py) made inert for the browser showing it.

- `<img>` never loads: a remote image would tell its sender when and where an agent read the
  message (and the CSP would block it anyway); a same-origin or relative one would make a GET on our
  own site with the reader's cookies. Each image becomes a small link naming it, so an agent can
  open a remote one deliberately, in a new tab, without our cookies (rel=noreferrer).
- Links to our own site (relative, or to SITE_URL / an allowed host) lose their href: a customer
  must not be able to put a one-click "/desk/..." action in front of an agent. The text stays.

It works on nh3's serialised output (double-quoted, escaped attributes), never on raw input.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_A_HREF = re.compile(r'(<a\b[^>]*?)\s+href="([^"]*)"', re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z][\w-]*)="([^"]*)"')


def _own_hosts() -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts |= {h.lstrip(".").lower() for h in settings.ALLOWED_HOSTS if h not in ("*", "")}
    return {h for h in hosts if h}


def url_is_ours(url: str) -> bool:
    """Relative, scheme-relative or pointing at one of our own hosts."""
    try:
        parts = urlsplit(html.unescape(url).strip())
    except ValueError:
        return True  # unparseable: treat as dangerous
    if not parts.scheme and not parts.netloc:
        return True
    host = (parts.hostname or "").lower()
    return any(host == own or host.endswith("." + own) for own in _own_hosts())


def _image_replacement(match: re.Match, proxy=None) -> str:
    attrs = dict(_ATTR.findall(match.group(0)))
    src, alt = attrs.get("src", ""), attrs.get("alt", "")
    label = alt or _("image")
    if not src or url_is_ours(src) or not src.lower().startswith(("http://", "https://")):
        return f'<span class="blocked-image">[{label}]</span>'
    host = html.escape(urlsplit(html.unescape(src)).hostname or "", quote=True)
    title = html.escape(_("Remote image, not loaded. Opens in a new tab."), quote=True)
    proxied = proxy(html.unescape(src)) if proxy else None
    data = f' data-proxy-src="{html.escape(proxied, quote=True)}"' if proxied else ""
    return (
        f'<a class="blocked-image" href="{src}" target="_blank" rel="noopener noreferrer nofollow" '
        f'title="{title}"{data}>[{label} · {host}]</a>'
    )


def _link_replacement(match: re.Match) -> str:
    opening, href = match.group(1), match.group(2)
    if href.lower().startswith(("mailto:", "tel:")) or not url_is_ours(href):
        return match.group(0)
    return opening  # our own site: the link goes, the text stays


def html_inert(value: str, *, proxy=None) -> str:
    """Sanitised message HTML with images replaced by links and links to our own site disabled.

    `proxy(url)` may give each remote image a same-origin proxy URL (data-proxy-src), which the
    desk's "Show images" button loads on request (static/js/remote-images.js)."""
    if not value:
        return ""
    value = _IMG.sub(lambda match: _image_replacement(match, proxy), value)
    return _A_HREF.sub(_link_replacement, value)


PROXY_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}  # never SVG (scriptable)


def remote_image_fetch(url: str, *, client) -> tuple[bytes, str]:
    """Fetch one remote image through the SSRF-safe client (no cookies, no referrer); return the
    bytes and their sniffed type. Raises ValueError for anything that is not a plain raster image."""
    status, _headers, data = client.request("GET", url)
    if status != 200:
        raise ValueError(f"the image answered {status}")
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in PROXY_IMAGE_TYPES:
        raise ValueError("not a PNG, JPEG, GIF or WebP image")
    return data, kind.mime
