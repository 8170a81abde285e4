"""Scheduled knowledge-base housekeeping (django-q2; the schedule is created by a migration)."""

from __future__ import annotations

from knowledge.services.searches import searches_prune


def help_searches_prune() -> int:
    """Daily: delete help-center searches older than HELP_SEARCH_RETENTION_DAYS (idempotent)."""
    return searches_prune()
