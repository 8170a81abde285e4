"""Convert the demo help center (demo/knowledge_content) into eval_retrieval / eval_answers files.

    .venv/bin/python bench/convert_demo_kb.py demo/knowledge_content var/eval/demo_kb
    # eval_retrieval: questions.jsonl (answerable only); eval_answers: answer_questions.jsonl (all)

Documents: every article (front matter: slug, title, language; internal ones too, the evaluations
search as an agent would). Questions: the customer questions below, written as customers phrase
them (not copied from the articles) before any threshold was fitted on them; the last ones have no
answer in the help center (a handoff is right). Multi-turn ones carry their earlier turns.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# (question, gold slugs, history user turns)
QUESTIONS: list[tuple[str, list[str], list[str]]] = [
    ("reset email never arrives, how long is the link valid?", ["app-login-password-reset"], []),
    ("When will my new bike be delivered to Germany?", ["delivery-times"], []),
    ("where can I see where my parcel is right now", ["track-your-order"], []),
    ("I moved house, can I still send the order to my new address?", ["change-delivery-address"], []),
    ("The box was crushed and the frame is scratched, what now?", ["damaged-parcel"], []),
    ("It's been two weeks and my order still isn't here", ["delayed-delivery"], []),
    ("I don't like the bike, can I send it back?", ["return-a-bike", "ruecksendung-fahrrad"], []),
    ("Kann ich das Fahrrad zurückschicken, wenn es mir nicht gefällt?", ["ruecksendung-fahrrad"], []),
    ("How many days until the money is back on my card after a return?", ["refund-timing"], []),
    ("The frame is too small for me, can I swap it for a larger one?", ["exchange-frame-size"], []),
    ("Can I return a helmet I never used?", ["return-accessories"], []),
    ("How should I store the battery over the winter?", ["battery-care"], []),
    ("what range do I get with one battery charge", ["battery-range"], []),
    ("My display shows E07, what does that mean?", ["display-error-codes"], []),
    ("there's a grinding sound from the motor when I pedal hard", ["motor-noise"], []),
    ("When is the first service due?", ["brakes-and-service"], []),
    ("I'm 1.85 m tall, which frame size fits me?", ["frame-size-guide"], []),
    ("I lost my phone and can't get the 2FA code to sign in", ["app-two-factor"], []),
    ("The app doesn't find my bike over bluetooth", ["app-pairing"], []),
    ("How long does a firmware update take?", ["firmware-updates"], []),
    ("Please delete my account and all my ride data", ["delete-account"], []),
    ("I need an invoice with my company name and VAT number", ["invoices-vat"], []),
    ("I was charged twice for one order", ["payment-methods"], []),
    ("Can I pay by PayPal or in instalments?", ["payment-methods"], []),
    ("How many years of warranty do I get on the frame?", ["warranty-terms"], []),
    ("Wie lange ist der Link zum Zurücksetzen des Passworts gültig?", ["app-login-password-reset"], []),
    ("Wie lange hält der Akku mit einer Ladung?", ["battery-range"], []),
    ("Wann bekomme ich mein Geld zurück?", ["refund-timing"], []),
    (
        "how long does that take?",
        ["refund-timing"],
        ["I returned my bike last week, when is my refund paid?"],
    ),
    ("and what if it still doesn't connect?", ["app-pairing"], ["How do I connect my bike to the app?"]),
    ("how long will it take to arrive?", ["delivery-times"], ["Do you deliver bikes to Austria?"]),
    ("Do you sell car roof racks for three bikes?", [], []),
    ("Can you recommend a good restaurant in Leeds?", [], []),
    ("My cat is sick, what should I feed her?", [], []),
]


def front_matter(text: str) -> tuple[dict, str]:
    meta: dict[str, str] = {}
    if text.startswith("---"):
        head, _sep, body = text[3:].partition("\n---")
        for line in head.strip().splitlines():
            key, _colon, value = line.partition(":")
            meta[key.strip()] = value.strip()
        return meta, body.lstrip("-\n")
    return meta, text


def convert(source: Path, target: Path) -> tuple[int, int]:
    target.mkdir(parents=True, exist_ok=True)
    slugs = set()
    with open(target / "documents.jsonl", "w") as out:
        for path in sorted(source.glob("*.md")):
            meta, body = front_matter(path.read_text())
            slug = meta.get("slug") or path.stem
            slugs.add(slug)
            record = {"doc_id": slug, "title": meta.get("title", ""), "text": body,
                      "language": meta.get("language", "en")}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    # questions.jsonl (answerable ones) for eval_retrieval; answer_questions.jsonl (all) for eval_answers.
    with (
        open(target / "questions.jsonl", "w") as answerable,
        open(target / "answer_questions.jsonl", "w") as out,
    ):
        for number, (question, gold, earlier) in enumerate(QUESTIONS, start=1):
            missing = set(gold) - slugs
            if missing:
                raise SystemExit(f"question {number}: unknown article {sorted(missing)}")
            record = {
                "id": f"demo-{number}", "question": question, "gold_doc_ids": gold,
                "history": [{"role": "user", "text": t} for t in earlier], "subset": "demo_kb",
                "answerability": "ANSWERABLE" if gold else "UNANSWERABLE",
            }  # fmt: skip
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            if gold:
                answerable.write(line)
    return len(slugs), len(QUESTIONS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    documents, questions = convert(args.source, args.target)
    print(f"{documents} documents, {questions} questions -> {args.target}")


if __name__ == "__main__":
    main()
