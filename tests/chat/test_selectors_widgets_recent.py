"""The visitor sockets' remembered widgets: a saved or deleted widget is read again at once, another
process's change within FRESH_S, and a read that raced a save is not remembered."""

import time

import pytest

from chat.models import ChatWidget
from chat.selectors.widgets import recent_widgets, widget_by_key_recent


@pytest.fixture
def widget(db):
    return ChatWidget.objects.create(name="Shop", allowed_origins="https://shop.example")


def _statements(django_assert_num_queries, count, call):
    with django_assert_num_queries(count):
        return call()


def test_a_widget_is_read_once_then_remembered(widget, django_assert_num_queries):
    assert _statements(django_assert_num_queries, 1, lambda: widget_by_key_recent(widget.key)) == widget
    assert _statements(django_assert_num_queries, 0, lambda: widget_by_key_recent(widget.key)) == widget
    assert recent_widgets.lookup(widget.key) == (True, widget)


def test_saving_or_deleting_forgets(widget, django_assert_num_queries):
    widget_by_key_recent(widget.key)
    widget.is_active = False
    widget.save()
    assert _statements(django_assert_num_queries, 1, lambda: widget_by_key_recent(widget.key)) is None
    widget.is_active = True
    widget.save()
    assert widget_by_key_recent(widget.key) == widget
    key = widget.key
    widget.delete()
    assert widget_by_key_recent(key) is None


def test_another_process_change_is_seen_after_fresh_s(widget, django_assert_num_queries, monkeypatch):
    widget_by_key_recent(widget.key)
    ChatWidget.objects.filter(pk=widget.pk).update(is_active=False)  # no signal: as another process
    assert widget_by_key_recent(widget.key) == widget  # still remembered
    monkeypatch.setattr(recent_widgets, "FRESH_S", 0.0)
    assert _statements(django_assert_num_queries, 1, lambda: widget_by_key_recent(widget.key)) is None


def test_a_read_that_raced_a_save_is_not_remembered(widget):
    changes = recent_widgets.changes
    recent_widgets.forget()  # a save while the row was being read
    recent_widgets.remember(widget.key, widget, read_at=time.monotonic(), changes=changes)
    assert recent_widgets.lookup(widget.key)[0] is False
    recent_widgets.remember(widget.key, widget, read_at=time.monotonic(), changes=recent_widgets.changes)
    assert recent_widgets.lookup(widget.key) == (True, widget)  # an undisturbed read is remembered
