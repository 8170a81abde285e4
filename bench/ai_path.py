"""The whole extractive answer with dialogue history: redact, screen, retrieve, decide, extract, verify.

    .venv/bin/python bench/ai_path.py --json                 # 80 MTRAG questions with history
    .venv/bin/python bench/ai_path.py --questions 10         # smoke test

MTRAG (/work/shared/datasets/mtrag, converted with bench/convert_mtrag_answers.py) gives documents and
multi-turn questions. The documents go into a throwaway knowledge base; then, per question with
history, the answer pipeline (ai.pipelines.answer.answer_question, extractive: no model configured)
runs as a freshly started worker would run it (the PII engine's in-memory analyses emptied first):
- "no turn cache": every earlier turn is analysed again (how answers worked before the turn cache);
- "turn cache": the earlier turns were analysed when they arrived (stored by gateway.llm.turn_cache,
  as ai.services.answers does for every message), so only the new question is analysed.
Prints p50/p95 of the whole answer and per stage (wall time and the process's CPU time: on a busy
machine only the CPU time is comparable between runs); with --json the last line holds the figures.
``--outputs FILE`` writes every answer (decision, reason, text, cited ids, retrieved chunk ids,
confidence to 1e-6) as JSON lines, to check that a speed change left the answers as they were.
Target: p95 < 300 ms for the answer with history on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
os.environ.pop("OPENAI_API_KEY", None)  # the extractive path: no model call
# A loaded machine must not turn slow analyses into handoffs: the bench measures time, not the guard.
os.environ.setdefault("HELMDESK_PII_TIMEOUT_S", "120")
MTRAG = Path("/work/shared/datasets/mtrag")
TARGET_MS = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=MTRAG)
    parser.add_argument("--questions", type=int, default=80, help="questions with history to answer")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument(
        "--outputs",
        type=Path,
        help="write each answer (decision, text, cited and retrieved ids, confidence) as JSON lines",
    )
    return parser.parse_args()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from convert_mtrag_answers import convert

    from ai.evaluation.answers_eval import load_answer_questions
    from gateway.embeddings import get_embedder
    from gateway.llm.turn_cache import turn_analyses
    from gateway.pii import Redactor, get_engine
    from knowledge.evaluation.retrieval_eval import index_documents, load_documents, throwaway_knowledge_base

    folder = Path(tempfile.mkdtemp(prefix="ai-path-"))
    convert(args.dataset, folder)
    documents = load_documents(folder / "documents.jsonl")
    questions = [q for q in load_answer_questions(folder / "questions.jsonl") if q.history][: args.questions]
    embedder = get_embedder()
    engine = get_engine()

    def restart() -> None:  # a worker process that has analysed nothing yet
        engine.analyses = type(engine.analyses)()

    cold, cached, stages, cpu, turns_per_question, outputs = [], [], {}, {}, [], []
    with throwaway_knowledge_base():
        started = time.monotonic()
        index_documents(documents, embedder=embedder, show_progress=False)
        print(
            f"bench/ai_path.py: {len(documents)} documents indexed in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        for number, question in enumerate(questions):
            history = [dict(turn) for turn in question.history]
            turns = {
                f"bench.q{number}.t{index}": str(turn.get("text") or "") for index, turn in enumerate(history)
            }
            turns_per_question.append(len(history))
            with turn_analyses(turns):  # the earlier turns, analysed when they arrived (not timed)
                for text in turns.values():
                    Redactor().redact(text)
            runs = ((False, cold), (True, cached))
            # Alternate which goes first: the first run also warms other stages' caches for the second.
            for store, times in runs if number % 2 == 0 else runs[::-1]:
                restart()
                request = answer_request(question, history)
                began = time.perf_counter()
                if store:
                    with turn_analyses({**turns, f"bench.q{number}.q": question.question}):
                        answer = run_answer(request)
                else:
                    answer = run_answer(request)
                times.append((time.perf_counter() - began) * 1000)
                for stage, ms in answer.stage_ms.items():
                    stages.setdefault((store, stage), []).append(ms)
                for stage, ms in answer.stage_cpu_ms.items():
                    cpu.setdefault((store, stage), []).append(ms)
                outputs.append(answer_record(number, store, answer))
            if (number + 1) % 10 == 0:
                print(f"  {number + 1} questions", flush=True)
    figures = report(cold, cached, stages, cpu, turns_per_question)
    if args.outputs:
        args.outputs.write_text("".join(json.dumps(record, sort_keys=True) + "\n" for record in outputs))
    if args.json:
        print(json.dumps(figures))
    return 0


def answer_request(question, history):
    from ai.pipelines.answer import AnswerRequest

    return AnswerRequest(
        question=question.question,
        history=history,
        previous_questions=[turn.get("text", "") for turn in history if turn.get("role") == "user"],
        known_language="en",
    )


def answer_record(number: int, store: bool, answer) -> dict:
    """What an answer says (for comparing runs): never its timings."""
    return {
        "question": number,
        "turn_cache": store,
        "decision": answer.decision,
        "reason": answer.reason,
        "text": answer.text,
        "redacted_output": answer.redacted_output,
        "citations": [[c["n"], c["article_id"], c["chunk_id"]] for c in answer.citations],
        "hits": [hit.chunk_id for hit in answer.hits],
        "confidence": round(answer.confidence, 6),
    }


def run_answer(request):
    from ai.pipelines.answer import answer_question
    from gateway.pii import Redactor

    # As ai.services.answers calls it: the configured embedder (one per process, shared by the stages).
    return answer_question(request, redactor=Redactor(), threshold=0.0)


def report(cold: list[float], cached: list[float], stages: dict, cpu: dict, turns: list[int]) -> dict:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nExtractive answer with history ({len(cached)} MTRAG questions, {statistics.mean(turns):.1f} earlier turns "
          f"on average; ms, target p95 < {TARGET_MS:.0f}); {os.cpu_count()} CPUs, load average {load}")  # fmt: skip
    print(f"{'case':<34} {'p50':>8} {'p95':>8}")
    cases = {}
    for name, values in (
        ("answer with history, no turn cache", cold),
        ("answer with history, turn cache", cached),
    ):
        cases[name] = {
            "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }
        print(f"{name:<34} {cases[name]['p50_ms']:>8.1f} {cases[name]['p95_ms']:>8.1f}")
    print("\nper stage (ms; wall, then the process's CPU time):")
    print(
        f"  {'':<12} {'no turn cache p50 / p95 (cpu p50 / p95)':>42}  |  {'turn cache p50 / p95 (cpu p50 / p95)':>39}"
    )
    stage_figures = {}
    for stage in dict.fromkeys(stage for _store, stage in stages):
        row, cells = {}, []
        for store, label in ((False, "no_turn_cache"), (True, "turn_cache")):
            values = stages.get((store, stage), [0.0])
            cpu_values = cpu.get((store, stage), [0.0])
            row[label] = {
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "cpu_p50_ms": round(percentile(cpu_values, 0.5), 1),
                "cpu_p95_ms": round(percentile(cpu_values, 0.95), 1),
            }
            figures = row[label]
            cells.append(
                f"{figures['p50_ms']:>8.1f} {figures['p95_ms']:>8.1f} ({figures['cpu_p50_ms']:>7.1f} {figures['cpu_p95_ms']:>7.1f})"
            )
        stage_figures[stage] = row
        print(f"  {stage:<12} {cells[0]:>42}  |  {cells[1]:>39}")
    return {
        "questions": len(cached),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "target_p95_ms": TARGET_MS,
        "cases": cases,
        "stages": stage_figures,
    }


if __name__ == "__main__":
    sys.exit(main())
