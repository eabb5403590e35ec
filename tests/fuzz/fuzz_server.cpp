// SPDX-License-Identifier: MIT
// libFuzzer target: the server's input path, end to end, over real sockets.
//
// Three clients are socket pairs handed to a SpreadServer. The input is a
// little program: each step writes bytes from one client, half-closes it,
// closes it, or lets the event loop run. At the end every client still open
// must have received exactly the welcome and then, in order, what the server
// says it received from the others (or "close" for a close command).

#include "core/spreadserver.h"

#include <QCoreApplication>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int CLIENTS = 3;

QCoreApplication *app()
{
    static int argc = 1;
    static char name[] = "fuzz_server";
    static char *argv[] = { name, nullptr };
    static QCoreApplication *instance = new QCoreApplication(argc, argv);
    return instance;
}

QByteArray drain(int fd)
{
    QByteArray all;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        all.append(buffer, n);
    }
    return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    app();
    SpreadServer server;
    SpreadServer::Settings settings;
    settings.maxMessageBytes = 64;
    settings.flushDelayMs = 0;   // partial lines at once: no timers to wait for
    server.setSettings(settings);

    struct Event {
        SpreadServer::ClientId from;
        QByteArray message;
    };
    QList<Event> events;
    QObject::connect(&server, &SpreadServer::messageReceived, &server,
                     [&events](SpreadServer::ClientId id, const QByteArray &message, int) {
                         events.append({ id, message });
                     });
    QList<SpreadServer::ClientId> dropped;
    QObject::connect(&server, &SpreadServer::clientDisconnected, &server,
                     [&dropped](SpreadServer::ClientId id, const QString &, int) { dropped.append(id); });

    std::array<int, CLIENTS> fds {};
    std::array<bool, CLIENTS> open {};
    std::array<QByteArray, CLIENTS> received;
    for (int i = 0; i < CLIENTS; ++i) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
            std::abort();
        fcntl(pair[0], F_SETFL, O_NONBLOCK);
        fds[i] = pair[0];
        open[i] = true;
        server.adoptConnection(pair[1]);   // ids 1, 2, 3
    }

    for (size_t at = 0; at + 1 < size;) {
        const uint8_t op = data[at];
        const int who = data[at + 1] % CLIENTS;
        at += 2;
        switch (op % 4) {
        case 0: {   // write up to 32 bytes
            const size_t length = qMin<size_t>(size - at, 1 + op / 8);
            // The server may have closed this client already: no SIGPIPE, and any error is fine.
            if (open[who])
                [[maybe_unused]] const ssize_t sent = ::send(fds[who], data + at, length, MSG_NOSIGNAL);
            at += length;
            break;
        }
        case 1:
            if (open[who])
                ::shutdown(fds[who], SHUT_WR);
            break;
        case 2:
            if (open[who]) {
                received[who] += drain(fds[who]);
                ::close(fds[who]);
                open[who] = false;
            }
            break;
        case 3:
            QCoreApplication::processEvents();
            break;
        }
        for (int i = 0; i < CLIENTS; ++i) {
            if (open[i])
                received[i] += drain(fds[i]);
        }
    }
    for (int round = 0; round < 20; ++round) {
        QCoreApplication::processEvents();
        for (int i = 0; i < CLIENTS; ++i) {
            if (open[i])
                received[i] += drain(fds[i]);
        }
    }

    for (int i = 0; i < CLIENTS; ++i) {
        const SpreadServer::ClientId id = SpreadServer::ClientId(i + 1);
        if (!open[i] || dropped.contains(id))
            continue;   // a closed or dropped reader may have missed the end
        QByteArray expected = server.welcomeLine(i + 1);
        for (const Event &e : std::as_const(events)) {
            if (e.from != id)
                expected += (SpreadServer::isCloseCommand(e.message) ? QByteArray("close") : e.message) + '\n';
        }
        if (received[i] != expected)
            std::abort();
    }
    for (int i = 0; i < CLIENTS; ++i) {
        if (open[i])
            ::close(fds[i]);
    }
    return 0;
}
