// SPDX-License-Identifier: MIT
#include "console/options.h"
#include "console/consoleio.h"

#include "core/displaytext.h"
#include "console/signalwatcher.h"
#include "console/stdinreader.h"
#include "core/tlsfiles.h"

#include <QCoreApplication>

#include <csignal>
#include <cmath>

using namespace Qt::Literals::StringLiterals;
using namespace Headless;


namespace {
const QString PROGRAM = u"echo-client"_s;
constexpr int MAX_PENDING_INPUT = 10000;   // lines typed before the connection is up
} // namespace

int runHeadlessClient(const ClientOptions &options)
{
    EchoClient client;
    client.setInterval(options.intervalMs);
    client.setPeriodicEnabled(options.periodic);
    client.setMessageTemplate(options.messageTemplate);
    client.setLineEnding(options.lineEnding);
    client.setAutoReconnect(options.reconnect);
    client.setFlushDelay(options.flushDelayMs);
    client.setTlsEnabled(options.tls);
    client.setTlsConfiguration(options.tlsConfiguration);

    QList<QByteArray> pendingInput;   // typed before the connection was up
    bool inputDone = false;
    bool finishing = false;           // we decided to end; a lost connection then means success

    // Ends the run once everything asked for is sent: --count reached, or
    // standard input ended with nothing periodic to do.
    const auto finishIfDone = [&] {
        const bool countDone = options.count > 0 && client.periodicSent() >= options.count;
        const bool inputOnly = !options.periodic && inputDone && pendingInput.isEmpty();
        if (finishing || !(countDone || inputOnly))
            return;
        finishing = true;
        client.setPeriodicEnabled(false);
        if (client.state() == EchoClient::State::Connected)
            client.disconnectFromServer();   // delivers what is queued, then closes
        else
            QCoreApplication::exit(0);
    };

    QObject::connect(&client, &EchoClient::connecting, &client, [](const QString &, quint16) {
        printLine(u"Start to Connect..."_s);
    });
    QObject::connect(&client, &EchoClient::connected, &client, [&] {
        printLine(u"Connected..."_s);
        if (client.isTlsEnabled())
            printLine(u"Server certificate: "_s + client.peerCertificateSummary());
        for (const QByteArray &line : std::exchange(pendingInput, {}))
            client.send(line);
        finishIfDone();
    });
    QObject::connect(&client, &EchoClient::messageReceived, &client, [](const QByteArray &message) {
        printLine(DisplayText::escaped(message));
    });
    QObject::connect(&client, &EchoClient::messageSent, &client, [&](const QByteArray &message, bool periodic) {
        printLine(u"sent: "_s + DisplayText::escaped(message));
        if (periodic)
            finishIfDone();
    });
    QObject::connect(&client, &EchoClient::connectionFailed, &client, [&](const QString &reason) {
        printLine(u"Connection is failed, Reason: "_s + reason);
        if (client.state() == EchoClient::State::Unconnected)
            QCoreApplication::exit(finishing ? 0 : 1);
    });
    QObject::connect(&client, &EchoClient::connectionLost, &client, [&](const QString &reason) {
        printLine(u"Lost connection. Reason: "_s + reason);
        if (client.state() == EchoClient::State::Unconnected)
            QCoreApplication::exit(finishing ? 0 : 1);
    });
    QObject::connect(&client, &EchoClient::reconnectScheduled, &client, [](int delayMs) {
        printLine(u"Reconnecting in %1 s..."_s.arg(delayMs / 1000.0));
    });

    StdinReader input;
    QObject::connect(&input, &StdinReader::lineRead, &client, [&](const QByteArray &line) {
        if (client.state() == EchoClient::State::Connected)
            client.send(line);
        else if (pendingInput.size() < MAX_PENDING_INPUT)
            pendingInput.append(line);
        else
            printError(PROGRAM, u"not connected; line dropped"_s);
    });
    QObject::connect(&input, &StdinReader::finished, &client, [&] {
        inputDone = true;
        if (client.state() == EchoClient::State::Connected)
            finishIfDone();
    });

    SignalWatcher signalWatcher({ SIGINT, SIGTERM, SIGHUP });
    QObject::connect(&signalWatcher, &SignalWatcher::received, &client, [&](int) {
        finishing = true;
        if (client.state() == EchoClient::State::Connected) {
            client.disconnectFromServer();
        } else {
            client.abort();
            QCoreApplication::exit(0);
        }
    });

    client.connectToServer(options.host, options.port);
    return QCoreApplication::exec();
}
