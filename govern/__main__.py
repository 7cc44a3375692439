import sys

from govern.cli.app import main

sys.exit(main())
