"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT FOLDER — accepts every message on 127.0.0.1:PORT and writes each, as
received, to FOLDER/<n>.eml; prints "ready" once it listens and runs until killed.
"""
import itertools
import os
import signal
import sys

from aiosmtpd.controller import Controller


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


port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)
controller = Controller(Folder(folder), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
