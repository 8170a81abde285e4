"""Compile the translation catalogs (locale/<lang>/LC_MESSAGES/*.po -> .mo) with Babel.

The .mo files are build output (not committed): `make install` and the test session compile them.
Babel is pure Python, so no GNU gettext (msgfmt) is needed on the machine. A catalog is recompiled
only when its .po is newer than its .mo, so a second run does nothing. Before writing, every
translation is checked like `msgfmt --check-format`: a msgstr whose %-placeholders or {}-fields do
not match its msgid would fail (KeyError) or lose data at run time, so compiling stops with the
entry named. The .mo is written to a temporary file and renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# %(name)s, %s, %d, %.1f ... (not %%) and {name} / {0} / {} (not {{ }}).
_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[#0\- +]*(?:\d+|\*)?(?:\.\d+)?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"(?<!\{)\{(?P<field>[A-Za-z_0-9]*)(?:[!:][^{}]*)?\}(?!\})")


class CatalogError(Exception):
    """A catalog that does not parse or whose translations do not match their placeholders."""


@dataclass
class CompileResult:
    compiled: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def placeholders(text: str) -> Counter:
    """The format placeholders of ``text``: named ones by name, positional ones counted by kind."""
    found: Counter = Counter()
    for match in _PERCENT.finditer(text):
        if match.group("conv") == "%":
            continue
        found[f"%({match.group('name')})" if match.group("name") else "%"] += 1
    for match in _BRACE.finditer(text):
        found["{" + match.group("field") + "}"] += 1
    return found


def _named(counter: Counter) -> set[str]:
    return {key for key in counter if key != "%" and key != "{}"}


def message_errors(msgid, msgstr) -> list[str]:
    """Placeholder mismatches between a message and its translation (empty msgstr: untranslated, fine)."""
    errors = []
    if isinstance(msgid, tuple | list):  # plural: msgstr[i] may drop the count ("one item") but add nothing
        allowed = placeholders(msgid[0]) | placeholders(msgid[1])
        plural = placeholders(msgid[1])
        strings = list(msgstr)
        for index, string in enumerate(strings):
            if not string:
                continue
            got = placeholders(string)
            extra = _named(got) - _named(allowed)
            if extra:
                errors.append(f"msgstr[{index}] has placeholders not in msgid: {sorted(extra)}")
            if index == len(strings) - 1 and len(strings) > 1 and _named(got) != _named(plural):
                errors.append(
                    f"msgstr[{index}] placeholders {sorted(_named(got))} != {sorted(_named(plural))}"
                )
        return errors
    if not msgstr:
        return errors
    want, got = placeholders(msgid), placeholders(msgstr)
    if _named(want) != _named(got):
        errors.append(f"placeholders {sorted(_named(got))} != msgid's {sorted(_named(want))}")
    if want["%"] != got["%"] or want["{}"] != got["{}"]:
        errors.append("positional placeholders (%s / {}) differ in number from the msgid")
    return errors


def _read(po_path: Path):
    from babel.core import UnknownLocaleError
    from babel.messages.pofile import read_po

    data = po_path.read_bytes()
    for language in (po_path.parent.parent.name, None):  # a directory name Babel does not know: no locale
        try:
            return read_po(io.BytesIO(data), locale=language, abort_invalid=True)
        except (UnknownLocaleError, ValueError) as exc:
            if language is None:
                raise CatalogError(f"{po_path}: {exc}") from exc
        except Exception as exc:  # PoFileError (syntax), encoding
            raise CatalogError(f"{po_path}: {exc}") from exc
    raise AssertionError("unreachable")


def check_catalog(po_path: Path, catalog=None) -> list[str]:
    """Every placeholder mismatch in one .po file, as 'file:line: msgid: problem'."""
    problems = []
    for message in catalog if catalog is not None else _read(po_path):
        if not message.id or message.fuzzy:
            continue
        for error in message_errors(message.id, message.string):
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            problems.append(f"{po_path}:{message.lineno}: {msgid[:60]!r}: {error}")
    return problems


def po_files(locale_dirs=None) -> list[Path]:
    dirs = [Path(d) for d in (locale_dirs or [DEFAULT_LOCALE_DIR])]
    return sorted(po for d in dirs if d.is_dir() for po in d.glob("*/LC_MESSAGES/*.po"))


def compile_catalog(po_path: Path) -> Path:
    """Check and compile one .po file next to itself; raises CatalogError on any problem."""
    from babel.messages.mofile import write_mo

    catalog = _read(po_path)
    problems = check_catalog(po_path, catalog)
    if problems:
        raise CatalogError("\n".join(problems))
    mo_path = po_path.with_suffix(".mo")
    fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=".mo.tmp", dir=po_path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.chmod(tmp_name, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        os.replace(tmp_name, mo_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return mo_path


def is_current(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    return mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime


def compile_catalogs(locale_dirs=None, *, force: bool = False) -> CompileResult:
    """Compile every stale (or, with ``force``, every) catalog under ``locale_dirs``."""
    result = CompileResult()
    for po_path in po_files(locale_dirs):
        if not force and is_current(po_path):
            result.skipped.append(po_path)
            continue
        result.compiled.append(compile_catalog(po_path))
    return result


def main(argv=None) -> int:
    """`python -m core.catalogs [--force]`: what `make install` runs (no Django start-up needed)."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    try:
        result = compile_catalogs(force="--force" in argv)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    if result.compiled:
        print(f"Compiled {len(result.compiled)} translation catalogs ({len(result.skipped)} current).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
