#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The seed's EchoClient, ported to Python 3 and Twisted 22 for the interop tests.

Behaviour is kept as the seed has it: every received chunk is printed
decoded as UTF-8; every interval, while connected, it sends
"hello, I'm <argv0> <datetime>" with no line ending and prints
"<argv0> <datetime>"; it never reconnects and never stops by itself.

Changes: the seed's sending thread is a LoopingCall on the reactor, and
--host, --port and --interval (default 5 s) exist for tests; stdout is
flushed after every line.
"""

import argparse
import datetime
import sys

from twisted.internet import reactor
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.internet.task import LoopingCall


def say(*parts):
    """Python 2's print statement: the parts joined by spaces, a line feed, flushed."""
    text = " ".join(str(part) for part in parts)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


class Echo(Protocol):
    def __init__(self):
        self.connected = False

    def connectionMade(self):
        self.connected = True

    def connectionLost(self, reason):
        self.connected = False

    def dataReceived(self, data):
        say(data.decode("utf-8"))


class EchoClientFactory(ClientFactory):
    def __init__(self):
        self.protocol = None

    def startedConnecting(self, connector):
        say("Start to Connect...")

    def buildProtocol(self, addr):
        say("Connected...")
        self.protocol = Echo()
        return self.protocol

    def clientConnectionLost(self, connector, reason):
        # The seed's `print "...: ", reason` puts a second space before the reason.
        say("Lost connection. Reason: ", reason)

    def clientConnectionFailed(self, connector, reason):
        say("Connection is failed, Reason: ", reason)


def routine(factory):
    if factory.protocol and factory.protocol.connected:
        factory.protocol.transport.write(
            ("hello, I'm %s %s" % (sys.argv[0], datetime.datetime.now())).encode("utf-8"))
        say(sys.argv[0], datetime.datetime.now())


def main():
    parser = argparse.ArgumentParser(description="The seed's EchoClient (Python 3 port).")
    parser.add_argument("--host", default="127.0.0.1", help="server address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8007, help="server port (default 8007)")
    parser.add_argument("--interval", type=float, default=5.0,
                        help="seconds between messages (default 5)")
    args = parser.parse_args()
    if args.interval <= 0:
        parser.error("--interval must be positive")

    factory = EchoClientFactory()
    reactor.connectTCP(args.host, args.port, factory)
    # The seed's thread looked first, then slept: the first message goes one interval in.
    LoopingCall(routine, factory).start(args.interval, now=False)
    reactor.run()


if __name__ == "__main__":
    main()
