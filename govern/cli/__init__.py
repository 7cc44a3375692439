"""The command line: thin typer commands that call, render and exit."""
