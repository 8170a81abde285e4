"""The input-normalising edge: every query string and form reaches a view without control characters.

PostgreSQL refuses NUL in text, and no helpdesk field has a use for C0 control characters other than
tab and line breaks; they are stripped from every GET and form POST value (and their names) before a
view sees them, so no view has to think of it. Over-long query values are refused with a clear 400
(a search box has no use for megabytes); form bodies are bounded by Django's DATA_UPLOAD_* settings
and each form's own max_length. Dates and numbers are bounded where they are parsed (`date_param`,
`int_param` below), for views and selectors that take them from the query string.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.http import QueryDict

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputTooLong(ValueError):
    pass


def text_clean(value: str) -> str:
    """The text without NUL and other control characters (tab, CR and LF are kept)."""
    return CONTROL_CHARS.sub("", value)


def text_is_blank(value: str | None) -> bool:
    """Nothing a person would call text: only spaces, control or invisible format characters
    (zero-width space, joiners, direction marks)."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in (value or ""))


def has_control_chars(value: str) -> bool:
    return CONTROL_CHARS.search(value) is not None


def query_dict_clean(data: QueryDict, *, max_chars: int | None = None) -> QueryDict:
    """A copy of `data` with control characters stripped from every key and value.

    Returns `data` itself when nothing needs cleaning (the common case costs one scan).
    Raises InputTooLong when a value is longer than `max_chars`.
    """
    dirty = False
    for key, values in data.lists():
        for value in values:
            if max_chars is not None and len(value) > max_chars:
                raise InputTooLong(key)
            dirty = dirty or has_control_chars(value)
        dirty = dirty or has_control_chars(key)
    if not dirty:
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(text_clean(key), [text_clean(v) for v in values])
    cleaned._mutable = False
    return cleaned


def date_param(value: str | None, *, earliest: dt.date, latest: dt.date) -> dt.date | None:
    """A date from a query value, or None when absent, unparseable or outside [earliest, latest]."""
    if not value:
        return None
    try:
        parsed = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    if parsed < earliest or parsed > latest:
        return None
    return parsed


def int_param(value: str | None, *, default: int, low: int, high: int) -> int:
    """An integer from a query value, clamped to [low, high]; `default` when absent or unparseable."""
    try:
        number = int(str(value).strip()[:20])
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
