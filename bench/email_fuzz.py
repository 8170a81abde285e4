"""10,000 malformed messages through the email channel: 0 crashes, 0 lost. Prints a table and the
throughput in messages per second.

    .venv/bin/python bench/email_fuzz.py                 # 10,000 messages (a few are 20 MB)
    .venv/bin/python bench/email_fuzz.py --count 500     # smoke run

A throwaway database (`bench_helmdesk_email_fuzz`) and media folder. The corpus is generated from a
seed (deterministic): truncated messages, wrong and unknown charsets, broken MIME boundaries, huge
headers, 50-level nesting, 20 MB bodies, NUL bytes, bad base64 / quoted-printable, random bytes,
headers only, bodies only, 8-bit headers. "Crash" = `email_receive` raised; "lost" = a generated
message with no stored raw bytes (by SHA-256) or no outcome.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

BIG_BODY_BYTES = 20 * 1024 * 1024


def base_message(rng: random.Random, n: int) -> bytes:
    boundary = f"b{n}x"
    return (
        f"From: Fuzz {n} <fuzz{rng.randrange(500)}@example.com>\r\nTo: support@helmdesk.test\r\n"
        f"Subject: Fuzz message {n}\r\nMessage-ID: <fuzz{n}@example.com>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, my order {n} is late.\r\n"
        f'--{boundary}\r\nContent-Type: application/pdf; name="a{n}.pdf"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK\r\n--{boundary}--\r\n"
    ).encode()


def truncated(rng, n):
    data = base_message(rng, n)
    return data[: rng.randrange(1, len(data))]


def wrong_charset(rng, n):
    charset = rng.choice(["utf-8", "iso-2022-jp", "x-unknown-42", "", "utf-7", "shift_jis", "bogus\x01"])
    body = rng.choice(["Grüße aus Köln".encode("latin-1"), "日本語".encode("euc-jp"), bytes(range(128, 256))])
    return (
        f"From: c{n}@example.com\r\nSubject: charset {n}\r\nMessage-ID: <cs{n}@example.com>\r\n"
        f'Content-Type: text/plain; charset="{charset}"\r\n\r\n'
    ).encode() + body


def broken_boundary(rng, n):
    data = base_message(rng, n).replace(f"--b{n}x--".encode(), b"")
    return data.replace(f'boundary="b{n}x"'.encode(), rng.choice([b"boundary=", b'boundary="zz"', b""]))


def huge_header(rng, n):
    if rng.random() < 0.5:
        header = b"Subject: " + b"A" * rng.randrange(100_000, 1_000_000) + b"\r\n"
    else:
        header = b"".join(b"X-Junk-%d: %d\r\n" % (i, i) for i in range(rng.randrange(1_000, 20_000)))
    return header + f"From: h{n}@example.com\r\nMessage-ID: <h{n}@example.com>\r\n\r\nbody\r\n".encode()


def nested(rng, n, depth=50):
    head = f"From: n{n}@example.com\r\nSubject: nested {n}\r\nMessage-ID: <n{n}@example.com>\r\n".encode()
    parts = [head]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="l{level}"\r\n\r\n--l{level}\r\n'.encode())
    parts.append(b"Content-Type: text/plain\r\n\r\ndeep inside\r\n")
    parts += [f"--l{level}--\r\n".encode() for level in reversed(range(depth))]
    return b"".join(parts)


def big_body(rng, n):
    line = b"This is a very long complaint about a bicycle. " * 20 + b"\r\n"
    body = line * (BIG_BODY_BYTES // len(line) + 1)
    return (
        f"From: big{n}@example.com\r\nSubject: big {n}\r\nMessage-ID: <big{n}@example.com>\r\n\r\n".encode()
        + body
    )


def nul_bytes(rng, n):
    data = bytearray(base_message(rng, n))
    for _ in range(rng.randrange(1, 30)):
        data.insert(rng.randrange(len(data)), 0)
    return bytes(data)


def bad_encoding(rng, n):
    cte = rng.choice(["base64", "quoted-printable", "x-uuencode", "8bit", "bogus"])
    payload = rng.choice(
        [b"!!!not base64!!!", b"=ZZ=\r\n=", b"\xff\xfe\x00garbage", b"begin 644 x\r\n`\r\nend"]
    )
    return (
        f"From: e{n}@example.com\r\nSubject: enc {n}\r\nMessage-ID: <e{n}@example.com>\r\n"
        f"Content-Type: text/plain\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + payload


def random_bytes(rng, n):
    return rng.randbytes(rng.randrange(0, 4000))


def header_only(rng, n):
    return f"From: o{n}@example.com\r\nSubject: =?utf-8?B?{'x' * rng.randrange(1, 40)}?=\r\n".encode()


def eight_bit_headers(rng, n):
    name = rng.choice(["J\xf6rg".encode("latin-1"), "Jörg".encode(), b"\xe6\x97\xa5\xff"])
    return (
        b"From: " + name + f" <8b{n}@example.com>\r\nSubject: ".encode() + name + b" \x00 \r\n"
        + f"Message-ID: <8b{n}@example.com>\r\nContent-Disposition: attachment; filename*=bogus''%ZZ\r\n\r\nx".encode()
    )  # fmt: skip


KINDS = [
    ("truncated", truncated), ("wrong charset", wrong_charset), ("broken boundary", broken_boundary),
    ("huge header", huge_header), ("nested 50", nested), ("NUL bytes", nul_bytes),
    ("bad encoding", bad_encoding), ("random bytes", random_bytes), ("headers only", header_only),
    ("8-bit headers", eight_bit_headers),
]  # fmt: skip


def corpus(count: int, big: int, seed: int):
    rng = random.Random(seed)
    for n in range(count):
        if n < big:
            yield "20 MB body", big_body(rng, n)
        else:
            name, make = KINDS[n % len(KINDS)]
            yield name, make(rng, n)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=5, help="how many of them are 20 MB bodies")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--db-name", default="bench_helmdesk_email_fuzz")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    os.environ.setdefault("HELMDESK_MEDIA_ROOT", tempfile.mkdtemp(prefix="helmdesk-email-fuzz-"))
    import django

    django.setup()
    logging.getLogger("django-q").setLevel(logging.WARNING)
    logging.getLogger("emailchannel").setLevel(logging.ERROR)
    from django.core.management import call_command
    from email_common import drop_database, recreate_database

    recreate_database(args.db_name)
    try:
        call_command("migrate", verbosity=0)
        ok = run(args)
    finally:
        if not args.keep:
            drop_database(args.db_name)
    return 0 if ok else 1


def run(args) -> bool:
    from emailchannel.models import InboundEmail
    from emailchannel.services.inbound import email_receive
    from emailchannel.services.ingest import BUCKET

    table: dict[str, Counter] = defaultdict(Counter)
    digests: dict[str, str] = {}
    started = time.monotonic()
    for kind, raw in corpus(args.count, args.big, args.seed):
        table[kind]["read"] += 1
        table[kind]["bytes"] += len(raw)
        try:
            inbound = email_receive(raw=raw)
        except Exception as error:  # noqa: BLE001  (the bench counts what the product must never do)
            table[kind]["crashes"] += 1
            print(f"CRASH {kind}: {type(error).__name__}: {error}"[:300])
            continue
        table[kind][BUCKET[inbound.outcome]] += 1
        digests[hashlib.sha256(raw).hexdigest()] = kind
    elapsed = time.monotonic() - started

    stored = set(
        InboundEmail.objects.exclude(outcome=InboundEmail.Outcome.PENDING).values_list(
            "raw_input__sha256", flat=True
        )
    )
    for digest, kind in digests.items():
        if digest not in stored:
            table[kind]["lost"] += 1
    columns = ["read", "tickets", "replies", "quarantined", "ignored", "crashes", "lost"]
    print(f"\n{'kind':16} " + " ".join(f"{c:>11}" for c in columns) + f" {'MB':>8}")
    total = Counter()
    for kind, counts in table.items():
        total.update(counts)
        print(f"{kind:16} " + " ".join(f"{counts[c]:11}" for c in columns) + f" {counts['bytes'] / 1e6:8.1f}")
    print(f"{'total':16} " + " ".join(f"{total[c]:11}" for c in columns) + f" {total['bytes'] / 1e6:8.1f}")
    print(
        f"\n{total['read']} messages in {elapsed:.1f} s: {total['read'] / max(elapsed, 1e-9):.1f} messages/s, "
        f"{total['bytes'] / 1e6 / max(elapsed, 1e-9):.1f} MB/s; crashes {total['crashes']}, lost {total['lost']}"
    )
    return total["crashes"] == 0 and total["lost"] == 0


if __name__ == "__main__":
    sys.exit(main())
