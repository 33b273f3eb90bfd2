"""Rasa's warnings about our data that a project check explains, so they need not reach the terminal.

Rasa's checks cannot see our custom code; four of its warnings are therefore not problems here, and each
is explained only when the check below holds for the name in the message:

* "The utterance 'utter_x' is not used in any story or rule": a custom action sends it
  (``utter_message(response="utter_x")`` in ``actions/``).
* "The utterance 'utter_ask_x' is not used ...": a form in ``domain.yml`` requires slot x, and Rasa's form
  asks for it with that response.
* "The intent 'x' is not used in any story or rule": the screening form's validation handles it (its name
  is a string in ``actions/`` or ``bot/conversation/``).
* "duplicated intents ... across multiple domain files: faq": Rasa 3.6 adds every retrieval intent of the
  NLU data to the domain a second time; ``domain.yml`` must list it for rules and stories to use it.
* "examples for training a response selector, but ... no response selector": ``config.yml`` has our
  selector (``bot.nlu.faq_selector``) for that retrieval intent; Rasa looks only for its own class.

Anything else Rasa says about the data still shows (``bot.terminal.route_warnings``).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

CODE_DIRS = ("actions", "bot/conversation")
OUR_SELECTOR = "bot.nlu.faq_selector.TfidfEmbeddingResponseSelector"


def _strings_in(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


@functools.lru_cache(maxsize=4)
def names_in_code(root: Path = PROJECT_ROOT) -> frozenset[str]:
    """Every string literal in the dialogue code (actions and bot/conversation)."""
    names: set[str] = set()
    for folder in CODE_DIRS:
        if (root / folder).is_dir():
            names |= _strings_in(root / folder)
    return frozenset(names)


@functools.lru_cache(maxsize=4)
def retrieval_intents(root: Path = PROJECT_ROOT) -> frozenset[str]:
    """Intents written ``name/key`` in the NLU data (Rasa's retrieval intents)."""
    found = set()
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            intent = str(block.get("intent", ""))
            if "/" in intent:
                found.add(intent.split("/", 1)[0])
    return frozenset(found)


@functools.lru_cache(maxsize=4)
def selector_intents(root: Path = PROJECT_ROOT) -> frozenset[str]:
    """Retrieval intents that our own response selector is configured for in config.yml."""
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8")) or {}
    return frozenset(str(c.get("retrieval_intent")) for c in config.get("pipeline") or []
                     if c.get("name") == OUR_SELECTOR and c.get("retrieval_intent"))


@functools.lru_cache(maxsize=4)
def form_slots(root: Path = PROJECT_ROOT) -> frozenset[str]:
    """Slots that a form in domain.yml requires (the form asks each with ``utter_ask_<slot>``)."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}
    return frozenset(str(slot) for form in (domain.get("forms") or {}).values()
                     for slot in (form or {}).get("required_slots") or [])


def explain(message: str, root: Path = PROJECT_ROOT) -> str | None:
    """Why this Rasa warning is not a problem in this project, or None when a person should see it."""
    if m := re.match(r"The utterance '([\w/]+)' is not used in any story or rule", message):
        if m[1] in names_in_code(root):
            return f"a custom action sends {m[1]}"
        if m[1].startswith("utter_ask_") and m[1].removeprefix("utter_ask_") in form_slots(root):
            return f"a form asks for {m[1].removeprefix('utter_ask_')} with {m[1]}"
    elif m := re.match(r"The intent '(\w+)' is not used in any story or rule", message):
        if m[1] in names_in_code(root):
            return f"the screening form's validation handles {m[1]}"
    elif m := re.match(r"The following duplicated intents have been found across multiple domain files: (.+)",
                       message):
        names = {name.strip() for name in m[1].split(",")}
        if names <= retrieval_intents(root):
            return "Rasa adds retrieval intents to the domain a second time"
    elif (message.startswith("You have defined training data with examples for training a response selector")
          and retrieval_intents(root) and retrieval_intents(root) <= selector_intents(root)):
        return "bot.nlu.faq_selector selects the FAQ answers"
    return None

