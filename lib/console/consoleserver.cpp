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
    return Addresses::peerText(info.address, info.port);
}
} // namespace

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
