from knowledge.indexing.chunking import (
    chunk_document,
    count_words,
    embedding_text,
    markdown_inline_to_text,
    split_sentences,
)


def _sentences(prefix: str, n: int) -> str:
    return " ".join(f"{prefix} sentence {i} explains one more detail about the topic." for i in range(n))


def test_heading_path_follows_nesting():
    md = (
        "# Billing\n\nIntro to billing. " + _sentences("Intro", 20) + "\n\n"
        "## Refunds\n\n" + _sentences("Refund", 25) + "\n\n"
        "### Card refunds\n\n" + _sentences("Card", 25) + "\n\n"
        "## Invoices\n\n" + _sentences("Invoice", 25) + "\n"
    )
    chunks = chunk_document(md, title="Help")
    paths = [c.heading_path for c in chunks]
    assert ("Billing",) in paths
    assert ("Billing", "Refunds") in paths
    assert ("Billing", "Refunds", "Card refunds") in paths
    assert ("Billing", "Invoices") in paths
    invoice_chunk = next(c for c in chunks if c.heading_path == ("Billing", "Invoices"))
    assert "Invoice sentence 0" in invoice_chunk.text
    assert "Card sentence" not in invoice_chunk.text
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_title_heading_is_not_repeated_in_path():
    chunks = chunk_document(
        "# Reset your password\n\nOpen settings. Click reset.", title="Reset your password"
    )
    assert chunks[0].heading_path == ()


def test_chunk_sizes_stay_within_bounds_and_cut_at_sentences():
    text = _sentences("Long", 200)  # ~2000 words, one paragraph, no headings
    chunks = chunk_document(text, target_words=200, max_words=300, min_words=120, overlap_words=30)
    assert len(chunks) >= 6
    for chunk in chunks:
        assert chunk.word_count <= 300
        assert chunk.word_count == count_words(chunk.text)
        assert chunk.text.endswith("topic.")  # never cut mid-sentence
        assert chunk.text.startswith("Long sentence")
    assert all(c.word_count >= 120 for c in chunks[:-1])


def test_consecutive_chunks_overlap_by_whole_sentences():
    chunks = chunk_document(_sentences("Overlap", 120), overlap_words=40)
    first, second = split_sentences(chunks[0].text), split_sentences(chunks[1].text)
    shared = [s for s in second if s in first]
    assert shared, "consecutive chunks share no sentence"
    assert shared == first[-len(shared) :] == second[: len(shared)]
    assert count_words(" ".join(shared)) <= 40


def test_no_overlap_when_disabled():
    chunks = chunk_document(_sentences("Plain", 120), overlap_words=0)
    joined = " ".join(c.text for c in chunks)
    assert count_words(joined) == count_words(_sentences("Plain", 120))


def test_small_sibling_sections_are_merged_and_keep_their_heading_in_text():
    md = "## Phone\n\nCall us on weekdays.\n\n## Email\n\nWrite to support at any time.\n"
    chunks = chunk_document(md)
    assert len(chunks) == 1
    assert chunks[0].heading_path == ("Phone",)
    assert "Email" in chunks[0].text and "Write to support" in chunks[0].text


def test_plain_text_chunks_by_paragraphs():
    paragraphs = [_sentences(f"Para{i}", 12) for i in range(6)]  # ~120 words each
    chunks = chunk_document("\n\n".join(paragraphs), target_words=200, max_words=350, min_words=150)
    for chunk in chunks:
        assert chunk.heading_path == ()
        # A chunk starts at a paragraph start or carries overlap from the previous one; it never
        # starts in the middle of a sentence.
        assert chunk.text.split(" ")[0].startswith("Para")
    assert "Para0 sentence 0" in chunks[0].text
    assert "Para5 sentence 11" in chunks[-1].text


def test_fenced_code_is_kept_whole_and_hashes_inside_are_not_headings():
    md = "## Setup\n\nRun this:\n\n```bash\n# install\npip install helmdesk\n```\n\nDone."
    chunks = chunk_document(md)
    assert len(chunks) == 1
    assert chunks[0].heading_path == ("Setup",)
    assert "```bash\n# install\npip install helmdesk\n```" in chunks[0].text


def test_setext_headings():
    md = "Shipping\n========\n\nWe ship worldwide.\n\nCosts\n-----\n\nShipping is free."
    chunks = chunk_document(md)
    assert chunks[0].heading_path == ("Shipping",)
    assert "free" in " ".join(c.text for c in chunks)


def test_sentence_with_no_punctuation_longer_than_max_is_split():
    words = " ".join(f"w{i}" for i in range(1000))
    chunks = chunk_document(words, target_words=200, max_words=300, min_words=150, overlap_words=0)
    assert all(c.word_count <= 300 for c in chunks)
    assert sum(c.word_count for c in chunks) == 1000


def test_split_sentences_keeps_abbreviations_and_decimals():
    assert split_sentences("See e.g. the docs. Version 2.5 is out! Is it? Dr. Smith said so.") == [
        "See e.g. the docs.",
        "Version 2.5 is out!",
        "Is it?",
        "Dr. Smith said so.",
    ]


def test_empty_document_has_no_chunks():
    assert chunk_document("") == []
    assert chunk_document("\n\n   \n") == []


def test_markdown_inline_to_text_and_embedding_text():
    text = markdown_inline_to_text(
        "Use **bold** [the form](https://x.example/a) and ![logo](l.png) [[refunds|Refunds]] `code`"
    )
    assert text == "Use bold the form and logo Refunds code"
    assert (
        embedding_text(title="Billing", heading_path=("Refunds",), text="Body") == "Billing › Refunds\nBody"
    )
    assert embedding_text(title="", heading_path=(), text="Body") == "Body"
