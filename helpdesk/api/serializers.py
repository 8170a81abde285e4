"""Input serializers reject unknown fields, so read-only or forbidden fields (ids, requester,
timestamps, is_internal for customers) can never be mass-assigned."""

from __future__ import annotations

from rest_framework import serializers


class StrictInput(serializers.Serializer):
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = set(data.keys()) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown or read-only field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


class CustomerRef(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


class TeamOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()


class AgentRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    channel = serializers.CharField()
    language = serializers.CharField()
    requester = CustomerRef()
    assignee = AgentRef(allow_null=True)
    team = TeamOut(allow_null=True)
    tags = serializers.SerializerMethodField()
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    message_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_tags(self, obj) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return f"/api/v1/attachments/{obj.pk}/"


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    seq = serializers.IntegerField()
    author_kind = serializers.CharField()
    author_name = serializers.CharField()
    body_html = serializers.CharField()
    body_text = serializers.CharField()
    is_internal = serializers.BooleanField()
    citations = serializers.JSONField()
    attachments = AttachmentOut(many=True)
    created_at = serializers.DateTimeField()


class CustomerOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.CharField()
    tier = serializers.CharField()
    organization = serializers.CharField()
    created_at = serializers.DateTimeField()


class ErrorOut(serializers.Serializer):
    error = serializers.DictField()
