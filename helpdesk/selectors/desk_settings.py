from django.conf import settings

from helpdesk.models import DeskSettings


def agents_see_all() -> bool:
    return settings.HELMDESK_AGENTS_SEE_ALL or DeskSettings.load().agents_see_all_tickets
