"""Abuse detection for inbound customer text (English and German lexicons).

Three levels, because a helpdesk should treat them differently: swearing about a broken product
("this damn app") is frustration, not abuse; an insult aimed at a person ("you idiot", "du Idiot") is
abuse; a threat of violence is abuse that a human must see at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ai.guardrails.features import normalize_text

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)

PROFANITY = {
    # English
    "fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit", "crap", "crappy",
    "damn", "goddamn", "bloody", "piss", "pissed", "wtf", "ffs", "bastard", "bitch", "ass", "arse",
    "asshole", "arsehole", "dick", "dickhead", "prick", "cunt", "twat", "wanker", "bollocks", "jerk",
    # German
    "scheiße", "scheisse", "scheiß", "scheiss", "scheißdreck", "mist", "verdammt", "verdammte", "kacke",
    "arsch", "fick", "ficken", "gefickt", "verfickt", "verfickte", "dreck", "drecks",
}  # fmt: skip

# Nouns for people: abusive when aimed at someone ("you idiot", "ihr Betrüger").
INSULT_NOUNS = {
    # English
    "idiot", "idiots", "moron", "morons", "imbecile", "imbeciles", "dumbass", "retard", "loser", "losers",
    "scum", "scumbag", "clown", "clowns", "asshole", "assholes", "bitch", "bitches", "bastard", "bastards",
    "prick", "pricks", "jerk", "jerks", "thieves", "thief", "crooks", "crook", "scammers", "scammer", "liar",
    "liars", "fraudsters", "fraudster", "incompetents",
    # German
    "idioten", "depp", "deppen", "trottel", "vollidiot", "vollidioten", "dummkopf", "blödmann",
    "schwachkopf", "arschloch", "arschlöcher", "wichser", "hurensohn", "penner", "versager", "betrüger",
    "verbrecher", "lügner", "abzocker", "vollpfosten", "dilettanten", "stümper",
}  # fmt: skip
# Adjectives: abusive only as "you are <adj>" ("your app is useless" is frustration with a product).
INSULT_ADJECTIVES = {
    "stupid", "dumb", "retarded", "pathetic", "useless", "incompetent", "worthless", "clueless",
    "dumm", "dämlich", "blöd", "blöde", "unfähig", "inkompetent", "nutzlos", "bescheuert", "behindert",
}  # fmt: skip
# Insults that are abusive on their own, whoever they are aimed at.
ALWAYS_ABUSIVE = {
    "cunt", "twat", "wanker", "motherfucker", "fucker", "retard", "arschloch", "arschlöcher", "wichser",
    "hurensohn", "hurensöhne", "missgeburt", "spast", "spasti", "scumbag", "dickhead",
}  # fmt: skip
_TARGET_WORDS = {
    "you",
    "your",
    "u",
    "ur",
    "yall",
    "ya",
    "ihr",
    "du",
    "euch",
    "dich",
    "dir",
    "euer",
    "eure",
    "dein",
    "deine",
}
_YOU_ARE = re.compile(
    r"\b(?:you(?:'re| are| r)|u r|ur|ihr seid|du bist|sie sind|you guys are|you people are)\s+(?:\w+\s+){0,3}?"
    r"(?:so |such |really |totally |completely |absolutely |echt |total |völlig |so )?(?P<adj>\w+)\b"
)
_THREATS = re.compile(
    r"\b(?:i(?:'ll| will| am going to|'m going to|'m gonna| gonna)|we(?:'ll| will)) "
    r"(?:kill|hurt|beat|stab|shoot|find|burn down|smash)\s+(?:you|your|all of you|everyone)\b"
    r"|\b(?:you(?:'re| are) (?:dead|going to die)|watch your back|i know where you (?:live|work))\b"
    r"|\b(?:ich (?:bring|töte|erschieß|erschiess|schlag)\w* (?:dich|euch|sie))\b"
    r"|\b(?:ich weiß,? wo (?:du wohnst|ihr wohnt|sie wohnen))\b"
    r"|\bbomb (?:threat|your)\b"
)


@dataclass(frozen=True)
class AbuseVerdict:
    is_abusive: bool
    level: str  # "none", "profanity", "insult", "threat"
    matches: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def detect_abuse(text: str) -> AbuseVerdict:
    """Classify ``text`` as none / profanity (not abusive) / insult / threat (both abusive)."""
    normalized = normalize_text(text)
    views = {normalized, normalized.translate(_LEET)}
    threats = [m.group(0) for view in views for m in _THREATS.finditer(view)]
    if threats:
        return AbuseVerdict(True, "threat", sorted(set(threats)))

    insults: set[str] = set()
    for view in views:
        tokens = _words(view)
        insults.update(token for token in tokens if token in ALWAYS_ABUSIVE)
        for index, token in enumerate(tokens):
            if token in _TARGET_WORDS:
                insults.update(word for word in tokens[index + 1 : index + 5] if word in INSULT_NOUNS)
        for match in _YOU_ARE.finditer(view):
            insults.update(word for word in _words(match.group(0)) if word in INSULT_ADJECTIVES)
    if insults:
        return AbuseVerdict(True, "insult", sorted(insults))

    words = {word for view in views for word in _words(view)}
    swearing = sorted(word for word in words if word in PROFANITY)
    if swearing:
        return AbuseVerdict(False, "profanity", swearing)
    return AbuseVerdict(False, "none", [])
