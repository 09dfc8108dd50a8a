"""The seven round assets, raw_survey → … → fairness_report."""
