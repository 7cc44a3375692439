"""Verdict notes: canonical JSON blobs under refs/notes/govern, written with compare-and-swap."""
