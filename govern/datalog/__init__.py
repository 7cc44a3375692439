"""The engine seam: govern's own rule/atom/proof data in, sorted answers out.

Nothing here knows about ADRs or git. Backends (pyDatalog, clingo) live behind
`govern.datalog.engine.Engine`; proofs are built and checked by govern itself.
"""
