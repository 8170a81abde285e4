"""manage.py voc_themes: the file contract (every id exactly once, null for noise, a closing JSON line)
and no database access at all."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.ai.test_insights_clustering import THEMES


def write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


@pytest.mark.django_db
def test_every_id_once_and_a_summary_line_without_touching_the_database(tmp_path, django_assert_num_queries):
    texts = [t for items in THEMES.values() for t in items] + ["zzz qqq"]
    ids = [f"m{i}" for i in range(len(texts) - 1)] + [99]  # ids may be strings or numbers
    write(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)])
    out = io.StringIO()
    with django_assert_num_queries(0):
        call_command("voc_themes", "--input", str(tmp_path / "in.jsonl"), "--assignments", str(tmp_path / "out.jsonl"),
                     "--json", stdout=out)  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[-1])
    assert (
        set(summary) == {"themes", "noise", "seconds"} and summary["themes"] == 3 and summary["seconds"] >= 0
    )
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ids
    assert all(set(r) == {"id", "theme"} for r in rows)
    assert sum(r["theme"] is None for r in rows) == summary["noise"]
    assert {r["theme"] for r in rows} - {None} == {0, 1, 2}


def test_noise_is_written_as_null(tmp_path):
    write(
        tmp_path / "in.jsonl",
        [{"id": "a", "text": "Where is my parcel?"}, {"id": "b", "text": "Invoice please"}],
    )
    out = io.StringIO()
    call_command("voc_themes", "--input", str(tmp_path / "in.jsonl"), "--assignments", str(tmp_path / "o.jsonl"),
                 "--json", stdout=out)  # fmt: skip
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert rows == [{"id": "a", "theme": None}, {"id": "b", "theme": None}]
    assert json.loads(out.getvalue().strip().splitlines()[-1])["noise"] == 2


def test_table_then_summary_without_json(tmp_path):
    texts = [t for items in THEMES.values() for t in items]
    write(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    out = io.StringIO()
    call_command(
        "voc_themes",
        "--input",
        str(tmp_path / "in.jsonl"),
        "--assignments",
        str(tmp_path / "o.jsonl"),
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 4 and json.loads(lines[-1])["themes"] == 3
    assert any("invoice" in line.lower() for line in lines[:3])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', "appears twice"),
        ('{"id": 1}\n', "expected"),
        ("nope\n", "not JSON"),
    ],
)
def test_bad_input_is_refused_with_the_line(tmp_path, content, message):
    (tmp_path / "in.jsonl").write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command(
            "voc_themes", "--input", str(tmp_path / "in.jsonl"), "--assignments", str(tmp_path / "o.jsonl")
        )
    assert not (tmp_path / "o.jsonl").exists()
