"""Find text a human reader would not see: encoded blobs, invisible characters, hidden HTML.

Every finder returns the hidden payloads as plain text so the injection detector can score them the
same way it scores visible text. Finding hidden text is not by itself an attack (marketing emails hide
a "preheader" with display:none), so the detector decides; these functions only extract.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass

_BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/_=-])")
_HEX_BLOB = re.compile(r"\b(?:[0-9a-fA-F]{2}[ :]?){12,}\b")
_ESCAPED_HEX = re.compile(r"(?:\\x[0-9a-fA-F]{2}){8,}")
# Invisible characters placed between letters ("ig\u200bnore"): splits trigger words for filters.
_WORD_SPLITTERS = re.compile("(?<=\\w)[\u200b\u200c\u2060-\u2064\ufeff\u180e]+(?=\\w)")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Subdivision flags (England, Scotland, Wales) legitimately use tag characters after U+1F3F4.
_TAG_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
_TAG_CHARS = re.compile("[\U000e0000-\U000e007f]+")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0*(?:\.\d+)?[01](?:px|pt|em|rem|%)?\s*(?:;|$|!)"
    r"|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)|max-height\s*:\s*0|height\s*:\s*0(?:px)?\s*;[^\"]*overflow\s*:\s*hidden"
    r"|(?:text-indent|left|top)\s*:\s*-\d{3,}",
    re.IGNORECASE,
)
_WHITE = {"#fff", "#ffffff", "white", "rgb(255,255,255)", "rgba(255,255,255,1)", "#fefefe", "#fdfdfd"}
_COLOR = re.compile(r"(?<![-\w])color\s*:\s*([^;\"']+)", re.IGNORECASE)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;\"']+)", re.IGNORECASE)


@dataclass(frozen=True)
class HiddenPayload:
    kind: str  # "base64", "hex", "rot13", "unicode_tags", "html_hidden", "html_comment"
    text: str


def _looks_like_language(decoded: str) -> bool:
    if len(decoded) < 8 or " " not in decoded.strip():
        return False
    printable = sum(1 for ch in decoded if ch.isprintable() or ch in "\n\r\t")
    letters = sum(1 for ch in decoded if ch.isalpha())
    return printable / len(decoded) > 0.95 and letters / len(decoded) > 0.55


def _decode_bytes(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if _looks_like_language(decoded) else None


def decode_base64_blobs(text: str) -> list[HiddenPayload]:
    payloads = []
    for blob in _BASE64_BLOB.findall(text):
        padded = blob + "=" * (-len(blob) % 4)
        try:
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _decode_bytes(raw)
        if decoded:
            payloads.append(HiddenPayload("base64", decoded))
    return payloads


def decode_hex_blobs(text: str) -> list[HiddenPayload]:
    payloads = []
    candidates = [m.group(0) for m in _HEX_BLOB.finditer(text)]
    candidates += [m.group(0).replace("\\x", "") for m in _ESCAPED_HEX.finditer(text)]
    for blob in candidates:
        digits = re.sub(r"[^0-9a-fA-F]", "", blob)
        if len(digits) % 2:
            continue
        decoded = _decode_bytes(bytes.fromhex(digits))
        if decoded:
            payloads.append(HiddenPayload("hex", decoded))
    return payloads


def rot13_view(text: str) -> HiddenPayload:
    """The whole text rot13-decoded; only meaningful if patterns match here and not in the original."""
    return HiddenPayload("rot13", codecs.decode(text, "rot13"))


def decode_unicode_tags(text: str) -> HiddenPayload | None:
    """ASCII smuggled in the Unicode tags block (U+E0020..U+E007E mirror printable ASCII, render as nothing)."""
    without_flags = _TAG_FLAG.sub("", text)
    runs = _TAG_CHARS.findall(without_flags)
    if not runs:
        return None
    decoded = " ".join(
        "".join(chr(ord(ch) - 0xE0000) for ch in run if 0xE0020 <= ord(ch) <= 0xE007E) for run in runs
    )
    return HiddenPayload("unicode_tags", decoded.strip())


def count_word_splitters(text: str) -> int:
    return len(_WORD_SPLITTERS.findall(text))


def count_bidi_controls(text: str) -> int:
    return len(_BIDI_CONTROLS.findall(text))


def _is_white(value: str) -> bool:
    return value.strip().lower().replace(" ", "").removesuffix("!important") in _WHITE


def _style_hides(style: str) -> bool:
    if _HIDDEN_STYLE.search(style):
        return True
    color = _COLOR.search(style)
    background = _BACKGROUND.search(style)
    if color and background:
        same = color.group(1).strip().lower().replace(" ", "") == background.group(1).strip().lower().replace(
            " ", ""
        )
        return same or (_is_white(color.group(1)) and _is_white(background.group(1)))
    return bool(color and _is_white(color.group(1)))


def find_hidden_html(html: str) -> list[HiddenPayload]:
    """Text in comments and in elements styled to be invisible (display:none, zero size, white on white)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    payloads = []
    for comment in root.iter(etree.Comment):
        body = (comment.text or "").strip()
        # Outlook conditional comments ("[if mso]") carry layout markup, not words for the reader.
        if body and not body.startswith("[if") and not body.startswith("<![endif]"):
            payloads.append(HiddenPayload("html_comment", " ".join(body.split())))
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script", "head", "title", "meta"):
            continue
        style = element.get("style") or ""
        hidden_attr = element.get("hidden") is not None
        if hidden_attr or (style and _style_hides(style)):
            words = " ".join(element.text_content().split())
            if words:
                payloads.append(HiddenPayload("html_hidden", words))
    return payloads
