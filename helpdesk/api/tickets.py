"""Tickets and messages. One class per operation family; each does parse -> service -> serialize."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.permissions import AgentOrScopedServer, api_actor, api_actor_label, api_tickets, is_server
from helpdesk.api.serializers import MessageOut, StrictInput, TicketOut
from helpdesk.models import Agent, Message, Team, TicketChannel, TicketPriority, TicketStatus
from helpdesk.selectors.access import agent_for
from helpdesk.selectors.inbox import api_ticket_list, api_ticket_rows
from helpdesk.selectors.thread import ticket_thread
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.customers import customer_get_or_create
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add
from helpdesk.services.tickets import MergeNeedsConfirmation, ticket_merge, ticket_update

TICKET_FILTERS = [
    OpenApiParameter("status", str, enum=TicketStatus.values),
    OpenApiParameter("priority", str, enum=TicketPriority.values),
    OpenApiParameter("team", int),
    OpenApiParameter("assignee", int),
    OpenApiParameter("tag", str),
    OpenApiParameter("requester", int),
    OpenApiParameter("q", str, description="Full-text search over subject and messages."),
]


class TicketCursor(CursorPagination):
    ordering = ("-updated_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _ticket_queryset(request):
    return api_ticket_rows(api_tickets(request))


def _ticket_for(request, ticket_id):
    return get_object_or_404(_ticket_queryset(request), pk=ticket_id)


def _int_param(request, name):
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({name: ["Must be an integer."]})


class TicketListCreate(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "tickets"

    class TicketCreateInput(StrictInput):
        subject = serializers.CharField(max_length=300)
        body = serializers.CharField(help_text="Plain text of the first customer message.")
        requester_email = serializers.EmailField()
        requester_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        priority = serializers.ChoiceField(TicketPriority.choices, required=False)
        team = serializers.IntegerField(required=False)
        tags = serializers.ListField(
            child=serializers.CharField(max_length=50), required=False, max_length=20
        )
        language = serializers.CharField(required=False, allow_blank=True, max_length=10)

    @extend_schema(parameters=TICKET_FILTERS, responses=TicketOut(many=True))
    def get(self, request):
        params = request.query_params
        qs = api_ticket_list(
            api_tickets(request),
            status=params.get("status", ""),
            priority=params.get("priority", ""),
            team=_int_param(request, "team"),
            assignee=_int_param(request, "assignee"),
            requester=_int_param(request, "requester"),
            tag=params.get("tag", ""),
            q=params.get("q", ""),
        )
        paginator = TicketCursor()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TicketOut(page, many=True).data)

    @extend_schema(request=TicketCreateInput, responses={201: TicketOut})
    def post(self, request):
        data = self.TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        team = None
        if "team" in values:
            team = get_object_or_404(Team, pk=values["team"])
        elif not is_server(request):
            # An agent's new ticket lands in their own (first) team so they can keep working on it.
            team = agent_for(request.user).teams.order_by("name").first()
        requester = customer_get_or_create(
            email=values["requester_email"], name=values.get("requester_name", "")
        )
        received = conversation_receive(
            channel=TicketChannel.API,
            sender=requester,
            subject=values["subject"],
            body_text=values["body"],
            priority=values.get("priority", TicketPriority.NORMAL),
            team=team,
            tags=values.get("tags", ()),
            language=values.get("language", ""),
            raw_payload=json.dumps(request.data, default=str)[:100_000],
            actor=api_actor(request),
            actor_label=api_actor_label(request),
        )
        return Response(TicketOut(received.ticket).data, status=status.HTTP_201_CREATED)


class TicketDetail(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "tickets"

    class TicketUpdateInput(StrictInput):
        subject = serializers.CharField(required=False, max_length=300)
        status = serializers.ChoiceField(TicketStatus.choices, required=False)
        priority = serializers.ChoiceField(TicketPriority.choices, required=False)
        team = serializers.IntegerField(required=False, allow_null=True)
        assignee = serializers.IntegerField(required=False, allow_null=True)
        tags = serializers.ListField(
            child=serializers.CharField(max_length=50), required=False, max_length=20
        )

    @extend_schema(responses=TicketOut)
    def get(self, request, ticket_id: int):
        return Response(TicketOut(_ticket_for(request, ticket_id)).data)

    @extend_schema(request=TicketUpdateInput, responses=TicketOut)
    def patch(self, request, ticket_id: int):
        ticket = _ticket_for(request, ticket_id)
        data = self.TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        changes = {k: values[k] for k in ("subject", "status", "priority", "tags") if k in values}
        if "team" in values:
            changes["team"] = get_object_or_404(Team, pk=values["team"]) if values["team"] else None
        if "assignee" in values:
            changes["assignee"] = (
                get_object_or_404(Agent, pk=values["assignee"]) if values["assignee"] else None
            )
        ticket_update(
            ticket=ticket, actor=api_actor(request), actor_label=api_actor_label(request), **changes
        )
        return Response(TicketOut(_ticket_for(request, ticket.pk)).data)


class TicketMerge(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "tickets"

    class TicketMergeInput(StrictInput):
        into = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, help_text="Id of the ticket that survives."
        )
        allow_other_requester = serializers.BooleanField(
            default=False,
            help_text="Confirm a merge of tickets of different customers; the moved messages "
            "become internal notes on the survivor. Without it such a merge is refused (409).",
        )

    @extend_schema(request=TicketMergeInput, responses=TicketOut)
    def post(self, request, ticket_id: int):
        source = _ticket_for(request, ticket_id)
        data = self.TicketMergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = _ticket_for(request, data.validated_data["into"])
        try:
            survivor = ticket_merge(
                source=source,
                target=target,
                actor=api_actor(request),
                allow_other_requester=data.validated_data["allow_other_requester"],
            )
        except MergeNeedsConfirmation as exc:
            body = {"error": {"code": "other_requester", "message": exc.message, "details": exc.extra}}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(TicketOut(_ticket_for(request, survivor.pk)).data)


class TicketMessages(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "messages"

    class MessageCreateInput(StrictInput):
        body = serializers.CharField(help_text="Plain text, or HTML when body_format is html.")
        body_format = serializers.ChoiceField(["text", "html"], default="text")
        internal = serializers.BooleanField(
            default=False, help_text="An internal note, never shown to the customer."
        )

    @extend_schema(responses=MessageOut(many=True))
    def get(self, request, ticket_id: int):
        ticket = _ticket_for(request, ticket_id)
        return Response(MessageOut(ticket_thread(ticket=ticket), many=True).data)

    @extend_schema(request=MessageCreateInput, responses={201: MessageOut})
    def post(self, request, ticket_id: int):
        ticket = _ticket_for(request, ticket_id)
        data = self.MessageCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agent = None if is_server(request) else agent_for(request.user)
        body = (
            {"body_html": values["body"]}
            if values["body_format"] == "html"
            else {"body_text": values["body"]}
        )
        if values["internal"]:
            kind = Message.AuthorKind.AGENT if agent else Message.AuthorKind.SYSTEM
            message = note_add(ticket=ticket, author_kind=kind, author_agent=agent, **body)
        elif agent:
            message = reply_send(
                ticket=ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, **body
            )
        else:  # a server token writes as the system: a notice, never the first response
            message = reply_send(ticket=ticket, author_kind=Message.AuthorKind.SYSTEM, **body)
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)
