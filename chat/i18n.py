"""The chat widget's words in the widget's language.

The widget script carries an English label table; the welcome frame's config brings the same labels
translated from the catalogs (locale/), in the language the admin set on the widget. The widget's
language, not the visitor's browser: the greeting and offline text are written by the admin in that
language, and the host website is in it, so the whole panel reads as one. (The AI still answers in
the language the visitor writes in.) A language the install does not offer falls back to
LANGUAGE_CODE. Messages the chat itself writes into a conversation use the ticket's language when
known, else the widget's.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

# Keys match the `T` table in static/chat/widget.js; the English text is the msgid.
WIDGET_LABELS = {
    "open": gettext_noop("Open chat"),
    "close": gettext_noop("Close chat"),
    "send": gettext_noop("Send"),
    "placeholder": gettext_noop("Write a message…"),
    "name": gettext_noop("Your name"),
    "email": gettext_noop("Email"),
    "start": gettext_noop("Start chat"),
    "person": gettext_noop("Talk to a person"),
    "helpful": gettext_noop("Was this helpful?"),
    "yes": gettext_noop("Yes"),
    "sources": gettext_noop("Sources"),
    "typing": gettext_noop("typing…"),
    "read": gettext_noop("Read"),
    "rate": gettext_noop("How did we do?"),
    "thanks": gettext_noop("Thank you!"),
    "offline": gettext_noop("Offline"),
    "you": gettext_noop("You"),
    "retrying": gettext_noop("Reconnecting…"),
    "writing": gettext_noop("Assistant (writing…)"),
    "attach": gettext_noop("Attach a file"),
    "transcript": gettext_noop("Email me the transcript"),
    "sentTo": gettext_noop("Transcript sent to"),
}


def supported_language(code: str | None) -> str:
    """``code`` (or its base language) when the install offers it, else LANGUAGE_CODE."""
    try:
        return translation.get_supported_language_variant((code or "").strip().lower())
    except LookupError:
        return settings.LANGUAGE_CODE


@lru_cache(maxsize=32)
def widget_labels(language: str) -> dict[str, str]:
    """The widget's labels translated into ``language`` (catalogs are loaded once per process)."""
    with translation.override(supported_language(language)):
        return {key: translation.gettext(text) for key, text in WIDGET_LABELS.items()}


def conversation_language(*, ticket_language: str = "", widget_language: str = "") -> str:
    """The language chat writes a system message in: the ticket's (the customer's), else the widget's."""
    return supported_language(ticket_language or widget_language)
