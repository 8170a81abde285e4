"""Forms that parse desk input. They only validate; the services do the writing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Agent, Team, TicketChannel, TicketPriority, TicketStatus
from helpdesk.services.agents import time_zone_choices

THEN_STATUS_CHOICES = [
    ("", _("Keep status")),
    (TicketStatus.PENDING, _("Set pending")),
    (TicketStatus.SOLVED, _("Set solved")),
]


def split_tags(value: str) -> list[str]:
    return [tag.strip() for tag in (value or "").replace(";", ",").split(",") if tag.strip()]


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(choices=[("reply", _("Reply")), ("note", _("Internal note"))], initial="reply")
    body = forms.CharField(required=False, max_length=100_000)
    then_status = forms.ChoiceField(choices=THEN_STATUS_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not self.files.getlist("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        if data.get("kind") == "note":
            data["then_status"] = ""
        return data


class PropertiesForm(forms.Form):
    status = forms.ChoiceField(choices=TicketStatus.choices)
    priority = forms.ChoiceField(choices=TicketPriority.choices)
    assignee = forms.ModelChoiceField(queryset=Agent.objects.all(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    tags = forms.CharField(required=False, max_length=1000)

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class MergeForm(forms.Form):
    target_number = forms.IntegerField(min_value=1, max_value=2**31 - 1, label=_("Merge into ticket number"))
    allow_other_requester = forms.BooleanField(
        required=False, label=_("Merge even if the other ticket belongs to another customer")
    )


class BulkForm(forms.Form):
    ticket_ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    status = forms.ChoiceField(choices=[("", "")] + list(TicketStatus.choices), required=False)
    priority = forms.ChoiceField(choices=[("", "")] + list(TicketPriority.choices), required=False)
    assignee = forms.CharField(required=False)  # "", "me", "none" or an agent id
    team = forms.CharField(required=False)  # "", "none" or a team id
    tags = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id may be posted; the service checks access for each one.
        self.fields["ticket_ids"].choices = [(v, v) for v in self.data.getlist("ticket_ids")]

    def changes(self, *, me: Agent) -> dict:
        """Only the fields the agent chose; an empty select means 'leave as is'."""
        data = self.cleaned_data
        changes: dict = {}
        if data["status"]:
            changes["status"] = data["status"]
        if data["priority"]:
            changes["priority"] = data["priority"]
        if data["assignee"] == "me":
            changes["assignee"] = me
        elif data["assignee"] == "none":
            changes["assignee"] = None
        elif data["assignee"].isdigit():
            changes["assignee"] = Agent.objects.filter(pk=int(data["assignee"])).first()
        if data["team"] == "none":
            changes["team"] = None
        elif data["team"].isdigit():
            changes["team"] = Team.objects.filter(pk=int(data["team"])).first()
        if data["tags"].strip():
            changes["tags"] = split_tags(data["tags"])
        return changes


class AgentSettingsForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), required=False, max_length=150)
    signature = forms.CharField(
        label=_("Signature"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added below every public reply you send."),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Install default"))] + list(settings.LANGUAGES)
        zones = time_zone_choices()
        current = self.initial.get("time_zone") or (self.data.get("time_zone") if self.is_bound else "")
        if current and current not in zones:  # an older alias the agent saved stays selectable
            zones = [current, *zones]
        self.fields["time_zone"].choices = [("", _("Install default"))] + [
            (z, z.replace("_", " ")) for z in zones
        ]


class NewTicketForm(forms.Form):
    """An agent opens a ticket for a customer (a phone call, an email that arrived elsewhere)."""

    email = forms.EmailField(label=_("Customer email"), max_length=254)
    name = forms.CharField(label=_("Customer name"), required=False, max_length=200)
    channel = forms.ChoiceField(
        label=_("How did they contact you?"),
        choices=[(TicketChannel.PHONE, _("Phone")), (TicketChannel.EMAIL, _("Email"))],
        initial=TicketChannel.PHONE,
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("What the customer said"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Recorded as the customer's first message; the customer does not receive it."),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Let routing decide")
    )
    assign_to_me = forms.BooleanField(label=_("Assign to me"), required=False, initial=True)
