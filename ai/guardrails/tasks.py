"""Requests for work unrelated to customer support: poems, essays, stories, code, translating texts.

A help desk answers questions about its product and the customer's account. "Write me a poem about the
sea", "translate this essay into French" or "solve this equation" carry no attack wording at all, yet an
assistant that obliges is being used for something it is not for (and such requests are a common
carrier of injections: BIPIA's "task" attacks). ``assess_scope`` refuses them (reason
``unrelated_task``), and the injection classifier sees the same cue as one structural feature.

The phrasings are generic request shapes in EN, DE, FR, ES, NL, IT and PT: a creation verb followed
within a few words by a kind of free-form content, or a translate/summarise verb aimed at a text the
customer pastes. Requests about the customer's own documents ("write me a confirmation of the
cancellation", "can you translate the invoice?") are not matched: their objects are not in the lists.
"""

from __future__ import annotations

import re

from ai.guardrails.features import normalize_text

_CONTENT_KINDS = (
    # EN
    r"poems?|poetry|haikus?|limericks?|sonnets?|songs?|lyrics|raps?|stor(?:y|ies)|short stor(?:y|ies)|"
    r"novels?|fairy ?tales?|fables?|jokes?|riddles?|essays?|dissertations?|term papers?|speech(?:es)?|"
    r"screenplays?|(?:python|java|javascript|typescript|c\+\+|c#|sql|bash|html|css|rust)\s+(?:code|"
    r"programs?|scripts?|functions?|class(?:es)?)|(?:computer )?programs? (?:that|to|which)|functions? "
    r"(?:that|to|which)|scripts? (?:that|to|which)|algorithms?|regex(?:es)? (?:that|to|for)|recipes?|"
    r"cover letters?|love letters?|letters? to (?:a|an|the|my) (?!customer|support|service|team)\w+|tweets?|"
    r"blog posts?|slogans?|horoscopes?|"
    # DE
    r"gedichte?|reime?|liede?r?|songtexte?|geschichten?|märchen|witze?|aufsätze?|aufsatz|essays?|reden?|"
    r"rezepte?|quellcode|"
    # FR
    r"poèmes?|poésies?|chansons?|histoires?|contes?|blagues?|essais?|dissertations?|discours|recettes?|"
    # ES
    r"poemas?|poesías?|canci(?:ón|ones)|historias?|cuentos?|chistes?|ensayos?|redacci(?:ón|ones)|"
    r"discursos?|recetas?|"
    # NL
    r"gedichten?|liedjes?|liederen|verhalen|verhaal|sprookjes?|grappen|grap|opstellen|opstel|essays?|"
    r"toespraak|recepten?|"
    # IT
    r"poesi[ae]|canzon[ei]|stori[ae]|racconti?|favol[ae]|barzellett[ae]|saggi?|tem[ai]|discorsi?|ricett[ae]|"
    # PT
    r"poemas?|poesias?|canç(?:ão|ões)|histórias?|contos?|piadas?|ensaios?|redaç(?:ão|ões)|receitas?"
)

_CREATE_VERBS = (
    r"write|compose|draft|create|generate|produce|make up|come up with|give me|tell me|invent|code|provide|"
    r"develop|show me|"
    r"schreib(?:e|en sie)?|verfasse|dichte|erzähl(?:e)?|erfinde|gib mir|"
    r"écri(?:s|vez)|compose[zs]?|rédige[zs]?|raconte[zs]?|invente[zs]?|donne[zs]?[- ]moi|"
    r"escrib(?:e|a|ir)|compón|componga|redact(?:a|e)|cuénta(?:me)?|cuente|invent(?:a|e)|dame|"
    r"schrijf|verzin|vertel|maak|geef me|"
    r"scrivi|scriva|componi|racconta(?:mi)?|inventa|dammi|"
    r"escrev(?:a|e|er)|compo(?:nha|r)|redija|cont(?:a|e)(?:-me)?|invent(?:a|e)|d(?:ê|á)-me|me d(?:ê|á)"
)

_TEXT_OBJECTS = (
    r"(?:this|the following|the below|these|that)\s+(?:\w+\s+)?(?:essay|text|paragraph|"
    r"sentences?|poem|article|passage|words|story|lyrics|speech|chapter|homework|song)|"
    r"(?:the following|this|these)\s*:|"
    r"(?:diesen?|folgenden?|den folgenden) (?:text|absatz|satz|aufsatz|essay|artikel|gedicht)|"
    r"(?:ce|cet|cette|le|la) (?:texte|paragraphe|phrase|essai|article|poème|dissertation)(?: suivante?)?|"
    r"(?:este|esta|el siguiente|la siguiente) (?:texto|párrafo|frase|ensayo|artículo|poema)|"
    r"(?:deze|dit|de volgende|het volgende) (?:tekst|alinea|zin|essay|artikel|gedicht|opstel)|"
    r"(?:questo|questa|il seguente|la seguente) (?:testo|paragrafo|frase|saggio|articolo|poesia|tema)|"
    r"(?:este|esta|o seguinte|a seguinte) (?:texto|parágrafo|frase|ensaio|artigo|poema|redação)"
)
_TRANSFORM_VERBS = (
    r"translate|summari[sz]e|paraphrase|rewrite|proofread|rephrase|"
    r"übersetze|übersetzen sie|fasse|zusammenfassen|umschreiben|"
    r"tradui(?:s|sez)|résume[zs]?|reformule[zs]?|"
    r"traduc(?:e|ir)|traduzca|resum(?:e|a|ir)|"
    r"vertaal|vat samen|herschrijf|"
    r"traduci|tradurre|riassumi|"
    r"traduz(?:a|ir)?|resum(?:a|ir)"
)
_HOMEWORK = (
    r"\b(?:solve|calculate|compute|prove|differentiate|integrate)\b[^.?!\n]{0,30}(?:equation|integral|"
    r"derivative|theorem|for x|math problem|x\s*[=+^])|"
    r"\b(?:löse|résous|resuelve|los op|risolvi|resolva)\b[^.?!\n]{0,30}(?:gleichung|équation|ecuación|"
    r"vergelijking|equazione|equação)|"
    r"\bhelp me with my (?:homework|essay|thesis|assignment)\b|\bdo my homework\b"
)
_LANGUAGE_NAMES = (
    r"english|french|german|spanish|italian|portuguese|dutch|russian|japanese|chinese|arabic|korean|"
    r"polish|turkish|greek|swedish|hindi|latin|englisch|französisch|spanisch|anglais|allemand|espagnol|"
    r"inglés|francés|alemán|engels|frans|duits|inglese|francese|tedesco|inglês|francês|alemão"
)
# "What is 'Bibliothek' in English?", "How do you say 'peace' in Russian?", "the Spanish equivalent for".
_TRANSLATION_QUESTION = (
    rf"\b(?:what is|what's|how do you say|how would you say|how to say|translate|was heißt|wie sagt man|"
    rf"comment dit-on|cómo se dice|hoe zeg je|come si dice|como se diz)\s+[\"'“‘«][^\"'”’»]{{1,80}}[\"'”’»]\s+"
    rf"(?:in|into|to|auf|en|em|op)\s+(?:{_LANGUAGE_NAMES})\b"
    rf"|\b(?:the\s+)?(?:{_LANGUAGE_NAMES})\s+(?:equivalent|translation|word)\s+(?:for|of)\b"
)

_REQUEST = re.compile(
    rf"(?:^|[.!?:;,\n]\s*|\b(?:please|can you|could you|would you|will you|i want you to|i'd like you to|"
    rf"bitte|kannst du|können sie|könntest du|peux-tu|pouvez-vous|pourrais-tu|s'il vous plaît|"
    rf"puedes|podrías|por favor|kun je|kunt u|wil je|puoi|potresti|per favore|pode|podes|você pode|"
    rf"now|jetzt|nun|maintenant|ahora|nu|ora|agora|and|und|et|y|en|e)\s+)"
    rf"(?:{_CREATE_VERBS})\b(?:\s+\S+){{0,4}}?\s+(?:{_CONTENT_KINDS})\b"
    rf"|(?:^|[.!?:;,\n]\s*|\b(?:please|can you|could you|would you|bitte|kannst du|können sie|peux-tu|"
    rf"pouvez-vous|puedes|podrías|por favor|kun je|kunt u|puoi|potresti|per favore|pode|você pode|now|"
    rf"and)\s+)(?:{_TRANSFORM_VERBS})\b(?:\s+\S+){{0,3}}?\s+(?:{_TEXT_OBJECTS})"
    rf"|{_HOMEWORK}|{_TRANSLATION_QUESTION}",
    re.IGNORECASE | re.MULTILINE,
)


def unrelated_task_match(text: str) -> str | None:
    """The matched request ("write me a poem", "traduis ce texte", ...) or None."""
    match = _REQUEST.search(normalize_text(text, keep_lines=True))
    return match.group(0).strip(" .,;:!?\n")[:80] if match else None


def is_unrelated_task_request(text: str) -> bool:
    return unrelated_task_match(text) is not None
