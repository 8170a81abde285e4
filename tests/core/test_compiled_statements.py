"""Statements compiled once: one copy per process and database alias, whatever the connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from core import compiled_statements
from core.compiled_statements import SENTINEL, compiled_once, fetch_values
from helpdesk.models import Team

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_connection_shares_one_compiled_statement_and_gets_its_own_rows():
    Team.objects.create(name="Workshop")
    key = "test.team_names"

    def team_names():
        return Team.objects.filter(pk__gt=SENTINEL).order_by("name").values_list("name")

    found, wrappers = [], []

    def request():  # each thread has its own DatabaseWrapper, as each ASGI request does
        try:
            compiled = compiled_once(key, team_names)
            found.append((compiled, fetch_values(compiled, 0)))
            wrappers.append(connections["default"])  # kept alive, so their ids stay distinct
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(wrapper) for wrapper in wrappers}) == 4  # four connections...
    assert len({id(compiled) for compiled, _ in found}) == 1  # ...one compiled statement
    assert all(rows == [("Workshop",)] for _, rows in found)
    assert list(compiled_statements._COMPILED["default"]).count(key) == 1
