"""POST /api/v1/events/: an outside system tells us something happened to a customer.

The same token auth as the rest of the API: an agent's token, or a server token with the scope
customers:write (an event is about a customer). The body is stored exactly as it arrived before
anything parses it; bad input answers 400 with the stored event's id (nothing is lost)."""

from __future__ import annotations

from django.http.request import RawPostDataException
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.permissions import AgentOrScopedServer
from outreach.services.events import event_receive

EXAMPLE = {
    "type": "order.delayed",
    "id": "evt_1042",
    "customer": {"email": "casey@example.com", "name": "Casey", "external_id": "cus_77"},
    "data": {"order_id": "NW-1042", "new_date": "2026-12-09"},
}


def raw_body(request) -> bytes:
    """The bytes that arrived. A form-encoded body was parsed already (the input middleware reads
    request.POST, after which Django no longer gives the bytes out): it is stored re-encoded."""
    try:
        return request.body
    except RawPostDataException:
        return request.POST.urlencode().encode()


class EventReceive(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "customers"
    parser_classes = []  # the body is read raw, stored, then parsed by the service

    @extend_schema(
        request={"application/json": dict},
        examples=[OpenApiExample("order delayed", value=EXAMPLE, request_only=True)],
        responses={
            202: inline_serializer(
                "EventAccepted",
                {
                    "event_id": serializers.IntegerField(),
                    "type": serializers.CharField(),
                    "batches": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def post(self, request):
        event, batches = event_receive(raw=raw_body(request._request))
        return Response(
            {
                "event_id": event.pk,
                "type": event.event_type,
                "batches": [
                    {"id": b.pk, "status": b.status, "messages": b.messages.count()} for b in batches
                ],
            },
            status=status.HTTP_202_ACCEPTED,
        )
