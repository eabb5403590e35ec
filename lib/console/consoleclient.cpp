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

std::optional<int> parseClientOptions(const QStringList &arguments, ClientOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
            "echo-client", "Chat client: connects to a SpreadSite server, prints what it receives, sends what "
                           "you type and, every interval, a message made from a template."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
    parser.addVersionOption();
    const auto tr = [](const char *text) { return QCoreApplication::translate("echo-client", text); };
    parser.addOptions({
        { u"headless"_s, tr("Run in the console, without a window.") },
        { u"host"_s, tr("Server host name or address (default 127.0.0.1)."), u"host"_s },
        { u"port"_s, tr("Server port (default 8007)."), u"port"_s },
        { u"interval"_s, tr("Seconds between periodic messages (default 5; fractions allowed)."), u"seconds"_s },
        { u"no-periodic"_s, tr("Send no periodic message, only what is typed.") },
        { u"message"_s, tr("Periodic message template; %1 is the program, %2 the date and time "
                           "(default \"hello, I'm %1 %2\")."), u"template"_s },
        { u"line-ending"_s, tr("Line ending added to each message: lf (default), crlf or none."), u"ending"_s },
        { u"count"_s, tr("Send this many periodic messages, wait until they are delivered, exit 0."), u"n"_s },
        { u"reconnect"_s, tr("Reconnect after a failure or loss, waiting 1 s doubling to 30 s.") },
        { u"flush-ms"_s, tr("Quiet time after which received bytes without a line ending are shown (default 200)."), u"ms"_s },
        { u"tls"_s, tr("Connect with TLS and verify the server (against the system's CAs, or --tls-ca).") },
        { u"tls-ca"_s, tr("Trust only these PEM CA certificates for the server (implies --tls)."), u"file"_s },
        { u"tls-cert"_s, tr("Present this PEM client certificate (implies --tls; needs --tls-key)."), u"file"_s },
        { u"tls-key"_s, tr("The PEM private key of --tls-cert."), u"file"_s },
    });
    if (auto exit = finishParse(parser, arguments, PROGRAM, &options->explicitlySet))
        return exit;

    options->headless = parser.isSet(u"headless"_s);
    options->periodic = !parser.isSet(u"no-periodic"_s);
    options->reconnect = parser.isSet(u"reconnect"_s);
    if (parser.isSet(u"host"_s)) {
        options->host = parser.value(u"host"_s).trimmed();
        if (options->host.isEmpty()) {
            printError(PROGRAM, u"bad value for --host: it is empty"_s);
            return 2;
        }
    }
    qint64 port = options->port;
    qint64 count = options->count;
    qint64 flushMs = options->flushDelayMs;
    if (!intValue(parser, u"port"_s, 1, 65535, &port, PROGRAM) || !intValue(parser, u"count"_s, 1, 1000000000, &count, PROGRAM)
        || !intValue(parser, u"flush-ms"_s, 0, 3600 * 1000, &flushMs, PROGRAM))
        return 2;
    options->port = quint16(port);
    options->count = int(count);
    options->flushDelayMs = int(flushMs);
    if (parser.isSet(u"interval"_s)) {
        bool ok = false;
        const double seconds = parser.value(u"interval"_s).toDouble(&ok);
        if (!ok || !std::isfinite(seconds) || seconds < 0.001 || seconds > 86400) {
            printError(PROGRAM, u"bad value for --interval: '%1' (seconds, from 0.001 to 86400)"_s.arg(parser.value(u"interval"_s)));
            return 2;
        }
        options->intervalMs = qMax(1, int(std::lround(seconds * 1000)));
    }
    if (parser.isSet(u"message"_s))
        options->messageTemplate = parser.value(u"message"_s);
    if (parser.isSet(u"line-ending"_s)) {
        const QString ending = parser.value(u"line-ending"_s).toLower();
        if (ending == u"lf"_s) {
            options->lineEnding = EchoClient::LineEnding::Lf;
        } else if (ending == u"crlf"_s) {
            options->lineEnding = EchoClient::LineEnding::CrLf;
        } else if (ending == u"none"_s) {
            options->lineEnding = EchoClient::LineEnding::None;
        } else {
            printError(PROGRAM, u"bad value for --line-ending: '%1' (lf, crlf or none)"_s.arg(parser.value(u"line-ending"_s)));
            return 2;
        }
    }
    const QString caFile = parser.value(u"tls-ca"_s);
    const QString certFile = parser.value(u"tls-cert"_s);
    const QString keyFile = parser.value(u"tls-key"_s);
    options->tls = parser.isSet(u"tls"_s) || !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty();
    if (options->tls) {
        QString error;
        const auto tls = TlsFiles::clientConfiguration(caFile, certFile, keyFile, &error);
        if (!tls) {
            printError(PROGRAM, error);
            return 2;
        }
        options->tlsConfiguration = *tls;
    }
    if (options->count > 0 && !options->periodic) {
        printError(PROGRAM, u"--count counts periodic messages; it cannot go with --no-periodic"_s);
        return 2;
    }
    return std::nullopt;
}

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
