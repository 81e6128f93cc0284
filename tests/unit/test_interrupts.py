"""Signals held back while a resource is created, delivered once it is safe to clean up."""

from __future__ import annotations

import signal
import threading

import pytest

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
