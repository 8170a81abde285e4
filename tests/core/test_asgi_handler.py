"""The ASGI handler frees a served request by reference counting (core/asgi_handler.py)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.core.signals import request_finished
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template import Context
from django.test import override_settings
from django.urls import path

from config.asgi import application
from core.asgi_handler import ASGIHandler
from tests.gc_garbage import cyclic_garbage, instances

SLOW_VIEW = {"started": None, "cancelled": False}


async def slow_view(request):
    SLOW_VIEW["started"].set()
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        SLOW_VIEW["cancelled"] = True
        raise
    return HttpResponse("too late")


def streamed_view(request):
    async def body():
        yield b"path="
        yield request.path.encode()  # read while streaming: the request must still be whole
        yield f" q={request.GET['q']} htmx={bool(request.htmx)}".encode()

    return StreamingHttpResponse(body())


urlpatterns = [path("slow/", slow_view), path("streamed/", streamed_view)]


def _get(app, url: str) -> dict:
    communicator = HttpCommunicator(app, "GET", url, headers=[(b"host", b"testserver")])
    return async_to_sync(communicator.get_response)(timeout=20)


def _left_behind(app, url: str) -> list[str]:
    _get(app, url)  # first request: imports, caches, compiled templates
    with cyclic_garbage() as garbage:
        response = _get(app, url)
    assert response["status"] == 200
    return instances(garbage, HttpRequest, HttpResponseBase, Context, Model)


@pytest.mark.django_db(transaction=True)
def test_a_rendered_page_is_freed_without_the_cyclic_collector():
    # A real page through the whole stack: sessions, CSRF, auth, messages, htmx, CSP, a template with
    # context processors and model instances (the branding settings).
    assert _left_behind(application, "/portal/login/") == []


@pytest.mark.django_db(transaction=True)
def test_djangos_own_handler_leaves_the_request_for_the_collector():
    """What the handler is for: the same page through Django's stock handler leaves the request in
    a reference cycle (and everything it holds with it)."""
    assert "ASGIRequest" in _left_behind(DjangoASGIHandler(), "/portal/login/")


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db(transaction=True)
def test_a_client_that_disconnects_still_cancels_the_view():
    finished = []

    def on_finished(**kwargs):
        finished.append(True)

    async def scenario():
        SLOW_VIEW.update(started=asyncio.Event(), cancelled=False)
        scope = {"type": "http", "method": "GET", "path": "/slow/", "query_string": b"",
                 "headers": [(b"host", b"testserver")]}  # fmt: skip
        communicator = ApplicationCommunicator(ASGIHandler(), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        await asyncio.wait_for(SLOW_VIEW["started"].wait(), 10)
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(timeout=10)  # the handler returns without a response
        assert await communicator.receive_nothing()

    request_finished.connect(on_finished)
    try:
        async_to_sync(scenario)()
    finally:
        request_finished.disconnect(on_finished)
    assert SLOW_VIEW["cancelled"]
    assert finished  # request_finished still fires (connections are cleaned up)


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db(transaction=True)
def test_a_streamed_response_reads_the_request_while_it_streams():
    async def scenario():
        scope = {"type": "http", "method": "GET", "path": "/streamed/", "query_string": b"q=1",
                 "headers": [(b"host", b"testserver")]}  # fmt: skip
        communicator = ApplicationCommunicator(ASGIHandler(), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=10)
        body = b""
        while True:
            chunk = await communicator.receive_output(timeout=10)
            body += chunk.get("body", b"")
            if not chunk.get("more_body", False):
                return start["status"], body

    assert async_to_sync(scenario)() == (200, b"path=/streamed/ q=1 htmx=False")
