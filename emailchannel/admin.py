"""Admin: mailboxes (with "test connection"), the inbound log and quarantine, the delivery log.
Writes go through the email channel's services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from emailchannel.models import InboundEmail, Mailbox, OutboundEmail, TicketCc
from emailchannel.services.imap import mailbox_test_connection
from emailchannel.services.quarantine import HELD, quarantine_discard, quarantine_release, quarantine_retry
from helpdesk.admin_base import ReadOnlyAdminMixin


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )  # fmt: skip

    class Meta:
        model = Mailbox
        fields = [
            "name", "address", "is_active", "imap_host", "imap_port", "imap_tls", "imap_user", "imap_password",
            "folder", "processed_folder", "default_team", "thread_by_subject_days",
        ]  # fmt: skip

    def clean_imap_password(self):
        value = self.cleaned_data.get("imap_password", "")
        return value or (self.instance.imap_password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "address",
        "name",
        "is_active",
        "imap_host",
        "folder",
        "default_team",
        "last_polled_at",
        "last_error",
    ]
    list_filter = ["is_active"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["test_connection"]

    @admin.action(description=_("Test the IMAP connection"))
    def test_connection(self, request, queryset):
        for mailbox in queryset:
            report = mailbox_test_connection(mailbox=mailbox)
            level = messages.ERROR if "failed" in report else messages.SUCCESS
            self.message_user(request, report, level)


class HeldFilter(admin.SimpleListFilter):
    title = _("quarantine")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", _("Quarantined or spam"))]

    def queryset(self, request, queryset):
        return queryset.filter(outcome__in=HELD) if self.value() == "yes" else queryset


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "from_address", "subject", "outcome", "reason", "ticket", "mailbox"]
    list_filter = [HeldFilter, "outcome", "is_automatic", "mailbox"]
    search_fields = ["from_address", "subject", "header_message_id"]
    fields = [
        "created_at", "mailbox", "outcome", "reason", "header_message_id", "from_address", "from_name", "to",
        "cc", "subject", "is_automatic", "ticket", "message", "raw_input", "full_text",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["retry", "release", "discard"]

    def _run(self, request, queryset, service, **extra):
        for inbound in queryset.filter(outcome__in=HELD):
            result = service(inbound_id=inbound.pk, **extra)
            self.message_user(request, f"{inbound.pk}: {result.get_outcome_display()} {result.reason}")

    @admin.action(description=_("Retry processing"))
    def retry(self, request, queryset):
        self._run(request, queryset, quarantine_retry)

    @admin.action(description=_("Release as a new ticket"))
    def release(self, request, queryset):
        self._run(request, queryset, quarantine_release)

    @admin.action(description=_("Discard (the raw message is kept)"))
    def discard(self, request, queryset):
        self._run(request, queryset, quarantine_discard, actor_label=request.user.get_username())


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipients",
        "subject",
        "status",
        "is_automatic",
        "ticket",
        "header_message_id",
    ]
    list_filter = ["status", "is_automatic"]
    search_fields = ["recipients", "subject", "header_message_id"]


@admin.register(TicketCc)
class TicketCcAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "address", "created_at"]
    search_fields = ["address"]
