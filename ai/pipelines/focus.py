"""The part of a customer message that asks something: the salutation line and the sign-off left out.

A polite message ("Hello,\\n\\n<question>\\n\\nThanks a lot,\\nMaya") asks the same as the bare question,
but its greeting and closing words dilute what search, the quote and the confidence are scored on:
wrapping Bitext's questions that way cut the answers given at the shipped threshold from 34.1 % to
10.4 %, inline ("Hi! <question> Thanks!") to 14.8 % (docs/ai-answers.md). Retrieval, the quote and the confidence use
the focused text; screening, the handoff rules and a generating model still see the whole message.

Conservative on purpose: only a first line that is nothing but a greeting ("Hi team,", "Sehr geehrte
Damen und Herren,") and a closing line near the end that is nothing but a closing ("Best regards,",
"Viele Grüße") with at most a short name after it are cut; then, as chat messages are one line, a
greeting that opens the text and ends in punctuation ("Hi! ", "Hello, ") and a thank-you that ends it
("... my order? Thanks!"), when at least two words remain. "Thanks! One more question: ..." keeps
every word (the closing must be the whole line and sit at the end). The email channel cuts quoted
history and signatures before this (mail-parser-reply); a chat or portal message never went through it.
Languages: the seven the product speaks (EN, DE, FR, ES, NL, IT, PT).
"""

from __future__ import annotations

import re

# Who a greeting or a closing may name after its words: a capitalised name, a redaction placeholder
# (<PERSON_1>), or the usual addressees.
_ADDRESSEE = (
    r"(?:[A-ZÄÖÜÉÈÀÁÍÓÚÑ][\w.'’-]*|<[A-Z_]+_\d+>|(?i:team|support|customer|service|there|all|everyone|"
    r"folks|sir|madam|or|and|the|damen|und|herren|zusammen|équipe|client|clients|equipo|soporte|señores|"
    r"señoras|heren|dames|en|tutti|signori|senhores|senhoras|equipa|suporte))"
)
_GREETING_WORDS = (
    r"(?i:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening|day)|greetings|"
    r"hallo|moin|servus|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?|"
    r"bonjour|bonsoir|salut|madame|monsieur|cher|chère|"
    r"hola|buenos días|buenas tardes|buenas noches|estimad[oa]s?|querid[oa]s?|"
    r"goedendag|goedemorgen|goedemiddag|beste|geachte|"
    r"ciao|salve|buongiorno|buonasera|gentil[ei]|egregi[oa]|car[oa]|"
    r"olá|ola|oi|bom dia|boa tarde|boa noite|prezad[oa]s?)"
)
_GREETING = re.compile(rf"^{_GREETING_WORDS}(?:[,\s]+{_ADDRESSEE}){{0,4}}\s*[,!:.]?$")
# The same greeting opening a one-line message ("Hi! How long ...", "Hello, my bike ..."): it must end
# in punctuation, so "Hi Anna how are you" is left alone.
_INLINE_GREETING = re.compile(rf"^{_GREETING_WORDS}(?:[,\s]+{_ADDRESSEE}){{0,4}}\s*[,!:.]\s+")
_CLOSING = re.compile(
    r"^(?i:thanks|thank you|many thanks|cheers|have a (?:nice|good|great) (?:day|weekend)|best|best regards|kind regards|warm regards|regards|"
    r"sincerely|yours sincerely|yours truly|all the best|"
    r"danke|vielen dank|danke schön|viele grüße|beste grüße|liebe grüße|freundliche grüße|"
    r"mit freundlichen grüßen|lg|vg|mfg|gruß|grüße|"
    r"merci|merci beaucoup|merci d'avance|cordialement|bien cordialement|bien à vous|salutations|"
    r"gracias|muchas gracias|saludos|un saludo|atentamente|cordialmente|"
    r"bedankt|alvast bedankt|dank je|dank u|met vriendelijke groet(?:en)?|groeten|groetjes|"
    r"grazie|grazie mille|cordiali saluti|distinti saluti|saluti|un saluto|"
    r"obrigad[oa]|muito obrigad[oa]|atenciosamente|cumprimentos|abraços|abraço)"
    r"(?i:\s+(?:a lot|so much|very much|in advance|for (?:your|the|all the) help|again|im voraus))?"
    r"(?i:,?\s+(?:and\s+)?have a (?:nice|good|great) (?:day|weekend|evening))?"
    rf"[\s,.!:;)]*(?:[,\s]+{_ADDRESSEE}){{0,3}}[\s,.!]*$"
)
# A thank-you or closing ending a one-line message. Only phrases that do not end a question in
# other senses ("best", "Grüße" alone are left to the line rule).
_THANKS_WORDS = (
    r"(?i:thanks|thank you|thx|many thanks|cheers|best regards|kind regards|"
    r"regards|danke|vielen dank|viele grüße|merci|merci beaucoup|cordialement|gracias|muchas gracias|"
    r"saludos|bedankt|groeten|grazie|grazie mille|obrigad[oa]|muito obrigad[oa])"
    r"(?i:\s+(?:a lot|so much|very much|in advance|for (?:your|the|all the) help|again|im voraus))?"
)
# After a sentence's end anything goes ("... my order? Thanks"); straight after a word only with its
# own "!" or "." ("... 113542617735902 Thanks!"), so "I want to say thanks" keeps its last word.
_INLINE_CLOSING = re.compile(rf"(?:(?<=[.!?])\s+{_THANKS_WORDS}\s*[!.]*|(?<=\w)\s+{_THANKS_WORDS}\s*[!.]+)$")
SIGNATURE_LINES = 3  # a closing may be followed by this many short lines (a name, a company)
SIGNATURE_WORDS = 4


def _is_signature_line(line: str) -> bool:
    return len(line.split()) <= SIGNATURE_WORDS and not line.rstrip().endswith("?")


def focus_question(text: str) -> str:
    """``text`` without a leading greeting line and a trailing closing (then without a greeting
    opening or a thank-you ending what is left); ``text`` itself when that would leave nothing (a
    message that is only "Thanks!")."""
    lines = [line.strip() for line in (text or "").splitlines()]
    content = [index for index, line in enumerate(lines) if line]
    if len(content) < 2:
        return _focus_inline(text)
    first, last = content[0], content[-1]
    start = first + 1 if _GREETING.match(lines[first]) else first
    end = last + 1
    for index in reversed(content[-(SIGNATURE_LINES + 1) :]):
        if index < start:
            break
        if _CLOSING.match(lines[index]):
            after = [lines[i] for i in content if i > index]
            if all(_is_signature_line(line) for line in after):
                end = index
            break
        if not _is_signature_line(lines[index]):
            break
    focused = "\n".join(lines[start:end]).strip()
    return _focus_inline(focused) if focused else text


def _focus_inline(text: str) -> str:
    """A greeting opening the text and a thank-you ending it, cut when at least two words remain."""
    focused = _INLINE_CLOSING.sub("", _INLINE_GREETING.sub("", text.strip(), count=1)).strip()
    return focused if len(focused.split()) >= 2 else text
