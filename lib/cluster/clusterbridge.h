// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <memory>

#include "core/settinglimits.h"

class SpreadServer;
class QThread;

/**
 * Joins a SpreadServer to a broadcast domain on a NATS cluster, so that the
 * clients of every server in the domain hear each other.
 *
 * The bridge lives on the server's thread. Everything that touches NATS (the
 * nats.c connection and its callbacks) lives in a worker object on the
 * bridge's own QThread; the two talk only by queued signals, so neither the
 * server nor a window ever blocks on NATS.
 *
 * Subjects: spread.v1.<domain>.msg.<serverId> carries what local clients say,
 * spread.v1.<domain>.presence.<serverId> carries joins, leaves and periodic
 * counts. The envelope is in NATS headers (see README, "Cluster"); the body
 * is the client's bytes, unchanged.
 *
 * A local message that the server relays is published after the local relay;
 * a remote message is delivered to local clients and never published again.
 * The "close" rule and the welcome number stay local.
 *
 * Built only when libnats is found (SPREAD_NATS); isAvailable() says whether
 * this build has it.
 */
class ClusterBridge : public QObject
{
    Q_OBJECT

public:
    struct Settings {
        QStringList urls;                          ///< nats://host:port, tried in turn
        QString domain = QStringLiteral("default");           ///< [A-Za-z0-9_-]+
        QString serverId;                          ///< empty: made unique at start()
        qint64 reconnectBufferBytes = Limits::NatsBufferBytes.defaultValue;   ///< publishes kept while disconnected
        int presenceIntervalMs = 2000;             ///< periodic count; a peer silent for 3 intervals is gone
        // Security (README, "Security across machines"). Files are paths; secrets are never logged.
        QString tlsCaFile;         ///< PEM CAs the NATS nodes are verified against; TLS is on with it
        QString tlsCertFile;       ///< PEM client certificate (chain), with tlsKeyFile: for nats-server's verify
        QString tlsKeyFile;
        QString user;              ///< with password (or passwordFile)
        QString passwordFile;      ///< read by start(), first line; overrides password
        QByteArray password;       ///< e.g. from SPREAD_NATS_PASSWORD
        QString tokenFile;         ///< read by start(), first line, into token
        QByteArray token;
        QString credsFile;         ///< a NATS .creds file (JWT and NKey seed)
        QString nkeySeedFile;      ///< the NKey seed and, on another line, its public key (nk -gen user -pubout)
        QByteArray nkeyPublic;     ///< found in nkeySeedFile by start()
        /** TLS is used: a CA, a client certificate or a tls:// URL. Never a plain-text fallback then. */
        bool wantsTls() const;
    };

    enum class State {
        Off,            ///< not started, or stopped
        Connecting,     ///< first connection not yet made
        Connected,
        Reconnecting,   ///< lost the node; publishes go to the reconnect buffer
    };
    Q_ENUM(State)

    /** Why a remote message was refused; the words are in cluster/wire.h (ClusterReasons). */
    enum class Refusal {
        TooLong,        ///< longer than the local server's maxMessageBytes
        LineFeed,       ///< not one message of the local framing (a line feed, in line framing)
        ForgedOrigin,   ///< Spread-Origin missing or not the subject's server id
        BadHeader,      ///< Spread-Client, Spread-Seq or Spread-Time missing or unreadable
        BadPresence,    ///< presence JSON too large, or of the wrong types or ranges
        SequenceBack,   ///< a sequence number not above the last one seen from that origin
        OtherFraming,   ///< from a server whose presence announces another framing (said once per peer)
    };
    Q_ENUM(Refusal)
    static constexpr int RefusalKinds = int(Refusal::OtherFraming) + 1;

    struct Stats {
        QString connectedUrl;      ///< the node in use, empty when not connected
        quint64 published = 0;     ///< local messages handed to NATS
        quint64 received = 0;      ///< remote messages delivered to local clients
        quint64 dropped = 0;       ///< local messages that did not fit the reconnect buffer
        quint64 gaps = 0;          ///< remote messages missing, by sequence number
        qint64 bufferedBytes = 0;  ///< waiting in the reconnect buffer
        quint64 refused = 0;       ///< remote messages refused, whatever the reason (README, "What is refused")
        std::array<quint64, RefusalKinds> refusedByKind {};   ///< the same, by Refusal
        quint64 refusedFor(Refusal kind) const { return refusedByKind[size_t(kind)]; }
    };

    /** A server of the domain, from its presence messages; this server is one of them. */
    struct Peer {
        QString serverId;
        QString host;              ///< the machine it runs on
        quint16 port = 0;          ///< its client port
        int clients = 0;
        QString framing;           ///< its Framing::spec(); "line" if its presence says none
        qint64 lastSeenMs = 0;     ///< ms since the epoch
        bool self = false;
    };

    static bool isAvailable();
    /** Whether @p domain is usable in a subject: [A-Za-z0-9_-]+. */
    static bool isValidDomain(const QString &domain);

    explicit ClusterBridge(SpreadServer *server, QObject *parent = nullptr);
    ~ClusterBridge() override;   ///< stops, joins the worker thread

    /** Connects in the background; stateChanged() tells how it goes. False if @p settings are invalid. */
    bool start(const Settings &settings);
    /** Says goodbye to the domain, flushes, closes. */
    void stop();

    Settings settings() const;
    QString serverId() const;
    State state() const;
    /** Between start() and stop(): the bridge means to be in the domain, whatever its state. */
    bool isStarted() const;
    Stats stats() const;
    QList<Peer> peers() const;
    QString errorString() const;

signals:
    void stateChanged(ClusterBridge::State state, const QString &detail);
    /** Counters changed; emitted at most a few times a second. */
    void statsChanged();
    void peersChanged();
    /** A message of a client of @p origin, delivered to @p deliveredTo local clients. */
    void remoteMessageReceived(const QString &origin, quint64 clientId, const QByteArray &message,
                               int deliveredTo);
    /** Messages @p first .. @p last of @p origin never arrived (a failover, a full buffer). */
    void gapDetected(const QString &origin, quint64 first, quint64 last);
    /** @p count local messages did not fit the reconnect buffer of @p bufferBytes; said at most once a second. */
    void messagesDropped(quint64 count, qint64 bufferBytes);
    /**
     * @p count messages from @p origin were refused for @p reason (too long, a line feed, a
     * forged or unreadable header, bad presence, a sequence going backwards) since the last
     * time this reason was said; said at most once a second per reason.
     */
    void messagesRefused(const QString &origin, const QString &reason, quint64 count);
    /** A server of the domain was heard from for the first time (peersChanged() follows). */
    void peerJoined(const QString &serverId);
    /** A server left the domain: it said so, or fell silent for 3 presence intervals. */
    void peerLeft(const QString &serverId, const QString &reason);
    /** Something went wrong that is no state change, a gap or a drop (a failed publish, for example). */
    void warning(const QString &text);

private:
    class Worker;
    struct Shared;
    struct Incoming;
    void deliverInbox();
    void handlePresence(const Incoming &in, qint64 nowMs);
    void expirePeers();
    void publishStats();
    /** Counts a refusal of @p kind from @p origin; said by messagesRefused() now or, within a second of the last, later. */
    void refuse(const QString &origin, Refusal kind, const QString &reason);
    /** Says the refusals that waited their second; all of them with @p all (stopping). */
    void reportRefusals(bool all);
    void onRelayed(quint64 clientId, const QByteArray &message);
    void onClientCountChanged();
    void onFramingChanged();
    /** Says once per peer that its framing is not ours (its messages are then refused). */
    void warnOfFraming(const Peer &peer);
    void setState(State state, const QString &detail);

    SpreadServer *m_server;
    QThread *m_thread = nullptr;
    Worker *m_worker = nullptr;
    std::shared_ptr<Shared> m_shared;
};
