"""Django admin for the ticketing app. Thin: ticket changes go through the services, the audit
trail is read-only, and the desk settings are a single row."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdminMixin, SingletonAdminMixin
from helpdesk.models import (
    Agent,
    Attachment,
    Customer,
    DeskSettings,
    Macro,
    Message,
    RoutingRule,
    Tag,
    Team,
    TeamMembership,
    Ticket,
    TicketEvent,
    TicketStatus,
    Topic,
)
from helpdesk.selectors.desk_settings import company_name
from helpdesk.services.tickets import ticket_create, ticket_update, transition_allowed


def _admin_title() -> str:
    return _("%(company)s administration") % {"company": company_name()}


# The admin carries the company's name (desk settings), read when a page renders, never at import.
admin.site.site_header = lazy(_admin_title, str)()
admin.site.site_title = lazy(_admin_title, str)()
admin.site.index_title = _("Site administration")


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["agent"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "lead", "member_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead"]
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("lead__user").annotate(members=Count("agents"))

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "role", "team_list", "is_online", "capacity", "language", "time_zone"]
    list_filter = ["role", "is_online", "teams"]
    search_fields = ["user__username", "user__email", "display_name", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    inlines = [TeamMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("teams")

    @admin.display(description=_("teams"))
    def team_list(self, obj):
        return ", ".join(team.name for team in obj.teams.all())


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["agent", "team", "joined_at"]
    list_filter = ["team"]
    search_fields = ["agent__user__username", "agent__display_name", "team__name"]
    autocomplete_fields = ["agent", "team"]
    list_select_related = ["agent__user", "team"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organization", "tier", "language", "created_at"]
    list_filter = ["tier", "language"]
    search_fields = ["email", "name", "organization"]
    autocomplete_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["seq", "author_kind", "author_agent", "is_internal", "excerpt", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return (obj.body_text or "")[:200]


class TicketEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "actor_label", "field", "before", "after"]
    readonly_fields = fields


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["subject", "status", "priority", "channel", "requester", "assignee", "team", "tags",
                  "language", "ai_summary"]  # fmt: skip

    def clean_status(self):
        # Refuse a forbidden transition here, as a form error, rather than in the service as a 500.
        status = self.cleaned_data["status"]
        current = self.instance.status if self.instance.pk else TicketStatus.NEW
        if status != current and not transition_allowed(current, status):
            raise forms.ValidationError(
                _("A ticket cannot go from %(a)s to %(b)s.") % {"a": current, "b": status}
            )
        return status


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = [
        "number",
        "subject",
        "status",
        "priority",
        "channel",
        "requester",
        "assignee",
        "team",
        "updated_at",
    ]
    list_display_links = ["number", "subject"]
    list_filter = ["status", "priority", "channel", "team", "assignee", "tags"]
    search_fields = ["=number", "subject", "requester__email", "requester__name"]
    list_select_related = ["requester", "assignee__user", "team"]
    autocomplete_fields = ["requester", "assignee", "team", "tags"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "number", "merged_into", "follow_up_of", "created_at", "updated_at", "last_message_at",
        "first_response_at", "solved_at", "message_count", "desk_link",
    ]  # fmt: skip
    fields = [
        "desk_link", "number", "subject", "status", "priority", "channel", "requester", "assignee", "team",
        "tags", "language", "ai_summary", "merged_into", "follow_up_of", "created_at", "updated_at",
        "last_message_at", "first_response_at", "solved_at", "message_count",
    ]  # fmt: skip
    inlines = [MessageInline, TicketEventInline]

    @admin.display(description=_("desk"))
    def desk_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("desk:ticket", args=[obj.pk]), _("Open in the desk")
        )

    def get_readonly_fields(self, request, obj=None):
        # The channel and requester are facts about how the ticket arrived.
        extra = ["channel", "requester"] if obj is not None else []
        return [*self.readonly_fields, *extra]

    def save_model(self, request, obj, form, change):
        """Status, assignment, priority, team, tags and subject go through the ticket services, so the
        admin obeys the transition table and writes the same audit rows and live events as the desk."""
        data = form.cleaned_data
        tags = [tag.name for tag in data.get("tags", [])]
        if not change:
            created = ticket_create(
                requester=data["requester"],
                subject=data["subject"],
                channel=data.get("channel") or obj.channel,
                priority=data["priority"],
                team=data.get("team"),
                assignee=data.get("assignee"),
                tags=tags,
                language=data.get("language", ""),
                actor=request.user,
            )
            if data.get("status") and data["status"] != created.status:
                created = ticket_update(ticket=created, actor=request.user, status=data["status"])
            obj.pk = created.pk
            obj.number = created.number
            return
        changes = {}
        for name in ("status", "priority", "subject", "assignee", "team"):
            if name in form.changed_data:
                changes[name] = data[name]
        if "tags" in form.changed_data:
            changes["tags"] = tags
        if changes:
            ticket_update(ticket=obj, actor=request.user, **changes)
        plain = [name for name in ("language", "ai_summary") if name in form.changed_data]
        if plain:
            Ticket.objects.filter(pk=obj.pk).update(**{name: data[name] for name in plain})

    def save_related(self, request, form, formsets, change):
        # Tags were saved by the service in save_model; the admin must not set them a second time.
        form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "seq", "author_kind", "author_name", "is_internal", "ai_mode", "created_at"]
    list_filter = ["author_kind", "is_internal", "ai_mode"]
    search_fields = ["=ticket__number", "body_text", "email_message_id"]
    list_select_related = ["ticket", "author_agent__user", "author_customer"]
    date_hierarchy = "created_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "ticket", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["filename", "=ticket__number", "sha256"]
    list_select_related = ["ticket"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "set_status", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "body"]
    list_select_related = ["team"]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "ticket", "actor_label", "field", "before", "after"]
    list_filter = ["field", "actor_label"]
    search_fields = ["=ticket__number", "field", "before", "after", "actor_label"]
    list_select_related = ["ticket"]
    date_hierarchy = "created_at"


@admin.register(DeskSettings)
class DeskSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    """A singleton: the list opens the one row's form; it can be neither added nor deleted."""

    fieldsets = [
        (None, {"fields": ["company_name", "support_email"]}),
        (
            _("Who sees which tickets"),
            {"fields": ["agents_see_all_tickets", "unrouted_visible_to", "triage_team"]},
        ),
    ]
    autocomplete_fields = ["triage_team"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """The taxonomy: customers pick a topic on the portal, triage suggests one, rules route on it."""

    list_display = ["name", "team", "default_priority", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "description", "examples"]
    list_select_related = ["team"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "is_active", "topic", "customer_tier", "language", "set_team",
                    "set_priority", "stop"]  # fmt: skip
    list_display_links = ["name"]
    list_editable = ["position", "is_active", "stop"]
    list_filter = ["is_active", "set_team"]
    list_select_related = ["topic", "set_team"]
    ordering = ["position", "id"]


from helpdesk import admin_integrations  # noqa: E402,F401  (SLA, CSAT, API, webhook admins)
