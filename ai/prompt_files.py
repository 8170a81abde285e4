"""Versioned prompt files under ai/prompts/ (``<name>.v<N>.txt``).

Every AI output records ``Prompt.version`` (``answer.v1+3f9a2c1d``): the file's version plus a short
hash of its content, so an edit without a version bump still shows up in the records.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
_PROMPT_FILE = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<number>\d+)\.txt$")


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    version: str

    def render(self, **values: object) -> str:
        """Fill ``$placeholders``; a missing value raises KeyError rather than leaking ``$name``."""
        return Template(self.text).substitute({key: str(value) for key, value in values.items()})

    @property
    def placeholders(self) -> set[str]:
        return {
            match.group("named") or match.group("braced")
            for match in Template.pattern.finditer(self.text)
            if match.group("named") or match.group("braced")
        }


def available_prompts(directory: Path = PROMPTS_DIR) -> dict[str, list[int]]:
    """Prompt names with their versions, lowest first."""
    found: dict[str, list[int]] = {}
    for path in directory.glob("*.txt"):
        match = _PROMPT_FILE.match(path.name)
        if match:
            found.setdefault(match["name"], []).append(int(match["number"]))
    return {name: sorted(numbers) for name, numbers in found.items()}


def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    """``load_prompt("answer")`` (highest version) or ``load_prompt("answer.v1")`` (that version)."""
    return _load(name, directory)


@lru_cache(maxsize=64)
def _load(name: str, directory: Path) -> Prompt:
    base, _, pinned = name.partition(".v")
    versions = available_prompts(directory).get(base)
    if not versions:
        raise FileNotFoundError(f"no prompt file {base}.v<N>.txt in {directory}")
    number = int(pinned) if pinned else versions[-1]
    path = directory / f"{base}.v{number}.txt"
    if not path.exists():
        raise FileNotFoundError(f"no prompt file {path.name} in {directory}")
    text = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return Prompt(name=base, text=text, version=f"{base}.v{number}+{digest}")
