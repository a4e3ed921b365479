"""Errors of award decisions (no Django import)."""


class DecisionRefused(ValueError):
    """An award decision that cannot be recorded now; the message says why and what to do,
    in the user's language."""
