"""The inbox row renderer's per-page shortcuts (URLs and status/priority badges escaped once per page)
write what escaping each row's values wrote."""

import html

import pytest
from django.urls import reverse

from helpdesk.models import Ticket
from helpdesk.selectors.inbox import InboxQuery, inbox_page
from helpdesk.templatetags.inbox_rows import inbox_rows
from tests.helpdesk.desk_helpers import make_tickets

pytestmark = pytest.mark.django_db


def test_rows_escape_urls_and_badges_like_the_per_row_version(agent, customer, team):
    tickets = make_tickets(3, requester=customer, team=team)
    Ticket.objects.filter(pk=tickets[0].pk).update(status='<b>"x"', priority="a&b")  # not a choice
    page = inbox_page(user=agent.user, query=InboxQuery(view="all"))
    out = str(inbox_rows(page.tickets))
    for t in page.tickets:
        assert f'data-assign-url="{html.escape(reverse("desk:ticket_assign_me", args=[t.pk]))}"' in out
        assert f'href="{html.escape(reverse("desk:ticket", args=[t.pk]))}" data-ticket-link' in out
    assert '<span class="badge status-&lt;b&gt;&quot;x&quot;">&lt;b&gt;&quot;x&quot;</span>' in out
    assert '<span class="prio prio-a&amp;b">a&amp;b</span>' in out
    assert out.count('<span class="badge status-new">New</span>') == 2
    assert out.count('<span class="prio prio-normal">Normal</span>') == 2
