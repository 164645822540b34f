"""A stream socket that counts who connected: the hostile tests' probe for network use
(TCP on loopback, or a unix socket)."""
from __future__ import annotations

import socket
import threading


class Listener:
    def __init__(self, family: int = socket.AF_INET, address=("127.0.0.1", 0)) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind(address)
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.address = self.sock.getsockname()
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        """The TCP port (a loopback listener)."""
        return self.address[1]

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()
