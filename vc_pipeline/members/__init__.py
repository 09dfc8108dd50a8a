"""The privacy boundary: respondents become members with pseudonymous ids and no PII."""
