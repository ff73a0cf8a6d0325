"""Fixtures for the fault tests: real servers started and stopped by the test."""

from .servers import postgres_cluster, redis_server  # noqa: F401
