"""Signals held back while a resource is created, delivered once it is safe to clean up."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import AsyncGenerator, Callable, Iterable

import pytest
from prompt_toolkit.history import History
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlscaffold import interrupts


def test_a_held_signal_arrives_at_release_not_before() -> None:
    previous = interrupts.install()
    try:
        reached = []
        with pytest.raises(interrupts.Terminated), interrupts.held() as signals:
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            reached.append("still running after the signal")
            signals.release()
            reached.append("never: the signal lands at release")
        assert reached == ["still running after the signal"]
    finally:
        interrupts.restore(previous)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _SignalOnLoad(History):
    """A prompt history whose loading (a task in the prompt's event loop) sends a signal."""

    def __init__(self, send: Callable[[], object]) -> None:
        super().__init__()
        self._send = send

    async def load(self) -> AsyncGenerator[str, None]:
        self._send()
        for line in ():
            yield line

    def load_history_strings(self) -> Iterable[str]:
        return []

    def store_string(self, string: str) -> None:
        pass


def _in_a_task(signum: int) -> None:
    signal.raise_signal(signum)


def _in_a_callback(signum: int) -> None:
    asyncio.get_running_loop().call_soon(signal.raise_signal, signum)


def _while_waiting_for_a_key(signum: int) -> None:
    main = threading.get_ident()
    threading.Timer(0.2, signal.pthread_kill, (main, signum)).start()


@pytest.mark.parametrize(
    ("moment", "signum"),
    [
        (_in_a_task, signal.SIGTERM),
        (_in_a_task, signal.SIGHUP),
        (_in_a_callback, signal.SIGTERM),
        (_while_waiting_for_a_key, signal.SIGTERM),
    ],
    ids=["in-a-prompt-task-SIGTERM", "in-a-prompt-task-SIGHUP", "in-a-callback", "waiting"],
)
def test_a_signal_at_a_question_ends_it_like_ctrl_c(
    capfd: pytest.CaptureFixture[str], moment: Callable[[int], None], signum: int
) -> None:
    """Not an "Unhandled exception in event loop" traceback and a wait for Enter (CI saw it)."""
    import questionary

    previous = interrupts.install()
    with create_pipe_input() as keys:
        # Should the signal not end the prompt, Enter does, so the test fails instead of hanging.
        unstick = threading.Timer(10, keys.send_text, ("\r",))
        unstick.start()
        try:
            history = _SignalOnLoad(lambda: moment(signum))
            question = questionary.text("Name?", input=keys, output=DummyOutput(), history=history)
            with pytest.raises(interrupts.Terminated) as ended:
                question.unsafe_ask()
        finally:
            unstick.cancel()
            interrupts.restore(previous)
            for other in interrupts.SIGNALS:
                signal.signal(other, signal.SIG_DFL)
    assert ended.value.signum == signum
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert "Unhandled exception" not in out + err
