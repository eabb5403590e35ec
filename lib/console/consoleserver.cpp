// SPDX-License-Identifier: MIT
#include "console/options.h"
#include "console/consoleio.h"

#include "core/addresses.h"
#include "core/displaytext.h"
#include "log/logevent.h"
#include "console/signalwatcher.h"
#include "console/stdinreader.h"
#include "core/tlsfiles.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QTimer>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <csignal>
#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace Headless;

namespace {
const QString PROGRAM = u"spread-server"_s;

QString peerText(const SpreadServer::ClientInfo &info)
{
    if (info.address.protocol() == QAbstractSocket::IPv6Protocol)
        return u"[%1]:%2"_s.arg(info.address.toString()).arg(info.port);
    return u"%1:%2"_s.arg(info.address.toString()).arg(info.port);
}
/** @p text as a byte count: a whole number with an optional K, M or G (powers of 1024); -1 if it is not one. */
qint64 byteCount(const QString &text)
{
    static const QRegularExpression pattern(u"^(\\d{1,12})([KMG]?)i?B?$"_s, QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return -1;
    const QString unit = match.captured(2).toUpper();
    const int shift = unit == u"K"_s ? 10 : unit == u"M"_s ? 20 : unit == u"G"_s ? 30 : 0;
    return match.captured(1).toLongLong() << shift;
}

std::optional<int> parseClusterOptions(const QCommandLineParser &parser, ClusterBridge::Settings *cluster)
{
    const bool wanted = parser.isSet(u"nats"_s);
    for (const QString &name : { u"domain"_s, u"server-id"_s, u"nats-buffer"_s }) {
        if (parser.isSet(name) && !wanted) {
            printError(PROGRAM, u"--%1 needs --nats"_s.arg(name));
            return 2;
        }
    }
    if (!wanted)
        return std::nullopt;
    if (!ClusterBridge::isAvailable()) {
        printError(PROGRAM, u"--nats: this build has no NATS support (rebuild with libnats-dev and -DSPREAD_NATS=ON)"_s);
        return 2;
    }
    cluster->urls.clear();
    for (const QString &url : parser.values(u"nats"_s).join(u',').split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = url.trimmed();
        static const QRegularExpression urlPattern(u"^((nats|tls)://)?[^\\s/:]+(:\\d{1,5})?$"_s);
        if (!urlPattern.match(trimmed).hasMatch()) {
            printError(PROGRAM, u"bad value for --nats: '%1' (nats://host:port, comma-separated)"_s.arg(url));
            return 2;
        }
        cluster->urls.append(trimmed);
    }
    if (cluster->urls.isEmpty()) {
        printError(PROGRAM, u"bad value for --nats: '' (nats://host:port, comma-separated)"_s);
        return 2;
    }
    if (parser.isSet(u"domain"_s)) {
        cluster->domain = parser.value(u"domain"_s);
        if (!ClusterBridge::isValidDomain(cluster->domain)) {
            printError(PROGRAM, u"bad value for --domain: '%1' (letters, digits, '_' and '-')"_s.arg(cluster->domain));
            return 2;
        }
    }
    if (parser.isSet(u"server-id"_s)) {
        cluster->serverId = parser.value(u"server-id"_s);
        if (!ClusterBridge::isValidDomain(cluster->serverId)) {   // the same rule: it is a subject token too
            printError(PROGRAM, u"bad value for --server-id: '%1' (letters, digits, '_' and '-')"_s.arg(cluster->serverId));
            return 2;
        }
    }
    if (parser.isSet(u"nats-buffer"_s)) {
        const qint64 bytes = byteCount(parser.value(u"nats-buffer"_s));
        if (bytes < 1 || bytes > std::numeric_limits<int>::max()) {
            printError(PROGRAM, u"bad value for --nats-buffer: '%1' (bytes from 1 to 2047M; K, M, G suffixes)"_s
                                        .arg(parser.value(u"nats-buffer"_s)));
            return 2;
        }
        cluster->reconnectBufferBytes = bytes;
    }
    return std::nullopt;
}
} // namespace

std::optional<int> parseServerOptions(const QStringList &arguments, ServerOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
            "spread-server", "Broadcast server: greets each client with its number, relays every line to the "
                             "other clients, and drops a client that sends \"close\"."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
    parser.addVersionOption();
    const auto tr = [](const char *text) { return QCoreApplication::translate("spread-server", text); };
    parser.addOptions({
        { u"headless"_s, tr("Run in the console, without a window.") },
        { u"bind"_s, tr("Address to listen on: an IPv4 or IPv6 address, 'any' (default) or 'localhost'."), u"address"_s },
        { u"port"_s, tr("Port to listen on (default 8007); 0 picks a free one, printed first."), u"port"_s },
        { u"welcome"_s, tr("Welcome line; %1 is the client's number; empty sends none."), u"text"_s },
        { u"no-relay"_s, tr("Log messages only, do not relay them (the seed's monitor mode).") },
        { u"max-clients"_s, tr("Most clients at once (default 10000); the next gets \"server full\"."), u"n"_s },
        { u"max-message-bytes"_s, tr("Longest message (default 65536); longer drops the sender."), u"n"_s },
        { u"max-backlog-bytes"_s, tr("Most unsent bytes per client (default 4194304); more drops it as too slow."), u"n"_s },
        { u"flush-ms"_s, tr("Quiet time after which a line without an ending is a message (default 200; 0: at once)."), u"ms"_s },
        { u"quiet"_s, tr("Do not print messages, only connections.") },
        { u"log-format"_s, tr("Output format: text (default) or jsonl."), u"format"_s },
        { u"log-file"_s, tr("Also append the log to this file, in the same format."), u"file"_s },
        { u"allow"_s, tr("Admit only clients from this subnet (CIDR, e.g. 192.168.1.0/24 or ::1); repeatable."), u"cidr"_s },
        { u"max-per-ip"_s, tr("Most connections from one address (default: no limit)."), u"n"_s },
        { u"tls-cert"_s, tr("Serve TLS with this PEM certificate (chain); needs --tls-key."), u"file"_s },
        { u"tls-key"_s, tr("The PEM private key of --tls-cert."), u"file"_s },
        { u"tls-ca"_s, tr("Require client certificates signed by these PEM CAs (mutual TLS)."), u"file"_s },
        { u"nats"_s, tr("Join a broadcast domain on this NATS cluster: nats://host:port, comma-separated, nearest "
                        "first (needs a build with NATS)."), u"urls"_s },
        { u"domain"_s, tr("The broadcast domain to join with --nats (default 'default'; letters, digits, '_', '-')."), u"name"_s },
        { u"server-id"_s, tr("This server's id in the domain (default: host-port-random, new each run)."), u"id"_s },
        { u"nats-buffer"_s, tr("Bytes of messages kept while NATS is unreachable (default 8M; K, M, G suffixes)."), u"bytes"_s },
    });
    if (auto exit = finishParse(parser, arguments, PROGRAM, &options->explicitlySet))
        return exit;

    options->headless = parser.isSet(u"headless"_s);
    options->logFile = parser.value(u"log-file"_s);
    options->quiet = parser.isSet(u"quiet"_s);
    if (parser.isSet(u"bind"_s)) {
        const auto address = Addresses::parseBind(parser.value(u"bind"_s));
        if (!address) {
            printError(PROGRAM, u"bad value for --bind: '%1' (an IP address, 'any' or 'localhost')"_s.arg(parser.value(u"bind"_s)));
            return 2;
        }
        options->bind = *address;
    }
    qint64 port = options->port;
    qint64 maxClients = options->settings.maxClients;
    qint64 maxMessage = options->settings.maxMessageBytes;
    qint64 maxBacklog = options->settings.maxBacklogBytes;
    qint64 flushMs = options->settings.flushDelayMs;
    if (!intValue(parser, u"port"_s, 0, 65535, &port, PROGRAM)
        || !intValue(parser, u"max-clients"_s, 1, 1000000, &maxClients, PROGRAM)
        || !intValue(parser, u"max-message-bytes"_s, 1, 256 * 1024 * 1024, &maxMessage, PROGRAM)
        || !intValue(parser, u"max-backlog-bytes"_s, 1, qint64(1) << 32, &maxBacklog, PROGRAM)
        || !intValue(parser, u"flush-ms"_s, 0, 3600 * 1000, &flushMs, PROGRAM))
        return 2;
    qint64 maxPerIp = options->settings.maxPerAddress;
    if (!intValue(parser, u"max-per-ip"_s, 1, 1000000, &maxPerIp, PROGRAM))
        return 2;
    options->settings.maxPerAddress = int(maxPerIp);
    for (const QString &text : parser.values(u"allow"_s)) {
        const auto subnet = Addresses::parseSubnet(text);
        if (!subnet) {
            printError(PROGRAM, u"bad value for --allow: '%1' (an address or a subnet such as 10.0.0.0/8)"_s.arg(text));
            return 2;
        }
        options->settings.allowed.append(*subnet);
    }
    const QString certFile = parser.value(u"tls-cert"_s);
    const QString keyFile = parser.value(u"tls-key"_s);
    const QString caFile = parser.value(u"tls-ca"_s);
    if (!certFile.isEmpty() || !keyFile.isEmpty() || !caFile.isEmpty()) {
        if (certFile.isEmpty() || keyFile.isEmpty()) {
            printError(PROGRAM, u"TLS needs both --tls-cert and --tls-key"_s);
            return 2;
        }
        QString error;
        const auto tls = TlsFiles::serverConfiguration(certFile, keyFile, caFile, &error);
        if (!tls) {
            printError(PROGRAM, error);
            return 2;
        }
        options->tls = *tls;
    }
    options->port = quint16(port);
    options->settings.maxClients = int(maxClients);
    options->settings.maxMessageBytes = maxMessage;
    options->settings.maxBacklogBytes = maxBacklog;
    options->settings.flushDelayMs = int(flushMs);
    options->settings.relay = !parser.isSet(u"no-relay"_s);
    if (parser.isSet(u"welcome"_s))
        options->settings.welcome = parser.value(u"welcome"_s);
    if (auto exit = parseClusterOptions(parser, &options->cluster))
        return exit;
    if (parser.isSet(u"log-format"_s)) {
        const QString format = parser.value(u"log-format"_s);
        if (format == u"text"_s) {
            options->logFormat = LogFormat::Text;
        } else if (format == u"jsonl"_s) {
            options->logFormat = LogFormat::Jsonl;
        } else {
            printError(PROGRAM, u"bad value for --log-format: '%1' (text or jsonl)"_s.arg(format));
            return 2;
        }
    }
    return std::nullopt;
}

int runHeadlessServer(const ServerOptions &options)
{
    SpreadServer server;
    server.setSettings(options.settings);
    server.setTlsConfiguration(options.tls);

    QFile logFile(options.logFile);
    if (!options.logFile.isEmpty() && !logFile.open(QIODevice::WriteOnly | QIODevice::Append)) {
        printError(PROGRAM, u"cannot open the log file %1: %2"_s.arg(options.logFile, logFile.errorString()));
        return 1;
    }
    QTimer logFlush;   // the file, like stdout, is written at most LOG_FLUSH_MS after a line
    logFlush.setSingleShot(true);
    logFlush.setTimerType(Qt::PreciseTimer);
    logFlush.setInterval(LOG_FLUSH_MS);
    QObject::connect(&logFlush, &QTimer::timeout, &logFile, [&logFile] { logFile.flush(); });

    const auto write = [&](const QByteArray &line) {
        printBytes(line);
        if (logFile.isOpen()) {
            logFile.write(line);
            if (!logFlush.isActive())
                logFlush.start();
        }
    };
    const auto print = [&](LogEvent event) {
        event.timeMs = QDateTime::currentMSecsSinceEpoch();
        write((options.logFormat == LogFormat::Jsonl ? event.toJson() : event.toText().toUtf8()) + '\n');
    };
    // The text log's line for a message, local or remote: the hot path of a busy server,
    // the same line as LogEvent::toText(), built as bytes with no round trip through
    // QString for plain text. @p line holds the time and the sender's tag.
    const auto writeMessage = [&](QByteArray line, const QByteArray &message) {
        if (DisplayText::isPlainText(message))
            line.append(message);
        else
            line.append(DisplayText::escaped(message).toUtf8());
        line.append('\n');
        write(line);
    };

    if (!server.listen(options.bind, options.port)) {
        printError(PROGRAM, u"cannot listen on %1 port %2: %3"_s.arg(options.bind.toString()).arg(options.port)
                                    .arg(server.errorString()));
        return 1;
    }
    print({ LogEvent::Kind::Listening, 0, 0, {}, server.serverPort(), {}, server.serverAddress().toString() });

    // The NATS bridge, with --nats: its own lines, "cluster: ..." in text, their own events in JSON.
    std::unique_ptr<ClusterBridge> bridge;
    const auto clusterLog = [&](const QString &event, const QJsonObject &fields, const QString &text) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (options.logFormat == LogFormat::Jsonl) {
            QJsonObject o = fields;
            o.insert(u"time"_s, QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs));
            o.insert(u"event"_s, event);
            write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        } else {
            write((LogEvent::timestamp(now) + u" cluster: "_s + text).toUtf8() + '\n');
        }
    };
    if (!options.cluster.urls.isEmpty()) {
        bridge = std::make_unique<ClusterBridge>(&server);
        QObject::connect(bridge.get(), &ClusterBridge::stateChanged, &server,
                         [&](ClusterBridge::State state, const QString &detail) {
                             static const char *const names[] = { "off", "connecting", "connected", "reconnecting" };
                             const QString name = QString::fromLatin1(names[int(state)]);
                             clusterLog(u"cluster"_s, { { u"state"_s, name }, { u"detail"_s, detail } },
                                        state == ClusterBridge::State::Connected ? u"connected to %1"_s.arg(detail)
                                                                                 : u"%1 (%2)"_s.arg(name, detail));
                         });
        QObject::connect(bridge.get(), &ClusterBridge::peerJoined, &server, [&](const QString &id) {
            clusterLog(u"peer-joined"_s, { { u"server"_s, id } }, u"%1 joined"_s.arg(id));
        });
        QObject::connect(bridge.get(), &ClusterBridge::peerLeft, &server, [&](const QString &id, const QString &reason) {
            clusterLog(u"peer-left"_s, { { u"server"_s, id }, { u"reason"_s, reason } }, u"%1 left (%2)"_s.arg(id, reason));
        });
        QObject::connect(bridge.get(), &ClusterBridge::warning, &server, [&](const QString &text) {
            clusterLog(u"cluster-warning"_s, { { u"reason"_s, text } }, u"warning: "_s + text);
        });
        if (options.logFormat == LogFormat::Jsonl) {   // in text, the warning above says it all
            QObject::connect(bridge.get(), &ClusterBridge::gapDetected, &server,
                             [&](const QString &origin, quint64 first, quint64 last) {
                                 clusterLog(u"gap"_s, { { u"origin"_s, origin }, { u"first"_s, qint64(first) },
                                                        { u"last"_s, qint64(last) }, { u"missing"_s, qint64(last - first + 1) } },
                                            {});
                             });
        }
        if (!options.quiet) {
            QObject::connect(bridge.get(), &ClusterBridge::remoteMessageReceived, &server,
                             [&](const QString &origin, quint64 client, const QByteArray &message, int deliveredTo) {
                                 const qint64 now = QDateTime::currentMSecsSinceEpoch();
                                 if (options.logFormat == LogFormat::Jsonl) {
                                     QJsonObject o { { u"origin"_s, origin }, { u"client"_s, qint64(client) },
                                                     { u"delivered"_s, deliveredTo }, { u"bytes"_s, message.size() },
                                                     { u"text"_s, DisplayText::escaped(message) } };
                                     if (!DisplayText::isPlainText(message))
                                         o.insert(u"base64"_s, QString::fromLatin1(message.toBase64()));
                                     clusterLog(u"remote"_s, o, {});
                                     return;
                                 }
                                 // Like a local message, with "origin/#client" where the address would be.
                                 QByteArray line = LogEvent::timestampUtf8(now);
                                 line.append(" [").append(origin.toUtf8()).append("/#").append(QByteArray::number(client)).append("] ");
                                 writeMessage(std::move(line), message);
                             });
        }
        if (!bridge->start(options.cluster)) {
            printError(PROGRAM, u"cannot join the NATS domain: %1"_s.arg(bridge->errorString()));
            return 1;
        }
        clusterLog(u"cluster"_s, { { u"state"_s, u"starting"_s }, { u"server"_s, bridge->serverId() },
                                   { u"domain"_s, options.cluster.domain } },
                   u"server %1 in domain %2"_s.arg(bridge->serverId(), options.cluster.domain));
    }

    // Each client's address:port, formatted once rather than for every message.
    // "[#id address:port] ", the text log's prefix of a client's messages, in
    // UTF-8: made at its first message, so that idle clients cost nothing here.
    QHash<SpreadServer::ClientId, QByteArray> tags;
    const auto tagOf = [&](SpreadServer::ClientId id) -> const QByteArray & {
        auto it = tags.find(id);
        if (it == tags.end())
            it = tags.insert(id, u"[#%1 %2] "_s.arg(id).arg(peerText(server.clientInfo(id))).toUtf8());
        return it.value();
    };
    QObject::connect(&server, &SpreadServer::clientConnected, &server,
                     [&](SpreadServer::ClientId id, const QHostAddress &address, quint16 port, int count) {
                         print({ LogEvent::Kind::Connected, 0, id, peerText({ id, address, port }), count, {}, {} });
                     });
    QObject::connect(&server, &SpreadServer::clientDisconnected, &server,
                     [&](SpreadServer::ClientId id, const QString &reason, int count) {
                         tags.remove(id);
                         print({ LogEvent::Kind::Disconnected, 0, id, peerText(server.clientInfo(id)), count, {}, reason });
                     });
    QObject::connect(&server, &SpreadServer::clientRefused, &server,
                     [&](const QHostAddress &address, quint16 port, const QString &reason) {
                         print({ LogEvent::Kind::Refused, 0, 0, peerText({ 0, address, port }), -1, {}, reason });
                     });
    if (!options.quiet) {
        QObject::connect(&server, &SpreadServer::messageReceived, &server,
                         [&](SpreadServer::ClientId id, const QByteArray &message, int relayedTo) {
                             if (options.logFormat == LogFormat::Jsonl) {
                                 print({ LogEvent::Kind::Received, 0, id, peerText(server.clientInfo(id)), relayedTo, message, {} });
                                 return;
                             }
                             QByteArray line = LogEvent::timestampUtf8(QDateTime::currentMSecsSinceEpoch());
                             line.reserve(line.size() + 48 + message.size());
                             line.append(' ').append(tagOf(id));
                             writeMessage(std::move(line), message);
                         });
        QObject::connect(&server, &SpreadServer::messageSent, &server,
                         [&](SpreadServer::ClientId to, const QByteArray &message, int receivers) {
                             print({ LogEvent::Kind::Sent, 0, to, {}, receivers, message, {} });
                         });
    }
    QObject::connect(&server, &SpreadServer::warning, &server,
                     [&](const QString &text) { print({ LogEvent::Kind::Warning, 0, 0, {}, -1, {}, text }); });
    QObject::connect(&server, &SpreadServer::stopped, &server, [&] {
        print({ LogEvent::Kind::Stopped, 0, 0, {}, -1, {}, {} });
        if (logFile.isOpen())   // flush() on a file never opened warns on stderr
            logFile.flush();
        QCoreApplication::exit(0);
    });

    // Operator commands on standard input: a plain line goes to every client.
    StdinReader input;
    QObject::connect(&input, &StdinReader::lineRead, &server, [&](const QByteArray &line) {
        if (!line.startsWith('/')) {
            server.sendToAll(line);
            return;
        }
        const QString command = QString::fromUtf8(line);
        const QString verb = command.section(u' ', 0, 0);
        bool ok = false;
        const SpreadServer::ClientId id = command.section(u' ', 1, 1).toULongLong(&ok);
        const QString rest = command.section(u' ', 2);
        if (verb == u"/send"_s && ok) {
            if (!server.sendTo(id, rest.toUtf8()))
                printError(PROGRAM, u"no client #%1"_s.arg(id));
        } else if (verb == u"/drop"_s && ok) {
            if (!server.dropClient(id, rest))
                printError(PROGRAM, u"no client #%1"_s.arg(id));
        } else if (verb == u"/list"_s) {
            const auto ids = server.clients();
            printLine(u"%1 clients"_s.arg(ids.size()));
            for (SpreadServer::ClientId client : ids) {
                const auto info = server.clientInfo(client);
                printLine(u"#%1 %2 in %3/%4 B out %5/%6 B"_s.arg(client).arg(peerText(info))
                                  .arg(info.messagesIn).arg(info.bytesIn).arg(info.messagesOut).arg(info.bytesOut));
            }
        } else if (verb == u"/peers"_s) {
            if (!bridge) {
                printError(PROGRAM, u"not in a cluster (see --nats)"_s);
                return;
            }
            const auto peers = bridge->peers();
            printLine(u"%1 servers in domain %2"_s.arg(peers.size()).arg(bridge->settings().domain));
            for (const ClusterBridge::Peer &peer : peers) {
                printLine(u"%1 %2:%3 %4 clients%5"_s.arg(peer.serverId, peer.host).arg(peer.port).arg(peer.clients)
                                  .arg(peer.self ? u" (this server)"_s : QString()));
            }
        } else if (verb == u"/quit"_s) {
            server.stop();
        } else {
            printError(PROGRAM, u"commands: TEXT, /send ID TEXT, /drop ID [REASON], /list, /peers, /quit"_s);
        }
    });

    // SIGINT/SIGTERM: deliver what is queued, close every client, exit 0. A second one ends at once.
    SignalWatcher signalWatcher({ SIGINT, SIGTERM, SIGHUP });
    int signalsSeen = 0;
    QObject::connect(&signalWatcher, &SignalWatcher::received, &server, [&](int) {
        if (++signalsSeen > 1)
            QCoreApplication::exit(0);
        else
            server.stop(QCoreApplication::translate("spread-server", "server shutting down"));
    });

    return QCoreApplication::exec();
}
