"""Safety layer: crisis detection on every message and the crisis / degraded-mode texts.

Importing this package is cheap: spaCy and the crisis model load on the first call.
``assess(text)`` is the product's verdict (crisis / check / none); ``detect_crisis`` the English rules alone.
"""

from bot.safety.assessment import Assessment, assess
from bot.safety.detector import CrisisSignal, detect_all, detect_crisis
from bot.safety.rules import CATEGORIES

__all__ = ["CATEGORIES", "Assessment", "CrisisSignal", "assess", "detect_all", "detect_crisis"]
