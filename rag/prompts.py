"""Prompt templates: text files shipped in the `prompts` package, rendered strictly.

A template names its variables as ``{{name}}``. Rendering fails loudly when a
variable is missing or an unexpected one is passed, so a renamed field can never
send a half-empty prompt to the model. Files are read once and cached.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from rag.errors import RagError

_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class PromptError(RagError):
    """A template is missing, or was rendered with the wrong variables."""


@cache
def load_template(name: str) -> str:
    """The text of prompts/<name>.txt, without its final newline."""
    try:
        return resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")
    except (FileNotFoundError, OSError) as exc:
        raise PromptError(f"Không có mẫu prompt '{name}' trong gói prompts (missing template).") from exc


def template_names() -> list[str]:
    return sorted(p.name[:-4] for p in resources.files("prompts").iterdir() if p.name.endswith(".txt"))


def variables(template: str) -> set[str]:
    return set(_VARIABLE.findall(template))


def render_text(template: str, **values: str) -> str:
    """Fill every ``{{name}}``; missing or unexpected variables raise PromptError."""
    wanted = variables(template)
    missing = wanted - values.keys()
    extra = values.keys() - wanted
    if missing or extra:
        raise PromptError(f"Biến prompt sai: thiếu {sorted(missing)}, thừa {sorted(extra)} (bad template variables).")
    return _VARIABLE.sub(lambda m: values[m.group(1)], template)


def render(name: str, **values: str) -> str:
    return render_text(load_template(name), **values)
