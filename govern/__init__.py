"""govern: should this change land? ADRs compiled to Datalog, verdicts with proofs."""

try:
    from govern._version import __version__
except ImportError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"
