"""Dagster definitions: thin wiring of the plain modules into partitioned, checked assets."""
