"""Server hooks: pre-receive (judge, reject), post-receive (write notes), the audit log."""
