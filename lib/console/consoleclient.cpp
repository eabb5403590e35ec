// SPDX-License-Identifier: MIT
#include "consoleclient.h"

#include "consoleio.h"
#include "capture/replayer.h"
#include "log/logformat.h"

#include <QCoreApplication>

#include <algorithm>


using namespace Qt::Literals::StringLiterals;
using namespace Headless;

namespace {
constexpr int MAX_PENDING_INPUT = 10000;   // lines typed before the connection is up
} // namespace

ConsoleClient::ConsoleClient(const ClientOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_signals(SignalWatcher::stopSignals())
{
    m_client.setInterval(options.intervalMs);
    m_client.setPeriodicEnabled(options.periodic);
    m_client.setMessageTemplate(options.messageTemplate);
    m_client.setLineEnding(options.lineEnding);
    m_client.setFraming(options.framing);
    m_client.setAutoReconnect(options.reconnect);
    m_client.setFlushDelay(options.flushDelayMs);
    m_client.setTlsEnabled(options.tls);
    m_client.setTlsConfiguration(options.tlsConfiguration);
    if (options.rules)
        m_rules.setRules(*options.rules);
    connect(&m_rules, &RuleRunner::warning, &m_log, &ClientLog::warn);
    if (!options.sendList.isEmpty()) {
        m_sendFileDone = false;
        m_sendFile = new MessageSequence(options.sendList, MessageTemplate::Syntax::Seed,
                                         [this](const MessageTemplate &message, quint64 sequence) {
                                             return m_client.sendTemplate(message, sequence);
                                         }, this);
        connect(m_sendFile, &MessageSequence::finished, this, [this](bool ok) {
            if (!ok)
                printError(ClientProgram, u"--send-file stopped after %1 of %2 messages: not connected"_s
                                                  .arg(m_sendFile->sent())
                                                  .arg(m_sendFile->total()));
            m_sendFileDone = true;
            finishIfDone();
        });
    }

    // The log first: "Connected..." is printed before the lines typed meanwhile are sent.
    connect(&m_log, &ClientLog::logged, this, [](const Log::Event &event) { printBytes(Log::line(event, Log::Format::Text, false)); });
    connect(&m_client, &EchoClient::connected, this, &ConsoleClient::onConnected);
    connect(&m_client, &EchoClient::messageSent, this, [this](const QByteArray &, bool periodic) { onSent(periodic); });
    connect(&m_client, &EchoClient::connectionFailed, this, &ConsoleClient::onConnectionEnded);
    connect(&m_client, &EchoClient::connectionLost, this, &ConsoleClient::onConnectionEnded);
    connect(&m_input, &StdinReader::lineRead, this, &ConsoleClient::onLineTyped);
    connect(&m_input, &StdinReader::finished, this, &ConsoleClient::onInputFinished);
    connect(&m_signals, &SignalWatcher::received, this, &ConsoleClient::onSignal);
}

int ConsoleClient::run()
{
    m_client.connectToServer(m_options.host, m_options.port);
    return QCoreApplication::exec();
}

void ConsoleClient::onConnected()
{
    for (const MessageTemplate &line : std::exchange(m_pendingInput, {}))
        m_client.sendTemplate(line, ++m_typedSent);
    if (m_sendFile && !m_sendFileDone && !m_sendFile->isRunning())
        m_sendFile->start();
    finishIfDone();
}

void ConsoleClient::onSent(bool periodic)
{
    if (periodic)
        finishIfDone();
}

void ConsoleClient::onConnectionEnded()
{
    // With --reconnect the client tries again; otherwise this is the end.
    if (m_client.state() == EchoClient::State::Unconnected)
        QCoreApplication::exit(m_finishing ? ExitOk : ExitFailure);
}

void ConsoleClient::onLineTyped(const QByteArray &typed)
{
    if (typed == "/rules") {
        printRules(m_rules);
        return;
    }
    const std::optional<MessageTemplate> message
            = typedTemplate(typed, m_client.framing(), MessageTemplate::Syntax::Seed, ClientProgram);
    if (!message)
        return;
    const MessageTemplate &line = *message;
    if (m_client.state() == EchoClient::State::Connected)
        m_client.sendTemplate(line, ++m_typedSent);
    else if (m_pendingInput.size() < MAX_PENDING_INPUT)
        m_pendingInput.append(line);
    else
        printError(ClientProgram, u"not connected; line dropped"_s);
}

void ConsoleClient::onInputFinished()
{
    m_inputDone = true;
    if (m_client.state() == EchoClient::State::Connected)
        finishIfDone();
}

void ConsoleClient::onSignal()
{
    m_finishing = true;
    if (m_client.state() == EchoClient::State::Connected) {
        m_client.disconnectFromServer();
    } else {
        m_client.abort();
        QCoreApplication::exit(ExitOk);
    }
}

void ConsoleClient::finishIfDone()
{
    const bool countDone = m_options.count > 0 && m_client.periodicSent() >= m_options.count;
    const bool inputOnly = !m_options.periodic && m_inputDone && m_pendingInput.isEmpty() && m_sendFileDone;
    if (m_finishing || !(countDone || inputOnly))
        return;
    m_finishing = true;
    m_client.setPeriodicEnabled(false);
    if (m_client.state() == EchoClient::State::Connected)
        m_client.disconnectFromServer();   // delivers what is queued, then closes
    else
        QCoreApplication::exit(ExitOk);
}

int runReplay(const ClientOptions &options)
{
    QString error;
    const std::optional<Recording> recording = CaptureReader::read(options.replayFile, &error);
    if (!recording) {
        printError(ClientProgram, u"bad value for --replay: %1"_s.arg(error));
        return ExitUsage;
    }
    const QList<quint64> found = recording->ids();
    QList<quint64> chosen;
    if (options.replayClients.contains(u"all"_s)) {
        chosen = found;
    } else if (options.replayClients.isEmpty()) {
        if (found.size() != 1) {
            printError(ClientProgram, u"%1 holds %2 recorded clients (ids: %3): choose with --from-client ID or --from-client all"_s
                                              .arg(options.replayFile)
                                              .arg(found.size())
                                              .arg(Replayer::idList(found)));
            return ExitUsage;
        }
        chosen = found;
    } else {
        for (const QString &text : options.replayClients) {
            const quint64 id = text.toULongLong();
            if (!found.contains(id)) {
                printError(ClientProgram, u"bad value for --from-client: %1 is not a client of %2 (ids: %3)"_s
                                                  .arg(text, options.replayFile, Replayer::idList(found)));
                return ExitUsage;
            }
            if (!chosen.contains(id))
                chosen.append(id);
        }
        std::sort(chosen.begin(), chosen.end());
    }
    if (chosen.isEmpty()) {
        printError(ClientProgram, u"%1 holds no recorded client that sent something"_s.arg(options.replayFile));
        return ExitUsage;
    }
    Replayer replayer;
    // The first SIGINT/SIGTERM sends nothing more, delivers what was sent and closes (the replay
    // then says how far it got and exits 1); a second one ends at once.
    SignalWatcher signalWatcher(SignalWatcher::stopSignals());
    QObject::connect(&signalWatcher, &SignalWatcher::received, &replayer, [&replayer] {
        if (replayer.isStopping())
            QCoreApplication::exit(ExitFailure);
        else
            replayer.stop();
    });
    QObject::connect(&replayer, &Replayer::finished, &replayer, [&replayer](bool ok, const QString &reason) {
        if (ok) {
            printLine(u"Replay done: %1 message(s) sent"_s.arg(replayer.total()));
            QCoreApplication::exit(ExitOk);
        } else {
            printError(ClientProgram, reason);
            QCoreApplication::exit(ExitFailure);
        }
    });
    printLine(u"Replaying %1 recorded client(s) (%2) to %3:%4"_s
                      .arg(chosen.size())
                      .arg(Replayer::idList(chosen))
                      .arg(options.host)
                      .arg(options.port));
    Replayer::Connection connection;
    connection.framing = options.framing;
    connection.lineEnding = options.lineEnding;
    connection.tls = options.tls;
    connection.tlsConfiguration = options.tlsConfiguration;
    replayer.start(*recording, chosen, options.host, options.port, options.replaySpeed, connection);
    return QCoreApplication::exec();
}

int runHeadlessClient(const ClientOptions &options)
{
    useLogBuffer();
    if (!options.replayFile.isEmpty())
        return runReplay(options);
    ConsoleClient client(options);
    return client.run();
}
