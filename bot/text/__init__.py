"""Text canonicalising shared by every detector and classifier (plain Python)."""
