"""Fixtures of the channel tests."""

from tests.channels.recording import recorded  # noqa: F401 (a fixture)
