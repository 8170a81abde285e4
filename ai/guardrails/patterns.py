"""Known prompt-injection phrasings (EN, DE, FR, ES; overrides also NL, IT, PT) as weighted regular expressions.

Each pattern carries a weight: the probability-like strength that a match alone signals an injection.
Strong (>= 0.8) patterns are phrasings that an ordinary customer practically never writes ("ignore all
previous instructions"); weak ones ("you are now ...", "in your reply ...") only tip the balance
together with the classifier. Patterns run on normalised text (see features.normalize_text), so they
are written lower-case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class InjectionPattern:
    name: str
    regex: re.Pattern[str]
    weight: float


def _p(name: str, pattern: str, weight: float) -> InjectionPattern:
    return InjectionPattern(name, re.compile(pattern, re.IGNORECASE | re.MULTILINE), weight)


_PRIOR_EN = r"(?:previous|prior|above|earlier|preceding|foregoing|initial|original|system|developer)"
_RULES_EN = r"(?:instructions?|prompts?|rules|directions|directives|guidelines|commands|programming)"
_LOOSE_EN = r"(?:tasks?|context|information|orders|messages|conversation)"
_OVERRIDE_EN = r"(?:ignore|disregard|forget|override|bypass|abandon|neglect|discard|delete)"
_PRIOR_DE = (
    r"(?:vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|vorstehenden?|früheren?|alle|sämtliche)"
)
_RULES_DE = r"(?:anweisungen|anweisung|instruktionen|befehle|regeln|vorgaben|aufgaben|informationen|anfragen|eingaben)"
_OVERRIDE_DE = r"(?:ignorier\w*|vergiss|vergessen sie|missachte\w*|übergeh\w*|verwirf|verwerfen sie)"

PATTERNS: tuple[InjectionPattern, ...] = (
    # --- override previous instructions -------------------------------------------------------------
    _p(
        "ignore_previous_en",
        rf"\b{_OVERRIDE_EN}\b[^.!?\n]{{0,30}}\b{_PRIOR_EN}\s+(?:\w+\s+)?{_RULES_EN}\b",
        0.9,
    ),
    _p(
        "ignore_all_rules_en",
        rf"\b{_OVERRIDE_EN}\s+(?:all|any|every|your)\s+(?:of\s+)?(?:the\s+|your\s+|my\s+)?{_RULES_EN}\b",
        0.85,
    ),
    _p(
        "ignore_previous_loose_en",
        rf"\b{_OVERRIDE_EN}\b[^.!?\n]{{0,30}}\b(?:all|every)\b[^.!?\n]{{0,15}}{_PRIOR_EN}\s+{_LOOSE_EN}\b",
        0.6,
    ),
    _p("forget_everything_en", r"\bforget (?:about )?everything\b", 0.7),
    _p(
        "ignore_above_en",
        r"\b(?:ignore|disregard) (?:all )?(?:of )?(?:the )?(?:above|everything (?:above|before))\b",
        0.85,
    ),
    _p(
        "new_instructions_en",
        r"\b(?:new|updated|real|actual|additional) (?:instructions?|tasks?|rules)\s*(?::|follow)",
        0.6,
    ),
    _p("now_new_task_en", r"\bnow (?:focus on |comes? |follows? )?(?:your |a )?new tasks?\b", 0.85),
    _p(
        "stop_write",
        r"^(?:stop|halt|attention|stopp|achtung)\b\s*[-:!,]+\s*(?:write|say|print|schreib|sag)",
        0.85,
    ),
    _p(
        "leave_previous_behind_en",
        rf"\b(?:leave|put|set)\b[^.!?\n]{{0,20}}\b{_PRIOR_EN}\s+(?:{_RULES_EN}|{_LOOSE_EN})\s+(?:behind|aside)\b"
        r"|\b(?:we|let's|let us) (?:start|begin) (?:over |again )?with a new task\b",
        0.8,
    ),
    _p("pwned", r"\b(?:pwned|pwnd)\b", 0.6),
    # --- role hijack -----------------------------------------------------------------------------
    _p(
        "you_are_now_en",
        r"\byou are now\b(?! (?:able|subscribed|registered|signed|logged|connected|eligible|ready|set|all set|enrolled|verified|on|in|being|receiving))",
        0.45,
    ),
    _p("from_now_on_en", r"\bfrom now on,? (?:you|act|behave|respond|answer|pretend|only)\b", 0.7),
    _p(
        "act_as_en",
        r"\b(?:i want you to|please|you will|you must|now|you shall) act as (?:an? |the |my )?\w+",
        0.5,
    ),
    _p("pretend_en", r"\b(?:pretend|imagine) (?:to be|(?:that )?you (?:are|can|have|were)|you're)\b", 0.5),
    _p(
        "roleplay_en",
        r"\b(?:role-?play|stay in character|do not break character|don't break character|not break character)\b",
        0.7,
    ),
    _p("jailbreak_en", r"\b(?:jailbreak|jailbroken|dan mode|developer mode|do anything now)\b", 0.85),
    # --- prompt leaking ---------------------------------------------------------------------------
    _p("system_prompt", r"\b(?:system|hidden|initial|secret) ?prompts?\b|\bprompt[ _]texts?\b", 0.6),
    _p(
        "reveal_prompt_en",
        r"\b(?:show|reveal|print|repeat|output|display|tell me|give me|leak|dump|spell out)\b[^.!?\n]{0,30}"
        r"\b(?:your|the) (?:prompts?|prompt texts?|instructions|initial instructions|system message|configuration)\b",
        0.85,
    ),
    _p(
        "repeat_above_en",
        r"\b(?:repeat|print|output) (?:the )?(?:text|words|everything) (?:above|before)\b",
        0.85,
    ),
    # --- role markers and chat-template tokens -----------------------------------------------------
    _p(
        "role_marker_line",
        r"^\s*(?:system|assistant|developer)\s*:\s*(?:you|ignore|new|from now|act|the user)",
        0.8,
    ),
    _p(
        "chat_template_token",
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[/?inst\]|<</?sys>>|</?system>|###\s*(?:instruction|system)",
        0.9,
    ),
    _p(
        "end_of_data_marker",
        r"\bend of (?:the )?(?:email|document|data|context|user input)\b[^.\n]{0,20}(?:instructions?|now)",
        0.8,
    ),
    # --- indirect injection addressed to the assistant inside data -------------------------------
    _p(
        "addressed_to_ai",
        # Customers greet a chat bot ("hey bot, where is my parcel?"); a letter to the AI inside an email
        # or article is the indirect-injection shape. Weak alone.
        r"\b(?:dear|attention,?|note to(?: the)?|message for(?: the)?|instructions for(?: the)?) "
        r"(?:ai|ai assistant|language model|llm|chatbot|gpt|bot|assistant|ai agent)\b[,:!]",
        0.45,
    ),
    _p(
        "ai_must_now",
        r"\b(?:ai|language model|llm|chatbot|the assistant)\b[^.!?\n]{0,20}\b(?:must|should|shall) (?:now|instead|immediately)\b",
        0.7,
    ),
    _p("in_your_response_en", r"\b(?:in|to|into|at the end of) your (?:response|answer|reply|output)\b", 0.3),
    # --- German ---------------------------------------------------------------------------------
    _p(
        "ignore_previous_de",
        rf"\b{_OVERRIDE_DE}\b[^.!?\n]{{0,30}}\b{_PRIOR_DE}\s+(?:\w+\s+)?{_RULES_DE}\b",
        0.85,
    ),
    _p(
        "ignore_above_de",
        r"\b(?:obigen|vorherigen|bisherigen) (?:ausführungen|anweisungen|informationen)\b[^.!?\n]{0,40}\b(?:ignorier\w*|vergessen|hinter sich|irrelevant)",
        0.85,
    ),
    _p("forget_everything_de", rf"\b{_OVERRIDE_DE}\b[^.!?\n]{{0,15}}\balles\b", 0.85),
    _p(
        "new_task_de",
        r"\bnun folgen (?:weitere|neue) aufgaben\b|\bneue aufgabe\b[^.!?\n]{0,20}\b(?:beginnen|starten|folgt)\b|\bwir beginnen mit einer neuen aufgabe\b",
        0.8,
    ),
    _p(
        "you_are_now_de",
        r"\b(?:du bist|sie sind) (?:jetzt|nun|ab sofort|ab jetzt) (?:ein|eine|der|die|das|kein)\b|\bab (?:jetzt|sofort) (?:bist du|sind sie) (?:ein|eine|der|die)\b",
        0.5,
    ),
    _p(
        "act_as_de",
        r"\bals \w+(?:-\w+)? (?:fungieren|agieren|auftreten)\b|\btu so,? als\b|\bstell dir vor,? du bist\b|\bspiel(?:e|en sie)? die rolle\b",
        0.6,
    ),
    _p("system_prompt_de", r"\b(?:systemprompt|system-prompt|systemanweisung\w*|deine anweisungen)\b", 0.6),
    # --- French / Spanish -----------------------------------------------------------------------
    _p(
        "ignore_previous_fr",
        r"\b(?:ignore[zr]?|oublie[zr]?)\b[^.!?\n]{0,25}\b(?:les |toutes? |tes |vos )(?:\w+ )?(?:instructions|consignes|règles)\b",
        0.85,
    ),
    _p(
        "ignore_previous_es",
        r"\b(?:ignora|ignore|olvida|olvide)\b[^.!?\n]{0,25}\b(?:las |todas |tus |sus )(?:\w+ )?(?:instrucciones|reglas|indicaciones)\b",
        0.85,
    ),
    _p("forget_everything_fr_es", r"\b(?:oublie[zr]? tout|olvida todo|olvide todo)\b", 0.8),
    # --- Dutch / Italian / Portuguese overrides --------------------------------------------------
    _p(
        "ignore_previous_nl",
        r"\b(?:negeer|vergeet)\b[^.!?\n]{0,25}\b(?:alle |je |jouw |uw |de )(?:\w+ )?"
        r"(?:instructies|opdrachten|regels|aanwijzingen)\b",
        0.85,
    ),
    _p(
        "ignore_previous_it",
        r"\b(?:ignora|dimentica|ignorate|dimenticate)\b[^.!?\n]{0,25}\b(?:le |tutte le |tue |sue )(?:\w+ )?"
        r"(?:istruzioni|regole|indicazioni)\b",
        0.85,
    ),
    _p(
        "ignore_previous_pt",
        r"\b(?:ignore|ignora|esqueça|esquece|esqueçam)\b[^.!?\n]{0,25}\b(?:as |todas as |suas |tuas )(?:\w+ )?"
        r"(?:instruções|regras|indicações)\b",
        0.85,
    ),
)


@dataclass(frozen=True)
class PatternHit:
    name: str
    weight: float
    excerpt: str


def find_patterns(normalized_text: str) -> list[PatternHit]:
    hits = []
    for pattern in PATTERNS:
        match = pattern.regex.search(normalized_text)
        if match:
            hits.append(PatternHit(pattern.name, pattern.weight, match.group(0).strip()[:80]))
    return hits
