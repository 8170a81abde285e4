"""Inbox view counts and the Python-rendered inbox rows and options."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from helpdesk.selectors.inbox import UNSOLVED, InboxQuery, inbox_page
from helpdesk.selectors.inbox_counts import inbox_view_counts
from helpdesk.services.tickets import ticket_create, ticket_update
from tests.conftest import make_agent
from tests.helpdesk.desk_helpers import make_tickets

pytestmark = pytest.mark.django_db


def test_counts_match_the_lists_of_unsolved_tickets(agent, other_agent, customer, team, other_team):
    make_tickets(3, requester=customer, team=team, assignee=agent)
    make_tickets(2, requester=customer, team=team)
    solved = make_tickets(1, requester=customer, team=team, assignee=agent)[0]
    ticket_update(ticket=solved, status="solved")
    make_tickets(4, requester=customer, team=other_team)  # another team: never counted for `agent`
    counts = inbox_view_counts(user=agent.user)
    assert (counts["mine"].count, counts["unassigned"].count, counts["teams"].count) == (3, 2, 5)
    for view, count in counts.items():
        listed = inbox_page(user=agent.user, query=InboxQuery(view=view, status=UNSOLVED, page_size=100))
        assert count.count == len(listed.tickets), view
        assert not count.capped and str(count) == str(count.count)


def test_counts_stop_at_the_cap(agent, customer, team):
    make_tickets(4, requester=customer, team=team)
    counts = inbox_view_counts(user=agent.user, cap=3)
    assert counts["teams"].count == 3 and counts["teams"].capped and str(counts["teams"]) == "3+"


def test_an_agent_in_no_team_counts_zero_for_my_teams(customer, team):
    loner = make_agent("loner")
    make_tickets(2, requester=customer, team=team)
    assert inbox_view_counts(user=loner.user)["teams"].count == 0


def test_counts_endpoint_swaps_the_numbers_into_the_nav(client_agent, agent, customer, team):
    make_tickets(2, requester=customer, team=team, assignee=agent)
    page = client_agent.get(reverse("desk:inbox")).content.decode()
    assert 'id="view-count-mine"' in page and reverse("desk:inbox_counts") in page
    html = client_agent.get(reverse("desk:inbox_counts")).content.decode()
    assert '<span id="view-count-mine" class="view-count" hx-swap-oob="true"' in html
    assert 'id="view-count-mine" class="view-count" hx-swap-oob="true" title="2 unsolved">2</span>' in html


def test_counts_endpoint_is_for_agents_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(reverse("desk:inbox_counts")).status_code == 403


def test_rows_escape_text_and_show_translated_labels(client_agent, customer, team):
    ticket = ticket_create(
        requester=customer, subject="<script>alert(1)</script> & more", body_text="x", team=team,
        tags=("a<b",), priority="low",
    )  # fmt: skip
    html = client_agent.get(reverse("desk:inbox")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert '<span class="badge tag">a&lt;b</span>' in html
    assert f'href="{reverse("desk:ticket", args=[ticket.pk])}"' in html
    assert f'data-assign-url="{reverse("desk:ticket_assign_me", args=[ticket.pk])}"' in html
    assert '<span class="prio prio-low">Low</span>' in html
    assert f'aria-label="Select ticket #{ticket.number}"' in html


def test_select_options_marks_the_selected_value_and_escapes():
    template = Template("{% load inbox_rows %}{% select_options choices selected %}")
    html = template.render(Context({"choices": [(1, "A&B"), (2, "<b>")], "selected": 2}))
    assert html == '<option value="1">A&amp;B</option><option value="2" selected>&lt;b&gt;</option>'


def test_thread_messages_are_escaped_labelled_and_cite_their_sources(client_agent, ticket, agent):
    from helpdesk.services.messages import message_post

    message_post(
        ticket=ticket, author_kind="agent", author_agent=agent, body_text="<b>x</b>", is_internal=True
    )
    reply = message_post(ticket=ticket, author_kind="ai", body_text="Answer", ai_mode="extractive")
    reply.citations = [
        {"title": "Returns <policy>", "url": "https://example.com/returns"},
        {"title": "Plain"},
    ]
    reply.save(update_fields=["citations"])
    html = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert '<article id="message-2" class="msg from-agent is-internal" aria-label="Internal note">' in html
    assert '<span class="badge plain badge-internal">Internal note</span>' in html
    assert "<b>x</b>" not in html.split('id="message-2"')[1].split("</article>")[0]
    assert '<span class="badge plain badge-ai">AI · extractive</span>' in html
    assert (
        '<div class="citations">Sources: <span>[1] <a href="https://example.com/returns" rel="noopener">'
        "Returns &lt;policy&gt;</a></span> · <span>[2] Plain</span></div>"
    ) in html
    assert "&lt;header" not in html  # rendered markup, never escaped markup
