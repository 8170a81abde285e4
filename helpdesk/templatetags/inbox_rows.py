"""The inbox's rows and filter options, rendered in Python.

An inbox page is 25-100 rows of ten cells each; through the template engine every cell resolves
variables, lazy translations and a URL reverse per row, which cost more than the database work of
the page (bench/inbox.py). Here each row is one ``format_html`` over values prepared once per
request: the translated status and priority labels (cached per language), and the ticket URLs
(reversed once, the id substituted). All text is escaped by ``format_html``/``escape``.
"""

from __future__ import annotations

import html
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from helpdesk.selectors.inbox import choice_labels
from helpdesk.templatetags.desk import ago, id_route, sla_badge

register = template.Library()


@lru_cache(maxsize=32)
def _row_texts(language: str | None) -> dict[str, str]:
    return {"select": gettext("Select ticket #%(n)s"), "none": '<span class="muted">—</span>'}


@register.simple_tag
def inbox_rows(tickets) -> SafeString:
    """The <tr> elements of the inbox table for `tickets` (as loaded by selectors.inbox.inbox_page).
    Every value is escaped with html.escape, which is what django.utils.html.escape does (without
    its lazy-string wrapper); values marked safe (the SLA badge, the tags, the dash) go in as they are."""
    language = get_language()
    labels, texts = choice_labels(language), _row_texts(language)
    ticket_url, assign_url = id_route("desk:ticket"), id_route("desk:ticket_assign_me")
    status_labels, priority_labels = labels["status"], labels["priority"]
    none, select = texts["none"], texts["select"]
    zone = timezone.get_current_timezone_name()
    # Escaped once per page: the URL around the id (escaping works character by character, and an id
    # is digits) and each status's and priority's badge (a page has a handful of each).
    assign_before, assign_after = _e(assign_url[0]), _e(assign_url[1])
    ticket_before, ticket_after = _e(ticket_url[0]), _e(ticket_url[1])
    status_cells: dict[str, str] = {}
    priority_cells: dict[str, str] = {}
    rows = []
    for t in tickets:
        pk = int(t.pk)
        preview = getattr(t, "preview", "")
        updated = timezone.localtime(t.updated_at)
        status, priority = t.status, t.priority
        status_cell = status_cells.get(status)
        if status_cell is None:
            status_cell = status_cells[status] = (
                f'<span class="badge status-{_e(status)}">{_e(status_labels.get(status, status))}</span>'
            )
        priority_cell = priority_cells.get(priority)
        if priority_cell is None:
            priority_cell = priority_cells[priority] = (
                f'<span class="prio prio-{_e(priority)}">{_e(priority_labels.get(priority, priority))}</span>'
            )
        rows.append(
            f'<tr id="ticket-row-{pk}" data-ticket-row data-assign-url="{assign_before}{pk}{assign_after}">'
            f'<td class="check"><input type="checkbox" name="ticket_ids" value="{pk}" '
            f'aria-label="{_e(select % {"n": t.number})}"></td><td>'
            f'<a class="subject" href="{ticket_before}{pk}{ticket_after}" data-ticket-link>'
            f'<span class="num">#{t.number}</span> {_e(t.subject)}</a>'
            f'<span class="preview"><span class="who">{_e(t.requester.display_name)}</span>'
            f"{f' · {_e(preview)}' if preview else ''}</span>{_tags_html(_tag_names(t))}</td>"
            f'<td class="meta">{status_cell}</td>'
            f'<td class="meta hide-sm">{priority_cell}</td>'
            f'<td class="meta hide-sm">{_e(t.assignee.name) if t.assignee_id else none}</td>'
            f'<td class="meta hide-sm">{_e(t.team.name) if t.team_id else none}</td>'
            f'<td class="meta">{conditional_escape(sla_badge(t))}</td>'
            f'<td class="meta"><time datetime="{_e(updated.isoformat())}" '
            f'title="{_when(language, zone, updated)}">{_e(ago(t.updated_at))}</time></td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above went through _e or is safe


@lru_cache(maxsize=8192)
def _when(language: str | None, zone: str, updated) -> str:
    """The row's DATETIME_FORMAT title, escaped. Keyed by language and time zone as well (aware datetimes
    compare by instant): the same page is listed again on every refresh, and formatting costs ~40 µs."""
    return _e(date_format(updated, "DATETIME_FORMAT"))


def _e(value) -> str:
    return html.escape(str(value))


def _tag_names(ticket) -> list[str]:
    """The ticket's tag names, read from the page's prefetch without building a queryset per row."""
    prefetched = getattr(ticket, "_prefetched_objects_cache", {})
    tags = prefetched["tags"] if "tags" in prefetched else ticket.tags.all()
    return [tag.name for tag in tags]


def _tags_html(tags: list[str]) -> str:
    if not tags:
        return ""
    badges = "".join(f'<span class="badge tag">{_e(name)}</span>' for name in tags)
    return mark_safe(f'<span class="tags">{badges}</span>')  # noqa: S308 - names escaped above


@register.simple_tag
def select_options(choices, selected="") -> SafeString:
    """<option> elements for (value, label) pairs, `selected` marked. Values compare as strings."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - value and label escaped
        "".join(
            f'<option value="{_e(value)}"{" selected" if str(value) == selected else ""}>{_e(label)}</option>'
            for value, label in choices
        )
    )
