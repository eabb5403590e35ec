// SPDX-License-Identifier: MIT
#include "consoleserver.h"

#include "cluster/clusterbridge.h"
#include "consoleio.h"
#include "core/addresses.h"
#include "core/reasons.h"
#include "log/logformat.h"

#include <QCoreApplication>


using namespace Qt::Literals::StringLiterals;
using namespace Headless;

namespace {
constexpr qsizetype MaxKeptLineBytes = 64 * 1024;
} // namespace

ConsoleServer::ConsoleServer(const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_signals(SignalWatcher::stopSignals())
{
    m_server.setSettings(options.settings);
    m_server.setTlsConfiguration(options.tls);
    if (options.rules)
        m_rules.setRules(*options.rules);
    connect(&m_rules, &RuleRunner::warning, &m_log, &ServerLog::warn);
    m_log.setMessagesLogged(!options.quiet);
    m_logFile.setFormat(options.logFormat);
    // The log first: its lines come before anything a handler below does about the same event.
    connect(&m_log, &ServerLog::logged, this, &ConsoleServer::write);
    connect(&m_server, &SpreadServer::stopped, this, &ConsoleServer::onStopped);
    connect(&m_input, &StdinReader::lineRead, this, &ConsoleServer::onCommand);
    connect(&m_signals, &SignalWatcher::received, this, &ConsoleServer::onSignal);
}

ConsoleServer::~ConsoleServer()
{
    m_bridge.reset();   // the bridge goes first, while the server it is joined to still exists
}

int ConsoleServer::run()
{
    if (!openLogFile() || !listen() || !startCapture() || !joinCluster())
        return ExitFailure;
    return QCoreApplication::exec();
}

bool ConsoleServer::openLogFile()
{
    if (m_options.logFile.isEmpty() || m_logFile.open(m_options.logFile))
        return true;
    printError(ServerProgram, u"cannot open the log file %1: %2"_s.arg(m_options.logFile, m_logFile.errorString()));
    return false;
}

bool ConsoleServer::listen()
{
    if (m_server.listen(m_options.bind, m_options.port))
        return true;
    printError(ServerProgram, u"cannot listen on %1 port %2: %3"_s.arg(m_options.bind.toString()).arg(m_options.port)
                                .arg(m_server.errorString()));
    return false;
}

bool ConsoleServer::joinCluster()
{
    if (m_options.cluster.urls.isEmpty())
        return true;
    m_bridge = std::make_unique<ClusterBridge>(&m_server);
    m_log.attachBridge(m_bridge.get());
    // Other servers' messages in the capture, from a pseudo peer per origin.
    connect(m_bridge.get(), &ClusterBridge::remoteMessageReceived, this,
            [this](const QString &origin, quint64, const QByteArray &message) {
                m_capture.remote(origin, message + m_server.framing().suffix());
            });
    if (m_bridge->start(m_options.cluster))
        return true;
    printError(ServerProgram, u"cannot join the NATS domain: %1"_s.arg(m_bridge->errorString()));
    return false;
}

bool ConsoleServer::startCapture()
{
    const QString &file = m_options.captureFile;
    if (file.isEmpty())
        return true;
    const QString description = Capture::description(m_server.serverAddress(), m_server.serverPort());
    if (!m_capture.start(file, m_options.captureMaxBytes, description)) {
        printError(ServerProgram, u"cannot write the capture file %1: %2"_s.arg(file, m_capture.errorString()));
        return false;
    }
    const QString format = CaptureFile::formatName(m_capture.format());
    connect(&m_capture, &Capture::stoppedWithError, this, [this, file, format](const QString &reason) {
        m_server.setTap(nullptr);   // the server goes on; only the capture stopped
        m_log.captureState(file, format, false, m_capture.bytesWritten(), reason);
    });
    connect(&m_capture, &Capture::framesDropped, this, [this](quint64 total) {
        m_log.warn(u"capture: %1 frames not captured so far: the disk does not keep up with the traffic"_s.arg(total));
    });
    m_capture.setServerEndpoint(m_server.serverAddress(), m_server.serverPort());
    m_server.setTap(&m_capture);
    m_log.captureState(file, format, true, 0);
    return true;
}

void ConsoleServer::write(const Log::Event &event)
{
    // One buffer for every line: printing and the file copy it out, so it never detaches.
    m_line.resize(0);
    Log::appendLine(m_line, event, m_logFile.format());
    printBytes(m_line);
    m_logFile.write(event, m_line);
    if (m_line.capacity() > MaxKeptLineBytes)
        m_line = QByteArray();   // after a long message: not kept for the ones to come
}

void ConsoleServer::onStopped()
{
    if (m_capture.isRunning()) {
        m_capture.stop();   // every client's end is in it: they are all closed
        m_log.captureState(m_capture.fileName(), CaptureFile::formatName(m_capture.format()), false,
                           m_capture.bytesWritten());
    }
    m_logFile.flush();
    QCoreApplication::exit(ExitOk);
}

void ConsoleServer::onSignal()
{
    // The first SIGINT/SIGTERM delivers what is queued and closes every client; a second one ends at once.
    if (++m_signalsSeen > 1)
        QCoreApplication::exit(ExitOk);
    else
        m_server.stop(Reasons::ServerShuttingDown);
}

void ConsoleServer::onCommand(const QByteArray &line)
{
    if (!line.startsWith('/')) {
        if (const auto message = typedTemplate(line, m_server.framing(), MessageTemplate::Syntax::Plain, ServerProgram))
            m_server.sendTemplate(*message, ++m_typedSent);
        return;
    }
    const QString command = QString::fromUtf8(line);
    const QString verb = command.section(u' ', 0, 0);
    const QString arguments = command.section(u' ', 1);
    if (verb == u"/send"_s)
        sendCommand(arguments);
    else if (verb == u"/drop"_s)
        dropCommand(arguments);
    else if (verb == u"/list"_s)
        listClients();
    else if (verb == u"/peers"_s)
        listServers();
    else if (verb == u"/rules"_s)
        printRules(m_rules);
    else if (verb == u"/quit"_s)
        m_server.stop();
    else
        printError(ServerProgram, u"commands: TEXT, /send ID TEXT, /drop ID [REASON], /list, /peers, /rules, /quit"_s);
}

void ConsoleServer::sendCommand(const QString &arguments)
{
    bool ok = false;
    const SpreadServer::ClientId id = arguments.section(u' ', 0, 0).toULongLong(&ok);
    if (!ok) {
        printError(ServerProgram, u"usage: /send ID TEXT"_s);
    } else if (!m_server.hasClient(id)) {
        printError(ServerProgram, u"no client #%1"_s.arg(id));
    } else if (const auto message = typedTemplate(arguments.section(u' ', 1).toUtf8(), m_server.framing(),
                                                  MessageTemplate::Syntax::Plain, ServerProgram)) {
        m_server.sendTemplate(*message, ++m_typedSent, { id });   // one the framing cannot carry is a warning in the log
    }
}

void ConsoleServer::dropCommand(const QString &arguments)
{
    bool ok = false;
    const SpreadServer::ClientId id = arguments.section(u' ', 0, 0).toULongLong(&ok);
    if (!ok)
        printError(ServerProgram, u"usage: /drop ID [REASON]"_s);
    else if (!m_server.dropClient(id, arguments.section(u' ', 1)))
        printError(ServerProgram, u"no client #%1"_s.arg(id));
}

void ConsoleServer::listClients() const
{
    const auto ids = m_server.clients();
    printLine(u"%1 clients"_s.arg(ids.size()));
    for (SpreadServer::ClientId client : ids) {
        const auto info = m_server.clientInfo(client);
        printLine(u"#%1 %2 in %3/%4 B out %5/%6 B"_s.arg(client)
                          .arg(Addresses::peerText(info.address, info.port))
                          .arg(info.messagesIn)
                          .arg(info.bytesIn)
                          .arg(info.messagesOut)
                          .arg(info.bytesOut));
    }
}

void ConsoleServer::listServers() const
{
    if (!m_bridge) {
        printError(ServerProgram, u"not in a cluster (see --nats)"_s);
        return;
    }
    const auto peers = m_bridge->peers();
    printLine(u"%1 servers in domain %2"_s.arg(peers.size()).arg(m_bridge->settings().domain));
    for (const ClusterBridge::Peer &peer : peers) {
        printLine(u"%1 %2:%3 %4 clients%5"_s.arg(peer.serverId, peer.host)
                          .arg(peer.port)
                          .arg(peer.clients)
                          .arg(peer.self ? u" (this server)"_s : QString()));
    }
}

int runHeadlessServer(const ServerOptions &options)
{
    useLogBuffer();
    ConsoleServer server(options);
    return server.run();
}
