"""Nagle's algorithm off on the server's sockets (ui/tcp.py): the listening socket, as Streamlit binds it
(`proto` 0, so asyncio leaves TCP_NODELAY off on what it accepts), the connections it already accepted, and
through inheritance every connection accepted after; other sockets of the process are left as they are."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import tcp

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inheritance from the listener: Linux")


def no_delay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


@contextmanager
def sockets() -> Iterator[dict[str, socket.socket]]:
    """A listening socket bound as Streamlit binds its own (`socket.socket(family=...)`, proto 0), one
    connection it accepted, and a connection of this process to another listener (a database, say)."""
    with ExitStack() as stack:
        made = {}

        def keep(name: str, sock: socket.socket) -> socket.socket:
            made[name] = stack.enter_context(sock)
            return sock

        server = keep("server", socket.socket(family=socket.AF_INET))
        server.bind(("127.0.0.1", 0))
        server.listen()
        keep("client", socket.create_connection(server.getsockname()))
        keep("accepted", server.accept()[0])
        other = keep("other_listener", socket.socket(family=socket.AF_INET))
        other.bind(("127.0.0.1", 0))
        other.listen()
        # The outgoing end is this process's socket to another server; the other listener is left out below.
        keep("outgoing", socket.create_connection(other.getsockname()))
        keep("other_accepted", other.accept()[0])
        yield made


def test_streamlit_s_kind_of_listener_leaves_nagle_on():
    # What the module is for: a socket bound this way reports proto 0, and what it accepts has no TCP_NODELAY.
    with sockets() as s:
        assert s["server"].proto == 0
        assert not no_delay(s["accepted"])


def test_the_listeners_and_their_connections_get_no_delay_and_later_ones_inherit_it():
    with sockets() as s:
        fds = [s[name].fileno() for name in ("server", "accepted", "outgoing")]
        assert tcp.set_no_delay(fds) == 2  # the listener and the connection it accepted
        assert no_delay(s["server"]) and no_delay(s["accepted"])
        assert not no_delay(s["outgoing"])  # a connection to another server: not this server's
        with socket.create_connection(s["server"].getsockname()), s["server"].accept()[0] as later:
            assert no_delay(later)


def test_every_listener_of_the_process_counts_and_its_connections_too():
    with sockets() as s:
        fds = [sock.fileno() for sock in s.values()]
        open_before = len(os.listdir("/proc/self/fd"))
        assert tcp.set_no_delay(fds) == 4  # two listeners, one accepted connection each
        assert len(os.listdir("/proc/self/fd")) == open_before  # every duplicate it made is closed again
        assert [name for name, sock in s.items() if not no_delay(sock)] == ["client", "outgoing"]


def test_what_is_not_a_tcp_socket_is_passed_over_and_stays_open():
    read, write = os.pipe()
    unix_a, unix_b = socket.socketpair()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        closed = os.dup(read)
        os.close(closed)
        open_before = len(os.listdir("/proc/self/fd"))
        assert tcp.set_no_delay([read, unix_a.fileno(), udp.fileno(), closed]) == 0
        assert len(os.listdir("/proc/self/fd")) == open_before
        os.write(write, b"x")  # the descriptors it looked at are still open: only duplicates were closed
        assert os.read(read, 1) == b"x"
        unix_a.send(b"y")
        assert unix_b.recv(1) == b"y"
    finally:
        for fd in (read, write):
            os.close(fd)
        for sock in (unix_a, unix_b, udp):
            sock.close()


def test_the_app_sets_it_on_the_server_it_runs_in(store_dir):
    # AppTest runs app.py in this process: the listener opened here stands for Streamlit's.
    tcp.no_delay.cache_clear()
    try:
        with sockets() as s:
            at = AppTest.from_file(APP, default_timeout=120)
            at.run()
            assert not at.exception
            assert no_delay(s["server"]) and no_delay(s["accepted"])
            assert tcp.no_delay() >= 2  # the app's call did the work: this one gets its answer
            assert tcp.no_delay.cache_info().misses == 1
    finally:
        tcp.no_delay.cache_clear()
