from django.conf import settings

from helpdesk.models import DeskSettings


def agents_see_all() -> bool:
    return settings.HELMDESK_AGENTS_SEE_ALL or DeskSettings.load().agents_see_all_tickets


def desk_settings() -> DeskSettings:
    return DeskSettings.load()


def company_name() -> str:
    """The name shown on pages, error pages and the admin: the desk settings, else HELMDESK_COMPANY_NAME."""
    try:
        name = DeskSettings.load().company_name
    except Exception:  # noqa: BLE001 - error pages must render even when the database is down
        name = ""
    return name or getattr(settings, "HELMDESK_COMPANY_NAME", "") or "Helmdesk"
