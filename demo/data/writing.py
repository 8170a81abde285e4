"""Turns scenario wordings into messages: slots filled, greetings and signatures that fit the channel and
the language, so an email reads like an email and a chat like a chat."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from demo.data.company import MODELS

CARRIERS = ("DHL", "DPD", "UPS", "GLS")
PRICES = (1899, 2299, 2499, 2899, 3199, 3499, 4290)
ERROR_CODES = ("E-07", "E-12", "E-21", "503", "E-09")
MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

CUSTOMER_GREETINGS = {
    "en": ("Hello,", "Hi,", "Hi there,", "Good morning,", "Dear Northwind team,", "Hello Northwind Support,"),
    "de": (
        "Hallo,",
        "Guten Tag,",
        "Hallo zusammen,",
        "Liebes Northwind-Team,",
        "Sehr geehrte Damen und Herren,",
    ),
}
CUSTOMER_SIGNOFFS = {
    "en": (
        "Thanks,\n{first}",
        "Best,\n{full}",
        "Kind regards,\n{full}",
        "Cheers,\n{first}",
        "Thank you!\n{full}",
    ),
    "de": ("Danke und Gruß\n{first}", "Viele Grüße\n{full}", "Mit freundlichen Grüßen\n{full}", "LG {first}"),
}
AGENT_SIGNOFFS = {
    "en": ("Best regards,", "Kind regards,", "Thanks,", "All the best,"),
    "de": ("Viele Grüße", "Beste Grüße", "Freundliche Grüße"),
}
TEAM_LINE = {"en": "Northwind Bikes Support", "de": "Northwind Bikes Kundenservice"}
CHAT_HELLO = {
    "en": ("Hi {first}!", "Hello {first},", "Hi {first}, thanks for waiting."),
    "de": ("Hallo {first}!", "Hallo {first},", "Hallo {first}, danke fürs Warten."),
}

THANKS = {
    "en": (
        "Perfect, thank you for the quick help!",
        "Great, that's all I needed. Thanks a lot.",
        "Thanks, much appreciated!",
        "Brilliant, thanks for sorting this out so quickly.",
    ),
    "de": (
        "Perfekt, vielen Dank für die schnelle Hilfe!",
        "Super, mehr brauche ich nicht. Danke!",
        "Danke, das ging ja schnell!",
    ),
}
NUDGES = {
    "en": (
        "I wrote to you about this last week and haven't heard back. Is anyone looking at it?",
        "Sending this again through the contact form in case my email got lost. Any news?",
    ),
    "de": (
        "Ich hatte Ihnen letzte Woche deswegen geschrieben und noch keine Antwort bekommen. Kümmert sich jemand?",
        "Ich schicke das nochmal über das Kontaktformular, falls meine E-Mail verloren gegangen ist. Gibt es Neuigkeiten?",
    ),
}
COMEBACKS = {
    "en": (
        "Sorry to bother you again, but the same problem is back since yesterday.",
        "Unfortunately it happened again this morning, exactly like last time.",
    ),
    "de": (
        "Entschuldigung, dass ich mich nochmal melde, aber seit gestern ist das gleiche Problem wieder da.",
        "Leider ist es heute Morgen wieder passiert, genau wie beim letzten Mal.",
    ),
}


def make_slots(rng: random.Random, *, lang: str, when: datetime) -> dict[str, str]:
    """Order numbers, tracking numbers, amounts and dates for one ticket."""
    price = rng.choice(PRICES)
    delivery = when + timedelta(days=rng.randint(2, 5))
    if lang == "de":
        amount = f"{price:,}".replace(",", ".") + ",00 EUR"
        date = f"{WEEKDAYS_DE[delivery.weekday()]}, {delivery.day}. {MONTHS_DE[delivery.month - 1]}"
    else:
        amount = f"EUR {price:,}.00"
        date = f"{delivery:%A} {delivery.day} {delivery:%B}"
    return {
        "order": f"NW-{rng.randint(100000, 199999)}",
        "model": rng.choice(MODELS),
        "carrier": rng.choice(CARRIERS),
        "tracking": f"00340434{rng.randint(10**11, 10**12 - 1)}",
        "invoice": f"INV-2026-{rng.randint(10000, 49999)}",
        "amount": amount,
        "code": rng.choice(ERROR_CODES),
        "km": str(rng.randrange(400, 6000, 10)),
        "date": date,
    }


def fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def customer_message(rng: random.Random, body: str, *, lang: str, channel: str, name: str) -> str:
    first = name.split()[0]
    if channel in ("chat", "api", "phone"):
        return _capitalized(body)
    signoff = rng.choice(CUSTOMER_SIGNOFFS[lang]).format(first=first, full=name)
    if channel == "web":
        return f"{_capitalized(body)}\n\n{signoff}"
    # Letters go on after "Hallo," in lower case in German (the wordings are written that way).
    return f"{rng.choice(CUSTOMER_GREETINGS[lang])}\n\n{body}\n\n{signoff}"


def agent_message(
    rng: random.Random, body: str, *, lang: str, channel: str, customer_name: str, agent_name: str
) -> str:
    first = customer_name.split()[0]
    if channel == "chat":
        hello = rng.choice(CHAT_HELLO[lang]).format(first=first)
        return f"{hello} {body if hello.endswith(',') else _capitalized(body)}"
    hello = "Hallo" if lang == "de" else "Hi"
    signoff = rng.choice(AGENT_SIGNOFFS[lang])
    return f"{hello} {first},\n\n{body}\n\n{signoff}\n{agent_name}\n{TEAM_LINE[lang]}"


def _capitalized(body: str) -> str:
    return body[:1].upper() + body[1:]
