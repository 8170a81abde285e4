"""Django's ASGI handler, with the reference cycles that made every request's objects cyclic garbage
broken: a served request is freed by reference counting as soon as its response is sent.

Measured on a desk page (bench/memory.py's mix, daphne, gc.DEBUG_SAVEALL): Django 5.2's handler
left all ~620 container objects of a request (request, session, middleware state, the page's model
instances, the template context) for the cyclic garbage collector, through two cycles:

- ``ASGIHandler.handle`` cancels its ``listen_for_disconnect`` task once the response is sent, and
  awaits it; the CancelledError's traceback holds handle's frame, whose ``tasks`` list holds the
  task that holds the error (Django ticket #36700). Here the listener ends quietly when cancelled,
  so nothing is raised. A real client disconnect still raises ``RequestAborted``, as in Django,
  and still cancels the view (tests/core/test_asgi_handler.py checks both).
- The request itself: ``request.user`` and ``request.auser`` (auth middleware), ``request.htmx``
  (django-htmx) and the message storages (contrib.messages) all refer back to the request. Once
  the response is complete (not streaming: a streamed body may still read the request) the
  request's attributes are dropped, after ``request.close()`` has closed its uploaded files.

Why it matters: while requests are in flight, young-generation collections promote their objects;
under concurrent requests about one request in three reached the oldest generation, where cyclic
garbage waits for a full collection (rare after core/gc_freeze.py). daphne's resident size then
kept creeping up between full collections. The template context's own cycle is broken in
core/template_backend.py, and what the C heap keeps after collections in core/c_heap.py.
"""

from __future__ import annotations

import asyncio

import django
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler


class ASGIHandler(DjangoASGIHandler):
    async def listen_for_disconnect(self, receive):
        """Django's listener, but a cancellation (the response was sent: the normal end of every
        request) ends it without an exception, so no traceback ties the handler's frame to it."""
        try:
            message = await receive()
        except asyncio.CancelledError:
            return
        if message["type"] == "http.disconnect":
            raise RequestAborted()
        raise AssertionError(f"Invalid ASGI message after request body: {message['type']}")

    async def get_response_async(self, request):
        response = await super().get_response_async(request)
        if not response.streaming:
            release_request(request)
        return response


def release_request(request) -> None:
    """Close the request's files and drop its attributes: the objects that point back at the
    request (lazy user, htmx details, message storages) no longer form a cycle with it."""
    request.close()
    request.__dict__.clear()


def get_asgi_application() -> ASGIHandler:
    """django.core.asgi.get_asgi_application, with the handler above."""
    django.setup(set_prefix=False)
    return ASGIHandler()
