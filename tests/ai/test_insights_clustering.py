"""Theme discovery on real sentence embeddings (the local encoder): deterministic with a seed, finds
the number of themes itself, names them by key phrases, matches them across periods."""

from __future__ import annotations

import numpy as np
import pytest

from ai.insights.clustering import assign, cluster
from ai.insights.matching import match
from ai.insights.naming import key_phrases, message_kind
from ai.models import ThemeKind
from gateway.embeddings import get_embedder

THEMES = {
    "delivery": [
        "My parcel has not arrived yet, the delivery is late",
        "Where is my delivery? The parcel is a week late",
        "The delivery of my order is late and the parcel tracking shows nothing",
        "Parcel still not delivered, delivery was due on Monday",
        "Late delivery: my parcel should have arrived days ago",
        "Can you check my parcel? The delivery is very late",
        "The courier never delivered my parcel, delivery late again",
        "My delivery is late, when will the parcel come?",
    ],
    "password": [
        "I forgot my password and cannot log in",
        "How do I reset my password? The login fails",
        "Password reset link does not work, I can't log in",
        "I need to reset the password for my account login",
        "Login problem: forgot password, reset email never came",
        "Can you help me reset my password so I can log in?",
        "The password reset page shows an error when I try to log in",
        "Locked out after a wrong password, how to reset it for login",
    ],
    "invoice": [
        "Please send me an invoice for my last order",
        "I need a VAT invoice for my company purchase",
        "Where can I download the invoice for my order?",
        "The invoice has the wrong company address on it",
        "Could you resend the invoice for order payment?",
        "My accounting department needs the invoice as PDF",
        "Invoice missing from the order confirmation email",
        "Can I get a corrected invoice with our VAT number?",
    ],
}


def corpus():
    texts, truth = [], []
    for name, items in THEMES.items():
        texts += items
        truth += [name] * len(items)
    return texts, truth, get_embedder().embed_documents(texts)


def test_clustering_is_deterministic_with_a_seed_and_finds_the_themes_without_k():
    texts, truth, vectors = corpus()
    first = cluster(vectors, texts, seed=7)
    second = cluster(vectors, texts, seed=7)
    assert np.array_equal(first.labels, second.labels)
    assert first.n_themes == 3
    # every discovered theme is pure: one true theme per cluster, and every true theme found
    pairs = {(int(label), name) for label, name in zip(first.labels, truth, strict=True) if label >= 0}
    assert len({label for label, _n in pairs}) == len(pairs) == 3
    assert first.noise <= 2


def test_key_phrases_name_each_theme_by_its_own_words():
    phrases = key_phrases([THEMES["delivery"], THEMES["password"], THEMES["invoice"]])
    assert "deliver" in phrases[0][0] or "parcel" in phrases[0][0]
    assert "password" in phrases[1][0] or "log" in phrases[1][0]
    assert "invoice" in phrases[2][0]


def test_next_weeks_clusters_match_last_weeks_themes():
    texts, truth, vectors = corpus()
    later = [f"{t.lower()}!" for t in reversed(texts)]
    week1 = cluster(vectors, texts, seed=0)
    week2 = cluster(get_embedder().embed_documents(later), later, seed=0)
    pairs = match(week2.centroids, week1.centroids)
    assert len(pairs) == week2.n_themes == week1.n_themes == 3
    names1 = {k: truth[int(np.flatnonzero(week1.labels == k)[0])] for k in range(week1.n_themes)}
    names2 = {k: truth[::-1][int(np.flatnonzero(week2.labels == k)[0])] for k in range(week2.n_themes)}
    assert all(names2[new] == names1[old] for new, (old, _sim) in pairs.items())


def test_an_unrelated_cluster_is_not_matched_and_far_messages_are_not_assigned():
    texts, _truth, vectors = corpus()
    themes = cluster(vectors, texts, seed=0)
    other = get_embedder().embed_documents(["Your new bike frame colour options for spring are lovely"])
    assert match(other, themes.centroids) == {}
    assert assign(other, themes.centroids, threshold=0.8).tolist() == [-1]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It would be great if you could add Apple Pay", ThemeKind.FEATURE_REQUEST),
        ("This is unacceptable, my order never arrived", ThemeKind.COMPLAINT),
        ("How do I change my delivery address?", ThemeKind.QUESTION),
        ("Order 123", ThemeKind.OTHER),
    ],
)
def test_message_kinds_by_rules(text, kind):
    assert message_kind(text) == kind


def test_too_few_messages_are_all_noise():
    vectors = get_embedder().embed_documents(["one", "two"])
    result = cluster(vectors, ["one", "two"], seed=0)
    assert result.n_themes == 0 and result.labels.tolist() == [-1, -1]
