"""IOP self-screening assistant."""
