"""Allow ``python -m mlscaffold``."""

import sys

from mlscaffold.cli import main

sys.exit(main())
