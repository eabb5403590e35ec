#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The seed's SpreadServer, ported to Python 3 and Twisted 22 for the interop tests.

Behaviour is kept as the seed has it, quirks included: every dataReceived()
chunk is one message; a chunk that is exactly b"close" drops its sender and
is written, without a line ending, to every other client; anything else is
only printed, never relayed.

Additions, for tests only: --port (0 picks a free port and prints
"port: N" as the first line) and a flush after every line printed.
"""

import argparse
import sys

from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.internet.protocol import Factory, Protocol

WELCOME = "欢迎来到Spread Site, 你是第%s个客户端用户!\n"

clients = []


def emit(data):
    """Writes bytes and a line feed to stdout, as Python 2's print did with a str."""
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.buffer.flush()


def say(text):
    emit(text.encode("utf-8"))


class Spreader(Protocol):
    def __init__(self, factory):
        self.factory = factory

    def connectionMade(self):
        self.factory.numProtocols += 1
        self.transport.write((WELCOME % self.factory.numProtocols).encode("utf-8"))
        say("new connect: %d" % self.factory.numProtocols)
        clients.append(self)

    def connectionLost(self, reason):
        self.factory.numProtocols -= 1
        clients.remove(self)
        say("lost connect: %d" % self.factory.numProtocols)

    def dataReceived(self, data):
        if data == b"close":
            self.transport.loseConnection()
            for client in clients:
                if client is not self:
                    client.transport.write(data)
        else:
            emit(data)


class SpreadFactory(Factory):
    def __init__(self):
        self.numProtocols = 0

    def buildProtocol(self, addr):
        return Spreader(self)


def main():
    parser = argparse.ArgumentParser(description="The seed's SpreadServer (Python 3 port).")
    parser.add_argument("--port", type=int, default=8007,
                        help="port to listen on (default 8007); 0 picks a free one, printed first")
    args = parser.parse_args()

    def listening(port):
        if args.port == 0:
            say("port: %d" % port.getHost().port)

    exitCode = []

    def failed(failure):
        sys.stderr.write("spread_server.py: cannot listen on port %d: %s\n"
                         % (args.port, failure.getErrorMessage()))
        sys.stderr.flush()
        exitCode.append(1)
        reactor.callWhenRunning(reactor.stop)

    endpoint = TCP4ServerEndpoint(reactor, args.port)
    endpoint.listen(SpreadFactory()).addCallbacks(listening, failed)
    reactor.run()
    return exitCode[0] if exitCode else 0

if __name__ == "__main__":
    sys.exit(main())
