"""Allow ``python -m mlscaffold``; :func:`run` can serve as the console script too.

Signals are handled from the first line: Ctrl-C, SIGTERM or SIGHUP while the modules
load ends in one line and exit code 2 as well, never a traceback. Once the command has
returned, they are ignored: the work is done or undone, and the exit code says which.
"""

from __future__ import annotations

import contextlib
import sys

from mlscaffold import interrupts  # before anything else: it imports only `signal`


def run() -> None:
    """Install the signal handlers, then load and run the command line; exit with its code."""
    interrupts.install()
    interrupts.exit_after_command()
    try:
        from mlscaffold.cli import main

        code = main()
    except KeyboardInterrupt:
        with contextlib.suppress(OSError, ValueError):  # the terminal is gone (SIGHUP)
            print("mlscaffold: error: cancelled", file=sys.stderr)
        code = 2
    interrupts.ignore()
    sys.exit(code)


if __name__ == "__main__":
    run()
