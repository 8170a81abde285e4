"""Deterministic checks on a generated answer before a customer sees it.

``check_output`` returns every problem it finds as ``"code: detail"`` strings (safe to log: details are
short excerpts of the *answer*, which was generated from redacted input) and a ``cleaned_text`` with
the mechanically fixable parts removed (foreign links, images, PII the customer did not give). Problems
that cannot be fixed by deleting characters (an uncited or unsupported claim, a promise, a competitor,
a leaked canary) leave ``ok`` False: the pipeline then answers more safely or hands off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ai.guardrails.promises import find_promises
from ai.guardrails.sensitive import find_foreign_pii
from ai.guardrails.spotlight import contains_canary
from ai.guardrails.support import check_sentence, split_sentences

# Share of a sentence's content stems that must occur in the passages it cites. Extractive answers
# quote whole sentences (support 1.0); 0.5 lets a model rephrase while keeping the passage's words.
MIN_LEXICAL_SUPPORT = 0.5
# Embedding cosine (USE v3) that counts as support when a similarity callable is passed.
MIN_SEMANTIC_SUPPORT = 0.6

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HTML_IMAGE = re.compile(
    r"<\s*(?:img|svg|picture|image|video|iframe|object|embed)\b[^>]*>(?:.*?</\s*(?:svg|picture|video|iframe|object)\s*>)?",
    re.IGNORECASE | re.DOTALL,
)
_DATA_URI = re.compile(r"data:image/[a-z+.-]+;base64,[A-Za-z0-9+/=]+", re.IGNORECASE)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(
    r"<a\b[^>]*\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL
)
_BARE_URL = re.compile(r"(?<![(\"'=\w/])((?:https?://|www\.)[^\s<>()\"']+[^\s<>()\"'.,;:!?])", re.IGNORECASE)
_MAILTO_OR_SCHEME = re.compile(r"^(?:mailto|tel|javascript|data|file|ftp|sms):", re.IGNORECASE)


@dataclass(frozen=True)
class OutputVerdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    cleaned_text: str = ""

    @property
    def codes(self) -> set[str]:
        """Problem codes without details, e.g. {"uncited_sentence", "foreign_link"}."""
        return {problem.split(":", 1)[0] for problem in self.problems}


def _source_text(source) -> str:
    if isinstance(source, str):
        return source
    for attribute in ("text", "content", "passage"):
        value = getattr(source, attribute, None)
        if isinstance(value, str):
            return value
    if isinstance(source, dict):
        return str(source.get("text") or source.get("content") or "")
    raise TypeError(f"a source must be a string or have a .text, not {type(source).__name__}")


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _host_allowed(url: str, help_center_base_url: str, allowed_hosts: Iterable[str]) -> bool:
    if url.startswith(("/", "#")) and not url.startswith("//"):
        return True  # relative: stays on the site the answer is shown on (the help center)
    if _MAILTO_OR_SCHEME.match(url):
        return False
    parts = urlsplit(url if "://" in url or url.startswith("//") else f"https://{url}")
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        return False
    base = urlsplit(help_center_base_url) if help_center_base_url else None
    if base and base.hostname and host == base.hostname.lower():
        base_path = base.path.rstrip("/")
        return not base_path or parts.path == base_path or parts.path.startswith(base_path + "/")
    for allowed in allowed_hosts:
        allowed = allowed.lower().strip().lstrip(".")
        if allowed and (host == allowed or host.endswith("." + allowed)):
            return True
    return False


def _check_links(text, help_center_base_url, allowed_hosts, problems) -> str:
    allowed = list(allowed_hosts)

    def markdown(match):
        label, url = match.group(1), match.group(2)
        if _host_allowed(url, help_center_base_url, allowed):
            return match.group(0)
        problems.append(f"foreign_link: {_excerpt(url)}")
        return label

    def html(match):
        url, label = match.group(1), match.group(2)
        if _host_allowed(url, help_center_base_url, allowed):
            return match.group(0)
        problems.append(f"foreign_link: {_excerpt(url)}")
        return label

    def bare(match):
        url = match.group(1)
        if _host_allowed(url, help_center_base_url, allowed):
            return url
        problems.append(f"foreign_link: {_excerpt(url)}")
        return "[link removed]"

    text = _MD_LINK.sub(markdown, text)
    text = _HTML_LINK.sub(html, text)
    return _BARE_URL.sub(bare, text)


def _check_images(text, problems) -> str:
    for pattern in (_MD_IMAGE, _HTML_IMAGE, _DATA_URI):
        for match in pattern.finditer(text):
            problems.append(f"image: {_excerpt(match.group(0), 60)}")
        text = pattern.sub("", text)
    return text


def _check_citations(text, passages, similarity, min_support, problems) -> None:
    for sentence in split_sentences(text):
        check = check_sentence(sentence, passages, similarity=similarity)
        out_of_range = [n for n in check.citations if not 1 <= n <= len(passages)]
        if out_of_range:
            problems.append(
                f"citation_out_of_range: [{', '.join(map(str, out_of_range))}] in {_excerpt(check.text)!r}"
            )
        if check.support is None:
            if check.needs_citation:
                problems.append(f"uncited_sentence: {_excerpt(check.text)!r}")
            continue
        semantic_ok = check.semantic is not None and check.semantic >= MIN_SEMANTIC_SUPPORT
        if check.support < min_support and not semantic_ok:
            problems.append(f"unsupported_sentence: {_excerpt(check.text)!r} (support {check.support:.2f})")
        if check.missing_numbers:
            problems.append(
                f"unsupported_number: {', '.join(check.missing_numbers)} not in the cited source, in {_excerpt(check.text)!r}"
            )


def _check_competitors(text, competitors, problems) -> None:
    for name in competitors:
        name = name.strip()
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            problems.append(f"competitor: {name}")


def check_output(
    answer_text: str,
    *,
    sources: Sequence,
    customer_texts: Sequence[str] = (),
    allowed_link_hosts: Iterable[str] = (),
    help_center_base_url: str = "",
    competitors: Iterable[str] = (),
    canary: str = "",
    similarity: Callable[[str, str], float] | None = None,
    min_support: float = MIN_LEXICAL_SUPPORT,
) -> OutputVerdict:
    """Run every output check on ``answer_text``; sources are numbered from 1 as cited (``[n]``).

    ``sources`` are strings or objects with ``.text`` (e.g. SearchHit). ``customer_texts`` are what the
    customer wrote (PII found there may be repeated back). ``similarity`` is an optional
    ``(sentence, passage) -> cosine`` used as a second opinion for paraphrased sentences.
    """
    problems: list[str] = []
    if canary and contains_canary(answer_text, canary):
        return OutputVerdict(
            ok=False,
            problems=["canary_leak: the system prompt canary appears in the answer"],
            cleaned_text="",
        )

    passages = [_source_text(source) for source in sources]
    cleaned = _check_images(answer_text, problems)
    cleaned = _check_links(cleaned, help_center_base_url, allowed_link_hosts, problems)
    cleaned, pii_problems = find_foreign_pii(cleaned, known_texts=[*customer_texts, *passages])
    problems += pii_problems
    _check_citations(cleaned, passages, similarity, min_support, problems)
    problems += [f"promise: {_excerpt(promise)!r}" for promise in find_promises(cleaned, passages)]
    _check_competitors(cleaned, competitors, problems)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return OutputVerdict(ok=not problems, problems=problems, cleaned_text=cleaned)
