"""Apps above helpdesk add their desk sections to the top bar without helpdesk importing them."""

from __future__ import annotations

import pytest

from helpdesk import extensions
from helpdesk.extensions import DeskSection, desk_sections, register_desk_section


def test_the_channel_apps_register_their_sections_in_order():
    urls = [section.url for section in desk_sections()]
    assert urls.index("/desk/chat/") < urls.index("/desk/email/quarantine/")


@pytest.mark.django_db
def test_the_top_bar_shows_registered_sections_and_marks_the_current_one(client, agent):
    client.force_login(agent.user)
    page = client.get("/desk/chat/").content.decode()
    assert '<a href="/desk/chat/" aria-current="page">Chats</a>' in page
    assert '<a href="/desk/email/quarantine/" >Email quarantine</a>' in page  # there, not current


def test_a_registered_section_replaces_one_with_the_same_key():
    register_desk_section("test-section", DeskSection(label="One", url="/desk/one/", order=99))
    register_desk_section("test-section", DeskSection(label="Two", url="/desk/two/", order=99))
    try:
        assert [s.label for s in desk_sections() if s.order == 99] == ["Two"]
    finally:
        extensions._desk_sections.pop("test-section")
