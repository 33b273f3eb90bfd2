"""Find which earlier question a person wants to change ("change my answer about drinking", "go back")."""

from __future__ import annotations

import re
from typing import Any

_STOP = {"the", "a", "an", "my", "about", "answer", "change", "question", "to", "i", "me", "want", "wanna",
         "can", "could", "fix", "wrong", "meant", "redo", "one", "that", "it", "on", "for", "of", "last",
         "go", "back", "please", "pls", "earlier", "previous", "you", "your", "do", "did", "said", "wait",
         "actually", "is", "was", "in", "and", "or", "so", "yes", "no", "we", "let", "lets", "let's"}
_SHORT_WORD = 2  # letters: words this short say nothing about which question is meant


def _words(text: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > _SHORT_WORD}
    return words | {w[:-1] for w in words if w.endswith("s")} | {w[:-3] for w in words if w.endswith("ing")}


def question_to_change(text: str, questionnaire, answers: dict[str, Any], go_back: bool = False):
    """The answered question the text points at, else the last answered one; None if nothing answered."""
    answered = [q for q in questionnaire.questions if q.id in answers]
    if not answered:
        return None
    wanted = _words(text)
    if wanted and not go_back:
        best, best_score = None, 0
        for question in answered:
            words = _words(" ".join([question.id.replace("_", " "), question.area,
                                     question.text(for_whom="self", channel="web")]))
            overlap = len(wanted & words)
            if overlap > best_score:
                best, best_score = question, overlap
        if best is not None:
            return best
    return answered[-1]


# "i said weekly but its daily", "correction, i last used 3 days ago": a change to an earlier answer
# phrased as an answer. Needs a correction cue, so "i said i would go but i never did" is still an answer.
_CORRECTION = re.compile(
    r"^\W*(?:(?:oops|sorry|wait|actually|ok|okay)\W+)*(?:correction\b|i meant\b(?!\s+it\b)"
    r"|(?:earlier |before |last time )?i (?:said|put|answered|told you|wrote|picked|chose)\b.{1,80}?"
    r"\b(?:but|not)\b.{0,25}?\b(?:actually|really|it'?s|its|it is|i meant|more like|i do|i did|i am|i'm|im|"
    r"i have|better|wrong)\b)",
    re.I,
)


def is_correction(text: str) -> bool:
    """True when ``text`` corrects an earlier answer rather than answering the current question."""
    return bool(_CORRECTION.search((text or "")[:500]))
