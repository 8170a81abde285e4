"""Customers, teams and tags."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.permissions import AgentOrScopedServer, api_tickets, is_server
from helpdesk.api.serializers import CustomerOut, StrictInput, TeamOut
from helpdesk.models import Customer, Tag, Team
from helpdesk.selectors.access import agent_for, agent_sees_all
from helpdesk.services.customers import customer_create, customer_update


class CustomerCursor(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def visible_customers(request):
    """Agents see customers who have a ticket they can see (or all, when they see all tickets)."""
    if is_server(request) or agent_sees_all(agent_for(request.user)):
        return Customer.objects.all()
    return Customer.objects.filter(pk__in=api_tickets(request).values("requester_id"))


class CustomerListCreate(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "customers"

    class CustomerCreateInput(StrictInput):
        email = serializers.EmailField()
        name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        language = serializers.CharField(required=False, allow_blank=True, max_length=10)
        tier = serializers.ChoiceField(Customer.Tier.choices, required=False)
        organization = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=CustomerOut(many=True))
    def get(self, request):
        qs = visible_customers(request)
        if request.query_params.get("q"):
            q = request.query_params["q"]
            qs = qs.filter(Q(email__icontains=q) | Q(name__icontains=q))
        paginator = CustomerCursor()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CustomerOut(page, many=True).data)

    @extend_schema(request=CustomerCreateInput, responses={201: CustomerOut})
    def post(self, request):
        data = self.CustomerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            CustomerOut(customer_create(**data.validated_data)).data, status=status.HTTP_201_CREATED
        )


class CustomerDetail(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "customers"

    class CustomerUpdateInput(StrictInput):
        name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        language = serializers.CharField(required=False, allow_blank=True, max_length=10)
        tier = serializers.ChoiceField(Customer.Tier.choices, required=False)
        organization = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(responses=CustomerOut)
    def get(self, request, customer_id: int):
        return Response(CustomerOut(get_object_or_404(visible_customers(request), pk=customer_id)).data)

    @extend_schema(request=CustomerUpdateInput, responses=CustomerOut)
    def patch(self, request, customer_id: int):
        customer = get_object_or_404(visible_customers(request), pk=customer_id)
        data = self.CustomerUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(CustomerOut(customer_update(customer=customer, **data.validated_data)).data)


class TeamList(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "teams"

    @extend_schema(responses=TeamOut(many=True))
    def get(self, request):
        return Response(TeamOut(Team.objects.order_by("name"), many=True).data)


class TagList(APIView):
    permission_classes = [AgentOrScopedServer]
    scope_resource = "tags"

    class TagOut(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()

    @extend_schema(responses=TagOut(many=True))
    def get(self, request):
        return Response(self.TagOut(Tag.objects.order_by("name"), many=True).data)
