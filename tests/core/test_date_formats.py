"""Dates read the same everywhere people see them: one date-time and one date format, both from the
reader's locale (the agent's language, or the customer's), never a hard-coded pattern."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
AREAS = ["desk", "portal", "public", "knowledge", "errors", "ai", "chat", "emailchannel", "outreach"]
DATE_FILTER = re.compile(r"""\|date:["']([^"']+)["']""")
# c / Y-m-d: machine-readable attributes; o-\WW: an ISO week label ("2026-W48") of the weekly report
ALLOWED = {"DATETIME_FORMAT", "DATE_FORMAT", "c", "Y-m-d", "o-\\WW"}


@pytest.mark.parametrize("area", AREAS)
def test_templates_use_the_locale_formats(area):
    offenders = []
    for path in sorted((TEMPLATES / area).rglob("*.html")):
        for fmt in DATE_FILTER.findall(path.read_text()):
            if fmt not in ALLOWED:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert not offenders, offenders


def test_the_desk_shows_dates_in_the_agents_language(client, agent, ticket):
    from django.urls import reverse
    from django.utils import formats, timezone, translation

    agent.language = "de"
    agent.save()
    client.force_login(agent.user)
    html = client.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    with translation.override("de"):
        expected = formats.date_format(timezone.localtime(ticket.created_at), "DATETIME_FORMAT")
    with translation.override("en"):
        english = formats.date_format(timezone.localtime(ticket.created_at), "DATETIME_FORMAT")
    assert expected != english and expected in html and english not in html
