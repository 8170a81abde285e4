from helpdesk.models.customers import Customer
from helpdesk.models.desk_settings import DeskSettings
from helpdesk.models.events import TicketEvent
from helpdesk.models.macros import Macro
from helpdesk.models.messages import Attachment, Message
from helpdesk.models.people import Agent, Team, TeamMembership
from helpdesk.models.tickets import Tag, Ticket, TicketChannel, TicketPriority, TicketStatus

__all__ = [
    "Agent",
    "Attachment",
    "Customer",
    "DeskSettings",
    "Macro",
    "Message",
    "Tag",
    "Team",
    "TeamMembership",
    "Ticket",
    "TicketChannel",
    "TicketEvent",
    "TicketPriority",
    "TicketStatus",
]
