"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT FOLDER [USER:PASSWORD] — accepts every message on 127.0.0.1:PORT and
writes each, as received, to FOLDER/<n>.eml; prints "ready" once it listens and runs until killed.
With USER:PASSWORD it requires AUTH (PLAIN or LOGIN) with exactly those credentials.
"""
import itertools
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Folder:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{os.getpid()}-{next(self.numbers):06d}.eml"
        temporary = os.path.join(self.folder, "." + name)
        with open(temporary, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(temporary, os.path.join(self.folder, name))
        return "250 Message accepted"


def authenticator_for(expected):
    user, password = expected.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok)

    return authenticate


# The tests know AUTH without TLS is for loopback only; keep their output quiet about it.
warnings.simplefilter("ignore")
logging.getLogger("mail.log").setLevel(logging.ERROR)

port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)
auth = {}
if len(sys.argv) > 3:
    # Plain-text AUTH on loopback only: the test has no certificate for STARTTLS.
    auth = dict(
        auth_required=True,
        auth_require_tls=False,
        authenticator=authenticator_for(sys.argv[3]),
    )
controller = Controller(Folder(folder), hostname="127.0.0.1", port=port, **auth)
controller.start()
print("ready", flush=True)
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
