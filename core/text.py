"""Small text matching shared by ticket routing (helpdesk) and triage signals (ai)."""

from __future__ import annotations

import re


def keyword_in(text: str, keyword: str) -> bool:
    """Whole-word (or whole-phrase) match; apostrophes in the text are normalised so "can’t" matches."""
    normalised = text.lower().replace("’", "'")
    return re.search(rf"(?<!\w){re.escape(keyword.lower())}(?!\w)", normalised) is not None
