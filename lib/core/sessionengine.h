// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <deque>
#include <functional>
#include <unordered_set>
#include <memory>
#include <vector>

#include "core/framing.h"
#include "core/settinglimits.h"
#include "core/traffictap.h"

class QSocketNotifier;
struct sockaddr_in6;
class QTcpServer;
class SessionAcceptor;
class TlsContext;

/**
 * The session layer of the server: accepts connections, reads, frames,
 * writes and enforces the per-connection limits. It knows nothing of
 * welcome lines, relaying or the "close" rule; SpreadServer does.
 *
 * Design (see README, "Design"): the listening socket is a QTcpServer, but
 * accepted connections never become QTcpSockets. Each one is a small record
 * registered in one epoll set, and the epoll descriptor is the only socket
 * notifier that Qt's event dispatcher sees. Qt's dispatchers poll every
 * registered notifier on every wake-up; with one notifier, the cost of a
 * wake-up no longer grows with idle connections.
 *
 * Output is one copy, not one per receiver: the bytes sent in an event
 * batch are stored once, in reference-counted blocks, and each receiver
 * holds ranges of them. A broadcast does not even walk the receivers at
 * once: consecutive broadcasts from one sender form a run, and the run is
 * handed to every receiver in one walk when something else happens (another
 * sender, a single send, an open or close, a flush, the end of the batch).
 * Each receiver then writes everything it got in the batch with one
 * sendmsg(); a receiver that took it all holds nothing afterwards, and one
 * that could not keeps a reference to the unsent part.
 *
 * An idle session costs its 104-byte record: the records live in a slab,
 * found by id through an open-addressing index of slot numbers, and what
 * only a busy session needs (queued output beyond one range, an unfinished
 * line) is allocated while it is busy. After a peak, memory goes back:
 * emptied slab chunks, the index and the block pool shrink, and the heap is
 * trimmed shortly after a large release.
 *
 * TLS sessions are records in the same epoll set, driven by OpenSSL on
 * their descriptor (TlsContext): one SSL_CTX for all, and an SSL object only
 * from a client's first byte on, so a connection that never speaks costs a
 * plain record. At most Limits::maxHandshakes handshakes are in progress;
 * the others wait, unread, within the handshake deadline. A client becomes
 * a session (an id, sessionOpened()) when its handshake is done; until then
 * a failure is handshakeFailed() with the reason.
 *
 * Everything runs on the thread that owns the engine. Every signal is
 * emitted synchronously; handlers may call back into the engine.
 */
class SessionEngine : public QObject
{
    Q_OBJECT

public:
    using Id = quint64;

    struct Limits {
        // Defaults and ranges: core/settinglimits.h (::Limits, not this struct).
        qsizetype maxMessageBytes = ::Limits::MaxMessageBytes.defaultValue;   ///< longer: "message too long"
        qint64 maxBacklogBytes = ::Limits::MaxBacklogBytes.defaultValue;      ///< more unsent: "too slow"
        int flushDelayMs = int(::Limits::ServerFlushMs.defaultValue);   ///< quiet time before a partial line is a message; 0: every read is
        int closeTimeoutMs = ::Limits::CloseTimeoutMs;                  ///< graceful close: time to flush and see the peer's end
        int tlsHandshakeTimeoutMs = ::Limits::TlsHandshakeTimeoutMs;    ///< a TLS client must finish its handshake in this time
        int maxHandshakes = int(::Limits::MaxHandshakes.defaultValue);  ///< TLS handshakes in progress at once; the rest wait
        Framing framing;   ///< how a stream is cut into messages; a change drops the unfinished frames

        int quietMs() const { return framing.quietMs(flushDelayMs); }
    };

    struct SessionInfo {
        Id id = 0;
        QHostAddress address;
        quint16 port = 0;
        qint64 connectedAtMs = 0;    ///< ms since the epoch
        qint64 lastActivityMs = 0;   ///< ms since the epoch, last read or write
        quint64 messagesIn = 0;
        quint64 bytesIn = 0;
        quint64 messagesOut = 0;
        quint64 bytesOut = 0;
        qint64 pendingBytes = 0;
        bool encrypted = false;
    };

    /** What changes while a session runs: sessionInfo() without the address (cheap, for tables). */
    struct Counters {
        qint64 lastActivityMs = 0;
        quint64 messagesIn = 0;
        quint64 bytesIn = 0;
        quint64 messagesOut = 0;
        quint64 bytesOut = 0;
        qint64 pendingBytes = 0;

        bool operator==(const Counters &) const = default;
    };

    enum class CloseMode {
        Graceful,  ///< stop reading, deliver what is queued, then close
        Abort,     ///< discard what is queued and close now
    };
    Q_ENUM(CloseMode)

    explicit SessionEngine(QObject *parent = nullptr);
    ~SessionEngine() override;

    /**
     * From the next listen() on, serve TLS with @p configuration (certificate,
     * key, and for mutual TLS the CA certificates and VerifyPeer); a null
     * configuration serves plain TCP. A configuration OpenSSL cannot use
     * makes listen() fail with the reason in errorString(). A client that
     * fails its handshake never becomes a session: handshakeFailed() says why.
     */
    void setTlsConfiguration(const QSslConfiguration &configuration);
    /**
     * With TLS: asked at accept, before any TLS state is made, with the
     * client's address; a reason refuses it there and then (handshakeFailed()
     * with that reason), so that a client the server would turn away after
     * its handshake never costs one. Empty: admitted.
     */
    void setTlsAdmission(std::function<QString(const QHostAddress &)> admission) { m_admission = std::move(admission); }
    /** What sees every open session's bytes from now on (a capture), told of the open ones first; null: none. Not owned. */
    void setTap(TrafficTap *tap);
    TrafficTap *tap() const { return m_tap; }
    /** True from a non-null configuration on, also if OpenSSL refused it (listen() then fails). */
    bool isTlsEnabled() const { return m_tls || !m_tlsError.isEmpty(); }

    bool listen(const QHostAddress &address, quint16 port);
    /** Stops accepting; open sessions are not touched. */
    void stopListening();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QString errorString() const;

    Limits limits() const { return m_limits; }
    void setLimits(const Limits &limits);

    /** Open sessions: accepted and not yet closed. */
    int sessionCount() const { return m_openCount; }
    /** Sockets still held, closing ones included. */
    int socketCount() const { return m_liveCount; }
    /** Open sessions, oldest first. */
    QList<Id> sessionIds() const;
    bool contains(Id id) const;
    SessionInfo sessionInfo(Id id) const;
    /** The counters of an open or closing session; false if there is none. */
    bool counters(Id id, Counters *counters) const;

    /**
     * Takes over an already connected stream socket as a new session, as if
     * it had been accepted (socket activation, tests, fuzzing). The engine
     * owns and closes it.
     */
    void adoptSocket(qintptr socketDescriptor) { adopt(socketDescriptor); }

    /** Queues @p bytes, unframed, for one open session. */
    bool send(Id id, QByteArrayView bytes);
    /**
     * Queues @p bytes followed by @p suffix for every open session but
     * @p except; returns the number of receivers. A receiver whose backlog
     * this takes over the limit is closed as too slow by the end of the batch.
     */
    int sendToAll(QByteArrayView bytes, Id except = 0, QByteArrayView suffix = {});

    /** What the engine holds in memory, for tests: nothing here may grow with a past peak. */
    struct MemoryStats {
        int sessionsWithOutput = 0;   ///< sessions holding unsent bytes
        int sessionsWithExtra = 0;    ///< sessions holding their busy-state record
        int blocks = 0;               ///< output blocks allocated, pooled ones included
        qint64 blockBytes = 0;        ///< their size
        qint64 tableBytes = 0;        ///< the session slab, its index and free list
        qint64 storedBytes = 0;       ///< bytes ever copied into output blocks: one copy per send, not per receiver
        int tlsStates = 0;            ///< sessions holding OpenSSL state (handshaking or established)
        int handshaking = 0;          ///< TLS handshakes in progress (at most Limits::maxHandshakes)
    };
    MemoryStats memoryStats() const;
    /** Gives memory back now rather than shortly after a release (tests). */
    void trimMemory();
    /** Ends an open session; sessionClosed() is emitted before this returns. */
    bool closeSession(Id id, const QString &reason, CloseMode mode = CloseMode::Graceful);
    /** Stops listening and closes every session gracefully; drained() follows. */
    void closeAll(const QString &reason);

signals:
    void sessionOpened(Id id, const QHostAddress &address, quint16 port);
    /** A message, without its line ending. */
    void messageReceived(Id id, const QByteArray &message);
    void sessionClosed(Id id, const QString &reason);
    /** After closeAll(): the last socket is closed. */
    void drained();
    /** accept() failed (for example, out of file descriptors); accepting resumes shortly. */
    void acceptFailed(const QString &reason);
    /** A TLS client was turned away before it became a session (bad certificate, plain text, time-out). */
    void handshakeFailed(const QHostAddress &address, quint16 port, const QString &reason);

private:
    friend class SessionAcceptor;
    struct Session;
    struct Extra;
    struct OutBlock;
    struct Span;
    struct Run {
        OutBlock *block = nullptr;   // null: no run; else holds a reference
        quint32 begin = 0;
        quint32 end = 0;
        quint32 messages = 0;
        Id except = 0;
        int receivers = 0;
    };
    class SessionTable;
    class BatchScope;

    void adopt(qintptr fd, const sockaddr_in6 *accepted = nullptr);
    void onAcceptReady();
    void handshake(Session &s, quint32 events);
    void completeHandshake(Session &s);
    void refuse(Session &s, const QString &why);
    void startWaitingHandshakes();
    void evictStalledHandshakes();
    void readTls(Session &s);
    void readTlsBacklog();
    bool writeTls(Session &s);
    bool writePlain(Session &s);
    void wrote(Session &s, qint64 bytes);
    void openSession(Session *session);
    void tapOpened(Session &s, const SessionInfo &info, bool midStream = false);
    void consume(Session &s, QByteArrayView data);
    void onEpollReady();
    void onTimer();
    void readFrom(Session &s);
    void deliver(Session &s, QByteArrayView message);
    void deliverPartial(Session &s);
    /** At the end of @p s's stream: its unfinished frame delivered, or (binary framings) dropped and said in the reason. */
    QString endOfStream(Session &s, const QString &reason);
    void flush(Session &s);
    void beginLinger(Session &s);
    void finalize(Session &s);
    void updateInterest(Session &s);
    void markDirty(Session &s);
    void endBatch();
    void scheduleTimer();
    Span store(QByteArrayView bytes, QByteArrayView suffix = {});
    void copyInto(OutBlock *block, QByteArrayView bytes, QByteArrayView suffix);
    OutBlock *newBlock(quint32 capacity);
    void retain(OutBlock *block);
    void release(OutBlock *block);
    bool append(Session &s, OutBlock *block, quint32 begin, quint32 end, quint32 messages);
    void materialize();
    static qint64 queued(const Session &s);
    void dropOutput(Session &s);
    Extra &extra(Session &s);
    void trimExtra(Session &s);
    qint64 wallNow();
    void trim(bool heap);
    void setPeer(Session &s, const QHostAddress &address, quint16 port);
    Session *find(Id id) const;
    static quint64 epollTag(const Session &s);
    Session *atTag(quint64 tag) const;
    qint64 now() const { return m_clock.elapsed(); }
    int handshaking() const { return int(m_handshakes.size()); }

    Limits m_limits;
    TrafficTap *m_tap = nullptr;
    bool m_peerFailed = false;   // closeSession() is called for a read error of the peer's
    SessionAcceptor *m_acceptor = nullptr;
    std::unique_ptr<TlsContext> m_tls;   // null for plain TCP, or with m_tlsError if OpenSSL refused the configuration
    std::function<QString(const QHostAddress &)> m_admission;
    QString m_tlsError;
    bool m_startingWaiting = false;
    std::unordered_set<Id> m_handshakes; // records whose SSL object is still in its handshake
    std::deque<Id> m_waitingHandshakes;  // first bytes came while m_handshakes was at the cap
    QTimer m_stallTimer;                 // while some wait: gives stalled handshakes' places to them
    std::vector<Id> m_tlsBacklog;        // OpenSSL holds read bytes that epoll cannot report
    QTimer m_tlsBacklogTimer;
    QByteArray m_tlsGather;              // several queued ranges, one record of them per SSL_write
    Id m_nextPendingId = 1;              // ids of handshaking records, PendingIdBit set
    QSocketNotifier *m_epollNotifier = nullptr;
    QSocketNotifier *m_acceptNotifier = nullptr;   // on m_acceptor's socket, while listening
    int m_epollFd = -1;
    std::unique_ptr<SessionTable> m_table;   // every session still holding a socket, by id
    std::vector<Session *> m_open;   // open sessions, in no order: what a broadcast walks
    Id m_nextId = 1;
    int m_openCount = 0;
    int m_liveCount = 0;
    int m_batchDepth = 0;
    qsizetype m_batchRead = 0;   // bytes read in this wake-up
    bool m_closingAll = false;
    qint64 m_wallMs = -1;   // ms since the epoch, read once per batch
    std::vector<Session *> m_dirty;   // records stay valid until the batch ends
    std::vector<Session *> m_flushing;   // endBatch()'s copy of m_dirty
    std::vector<Session *> m_graveyard;   // finalized in this batch: recycled when it ends
    // Deadlines in ms of m_clock. Every entry of one queue has the same delay,
    // so each queue is sorted by construction and only its front is watched.
    std::deque<std::pair<qint64, Id>> m_quietDeadlines;
    std::deque<std::pair<qint64, Id>> m_closeDeadlines;
    std::deque<std::pair<qint64, Id>> m_handshakeDeadlines;
    QTimer m_timer;
    QTimer m_resumeAccept;
    QElapsedTimer m_clock;
    QByteArray m_readBuffer;
    QByteArray m_message;               // what messageReceived() carries, refilled
    bool m_delivering = false;
    Run m_run;                          // broadcasts not yet handed to the receivers
    OutBlock *m_current = nullptr;      // where stored bytes go; holds a reference
    std::vector<OutBlock *> m_pool;     // free standard blocks, capped
    int m_blocks = 0;
    qint64 m_blockBytes = 0;
    qint64 m_releasedBytes = 0;         // since the last trim
    qint64 m_storedBytes = 0;
    QTimer m_trimTimer;
};
