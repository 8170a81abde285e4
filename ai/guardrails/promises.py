"""Promises of actions the AI cannot take ("I have refunded you", "Ich habe Ihre Bestellung storniert").

The AI answers from the knowledge base; it cannot refund, cancel, change or send anything. A sentence
claiming it did (or will) is a false commitment the company may be held to, so such answers go to a
human. Policy statements from the knowledge base ("Once your refund has been processed, ...", "If you
return it within 30 days, we will refund you") are conditional and stay allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ai.guardrails.support import split_sentences

_ACTIONS_PAST_EN = (
    r"(?:refunded|reimbursed|credited|cancell?ed|terminated|processed|issued|initiated|approved|sent|shipped|"
    r"re-?sent|dispatched|changed|updated|modified|upgraded|downgraded|deleted|removed|closed|reset|unlocked|"
    r"reactivated|activated|deactivated|escalated|forwarded|booked|scheduled|arranged|applied|waived|"
    r"extended|replaced|reversed|transferred|paid|ordered|fixed|resolved|added|granted)"
)
_ACTIONS_BASE_EN = (
    r"(?:refund|reimburse|credit|cancel|terminate|process|issue|initiate|approve|send|ship|re-?send|dispatch|"
    r"change|update|modify|upgrade|downgrade|delete|remove|close|reset|unlock|reactivate|activate|deactivate|"
    r"escalate|forward|book|schedule|arrange|apply|waive|extend|replace|reverse|transfer|pay|order|fix|add|grant|"
    r"make sure|personally)"
)
_ACTIONS_DE = (
    r"(?:erstattet|zurückerstattet|rückerstattet|gutgeschrieben|storniert|gekündigt|bearbeitet|veranlasst|"
    r"versendet|verschickt|geschickt|gesendet|geändert|aktualisiert|gelöscht|entfernt|geschlossen|zurückgesetzt|"
    r"entsperrt|aktiviert|deaktiviert|weitergeleitet|eskaliert|gebucht|ersetzt|überwiesen|bezahlt|bestellt|"
    r"behoben|erlassen|verlängert|freigeschaltet|umgebucht|ausgetauscht)"
)
_ACTIONS_DE_INF = (
    r"(?:erstatten|zurückerstatten|gutschreiben|stornieren|kündigen|bearbeiten|veranlassen|versenden|verschicken|"
    r"schicken|senden|ändern|aktualisieren|löschen|entfernen|schließen|zurücksetzen|entsperren|aktivieren|"
    r"deaktivieren|weiterleiten|eskalieren|buchen|ersetzen|überweisen|bezahlen|bestellen|beheben|erlassen|"
    r"verlängern|freischalten|umbuchen|austauschen|kümmern)"
)
_CONDITIONAL = re.compile(
    r"\b(?:if|once|when|after|as soon as|unless|whenever|wenn|falls|sobald|nachdem|sofern)\b", re.IGNORECASE
)

# First-person claims are never a policy quote: always flagged.
_FIRST_PERSON = [
    re.compile(
        rf"\bi(?:'ve| have| had)\s+(?:just\s+|already\s+|now\s+|successfully\s+|gone ahead and\s+)*{_ACTIONS_PAST_EN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bi(?:'ll| will| am going to|'m going to| shall| can)\s+(?:now\s+|immediately\s+|personally\s+|also\s+|go ahead and\s+)*{_ACTIONS_BASE_EN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bi(?:'m| am)\s+(?:now\s+)?(?:refunding|cancell?ing|processing|issuing|sending|shipping|deleting|escalating|forwarding|arranging)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bi(?:'ve| have) gone ahead\b", re.IGNORECASE),
    re.compile(rf"\bich\s+(?:habe|hab)\b[^.!?]{{0,60}}?\b{_ACTIONS_DE}\b", re.IGNORECASE),
    re.compile(rf"\bich\s+(?:werde|kann)\b[^.!?]{{0,60}}?\b{_ACTIONS_DE_INF}\b", re.IGNORECASE),
    re.compile(
        r"\b(?:ich|wir)\s+(?:erstatte|storniere|kündige|veranlasse|lösche|sende|schicke|leite|buche)\w*\b",
        re.IGNORECASE,
    ),
]
# Company-voice and passive claims: flagged unless the sentence is a conditional policy statement.
_COMPANY_VOICE = [
    re.compile(
        rf"\bwe(?:'ve| have)\s+(?:just\s+|already\s+|now\s+|successfully\s+)*{_ACTIONS_PAST_EN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bwe(?:'ll| will| are going to)\s+(?:now\s+|immediately\s+)*{_ACTIONS_BASE_EN}\s+(?:you|your|it|this|the)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\byour\s+(?:\w+\s+){{0,2}}(?:has|have)\s+(?:now\s+|just\s+|already\s+)?been\s+{_ACTIONS_PAST_EN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:wir\s+haben|(?:ihre|deine|ihr|dein)\s+\w+\s+(?:wurde|ist|wird))\b[^.!?]{{0,60}}?\b{_ACTIONS_DE}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bwir\s+werden\b[^.!?]{{0,60}}?\b{_ACTIONS_DE_INF}\b", re.IGNORECASE),
]


def _company_claim(sentence: str, passages: Sequence[str]) -> bool:
    if _CONDITIONAL.search(sentence):
        return False
    for pattern in _COMPANY_VOICE:
        match = pattern.search(sentence)
        # Quoting the knowledge base's own wording ("we will refund the full amount") is policy, not a promise.
        if match and not any(" ".join(match.group(0).lower().split()) in passage for passage in passages):
            return True
    return False


def find_promises(text: str, passages: Sequence[str] = ()) -> list[str]:
    """Sentences of ``text`` that claim or promise an action the AI cannot perform."""
    folded_passages = [" ".join(passage.lower().split()) for passage in passages]
    found = []
    for sentence in split_sentences(text):
        if any(pattern.search(sentence) for pattern in _FIRST_PERSON) or _company_claim(
            sentence, folded_passages
        ):
            found.append(sentence)
    return found
