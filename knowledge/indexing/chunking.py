"""Heading-aware chunking of markdown and plain text into retrieval-sized passages.

Pure functions, no Django. A chunk keeps the path of headings above it (``("Billing", "Refunds")``)
so a passage that says "It takes 5 days" still knows it is about refunds: the heading path is
embedded and indexed with the chunk text.

Rules, in order of preference:
- a chunk never crosses a heading of its own level or above, except that tiny neighbouring
  sections under the same parent are merged (a one-line section is too small to retrieve well);
- a chunk is cut at a paragraph boundary when one is near, else at a sentence boundary; a sentence
  is split only when it alone is longer than ``max_words`` (tables, code, run-on lists);
- consecutive chunks of one section share up to ``overlap_words`` of whole trailing sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_TARGET_WORDS = 220
DEFAULT_MAX_WORDS = 350
DEFAULT_MIN_WORDS = 150
DEFAULT_OVERLAP_WORDS = 40

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_WORD = re.compile(r"\S+")
# A sentence ends with . ! ? (optionally followed by closing quotes/brackets) and whitespace, and
# the next sentence starts with an upper-case letter, a digit or an opening quote/bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "st", "no"}
    | {"approx", "fig", "cf", "al", "jr", "sr", "z.b", "bzw", "ca", "usw", "u.a", "d.h", "dt", "nr"}
)


@dataclass(frozen=True)
class TextChunk:
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    word_count: int


@dataclass
class _Section:
    heading_path: tuple[str, ...]
    blocks: list[str]


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def chunk_document(
    text: str,
    *,
    title: str = "",
    target_words: int = DEFAULT_TARGET_WORDS,
    max_words: int = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
    overlap_words: int = DEFAULT_OVERLAP_WORDS,
) -> list[TextChunk]:
    """Chunk markdown (or plain text, which is markdown without headings) into passages.

    ``title`` is not repeated in the heading path: callers add the article title themselves.
    """
    if not (0 <= overlap_words < min_words <= target_words <= max_words):
        raise ValueError("need 0 <= overlap_words < min_words <= target_words <= max_words")
    pieces: list[tuple[tuple[str, ...], str]] = []
    for section in _split_sections(text, title=title):
        for body in _pack_section(section.blocks, target_words, max_words, overlap_words):
            pieces.append((section.heading_path, body))
    pieces = _merge_small_pieces(pieces, min_words, max_words)
    return [
        TextChunk(ordinal=i, heading_path=path, text=body, word_count=count_words(body))
        for i, (path, body) in enumerate(pieces)
    ]


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations ("e.g.", "Dr.") and decimals intact."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces = _SENTENCE_END.split(text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(None, 1)[-1].rstrip(".").lower()
    # Single letters are initials ("J. Smith") or list markers ("a."), not sentence ends.
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _split_sections(text: str, *, title: str) -> list[_Section]:
    """Walk the lines once: headings open sections, blank lines close blocks, fences stay whole."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stack: list[tuple[int, str]] = []
    sections = [_Section(heading_path=(), blocks=[])]
    block: list[str] = []
    fence: str | None = None

    def flush_block() -> None:
        joined = "\n".join(block).strip()
        if joined:
            sections[-1].blocks.append(joined)
        block.clear()

    def open_section(level: int, heading: str) -> None:
        flush_block()
        while stack and stack[-1][0] >= level:
            stack.pop()
        if not (level == 1 and not stack and heading.strip().lower() == title.strip().lower() and title):
            stack.append((level, heading))
        sections.append(_Section(heading_path=tuple(h for _, h in stack), blocks=[]))

    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence is not None:
            block.append(line)
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
            ):
                fence = None
                flush_block()
            continue
        if fence_match:
            flush_block()
            fence = fence_match.group(1)
            block.append(line)
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            open_section(len(heading.group(1)), _clean_heading(heading.group(2)))
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            line.strip()
            and not block
            and _SETEXT_UNDERLINE.match(next_line)
            and not line.lstrip().startswith("-")
        ):
            open_section(1 if next_line.strip()[0] == "=" else 2, _clean_heading(line))
            lines[index + 1] = ""  # consume the underline
            continue
        if not line.strip():
            flush_block()
        else:
            block.append(line)
    flush_block()
    return [s for s in sections if s.blocks]


def _clean_heading(heading: str) -> str:
    return re.sub(r"[*_`]+", "", heading).strip()


def _merge_small_pieces(
    pieces: list[tuple[tuple[str, ...], str]], min_words: int, max_words: int
) -> list[tuple[tuple[str, ...], str]]:
    """Merge a too-small chunk into its predecessor when they are related and fit together.

    Related: siblings under one parent, or the later one nested under the earlier one. The merged
    chunk keeps the earlier heading path; the later heading stays in the text as a line of its
    own, so its words are still searchable.
    """
    merged: list[tuple[tuple[str, ...], str]] = []
    for path, body in pieces:
        if merged:
            prev_path, prev_body = merged[-1]
            related = prev_path[:-1] == path[:-1] or path[: len(prev_path)] == prev_path
            size_prev, size_this = count_words(prev_body), count_words(body)
            if related and min(size_prev, size_this) < min_words and size_prev + size_this <= max_words:
                # An intro above a section belongs to it; otherwise the earlier path describes the pair.
                keep_later = size_prev < size_this and path[: len(prev_path)] == prev_path
                merged_path = path if keep_later else prev_path
                extra = path[len(_common_prefix(prev_path, path)) :]
                heading_line = f"{' / '.join(extra)}\n\n" if extra and not keep_later else ""
                merged[-1] = (merged_path, f"{prev_body}\n\n{heading_line}{body}")
                continue
        merged.append((path, body))
    return merged


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    prefix = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix.append(x)
    return tuple(prefix)


def _pack_section(blocks: list[str], target_words: int, max_words: int, overlap_words: int) -> list[str]:
    """Greedy packing of sentences into chunks of about ``target_words`` (never above ``max_words``).

    Units are sentences tagged with whether they start a paragraph; a chunk prefers to end at a
    paragraph boundary once it has reached the target, and must end before exceeding the maximum.
    """
    units = _units(blocks, max_words)
    chunks: list[str] = []
    current: list[tuple[str, int, bool]] = []
    size = 0
    for unit in units:
        _text, words, starts_paragraph = unit
        over_max = size + words > max_words
        # Past the target, cut at the next paragraph; failing that, at a sentence halfway to the max.
        past_target = size >= target_words and (
            starts_paragraph or size + words > (target_words + max_words) // 2
        )
        if current and (over_max or past_target):
            chunks.append(_join(current))
            current = _overlap_tail(current, overlap_words) if overlap_words else []
            # Overlap must never make the next chunk exceed the maximum.
            while current and sum(u[1] for u in current) + words > max_words:
                current.pop(0)
            size = sum(u[1] for u in current)
        current.append(unit)
        size += words
    if current and not (chunks and _is_pure_overlap(current, chunks[-1])):
        chunks.append(_join(current))
    return chunks


def _units(blocks: list[str], max_words: int) -> list[tuple[str, int, bool]]:
    units: list[tuple[str, int, bool]] = []
    for block in blocks:
        is_code = bool(_FENCE.match(block))
        # Code and short blocks (list items, table rows) stay whole and keep their line breaks.
        sentences = [block] if is_code or count_words(block) <= max_words // 3 else split_sentences(block)
        first = True
        for sentence in sentences:
            for piece in _split_long(sentence, max_words):
                units.append((piece, count_words(piece), first))
                first = False
    return units


def _split_long(sentence: str, max_words: int) -> list[str]:
    """A sentence longer than a chunk is cut at line breaks if it has them, else every max_words words."""
    if count_words(sentence) <= max_words:
        return [sentence]
    lines = [line for line in sentence.split("\n") if line.strip()]
    if len(lines) > 1:
        pieces: list[str] = []
        current: list[str] = []
        for line in lines:
            if current and count_words("\n".join([*current, line])) > max_words:
                pieces.append("\n".join(current))
                current = []
            current.append(line)
        if current:
            pieces.append("\n".join(current))
        return [p for piece in pieces for p in _split_long(piece, max_words)]
    words = sentence.split()
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


def _overlap_tail(units: list[tuple[str, int, bool]], overlap_words: int) -> list[tuple[str, int, bool]]:
    tail: list[tuple[str, int, bool]] = []
    size = 0
    for text, words, _starts in reversed(units):
        if size + words > overlap_words:
            break
        tail.insert(0, (text, words, False))
        size += words
    return tail


def _is_pure_overlap(current: list[tuple[str, int, bool]], previous_chunk: str) -> bool:
    return previous_chunk.endswith(_join(current))


def _join(units: list[tuple[str, int, bool]]) -> str:
    parts: list[str] = []
    for text, _words, starts_paragraph in units:
        if parts:
            parts.append("\n\n" if starts_paragraph else " ")
        parts.append(text)
    return "".join(parts).strip()


def embedding_text(*, title: str, heading_path: tuple[str, ...] | list[str], text: str) -> str:
    """What the embedder and the full-text index see for one chunk: its context, then its body."""
    context = " › ".join([part for part in [title, *heading_path] if part])
    return f"{context}\n{text}" if context else text


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+)(?=\S)(.+?)(?<=\S)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def markdown_inline_to_text(text: str) -> str:
    """Drop inline markdown syntax that only adds noise to embeddings and snippets.

    Links keep their label, images their alt text, wiki links their label (or slug); emphasis and
    code markers go. Structure (headings, paragraphs, list markers) is left to the chunker.
    """
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _WIKI_LINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _HTML_TAG.sub(" ", text)
