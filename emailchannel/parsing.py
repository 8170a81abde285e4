"""Raw bytes -> ParsedEmail. Standard library `email` (policy.default) with lenient fallbacks, so a
broken header or part degrades to its raw text instead of failing the whole message.

Nothing here touches the database. Text that reaches PostgreSQL must not contain NUL, so every
string leaves through `clean_text`. HTML is sanitised with nh3 (core.sanitize) and converted to
text with html2text; quoted history and signatures are cut with mail-parser-reply.
"""

from __future__ import annotations

import email
import email.header
import email.parser
import email.utils
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.message import Message

import html2text
from mailparser_reply import EmailReplyParser

from core.sanitize import sanitize_html

MAX_DEPTH = 60  # MIME nesting followed; deeper parts stay in the raw message only
MAX_PARTS = 500
MAX_TEXT_CHARS = 1_000_000  # shown/stored text; the raw bytes keep everything
REPLY_PARSE_CHARS = 60_000  # the reply parser is regex based: give it the head of the text only
REPLY_LANGUAGES = ["en", "de", "fr", "es", "nl", "it"]
MAX_HEADER_NAMES = 200
MAX_HEADER_VALUES = 20
NEEDED_HEADERS = {
    "from", "sender", "return-path", "to", "cc", "delivered-to", "x-original-to", "subject", "message-id",
    "in-reply-to", "references", "auto-submitted", "precedence", "list-id", "x-autoreply", "x-autorespond",
    "x-auto-response-suppress", "x-spam-flag", "x-spam-score", "x-spam-status",
}  # fmt: skip
MAX_HEADER_CHARS = 16_000  # a 1 MB Subject is kept in the raw bytes, not parsed
FOLDING = re.compile(r"\r?\n(?=[ \t])")
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
ORIGINAL_MESSAGE_ID = re.compile(rb"(?im)^message-id:\s*(<[^<>\s]{1,250}>)")


@dataclass
class ParsedAttachment:
    filename: str
    data: bytes
    content_type: str
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""  # the new words: quoted history and signature cut
    full_text: str = ""  # everything, for "show quoted"
    html: str = ""  # sanitised
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name -> first value
    content_type: str = ""
    report_type: str = ""
    original_message_ids: list[str] = field(default_factory=list)  # from an attached original (bounces)
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


def clean_text(value: str) -> str:
    """Storable text: surrogates from undecodable bytes re-decoded, NUL and other C0 noise dropped."""
    if not value:
        return ""
    if _has_surrogates(value):
        value = _redecode(value.encode("utf-8", "surrogateescape"))
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def clean_header(value: str, limit: int = 500) -> str:
    """One line: no CR/LF/tab runs (header injection), trimmed."""
    return re.sub(r"[\r\n\t]+", " ", clean_text(value)).strip()[:limit]


def _redecode(data: bytes, charset: str = "") -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", "replace")


def parse_email(data: bytes) -> ParsedEmail:
    try:
        message = email.message_from_bytes(data, policy=policy.default)
    except RecursionError:  # the stdlib parser recurses once per MIME level: headers only, then
        message = email.parser.BytesHeaderParser(policy=policy.default).parsebytes(data)
        message.set_payload("")  # the body stays in the raw bytes only
        message.defects.append(errors.MessageDefect("MIME nested too deeply"))
    parsed = ParsedEmail()
    raw = _raw_headers(message)
    parsed.headers = {name: _header(values[0]) for name, values in raw.items()}
    headers = parsed.headers
    parsed.subject = clean_header(headers.get("subject", ""), 300)
    parsed.message_id = _first_id(headers.get("message-id", ""))
    parsed.in_reply_to = _first_id(headers.get("in-reply-to", ""))
    parsed.references = MESSAGE_ID.findall(headers.get("references", ""))[-50:]
    parsed.from_name, parsed.from_address = _address(headers.get("from") or headers.get("sender", ""))
    if not parsed.from_address:
        parsed.from_name, parsed.from_address = _address(headers.get("return-path", ""))
    parsed.to = _addresses(raw, "to")
    parsed.cc = _addresses(raw, "cc")
    parsed.delivered_to = _addresses(raw, "delivered-to") + _addresses(raw, "x-original-to")
    parsed.content_type = _safe(lambda: message.get_content_type(), "text/plain")
    parsed.report_type = _safe(lambda: message.get_param("report-type", "") or "", "")
    parsed.defects = [type(d).__name__ for d in getattr(message, "defects", [])][:20]
    _collect_body(message, parsed)
    parsed.original_message_ids = _original_ids(data, parsed.message_id)
    return parsed


def _safe(func, default):
    try:
        return func()
    except Exception:  # a malformed header or parameter: fall back, never fail the message
        return default


def _raw_headers(message: Message) -> dict[str, list[str]]:
    """Raw header values by lower-cased name, in one pass (a message with 20,000 header lines must
    not cost 20,000 scans), at most MAX_HEADER_NAMES names and MAX_HEADER_VALUES values each."""
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        key = str(name).lower()
        values = found.get(key)
        if values is None:
            if len(found) >= MAX_HEADER_NAMES and key not in NEEDED_HEADERS:
                continue
            values = found[key] = []
        if len(values) < MAX_HEADER_VALUES:
            values.append(str(value)[:MAX_HEADER_CHARS])
    return found


def _header(raw: str) -> str:
    """A header's text: unfolded, RFC 2047 words decoded, 8-bit bytes decoded (utf-8, else cp1252).
    Decoded here rather than by the policy's header parser, which is slow on huge values."""
    raw = FOLDING.sub(" ", raw).replace("\r", "").replace("\n", "")
    if _has_surrogates(raw):
        raw = clean_text(raw)
    return clean_text(_decode_words(raw)).strip()


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _decode_words(raw: str) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:
        return raw


def _first_id(value: str) -> str:
    found = MESSAGE_ID.search(value or "")
    if found:
        return found.group(0)
    value = (value or "").strip()
    return f"<{value}>" if value and " " not in value and "@" in value and len(value) < 250 else ""


def _address(value: str) -> tuple[str, str]:
    name, address = email.utils.parseaddr(value or "")
    if "@" not in address:
        found = re.search(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+", value or "")
        address = found.group(0) if found else ""
    return clean_header(name, 200), clean_header(address, 254).lower()


def _addresses(raw: dict[str, list[str]], name: str) -> list[str]:
    values = [_header(value) for value in raw.get(name, [])]
    pairs = _safe(lambda: email.utils.getaddresses(values), [])
    found = [clean_header(a, 254).lower() for _n, a in pairs if "@" in a]
    return list(dict.fromkeys(found))[:50]


def _parts(message: Message):
    """Leaf parts, depth-first, without recursion (a 1000-level nesting must not overflow)."""
    stack = [(message, 0)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, depth = stack.pop()
        seen += 1
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            if depth >= MAX_DEPTH:
                continue
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children))
                continue
        yield part


def _collect_body(message: Message, parsed: ParsedEmail) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for part in _parts(message):
        ctype = _safe(part.get_content_type, "application/octet-stream")
        disposition = _safe(lambda p=part: p.get_content_disposition() or "", "")
        filename = clean_header(_safe(lambda p=part: p.get_filename() or "", ""), 200)
        content_id = clean_header(_safe(lambda p=part: str(p.get("Content-ID") or ""), ""), 250).strip("<>")
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if is_body_text:
            text = _part_text(part)
            (htmls if ctype == "text/html" else texts).append(text)
            continue
        if ctype == "message/delivery-status":
            texts.append(_delivery_status_text(part))
            continue
        if ctype in ("text/rfc822-headers", "message/disposition-notification"):
            continue
        data = _part_bytes(part)
        if not data:
            continue
        name = filename or _default_name(ctype, content_id)
        parsed.attachments.append(
            ParsedAttachment(
                filename=name, data=data, content_type=ctype, content_id=content_id,
                inline=disposition == "inline" or bool(content_id and not filename),
            )
        )  # fmt: skip
    html = "\n".join(h for h in htmls if h.strip())
    parsed.html = sanitize_html(html)[:MAX_TEXT_CHARS] if html else ""
    plain = "\n\n".join(t for t in texts if t.strip())
    if not plain.strip() and html:
        plain = html_as_text(parsed.html)
    parsed.full_text = clean_text(plain).strip()[:MAX_TEXT_CHARS]
    parsed.text = new_words(parsed.full_text)


def _part_bytes(part: Message) -> bytes | None:
    if part.get_content_maintype() == "message":  # message/rfc822 and friends: keep them whole
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            return _safe(lambda: inner.as_bytes(policy=policy.SMTP.clone(max_line_length=None)), None) or b""
    data = _safe(lambda: part.get_payload(decode=True), None)
    if data is None:
        payload = _safe(part.get_payload, "")
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def _delivery_status_text(part: Message) -> str:
    """A DSN's per-message and per-recipient field blocks, as text."""
    payload = _safe(part.get_payload, "")
    if isinstance(payload, list):
        return clean_text("\n".join(_safe(lambda b=block: b.as_string(), "") for block in payload))
    return clean_text(str(payload))


def _part_text(part: Message) -> str:
    data = _part_bytes(part) or b""
    charset = _safe(lambda: part.get_content_charset() or "", "")
    return clean_text(_redecode(data[: MAX_TEXT_CHARS * 4], charset))


def _default_name(ctype: str, content_id: str) -> str:
    if ctype == "application/ms-tnef":
        return "winmail.dat"
    if ctype.startswith("message/"):
        return "attached-message.eml"
    extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf"}
    stem = re.sub(r"[^\w.-]+", "_", content_id.split("@")[0])[:60] if content_id else "attachment"
    return stem + extension.get(ctype, ".bin")


def html_as_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    return _safe(lambda: converter.handle(html[:MAX_TEXT_CHARS]), html)


_OUTLOOK_HEADER_BLOCK = re.compile(
    r"(?im)^(?:-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$"
    r"|_{10,}\s*$"
    r"|(?:from|von|de):\s.+\n(?:.*\n){0,3}?(?:sent|gesendet|envoyé|date|datum):\s)"
)


def new_words(text: str) -> str:
    """The part of a reply the customer wrote now: quoted history and signature cut. Falls back
    to the whole text when the cut would leave nothing."""
    if not text:
        return ""
    head = text[:REPLY_PARSE_CHARS]
    outlook = _OUTLOOK_HEADER_BLOCK.search(head)
    if outlook and outlook.start() > 0:
        head = head[: outlook.start()]
    reply = _safe(lambda: EmailReplyParser(languages=REPLY_LANGUAGES).read(text=head), None)
    body = ""
    if reply is not None and reply.replies:
        body = (reply.replies[0].body or "").strip()
    if not body:
        body = head.strip()
    return body if len(text) <= REPLY_PARSE_CHARS or body != head.strip() else text.strip()


def _original_ids(data: bytes, own_id: str) -> list[str]:
    """Message-IDs quoted inside the message (an attached original, a DSN's returned headers)."""
    found = [m.decode("ascii", "replace") for m in ORIGINAL_MESSAGE_ID.findall(data[:2_000_000])]
    return [m for m in dict.fromkeys(found) if m != own_id][:20]
