"""Structural cues of prompt injection that do not depend on the exact wording of known attacks.

An injection is text that tries to *instruct the assistant*: it addresses the assistant, assigns it a
role, frames a hypothetical, demands an output format, or switches to a new task after an innocent
question. Each cue is a small set of phrasings in the languages the product ships (EN, DE, FR, ES, NL,
IT, PT); the classifier (``classifier.py``) learns how much each cue, and each pair of cues, is worth
from several data sources at once (``bench/train_injection.py``), so no single cue decides alone.

``structural_cues(text)`` returns the sorted names of the cues present in the normalised text.
"""

from __future__ import annotations

import re
from itertools import combinations

from ai.guardrails.features import normalize_text
from ai.guardrails.tasks import is_unrelated_task_request


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE | re.MULTILINE)


# Verbs an attacker tells the assistant to do (imperative), per language.
_COMMAND_VERBS = (
    r"ignore|forget|disregard|say|write|print|output|respond|answer|reply|tell|reveal|show|repeat|act|"
    r"pretend|follow|obey|comply|generate|include|append|add|insert|send|return|list|translate|"
    r"summari[sz]e|explain|describe|provide|give|compose|draft|create|make|start|begin|stop|switch|"
    r"vergiss|ignoriere|sag|sage|schreib|schreibe|antworte|gib|zeige|übersetze|erstelle|"
    r"oublie|ignore|dis|écris|réponds|donne|montre|traduis|"
    r"olvida|ignora|di|escribe|responde|dame|muestra|traduce|"
    r"vergeet|negeer|zeg|schrijf|antwoord|geef|toon|vertaal|"
    r"dimentica|ignora|scrivi|rispondi|dammi|mostra|traduci|"
    r"esqueça|esquece|ignore|diga|escreva|responda|dê|mostre|traduza"
)
_ASSISTANT = r"ai|a\.i\.|assistant|bot|chatbot|chatgpt|gpt|llm|language model|model|ki|ia|assistent|assistente|asistente"

CUES: dict[str, re.Pattern[str]] = {
    # "you must now ...", "AI, ...", "du musst ...", "tu dois ...": an instruction addressed to the model.
    "to_assistant": _rx(
        rf"\byou (?:must|have to|need to|are to|shall|should|will|are going to|can now)\s+(?:now |only |"
        rf"instead |immediately |always |never |not |from now on )?(?:{_COMMAND_VERBS})\b",
        rf"^\s*(?:hey |hi |dear |ok |okay )?(?:{_ASSISTANT})\s*[,:!]",
        rf"\b(?:dear|attention|note to|message for|instructions for|hey)\s+(?:the\s+)?(?:{_ASSISTANT})\b",
        r"\b(?:your (?:new |real |actual |only |next )?(?:task|job|goal|mission|purpose) (?:is|now is|will be))\b",
        r"\b(?:du (?:musst|sollst|wirst)|sie (?:müssen|sollen) (?:jetzt|nun|nur))\b",
        r"\b(?:tu dois|vous devez (?:maintenant|désormais|uniquement)|ta (?:nouvelle )?tâche est)\b",
        r"\b(?:debes|tienes que|tu (?:nueva )?tarea es)\b",
        r"\b(?:je moet (?:nu|alleen)|jouw (?:nieuwe )?taak is)\b",
        r"\b(?:devi|il tuo (?:nuovo )?compito è)\b",
        r"\b(?:você deve|tu deves|deves|a sua (?:nova )?tarefa é|sua (?:nova )?tarefa é)\b",
    ),
    # "you are now a ...", "act as ...", "play the role of ...".
    "role_assignment": _rx(
        r"\byou(?:'re| are) (?:now |no longer |from now on |going to be |henceforth )(?:an? |the |my )?\w+",
        r"\byou are (?:an? |the )\w+(?: \w+)? (?:named|called|who|that|without|with no)\b",
        r"\b(?:act|behave|respond|answer|talk|speak) (?:as|like) (?:an? |the |my |if you)",
        r"\b(?:pretend|play the role|role-?play|take on the role|assume the role|stay in character|persona)\b",
        r"\bfrom now on\b",
        r"\b(?:imagine|suppose|pretend) (?:that )?you(?:'re| are| were)\b",
        r"\b(?:du bist (?:jetzt |nun |ab sofort )?(?:ein|eine|der|die|mein)|spiel(?:e)? die rolle|tu so,? als|"
        r"ab (?:jetzt|sofort)|verhalte dich wie|agiere als|als \w+ (?:fungieren|agieren))\b",
        r"\b(?:tu es (?:maintenant |désormais )?(?:un|une|le|la)|joue le rôle|fais comme si|fais semblant|"
        r"agis comme|à partir de maintenant|désormais)\b",
        r"\b(?:eres (?:ahora )?(?:un|una|el|la)|actúa como|haz como si|finge|interpreta el papel|"
        r"a partir de ahora|desde ahora)\b",
        r"\b(?:je bent (?:nu |vanaf nu )?(?:een|de|het)|doe alsof|speel de rol|gedraag je als|vanaf nu)\b",
        r"\b(?:sei (?:ora |adesso )?(?:un|una|il|la)|fai finta|agisci come|interpreta il ruolo|d'ora in poi|"
        r"da ora in poi)\b",
        r"\b(?:você é (?:agora )?(?:um|uma|o|a)|tu és (?:agora )?(?:um|uma)|finja|aja como|atue como|"
        r"faça de conta|a partir de agora|de agora em diante)\b",
    ),
    # "imagine ...", "hypothetically ...", "in a fictional world ...".
    "hypothetical": _rx(
        r"\b(?:imagine|hypothetical(?:ly)?|suppose|let's say|let us say|what if you|in a (?:fictional|"
        r"hypothetical|parallel|fantasy) (?:world|universe|story|scenario)|for a (?:story|novel|movie|film|"
        r"game|screenplay)|as a thought experiment|in this (?:game|scenario|story))\b",
        r"\b(?:stell dir vor|angenommen|hypothetisch|in einer (?:fiktiven|erfundenen) welt)\b",
        r"\b(?:imagine[zs]?|supposons|hypothétique(?:ment)?|dans un monde (?:fictif|imaginaire))\b",
        r"\b(?:imagina|supongamos|supón|hipotétic[oa](?:mente)?|en un mundo (?:ficticio|imaginario))\b",
        r"\b(?:stel je voor|veronderstel|hypothetisch|in een (?:fictieve|denkbeeldige) wereld)\b",
        r"\b(?:immagina|supponiamo|ipotetic[oa](?:mente)?|in un mondo (?:immaginario|fittizio))\b",
        r"\b(?:imagine|suponha|hipotétic[oa](?:mente)?|num mundo (?:fictício|imaginário))\b",
    ),
    # "answer only with ...", "say 'X'", "in JSON", "start your reply with ...".
    "format_demand": _rx(
        r"\b(?:answer|respond|reply|output|print|say|write|return)(?: \w+){0,3} (?:only|just|exactly|"
        r"solely|nothing but|nothing else)\b",
        r"\b(?:only|just) (?:say|answer with|respond with|reply with|output|print|write|return)\b",
        r"\b(?:say|write|print|output|answer with|respond with|reply with|type)\s*:?\s*[\"'“‘«]",
        r"\b(?:in|as) (?:json|xml|yaml|markdown|all caps|capital letters|uppercase|a code block)\b",
        r"\b(?:start|begin|end|finish) (?:your|the|each) (?:answer|response|reply|output|sentence)s? with\b",
        r"\b(?:in|with) (?:one|a single|exactly one) (?:word|sentence|line)\b",
        r"\b(?:antworte|antworten sie) (?:nur|ausschließlich|lediglich)|\b(?:sag|sage|schreib|schreibe) "
        r"(?:nur|einfach)\b",
        r"\b(?:réponds|répondez) (?:uniquement|seulement|simplement)|\b(?:dis|écris) (?:seulement|juste|"
        r"uniquement)\b",
        r"\b(?:responde|responda) (?:solo|solamente|únicamente|apenas|só|somente)|\b(?:di|escribe|diga|"
        r"escreva) (?:solo|solamente|apenas|só)\b",
        r"\b(?:antwoord|antwoordt) (?:alleen|enkel|uitsluitend)|\b(?:zeg|schrijf) (?:alleen|enkel|gewoon)\b",
        r"\b(?:rispondi|risponda) (?:solo|soltanto|unicamente)|\b(?:di'|dì|scrivi) (?:solo|soltanto)\b",
    ),
    # A new task announced after other text: "... now write ...", "instead, tell me ...".
    "task_switch": _rx(
        rf"(?:\?|[.!]\s)\s*(?:but |and )?(?:now|instead|next|then|after that|afterwards|but first|also|"
        rf"additionally)\b[,:]?\s+(?:please\s+)?(?:{_COMMAND_VERBS})\b",
        r"\b(?:new|next|different|another|real|actual) (?:task|assignment|instructions?|job)\b",
        r"\b(?:that's|that is) (?:done|enough|all)\b[^.!?\n]{0,20}\b(?:now|next)\b",
        rf"(?:\?|[.!]\s)\s*(?:jetzt|nun|stattdessen|danach|maintenant|ensuite|à la place|ahora|en su lugar|"
        rf"después|nu|daarna|in plaats daarvan|ora|invece|poi|agora|em vez disso|depois)\b[,:]?\s+"
        rf"(?:bitte\s+|s'il te plaît\s+|por favor\s+|alsjeblieft\s+|per favore\s+)?(?:{_COMMAND_VERBS})\b",
        r"\b(?:neue aufgabe|nouvelle tâche|nueva tarea|nieuwe taak|nuovo compito|nova tarefa)\b",
    ),
    # Talk about the model's own instructions, prompt or rules.
    "instruction_ref": _rx(
        r"\b(?:your|previous|prior|above|earlier|initial|original|all|the|system|hidden|secret)\s+"
        r"(?:instructions?|prompts?|rules|guidelines|directives|programming|restrictions|filters|"
        r"guardrails|constraints|training)\b",
        r"\b(?:anweisungen|instruktionen|vorgaben|systemprompt|consignes|instructions précédentes|"
        r"instrucciones|indicaciones|instructies|istruzioni|instruções)\b",
    ),
}

_CUE_NAMES = tuple(CUES)


def structural_cues(text: str) -> tuple[str, ...]:
    """Names of the cues present, plus ``unrelated_task`` for a request for an off-topic task."""
    normalized = normalize_text(text, keep_lines=True)
    present = [name for name in _CUE_NAMES if CUES[name].search(normalized)]
    if is_unrelated_task_request(text):
        present.append("unrelated_task")
    return tuple(sorted(present))


def cue_features(cues: tuple[str, ...]) -> list[str]:
    """Binary features for the classifier: each cue and each pair of cues (pairs are the strong signal)."""
    features = [f"cue:{name}" for name in cues]
    features += [f"cue:{a}+{b}" for a, b in combinations(cues, 2)]
    if len(cues) >= 3:
        features.append("cue:3+")
    return features


# Every cue and pair name the classifier may carry a weight for (the trainer uses this list).
ALL_CUES = (*_CUE_NAMES, "unrelated_task")
ALL_FEATURES = tuple(cue_features(tuple(sorted(ALL_CUES))))
