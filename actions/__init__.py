"""Thin rasa-sdk actions: they translate between Rasa and bot.screening / bot.store / bot.safety."""
