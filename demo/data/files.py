"""Small, valid attachment files for demo threads (photos, a screenshot, an invoice PDF), made in code
so the repository carries no binary fixtures."""

from __future__ import annotations

import struct
import zlib

Attachment = tuple[str, bytes, str]  # (filename, data, content type), what attachment_add accepts


def png_image(width: int, height: int, rgb: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    """A plain PNG with a diagonal stripe, enough to look like a thumbnail and to open in any viewer."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type "none"
        for x in range(width):
            rows.extend(stripe if abs(x - y * width // height) < 3 else rgb)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def pdf_document(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` in Helvetica (ASCII only), with a correct cross-reference table."""
    text = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({_pdf_escape(line)}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii", "replace")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_escape(value: str) -> str:
    ascii_only = value.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def files_for(kind: str, *, index: int, slots: dict[str, str]) -> list[Attachment]:
    """The attachments a demo turn of this kind carries; `index` varies colours and names."""
    if kind == "photos":
        colours = [((182, 188, 196), (40, 40, 48)), ((120, 140, 110), (230, 230, 220))]
        return [
            (f"IMG_{4100 + index * 3 + n}.png", png_image(96, 72, *colours[n]), "image/png") for n in range(2)
        ]
    if kind == "screenshot":
        return [(f"statement-{index}.png", png_image(120, 80, (245, 245, 245), (30, 90, 200)), "image/png")]
    if kind == "invoice":
        lines = [
            "Northwind Bikes - Invoice " + slots["invoice"],
            "Order " + slots["order"],
            slots["model"] + "    " + slots["amount"],
            "Thank you for riding Northwind.",
        ]
        return [(f"invoice-{slots['invoice']}.pdf", pdf_document(lines), "application/pdf")]
    raise ValueError(f"Unknown demo attachment kind: {kind}")
