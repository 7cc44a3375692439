"""`govern mcp`: govern as an MCP server over stdio (tools.py answers, server.py speaks MCP)."""
