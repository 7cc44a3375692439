"""Translate an import-linter configuration into govern ADRs (`govern init --from-importlinter`).

An adapter at the edge: `config` reads the INI or TOML file with the standard library,
`translate` maps each contract to one rule block (or says what cannot be translated),
`write` renders one ADR per contract. Nothing here is imported by the judge.
"""
