"""Citation and support checks: every claim in an answer cites a retrieved source and is backed by it.

Sources are numbered from 1 in the prompt; a sentence cites them with markers like ``[2]``, ``[1][3]``
or ``[1, 3]``. A sentence is *supported* when enough of its content words (crudely stemmed, EN/DE
stop words removed) occur in the passages it cites, and every number it states occurs there too (a
wrong "14 days" is the classic hallucination). An optional ``similarity(sentence, passage)`` callable
(embedding cosine) can rescue paraphrases the lexical test misses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LEADING_CITATIONS = re.compile(r"^((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\[\"'(«„]?[A-ZÄÖÜ0-9¿¡<])")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+|<[^>]+>", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STEM_LENGTH = 5
# Sentences a helpful answer contains that state no facts: no citation needed.
_NON_CLAIM = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|thanks?|thank you|many thanks|best|kind regards|"
    r"regards|cheers|sincerely|hallo|guten (?:tag|morgen|abend)|liebe[rs]?|sehr geehrte[rs]?|danke|vielen dank|"
    r"viele grüße|beste grüße|mit freundlichen grüßen|freundliche grüße|gruß|i hope this helps|hope this helps|"
    r"ich hoffe,? das hilft|let me know|lass(?:en sie)? (?:mich|uns) wissen|is there anything else|"
    r"kann ich (?:sonst|noch)|can i help)\b",
    re.IGNORECASE,
)

_STOP_WORDS_EN_DE = """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no nor
    not now of off on once only or other our ours out over own same she should so some such than that
    the their theirs them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself please may
    might must shall get got also just one two via etc aber alle allem allen aller alles als also am an
    ander andere anderem anderen anderer anderes auch auf aus bei bin bis bist da damit dann das dass
    dein deine dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort du
    durch ein eine einem einen einer eines er es etwas euch euer eure für hat hatte hätte habe haben
    hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ins ist ja jede jedem jeden jeder
    jedes jetzt kann kein keine können könnte man mein meine mich mir mit muss nach nicht nichts noch
    nun nur ob oder ohne sehr sein seine sich sie sind so solche soll sollte sondern um und uns unser
    unter viel vom von vor war waren was weil wenn werden wie wieder will wir wird wo zu zum zur über
    bitte
"""
STOP_WORDS = frozenset(_STOP_WORDS_EN_DE.split())


@dataclass(frozen=True)
class SentenceCheck:
    text: str  # the sentence without its citation markers
    citations: tuple[int, ...]
    needs_citation: bool
    support: float | None  # share of content stems found in the cited passages (None: not checked)
    missing_numbers: tuple[str, ...] = ()
    semantic: float | None = None


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ß", "ss")


def content_stems(text: str) -> set[str]:
    words = _WORD.findall(fold(_PLACEHOLDER.sub(" ", text)))
    return {word[:STEM_LENGTH] for word in words if len(word) > 2 and word not in STOP_WORDS}


def numbers_in(text: str) -> set[str]:
    return {number.replace(",", ".") for number in _NUMBER.findall(text)}


def split_sentences(answer: str) -> list[str]:
    """Sentences of ``answer`` with their citation markers kept attached to the sentence they follow."""
    sentences: list[str] = []
    for line in answer.splitlines():
        line = _LIST_MARKER.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            leading = _LEADING_CITATIONS.match(piece)
            if leading and sentences:
                sentences[-1] = f"{sentences[-1]} {leading.group(1).strip()}"
                piece = piece[leading.end() :].strip()
            if piece:
                sentences.append(piece)
    return sentences


def citations_of(sentence: str) -> tuple[int, ...]:
    found = []
    for group in CITATION.findall(sentence):
        found += [int(number) for number in group.split(",")]
    return tuple(dict.fromkeys(found))


def needs_citation(sentence_without_markers: str) -> bool:
    """Greetings, sign-offs, questions back to the customer and very short phrases state no facts."""
    stripped = sentence_without_markers.strip()
    if _NON_CLAIM.match(stripped) or stripped.endswith("?"):
        return False
    return len(content_stems(stripped)) >= 3


def check_sentence(
    sentence: str,
    passages: Sequence[str],
    *,
    similarity: Callable[[str, str], float] | None = None,
) -> SentenceCheck:
    citations = citations_of(sentence)
    # Link targets and markup are not claims; their words would otherwise count as unsupported.
    bare = _URL.sub(" ", _LINK_TARGET.sub("]", CITATION.sub(" ", sentence)))
    bare = " ".join(bare.replace("[", "").replace("]", "").split())
    required = needs_citation(bare)
    cited = [passages[n - 1] for n in citations if 1 <= n <= len(passages)]
    if not cited:
        return SentenceCheck(bare, citations, required, None)
    evidence = " ".join(cited)
    stems = content_stems(bare)
    evidence_stems = content_stems(evidence)
    support = len(stems & evidence_stems) / len(stems) if stems else 1.0
    missing = tuple(sorted(numbers_in(bare) - numbers_in(evidence)))
    semantic = max(similarity(bare, passage) for passage in cited) if similarity else None
    return SentenceCheck(bare, citations, required, round(support, 3), missing, semantic)
