"""Delivery in Slack: find members, open one group DM per group, post its message exactly once
(a ledger in the store), honour rate limits; a dry run writes an outbox instead."""
