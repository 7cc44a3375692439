"""Agents in the loop: judge a proposed edit before it is written, and tell the agent how to fix it.

payload.py reads edits (whole files, string replacements, unified diffs, Codex's apply_patch)
into a Draft (draft.py) over the working tree; proposal.py judges the Draft like
`check --new-since` with the actor `agent`; hints.py turns findings into fix hints;
harnesses/ answers each coding agent's hook in its own format; install.py writes their settings.
Only this package (and govern.mcp) speaks the agents' formats: the judge knows nothing of them.
"""
