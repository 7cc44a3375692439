from govern.cli.app import entry

entry()
