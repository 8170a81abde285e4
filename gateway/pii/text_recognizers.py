"""Recognizers for postal addresses and for names announced by the words around them.

spaCy's small English model finds most names and places; these patterns cover what it misses in
support messages: street lines in many countries, unit and military addresses, and names that follow
"my name is", "Name:", a greeting, an honorific or a sign-off.
"""

from __future__ import annotations

import re

from gateway.pii.regex_recognizer import ContextRegexRecognizer, ScoredPattern

_LETTER = r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ſΑ-ωЀ-ӿ]"
# A word may hold dots (e.g. "o.k") but only ends with one as an initial ("D."), never a full stop.
_WORD = rf"(?:[A-Za-z]\.(?=[ ])|{_LETTER}(?:[\w'’-]|\.(?=\w))*)"
_CAP_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩЀ-Я][\w'’-]*"

# Street types glued to the street name: Bundesstrasse, Koskikatu, Mellemvej, Þorsteinsgata.
_GLUED_TYPES = (
    r"straße|strasse|str|weg|gasse|platz|allee|damm|straat|laan|plein|gracht|"
    r"katu|tie|kuja|polku|gata|gatan|vägen|väg|vej|veien|vegen|gade|stræde|tänav|iela|gatvė|utca"
)
# Street types written as their own word after the name: Crown Street, Erzsébet tér, Wesselényi u.
_WORD_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|way|drive|dr|boulevard|blvd|court|ct|place|pl|square|sq|"
    r"terrace|close|crescent|parkway|pkwy|highway|hwy|row|walk|mews|grove|gardens|"
    r"utca|u|út|tér|ulica|ul|cesta|trg|náměstí|nám"
)
# Street types that are unambiguous even in lower-case text.
_PLAIN_TYPES = r"street|avenue|boulevard|strasse|straße"
# Street types written before the name: Rua do Arenque 1634, Via Roma 12, Calle Mayor, 5.
_PREFIX_TYPES = (
    r"rua|avenida|av|calle|carrer|paseo|plaza|praça|largo|travessa|via|viale|piazza|corso|vicolo|"
    r"rue|chemin|allée|impasse|quai|place|boulevard|route|odos|leoforos"
)
_HOUSE_NUMBER = r"\d{1,5}[A-Za-z]?\b"

ADDRESS_PATTERNS = (
    # 3744 Retreat Avenue · 14 Crown St · 230 107 Igias Street
    ScoredPattern(
        "number_then_street",
        rf"\b\d{{1,5}}[A-Za-z]?(?:[ ]\d{{1,5}})?[ ](?:{_CAP_WORD}[ ]){{1,4}}(?=[A-Z])(?i:{_WORD_TYPES})\b\.?",
        0.6,
        0.85,
    ),
    ScoredPattern(
        "number_then_street_lowercase",
        rf"\b\d{{1,5}}[ ](?:[a-z]+[ ]){{1,3}}(?:{_PLAIN_TYPES})\b",
        0.5,
        0.85,
        re.IGNORECASE,
    ),
    # Brucker Bundesstrasse 31 · Koskikatu 25
    ScoredPattern(
        "glued_street_then_number",
        rf"(?:\b{_CAP_WORD}[ ]){{0,2}}\b{_CAP_WORD}(?i:{_GLUED_TYPES})\.?[ ]{_HOUSE_NUMBER}\.?",
        0.55,
        0.85,
    ),
    # Erzsébet tér 19. · Wesselényi u. 94 · Crown Street 5
    ScoredPattern(
        "street_then_number",
        rf"(?:\b{_CAP_WORD}[ ]){{1,3}}(?i:{_WORD_TYPES})\b\.?[ ]{_HOUSE_NUMBER}\.?",
        0.55,
        0.85,
    ),
    # Rua do Arenque 1634 · Via Roma 12 · Calle Mayor, 5
    ScoredPattern(
        "type_then_name",
        rf"\b(?=[A-Z])(?i:{_PREFIX_TYPES})\.?[ ](?:{_WORD}[ ]){{0,4}}?{_CAP_WORD},?[ ]{_HOUSE_NUMBER}",
        0.55,
        0.85,
    ),
    # House number, street name without a street type, street number: 72134 Coronilla 3599
    ScoredPattern(
        "number_name_number",
        rf"\b\d{{3,6}}[ ](?:{_CAP_WORD}[ ]){{1,3}}\d{{1,5}}[A-Za-z]?\b",
        0.5,
        0.8,
    ),
    # Apt. 864 · Suite 501 · Unit 12B · Flat 3
    ScoredPattern(
        "unit",
        r"\b(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm)\b\.?[ ]?#?\d{1,5}[A-Z]?\b",
        0.5,
        0.75,
        re.IGNORECASE,
    ),
    # PSC 0413, Box 8144 · Unit 5022 Box 1225 · APO AA 42323 · USNS Bergman · P.O. Box 287
    ScoredPattern(
        "military_box", r"\b(?:PSC|Unit|CMR)[ ]\d{3,5},?[ ]Box[ ]\d{1,5}\b", 0.7, 0.9, re.IGNORECASE
    ),
    ScoredPattern("military_post", r"\b(?:APO|FPO|DPO)[ ](?:AA|AE|AP)[ ]\d{5}\b", 0.7, 0.9, re.IGNORECASE),
    ScoredPattern("ship", r"\bUSN?S[ ][A-Z][a-z]+\b", 0.5, 0.8),
    ScoredPattern("po_box", r"\bP\.?[ ]?O\.?[ ]?Box[ ]\d{1,6}\b", 0.6, 0.85, re.IGNORECASE),
    # Postal codes only next to a postal word: "ZIP: 3520", "my zip code is 35350"
    ScoredPattern("postal_code", r"(?<![\w-])\d{3,5}(?:[ -]\d{2,4})?(?![\w-])", 0.0, 0.6),
    # UK postcodes are distinctive enough on their own: SW1A 1AA
    ScoredPattern("uk_postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}\b", 0.5, 0.8),
)
ADDRESS_CONTEXT = ("address", "zip", "postal", "postcode", "post code", "live at", "ship to", "deliver")


class StreetAddressRecognizer(ContextRegexRecognizer):
    def __init__(self):
        super().__init__(
            entity="STREET_ADDRESS",
            patterns=ADDRESS_PATTERNS,
            context_words=ADDRESS_CONTEXT,
            context_before=24,
            context_after=0,
        )


_NAME = rf"{_CAP_WORD}(?:[ ](?:[A-Z]\.?(?!\w)|{_CAP_WORD})){{0,3}}"
_ANY_CASE_NAME = rf"{_WORD}(?:[ ]{_WORD}){{0,3}}"
# Words that follow a greeting or "I am" without being a name.
_NOT_NAMES = (
    r"(?i:(?!(?:team|support|there|all|everyone|everybody|guys|folks|sir|madam|again|and|the|a|an|very|so|not|"
    r"sorry|happy|glad|writing|trying|having|looking|still|just|interested|unable|here|good|fine|okay)\b))"
)

PERSON_PATTERNS = (
    ScoredPattern(
        "my_name_is",
        rf"(?i:\bmy name is|\bmy name's|\bthis is|\bi am|\bi'm|\bcalls? me)[ ]{_NOT_NAMES}(?P<pii>{_NAME})",
        0.7,
        0.7,
    ),
    ScoredPattern(
        "my_name_is_lowercase",
        rf"(?i:\bmy name is|\bmy name's)[ ](?P<pii>{_ANY_CASE_NAME}?)(?=[ ]?(?:[.,;!?\n]|$|and\b))",
        0.6,
        0.6,
        re.IGNORECASE,
    ),
    ScoredPattern(
        "labelled",
        r"^[ \t>]*(?i:name|full name|customer|contact person|account holder|cardholder|user|directed by)[ \t]*:[ \t]*"
        rf"(?P<pii>{_ANY_CASE_NAME})[ \t]*$",
        0.7,
        0.7,
        re.MULTILINE,
    ),
    # "her maiden name is Key", "what's your last name? Boyle", "people call me višeslav"
    ScoredPattern(
        "name_word",
        rf"(?i:\b(?:first|last|middle|maiden|full|family|sur|nick|user)[ ]?name(?:[ ]is|[ ]was|\?|:)|\bnamed|\bcalled|\bcalls? me)"
        rf"[ ]+{_NOT_NAMES}(?P<pii>{_NAME})",
        0.65,
        0.65,
    ),
    ScoredPattern(
        "honorific",
        rf"(?i:\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam|herr|frau|mme|mlle|sr|sra)\b\.?)[ ](?P<pii>{_NAME})",
        0.7,
        0.7,
    ),
    ScoredPattern(
        "greeting",
        rf"(?im:^[ \t]*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)))[ ]{_NOT_NAMES}(?P<pii>{_NAME})[ ]?[,!]",
        0.6,
        0.6,
    ),
    ScoredPattern(
        "sign_off",
        rf"(?i:\b(?:thanks|thank you|regards|best|cheers|sincerely|yours|br))[,!.]?[ \t]*\n+[ \t]*(?P<pii>{_NAME})[ \t]*(?:\n|$)",
        0.6,
        0.6,
    ),
)


class NameContextRecognizer(ContextRegexRecognizer):
    """Names announced by their surroundings; spaCy finds the rest."""

    def __init__(self):
        super().__init__(entity="PERSON", patterns=PERSON_PATTERNS)
