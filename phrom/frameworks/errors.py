"""Errors of framework storage (no Django import: the CLI catches them)."""


class FrameworkRejected(ValueError):
    """The framework could not be stored; the message says why and what to do."""
