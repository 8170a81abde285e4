"""The inbox's rows and filter options, rendered in Python.

An inbox page is 25-100 rows of ten cells each; through the template engine every cell resolves
variables, lazy translations and a URL reverse per row, which cost more than the database work of
the page (bench/inbox.py). Here each row is one ``format_html`` over values prepared once per
request: the translated status and priority labels (cached per language), and the ticket URLs
(reversed once, the id substituted). All text is escaped by ``format_html``/``escape``.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from helpdesk.models import TicketPriority, TicketStatus
from helpdesk.templatetags.desk import ago, sla_badge

register = template.Library()

ID_SLOT = 987654321  # reversed once with this id, then replaced by each row's id


@lru_cache(maxsize=32)
def choice_labels(language: str | None) -> dict[str, dict[str, str]]:
    """Status and priority labels as plain strings in `language` (translated once per process)."""
    return {
        "status": {value: str(label) for value, label in TicketStatus.choices},
        "priority": {value: str(label) for value, label in TicketPriority.choices},
    }


@lru_cache(maxsize=32)
def _row_texts(language: str | None) -> dict[str, str]:
    return {"select": gettext("Select ticket #%(n)s"), "none": '<span class="muted">—</span>'}


def _url_pattern(name: str) -> tuple[str, str]:
    url = reverse(name, args=[ID_SLOT])
    before, _, after = url.partition(str(ID_SLOT))
    return before, after


@register.simple_tag
def inbox_rows(tickets) -> SafeString:
    """The <tr> elements of the inbox table for `tickets` (as loaded by selectors.inbox.inbox_page)."""
    language = get_language()
    labels, texts = choice_labels(language), _row_texts(language)
    ticket_url, assign_url = _url_pattern("desk:ticket"), _url_pattern("desk:ticket_assign_me")
    none = mark_safe(texts["none"])  # noqa: S308 - a constant of this module
    rows = []
    for t in tickets:
        pk = t.pk
        preview = getattr(t, "preview", "")
        tags = [tag.name for tag in t.tags.all()]
        updated = timezone.localtime(t.updated_at)
        rows.append(
            format_html(
                '<tr id="ticket-row-{pk}" data-ticket-row data-assign-url="{assign}">'
                '<td class="check"><input type="checkbox" name="ticket_ids" value="{pk}" aria-label="{select}">'
                "</td><td>"
                '<a class="subject" href="{url}" data-ticket-link><span class="num">#{number}</span> {subject}</a>'
                '<span class="preview"><span class="who">{who}</span>{preview}</span>{tags}</td>'
                '<td class="meta"><span class="badge status-{status}">{status_label}</span></td>'
                '<td class="meta hide-sm"><span class="prio prio-{priority}">{priority_label}</span></td>'
                '<td class="meta hide-sm">{assignee}</td><td class="meta hide-sm">{team}</td>'
                '<td class="meta">{sla}</td>'
                '<td class="meta"><time datetime="{iso}" title="{when}">{ago}</time></td></tr>',
                pk=pk,
                assign=f"{assign_url[0]}{pk}{assign_url[1]}",
                select=texts["select"] % {"n": t.number},
                url=f"{ticket_url[0]}{pk}{ticket_url[1]}",
                number=t.number,
                subject=t.subject,
                who=t.requester.display_name,
                preview=format_html(" · {}", preview) if preview else "",
                tags=_tags_html(tags),
                status=t.status,
                status_label=labels["status"].get(t.status, t.status),
                priority=t.priority,
                priority_label=labels["priority"].get(t.priority, t.priority),
                assignee=t.assignee.name if t.assignee_id else none,
                team=t.team.name if t.team_id else none,
                sla=sla_badge(t),
                iso=updated.isoformat(),
                when=date_format(updated, "DATETIME_FORMAT"),
                ago=ago(t.updated_at),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row was built by format_html


def _tags_html(tags: list[str]) -> str:
    if not tags:
        return ""
    badges = "".join(f'<span class="badge tag">{escape(name)}</span>' for name in tags)
    return mark_safe(f'<span class="tags">{badges}</span>')  # noqa: S308 - names escaped above


@register.simple_tag
def select_options(choices, selected="") -> SafeString:
    """<option> elements for (value, label) pairs, `selected` marked. Values compare as strings."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - value and label escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
