"""Dialogue helpers shared by the actions: texts, small parsers, navigation. Plain Python, no Rasa."""
