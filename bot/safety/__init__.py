"""Safety layer: crisis detection on every message and the crisis / degraded-mode texts.

Importing this package is cheap: spaCy is loaded on the first ``detect_crisis`` call.
"""

from bot.safety.detector import CrisisSignal, detect_all, detect_crisis
from bot.safety.rules import CATEGORIES

__all__ = ["CATEGORIES", "CrisisSignal", "detect_all", "detect_crisis"]
