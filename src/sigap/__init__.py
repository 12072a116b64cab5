"""Sigap: the service desk for GPS vehicle-tracking providers."""

__version__ = "0.1.0"
