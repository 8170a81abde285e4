"""Text normalisation and hashed n-gram features shared by the injection classifier and its trainer.

Training (bench/train_injection.py) and inference (ai/guardrails/classifier.py) must turn text into
exactly the same feature ids, so both import this module. The hash is crc32, which is stable across
processes and Python versions (the builtin ``hash`` is salted per process).
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter

HASH_BITS = 20
HASH_MASK = (1 << HASH_BITS) - 1
CHAR_NGRAM_SIZES = (3, 4, 5)

# Characters that render as nothing. Attackers use them to split trigger words ("ig\u200bnore") so that
# pattern matching misses them; removing them first makes "ignore" whole again.
INVISIBLE_CHARS = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def normalize_text(text: str, *, keep_lines: bool = False) -> str:
    """NFKC-fold, drop invisible characters, lower-case and collapse whitespace.

    With ``keep_lines`` line breaks survive, so line-anchored patterns ("system: ...") still work.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = INVISIBLE_CHARS.sub("", folded)
    # Literal "\n" sequences appear in pasted attacks ("\ n \ n generate..."); treat them as spaces.
    folded = folded.replace("\\n", " ").lower()
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in folded.splitlines() if line.strip())
    return " ".join(folded.split())


def word_tokens(normalized: str) -> list[str]:
    return _WORD.findall(normalized)


def _feature_id(kind: str, token: str) -> int:
    return zlib.crc32(f"{kind}:{token}".encode()) & HASH_MASK


def feature_counts(text: str) -> Counter[int]:
    """Counts of hashed word unigrams, word bigrams and within-word character n-grams."""
    words = word_tokens(normalize_text(text))
    counts: Counter[int] = Counter()
    for word in words:
        counts[_feature_id("w", word)] += 1
        padded = f" {word} "
        for size in CHAR_NGRAM_SIZES:
            for start in range(max(1, len(padded) - size + 1)):
                counts[_feature_id("c", padded[start : start + size])] += 1
    for first, second in zip(words, words[1:], strict=False):
        counts[_feature_id("b", f"{first} {second}")] += 1
    return counts


def tfidf_vector(counts: Counter[int], idf: dict[int, float], default_idf: float) -> dict[int, float]:
    """Sublinear tf times idf, L2-normalised; unseen features get the largest idf."""
    weighted = {fid: (1.0 + math.log(n)) * idf.get(fid, default_idf) for fid, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
    return {fid: v / norm for fid, v in weighted.items()}
