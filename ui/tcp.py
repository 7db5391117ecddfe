"""Nagle's algorithm off on the app server's connections (Linux).

Streamlit's server binds its listening socket itself, and that socket reports `proto` 0, so asyncio does not
set TCP_NODELAY on the connections it accepts (it does so only for sockets that report IPPROTO_TCP; the same
defect as uvicorn's pre-bound sockets, github.com/Kludex/uvicorn/issues/3149). On a kept-alive connection
every small response after the first then waits for the browser's delayed ACK, ~40 ms. A page that uses a
new kind of element makes the browser fetch that element's script files, most of them a few KB, six at a
time: a first load of Planlægning fetched ~90 of them after the page's messages arrived, at ~45 ms each
where one on a new connection took ~1 ms (benchmarks/bench_against_bare.py, README "Performance").

The option set on the listening socket is inherited by every connection accepted after it; the connections
already open get it too. Done once per process, at the first run of the app's script (nothing in Streamlit
runs code of the app's before it serves): elsewhere than Linux, or with no such socket (AppTest), nothing.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import stat

_TCP = (socket.AF_INET, socket.AF_INET6)


def _tcp_socket(fd: int) -> socket.socket | None:
    """A TCP stream socket on a duplicate of `fd` (closing it leaves `fd` open), or None."""
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            return None
        copy = os.dup(fd)
    except OSError:  # closed meanwhile
        return None
    try:
        sock = socket.socket(fileno=copy)
    except OSError:  # a socket of a kind Python cannot open
        os.close(copy)
        return None
    if sock.family in _TCP and sock.type == socket.SOCK_STREAM:
        return sock
    sock.close()
    return None


def server_sockets(fds: list[int]) -> list[socket.socket]:
    """Of the open file descriptors `fds`, the listening TCP sockets and the connections they accepted (a
    local port that a listening one has), as duplicates for the caller to close."""
    found = [s for s in map(_tcp_socket, fds) if s is not None]
    listening: list[socket.socket] = []
    connected: list[socket.socket] = []
    for sock in found:
        try:
            (listening if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) else connected).append(sock)
        except OSError:
            sock.close()
    ports = {s.getsockname()[1] for s in listening}
    kept = listening
    for sock in connected:
        if _local_port(sock) in ports:
            kept.append(sock)
        else:
            sock.close()
    return kept


def _local_port(sock: socket.socket) -> int | None:
    try:
        return sock.getsockname()[1]
    except OSError:
        return None


def set_no_delay(fds: list[int]) -> int:
    """TCP_NODELAY on the server sockets among `fds` (`server_sockets`); how many got it."""
    count = 0
    for sock in server_sockets(fds):
        with sock:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                count += 1
            except OSError:
                pass
    return count


@functools.cache
def no_delay() -> int:
    """`set_no_delay` on this process's open file descriptors, once; how many sockets got it."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux
        return 0
    count = set_no_delay(fds)
    if count:
        logging.getLogger("csr.app").info("TCP_NODELAY on %d server sockets", count)
    return count
