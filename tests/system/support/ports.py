"""Free TCP ports on loopback for components started by tests."""

import socket
import threading

_handed_out = set()
_lock = threading.Lock()


def free_port(host="127.0.0.1"):
    """A port nothing listens on right now, never the same one twice in this test session (a stopped
    component's port stays reserved for its restart)."""
    with _lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((host, 0))
                port = sock.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free port found")


def port_open(port, host="127.0.0.1", timeout=0.5):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
