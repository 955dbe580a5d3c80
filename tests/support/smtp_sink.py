#!/usr/bin/python3
"""An SMTP sink for the tests (Debian's python3-aiosmtpd): keeps every message it accepts as
one JSON file in DIR: {"mail_from", "rcpt_tos", "data"} (data as received, dot-unstuffed).
A recipient whose local part starts with "reject" is refused for good (550), one starting
with "busy" for now (451). Listens on 127.0.0.1, on a free port it prints first. With
DELAY_MS, each message is kept that long before it is accepted (a slow relay).

Usage: smtp_sink.py DIR [DELAY_MS]"""
import asyncio
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Keeper:
    def __init__(self, directory, delay_ms):
        self.directory = directory
        self.delay = delay_ms / 1000.0
        self.count = itertools.count()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        if local.startswith("busy"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        path = os.path.join(self.directory, "%06d.json" % next(self.count))
        with open(path + ".tmp", "w") as out:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "data": envelope.content.decode("utf-8", "replace")}, out)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 kept as %s" % os.path.basename(path)


async def main(directory, delay_ms):
    loop = asyncio.get_running_loop()
    keeper = Keeper(directory, delay_ms)
    server = await loop.create_server(lambda: SMTP(keeper, hostname="sink.test"),
                                      host="127.0.0.1", port=0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
