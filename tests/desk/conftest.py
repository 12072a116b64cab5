"""Fixtures of the desk tests."""

from tests.channels.recording import recorded  # noqa: F401 (a fixture)
