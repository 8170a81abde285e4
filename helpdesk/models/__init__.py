from helpdesk.models.csat import CsatSurvey
from helpdesk.models.customers import Customer
from helpdesk.models.desk_settings import DeskSettings
from helpdesk.models.events import TicketEvent
from helpdesk.models.inbound import RawInput
from helpdesk.models.integrations import ApiToken, Webhook, WebhookDelivery
from helpdesk.models.macros import Macro
from helpdesk.models.messages import Attachment, DeliveryStatus, Message
from helpdesk.models.people import Agent, Team, TeamMembership
from helpdesk.models.portal import Deflection, MagicLink, ReplyFeedback
from helpdesk.models.routing import AssignmentStrategy, RoutingRule, TeamAssignmentCursor, Topic
from helpdesk.models.sla import Holiday, SLAPolicy, TicketSLA
from helpdesk.models.tickets import Tag, Ticket, TicketChannel, TicketPriority, TicketStatus

__all__ = [
    "Agent",
    "ApiToken",
    "AssignmentStrategy",
    "Attachment",
    "CsatSurvey",
    "Customer",
    "Deflection",
    "DeliveryStatus",
    "DeskSettings",
    "Holiday",
    "Macro",
    "MagicLink",
    "Message",
    "RawInput",
    "ReplyFeedback",
    "RoutingRule",
    "SLAPolicy",
    "Tag",
    "Team",
    "TeamAssignmentCursor",
    "TeamMembership",
    "Ticket",
    "TicketChannel",
    "TicketEvent",
    "TicketPriority",
    "TicketSLA",
    "TicketStatus",
    "Topic",
    "Webhook",
    "WebhookDelivery",
]
