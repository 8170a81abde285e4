"""The ticket thread's messages, rendered in Python (the ticket page shows every message).

Through the template engine a message cost ~0.4 ms (a dozen translations, three date formats, an
include for the delivery state); a 100-message thread spent most of the page's time there
(bench/inbox.py). Each message here is a few ``format_html`` calls over labels translated once per
language. The HTML is what templates/desk/partials/delivery_status.html and the former loop of
ticket_thread.html wrote; the stored body goes through the same ``message_html`` filter.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from helpdesk.models import Message
from helpdesk.templatetags.desk import id_route
from helpdesk.templatetags.message_html import message_html

register = template.Library()


# A drawn paperclip: the emoji showed as an empty box where no emoji font is installed.
CLIP_ICON = mark_safe(  # noqa: S308 - a constant
    '<svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" '
    'stroke-width="2" stroke-linecap="round"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 '
    '0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/></svg>'
)


@lru_cache(maxsize=32)
def _labels(language: str | None) -> dict[str, str]:
    return {
        "internal": gettext("Internal note"),
        "ai": gettext("AI"),
        "agent": gettext("Agent"),
        "customer": gettext("Customer"),
        "sources": gettext("Sources:"),
        "sent": gettext("Sent"),
        "queued": gettext("Queued"),
        "retry": gettext("Retry"),
        "kinds": {value: str(label) for value, label in Message.AuthorKind.choices},
    }


@register.simple_tag(takes_context=True)
def thread_messages(context, messages) -> SafeString:
    """The <article> of every message in `messages` (selectors.thread.ticket_thread)."""
    labels = _labels(get_language())
    attachment_url = id_route("desk:attachment")
    csrf = context.get("csrf_token")
    when_cache: dict = {}  # DATETIME_FORMAT shows minutes: one formatting per minute of the thread
    zone = timezone.get_current_timezone_name()
    parts = []
    for m in messages:
        key = _article_key(m, zone)
        html = _ARTICLES.get(key) if key is not None else None
        if html is None:
            html = _article(m, labels, attachment_url, csrf, when_cache)
            if key is not None:
                if len(_ARTICLES) >= ARTICLE_CACHE_SIZE:
                    _ARTICLES.clear()  # bounded; a full cache starts over rather than tracking use
                _ARTICLES[key] = html
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped, the body sanitised when stored


# Rendered <article>s of this process, keyed by everything the HTML is made of (so an edited body, a
# new delivery state, a renamed author or another language or time zone is a different key: nothing
# to invalidate). A failed delivery's article holds the request's CSRF token and is never kept.
ARTICLE_CACHE_SIZE = 20_000
_ARTICLES: dict[tuple, str] = {}


def _article_key(m, zone: str) -> tuple | None:
    if m.delivery_status == "failed":
        return None
    files = getattr(m, "_prefetched_objects_cache", {}).get("attachments")
    if files is None:
        return None  # attachments not loaded: reading them is the render's business
    return (
        get_language(), zone, m.pk, m.seq, m.author_kind, m.is_internal, m.body_html, m.created_at, m.author_name,
        m.ai_mode, repr(m.citations), m.delivery_status, m.delivery_channel, m.delivery_error,
        tuple((f.pk, f.filename, f.size) for f in files),
    )  # fmt: skip


def _article(m, labels: dict, attachment_url: tuple[str, str], csrf, when_cache: dict) -> str:
    # f-strings over escape(): format_html per part cost more than the rest of the message together.
    kind = m.author_kind
    aria = labels["internal"] if m.is_internal else labels["kinds"].get(kind, kind)
    body = f'<div class="msg-body">{message_html(m.body_html, m.pk)}</div>'  # sanitised when stored
    if kind == "system":
        inner = body + _delivery(m, labels, csrf)
    else:
        when = timezone.localtime(m.created_at)
        minute = when.replace(second=0, microsecond=0)
        shown = when_cache.get(minute)
        if shown is None:
            shown = when_cache[minute] = escape(date_format(when, "DATETIME_FORMAT"))
        name = m.author_name
        avatar = escape(labels["ai"] if kind == "ai" else name[:1].upper())
        inner = (
            f'<header class="msg-head"><span class="avatar" aria-hidden="true">{avatar}</span>'
            f'<span class="who">{escape(name)}</span>{_badge(m, labels)}'
            f'<time datetime="{when.isoformat()}" title="{shown}">{shown}</time>{_delivery(m, labels, csrf)}</header>'
            f"{body}{_citations(m, labels)}{_files(m, attachment_url)}"
        )
    internal = " is-internal" if m.is_internal else ""
    return f'<article id="message-{m.seq}" class="msg from-{escape(kind)}{internal}" aria-label="{escape(aria)}">{inner}</article>'


def _badge(m, labels: dict) -> str:
    if m.is_internal:
        return format_html('<span class="badge plain badge-internal">{}</span>', labels["internal"])
    if m.author_kind == "ai":
        mode = format_html(" · {}", m.ai_mode) if m.ai_mode else ""
        return format_html('<span class="badge plain badge-ai">{}{}</span>', labels["ai"], mode)
    label = labels["agent"] if m.author_kind == "agent" else labels["customer"]
    return format_html('<span class="badge plain">{}</span>', label)


def _delivery(m, labels: dict, csrf) -> str:
    status = m.delivery_status
    if not status:
        return ""
    title = format_html(' title="{}"', m.delivery_error) if m.delivery_error else ""
    if status == "sent":
        channel = m.delivery_channel
        via = format_html(" · {}", channel) if channel and channel != "web" else ""
        inner = format_html('<span class="badge plain">{}{}</span>', labels["sent"], via)
    elif status == "queued":
        inner = format_html('<span class="badge plain">{}</span>', labels["queued"])
    else:
        attempts = m.delivery_attempts
        failed = ngettext("Delivery failed (%(n)s attempt)", "Delivery failed (%(n)s attempts)", attempts) % {
            "n": attempts
        }
        retry = reverse("desk:message_retry", args=[m.ticket_id, m.pk])
        token = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf) if csrf else ""
        )
        inner = format_html(
            '<span class="badge plain badge-failed">{}</span><form method="post" action="{}" hx-post="{}" '
            'hx-swap="none" class="inline-form-plain">{}<button type="submit" class="btn small">{}</button></form>',
            failed,
            retry,
            retry,
            token,
            labels["retry"],
        )
    return format_html(
        '<span class="delivery delivery-{}" data-delivery="{}"{}>{}</span>', status, status, title, inner
    )


def _citations(m, labels: dict) -> str:
    if not m.citations:
        return ""
    items = []
    for number, citation in enumerate(m.citations, start=1):
        url = citation.get("url") if isinstance(citation, dict) else None
        title = citation.get("title") if isinstance(citation, dict) else None
        if url:
            items.append(
                format_html('<span>[{}] <a href="{}" rel="noopener">{}</a></span>', number, url, title or url)
            )
        else:
            items.append(format_html("<span>[{}] {}</span>", number, title or citation))
    return format_html('<div class="citations">{} {}</div>', labels["sources"], mark_safe(" · ".join(items)))  # noqa: S308


def _files(m, attachment_url: tuple[str, str]) -> str:
    prefetched = getattr(m, "_prefetched_objects_cache", {})
    files = prefetched["attachments"] if "attachments" in prefetched else m.attachments.all()
    if not files:
        return ""
    before, after = attachment_url
    chips = format_html_join(
        "",
        '<a class="file-chip" href="{}" download>{} {} <span class="muted">{}</span></a>',
        ((f"{before}{f.pk}{after}", CLIP_ICON, f.filename, filesizeformat(f.size)) for f in files),
    )
    return format_html('<div class="msg-files">{}</div>', chips)
