"""The desk's time filters: `ago` and the SLA badge's span give what django.utils.timesince gives, the
words translated once per language and value."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext

from helpdesk.templatetags.desk import _span, ago

DELTAS = [
    timedelta(seconds=-30),  # in the future: "0 minutes"
    timedelta(0),
    timedelta(seconds=59),
    timedelta(minutes=1),
    timedelta(minutes=2, seconds=59),
    timedelta(hours=1),
    timedelta(hours=23, minutes=59),
    timedelta(days=1),
    timedelta(days=6, hours=5),
    timedelta(days=13),
    timedelta(days=31),
    timedelta(days=45),
    timedelta(days=364),
    timedelta(days=366),
    timedelta(days=3 * 365 + 40),
]


@pytest.mark.parametrize("language", ["en", "de", "fr", "pt"])
def test_ago_and_span_are_timesince_word_for_word(language):
    now = timezone.now()
    with translation.override(language):
        for delta in DELTAS:
            then = now - delta
            assert ago(then) == gettext("%(since)s ago") % {"since": timesince(then, depth=1)}, delta
            assert _span(then, now) == timesince(then, now, depth=1), delta
            assert _span(now, now + delta) == timesince(now, now + delta, depth=1), delta
        assert ago(now.date() - timedelta(days=2)) == gettext("%(since)s ago") % {
            "since": timesince(now.date() - timedelta(days=2), depth=1)
        }
    assert ago(None) == "" and ago("") == ""


@pytest.mark.parametrize(
    "name", ["desk:ticket", "desk:ticket_assign_me", "desk:ticket_properties", "desk:customer"]
)
def test_id_url_is_reverse(name):
    from django.urls import reverse, set_script_prefix

    from helpdesk.templatetags.desk import id_url

    for pk in (1, 7, 50001, 987654321, 123456789012):
        assert id_url(name, pk) == reverse(name, args=[pk])
    assert id_url(name, "42") == reverse(name, args=["42"])  # not an int: reversed as it is
    try:
        set_script_prefix("/support/")
        assert id_url(name, 5) == reverse(name, args=[5]) and id_url(name, 5).startswith("/support/")
    finally:
        set_script_prefix("/")
    assert id_url(name, 5) == reverse(name, args=[5])
