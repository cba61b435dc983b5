#!/usr/bin/env python3
"""An SMTP server for the hub's email tests (aiosmtpd 1.4): takes mail on 127.0.0.1 and prints it.

Prints `port <n>` once listening, then one JSON line per message accepted: envelope sender, recipients and the
raw message. With --reject-first N it answers the first N messages' DATA with 451 (a temporary failure), so the
tests see the hub retry.

Usage: smtp-sink.py [--reject-first N]
"""
import argparse
import asyncio
import json
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, reject_first):
        self.rejections_left = reject_first

    async def handle_DATA(self, server, session, envelope):
        if self.rejections_left > 0:
            self.rejections_left -= 1
            return "451 4.3.0 try again later"
        print(json.dumps({
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", errors="replace"),
        }), flush=True)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reject-first", type=int, default=0)
    arguments = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(arguments.reject_first), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"port {port}", flush=True)
    try:
        sys.stdin.read()  # until the test closes our standard input
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
