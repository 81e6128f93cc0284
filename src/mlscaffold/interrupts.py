"""SIGTERM and SIGHUP handled like Ctrl-C, so that every cleanup path runs.

A ``kill``, a ``timeout``, a closed terminal or a cancelled CI job would otherwise end
the process on the spot, leaving the hidden staging folder beside the destination or
the scratch clone of an update in the temporary folder. :func:`install` turns those
signals into :class:`Terminated`, a :class:`KeyboardInterrupt`, so the code that
undoes a generation on Ctrl-C (placement undo, ``finally`` blocks, temporary folders)
undoes it for them too; the command line then prints one line and exits 2, as for
Ctrl-C. While a question is on the terminal, the signal ends the prompt the way its
Ctrl-C key does. This module imports nothing heavy: the entry points install it first.
"""

from __future__ import annotations

import signal
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the start-up time
if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Mapping
    from types import FrameType
    from typing import Any, TypeAlias

    Handler: TypeAlias = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals turned into :class:`Terminated` (Windows has no SIGHUP)."""


_exits_after_command = False
"""True in the ``mlscaffold`` process itself (set by :func:`exit_after_command`), where
nothing follows the command but the exit; False where the command line runs in-process."""


def exit_after_command() -> None:
    """Say that this process ends when the command returns (the console script does)."""
    global _exits_after_command
    _exits_after_command = True


class Terminated(KeyboardInterrupt):
    """The process was asked to stop by a signal; handled exactly like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    # Once is enough: a second signal must not interrupt the cleanup the first started.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    loop = _running_loop()
    if loop is None:
        raise Terminated(signum)
    # An event loop runs here: a question is on the terminal (questionary runs
    # prompt_toolkit on asyncio). Raised here, the exception could land in one of the
    # prompt's tasks, which prints it as "Unhandled exception in event loop" and waits
    # for Enter; handed to the loop, it ends the prompt the way Ctrl-C does.
    loop.call_soon_threadsafe(_stop_prompt, signum)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running in this thread, if asyncio was imported at all."""
    module = sys.modules.get("asyncio")
    if module is None:
        return None
    try:
        loop: asyncio.AbstractEventLoop = module.get_running_loop()
    except RuntimeError:
        return None
    return loop


def _stop_prompt(signum: int) -> None:
    """End the running prompt with :class:`Terminated`, as its Ctrl-C key binding does."""
    current = sys.modules.get("prompt_toolkit.application.current")
    app = current.get_app_or_none() if current is not None else None
    if app is not None and app.future is not None and not app.future.done():
        app.exit(exception=Terminated(signum), style="class:aborting")
        return
    # No prompt to end (it is finishing, or the loop is not a prompt's): raised from a
    # plain callback, a KeyboardInterrupt leaves the loop (asyncio re-raises it).
    raise Terminated(signum)


def install() -> dict[int, Handler]:
    """Handle SIGTERM and SIGHUP like Ctrl-C; return the handlers to :func:`restore` later.

    A signal the parent chose to ignore (``nohup`` ignores SIGHUP) stays ignored, and
    outside the main thread, where Python cannot set handlers, nothing changes.
    """
    previous: dict[int, Handler] = {}
    for signum in SIGNALS:
        try:
            current = signal.getsignal(signum)
            if current is signal.SIG_DFL:
                signal.signal(signum, _stop)
                previous[signum] = current
        except ValueError:  # not the main thread
            break
    return previous


def restore(previous: Mapping[int, Handler]) -> None:
    """Put back the handlers :func:`install` or :func:`ignore` replaced."""
    for signum, handler in previous.items():
        try:
            signal.signal(signum, handler)
        except ValueError:
            break


def ignore() -> dict[int, Handler]:
    """Ignore Ctrl-C, SIGTERM and SIGHUP from now on: the work is done, only exiting is left.

    Returns the handlers it replaced (those Python knows), for :func:`restore`.
    """
    previous: dict[int, Handler] = {}
    for signum in (signal.SIGINT, *SIGNALS):
        try:
            handler = signal.signal(signum, signal.SIG_IGN)
        except ValueError:  # not the main thread
            break
        if handler is not None:
            previous[signum] = handler
    return previous


class held:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while a resource is created and registered.

    A signal between "the folder exists" (or "git was started") and "the ``try`` that
    removes it is entered" would leak it. While held, the handlers only note a signal;
    :meth:`release`, which the caller calls inside its ``try``, puts them back and sends
    the noted signal again, so it lands there. The handlers are swapped rather than the
    signals masked: a mask holds only in its own thread (the kernel may hand the signal to
    another) and is inherited by the programs started meanwhile.
    """

    def __init__(self) -> None:
        self._previous: dict[int, Handler] | None = None
        self._noted: int | None = None

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self._noted is None:
            self._noted = signum

    def __enter__(self) -> held:
        previous: dict[int, Handler] = {}
        for signum in (signal.SIGINT, *SIGNALS):
            try:
                current = signal.getsignal(signum)
                if current is not None and current is not signal.SIG_IGN:
                    previous[signum] = signal.signal(signum, self._note)
            except ValueError:  # not the main thread: nothing can be held
                break
        self._previous = previous
        return self

    def release(self) -> None:
        """Deliver what was held back (from here on a signal interrupts as usual)."""
        previous, self._previous = self._previous, None
        if previous is None:
            return
        restore(previous)
        noted, self._noted = self._noted, None
        if noted is not None:
            signal.raise_signal(noted)

    def __exit__(self, *exc: object) -> None:
        self.release()


class settled:
    """Once the work is complete, ignore signals until its report is out, then restore them.

    A signal after the project is committed but before the command has printed its next
    steps would report "cancelled" about a project that is there and complete. Call
    :meth:`hold` as the last step of the work, inside the ``try`` that undoes it (a signal
    before that still undoes it); the exit of the ``with`` puts the handlers back. The
    handlers are swapped rather than the signals masked, since a mask holds only in its own
    thread and the kernel may hand a process's signal to any thread that does not mask it.
    """

    def __init__(self) -> None:
        self._previous: dict[int, Handler] | None = None

    def __enter__(self) -> settled:
        return self

    def hold(self) -> None:
        """From now on the work counts as done: signals are ignored."""
        if self._previous is None:
            self._previous = ignore()

    def drop(self) -> None:
        """Put back the handlers :meth:`hold` replaced.

        In the ``mlscaffold`` process itself signals stay ignored: only the exit is left,
        and a signal on the way there must not turn the finished command into "cancelled".
        """
        previous, self._previous = self._previous, None
        if previous is not None and not _exits_after_command:
            restore(previous)

    def __exit__(self, *exc: object) -> None:
        self.drop()
