"""Names the small spaCy model misses: capitalised proper nouns that are not English words.

The model knows common English and American names but misses most others ("Usamov", "Rintanen").
A token the tagger calls a proper noun, written with a capital, that is not in the English word list
shipped with the model's lemmatizer, and that the NER did not already call a person or a place, is
most likely a name. Neighbouring capitalised tokens and initials join it ("Crystal Murdock",
"Brad L Key"). Brand names unknown to English are caught too; redacting one costs the model a
word, missing a surname leaks it, so the trade goes to privacy.

All-lower-case messages ("hi my name is eva kleist") defeat capitalisation cues altogether, so they
are analysed in a recased copy where words unknown to English get a capital.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

from gateway.pii.findings import Finding

HEURISTIC_NAME_SCORE = 0.42
COORDINATED_NAME_SCORE = 0.5
_PROPER_TAGS = {"NNP", "NNPS"}
# Unknown capitalised words can be mis-tagged as common nouns or adjectives, more so at a sentence start.
_NAME_LIKE_POS = {"PROPN", "NOUN", "ADJ", "X", "INTJ"}
# Below this share of known English words (among lower-case words) the text is likely another language,
# where capitalised unknown words are ordinary nouns ("Bestellung"), not names.
_MIN_ENGLISH_SHARE = 0.6
_KEPT_NER_LABELS = {"PERSON", "GPE", "LOC", "FAC"}
# "I am in Sutri", "a shop near Ettelgem": an unknown name after these is a place.
_PLACE_PREPOSITIONS = {"in", "near", "outside", "around"}
_WORD_RE = re.compile(r"[^\W\d_]+")
# Lower-case-dominated: fewer capitals than this share of letters.
_LOWERCASE_TEXT_RATIO = 0.02
_MIN_UNKNOWN_LENGTH = 3


# Everyday support and web words that the WordNet-based list lacks; never names.
_COMMON_NON_WORDS = frozenset(
    (
        "iban", "bic", "swift", "sepa", "paypal", "email", "emails", "e-mail", "wifi", "wi-fi", "app", "apps",
        "login", "logout", "signup", "sign-up", "username", "online", "offline", "website", "websites", "webshop", "smartphone", "iphone",
        "ipad", "android", "ios", "windows", "macos", "linux", "ok", "okay", "hi", "hey", "hello", "thanks",
        "thx", "pls", "plz", "asap", "fyi", "btw", "lol", "pdf", "url", "urls", "sms", "faq",
        "faqs", "qr", "api", "ui", "ux", "admin", "checkout", "voucher", "vouchers", "coupon", "coupons", "dashboard",
        "chatbot", "bot", "inbox", "spam", "mailbox", "mr", "mrs", "ms", "mx", "dr", "prof", "st",
        "jr", "sr", "inc", "ltd", "llc", "gmbh", "corp", "co", "plc", "ag", "sa", "bv",
    )
)  # fmt: skip
# Closed-class English words: the lemmatizer's lists hold only nouns, verbs, adjectives and adverbs.
_FUNCTION_WORDS = frozenset(
    (
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "because", "while",
        "although", "though", "unless", "until", "since", "whether", "that", "this", "these", "those", "which", "who",
        "whom", "whose", "what", "when", "where", "why", "how", "i", "me", "my", "mine", "myself", "you",
        "your", "yours", "yourself", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its",
        "itself", "we", "us", "our", "ours", "ourselves", "they", "them", "their", "theirs", "themselves", "of", "in",
        "on", "at", "to", "from", "by", "with", "without", "for", "about", "against", "between", "into", "through",
        "during", "before", "after", "above", "below", "over", "under", "onto", "upon", "within", "across", "along", "among",
        "around", "behind", "beside", "besides", "beyond", "despite", "except", "inside", "outside", "toward", "towards", "via", "per",
        "is", "am", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having",
        "do", "does", "did", "doing", "done", "can", "could", "will", "would", "shall", "should", "may",
        "might", "must", "ought", "not", "no", "yes", "all", "any", "some", "each", "every", "either",
        "neither", "both", "few", "many", "much", "more", "most", "other", "another", "such", "own", "same",
        "there", "here", "also", "just", "only", "very", "too", "again", "ever", "never", "please", "dont",
        "don't", "can't", "won't", "i'm", "i've", "it's", "let's", "couldn't", "wouldn't", "isn't", "doesn't", "didn't", "wasn't",
    )
)  # fmt: skip
# A run of capitalised words containing one of these names an organisation, not a person.
_ORGANISATION_WORDS = frozenset(
    (
        "inc", "ltd", "llc", "gmbh", "corp", "corporation", "co", "company", "plc", "ag", "sa", "bv",
        "group", "holdings", "partners", "bank", "insurance", "consulting", "research", "services", "solutions", "systems", "technologies", "technology",
        "labs", "software", "university", "institute", "foundation", "association", "agency", "orchestra", "band", "records", "studios", "media",
        "capital", "markets",
    )
)  # fmt: skip


def _base_forms(word: str) -> list[str]:
    """The word and the lemmas it may inflect from (plurals, past tense, -ing)."""
    forms = [word]
    for suffix, replacement in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            forms.append(word[: -len(suffix)] + replacement)
    return forms


def is_english_word(word: str, english_words: frozenset[str]) -> bool:
    lower = word.lower()
    if lower in _FUNCTION_WORDS or lower in _COMMON_NON_WORDS:
        return True
    return any(form in english_words for form in _base_forms(lower))


def english_words_from(nlp) -> frozenset[str]:
    """The lower-case word list in the model's rule lemmatizer (nouns, verbs, adjectives, adverbs)."""
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words: set[str] = set()
    for part_of_speech in ("noun", "verb", "adj", "adv"):
        words.update(word for word in index.get(part_of_speech, []) if "_" not in word)
    return frozenset(words)


def is_lowercase_text(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 12:
        return False
    capitals = sum(1 for char in letters if char.isupper())
    return capitals <= _LOWERCASE_TEXT_RATIO * len(letters)


def _capitalised(word: str) -> str:
    first = word[0].upper()
    # Keep offsets: a capital that is two characters long ("ß" -> "SS") is left alone.
    return (first if len(first) == 1 else word[0]) + word[1:]


def recase(text: str, english_words: frozenset[str]) -> str:
    """Capitalise words unknown to English and sentence starts; same length as `text`."""

    def replace(match: re.Match) -> str:
        word = match.group(0)
        if word == "i":
            return "I"
        if len(word) >= _MIN_UNKNOWN_LENGTH and not is_english_word(word, english_words):
            return _capitalised(word)
        return word

    recased = _WORD_RE.sub(replace, text)
    # Sentence starts, so the tagger and NER see ordinary prose.
    return re.sub(r"(^|[.!?]\s+)([^\W\d_])", lambda m: m.group(1) + _capitalised(m.group(2)), recased)


def _is_capitalised(token) -> bool:
    text = token.text
    return text[:1].isupper() and not (text.isupper() and len(text) > 1)


def _is_initial(token) -> bool:
    return re.fullmatch(r"[A-Z]\.?", token.text) is not None


class UnknownProperNounRecognizer(LocalRecognizer):
    """PERSON (LOCATION after "in", "near"...) for proper nouns unknown to English and to the NER."""

    def __init__(self, english_words: frozenset[str]):
        self.english_words = english_words
        super().__init__(
            supported_entities=["PERSON", "LOCATION"],
            supported_language="en",
            context=[],
            name=type(self).__name__,
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        if doc is None or not hasattr(doc, "ents") or not self._looks_english(doc):
            return []
        # spaCy's small model often files an unknown name under ORG; only entities we redact anyway
        # (persons, places) keep their tokens out of this heuristic.
        in_entity = {token.i for entity in doc.ents if entity.label_ in _KEPT_NER_LABELS for token in entity}
        seeds = [token.i for token in doc if token.i not in in_entity and self._is_unknown_proper(token)]
        results, covered = [], set()
        for seed in seeds:
            if seed in covered:
                continue
            start, end = self._extend(doc, seed, in_entity)
            covered.update(range(start, end + 1))
            span = doc[start : end + 1]
            if not any(token.lower_ in _ORGANISATION_WORDS for token in span):
                entity_type = (
                    "LOCATION" if start > 0 and doc[start - 1].lower_ in _PLACE_PREPOSITIONS else "PERSON"
                )
                results.append(self._result(span.start_char, span.end_char, entity_type))
        return results

    def _looks_english(self, doc) -> bool:
        lower_words = [token.text for token in doc if token.is_alpha and token.text.islower()]
        if len(lower_words) < 3:
            return True
        known = sum(1 for word in lower_words if is_english_word(word, self.english_words))
        return known >= _MIN_ENGLISH_SHARE * len(lower_words)

    def _is_unknown_proper(self, token) -> bool:
        return (
            token.pos_ in _NAME_LIKE_POS
            and token.is_alpha
            and len(token.text) >= _MIN_UNKNOWN_LENGTH
            and _is_capitalised(token)
            and not is_english_word(token.text, self.english_words)
            and not is_english_word(token.lemma_, self.english_words)
        )

    @staticmethod
    def _extend(doc, seed: int, in_entity: set[int]) -> tuple[int, int]:
        """Grow over adjacent capitalised words and initials on the same line."""

        def joins(index: int) -> bool:
            token = doc[index]
            proper_word = token.tag_ in _PROPER_TAGS and token.is_alpha and _is_capitalised(token)
            return index not in in_entity and (proper_word or _is_initial(token))

        start = seed
        while start > 0 and joins(start - 1) and "\n" not in doc[start - 1].whitespace_:
            start -= 1
        end = seed
        while (
            end + 1 < len(doc)
            and "\n" not in doc[end].whitespace_
            and (joins(end + 1) or (doc[end + 1].text == "." and _is_initial(doc[end])))
        ):
            end += 1
        return start, end

    def _result(self, start: int, end: int, entity_type: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity_type,
            start=start,
            end=end,
            score=HEURISTIC_NAME_SCORE,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name,
                original_score=HEURISTIC_NAME_SCORE,
                textual_explanation="unknown proper noun",
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


_JOINER = r"(?:,[ ]*(?:(?:and|or|&)[ ]+)?|[ ]+(?:and|or|&)[ ]+)"
_COORDINATED = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+"
_RIGHT_NEIGHBOUR = re.compile(rf"{_JOINER}(?P<name>{_COORDINATED})")
_LEFT_NEIGHBOUR = re.compile(rf"(?P<name>{_COORDINATED}){_JOINER}$")
_NOT_COORDINATED = frozenset(
    (
        "the", "a", "an", "i", "we", "you", "he", "she", "they", "it", "my", "our",
        "your", "his", "her", "their", "this", "that", "then", "so", "but", "also", "thanks", "thank", "hi", "hello", "hey", "dear", "regards", "cheers",
        "sorry", "yes", "no", "ok", "okay", "please", "best", "bye", "welcome",
    )
)  # fmt: skip
_MAX_LIST_LENGTH = 12


def coordinated_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Capitalised words listed with a found name are names too: "Usamov and Bowers", "Ann, Bo and Cy"."""
    known = {(f.start, f.end) for f in findings if f.entity_type == "PERSON"}
    frontier = sorted(known)
    added: list[Finding] = []
    for _ in range(_MAX_LIST_LENGTH):
        found_now = []
        for start, end in frontier:
            right = _RIGHT_NEIGHBOUR.match(text, end)
            if right:
                found_now.append(right.span("name"))
            left = _LEFT_NEIGHBOUR.search(text, max(0, start - 60), start)
            if left:
                found_now.append(left.span("name"))
        frontier = [
            span
            for span in dict.fromkeys(found_now)
            if span not in known and text[span[0] : span[1]].lower() not in _NOT_COORDINATED
        ]
        if not frontier:
            break
        known.update(frontier)
        added += [Finding("PERSON", start, end, COORDINATED_NAME_SCORE) for start, end in frontier]
    return added


_NAME_PART = re.compile(r"[^\W\d_][\w'’-]{2,}")


def repeated_name_parts(text: str, findings: list[Finding]) -> list[Finding]:
    """Parts of a found name used alone elsewhere: "My name is Ján Novák but everyone calls me Ján"."""
    persons = [f for f in findings if f.entity_type == "PERSON"]
    parts = {
        match.group(0)
        for person in persons
        for match in _NAME_PART.finditer(text, person.start, person.end)
        if match.group(0)[0].isupper() and match.group(0).lower() not in _NOT_COORDINATED
    }
    added = []
    for part in parts:
        for match in re.finditer(rf"(?<!\w){re.escape(part)}(?!\w)", text):
            if not any(p.start <= match.start() and match.end() <= p.end for p in persons):
                added.append(Finding("PERSON", match.start(), match.end(), COORDINATED_NAME_SCORE))
    return added
