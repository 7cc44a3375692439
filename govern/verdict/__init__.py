"""Verdicts: judge a tree against its ADRs (judge.py) and render the result (text, JSON, SARIF)."""
