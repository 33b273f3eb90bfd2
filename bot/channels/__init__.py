"""Custom Rasa input channels. Each wraps message handling with the safety guard in ``guard.py``."""
