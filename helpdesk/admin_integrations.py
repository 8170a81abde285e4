"""Admin for SLAs, CSAT, API tokens, webhooks and the portal's records (imported by helpdesk.admin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdminMixin
from helpdesk.models import (
    ApiToken,
    CsatSurvey,
    Deflection,
    Holiday,
    MagicLink,
    SLAPolicy,
    TicketSLA,
    Webhook,
    WebhookDelivery,
)
from helpdesk.services.api_tokens import SERVER_SCOPES, api_token_create, api_token_revoke


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "is_active", "breach_soon_minutes", "escalate_raise_priority"]
    list_filter = ["is_active", "teams"]
    search_fields = ["name"]
    filter_horizontal = ["teams"]
    inlines = [HolidayInline]


@admin.register(TicketSLA)
class TicketSLAAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "policy", "first_response_due_at", "resolution_due_at", "first_response_breached",
                    "resolution_breached", "paused_at", "escalated_at"]  # fmt: skip
    list_filter = ["policy", "first_response_breached", "resolution_breached"]
    search_fields = ["ticket__subject", "ticket__number"]
    list_select_related = ["ticket", "policy"]


@admin.register(CsatSurvey)
class CsatSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "rating", "agent", "team", "sent_at", "answered_at"]
    list_filter = ["rating", "team", "agent"]
    search_fields = ["ticket__subject", "comment"]
    list_select_related = ["ticket", "agent__user", "team"]
    exclude = ["token"]


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in sorted(SERVER_SCOPES)], required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "kind", "agent", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Creating a token shows its key once; only a hash is stored. Delete = revoke."""

    form = ApiTokenForm
    list_display = ["name", "kind", "agent", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["name", "prefix", "agent__user__username"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def save_model(self, request, obj, form, change):
        token, raw = api_token_create(
            name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], agent=form.cleaned_data["agent"],
            scopes=form.cleaned_data["scopes"],
        )  # fmt: skip
        obj.pk = token.pk
        messages.warning(request, _("Copy the key now, it is not shown again: %(key)s") % {"key": raw})

    def delete_model(self, request, obj):
        api_token_revoke(token=obj)

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=Webhook.Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "events", "is_active", "allow_private_network"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "allow_private_network", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    def get_deleted_objects(self, objs, request):
        """A webhook's delivery log goes with it: the log is read-only (nobody may delete entries by
        hand), which must not make the webhook itself undeletable."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(WebhookDelivery._meta.verbose_name)
        return deleted, counts, perms_needed, protected


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "webhook", "status_code", "attempts", "delivered_at", "error", "created_at"]
    list_filter = ["event", "webhook", "status_code"]
    search_fields = ["event_id", "error"]
    list_select_related = ["webhook"]


@admin.register(MagicLink)
class MagicLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "created_at", "expires_at", "used_at"]
    search_fields = ["email"]
    exclude = ["token_hash"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article_id", "query", "customer", "created_at"]
    search_fields = ["query"]


def _hide_drf_token_admin() -> None:
    """The API authenticates with helpdesk's own ApiToken (hashed, scoped, revocable). DRF's authtoken app
    is installed only for its table; its admin ("Auth Token › Tokens") would be a second, unused token
    model next to "API tokens", so it is taken out of the admin."""
    from rest_framework.authtoken.models import TokenProxy

    if admin.site.is_registered(TokenProxy):
        admin.site.unregister(TokenProxy)


_hide_drf_token_admin()
