"""govern: should this change land? ADRs compiled to Datalog, verdicts with proofs."""

__version__ = "0.1.0"
