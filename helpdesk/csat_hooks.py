"""Send the satisfaction survey when a ticket is solved (registered in HelpdeskConfig.ready)."""

from core import hooks
from helpdesk.services.csat import csat_send


def _send_survey(ticket):
    csat_send(ticket=ticket)


def register() -> None:
    hooks.register("ticket_solved", _send_survey)
