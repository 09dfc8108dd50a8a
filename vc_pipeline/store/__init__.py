"""The DuckDB store: one table per asset in schema `vc`, one slice per round."""
