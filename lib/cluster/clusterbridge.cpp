// SPDX-License-Identifier: MIT
/*
 * The NATS bridge.
 *
 * Threads:
 *  - the server's thread: ClusterBridge. It takes what SpreadServer relayed
 *    (messageRelayed), numbers it (a sequence per origin, from 1) and queues
 *    it in Shared::outbox; it delivers what came from other servers
 *    (Shared::inbox) and keeps the peers and the per-origin sequence numbers.
 *  - the bridge's QThread: Worker. It owns the natsConnection: connects,
 *    publishes the outbox and the presence messages, closes.
 *  - nats.c's own threads (the subscription's delivery thread, the
 *    connection-event thread): the C callbacks below. They copy what they
 *    need out of the natsMsg, append it to Shared::inbox under its mutex and
 *    post at most one queued call to the bridge per batch; connection events
 *    are posted to the worker. They never touch a QObject otherwise.
 *
 * Both queues wake their reader only when they go from empty to non-empty:
 * a flood costs one queued event per event-loop pass, not one per message.
 *
 * Wire (NATS headers, body unchanged):
 *   subject  spread.v1.<domain>.msg.<serverId>       body: the client's bytes, no line ending
 *            spread.v1.<domain>.presence.<serverId>  body: JSON, see presenceBody()
 *   headers  Spread-Origin  the publishing server's id
 *            Spread-Client  the client's id on that server (messages only)
 *            Spread-Seq     per origin, 1, 2, 3 ... (messages only)
 *            Spread-Time    ms since the epoch when it was published
 */
#include "cluster/clusterbridge.h"

#include "cluster/wire.h"
#include "core/logcategories.h"
#include "core/spreadserver.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMap>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QUrl>

#ifdef SPREAD_HAVE_NATS
#include <nats/nats.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int RECONNECT_WAIT_MS = 250;         // between rounds over the URLs
constexpr int REFUSED_WAIT_MAX_MS = 30000;     // a refused round (credentials, certificate) waits 250 ms, doubling to this
constexpr int CONNECT_TIMEOUT_MS = 1000;       // per node
constexpr int STOP_FLUSH_MS = 500;             // stop(): time given to deliver what is buffered
constexpr int CLOSE_WAIT_MS = 3000;            // stop(): time for nats.c's threads to let go of us
constexpr int STATS_INTERVAL_MS = 250;         // statsChanged() at most this often
constexpr int COUNT_DELAY_MS = 100;            // a changed client count is announced after this
constexpr int WARN_INTERVAL_MS = 1000;         // drop warnings at most once a second
constexpr int MISSED_INTERVALS = 3;            // a peer silent this many intervals is gone
// Refusals waiting for their report are kept per origin and reason; a flood of invented
// origins is folded into one, so that what is refused cannot grow our memory.
constexpr int REFUSAL_ORIGINS_MAX = 1024;
constexpr qint64 INBOX_LIMIT_BYTES = 64 * 1024 * 1024;   // remote messages not yet delivered
// Local messages not yet handed to nats.c (at least): the server thread can read a flood
// faster than the worker publishes it, and that alone must not cost messages.
constexpr qint64 OUTBOX_LIMIT_BYTES = 64 * 1024 * 1024;
constexpr int SUB_PENDING_MESSAGES = 1000000;  // nats.c's own queue before our callback
constexpr int SUB_PENDING_BYTES = 256 * 1024 * 1024;

const QRegularExpression &tokenPattern()
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]+$"_s);
    return pattern;
}

/** @p url with a scheme, or empty if it is not a usable NATS URL. */
QString normalizedUrl(const QString &text)
{
    QString url = text.trimmed();
    if (url.isEmpty())
        return {};
    if (!url.contains(u"://"_s))
        url.prepend(u"nats://"_s);
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty()
        || (parsed.scheme() != u"nats"_s && parsed.scheme() != u"tls"_s))
        return {};
    return url;
}

QString defaultServerId(quint16 port)
{
    QString host = QSysInfo::machineHostName();
    for (QChar &c : host) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_')
            c = u'_';
    }
    if (host.isEmpty())
        host = u"spread"_s;
    // A new suffix every run: a restarted server is a new origin with its own sequence.
    const quint32 suffix = QRandomGenerator::system()->generate() & 0xffffff;
    return u"%1-%2-%3"_s.arg(host).arg(port).arg(qulonglong(suffix), 6, 16, QChar(u'0'));
}

#ifdef SPREAD_HAVE_NATS
/** "spread.v1.<domain>": what every subject of @p domain starts with. */
QByteArray subjectPrefix(const QString &domain)
{
    return "spread.v1." + domain.toUtf8();
}
#endif

/** The first line of the secret file @p path (no line ending), or nullopt, with @p error, when there is none. */
std::optional<QByteArray> readSecret(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return std::nullopt;
    }
    const QByteArray secret = file.readLine(64 * 1024).trimmed();
    if (secret.isEmpty()) {
        *error = QStringLiteral("the file is empty");
        return std::nullopt;
    }
    return secret;
}

bool sameStats(const ClusterBridge::Stats &a, const ClusterBridge::Stats &b)
{
    return a.connectedUrl == b.connectedUrl && a.published == b.published && a.received == b.received
            && a.dropped == b.dropped && a.gaps == b.gaps && a.bufferedBytes == b.bufferedBytes
            && a.refused == b.refused;
}

/** Whether @p value is a whole JSON number from @p minimum to @p maximum. */
bool isWholeNumber(const QJsonValue &value, qint64 minimum, qint64 maximum)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    return d >= double(minimum) && d <= double(maximum) && std::trunc(d) == d;
}

/** What is wrong with the presence @p body (ClusterReasons::Presence*), or empty; @p object is set when nothing is. */
QLatin1StringView presenceProblem(const QByteArray &body, QJsonObject *object)
{
    using namespace ClusterWire;
    if (body.size() > PresenceMaxBytes)
        return ClusterReasons::PresenceTooLarge;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return ClusterReasons::PresenceNotAnObject;
    const QJsonObject o = document.object();
    const QString event = o.value(u"event"_s).toString();
    if (event != u"join"_s && event != u"count"_s && event != u"leave"_s)
        return ClusterReasons::PresenceBadEvent;
    const QJsonValue hostValue = o.value(u"host"_s);
    const QString host = hostValue.toString();
    if (!hostValue.isString() || host.toUtf8().size() > PresenceMaxHostBytes
        || std::any_of(host.cbegin(), host.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; }))
        return ClusterReasons::PresenceBadHost;
    if (!isWholeNumber(o.value(u"port"_s), 0, 65535))   // 0: a server that does not listen (a watching window)
        return ClusterReasons::PresenceBadPort;
    if (!isWholeNumber(o.value(u"clients"_s), 0, std::numeric_limits<int>::max()))
        return ClusterReasons::PresenceBadClients;
    if (!isWholeNumber(o.value(u"intervalMs"_s), PresenceMinIntervalMs, PresenceMaxIntervalMs))
        return ClusterReasons::PresenceBadInterval;
    if (!isWholeNumber(o.value(u"lastSeq"_s), 0, PresenceMaxLastSeq))
        return ClusterReasons::PresenceBadLastSeq;
    // Optional: a server without it (before framings) frames by line.
    if (const QJsonValue framing = o.value(u"framing"_s); !framing.isUndefined()
        && (!framing.isString() || framing.toString().size() > PresenceMaxFramingBytes || !Framing::parse(framing.toString())))
        return ClusterReasons::PresenceBadFraming;
    *object = o;
    return {};
}
} // namespace

/** What a callback took out of a received natsMsg. */
struct ClusterBridge::Incoming
{
    bool presence = false;
    bool originMatches = false;          // Spread-Origin is there and names the subject's server
    QLatin1StringView badHeader;         // the first envelope header missing or unreadable
    QString origin;                      // the subject's server id
    quint64 client = 0;
    quint64 seq = 0;
    qint64 timeMs = 0;
    QByteArray body;
};

struct ClusterBridge::Shared
{
    struct Outgoing {
        quint64 client = 0;
        quint64 seq = 0;
        QByteArray body;
    };

    // Guarded by mutex: touched by the server thread, the worker and nats.c's callbacks.
    mutable QMutex mutex;
    Stats stats;
    QString error;
    int clients = 0;                     // for presence
    quint16 port = 0;
    QString framing;                     // the local server's Framing::spec(), for presence
    QList<Outgoing> outbox;              // server thread -> worker
    qint64 outboxBytes = 0;
    bool outboxPosted = false;
    QList<Incoming> inbox;               // nats.c -> server thread
    qint64 inboxBytes = 0;
    bool inboxPosted = false;
    ClusterBridge *bridge = nullptr;     // where callbacks post the inbox; null once stopping

    // The server thread's alone.
    Settings settings;
    QString serverId;
    State state = State::Off;
    QString stateDetail;
    bool started = false;
    quint64 nextSeq = 1;
    QHash<QString, quint64> lastSeq;     // per origin: the last sequence number seen
    QMap<QString, Peer> peers;           // the others
    QSet<QString> framingWarned;         // peers of another framing, already said
    QHash<QString, int> peerIntervalMs;
    QTimer *expiryTimer = nullptr;
    QTimer *statsTimer = nullptr;
    Stats lastEmitted;
    quint64 droppedWarned = 0;
    QElapsedTimer sinceDropWarning;
    struct RefusalReport {
        quint64 count = 0;               // refused since the last report
        QString reason;                  // the words of the latest
        QElapsedTimer sinceReport;       // invalid: never said
    };
    QHash<std::pair<QString, int>, RefusalReport> refusals;   // per origin and Refusal
};

// ---------------------------------------------------------------------------
// The worker: everything that calls nats.c, on the bridge's thread.

class ClusterBridge::Worker : public QObject
{
    Q_OBJECT

public:
    explicit Worker(std::shared_ptr<Shared> shared)
        : m_shared(std::move(shared))
        , m_presenceTimer(new QTimer(this))
        , m_countTimer(new QTimer(this))
        , m_statsTimer(new QTimer(this))
        , m_retryTimer(new QTimer(this))
    {
        m_retryTimer->setSingleShot(true);
        connect(m_retryTimer, &QTimer::timeout, this, &Worker::retry);
        m_countTimer->setSingleShot(true);
        m_countTimer->setInterval(COUNT_DELAY_MS);
        m_statsTimer->setInterval(STATS_INTERVAL_MS);
        connect(m_presenceTimer, &QTimer::timeout, this, [this] { publishPresence("count"); });
        connect(m_countTimer, &QTimer::timeout, this, [this] { publishPresence("count"); });
        connect(m_statsTimer, &QTimer::timeout, this, &Worker::pollStats);
    }
    ~Worker() override { close(); }

    void open(const ClusterBridge::Settings &settings, const QString &serverId);
    void close();
    void drainOutbox();
    void clientCountChanged()
    {
        if (!m_countTimer->isActive())
            m_countTimer->start();
    }

signals:
    void stateChanged(ClusterBridge::State state, const QString &detail);
    void warning(const QString &text);

private:
#ifdef SPREAD_HAVE_NATS
    /** What nats.c's callbacks get as their closure; outlives the connection. */
    struct Link {
        std::mutex mutex;
        std::condition_variable done;
        Worker *worker = nullptr;            // null once the worker lets go
        std::shared_ptr<Shared> shared;
        bool closed = false;                 // the closed callback ran
        bool subscriptionDone = false;       // the subscription's last callback ran
        int refusedRounds = 0;               // rounds in a row refused by a node (credentials, TLS)
        QString closedReason;                // nats.c's last error when it closed the connection
        QString lastReason;                  // the last specific one (a refusal) seen on a disconnection
        QString probeReason;                 // the server's words for a refusal, from connectToNats()'s probe
    };

    enum class Event { Connected, Disconnected, Reconnected, Closed };
    static void onMessage(natsConnection *, natsSubscription *, natsMsg *msg, void *closure);
    static void onConnected(natsConnection *, void *closure) { post(closure, Event::Connected); }
    static void onDisconnected(natsConnection *connection, void *closure);
    static void onReconnected(natsConnection *, void *closure) { post(closure, Event::Reconnected); }
    static void onClosed(natsConnection *, void *closure);
    static void onSubscriptionDone(void *closure);
    static void onError(natsConnection *, natsSubscription *, natsStatus status, void *closure);
    static int64_t reconnectDelay(natsConnection *connection, int attempts, void *closure);
    static void post(void *closure, Event event);
    void handleEvent(Event event);
    void handleRefusal(const QString &reason, qint64 waitMs);
    // open(), in its steps
    void beginSession(const ClusterBridge::Settings &settings, const QString &serverId);
    natsStatus setConnectionOptions(natsOptions *options, const ClusterBridge::Settings &settings);
    natsStatus setSecurityOptions(natsOptions *options, const ClusterBridge::Settings &settings);
    natsStatus setCallbacks(natsOptions *options);
    /** Creates the connection (nats.c goes on trying in the background); false, having said why, if it cannot. */
    bool connectToNats(const ClusterBridge::Settings &settings);
    void probeRefusal(const ClusterBridge::Settings &settings);
    /** Subscribes to @p wildcard; false, having said why, if it cannot. */
    bool subscribe(const QByteArray &wildcard);
    bool publish(const QByteArray &subject, const QByteArray &body, quint64 client, quint64 seq);
    void fail(const QString &what, natsStatus status);

    natsConnection *m_connection = nullptr;
    natsSubscription *m_subscription = nullptr;
    Link *m_link = nullptr;
#endif
    void publishPresence(const char *event);
    void pollStats();
    void countDropped(quint64 n);

    std::shared_ptr<Shared> m_shared;
    QTimer *m_presenceTimer;
    QTimer *m_countTimer;
    QTimer *m_statsTimer;
    QByteArray m_serverId;
    QByteArray m_msgSubject;
    QByteArray m_presenceSubject;
    QString m_host;
    QString m_url;                        // the node in use, or the last one
    int m_intervalMs = 2000;
    quint64 m_lastSeq = 0;                // the last sequence number handed to nats.c (or dropped)
    qint64 m_bufferBytes = 0;             // the reconnect buffer's size
    qint64 m_pendingBytes = 0;            // about how much of it is in use while disconnected
    bool m_everConnected = false;
    // When nats.c gives up (a node refused us: credentials, certificates), we open again, backing off.
    QTimer *m_retryTimer;
    ClusterBridge::Settings m_settings;
    QString m_id;
    int m_refusedRounds = 0;
    bool m_retrying = false;              // close() says nothing while we open again
    void retry();
};

void ClusterBridge::Worker::countDropped(quint64 n)
{
    QMutexLocker lock(&m_shared->mutex);
    m_shared->stats.dropped += n;
}

void ClusterBridge::Worker::publishPresence(const char *event)
{
#ifdef SPREAD_HAVE_NATS
    if (!m_connection)
        return;
    int clients = 0;
    quint16 port = 0;
    QString framing;
    {
        QMutexLocker lock(&m_shared->mutex);
        clients = m_shared->clients;
        port = m_shared->port;
        framing = m_shared->framing;
    }
    const QJsonObject body {
        { u"event"_s, QString::fromLatin1(event) },
        { u"host"_s, m_host },
        { u"port"_s, int(port) },
        { u"clients"_s, clients },
        { u"intervalMs"_s, m_intervalMs },
        { u"lastSeq"_s, qint64(m_lastSeq) },   // lets a newcomer tell a gap from joining late
        { u"framing"_s, framing },             // a server of another framing refuses our messages
    };
    // Not sent (the buffer is full while disconnected): the next one will be.
    publish(m_presenceSubject, QJsonDocument(body).toJson(QJsonDocument::Compact), 0, 0);
#else
    Q_UNUSED(event)
#endif
}

void ClusterBridge::Worker::drainOutbox()
{
    QList<Shared::Outgoing> batch;
    {
        QMutexLocker lock(&m_shared->mutex);
        batch.swap(m_shared->outbox);
        m_shared->outboxBytes = 0;
        m_shared->outboxPosted = false;
    }
    if (batch.isEmpty())
        return;
#ifdef SPREAD_HAVE_NATS
    quint64 published = 0;
    quint64 dropped = 0;
    for (const Shared::Outgoing &out : std::as_const(batch)) {
        m_lastSeq = out.seq;
        if (m_connection && publish(m_msgSubject, out.body, out.client, out.seq))
            ++published;
        else
            ++dropped;
    }
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->stats.published += published;
        m_shared->stats.dropped += dropped;
    }
    pollStats();   // what is buffered now, with the counts it goes with
#else
    countDropped(quint64(batch.size()));
#endif
}

void ClusterBridge::Worker::pollStats()
{
#ifdef SPREAD_HAVE_NATS
    if (!m_connection)
        return;
    // nats.c tells what waits in its write buffer while connected, not what its
    // reconnect buffer holds: for that, our own count of what went in since the loss.
    qint64 buffered = qMax(natsConnection_Buffered(m_connection), 0);
    if (natsConnection_Status(m_connection) != NATS_CONN_STATUS_CONNECTED)
        buffered = qMax(buffered, m_pendingBytes);
    QMutexLocker lock(&m_shared->mutex);
    m_shared->stats.bufferedBytes = buffered;
#endif
}

#ifdef SPREAD_HAVE_NATS

bool ClusterBridge::Worker::publish(const QByteArray &subject, const QByteArray &body, quint64 client, quint64 seq)
{
    natsMsg *msg = nullptr;
    natsStatus status = natsMsg_Create(&msg, subject.constData(), nullptr, body.isNull() ? "" : body.constData(),
                                       int(body.size()));
    if (status == NATS_OK)
        status = natsMsgHeader_Set(msg, "Spread-Origin", m_serverId.constData());
    if (status == NATS_OK && seq != 0) {
        status = natsMsgHeader_Set(msg, "Spread-Client", QByteArray::number(client).constData());
        if (status == NATS_OK)
            status = natsMsgHeader_Set(msg, "Spread-Seq", QByteArray::number(seq).constData());
    }
    if (status == NATS_OK)
        status = natsMsgHeader_Set(msg, "Spread-Time", QByteArray::number(QDateTime::currentMSecsSinceEpoch()).constData());
    if (status == NATS_OK)
        status = natsConnection_PublishMsg(m_connection, msg);
    natsMsg_Destroy(msg);
    if (natsConnection_Status(m_connection) != NATS_CONN_STATUS_CONNECTED) {
        // Roughly what the reconnect buffer took: the HPUB line, headers and body.
        if (status == NATS_OK)
            m_pendingBytes = qMin(m_pendingBytes + subject.size() + body.size() + 120, m_bufferBytes);
        else if (status == NATS_INSUFFICIENT_BUFFER)
            m_pendingBytes = m_bufferBytes;
    }
    // NATS_INSUFFICIENT_BUFFER: disconnected and the reconnect buffer is full.
    // The bridge counts it as dropped and warns, rate-limited; never retried, never waited for.
    return status == NATS_OK;
}

void ClusterBridge::Worker::fail(const QString &what, natsStatus status)
{
    const QString text = u"%1: %2"_s.arg(what, QString::fromUtf8(natsStatus_GetText(status)));
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->error = text;
    }
    emit warning(text);
}

void ClusterBridge::Worker::post(void *closure, Event event)
{
    auto *link = static_cast<Link *>(closure);
    std::lock_guard lock(link->mutex);
    if (Worker *worker = link->worker)
        QMetaObject::invokeMethod(worker, [worker, event] { worker->handleEvent(event); }, Qt::QueuedConnection);
}

/** nats.c's last error on @p connection in the server's words ("Authorization Violation"), or empty. */
static QString lastErrorText(natsConnection *connection, natsStatus *status)
{
    const char *text = nullptr;
    *status = connection ? natsConnection_GetLastError(connection, &text) : NATS_OK;
    if (text && *text)
        return QString::fromUtf8(text).remove(u'\'').trimmed();
    return *status != NATS_OK ? QString::fromUtf8(natsStatus_GetText(*status)) : QString();
}

void ClusterBridge::Worker::onDisconnected(natsConnection *connection, void *closure)
{
    // Why the last try failed, while nats.c still knows: when it gives up, it only says "no server".
    natsStatus status = NATS_OK;
    const QString reason = lastErrorText(connection, &status);
    if (status != NATS_OK && status != NATS_NO_SERVER && !reason.isEmpty()) {
        auto *link = static_cast<Link *>(closure);
        std::lock_guard lock(link->mutex);
        link->lastReason = reason;
    }
    post(closure, Event::Disconnected);
}

void ClusterBridge::Worker::onClosed(natsConnection *connection, void *closure)
{
    const char *text = nullptr;
    const natsStatus status = connection ? natsConnection_GetLastError(connection, &text) : NATS_OK;
    auto *link = static_cast<Link *>(closure);
    {
        std::lock_guard lock(link->mutex);
        link->closedReason = text && *text ? QString::fromUtf8(text).remove(u'\'').trimmed()
                                           : status != NATS_OK ? QString::fromUtf8(natsStatus_GetText(status)) : QString();
        if (status == NATS_NO_SERVER && !link->lastReason.isEmpty())
            link->closedReason = link->lastReason;
        if (status == NATS_NO_SERVER && !link->probeReason.isEmpty())
            link->closedReason = link->probeReason;   // the server's words, from connectToNats()
    }
    post(closure, Event::Closed);
    std::lock_guard lock(link->mutex);
    link->closed = true;
    link->done.notify_all();
}

void ClusterBridge::Worker::onSubscriptionDone(void *closure)
{
    auto *link = static_cast<Link *>(closure);
    std::lock_guard lock(link->mutex);
    link->subscriptionDone = true;
    link->done.notify_all();
}

void ClusterBridge::Worker::onError(natsConnection *connection, natsSubscription *, natsStatus status, void *closure)
{
    // The server's own words when it has some: "Permissions Violation for Publish to ...".
    const char *serverText = nullptr;
    if (connection)
        natsConnection_GetLastError(connection, &serverText);
    QString reason = QString::fromUtf8(natsStatus_GetText(status));
    if (serverText && *serverText)
        reason = QString::fromUtf8(serverText).remove(u'\'');
    auto *link = static_cast<Link *>(closure);
    std::lock_guard lock(link->mutex);
    if (Worker *worker = link->worker) {
        const QString text = status == NATS_NOT_PERMITTED ? tr("NATS refused: %1 (a permissions violation: "
                                                               "this server's NATS user may not do that)").arg(reason)
                                                          : tr("NATS: %1").arg(reason);
        QMetaObject::invokeMethod(worker, [worker, text] { emit worker->warning(text); }, Qt::QueuedConnection);
    }
}

int64_t ClusterBridge::Worker::reconnectDelay(natsConnection *connection, int attempts, void *closure)
{
    // On nats.c's reconnect thread, after a round over every URL failed. A node that
    // answered and refused us (credentials, its certificate, TLS wanted by one side only)
    // will refuse again: say why, and back off, doubling to 30 s. A node that is down
    // is tried again soon.
    Q_UNUSED(attempts)
    const char *text = nullptr;
    const natsStatus status = natsConnection_GetLastError(connection, &text);
    const bool refused = status == NATS_CONNECTION_AUTH_FAILED || status == NATS_NOT_PERMITTED
            || status == NATS_SSL_ERROR || status == NATS_SECURE_CONNECTION_WANTED
            || status == NATS_SECURE_CONNECTION_REQUIRED
            || (text && QByteArrayView(text).contains("uthorization"));
    auto *link = static_cast<Link *>(closure);
    std::lock_guard lock(link->mutex);
    if (!refused) {
        link->refusedRounds = 0;
        return RECONNECT_WAIT_MS;
    }
    const int shift = qMin(link->refusedRounds++, 7);
    const qint64 waitMs = qMin(qint64(RECONNECT_WAIT_MS) << shift, qint64(REFUSED_WAIT_MAX_MS));
    // In this callback nats.c has kept the status of the refusal but its text is the
    // round's "No server available": the probe in connectToNats() kept the server's words.
    QString reason = QString::fromUtf8(natsStatus_GetText(status));
    if (!link->probeReason.isEmpty())
        reason = link->probeReason;
    else if (text && *text && status == NATS_NO_SERVER)
        reason = QString::fromUtf8(text).remove(u'\'').trimmed();
    if (status == NATS_SSL_ERROR && !reason.contains(u"SSL"_s, Qt::CaseInsensitive))
        reason = tr("TLS: %1").arg(reason);
    if (Worker *worker = link->worker) {
        QMetaObject::invokeMethod(worker, [worker, reason, waitMs] { worker->handleRefusal(reason, waitMs); },
                                  Qt::QueuedConnection);
    }
    return waitMs;
}

void ClusterBridge::Worker::handleRefusal(const QString &reason, qint64 waitMs)
{
    if (!m_connection)
        return;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->error = reason;
    }
    emit stateChanged(m_everConnected ? State::Reconnecting : State::Connecting,
                      tr("refused: %1; next try in %2 s").arg(reason, QString::number(double(waitMs) / 1000.0)));
}

void ClusterBridge::Worker::onMessage(natsConnection *, natsSubscription *, natsMsg *msg, void *closure)
{
    // On nats.c's delivery thread: copy out, queue, and wake the bridge once per batch.
    auto *link = static_cast<Link *>(closure);
    Incoming in;
    const QByteArrayView subject(natsMsg_GetSubject(msg));
    const qsizetype dot = subject.lastIndexOf('.');
    in.origin = QString::fromUtf8(subject.sliced(dot + 1));
    in.presence = subject.sliced(0, qMax(dot, qsizetype(0))).endsWith(".presence");
    in.body = QByteArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    // Only read here; judged on the server's thread (deliverInbox). A missing header is no 0.
    const auto header = [msg](const char *key) -> const char * {
        const char *value = nullptr;
        return natsMsgHeader_Get(msg, key, &value) == NATS_OK ? value : nullptr;
    };
    const char *origin = header("Spread-Origin");
    in.originMatches = origin && QByteArrayView(origin) == subject.sliced(dot + 1);
    bool ok = false;
    if (const char *time = header("Spread-Time"))
        in.timeMs = QByteArrayView(time).toLongLong(&ok);
    if (!ok || in.timeMs < 0)
        in.badHeader = "Spread-Time"_L1;
    if (!in.presence) {
        ok = false;
        if (const char *client = header("Spread-Client"))
            in.client = QByteArrayView(client).toULongLong(&ok);
        if (!ok)
            in.badHeader = "Spread-Client"_L1;
        ok = false;
        if (const char *seq = header("Spread-Seq"))
            in.seq = QByteArrayView(seq).toULongLong(&ok);
        if (!ok || in.seq == 0)
            in.badHeader = "Spread-Seq"_L1;
    }
    natsMsg_Destroy(msg);

    const std::shared_ptr<Shared> &shared = link->shared;
    QMutexLocker lock(&shared->mutex);
    if (!shared->bridge)
        return;
    if (!in.presence && shared->inboxBytes + in.body.size() > INBOX_LIMIT_BYTES) {
        // The server thread is far behind: drop here; the receiver reports it as a gap.
        return;
    }
    shared->inboxBytes += in.body.size();
    shared->inbox.append(std::move(in));
    if (!shared->inboxPosted) {
        shared->inboxPosted = true;
        ClusterBridge *bridge = shared->bridge;
        QMetaObject::invokeMethod(bridge, [bridge] { bridge->deliverInbox(); }, Qt::QueuedConnection);
    }
}

void ClusterBridge::Worker::handleEvent(Event event)
{
    if (!m_connection)
        return;
    if (event == Event::Closed) {
        // Not by close(): nats.c gave up, as it does when a node refuses us twice the same way.
        // Never a tight loop: wait 250 ms, doubling to 30 s, then open again.
        QString reason;
        {
            std::lock_guard lock(m_link->mutex);
            reason = m_link->closedReason;
        }
        if (reason.isEmpty())
            reason = tr("connection closed");
        const qint64 waitMs = qMin(qint64(RECONNECT_WAIT_MS) << qMin(m_refusedRounds, 7), qint64(REFUSED_WAIT_MAX_MS));
        ++m_refusedRounds;
        m_retryTimer->start(int(waitMs));
        handleRefusal(reason, waitMs);
        return;
    }
    if (event == Event::Disconnected) {
        // Said even if nats.c has already found another node by now: the loss happened,
        // and the Reconnected event that follows says where we are.
        {
            QMutexLocker lock(&m_shared->mutex);
            m_shared->stats.connectedUrl.clear();
        }
        const QString detail = m_url.isEmpty() ? tr("no node reachable yet") : tr("lost %1").arg(m_url);
        emit stateChanged(m_everConnected ? State::Reconnecting : State::Connecting, detail);
        return;
    }
    char url[256] = {};
    if (natsConnection_Status(m_connection) != NATS_CONN_STATUS_CONNECTED
        || natsConnection_GetConnectedUrl(m_connection, url, sizeof url) != NATS_OK)
        return;   // lost again already: its Disconnected event follows
    m_url = QString::fromUtf8(url);
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->stats.connectedUrl = m_url;
    }
    const bool first = !m_everConnected;
    m_everConnected = true;
    m_refusedRounds = 0;
    {
        std::lock_guard lock(m_link->mutex);
        m_link->refusedRounds = 0;
    }
    m_pendingBytes = 0;   // nats.c sent the reconnect buffer first
    emit stateChanged(State::Connected, m_url);
    // Tell the domain at once that we are (back): peers may have expired us.
    publishPresence(first ? "join" : "count");
}

void ClusterBridge::Worker::retry()
{
    const int rounds = m_refusedRounds;
    const bool everConnected = m_everConnected;
    m_retrying = true;
    open(m_settings, m_id);
    m_retrying = false;
    m_refusedRounds = rounds;
    m_everConnected = m_everConnected || everConnected;
}

void ClusterBridge::Worker::open(const ClusterBridge::Settings &settings, const QString &serverId)
{
    close();
    m_settings = settings;
    m_id = serverId;
    m_refusedRounds = 0;
    beginSession(settings, serverId);
    m_link = new Link;
    m_link->worker = this;
    m_link->shared = m_shared;
    if (!connectToNats(settings))
        return;
    const bool subscribed = subscribe(subjectPrefix(settings.domain) + ".>");
    m_presenceTimer->start(m_intervalMs);
    m_statsTimer->start();
    handleEvent(subscribed && natsConnection_Status(m_connection) == NATS_CONN_STATUS_CONNECTED ? Event::Connected
                                                                                                : Event::Disconnected);
    if (!m_everConnected)   // "join" goes first into the reconnect buffer, ahead of any message
        publishPresence("join");
}

void ClusterBridge::Worker::beginSession(const ClusterBridge::Settings &settings, const QString &serverId)
{
    m_serverId = serverId.toUtf8();
    const QByteArray prefix = subjectPrefix(settings.domain);
    m_msgSubject = prefix + ".msg." + m_serverId;
    m_presenceSubject = prefix + ".presence." + m_serverId;
    m_host = QSysInfo::machineHostName();
    m_intervalMs = settings.presenceIntervalMs;
    m_bufferBytes = settings.reconnectBufferBytes;
    m_pendingBytes = 0;
    m_lastSeq = 0;
    m_everConnected = false;
    m_url.clear();
}

natsStatus ClusterBridge::Worker::setConnectionOptions(natsOptions *options, const ClusterBridge::Settings &settings)
{
    QList<QByteArray> urls;
    for (const QString &url : settings.urls)
        urls.append(url.toUtf8());
    std::vector<const char *> servers;
    for (const QByteArray &url : std::as_const(urls))
        servers.push_back(url.constData());

    natsStatus status = natsOptions_SetServers(options, servers.data(), int(servers.size()));
    if (status == NATS_OK)   // the order given: each server lists its nearest node first
        status = natsOptions_SetNoRandomize(options, true);
    if (status == NATS_OK)
        status = natsOptions_SetName(options, m_serverId.constData());
    if (status == NATS_OK)   // our own publishes do not come back to us
        status = natsOptions_SetNoEcho(options, true);
    if (status == NATS_OK)
        status = natsOptions_SetTimeout(options, CONNECT_TIMEOUT_MS);
    if (status == NATS_OK)
        status = natsOptions_SetMaxReconnect(options, -1);
    if (status == NATS_OK)
        status = natsOptions_SetReconnectWait(options, RECONNECT_WAIT_MS);
    if (status == NATS_OK)
        status = natsOptions_SetReconnectBufSize(options, int(settings.reconnectBufferBytes));
    if (status == NATS_OK)
        status = setSecurityOptions(options, settings);
    return status;
}

natsStatus ClusterBridge::Worker::setSecurityOptions(natsOptions *options, const ClusterBridge::Settings &settings)
{
    natsStatus status = NATS_OK;
    // Secure: nats.c then refuses a node that does not speak TLS; there is no plain-text fallback.
    if (settings.wantsTls())
        status = natsOptions_SetSecure(options, true);
    // Without a CA file, OpenSSL's default store (the system's CAs) verifies the node.
    if (status == NATS_OK && !settings.tlsCaFile.isEmpty())
        status = natsOptions_LoadCATrustedCertificates(options, QFile::encodeName(settings.tlsCaFile).constData());
    if (status == NATS_OK && !settings.tlsCertFile.isEmpty())
        status = natsOptions_LoadCertificatesChain(options, QFile::encodeName(settings.tlsCertFile).constData(),
                                                   QFile::encodeName(settings.tlsKeyFile).constData());
    if (status == NATS_OK && !settings.user.isEmpty())
        status = natsOptions_SetUserInfo(options, settings.user.toUtf8().constData(), settings.password.constData());
    if (status == NATS_OK && !settings.token.isEmpty())
        status = natsOptions_SetToken(options, settings.token.constData());
    if (status == NATS_OK && !settings.credsFile.isEmpty())
        status = natsOptions_SetUserCredentialsFromFiles(options, QFile::encodeName(settings.credsFile).constData(),
                                                         nullptr);
    if (status == NATS_OK && !settings.nkeySeedFile.isEmpty()) {
        // nats.c signs with the seed but sends the public key we give: start() found it in the file.
        status = natsOptions_SetNKeyFromSeed(options, settings.nkeyPublic.constData(),
                                             QFile::encodeName(settings.nkeySeedFile).constData());
    }
    return status;
}

natsStatus ClusterBridge::Worker::setCallbacks(natsOptions *options)
{
    natsStatus status = natsOptions_SetRetryOnFailedConnect(options, true, &Worker::onConnected, m_link);
    if (status == NATS_OK)
        status = natsOptions_SetDisconnectedCB(options, &Worker::onDisconnected, m_link);
    if (status == NATS_OK)
        status = natsOptions_SetReconnectedCB(options, &Worker::onReconnected, m_link);
    if (status == NATS_OK)
        status = natsOptions_SetClosedCB(options, &Worker::onClosed, m_link);
    if (status == NATS_OK)
        status = natsOptions_SetErrorHandler(options, &Worker::onError, m_link);
    if (status == NATS_OK)
        status = natsOptions_SetCustomReconnectDelay(options, &Worker::reconnectDelay, m_link);
    return status;
}

void ClusterBridge::Worker::probeRefusal(const ClusterBridge::Settings &settings)
{
    // nats.c in the background (retry on a failed connect) loses a node's reason for
    // refusing us: it says only "No server available". So one plain attempt first, with
    // the same options but no retry: a refusal (credentials, a certificate) then comes
    // back at once with the server's words, kept for reconnectDelay() to say.
    natsOptions *probe = nullptr;
    if (natsOptions_Create(&probe) != NATS_OK)
        return;
    natsConnection *connection = nullptr;
    natsStatus status = setConnectionOptions(probe, settings);
    if (status == NATS_OK)
        status = natsOptions_SetMaxReconnect(probe, 0);
    if (status == NATS_OK)
        status = natsConnection_Connect(&connection, probe);
    QString reason;
    if (status != NATS_OK && status != NATS_NO_SERVER) {
        const char *text = nats_GetLastError(nullptr);
        reason = text && *text ? QString::fromUtf8(text) : QString::fromUtf8(natsStatus_GetText(status));
        // "(conn.c:1905): Authorization Violation": the server's words, without nats.c's place.
        reason = reason.section(u"): "_s, -1).remove(u'\'').trimmed();
    }
    if (connection) {
        natsConnection_Close(connection);
        natsConnection_Destroy(connection);
    }
    natsOptions_Destroy(probe);
    std::lock_guard lock(m_link->mutex);
    m_link->probeReason = reason;
}

bool ClusterBridge::Worker::connectToNats(const ClusterBridge::Settings &settings)
{
    natsOptions *options = nullptr;
    natsStatus status = natsOptions_Create(&options);
    if (status == NATS_OK)
        status = setConnectionOptions(options, settings);
    if (status == NATS_OK)
        status = setCallbacks(options);
    if (status != NATS_OK) {
        // nats.c says which file and what OpenSSL made of it: "... (error:0A080002:...)".
        const char *last = nats_GetLastError(nullptr);
        natsOptions_Destroy(options);
        delete m_link;
        m_link = nullptr;
        const QString what = last && *last ? QString::fromUtf8(last) : QString::fromUtf8(natsStatus_GetText(status));
        fail(tr("cannot set up the NATS connection"), status);
        emit stateChanged(State::Off, tr("cannot set up the NATS connection: %1").arg(what));
        return false;
    }
    probeRefusal(settings);
    // Returns at once when a node answers, or after one round over the URLs with
    // NATS_NOT_YET_CONNECTED: then nats.c keeps trying and onConnected() tells.
    status = natsConnection_Connect(&m_connection, options);
    natsOptions_Destroy(options);
    if (status != NATS_OK && status != NATS_NOT_YET_CONNECTED) {
        m_connection = nullptr;
        delete m_link;   // no connection: no callback will come
        m_link = nullptr;
        fail(tr("cannot connect to NATS"), status);
        emit stateChanged(State::Off, tr("cannot connect to NATS: %1").arg(QString::fromUtf8(natsStatus_GetText(status))));
        return false;
    }
    return true;
}

bool ClusterBridge::Worker::subscribe(const QByteArray &wildcard)
{
    const natsStatus status = natsConnection_Subscribe(&m_subscription, m_connection, wildcard.constData(),
                                                       &Worker::onMessage, m_link);
    if (status != NATS_OK) {
        m_subscription = nullptr;
        m_link->subscriptionDone = true;   // no subscription: no last callback to wait for in close()
        fail(tr("cannot subscribe to %1").arg(QString::fromUtf8(wildcard)), status);
        return false;
    }
    natsSubscription_SetPendingLimits(m_subscription, SUB_PENDING_MESSAGES, SUB_PENDING_BYTES);
    natsSubscription_SetOnCompleteCB(m_subscription, &Worker::onSubscriptionDone, m_link);
    return true;
}

#else

void ClusterBridge::Worker::open(const ClusterBridge::Settings &, const QString &)
{
    emit stateChanged(State::Off, tr("this build has no NATS support"));
}

#endif // SPREAD_HAVE_NATS

void ClusterBridge::Worker::close()
{
    m_retryTimer->stop();
    m_presenceTimer->stop();
    m_countTimer->stop();
    m_statsTimer->stop();
#ifdef SPREAD_HAVE_NATS
    if (!m_connection)
        return;
    drainOutbox();
    publishPresence("leave");
    if (natsConnection_Status(m_connection) == NATS_CONN_STATUS_CONNECTED)
        natsConnection_FlushTimeout(m_connection, STOP_FLUSH_MS);
    if (m_subscription)
        natsSubscription_Unsubscribe(m_subscription);
    natsConnection_Close(m_connection);
    {
        // nats.c calls back on its own threads until the closed callback and the
        // subscription's last delivery: only then may the link go.
        std::unique_lock lock(m_link->mutex);
        m_link->worker = nullptr;
        const bool done = m_link->done.wait_for(lock, std::chrono::milliseconds(CLOSE_WAIT_MS),
                                                [this] { return m_link->closed && m_link->subscriptionDone; });
        if (!done) {
            // Rather a small leak than a callback into freed memory.
            qCWarning(lcCluster, "nats.c did not finish closing in time; keeping its callback data");
            m_link = nullptr;
        }
    }
    natsSubscription_Destroy(m_subscription);
    m_subscription = nullptr;
    natsConnection_Destroy(m_connection);
    m_connection = nullptr;
    delete m_link;
    m_link = nullptr;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->stats.connectedUrl.clear();
        m_shared->stats.bufferedBytes = 0;
    }
    if (!m_retrying)
        emit stateChanged(State::Off, tr("stopped"));
#endif
}

// ---------------------------------------------------------------------------
// The bridge, on the server's thread.

bool ClusterBridge::isAvailable()
{
#ifdef SPREAD_HAVE_NATS
    return true;
#else
    return false;
#endif
}

bool ClusterBridge::Settings::wantsTls() const
{
    if (!tlsCaFile.isEmpty() || !tlsCertFile.isEmpty())
        return true;
    for (const QString &url : urls) {
        if (url.trimmed().startsWith(u"tls://"_s, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool ClusterBridge::isValidDomain(const QString &domain)
{
    return tokenPattern().match(domain).hasMatch();
}

ClusterBridge::ClusterBridge(SpreadServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_shared(std::make_shared<Shared>())
{
    m_shared->expiryTimer = new QTimer(this);
    connect(m_shared->expiryTimer, &QTimer::timeout, this, &ClusterBridge::expirePeers);
    m_shared->statsTimer = new QTimer(this);
    m_shared->statsTimer->setInterval(STATS_INTERVAL_MS);
    connect(m_shared->statsTimer, &QTimer::timeout, this, &ClusterBridge::publishStats);
    connect(m_server, &SpreadServer::messageRelayed, this, &ClusterBridge::onRelayed);
    connect(m_server, &SpreadServer::clientConnected, this, &ClusterBridge::onClientCountChanged);
    connect(m_server, &SpreadServer::clientDisconnected, this, &ClusterBridge::onClientCountChanged);
    connect(m_server, &SpreadServer::listeningChanged, this, &ClusterBridge::onClientCountChanged);
    connect(m_server, &SpreadServer::framingChanged, this, &ClusterBridge::onFramingChanged);
}

ClusterBridge::~ClusterBridge()
{
    stop();
    if (m_thread) {
        // Wait for the goodbye that stop() queued, on the worker's thread, then join it.
        m_worker->disconnect(this);
        Worker *worker = m_worker;
        QMetaObject::invokeMethod(worker, [worker] { worker->close(); }, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
        delete m_worker;
        delete m_thread;
    }
}

bool ClusterBridge::start(const Settings &settings)
{
    const auto refuse = [this](const QString &error) {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->error = error;
        return false;
    };
    if (!isAvailable())
        return refuse(tr("this build has no NATS support (libnats was not found when it was built)"));
    if (m_shared->started)
        return refuse(tr("the bridge is already started"));
    Settings checked = settings;
    checked.urls.clear();
    for (const QString &url : settings.urls) {
        const QString normalized = normalizedUrl(url);
        if (normalized.isEmpty())
            return refuse(tr("not a NATS URL: '%1' (nats://host:port)").arg(url));
        checked.urls.append(normalized);
    }
    if (checked.urls.isEmpty())
        return refuse(tr("no NATS URL given"));
    if (!isValidDomain(checked.domain))
        return refuse(tr("bad domain name '%1': letters, digits, '_' and '-' only").arg(checked.domain));
    if (!checked.serverId.isEmpty() && !tokenPattern().match(checked.serverId).hasMatch())
        return refuse(tr("bad server id '%1': letters, digits, '_' and '-' only").arg(checked.serverId));
    const Limits::Limit &buffer = Limits::NatsBufferBytes;
    if (!Limits::contains(buffer, checked.reconnectBufferBytes))
        return refuse(tr("the reconnect buffer must be from %1 to %2 bytes").arg(buffer.minimum).arg(buffer.maximum));
    if (checked.presenceIntervalMs < 10)
        return refuse(tr("the presence interval must be at least 10 ms"));
    if (checked.tlsCertFile.isEmpty() != checked.tlsKeyFile.isEmpty())
        return refuse(tr("a NATS client certificate needs its key, and a key its certificate"));
    for (const QString &file : { checked.tlsCaFile, checked.tlsCertFile, checked.tlsKeyFile, checked.credsFile,
                                 checked.nkeySeedFile }) {
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            return refuse(tr("cannot read %1").arg(file));
    }
    if (!checked.credsFile.isEmpty() && !checked.nkeySeedFile.isEmpty())
        return refuse(tr("a .creds file and an NKey seed exclude each other"));
    // Secrets are read here, at each start, not kept by the window: a changed file counts next time.
    QString readError;
    if (!checked.passwordFile.isEmpty()) {
        const auto password = readSecret(checked.passwordFile, &readError);
        if (!password)
            return refuse(tr("cannot read the NATS password from %1: %2").arg(checked.passwordFile, readError));
        checked.password = *password;
    }
    if (!checked.tokenFile.isEmpty()) {
        const auto token = readSecret(checked.tokenFile, &readError);
        if (!token)
            return refuse(tr("cannot read the NATS token from %1: %2").arg(checked.tokenFile, readError));
        checked.token = *token;
    }
    if (!checked.nkeySeedFile.isEmpty()) {
        // The seed on one line, the user's public key (U...) on another, as `nk -gen user -pubout` writes.
        QFile seedFile(checked.nkeySeedFile);
        if (!seedFile.open(QIODevice::ReadOnly))
            return refuse(tr("cannot read %1").arg(checked.nkeySeedFile));
        checked.nkeyPublic.clear();
        for (const QByteArray &line : seedFile.readAll().split('\n')) {
            if (line.trimmed().startsWith('U'))
                checked.nkeyPublic = line.trimmed();
        }
        if (checked.nkeyPublic.isEmpty())
            return refuse(tr("%1 has no NKey public key (a line starting with U, as nk -gen user -pubout writes)")
                                  .arg(checked.nkeySeedFile));
    }
    if (!checked.password.isEmpty() && checked.user.isEmpty())
        return refuse(tr("a NATS password needs a user name"));

    const QString id = checked.serverId.isEmpty() ? defaultServerId(m_server->serverPort()) : checked.serverId;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->error.clear();
        m_shared->stats = {};
        m_shared->clients = m_server->clientCount();
        m_shared->port = m_server->serverPort();
        m_shared->framing = m_server->framing().spec();
        m_shared->outbox.clear();
        m_shared->outboxBytes = 0;
        m_shared->inbox.clear();
        m_shared->inboxBytes = 0;
        m_shared->bridge = this;
    }
    m_shared->settings = checked;
    m_shared->serverId = id;
    m_shared->started = true;
    m_shared->nextSeq = 1;
    m_shared->lastSeq.clear();
    m_shared->peers.clear();
    m_shared->peerIntervalMs.clear();
    m_shared->lastEmitted = {};
    m_shared->droppedWarned = 0;
    m_shared->sinceDropWarning.invalidate();
    m_shared->refusals.clear();

    if (!m_thread) {
        m_thread = new QThread;
        m_thread->setObjectName(u"ClusterBridge"_s);
        m_worker = new Worker(m_shared);
        m_worker->moveToThread(m_thread);
        connect(m_worker, &Worker::stateChanged, this, [this](State state, const QString &detail) {
            // A late word from a connection that stop() already closed says nothing about a new one.
            if (m_shared->started || state == State::Off)
                setState(state, detail);
        });
        connect(m_worker, &Worker::warning, this, &ClusterBridge::warning);
        m_thread->start();
    }
    setState(State::Connecting, checked.urls.join(u", "_s));
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, checked, id] { worker->open(checked, id); }, Qt::QueuedConnection);
    m_shared->expiryTimer->start(qMax(checked.presenceIntervalMs / 2, 10));
    m_shared->statsTimer->start();
    emit peersChanged();
    return true;
}

void ClusterBridge::stop()
{
    if (!m_shared->started)
        return;
    m_shared->started = false;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->bridge = nullptr;   // what still arrives is not delivered
        m_shared->inbox.clear();
        m_shared->inboxBytes = 0;
    }
    reportRefusals(true);   // what was refused is said, before "off"
    m_shared->refusals.clear();
    m_shared->expiryTimer->stop();
    m_shared->statsTimer->stop();
    Worker *worker = m_worker;
    // The worker says goodbye, flushes (briefly) and closes; the server thread does not wait.
    QMetaObject::invokeMethod(worker, [worker] { worker->close(); }, Qt::QueuedConnection);
    const bool hadPeers = !m_shared->peers.isEmpty();
    m_shared->peers.clear();
    m_shared->lastSeq.clear();
    setState(State::Off, tr("stopped"));
    publishStats();
    if (hadPeers)
        emit peersChanged();
}

void ClusterBridge::setState(State state, const QString &detail)
{
    // Connecting and Reconnecting are said again when the reason changes (a node refused us).
    const bool trying = state == State::Connecting || state == State::Reconnecting;
    if (state == m_shared->state && state != State::Connected && !(trying && detail != m_shared->stateDetail))
        return;
    m_shared->state = state;
    m_shared->stateDetail = detail;
    emit stateChanged(state, detail);
    publishStats();
}

ClusterBridge::Settings ClusterBridge::settings() const
{
    return m_shared->settings;
}

QString ClusterBridge::serverId() const
{
    return m_shared->serverId;
}

ClusterBridge::State ClusterBridge::state() const
{
    return m_shared->state;
}

bool ClusterBridge::isStarted() const
{
    return m_shared->started;
}

ClusterBridge::Stats ClusterBridge::stats() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->stats;
}

QList<ClusterBridge::Peer> ClusterBridge::peers() const
{
    QList<Peer> list;
    if (!m_shared->started)
        return list;
    Peer self;
    self.serverId = m_shared->serverId;
    self.host = QSysInfo::machineHostName();
    self.port = m_server->serverPort();
    self.clients = m_server->clientCount();
    self.framing = m_server->framing().spec();
    self.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    self.self = true;
    list.append(self);
    for (const Peer &peer : std::as_const(m_shared->peers))
        list.append(peer);
    return list;
}

QString ClusterBridge::errorString() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->error;
}

void ClusterBridge::onRelayed(quint64 clientId, const QByteArray &message)
{
    if (!m_shared->started)
        return;
    // Numbered here, so that a message dropped anywhere on its way is a gap for the receivers.
    const quint64 seq = m_shared->nextSeq++;
    QMutexLocker lock(&m_shared->mutex);
    if (m_shared->outboxBytes + message.size() > qMax(OUTBOX_LIMIT_BYTES, m_shared->settings.reconnectBufferBytes)) {
        ++m_shared->stats.dropped;   // the worker is that far behind: do not queue without bound
        return;
    }
    m_shared->outboxBytes += message.size();
    m_shared->outbox.append({ clientId, seq, message });
    if (!m_shared->outboxPosted) {
        m_shared->outboxPosted = true;
        Worker *worker = m_worker;
        QMetaObject::invokeMethod(worker, [worker] { worker->drainOutbox(); }, Qt::QueuedConnection);
    }
}

void ClusterBridge::onFramingChanged()
{
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->framing = m_server->framing().spec();
    }
    // Peers are judged again against the new framing; each mismatch is said once more.
    m_shared->framingWarned.clear();
    for (const Peer &peer : std::as_const(m_shared->peers))
        warnOfFraming(peer);
    onClientCountChanged();   // a presence now, with the new framing
}

void ClusterBridge::warnOfFraming(const Peer &peer)
{
    const QString ours = m_server->framing().spec();
    if (peer.framing == ours) {
        m_shared->framingWarned.remove(peer.serverId);
        return;
    }
    if (m_shared->framingWarned.contains(peer.serverId))
        return;
    m_shared->framingWarned.insert(peer.serverId);
    emit warning(QString(ClusterReasons::OtherFraming).arg(peer.serverId, peer.framing, ours));
}

void ClusterBridge::onClientCountChanged()
{
    if (!m_shared->started)
        return;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->clients = m_server->clientCount();
        m_shared->port = m_server->serverPort();
    }
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker] { worker->clientCountChanged(); }, Qt::QueuedConnection);
    emit peersChanged();   // our own row
}

void ClusterBridge::deliverInbox()
{
    QList<Incoming> batch;
    {
        QMutexLocker lock(&m_shared->mutex);
        batch.swap(m_shared->inbox);
        m_shared->inboxBytes = 0;
        m_shared->inboxPosted = false;
    }
    if (!m_shared->started)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qsizetype maxBytes = m_server->settings().maxMessageBytes;   // what local clients are held to
    const Framing &framing = m_server->framing();
    const QString framingSpec = framing.spec();
    quint64 received = 0;
    quint64 gaps = 0;
    // Consecutive messages go to the clients in one write each (a flood from another
    // server costs what a flood from a local client does), then are told one by one.
    QByteArrayList run;
    QList<const Incoming *> runItems;
    const auto deliverRun = [&] {
        if (run.isEmpty())
            return true;
        const int deliveredTo = m_server->deliverRemote(run);
        received += quint64(run.size());
        for (const Incoming *in : std::as_const(runItems)) {
            emit remoteMessageReceived(in->origin, in->client, in->body, deliveredTo);
            if (!m_shared->started)
                return false;   // a receiver stopped us
        }
        run.clear();
        runItems.clear();
        return true;
    };
    for (const Incoming &in : std::as_const(batch)) {
        if (in.origin == m_shared->serverId)
            continue;   // never ours (no-echo is on), but never delivered twice either
        // Refusals are counted at once and said after the batch (reportRefusals), so that
        // they do not break a run of good messages into one write each.
        if (!in.originMatches) {
            refuse(in.origin, Refusal::ForgedOrigin, ClusterReasons::ForgedOrigin);
            continue;
        }
        if (!in.badHeader.isEmpty()) {
            refuse(in.origin, Refusal::BadHeader, QString(ClusterReasons::BadHeader).arg(in.badHeader));
            continue;
        }
        if (in.presence) {
            if (!deliverRun())
                return;
            handlePresence(in, now);
            continue;
        }
        if (const auto peer = m_shared->peers.constFind(in.origin); peer != m_shared->peers.cend() && peer->framing != framingSpec) {
            // Said once per peer (warnOfFraming), counted here: its frames would be garbage to our clients.
            QMutexLocker lock(&m_shared->mutex);
            ++m_shared->stats.refused;
            ++m_shared->stats.refusedByKind[size_t(Refusal::OtherFraming)];
            continue;
        }
        auto last = m_shared->lastSeq.find(in.origin);
        if (last != m_shared->lastSeq.end()) {
            if (in.seq <= last.value()) {
                // A duplicate, a restarted origin with a fixed id, or a replay: never twice, but said.
                refuse(in.origin, Refusal::SequenceBack,
                       QString(ClusterReasons::SequenceWentBack).arg(last.value()).arg(in.seq));
                continue;
            }
            if (in.seq > last.value() + 1) {
                const quint64 first = last.value() + 1;
                last.value() = in.seq;
                if (!deliverRun())
                    return;
                gaps += in.seq - first;
                emit gapDetected(in.origin, first, in.seq - 1);
                if (!m_shared->started)
                    return;
            } else {
                last.value() = in.seq;
            }
        } else {
            m_shared->lastSeq.insert(in.origin, in.seq);
        }
        // Checked after its number is taken: a message refused for its body arrived, and is no gap.
        if (in.body.size() > maxBytes) {
            refuse(in.origin, Refusal::TooLong, ClusterReasons::MessageTooLong);
            continue;
        }
        // A line feed would make one message several lines (one of them perhaps "close"); in
        // the other framings, a body must be one whole frame. A CR is the message's own, as in a
        // local client's message: line framing ends lines at LF only.
        if (!framing.carries(in.body)) {
            refuse(in.origin, Refusal::LineFeed,
                   framing.kind == Framing::Kind::Line ? QString(ClusterReasons::LineFeedInMessage)
                                                       : QString(ClusterReasons::NotOneFrame).arg(framingSpec));
            continue;
        }
        run.append(in.body);
        runItems.append(&in);
    }
    if (!deliverRun())
        return;
    if (received || gaps) {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->stats.received += received;
        m_shared->stats.gaps += gaps;
    }
    reportRefusals(false);
}

void ClusterBridge::handlePresence(const Incoming &in, qint64 nowMs)
{
    QJsonObject body;
    const QLatin1StringView problem = presenceProblem(in.body, &body);
    if (!problem.isEmpty()) {
        // Not a peer, not a leave: what it says is not believed at all.
        refuse(in.origin, Refusal::BadPresence, QString(ClusterReasons::BadPresence).arg(problem));
        return;
    }
    const QString event = body.value(u"event"_s).toString();
    if (event == u"leave"_s) {
        m_shared->lastSeq.remove(in.origin);
        m_shared->framingWarned.remove(in.origin);
        if (m_shared->peers.remove(in.origin)) {
            m_shared->peerIntervalMs.remove(in.origin);
            emit peerLeft(in.origin, tr("left"));
            emit peersChanged();
        }
        return;
    }
    Peer peer;
    peer.serverId = in.origin;
    peer.host = body.value(u"host"_s).toString();
    peer.port = quint16(body.value(u"port"_s).toInt());
    peer.clients = body.value(u"clients"_s).toInt();
    peer.framing = body.value(u"framing"_s).toString(u"line"_s);
    peer.lastSeenMs = nowMs;
    const bool isNew = !m_shared->peers.contains(in.origin);
    m_shared->peers.insert(in.origin, peer);
    m_shared->peerIntervalMs.insert(in.origin, qMax(body.value(u"intervalMs"_s).toInt(), 10));
    // Joining late is no gap: start from what it had sent before this presence.
    if (!m_shared->lastSeq.contains(in.origin))
        m_shared->lastSeq.insert(in.origin, quint64(body.value(u"lastSeq"_s).toInteger()));
    warnOfFraming(peer);
    if (isNew) {
        // Answer a newcomer at once rather than at our next periodic count:
        // its cluster view is complete within a moment of joining.
        Worker *worker = m_worker;
        QMetaObject::invokeMethod(worker, [worker] { worker->clientCountChanged(); }, Qt::QueuedConnection);
        emit peerJoined(in.origin);
    }
    emit peersChanged();
}

void ClusterBridge::expirePeers()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList gone;
    for (auto it = m_shared->peers.cbegin(); it != m_shared->peers.cend(); ++it) {
        const int interval = m_shared->peerIntervalMs.value(it.key(), m_shared->settings.presenceIntervalMs);
        if (now - it->lastSeenMs > qint64(MISSED_INTERVALS) * interval)
            gone.append(it.key());
    }
    for (const QString &id : std::as_const(gone)) {
        const qint64 silentMs = now - m_shared->peers.value(id).lastSeenMs;
        m_shared->peers.remove(id);
        m_shared->peerIntervalMs.remove(id);
        m_shared->lastSeq.remove(id);
        m_shared->framingWarned.remove(id);
        emit peerLeft(id, tr("silent for %1 ms").arg(silentMs));
    }
    if (!gone.isEmpty())
        emit peersChanged();
}

void ClusterBridge::refuse(const QString &origin, Refusal kind, const QString &reason)
{
    {
        QMutexLocker lock(&m_shared->mutex);
        ++m_shared->stats.refused;
        ++m_shared->stats.refusedByKind[size_t(kind)];
    }
    auto &refusals = m_shared->refusals;
    std::pair<QString, int> key { origin, int(kind) };
    if (refusals.size() >= REFUSAL_ORIGINS_MAX && !refusals.contains(key))
        key.first = u"(many origins)"_s;
    Shared::RefusalReport &report = refusals[key];
    ++report.count;
    report.reason = reason;
}

void ClusterBridge::reportRefusals(bool all)
{
    struct Due {
        QString origin;
        QString reason;
        quint64 count;
    };
    QList<Due> due;
    auto &refusals = m_shared->refusals;
    for (auto it = refusals.begin(); it != refusals.end();) {
        Shared::RefusalReport &report = it.value();
        const bool waited = !report.sinceReport.isValid() || report.sinceReport.elapsed() >= WARN_INTERVAL_MS;
        if (report.count > 0 && (all || waited)) {
            due.append({ it.key().first, report.reason, report.count });
            report.count = 0;
            report.sinceReport.start();
            ++it;
        } else if (report.count == 0 && waited) {
            it = refusals.erase(it);   // quiet for a second: the next one may be said at once
        } else {
            ++it;
        }
    }
    // Said after the loop: a receiver may stop the bridge, which reports what is left.
    for (const Due &d : std::as_const(due))
        emit messagesRefused(d.origin, d.reason, d.count);
}

void ClusterBridge::publishStats()
{
    reportRefusals(false);
    const Stats now = stats();
    if (now.dropped > m_shared->droppedWarned
        && (!m_shared->sinceDropWarning.isValid() || m_shared->sinceDropWarning.elapsed() >= WARN_INTERVAL_MS)) {
        emit messagesDropped(now.dropped - m_shared->droppedWarned, m_shared->settings.reconnectBufferBytes);
        m_shared->droppedWarned = now.dropped;
        m_shared->sinceDropWarning.start();
    }
    if (sameStats(now, m_shared->lastEmitted))
        return;
    m_shared->lastEmitted = now;
    emit statsChanged();
}

#include "clusterbridge.moc"
