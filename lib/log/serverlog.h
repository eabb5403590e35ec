// SPDX-License-Identifier: MIT
#pragma once

#include "core/spreadserver.h"
#include "log/event.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class ClusterBridge;

/**
 * The server's log: listens to a SpreadServer (and, once attached, to its
 * ClusterBridge) and turns what they signal into finished Log::Events.
 * The console's output, every --log-file and the server window's log are
 * sinks of logged(); nobody else makes a log line of the server.
 *
 * It also keeps the one cache of each client's "address:port", made at its
 * first message (idle clients cost nothing here) and dropped when it leaves.
 */
class ServerLog : public QObject
{
    Q_OBJECT

public:
    explicit ServerLog(SpreadServer *server, QObject *parent = nullptr);

    SpreadServer *server() const { return m_server; }

    /** Whether messages (received, sent, remote) become events: off for a console server with --quiet. */
    bool messagesLogged() const { return m_messagesLogged; }
    void setMessagesLogged(bool logged) { m_messagesLogged = logged; }

    /** Adds the events of @p bridge, a bridge of this log's server, until it is destroyed. */
    void attachBridge(ClusterBridge *bridge);

    /** A problem of the program around the server (cannot listen, cannot open a file), logged as a warning. */
    void warn(const QString &text);
    /** Logs a --capture starting, or stopping (by itself when @p reason says why). */
    void captureState(const QString &file, const QString &format, bool writing, qint64 bytes, const QString &reason = {});

    /** "127.0.0.1:50123" of a connected client. */
    QString peerAddress(SpreadServer::ClientId id);

signals:
    void logged(const Log::Event &event);

private:
    void log(Log::What what);
    Log::Peer localPeer(SpreadServer::ClientId id);
    void onBridgeState(ClusterBridge::State state, const QString &detail);

    SpreadServer *m_server;
    QPointer<ClusterBridge> m_bridge;
    QHash<SpreadServer::ClientId, QString> m_addresses;
    ClusterBridge::State m_clusterState = ClusterBridge::State::Off;
    QString m_clusterDetail;
    bool m_messagesLogged = true;
    bool m_listening = false;
};
