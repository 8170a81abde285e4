"""Labelled text sources for training and evaluating the prompt-injection classifier (1 = injection).

Every source is a list of (text, label). ``TRAIN_SOURCES`` are trained on together and each is held out
in turn (leave-one-source-out, bench/train_injection.py); ``EVAL_ONLY_SOURCES`` are never trained on,
because their licences forbid shipping anything derived from them (TWACS is non-commercial, the
hunnysoft email samples have no clear licence) or because they are the unseen check by design.

Attack-bearing rows carry their augmentations with them (the same attack inside a benign passage, and a
misspelled copy), so holding a source out holds out every variant of its attacks.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import random
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
SEED = 20240611
PASSAGE_CHARS = 1200


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def insert_into(host: str, payload: str, rng: random.Random) -> str:
    """Put an attack into benign text at the start, a sentence boundary in the middle, or the end."""
    sentences = host.split(". ")
    position = rng.choice(("start", "middle", "end"))
    if position == "start":
        return f"{payload}\n\n{host}"
    if position == "end":
        return f"{host}\n\n{payload}"
    cut = rng.randrange(1, max(2, len(sentences)))
    return ". ".join(sentences[:cut]) + ". " + payload + " " + ". ".join(sentences[cut:])


def misspell(text: str, rng: random.Random, rate: float = 0.2) -> str:
    """Typos in about ``rate`` of the longer words: a dropped, doubled or swapped letter."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if len(word) < 5 or rng.random() > rate:
            continue
        i = rng.randrange(1, len(word) - 2)
        kind = rng.randrange(3)
        if kind == 0:
            word = word[:i] + word[i + 1 :]
        elif kind == 1:
            word = word[:i] + word[i] + word[i:]
        else:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        words[index] = word
    return " ".join(words)


@cache
def host_passages() -> tuple[str, ...]:
    """Benign long passages (MTRAG government and IBM Cloud pages) that attacks get embedded in."""
    passages = set()
    for task in _jsonl(DATASETS / "mtrag" / "tasks_flat.jsonl"):
        if any(name in task["collection"] for name in ("govt", "cloud")):
            passages.update(context["text"][:PASSAGE_CHARS] for context in task["reference_contexts"])
    return tuple(sorted(p for p in passages if len(p) > 300))


def with_variants(attacks: list[str], seed: int) -> list[tuple[str, int]]:
    """Each attack, the attack inside a benign passage (indirect shape), and a misspelled copy; plus the
    clean passages used, as benign rows of the same source (so that a held-out source takes both sides
    of each pair with it, and "looks like that passage" never means "attack")."""
    rng = random.Random(seed)
    hosts = host_passages()
    rows, used = [], set()
    for text in attacks:
        host = rng.choice(hosts)
        used.add(host)
        rows.append((text, 1))
        rows.append((insert_into(host, text, rng), 1))
        rows.append((misspell(text, rng), 1))
    return rows + [(host, 0) for host in sorted(used)]


def deepset() -> list[tuple[str, int]]:
    rows = _jsonl(DATASETS / "deepset_prompt_injections" / "train.jsonl")
    benign = [(row["text"], 0) for row in rows if int(row["label"]) == 0]
    return benign + with_variants([row["text"] for row in rows if int(row["label"]) == 1], SEED)


def bipia_emails() -> list[str]:
    return [row["context"][:PASSAGE_CHARS] for row in _jsonl(DATASETS / "bipia" / "email" / "train.jsonl")]


def bipia() -> list[tuple[str, int]]:
    """50 clean emails (0) and each with two BIPIA text or code attacks inserted (1)."""
    rng = random.Random(SEED)
    attacks = [
        a
        for name in ("text_attack_train.json", "code_attack_train.json")
        for group in json.loads((DATASETS / "bipia" / name).read_text()).values()
        for a in group
    ]
    emails = bipia_emails()
    rows = [(text, 0) for text in emails]
    rows += [(insert_into(text, rng.choice(attacks), rng), 1) for text in emails for _ in range(2)]
    return rows


def llmail() -> list[tuple[str, int]]:
    root = DATASETS / "llmail_inject_benign_emails"
    texts = []
    for path in sorted(root.glob("*.json")):
        texts += [str(e) for e in json.loads(path.read_text(encoding="utf-8"))["emails"]]
    return [(text, 0) for text in texts]


def bitext(n: int = 500) -> list[tuple[str, int]]:
    with open(
        DATASETS / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv",
        encoding="utf-8",
    ) as handle:
        texts = sorted({row["instruction"] for row in csv.DictReader(handle)})
    return [(text, 0) for text in random.Random(SEED).sample(texts, min(n, len(texts)))]


def support_kb() -> list[tuple[str, int]]:
    """BANKING77 questions, MTRAG govt/cloud questions and passages, DSTC11 requests, ABCD guidelines."""
    rng = random.Random(SEED)
    with open(DATASETS / "banking77" / "train.csv", encoding="utf-8") as handle:
        texts = rng.sample([row["text"] for row in csv.DictReader(handle)], 200)
    turns = set()
    for task in _jsonl(DATASETS / "mtrag" / "tasks_flat.jsonl"):
        if any(name in task["collection"] for name in ("govt", "cloud")):
            turns.update(turn["text"] for turn in task["input"] if turn["speaker"] == "user")
    texts += sorted(turns) + list(host_passages())
    utterances = [
        row["utterance"]
        for row in _jsonl(DATASETS / "dstc11_intent_induction" / "development" / "test-utterances.jsonl")
    ]
    texts += rng.sample(utterances, min(300, len(utterances)))
    texts += abcd_guideline_texts()
    return [(text, 0) for text in texts]


def abcd_guideline_texts() -> list[str]:
    texts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "description") and isinstance(value, str) and len(value) > 40:
                    texts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads((DATASETS / "abcd_sample" / "guidelines.json").read_text(encoding="utf-8")))
    return sorted(set(texts))


def translations() -> list[tuple[str, int]]:
    from injection_translations import attack_rows, benign_rows

    return with_variants(attack_rows(), SEED + 1) + [(text, 0) for text in benign_rows()]


# --- evaluation only ------------------------------------------------------------------------------


def twacs(n: int = 500) -> list[tuple[str, int]]:
    """First customer tweets of real airline support threads (CC BY-NC-SA: never trained on)."""
    with open(DATASETS / "twacs_airline_support" / "unlabelled_subset_raw.csv", encoding="utf-8") as handle:
        texts = [row["first_utterance"] for row in csv.DictReader(handle)]
    cleaned = [re.sub(r"<cust__|__cust>|__company__", " ", t).strip() for t in texts]
    cleaned = sorted({" ".join(t.split()) for t in cleaned if len(t) > 20})
    return [(text, 0) for text in random.Random(SEED).sample(cleaned, min(n, len(cleaned)))]


def email_fixture_bodies() -> list[tuple[str, int]]:
    """Plain-text bodies of the parser fixture emails (benign; licence of some samples unclear)."""
    texts = []
    for path in sorted((DATASETS / "email_fixtures").rglob("*")):
        if not path.is_file() or path.suffix.lower() in (".md", ".mbox") or "LICENSE" in path.name:
            continue
        try:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            part = message.get_body(preferencelist=("plain",))
            body = part.get_content() if part is not None else ""
        except Exception:  # noqa: BLE001 - malformed fixtures are the point of that folder
            continue
        body = " ".join(str(body).split())
        if len(body) >= 40 and sum(ch.isalpha() for ch in body) > 0.6 * len(body):
            texts.append(body[:PASSAGE_CHARS])
    # The fixtures hold the same message in several encodings (one German fable six times): keep one.
    kept: list[tuple[str, set[str]]] = []
    for text in sorted(set(texts)):
        words = set(re.findall(r"[a-z]{6,}", text.lower()[:600]))
        if not any(len(words & other) >= 0.6 * max(1, min(len(words), len(other))) for _, other in kept):
            kept.append((text, words))
    return [(text, 0) for text, _ in kept]


def unrelated_tasks() -> list[tuple[str, int]]:
    """BIPIA's task requests (poems, translations, code help, trivia) sent directly by a 'customer'.

    Label 1: in a support context these must be refused (by the scope guard or the detector).
    """
    groups = json.loads((DATASETS / "bipia" / "text_attack_train.json").read_text())
    keep = ("Content Creation", "Language Translation", "Programming Help", "Learning and Tutoring")
    return [(text, 1) for name in keep for text in groups[name]]


TRAIN_SOURCES = {
    "deepset": deepset,
    "bipia": bipia,
    "llmail": llmail,
    "bitext": bitext,
    "support_kb": support_kb,
    "translations": translations,
}
EVAL_ONLY_SOURCES = {
    "twacs (NC, eval only)": twacs,
    "email_fixtures (eval only)": email_fixture_bodies,
    "unrelated tasks (BIPIA, direct)": unrelated_tasks,
}
