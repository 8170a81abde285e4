"""Read a folder of markdown, HTML and text files into import records.

- `*.md`, `*.markdown`: optional front matter (`---` / `key: value` lines / `---`) with title, summary,
  category, language; otherwise the title is the first `# heading`, else the file name.
- `*.html`, `*.htm`: main content extracted with trafilatura (as markdown); title from the page.
- `*.txt`: the file name is the title.
The external id is the path relative to the folder, so moving the folder keeps ids stable.
The first-level sub-folder names the category.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from knowledge.importing.extract import extract_html
from knowledge.importing.records import ImportRecord, Skipped

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED = MARKDOWN_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES
_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n", re.S)
_FIRST_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.M)


def folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p.relative_to(folder)))


def read_folder(folder: Path, *, max_bytes: int, language: str = "en") -> Iterator[ImportRecord | Skipped]:
    for path in folder_files(folder):
        relative = path.relative_to(folder).as_posix()
        if path.suffix.lower() not in SUPPORTED:
            yield Skipped(relative, f"unsupported file type ({path.suffix or 'no extension'})")
            continue
        try:
            yield read_file(path, relative=relative, max_bytes=max_bytes, language=language)
        except FileSkip as skip:
            yield Skipped(relative, str(skip))


class FileSkip(Exception):
    pass


def read_file(path: Path, *, relative: str, max_bytes: int, language: str = "en") -> ImportRecord:
    size = path.stat().st_size
    if size > max_bytes:
        raise FileSkip(f"too large ({size} bytes; limit {max_bytes})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileSkip(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise FileSkip("binary content")
    if not text.strip():
        raise FileSkip("empty file")
    parts = Path(relative).parts
    category = parts[0] if len(parts) > 1 else ""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        extracted = extract_html(text)
        if extracted is None:
            raise FileSkip("no readable content in the HTML")
        title, body, summary = (
            extracted.title or _title_from_name(path),
            extracted.markdown,
            extracted.description,
        )
        return ImportRecord(relative, title, body, language, summary, category)
    meta, body = _front_matter(text)
    title = meta.get("title") or ""
    if not title and suffix in MARKDOWN_SUFFIXES:
        heading = _FIRST_HEADING.search(body)
        if heading:
            title = heading.group("title")
            # The title is shown above the body; drop the duplicate heading.
            body = body[: heading.start()] + body[heading.end() :]
    return ImportRecord(
        external_id=relative,
        title=title or _title_from_name(path),
        body_md=body.strip(),
        language=meta.get("language") or meta.get("lang") or language,
        summary=meta.get("summary") or meta.get("description") or "",
        category=meta.get("category") or category,
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group("meta").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
