"""`python -m fibrochat`: the same as the `fibrochat` command."""

import sys

from .cli import main

sys.exit(main())
