// SPDX-License-Identifier: MIT
#include "log/serverlog.h"

#include "cluster/clusterbridge.h"
#include "core/addresses.h"

using namespace Qt::Literals::StringLiterals;

ServerLog::ServerLog(SpreadServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
    connect(server, &SpreadServer::listeningChanged, this, [this](bool listening) {
        if (!listening || m_listening)
            return;
        m_listening = true;
        log(Log::Listening { m_server->serverAddress().toString(), m_server->serverPort() });
    });
    connect(server, &SpreadServer::stopped, this, [this] {
        // Said once per listen: a server that never listened has nothing to stop.
        if (std::exchange(m_listening, false))
            log(Log::Stopped {});
    });
    connect(server, &SpreadServer::clientConnected, this,
            [this](SpreadServer::ClientId id, const QHostAddress &address, quint16 port, int count) {
                log(Log::Connected { { id, Addresses::peerText(address, port), {} }, count });
            });
    connect(server, &SpreadServer::clientDisconnected, this,
            [this](SpreadServer::ClientId id, const QString &reason, int count) {
                // From the cache if the client ever spoke, else made once: a client that only
                // connects and leaves (churn) costs no cache entry.
                QString address = m_addresses.take(id);
                if (address.isNull()) {
                    const SpreadServer::ClientInfo info = m_server->clientInfo(id);
                    address = Addresses::peerText(info.address, info.port);
                }
                log(Log::Disconnected { { id, std::move(address), {} }, count, reason });
            });
    connect(server, &SpreadServer::clientRefused, this,
            [this](const QHostAddress &address, quint16 port, const QString &reason) {
                log(Log::Refused { Addresses::peerText(address, port), reason });
            });
    connect(server, &SpreadServer::messageReceived, this,
            [this](SpreadServer::ClientId id, const QByteArray &message, int relayedTo, const QString &tag) {
                if (m_messagesLogged)
                    log(Log::Received { localPeer(id), message, relayedTo, m_server->framing().isBinary(), tag });
            });
    connect(server, &SpreadServer::messageSent, this,
            [this](SpreadServer::ClientId to, const QByteArray &message, int receivers, const MessageCause &cause) {
                if (m_messagesLogged)
                    log(Log::Sent { to, message, receivers, m_server->framing().isBinary(), cause });
            });
    connect(server, &SpreadServer::warning, this, &ServerLog::warn);
}

void ServerLog::log(Log::What what)
{
    emit logged(Log::now(std::move(what)));
}

void ServerLog::warn(const QString &text)
{
    log(Log::Warning { text });
}

void ServerLog::captureState(const QString &file, const QString &format, bool writing, qint64 bytes, const QString &reason)
{
    log(Log::CaptureState { file, format, writing, bytes, reason });
}

QString ServerLog::peerAddress(SpreadServer::ClientId id)
{
    auto it = m_addresses.find(id);
    if (it == m_addresses.end()) {
        const SpreadServer::ClientInfo info = m_server->clientInfo(id);
        it = m_addresses.insert(id, Addresses::peerText(info.address, info.port));
    }
    return it.value();
}

Log::Peer ServerLog::localPeer(SpreadServer::ClientId id)
{
    return { id, peerAddress(id), {} };
}

void ServerLog::attachBridge(ClusterBridge *bridge)
{
    if (m_bridge == bridge)
        return;
    if (m_bridge)
        m_bridge->disconnect(this);
    m_bridge = bridge;
    m_clusterState = bridge->state();
    connect(bridge, &ClusterBridge::stateChanged, this, &ServerLog::onBridgeState);
    connect(bridge, &ClusterBridge::remoteMessageReceived, this,
            [this](const QString &origin, quint64 client, const QByteArray &message, int deliveredTo) {
                if (m_messagesLogged)
                    log(Log::Received { { client, {}, origin }, message, deliveredTo, m_server->framing().isBinary(), {} });
            });
    connect(bridge, &ClusterBridge::gapDetected, this, [this](const QString &origin, quint64 first, quint64 last) {
        log(Log::Gap { origin, first, last });
    });
    connect(bridge, &ClusterBridge::messagesDropped, this, [this](quint64 count, qint64 bufferBytes) {
        log(Log::Dropped { count, bufferBytes });
    });
    connect(bridge, &ClusterBridge::peerJoined, this, [this](const QString &serverId) {
        log(Log::ServerJoined { serverId, m_bridge->settings().domain });
    });
    connect(bridge, &ClusterBridge::peerLeft, this, [this](const QString &serverId, const QString &reason) {
        log(Log::ServerLeft { serverId, m_bridge->settings().domain, reason });
    });
    connect(bridge, &ClusterBridge::warning, this, [this](const QString &text) { log(Log::ClusterWarning { text }); });
    connect(bridge, &ClusterBridge::messagesRefused, this, [this](const QString &origin, const QString &reason, quint64 count) {
        log(Log::RemoteRefused { origin, reason, count });
    });
}

void ServerLog::onBridgeState(ClusterBridge::State state, const QString &detail)
{
    // A state is said again when its reason changes: "refused: Authorization Violation;
    // next try in 4 s" after "no node reachable yet" (the bridge backs off, so this is rare).
    const ClusterBridge::State previous = std::exchange(m_clusterState, state);
    const QString lastDetail = std::exchange(m_clusterDetail, detail);
    if (state == previous && detail == lastDetail && state != ClusterBridge::State::Connected)
        return;
    Log::ClusterState event { state, previous, detail, m_bridge->settings().domain, m_bridge->serverId(),
                              state == ClusterBridge::State::Off && !m_bridge->isStarted() };
    if (state == ClusterBridge::State::Connected && !m_bridge->stats().connectedUrl.isEmpty())
        event.detail = m_bridge->stats().connectedUrl;
    log(std::move(event));
}
