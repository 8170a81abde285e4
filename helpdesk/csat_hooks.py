from core import hooks


def _send_survey(ticket):
    from helpdesk.services.csat import csat_send

    csat_send(ticket=ticket)


def register() -> None:
    hooks.register("ticket_solved", _send_survey)
