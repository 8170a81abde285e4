"""Outreach in the admin: rules, incidents and the suppression list are edited here (through the
services); events, batches, messages and the audit are read-only (batches are decided in the desk)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from helpdesk.admin_base import ReadOnlyAdminMixin
from outreach.models import (
    Incident,
    IncidentLink,
    OutreachAudit,
    OutreachBatch,
    OutreachEvent,
    OutreachMessage,
    OutreachRule,
    Suppression,
)
from outreach.services.incidents import incident_close, incident_declare, incident_update
from outreach.services.rules import rule_check, rule_save
from outreach.services.suppression import suppression_add

RULE_FIELDS = (
    "name",
    "is_active",
    "trigger",
    "event_type",
    "audience",
    "audience_topic",
    "audience_tier",
    "audience_open_ticket",
    "channel",
    "subject_template",
    "body_template",
    "ai_personalise",
    "requires_approval",
    "max_per_customer_per_day",
    "respect_quiet_hours",
)
INCIDENT_FIELDS = (
    "title",
    "customer_note",
    "description",
    "keywords",
    "similarity_threshold",
    "audience_topic",
    "follow_up_note",
)


class RuleForm(forms.ModelForm):
    class Meta:
        model = OutreachRule
        fields = RULE_FIELDS

    def clean(self):
        cleaned = super().clean()
        try:
            rule_check(self._candidate(cleaned))
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None
        return cleaned

    def _candidate(self, cleaned) -> OutreachRule:
        rule = OutreachRule(pk=self.instance.pk)
        for name, value in cleaned.items():
            setattr(rule, name, value)
        return rule


@admin.register(OutreachRule)
class OutreachRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ("name", "is_active", "trigger", "event_type", "audience", "channel", "requires_approval")
    list_filter = ("is_active", "trigger", "channel")
    search_fields = ("name", "event_type")

    def save_model(self, request, obj, form, change):
        rule_save(rule=obj, actor=request.user)


class MessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OutreachMessage
    fields = ("customer", "status", "skip_reason", "send_after", "sent_at", "opened_at")
    readonly_fields = fields
    extra = 0


@admin.register(OutreachBatch)
class OutreachBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "channel", "status", "created_at", "decided_by")
    list_filter = ("status", "channel")
    inlines = [MessageInline]


@admin.register(OutreachMessage)
class OutreachMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "channel", "status", "sent_at", "opened_at", "batch")
    list_filter = ("status", "channel")
    search_fields = ("customer__email", "idempotency_key")


@admin.register(OutreachEvent)
class OutreachEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "source", "event_type", "status", "customer", "external_id")
    list_filter = ("status", "source", "event_type")
    search_fields = ("key", "external_id", "customer__email")


@admin.register(OutreachAudit)
class OutreachAuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "batch", "message", "incident", "detail")
    list_filter = ("action",)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("email", "reason", "created_at")
    search_fields = ("email",)
    fields = ("email", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = suppression_add(email=obj.email, reason=obj.reason, actor=request.user).pk


class LinkInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IncidentLink
    fields = ("ticket", "customer", "similarity", "matched_keyword", "answered", "linked_at")
    readonly_fields = fields
    extra = 0


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = INCIDENT_FIELDS

    def clean_similarity_threshold(self):
        value = self.cleaned_data["similarity_threshold"]
        if not 0 < value <= 1:
            raise forms.ValidationError(_("Between 0 and 1."))
        return value


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    form = IncidentForm
    list_display = ("title", "status", "declared_at", "closed_at")
    list_filter = ("status",)
    fields = (*INCIDENT_FIELDS, "status")
    readonly_fields = ("status",)
    inlines = [LinkInline]
    actions = ["close_with_follow_up", "close_without_follow_up"]

    def save_model(self, request, obj, form, change):
        if change:
            incident_update(incident=obj, actor=request.user)
            return
        declared = incident_declare(
            title=obj.title,
            customer_note=obj.customer_note,
            description=obj.description,
            keywords=obj.keywords,
            similarity_threshold=obj.similarity_threshold,
            audience_topic=obj.audience_topic,
            follow_up_note=obj.follow_up_note,
            actor=request.user,
        )
        obj.pk = declared.pk

    def _close(self, request, queryset, follow_up: bool):
        for incident in queryset.filter(status=Incident.Status.OPEN):
            sent = incident_close(incident=incident, send_follow_up=follow_up, actor=request.user)
            self.message_user(
                request, _("%(title)s closed, %(n)s follow-up(s).") % {"title": incident.title, "n": sent}
            )

    @admin.action(description=_("Close, sending the follow-up to linked customers"))
    def close_with_follow_up(self, request, queryset):
        self._close(request, queryset, True)

    @admin.action(description=_("Close without a follow-up"))
    def close_without_follow_up(self, request, queryset):
        self._close(request, queryset, False)
