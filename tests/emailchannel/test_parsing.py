"""The parser on its own (no database): charsets, encoded names, HTML-only mail, inline images,
TNEF, attached messages, deep nesting, broken input."""

from __future__ import annotations

from emailchannel.loop import automatic_reason, is_bounce, never_reply_to
from emailchannel.parsing import new_words, parse_email
from tests.emailchannel.conftest import FIXTURES


def _fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def test_rfc2047_subject_and_iso_2022_jp_body():
    parsed = parse_email(_fixture("mikel_mail/multi_charset/japanese_iso_2022.eml"))
    assert any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in parsed.subject + parsed.text
    )


def test_rfc2231_and_encoded_attachment_names():
    parsed = parse_email(_fixture("mikel_mail/attachment_emails/attachment_nonascii_filename.eml"))
    assert [a.filename for a in parsed.attachments] == ["ciële.txt"]
    encoded = parse_email(_fixture("mikel_mail/attachment_emails/attachment_with_encoded_name.eml"))
    assert encoded.attachments and all("=?" not in a.filename for a in encoded.attachments)


def test_html_only_mail_is_sanitised_and_converted_to_text():
    raw = (
        b"From: a@example.com\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hello <b>there</b></p><script>alert(1)</script><img src=x onerror=alert(2)><p>Second</p>"
    )
    parsed = parse_email(raw)
    assert "<script" not in parsed.html and "onerror" not in parsed.html
    assert "Hello there" in parsed.text and "Second" in parsed.text and "alert" not in parsed.text


def test_alternative_prefers_the_text_part():
    raw = (
        b'From: a@example.com\r\nContent-Type: multipart/alternative; boundary="A"\r\n\r\n'
        b"--A\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
        b"--A\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--A--\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.text == "plain words"
    assert "html words" in parsed.html


def test_inline_cid_images_tnef_and_attached_messages_become_attachments():
    raw = (
        b'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n'
        b'--M\r\nContent-Type: multipart/related; boundary="R"\r\n\r\n'
        b'--R\r\nContent-Type: text/html\r\n\r\n<p>see <img src="cid:logo@x"></p>\r\n'
        b"--R\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n--R--\r\n"
        b"--M\r\nContent-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAA\r\n"
        b"--M\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.com\r\nSubject: inner\r\n\r\ninner body\r\n"
        b"--M--\r\n"
    )
    parsed = parse_email(raw)
    by_type = {a.content_type: a for a in parsed.attachments}
    assert by_type["image/png"].inline and by_type["image/png"].content_id == "logo@x"
    assert by_type["image/png"].data.startswith(b"\x89PNG")
    assert by_type["application/ms-tnef"].filename == "winmail.dat"
    assert b"Subject: inner" in by_type["message/rfc822"].data
    assert 'src="cid:logo@x"' in parsed.html


def test_deep_nesting_and_garbage_do_not_fail():
    deep = b"From: a@example.com\r\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="l%d"\r\n\r\n--l%d\r\n' % (i, i) for i in range(1000)
    )
    assert parse_email(deep).from_address == "a@example.com"
    assert parse_email(b"\x00\xff\xfe garbage \r\n\r\n\x00").from_address == ""
    assert parse_email(b"").subject == ""


def test_outlook_and_german_quote_markers_are_cut():
    text = "Danke!\n\nVon: Support <s@x.de>\nGesendet: Montag, 4. März 2024 10:00\nAn: Casey\n\nalt"
    assert new_words(text) == "Danke!"


def test_loop_helpers():
    assert never_reply_to("MAILER-DAEMON@mx.example.com") and never_reply_to("no-reply@shop.example")
    assert not never_reply_to("casey@example.com")
    bounce = parse_email(_fixture("mimekit/bounce.txt"))
    assert is_bounce(bounce) and automatic_reason(bounce)
    person = parse_email(b"From: casey@example.com\r\nSubject: Out of ideas\r\n\r\nhi")
    assert automatic_reason(person) == ""
