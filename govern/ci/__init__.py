"""CI adapters: the verdict in the report formats CI systems read (JUnit XML, GitHub workflow
commands, GitLab Code Quality). Each module reads a Verdict and renders text; none judges."""
