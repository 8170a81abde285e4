"""Interfaces the ticketing app offers to the apps above it, so it never imports them.

Dependencies point one way (ai -> knowledge -> helpdesk -> core): when the portal wants something
only an upper app knows (help-center articles that may answer the customer's question), helpdesk
defines the shape here and the upper app registers an implementation in its AppConfig.ready().
With nothing registered the feature is simply off (no suggestions), never an error.

Named events (ticket created, message posted, ...) go through `core.hooks`; this module is for
calls that return something.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortalSuggestion:
    """An article offered while a customer writes a new ticket."""

    article_id: int
    article_title: str
    snippet: str  # safe HTML: escaped text, matched words in <mark>


@dataclass(frozen=True)
class PortalSuggester:
    # suggest(query, limit=...) -> suggestions a customer may see, best first
    suggest: Callable[..., list[PortalSuggestion]]
    # article_url(article_id) -> the public URL of that article, or None if a customer may not see it
    article_url: Callable[[int], str | None]


_portal_suggester: PortalSuggester | None = None


def register_portal_suggester(suggester: PortalSuggester | None) -> None:
    """Set (or, with None, remove) the one source of portal suggestions."""
    global _portal_suggester
    _portal_suggester = suggester


def portal_suggestions(query: str, *, limit: int = 3) -> list[PortalSuggestion]:
    """Suggestions for what a customer typed so far; [] when no app offers any or the source fails
    (a suggestion box must never break the form)."""
    if _portal_suggester is None:
        return []
    try:
        return list(_portal_suggester.suggest(query, limit=limit))[:limit]
    except Exception:
        logger.exception("portal suggestions failed")
        return []


def portal_suggestion_url(article_id: int) -> str | None:
    """Where a suggested article is read; None when there is no such public article (or no source)."""
    if _portal_suggester is None:
        return None
    return _portal_suggester.article_url(article_id)


# --- System mail (CSAT surveys, sign-in links): one way out, owned by the email channel ----------

SystemMailSender = Callable[..., None]  # sender(to=, subject=, body=[, headers=]) -> None; raises on failure
_system_mail_sender: SystemMailSender | None = None


def register_system_mail_sender(sender: SystemMailSender | None) -> None:
    """Set (or, with None, remove) how system mail leaves (the email channel registers its own:
    a configured mailbox as sender, clean headers, Auto-Submitted)."""
    global _system_mail_sender
    _system_mail_sender = sender


def system_mail_send(
    *, to: str, subject: str, body: str, fail_silently: bool = False, headers: dict[str, str] | None = None
) -> None:
    """Send one automatic mail to a customer; with no sender registered, Django's default mail connection.
    `headers`: extra headers (e.g. List-Unsubscribe). `fail_silently` logs a failure instead of raising it."""
    try:
        if _system_mail_sender is None:
            EmailMessage(subject, body, None, [to], headers=headers or None).send(fail_silently=False)
        elif headers:
            _system_mail_sender(to=to, subject=subject, body=body, headers=headers)
        else:
            _system_mail_sender(to=to, subject=subject, body=body)
    except Exception:
        if not fail_silently:
            raise
        logger.exception("system mail to %s failed", to)


# --- Desk navigation: sections the channel apps add to the desk's top bar -----------------------


@dataclass(frozen=True)
class DeskSection:
    label: Callable[[], str] | str  # shown in the top bar (a lazy translation is fine)
    url: str  # absolute path, e.g. "/desk/chat/"
    order: int = 50  # Inbox 10, Knowledge base 20, Reports 30; higher goes further right


_desk_sections: dict[str, DeskSection] = {}


def register_desk_section(key: str, section: DeskSection) -> None:
    """Add (or replace) a top-bar section of the desk; the app that owns the page registers it."""
    _desk_sections[key] = section


def desk_sections() -> list[DeskSection]:
    return sorted(_desk_sections.values(), key=lambda section: (section.order, section.url))


# --- Live chat on the help center: the chat app offers its widget, the public pages embed it -------


@dataclass(frozen=True)
class PublicChat:
    widget_key: str
    script_url: str  # e.g. "/chat/widget.js"


_public_chat_provider: Callable[[], PublicChat | None] | None = None


def register_public_chat(provider: Callable[[], PublicChat | None] | None) -> None:
    """Set (or, with None, remove) what tells the public pages which chat widget to embed."""
    global _public_chat_provider
    _public_chat_provider = provider


def public_chat() -> PublicChat | None:
    """The widget the help center and portal offer, or None (no chat app, none enabled, or it failed:
    a chat button must never break a help-center page)."""
    if _public_chat_provider is None:
        return None
    try:
        return _public_chat_provider()
    except Exception:
        logger.exception("public chat lookup failed")
        return None


# --- Notices for a signed-in customer (outreach's portal banner) ------------------------------------


@dataclass(frozen=True)
class PortalNotice:
    subject: str
    body: str


_portal_notice_provider: Callable[..., list[PortalNotice]] | None = None


def register_portal_notices(provider: Callable[..., list[PortalNotice]] | None) -> None:
    """Set (or, with None, remove) what shows a signed-in customer their notices: provider(customer=)."""
    global _portal_notice_provider
    _portal_notice_provider = provider


def portal_notices(*, customer) -> list[PortalNotice]:
    """Notices to show this customer once, at the top of a portal page; [] with no provider or on failure
    (a banner must never break the portal)."""
    if _portal_notice_provider is None or customer is None:
        return []
    try:
        return list(_portal_notice_provider(customer=customer))
    except Exception:
        logger.exception("portal notices failed")
        return []


# --- Answer claims: an upper app answers a ticket itself (outreach's incident note) ------------------

AnswerClaimer = Callable[..., bool]  # claimer(ticket=) -> True when the ticket gets its reply elsewhere
_answer_claimers: dict[str, AnswerClaimer] = {}


def register_answer_claimer(key: str, claimer: AnswerClaimer | None) -> None:
    """Set (or, with None, remove) a claimer asked before the AI answers a customer automatically."""
    if claimer is None:
        _answer_claimers.pop(key, None)
    else:
        _answer_claimers[key] = claimer


def answer_claimed(*, ticket) -> bool:
    """True when an app answers this ticket itself (e.g. with an incident note), so the customer gets
    that one reply and no automatic answer besides. A failing claimer claims nothing."""
    for key, claimer in sorted(_answer_claimers.items()):
        try:
            if claimer(ticket=ticket):
                return True
        except Exception:
            logger.exception("answer claimer %s failed", key)
    return False
