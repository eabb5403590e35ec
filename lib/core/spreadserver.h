// SPDX-License-Identifier: MIT
#pragma once

#include "core/settinglimits.h"
#include "core/sessionengine.h"
#include "core/messagehook.h"
#include "core/messagetemplate.h"

#include <QByteArrayList>
#include <optional>
#include <QHash>
#include <QHostAddress>
#include <QObject>

/**
 * The broadcast server of the seed's SpreadServer, made precise: greets each
 * client with its number, relays every message to every other client, and
 * on "close" drops the sender and tells the others. The connections
 * themselves live in SessionEngine.
 */
class SpreadServer : public QObject
{
    Q_OBJECT

public:
    using ClientId = SessionEngine::Id;
    using ClientInfo = SessionEngine::SessionInfo;

    struct Settings {
        QString welcome = defaultWelcome();   ///< %1 is the client count; empty sends nothing; text framings only
        QByteArray welcomeBytes;              ///< if set, sent as they are instead of the welcome text, in any framing
        Framing framing;                      ///< how clients' streams are cut into messages, and how messages are sent
        bool relay = true;                    ///< false: log only, the seed's monitor mode
        // Defaults and ranges: core/settinglimits.h.
        int maxClients = int(Limits::MaxClients.defaultValue);
        qsizetype maxMessageBytes = Limits::MaxMessageBytes.defaultValue;
        qint64 maxBacklogBytes = Limits::MaxBacklogBytes.defaultValue;
        int flushDelayMs = int(Limits::ServerFlushMs.defaultValue);
        QList<QPair<QHostAddress, int>> allowed;   ///< subnets admitted; empty admits everyone
        int maxPerAddress = int(Limits::MaxPerAddress.defaultValue);   ///< connections from one address; 0: no limit
        int tlsHandshakeTimeoutMs = Limits::TlsHandshakeTimeoutMs;     ///< with TLS: time allowed for the handshake
        int maxHandshakes = int(Limits::MaxHandshakes.defaultValue);   ///< with TLS: handshakes in progress at once
    };

    static QString defaultWelcome();
    static constexpr quint16 DefaultPort = quint16(Limits::ServerPort.defaultValue);

    explicit SpreadServer(QObject *parent = nullptr);

    Settings settings() const { return m_settings; }
    void setSettings(const Settings &settings);
    bool relay() const { return m_settings.relay; }
    void setRelay(bool relay);
    void setWelcome(const QString &welcome);

    /** Serve TLS from the next listen() on (see SessionEngine::setTlsConfiguration()). */
    void setTlsConfiguration(const QSslConfiguration &configuration) { m_engine->setTlsConfiguration(configuration); }
    bool isTlsEnabled() const { return m_engine->isTlsEnabled(); }

    bool listen(const QHostAddress &address = QHostAddress::Any, quint16 port = DefaultPort);
    bool isListening() const { return m_engine->isListening(); }
    QHostAddress serverAddress() const { return m_engine->serverAddress(); }
    quint16 serverPort() const { return m_engine->serverPort(); }
    QString errorString() const { return m_engine->errorString(); }

    /** Serves an already connected stream socket as a new client; the server owns it. */
    void adoptConnection(qintptr socketDescriptor) { m_engine->adoptSocket(socketDescriptor); }

    /** Stops listening; closes every client after delivering what was queued; stopped() follows. */
    void stop(const QString &reason = QString());

    int clientCount() const { return m_engine->sessionCount(); }
    /** What the session engine holds (tests, benchmarks). */
    SessionEngine::MemoryStats memoryStats() const { return m_engine->memoryStats(); }
    QList<ClientId> clients() const { return m_engine->sessionIds(); }
    bool hasClient(ClientId id) const { return m_engine->contains(id); }
    ClientInfo clientInfo(ClientId id) const { return m_engine->sessionInfo(id); }
    /** clientInfo() without the address: what a table refreshes. False if there is no such client. */
    bool clientCounters(ClientId id, SessionEngine::Counters *counters) const { return m_engine->counters(id, counters); }

    /**
     * Sends @p message, framed (Framing::encode() and its suffix(): a line feed in
     * line framing), to every client; returns how many. A message the framing
     * cannot carry is not sent: warning() says why and 0 is returned.
     */
    int sendToAll(const QByteArray &message, const MessageCause &cause = {});
    bool sendTo(ClientId id, const QByteArray &message, const MessageCause &cause = {});
    /**
     * Sends @p message expanded (its @p sequence-th send) to the clients @p to,
     * or to all if empty; expanded once, or once per receiver when it uses
     * {client}. Returns how many received it.
     */
    int sendTemplate(const MessageTemplate &message, quint64 sequence, const QList<ClientId> &to = {},
                     const MessageCause &cause = {});
    /** What sees every client's bytes as they cross the socket (a Capture), the connected ones included; null: none. Not owned. */
    void setTap(TrafficTap *tap) { m_engine->setTap(tap); }
    /** What looks at each client message before it is relayed (a RuleRunner); null: none. Not owned. */
    void setHook(MessageHook *hook) { m_hook = hook; }
    const Framing &framing() const { return m_settings.framing; }
    bool dropClient(ClientId id, const QString &reason = QString());
    /**
     * Sends @p messages, from clients of other servers (ClusterBridge), each plus
     * the framing's suffix, to every local client in one write per client; returns
     * how many clients. Not relayed further, not logged here.
     */
    int deliverRemote(const QByteArrayList &messages);

    /** The welcome for the @p count-th client as it goes on the wire (framed); empty if none. */
    QByteArray welcomeLine(int count) const;
    static bool isCloseCommand(QByteArrayView message);
    /** Why a new connection from @p address is refused, or an empty string if it is welcome. */
    QString refusalFor(const QHostAddress &address) const;
    bool isAllowed(const QHostAddress &address) const;

signals:
    void listeningChanged(bool listening);
    void clientConnected(SpreadServer::ClientId id, const QHostAddress &address, quint16 port, int clientCount);
    void clientRefused(const QHostAddress &address, quint16 port, const QString &reason);
    /** @p tag: what the hook tagged it with (rules), empty if nothing. */
    void messageReceived(SpreadServer::ClientId id, const QByteArray &message, int relayedTo, const QString &tag);
    /** A client's message was relayed (relay on, not "close"): what a ClusterBridge publishes. */
    void messageRelayed(SpreadServer::ClientId id, const QByteArray &message);
    /** Sent by the server itself; @p to is 0 for all clients. */
    void messageSent(SpreadServer::ClientId to, const QByteArray &message, int receivers, const MessageCause &cause);
    void clientDisconnected(SpreadServer::ClientId id, const QString &reason, int clientCount);
    void stopped();
    void warning(const QString &text);
    /** setSettings() changed the framing (a cluster bridge announces it). */
    void framingChanged();

private:
    void onSessionOpened(ClientId id, const QHostAddress &address, quint16 port);
    void onMessage(ClientId id, const QByteArray &message);
    void onSessionClosed(ClientId id, const QString &reason);
    void applyLimits();
    void splitWelcome();
    /** @p message encoded for the framing, or nothing (warning() said why). */
    std::optional<QByteArray> encode(const QByteArray &message);

    SessionEngine *m_engine;
    MessageHook *m_hook = nullptr;
    Settings m_settings;
    QByteArrayList m_welcomeParts;   // the welcome in UTF-8, split at each %1: said once per connection
    QHash<QHostAddress, int> m_perAddress;   // open clients by address, while maxPerAddress is set
    ClientId m_refusing = 0;
    bool m_stopping = false;
};
