"""Languages: catalogs compile (Babel, no msgfmt) without placeholder errors, and what customers see
(help center, portal, error pages, admin, chat widget, the AI's fixed sentences, chat's own notices)
comes out in their language.

Every "translated" assertion compares the page with gettext() under the language AND requires that
to differ from the English text: a string missing from a catalog fails here, it is never skipped."""

from __future__ import annotations

import gettext as pygettext
import io
import re
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from ai.pipelines.answer import AnswerRequest, answer_question
from ai.pipelines.extractive import quoted_intro
from ai.pipelines.language import detect_language
from ai.services.answers import answer_apply
from ai.services.handoff import customer_notice
from chat.i18n import WIDGET_LABELS, widget_labels
from chat.services.sessions import chat_handoff_request, chat_message_receive
from chat.services.visitors import visitor_identify
from core.catalogs import compile_catalog, compile_catalogs, message_errors, po_files
from helpdesk.models import DeskSettings, Message, TicketChannel
from helpdesk.services.tickets import ticket_create
from helpdesk.views.errors import server_error
from knowledge.selectors.search import query_language
from tests.chat.helpers import connect, hello, make_widget
from tests.fixtures.answer_helpers import patient_pii  # noqa: F401  (registers the fixture)

ROOT = Path(settings.BASE_DIR)
SHIPPED = ["de", "fr", "es", "nl", "it", "pt"]


def translated(text: str, language: str) -> str:
    """``text`` in ``language``; fails when the catalog has no translation for it."""
    with translation.override(language):
        result = translation.gettext(text)
    assert result != text, f"{text!r} is not translated into {language}"
    return result


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request's LocaleMiddleware leaves its language active in this thread: reset it for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def company(db):
    row = DeskSettings.load()
    row.company_name = "Northwind Bikes"
    row.save()
    return row


# --- catalogs -------------------------------------------------------------------------------------
def test_every_offered_language_has_a_catalog_and_every_catalog_a_language():
    codes = [code for code, _name in settings.LANGUAGES]
    assert set(SHIPPED) <= set(codes) and codes[0] == "en"
    catalogs = {po.parent.parent.name for po in po_files([ROOT / "locale"])}
    assert catalogs == set(codes) - {"en"}


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_compiles_without_placeholder_errors_and_is_mostly_translated(language, tmp_path):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    copy = tmp_path / language / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(po.read_bytes())
    mo = compile_catalog(copy)  # raises CatalogError with every mismatch named
    catalog = pygettext.GNUTranslations(mo.open("rb"))
    assert catalog.gettext("Contact our support team") != "Contact our support team"
    # Only entries with a translation are written: a catalog of empty msgstrs would be a few entries.
    assert len(catalog._catalog) > 1000


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("Hello %(name)s", "Hallo %(name)s", True),
        ("Hello %(name)s", "Hallo %(nom)s", False),  # a KeyError at run time
        ("Hello %(name)s", "Hallo", False),  # the name would be lost
        ("%s of %s", "%s von %s", True),
        ("%s of %s", "%s", False),
        ("{count} new", "{count} neu", True),
        ("{count} new", "{anzahl} neu", False),
        ("100%% sure", "100%% sicher", True),
        ("Hello", "", True),  # untranslated: English at run time
        (("%(count)s item", "%(count)s items"), ("un élément", "%(count)s éléments"), True),
        (("%(count)s item", "%(count)s items"), ("%(count)s élément", "%(n)s éléments"), False),
    ],
)
def test_placeholder_check_catches_what_msgfmt_check_format_would(msgid, msgstr, ok):
    assert (message_errors(msgid, msgstr) == []) is ok


def test_compiling_is_idempotent_and_skips_current_catalogs(tmp_path):
    po = tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Hallo %(name)s"\n\n'
        '#, fuzzy\nmsgid "Later"\nmsgstr "Spaeter"\n',
        encoding="utf-8",
    )
    first = compile_catalogs([tmp_path / "locale"])
    assert first.compiled == [po.with_suffix(".mo")] and first.skipped == []
    again = compile_catalogs([tmp_path / "locale"])
    assert again.compiled == [] and again.skipped == [po]
    catalog = pygettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    assert catalog.gettext("Hello %(name)s") == "Hallo %(name)s"
    assert catalog.gettext("Later") == "Later"  # fuzzy entries are not used


def test_a_placeholder_mismatch_stops_compiling_with_the_entry_named(tmp_path):
    from core.catalogs import CatalogError

    po = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Hi %(name)s"\nmsgstr "Salut %(nom)s"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="Hi %"):
        compile_catalogs([tmp_path / "locale"])
    assert not po.with_suffix(".mo").exists()


def test_the_management_command_checks_and_compiles_the_projects_catalogs():
    out = io.StringIO()
    call_command("compile_catalogs", "--check", stdout=out)
    assert f"{len(SHIPPED)} catalogs checked, no problems." in out.getvalue()
    call_command("compile_catalogs", stdout=out)
    assert "catalogs compiled" in out.getvalue()
    for language in SHIPPED:
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").exists()


# --- pages customers see --------------------------------------------------------------------------
def test_help_center_follows_accept_language(client, company):
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert translated("Contact our support team", "de") in html
    assert translated("All topics", "de") in html
    assert 'lang="de"' in html and "Contact our support team" not in html


def test_portal_follows_accept_language(client, company):
    html = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="it", follow=True).content.decode()
    assert translated("Contact support", "it") in html


def test_customer_picks_a_language_in_the_selector(client, company):
    page = client.get("/help/").content.decode()
    # Each language under its own name, so a visitor finds theirs whatever the page's language.
    for own_name in ("Deutsch", "Français", "Español", "Nederlands", "Italiano", "Português"):
        assert own_name in page
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="de").content.decode()  # the choice beats the header
    assert translated("Contact our support team", "fr") in html


def test_404_is_translated_and_branded(client, company):
    response = client.get("/help/no-such-article-here/x/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 404
    assert translated("Page not found", "fr") in html
    assert translated("We couldn't find that page", "fr") in html
    assert "Northwind Bikes" in html


def test_500_is_translated_in_the_request_language(company):
    with translation.override("es"):
        html = server_error(RequestFactory().get("/help/")).content.decode()
    assert "Northwind Bikes" in html
    assert translated("Go to the help center", "es") in html


def test_admin_is_under_the_company_name_and_translated(client, admin_agent, company):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    header = translated("%(company)s administration", "de") % {"company": "Northwind Bikes"}
    assert header in html
    assert translated("Log in", "de") in html  # Django's own catalog
    client.force_login(admin_agent.user)
    admin_agent.language = "nl"
    admin_agent.save()
    html = client.get("/admin/").content.decode()
    assert translated("Site administration", "nl") in html  # the agent's own language wins


# --- chat widget ----------------------------------------------------------------------------------
def _widget_js_keys() -> set[str]:
    source = (ROOT / "static" / "chat" / "widget.js").read_text(encoding="utf-8")
    table = re.search(r"var T = \{(.*?)\};", source, re.S).group(1)
    return set(re.findall(r"(\w+):\s*\"", table))


def test_server_labels_cover_the_widgets_english_table():
    assert set(WIDGET_LABELS) == _widget_js_keys()


@pytest.mark.django_db(transaction=True)
def test_widget_config_brings_labels_in_the_widgets_language():
    widget = make_widget(language="es")

    async def scenario():
        ws = await connect(widget)
        welcome = await hello(ws)
        await ws.disconnect()
        return welcome["widget"]

    config = async_to_sync(scenario)()
    assert config["language"] == "es"
    assert config["labels"]["send"] == translated("Send", "es")
    assert config["labels"]["person"] == translated("Talk to a person", "es")
    assert set(config["labels"]) == set(WIDGET_LABELS)


@pytest.mark.django_db(transaction=True)
def test_the_sockets_own_words_are_in_the_widgets_language():
    widget = make_widget(language="es")

    async def scenario():
        ws = await connect(widget)
        await ws.send_json_to({"type": "message", "text": "hola", "client_id": "x"})  # before hello
        early = await ws.receive_json_from(timeout=10)
        await hello(ws)
        await ws.send_json_to({"type": "transcript"})  # no email left: the service refuses, in Spanish
        refused = await ws.receive_json_from(timeout=10)
        await ws.disconnect()
        return early, refused

    early, refused = async_to_sync(scenario)()
    assert early["text"] == translated("Say hello with your token first.", "es")
    assert refused["text"] == translated(
        "Leave your email in the chat first, then ask for the transcript.", "es"
    )


def test_widget_in_a_language_the_install_does_not_offer_falls_back_to_english():
    assert widget_labels("xx") == dict(WIDGET_LABELS)
    assert widget_labels("pt-BR")["send"] == translated("Send", "pt")


@pytest.mark.django_db(transaction=True)
def test_asking_for_a_person_in_a_german_chat_is_answered_in_german():
    widget = make_widget(language="de", ai_first_answer=True)  # the AI first: the visitor asks for a person
    visitor = visitor_identify(widget=widget).visitor
    chat_message_receive(visitor=visitor, text="Hallo, ich habe eine Frage", client_id="c-1")
    session = chat_handoff_request(visitor=visitor)
    notice = Message.objects.filter(ticket=session.ticket, author_kind=Message.AuthorKind.SYSTEM).get()
    assert notice.body_text == translated("We are finding a person to help you. Please stay here.", "de")


# --- the AI's fixed sentences ---------------------------------------------------------------------
@pytest.mark.usefixtures("patient_pii")
def test_ai_handoff_notice_reaches_a_german_customer_in_german(customer, team):
    text = "Ich möchte bitte mit einem Menschen sprechen, nicht mit einem Computer. Danke!"
    ticket = ticket_create(
        requester=customer, subject="Hilfe", body_text=text, channel=TicketChannel.WEB, team=team
    )
    answer = answer_question(AnswerRequest(question=text))
    assert answer.decision == "handed_off" and answer.language == "de"
    answer_apply(ticket=ticket, message=ticket.messages.get(seq=1), answer=answer)
    notice = ticket.messages.get(author_kind=Message.AuthorKind.AI, is_internal=False)
    assert notice.body_text == customer_notice(language="de")
    assert notice.body_text == translated(customer_notice(language="en"), "de")


@pytest.mark.parametrize("language", SHIPPED)
def test_fixed_sentences_exist_in_every_shipped_language(language):
    assert quoted_intro(language) == translated("From our help center:", language)
    for channel in (TicketChannel.WEB, TicketChannel.EMAIL):
        assert customer_notice(language=language, channel=channel) != customer_notice(
            language="en", channel=channel
        )


# --- language detection with every offered language -----------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hi, my order has not arrived yet. Where is it?", "en"),
        ("I can't log in to my account since yesterday", "en"),
        ("Mijn bestelling is nog steeds niet aangekomen, waar blijft het pakket?", "nl"),
        ("Il mio ordine non è ancora arrivato, dove si trova il pacco?", "it"),
        ("A minha encomenda ainda não chegou, onde está o pacote?", "pt"),
        ("Mein Paket ist noch nicht angekommen, wo bleibt es denn?", "de"),
    ],
)
def test_language_detection_with_all_offered_languages(settings, text, code):
    settings.HELMDESK_AI_LANGUAGES = [c for c, _n in settings.LANGUAGES]
    assert detect_language(text).code == code


@pytest.mark.parametrize(
    "text",
    ["How do I reset my password?", "refund policy", "Do you ship internationally?", "promo code not working",
     "My package arrived damaged", "two factor authentication", "bike gears slipping", "track parcel"],
)  # fmt: skip
def test_short_english_is_not_taken_for_one_of_the_new_languages(settings, text):
    """More languages to choose from must not turn a short English query into Dutch or Italian:
    search prefers a language only when py3langid is sure, the AI keeps the customer's known one."""
    settings.HELMDESK_AI_LANGUAGES = [c for c, _n in settings.LANGUAGES]
    assert query_language(text) in (None, "en")
    assert detect_language(text, known_language="en").code == "en"
