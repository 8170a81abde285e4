"""Agent drafts: extractive and generative, variants, sending, and the edit similarity kept."""

from __future__ import annotations

import pytest

from ai.models import AIDraft, AIInteraction
from ai.services.drafts import draft_create, draft_match_reply, draft_send, similarity
from core.errors import ApplicationError
from helpdesk.models import Macro, Message
from helpdesk.services.messages import message_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
QUESTION = "How long is the password reset link valid?"


@pytest.fixture
def agent_with_signature(agent):
    agent.signature = "Alice from Support"
    agent.save()
    return agent


def test_extractive_draft_has_greeting_quote_citation_and_signature(
    help_center, make_ticket, agent_with_signature
):
    ticket = make_ticket(QUESTION)
    draft = draft_create(ticket=ticket, agent=agent_with_signature)
    lines = draft.text.splitlines()
    assert lines[0] == "Hi Casey,"
    assert "The reset link is valid for 24 hours." in draft.text
    assert lines[-1] == "Alice from Support"
    assert draft.mode == "extractive" and draft.mode_reason == "not_configured"
    assert draft.citations and draft.citations[0]["article_id"] == help_center["password"].pk
    interaction = AIInteraction.objects.get(kind="draft", ticket=ticket)
    assert interaction.decision == "drafted" and "Casey" not in interaction.redacted_input


def test_a_long_email_about_a_covered_topic_gets_the_articles_passage_quoted(help_center, make_ticket, agent):
    # Greetings, thanks and small talk dilute every sentence's share of the message's words; search
    # still puts the battery article first on both rankings, and the agent reviews the draft.
    body = (
        "Hello,\n\nI bought the bike two weeks ago and I love riding it to work, but I am new to e-bikes. "
        "How long does charging take until the battery is full? I would like to plan my weekend rides.\n\n"
        "Thanks a lot and have a nice day,\nCasey"
    )
    draft = draft_create(ticket=make_ticket(body), agent=agent)
    assert "A full charge takes about 4 hours with the standard charger. [1]" in draft.text
    assert [c["article_id"] for c in draft.citations] == [help_center["battery"].pk]


def test_a_vague_message_gets_a_holding_reply_not_a_guess(help_center, make_ticket, agent):
    draft = draft_create(ticket=make_ticket("The same problem is back again."), agent=agent)
    assert "We are looking into your question" in draft.text
    assert draft.citations == []


def test_variants_change_the_extractive_draft(help_center, make_ticket, agent):
    ticket = make_ticket(QUESTION)
    formal = draft_create(ticket=ticket, agent=agent, variant="more_formal")
    friendly = draft_create(ticket=ticket, agent=agent, variant="friendlier")
    assert formal.text.startswith("Dear Casey,") and "Kind regards," in formal.text
    assert "I hope this helps!" in friendly.text
    with pytest.raises(ApplicationError):
        draft_create(ticket=ticket, agent=agent, variant="sarcastic")


def test_generative_draft_uses_the_tone_and_macro_style_and_never_sees_pii(
    help_center, make_ticket, agent, llm_peer
):
    Macro.objects.create(name="Greeting", body="Hey there! Thanks for writing in. Cheers, Alice")
    llm_peer.reply("Hi <PERSON_1>,\n\nThe reset link is valid for 24 hours [1].\n\nCheers, Alice")
    ticket = make_ticket(QUESTION + " Call me at +49 170 1234567.")
    draft = draft_create(ticket=ticket, agent=agent, variant="shorter")
    prompt = llm_peer.chat_requests[0].prompt_text
    assert "1234567" not in prompt and "Casey" not in prompt
    assert "as short as possible" in prompt and "Hey there! Thanks for writing in." in prompt
    assert draft.mode == "generative" and draft.text.startswith("Hi Casey,")
    assert draft.citations[0]["n"] == 1


def test_sending_a_draft_posts_the_reply_and_keeps_the_edit_similarity(help_center, make_ticket, agent):
    ticket = make_ticket(QUESTION)
    draft = draft_create(ticket=ticket, agent=agent)
    edited = draft.text.replace("Hi Casey,", "Hello Casey,")
    message = draft_send(draft=draft, agent=agent, text=edited)
    draft.refresh_from_db()
    assert message.author_kind == Message.AuthorKind.AGENT and message.body_text == edited
    assert draft.sent_text == edited and draft.sent_message == message
    assert 0.9 < draft.edit_similarity < 1.0
    with pytest.raises(ApplicationError):
        draft_send(draft=draft, agent=agent, text=edited)


def test_a_reply_from_the_normal_reply_box_is_matched_to_the_draft(help_center, make_ticket, agent):
    ticket = make_ticket(QUESTION)
    draft = draft_create(ticket=ticket, agent=agent)
    reply = message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text=draft.text)
    assert draft_match_reply(ticket=ticket, message=reply) == draft
    draft.refresh_from_db()
    assert draft.edit_similarity == 1.0
    unrelated = message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="ok")
    assert draft_match_reply(ticket=ticket, message=unrelated) is None


def test_similarity_is_one_for_identical_and_low_for_rewritten_text():
    assert similarity("abc def", "abc def") == 1.0
    assert similarity("The link is valid for 24 hours.", "Please call us.") < 0.5


def test_no_customer_message_means_no_draft(ticket, agent):
    Message.objects.filter(ticket=ticket).delete()
    with pytest.raises(ApplicationError):
        draft_create(ticket=ticket, agent=agent)
    assert not AIDraft.objects.exists()
