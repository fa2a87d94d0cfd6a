"""A small SMTP server for tests, in a thread of the test process: it keeps every message it accepts and can be
slowed (a pause before each reply). Used by tests/participants/test_mail_ledger.py and the fault tests
(tests/test_celery_faults.py), whose worker processes send to it over TCP.

A message counts as accepted when its end of data (the lone ".") has arrived: the reply to it comes after the
pause, which is the window in which a server has the mail but the sender does not know it yet.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

PORTS = range(2525, 2541)  # the ports these tests may use


class _Handler(socketserver.StreamRequestHandler):
    server: SMTPServer

    def _reply(self, text: str) -> None:
        self.server.pause()
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        server = self.server
        self.has_data = False
        with server.lock:
            server.sessions_before_data_end += 1
        try:
            self._session()
        except OSError:
            pass  # the client went away (killed, or cut off by its budget)
        finally:
            with server.lock:
                if self.has_data:
                    server.sessions_after_data_end -= 1
                else:
                    server.sessions_before_data_end -= 1

    def _session(self) -> None:
        self._reply("220 test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                self._reply("250-test\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "DATA":
                self._reply("354 go ahead")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    if chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.accept(b"".join(data))
                with self.server.lock:
                    self.server.sessions_before_data_end -= 1
                    self.server.sessions_after_data_end += 1
                self.has_data = True
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, delay: float) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.port = port
        self.delay = delay  # seconds before each reply; tests change it while the server runs
        self.lock = threading.Lock()
        self.messages: list[Message] = []
        self.accepted_at: list[float] = []  # when each message's end of data arrived (epoch seconds)
        # Open sessions that have not sent their end of data yet, and those that have (the server has the mail,
        # the sender does not know yet): where a test kills a worker.
        self.sessions_before_data_end = 0
        self.sessions_after_data_end = 0
        self._stop = threading.Event()

    def pause(self) -> None:
        self._stop.wait(self.delay)

    def accept(self, data: bytes) -> None:
        with self.lock:
            self.messages.append(message_from_bytes(data))
            self.accepted_at.append(time.time())

    def keys(self) -> list[tuple[str, str, str]]:
        """(To, Subject, text) of every accepted message: equal keys are the same mail sent twice."""
        with self.lock:
            found = list(self.messages)
        return [(str(m["To"]), str(make_header(decode_header(m["Subject"]))), _text(m)) for m in found]

    def close(self) -> None:
        self._stop.set()
        self.shutdown()
        self.server_close()


def _text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            return payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
    return ""


@contextmanager
def smtp_server(delay: float = 0.0) -> Iterator[SMTPServer]:
    """A running server on the first free port in 2525-2540."""
    server = None
    for port in PORTS:
        try:
            server = SMTPServer(port, delay)
            break
        except OSError:
            continue
    if server is None:
        raise RuntimeError("no free port in 2525-2540 for the test SMTP server")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
