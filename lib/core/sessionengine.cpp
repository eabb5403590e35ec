// SPDX-License-Identifier: MIT
#include "core/sessionengine.h"

#include "core/framer.h"
#include "core/logcategories.h"
#include "core/reasons.h"
#include "core/slotindex.h"
#include "core/tlscontext.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QTcpServer>

#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <climits>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int EPOLL_BATCH = 256;        // events taken per epoll_wait
constexpr int IOV_BATCH = IOV_MAX;      // queued chunks written per sendmsg (1024 on Linux)
constexpr qsizetype READ_CHUNK = 64 * 1024;
// Input read in one wake-up before the output it caused is written: a bound,
// so that a flood from many senders leaves in small steps and queues stay short.
constexpr qsizetype READ_BUDGET = 1024 * 1024;
// Output is stored in blocks of this size, shared by every receiver. Bytes
// larger than a quarter of it get a block of their own.
constexpr quint32 BLOCK_SIZE = 64 * 1024;
// Free blocks kept for reuse: freeing and faulting them back in on every
// batch cost a quarter of a fan-out's CPU once. Beyond POOL_FLOOR they are
// given back when the trim timer fires.
constexpr size_t POOL_MAX = 32;          // 2 MiB
constexpr size_t POOL_FLOOR = 2;
// After this much memory was given back, the heap is trimmed a moment later.
constexpr qint64 TRIM_AFTER_BYTES = 1024 * 1024;
constexpr int TRIM_DELAY_MS = 1000;
constexpr size_t DIRTY_KEEP = 1024;      // entries the dirty lists keep past a trim
constexpr int ACCEPT_RETRY_MS = 250;    // after EMFILE and friends
constexpr int ACCEPT_BATCH = 64;        // connections taken per wake-up, for fairness
// A handshaking record's id: its own range, so that client ids count clients only.
constexpr quint64 PENDING_ID_BIT = quint64(1) << 63;
constexpr char TLS_HANDSHAKE_RECORD = 0x16;   // the first byte of every TLS ClientHello
// What one session's OpenSSL state holds on the heap, measured with massif
// (OpenSSL 3.0: the SSL object alone is 7.6 KB): counted as given back when
// it is freed, so that a wave of TLS clients leaving trims the heap.
constexpr qint64 TLS_STATE_BYTES = 12 * 1024;
constexpr qsizetype TLS_RECORD_BYTES = 16 * 1024;   // the most plaintext one TLS record carries
// While clients wait for a handshake place, a handshake that has received
// nothing for this long gives its place up: slow or stalled peers cannot
// hold every place until the deadline and keep newcomers out.
constexpr int HANDSHAKE_STALL_MS = 3000;

struct SslFree {
    void operator()(SSL *ssl) const { SSL_free(ssl); }
};

QString errnoText(int error)
{
    return QString::fromLocal8Bit(strerror(error)).toLower();
}

// Lets the server hold as many connections as the hard limit allows; returns the limit.
size_t raiseDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            getrlimit(RLIMIT_NOFILE, &limit);
    }
    return size_t(limit.rlim_cur);
}
} // namespace

// QTcpServer does the listening (address parsing, dual stack, listen errors).
// Accepting is ours: Qt 6.4's loop neither reports nor pauses on EMFILE, so
// out of descriptors it would retry accept() on every pass of the event loop.
class SessionAcceptor : public QTcpServer
{
public:
    explicit SessionAcceptor(SessionEngine *engine) : QTcpServer(engine), m_engine(engine) { }

protected:
    void incomingConnection(qintptr fd) override { m_engine->adopt(fd); }   // not reached: paused

private:
    SessionEngine *m_engine;
};

// Stored output: a header and the bytes after it. Every receiver of a range
// holds a reference, and so do the current block and a pending run.
struct SessionEngine::OutBlock {
    quint32 refs = 1;
    quint32 capacity = 0;
    quint32 used = 0;

    char *data() { return reinterpret_cast<char *>(this + 1); }
};

// A range of a block; holds one reference to it.
struct SessionEngine::Span {
    OutBlock *block = nullptr;
    quint32 begin = 0;
    quint32 end = 0;

    quint32 size() const { return end - begin; }
};

// An idle session is this record and nothing else, so it is kept small: the
// peer's address is stored compactly (IPv4, or IPv6 in Extra), times and
// counters are what sessionInfo() reports, the newest range of queued output
// is kept here (for a receiver that keeps up, the only one), and everything
// else that only a busy session needs lives in Extra.
struct SessionEngine::Session {
    enum class State : quint8 { Open, Flushing, Lingering, Handshaking };

    Id id = 0;                       // 0: a free slot
    std::unique_ptr<Extra> extra;    // while older output is queued or a line is unfinished; always for TLS and IPv6
    qint64 connectedAtMs = 0;
    qint64 lastActivityMs = 0;
    quint64 messagesIn = 0;
    quint64 bytesIn = 0;
    quint64 messagesOut = 0;
    quint64 bytesOut = 0;
    OutBlock *tail = nullptr;        // the newest queued range (after Extra::out), with a reference
    quint32 tailBegin = 0;
    quint32 tailEnd = 0;
    int fd = -1;                     // plain TCP: ours, in the epoll set; -1 once finalized
    quint32 slot = 0;                // place in the slab
    quint32 openIndex = 0;           // place in m_open while open
    quint32 interest = 0;            // epoll events registered
    quint32 peerV4 = 0;              // host order; see Extra::peerV6
    quint16 peerPort = 0;
    State state = State::Open;
    bool dirty : 1 = false;
    bool wantWrite : 1 = false;
    bool peerEnded : 1 = false;      // read returned 0: nothing more can come in
    bool finalized : 1 = false;      // socket gone; the record waits for the end of the batch
    bool waitingTurn : 1 = false;    // TLS: its first bytes came while the handshakes were at the cap
    bool writeWantsRead : 1 = false; // TLS: OpenSSL must read before it can write on
    bool tapped : 1 = false;         // the tap was told of its opening, and is told of its bytes and end
};

struct SessionEngine::Extra {
    Extra(const Framing &framing, qsizetype maxMessageBytes) : framer(framing, maxMessageBytes) { }

    Framer framer;                   // holds the unfinished frame
    QList<Span> out;                 // older queued ranges, oldest first; Session::tail follows
    qint64 outBytes = 0;             // unwritten bytes in out
    qint64 lastReadMs = 0;           // m_clock time of the read that left the unfinished frame
    std::unique_ptr<SSL, SslFree> ssl;   // TLS, from the client's first byte on
    bool hasPeerV6 = false;
    Q_IPV6ADDR peerV6 {};

    bool isIdle() const { return !ssl && !hasPeerV6 && out.isEmpty() && !framer.hasPartial(); }
};

// The sessions: records in chunks that never move, found by id through a
// SlotIndex. A record leaves the index when its socket is finalized and is
// recycled when the batch ends, so no stack frame is left holding a reused one.
// New sessions take the lowest free slot, so that after a peak the last
// chunks empty out and are given back.
class SessionEngine::SessionTable
{
    static_assert(sizeof(void *) != 8 || sizeof(Session) == 104,
                  "an idle session's size is a benchmark target (issues 4, 11): keep it at 104 bytes");

    struct IdOf {
        const SessionTable *table;
        Id operator()(quint32 slot) const { return table->at(slot).id; }
    };
    IdOf idOf() const { return { this }; }

public:
    Session *create(Id id)
    {
        if (m_free.empty())
            addChunk();
        std::pop_heap(m_free.begin(), m_free.end(), std::greater<>());
        const quint32 slot = m_free.back();
        m_free.pop_back();
        ++m_live[slot / ChunkSize];
        Session *s = &at(slot);
        s->id = id;
        s->slot = slot;
        m_index.insert(slot, idOf());
        return s;
    }

    Session *find(Id id) const
    {
        const quint32 slot = m_index.find(id, idOf());
        return slot == SlotIndex::NoSlot ? nullptr : &at(slot);
    }

    /** The record in @p slot if it still holds the session whose id ends in @p idLow. */
    Session *atSlot(quint32 slot, quint32 idLow) const
    {
        if (slot >= m_chunks.size() * ChunkSize)
            return nullptr;
        Session *s = &at(slot);
        return s->id != 0 && quint32(s->id) == idLow && !s->finalized ? s : nullptr;
    }

    /** The session in @p s is known as @p id from now on. */
    void rekey(Session *s, Id id)
    {
        m_index.remove(s->id, s->slot, idOf());
        s->id = id;
        m_index.insert(s->slot, idOf());
    }

    /** find() no longer sees @p s; the record stays valid until recycle(). */
    void remove(const Session *s) { m_index.remove(s->id, s->slot, idOf()); }

    /** Returns the bytes given back to the heap. */
    qint64 recycle(Session *s)
    {
        Q_ASSERT(!s->tail && (!s->extra || s->extra->out.isEmpty()));
        const quint32 slot = s->slot;
        *s = Session();
        m_free.push_back(slot);
        std::push_heap(m_free.begin(), m_free.end(), std::greater<>());
        --m_live[slot / ChunkSize];
        // Empty chunks at the end go back, but one is kept for the next arrivals.
        qint64 released = 0;
        while (m_chunks.size() >= 2 && m_live.back() == 0 && m_live[m_live.size() - 2] == 0) {
            const quint32 first = quint32(m_chunks.size() - 1) * ChunkSize;
            m_free.erase(std::remove_if(m_free.begin(), m_free.end(), [first](quint32 f) { return f >= first; }),
                         m_free.end());
            std::make_heap(m_free.begin(), m_free.end(), std::greater<>());
            m_chunks.pop_back();
            m_live.pop_back();
            released += qint64(ChunkSize * sizeof(Session));
        }
        return released;
    }

    /** Every record not yet recycled, finalized ones included. */
    template <typename F>
    void forEach(F &&f) const
    {
        for (const auto &chunk : m_chunks) {
            for (quint32 i = 0; i < ChunkSize; ++i) {
                if (chunk[i].id != 0)
                    f(chunk[i]);
            }
        }
    }

    qint64 bytes() const
    {
        return qint64(m_chunks.size() * ChunkSize * sizeof(Session) + m_free.capacity() * sizeof(quint32)
                      + m_live.capacity() * sizeof(quint32)) + m_index.capacity() * qint64(sizeof(quint32));
    }

    void shrink()
    {
        m_free.shrink_to_fit();
        m_chunks.shrink_to_fit();
        m_live.shrink_to_fit();
    }

private:
    static constexpr quint32 ChunkSize = 512;

    Session &at(quint32 slot) const { return m_chunks[slot / ChunkSize][slot % ChunkSize]; }

    void addChunk()
    {
        const quint32 first = quint32(m_chunks.size()) * ChunkSize;
        m_chunks.push_back(std::make_unique<Session[]>(ChunkSize));
        m_live.push_back(0);
        for (quint32 i = 0; i < ChunkSize; ++i)
            m_free.push_back(first + i);   // only called with none free: ascending slots are a min-heap
    }

    std::vector<std::unique_ptr<Session[]>> m_chunks;
    std::vector<quint32> m_live;   // sessions per chunk
    std::vector<quint32> m_free;   // a min-heap of free slots
    SlotIndex m_index;
};

// Marks a stretch of work during which sessions may be referenced from the
// stack: writes are batched and closed sessions are kept alive until the
// outermost scope ends.
class SessionEngine::BatchScope
{
public:
    explicit BatchScope(SessionEngine *engine) : m_engine(engine) { ++m_engine->m_batchDepth; }
    ~BatchScope()
    {
        if (--m_engine->m_batchDepth == 0)
            m_engine->endBatch();
    }
    Q_DISABLE_COPY_MOVE(BatchScope)

private:
    SessionEngine *m_engine;
};

SessionEngine::SessionEngine(QObject *parent)
    : QObject(parent)
    , m_acceptor(new SessionAcceptor(this))
    , m_table(std::make_unique<SessionTable>())
    , m_readBuffer(READ_CHUNK, Qt::Uninitialized)
{
    // As many open sessions as there can be descriptors: reserved, not touched,
    // so the broadcast list never leaves the garbage of its doublings behind.
    m_open.reserve(std::min<size_t>(raiseDescriptorLimit(), 1 << 20));
    m_clock.start();

    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (m_epollFd < 0)
        qFatal("epoll_create1: %s", strerror(errno));
    m_epollNotifier = new QSocketNotifier(m_epollFd, QSocketNotifier::Read, this);
    connect(m_epollNotifier, &QSocketNotifier::activated, this, &SessionEngine::onEpollReady);

    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SessionEngine::onTimer);

    m_resumeAccept.setSingleShot(true);
    m_resumeAccept.setInterval(ACCEPT_RETRY_MS);
    connect(&m_resumeAccept, &QTimer::timeout, this, [this] {
        if (m_acceptNotifier)
            m_acceptNotifier->setEnabled(true);
    });

    m_stallTimer.setInterval(HANDSHAKE_STALL_MS / 3);
    connect(&m_stallTimer, &QTimer::timeout, this, &SessionEngine::evictStalledHandshakes);

    m_tlsBacklogTimer.setSingleShot(true);
    connect(&m_tlsBacklogTimer, &QTimer::timeout, this, &SessionEngine::readTlsBacklog);

    m_trimTimer.setSingleShot(true);
    m_trimTimer.setInterval(TRIM_DELAY_MS);
    connect(&m_trimTimer, &QTimer::timeout, this, [this] { trim(m_releasedBytes >= TRIM_AFTER_BYTES); });
}

SessionEngine::~SessionEngine()
{
    m_table->forEach([this](Session &s) {
        dropOutput(s);
        if (s.fd >= 0)
            ::close(s.fd);
    });
    if (m_run.block)
        release(std::exchange(m_run.block, nullptr));
    if (m_current)
        release(std::exchange(m_current, nullptr));
    for (OutBlock *block : m_pool)
        ::operator delete(block);
    delete m_epollNotifier;
    ::close(m_epollFd);
}

void SessionEngine::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls.reset();
    m_tlsError.clear();
    if (configuration.isNull())
        return;
    m_tls = TlsContext::create(configuration, &m_tlsError);
    if (!m_tls)
        m_tlsError = u"TLS: "_s + m_tlsError;
}

bool SessionEngine::listen(const QHostAddress &address, quint16 port)
{
    m_closingAll = false;
    stopListening();
    if (isTlsEnabled() && !m_tls)
        return false;   // errorString(): why OpenSSL refused the configuration
    // Bursts of connections wait in the kernel rather than being dropped and retried a second later.
    m_acceptor->setListenBacklogSize(SOMAXCONN);
    if (!m_acceptor->listen(address, port))
        return false;
    m_acceptor->pauseAccepting();
    // Accepted sockets inherit TCP_NODELAY from the listener on Linux: one call here
    // instead of one per connection. (We batch writes ourselves; Nagle would only add latency.)
    const int one = 1;
    setsockopt(int(m_acceptor->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_acceptNotifier = new QSocketNotifier(m_acceptor->socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &SessionEngine::onAcceptReady);
    return true;
}

void SessionEngine::onAcceptReady()
{
    const int listener = int(m_acceptor->socketDescriptor());
    for (int i = 0; i < ACCEPT_BATCH && m_acceptNotifier; ++i) {
        sockaddr_in6 peer {};   // sockaddr_in fits in it too
        socklen_t length = sizeof peer;
        const int fd = ::accept4(listener, reinterpret_cast<sockaddr *>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            adopt(fd, &peer);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        // Out of descriptors or memory: stop asking until closing sessions may
        // have freed some, instead of spinning on a readable listener.
        const QString reason = errnoText(errno);
        m_acceptNotifier->setEnabled(false);
        m_resumeAccept.start();
        emit acceptFailed(reason);
        return;
    }
}

void SessionEngine::stopListening()
{
    m_resumeAccept.stop();
    delete std::exchange(m_acceptNotifier, nullptr);
    m_acceptor->close();
}

bool SessionEngine::isListening() const
{
    return m_acceptor->isListening();
}

QHostAddress SessionEngine::serverAddress() const
{
    return m_acceptor->serverAddress();
}

quint16 SessionEngine::serverPort() const
{
    return m_acceptor->serverPort();
}

QString SessionEngine::errorString() const
{
    return isTlsEnabled() && !m_tls ? m_tlsError : m_acceptor->errorString();
}

void SessionEngine::setLimits(const Limits &limits)
{
    // Each deadline queue is sorted because its entries share one delay: a new
    // delay moves them all by the same amount, and the order holds.
    const auto shift = [](std::deque<std::pair<qint64, Id>> &queue, qint64 by) {
        for (auto &entry : queue)
            entry.first += by;
    };
    const bool reframed = !(limits.framing == m_limits.framing);
    if (!reframed)
        shift(m_quietDeadlines, qint64(limits.quietMs()) - m_limits.quietMs());
    shift(m_closeDeadlines, qint64(limits.closeTimeoutMs) - m_limits.closeTimeoutMs);
    shift(m_handshakeDeadlines, qint64(limits.tlsHandshakeTimeoutMs) - m_limits.tlsHandshakeTimeoutMs);
    m_limits = limits;
    scheduleTimer();
    // Unfinished frames of another framing mean nothing in the new one (their quiet
    // deadlines then find nothing to deliver).
    m_table->forEach([&limits, reframed](Session &s) {
        if (s.extra && reframed)
            s.extra->framer = Framer(limits.framing, limits.maxMessageBytes);
        else if (s.extra)
            s.extra->framer.setMaxLength(limits.maxMessageBytes);
    });
    BatchScope scope(this);
    startWaitingHandshakes();   // a higher cap lets waiting ones start now
}

QList<SessionEngine::Id> SessionEngine::sessionIds() const
{
    QList<Id> ids;
    ids.reserve(m_openCount);
    for (const Session *s : m_open)
        ids.append(s->id);
    std::sort(ids.begin(), ids.end());   // oldest first
    return ids;
}

SessionEngine::Session *SessionEngine::find(Id id) const
{
    return m_table->find(id);
}

// What an epoll event carries: the slot, and the low half of the id to tell a
// recycled slot's new session from the one the event was meant for.
quint64 SessionEngine::epollTag(const Session &s)
{
    return (quint64(quint32(s.id)) << 32) | s.slot;
}

SessionEngine::Session *SessionEngine::atTag(quint64 tag) const
{
    return m_table->atSlot(quint32(tag), quint32(tag >> 32));
}

bool SessionEngine::contains(Id id) const
{
    const Session *s = find(id);
    return s && s->state == Session::State::Open;
}

SessionEngine::SessionInfo SessionEngine::sessionInfo(Id id) const
{
    SessionInfo info;
    const Session *s = find(id);
    if (!s)
        return info;
    info.id = s->id;
    if (s->extra && s->extra->hasPeerV6)
        info.address = QHostAddress(s->extra->peerV6);
    else
        info.address = QHostAddress(s->peerV4);
    info.port = s->peerPort;
    info.connectedAtMs = s->connectedAtMs;
    info.encrypted = s->extra && s->extra->ssl;
    Counters c;
    counters(id, &c);
    info.lastActivityMs = c.lastActivityMs;
    info.messagesIn = c.messagesIn;
    info.bytesIn = c.bytesIn;
    info.messagesOut = c.messagesOut;
    info.bytesOut = c.bytesOut;
    info.pendingBytes = c.pendingBytes;
    return info;
}

bool SessionEngine::counters(Id id, Counters *counters) const
{
    const Session *s = find(id);
    if (!s)
        return false;
    counters->lastActivityMs = s->lastActivityMs;
    counters->messagesIn = s->messagesIn;
    counters->bytesIn = s->bytesIn;
    counters->messagesOut = s->messagesOut;
    counters->bytesOut = s->bytesOut;
    counters->pendingBytes = queued(*s);
    if (m_run.block && s->state == Session::State::Open && s->id != m_run.except) {
        // Broadcasts it has been promised but not yet handed.
        counters->messagesOut += m_run.messages;
        counters->pendingBytes += m_run.end - m_run.begin;
    }
    return true;
}

// @p accepted: the peer's address, when the socket comes from our own accept4()
// (non-blocking already, TCP_NODELAY inherited); null for a socket handed to us.
void SessionEngine::adopt(qintptr descriptor, const sockaddr_in6 *accepted)
{
    if (isTlsEnabled() && !m_tls) {
        ::close(int(descriptor));   // not reached: listen() refuses such a configuration
        return;
    }
    const int fd = int(descriptor);
    BatchScope scope(this);

    sockaddr_in6 peer {};
    if (accepted) {
        peer = *accepted;
    } else {
        fcntl(fd, F_SETFL, O_NONBLOCK);   // a fresh socket has no other status flag to keep
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        socklen_t length = sizeof peer;
        getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length);
    }

    // A TLS client gets its id when its handshake is done.
    Session *s = m_table->create(m_tls ? (PENDING_ID_BIT | m_nextPendingId++) : m_nextId++);
    s->fd = fd;
    if (peer.sin6_family == AF_INET) {
        const auto *in = reinterpret_cast<const sockaddr_in *>(&peer);
        s->peerV4 = ntohl(in->sin_addr.s_addr);
        s->peerPort = ntohs(in->sin_port);
    } else if (peer.sin6_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr)) {
        quint32 v4;
        std::memcpy(&v4, peer.sin6_addr.s6_addr + 12, sizeof v4);
        s->peerV4 = ntohl(v4);
        s->peerPort = ntohs(peer.sin6_port);
    } else {
        setPeer(*s, QHostAddress(reinterpret_cast<const sockaddr *>(&peer)), ntohs(peer.sin6_port));
    }
    if (m_tls && m_admission) {
        // Before any TLS state: a stranger the server would refuse costs no handshake.
        const SessionInfo info = sessionInfo(s->id);
        if (const QString refusal = m_admission(info.address); !refusal.isEmpty()) {
            ::close(fd);
            m_table->remove(s);
            m_table->recycle(s);
            emit handshakeFailed(info.address, info.port, refusal);
            return;
        }
    }

    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = epollTag(*s);
    if (epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCWarning(lcEngine) << "epoll_ctl ADD failed:" << errnoText(errno);
        ::close(fd);
        m_table->remove(s);
        m_table->recycle(s);
        return;
    }
    s->interest = ev.events;
    if (!m_tls) {
        openSession(s);
        return;
    }
    // A stranger: a plain record until its first byte, then an SSL object.
    s->state = Session::State::Handshaking;
    ++m_liveCount;
    const bool wasIdle = m_handshakeDeadlines.empty();
    m_handshakeDeadlines.emplace_back(now() + m_limits.tlsHandshakeTimeoutMs, s->id);
    if (wasIdle)
        scheduleTimer();
}

void SessionEngine::setPeer(Session &s, const QHostAddress &address, quint16 port)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);   // ::ffff:a.b.c.d counts as a.b.c.d
    if (isV4) {
        s.peerV4 = v4;
    } else {
        Extra &e = extra(s);
        e.hasPeerV6 = true;
        e.peerV6 = address.toIPv6Address();
    }
    s.peerPort = port;
}

void SessionEngine::openSession(Session *session)
{
    materialize();   // broadcasts made before it came are not for it
    session->connectedAtMs = session->lastActivityMs = wallNow();
    session->openIndex = quint32(m_open.size());
    m_open.push_back(session);
    ++m_openCount;
    if (!session->extra || !session->extra->ssl)
        ++m_liveCount;   // a TLS client was counted from its accept
    const SessionInfo info = sessionInfo(session->id);
    if (m_tap)
        tapOpened(*session, info);
    emit sessionOpened(session->id, info.address, info.port);
}

void SessionEngine::setTap(TrafficTap *tap)
{
    m_tap = tap;
    for (Session *s : m_open) {
        s->tapped = false;
        if (tap)
            tapOpened(*s, sessionInfo(s->id), true);
    }
}

void SessionEngine::tapOpened(Session &s, const SessionInfo &info, bool midStream)
{
    TrafficTap::Endpoints ends;
    ends.midStream = midStream;
    ends.peer = info.address;
    ends.peerPort = info.port;
    sockaddr_storage local {};
    socklen_t length = sizeof local;
    if (::getsockname(s.fd, reinterpret_cast<sockaddr *>(&local), &length) == 0) {
        ends.local.setAddress(reinterpret_cast<const sockaddr *>(&local));
        ends.localPort = ntohs(local.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 *>(&local)->sin6_port
                                                           : reinterpret_cast<const sockaddr_in *>(&local)->sin_port);
    }
    s.tapped = true;
    m_tap->opened(s.id, ends);
}

SessionEngine::Extra &SessionEngine::extra(Session &s)
{
    if (!s.extra)
        s.extra = std::make_unique<Extra>(m_limits.framing, m_limits.maxMessageBytes);
    return *s.extra;
}

// Only where no stack frame can hold the Extra: after a flush, at the end of a batch.
void SessionEngine::trimExtra(Session &s)
{
    if (s.extra && s.extra->isIdle())
        s.extra.reset();
}

// A TLS record's turn: its first byte, then each step of its handshake.
// Every refusal is reported with its reason: QSslServer's silent close is not ours.
void SessionEngine::handshake(Session &s, quint32 events)
{
    SSL *ssl = s.extra ? s.extra->ssl.get() : nullptr;
    if (!ssl) {
        if (s.waitingTurn) {
            // Registered for nothing while it waits: only a hang-up or an error comes.
            if (events & (EPOLLHUP | EPOLLERR))
                refuse(s, Reasons::ClientClosedTheConnection);
            return;
        }
        char first = 0;
        const ssize_t r = ::recv(s.fd, &first, 1, MSG_PEEK);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (r <= 0) {
            refuse(s, r == 0 ? QString(Reasons::ClientClosedTheConnection) : errnoText(errno));
            return;
        }
        if (first != TLS_HANDSHAKE_RECORD) {
            refuse(s, Reasons::ClearText);
            return;
        }
        if (handshaking() >= m_limits.maxHandshakes) {
            s.waitingTurn = true;   // its bytes wait in the kernel
            m_waitingHandshakes.push_back(s.id);
            updateInterest(s);
            if (!m_stallTimer.isActive())
                m_stallTimer.start();
            return;
        }
        ssl = m_tls->newSession(s.fd);
        if (!ssl) {
            refuse(s, errnoText(ENOMEM));
            return;
        }
        extra(s).ssl.reset(ssl);
        m_handshakes.insert(s.id);
    }
    s.lastActivityMs = wallNow();   // bytes came: the handshake is not stalled
    TlsContext::clearErrors();
    errno = 0;
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
        completeHandshake(s);
        return;
    }
    const int error = SSL_get_error(ssl, r);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        s.wantWrite = error == SSL_ERROR_WANT_WRITE;
        updateInterest(s);
        return;
    }
    refuse(s, TlsContext::failure(ssl, r, errno));
}

void SessionEngine::completeHandshake(Session &s)
{
    m_handshakes.erase(s.id);
    s.state = Session::State::Open;
    s.wantWrite = false;
    m_table->rekey(&s, m_nextId++);
    // The tag carries the id: events still queued under the old one find no session.
    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = epollTag(s);
    epoll_ctl(m_epollFd, EPOLL_CTL_MOD, s.fd, &ev);
    s.interest = ev.events;
    const Id id = s.id;
    openSession(&s);   // its handlers may close it at once (server full, not allowed)
    if (find(id) && s.state == Session::State::Open)
        readTls(s);   // what came with the handshake may already be in OpenSSL's buffer
    startWaitingHandshakes();
}

// A client that never became a session: said why, and gone.
void SessionEngine::refuse(Session &s, const QString &why)
{
    const SessionInfo info = sessionInfo(s.id);
    finalize(s);
    emit handshakeFailed(info.address, info.port, QString(Reasons::TlsHandshakeFailed).arg(why));
}

// Handshakes that waited for a free place, oldest first. Not recursive: a
// refusal ends a handshake too and calls this again.
void SessionEngine::startWaitingHandshakes()
{
    if (m_startingWaiting)
        return;
    m_startingWaiting = true;
    while (handshaking() < m_limits.maxHandshakes && !m_waitingHandshakes.empty()) {
        const Id id = m_waitingHandshakes.front();
        m_waitingHandshakes.pop_front();
        Session *s = find(id);
        if (!s || s->state != Session::State::Handshaking || !s->waitingTurn)
            continue;   // refused at its deadline meanwhile
        s->waitingTurn = false;
        handshake(*s, EPOLLIN);
    }
    m_startingWaiting = false;
}

// Clients wait for a place: handshakes that received nothing for
// HANDSHAKE_STALL_MS make way (refused, saying so).
void SessionEngine::evictStalledHandshakes()
{
    BatchScope scope(this);
    const qint64 now = wallNow();
    std::vector<Id> stalled;
    for (Id id : m_handshakes) {
        if (const Session *s = find(id); s && now - s->lastActivityMs >= HANDSHAKE_STALL_MS)
            stalled.push_back(id);
    }
    for (Id id : stalled) {
        if (Session *s = find(id))
            refuse(*s, QString(Reasons::HandshakeStalled).arg(HANDSHAKE_STALL_MS));
    }
    if (m_waitingHandshakes.empty())
        m_stallTimer.stop();
}

void SessionEngine::readTls(Session &s)
{
    SSL *ssl = s.extra->ssl.get();
    qsizetype taken = 0;
    for (;;) {
        TlsContext::clearErrors();
        errno = 0;
        const int r = SSL_read(ssl, m_readBuffer.data(), int(m_readBuffer.size()));
        if (r > 0) {
            if (s.writeWantsRead) {
                s.writeWantsRead = false;
                markDirty(s);
            }
            s.bytesIn += quint64(r);
            s.lastActivityMs = wallNow();
            m_batchRead += r;
            taken += r;
            if (m_tap && s.tapped)
                m_tap->received(s.id, QByteArrayView(m_readBuffer.constData(), r));
            consume(s, QByteArrayView(m_readBuffer.constData(), r));
            if (s.state != Session::State::Open)
                return;
            if (taken >= READ_CHUNK || m_batchRead >= READ_BUDGET) {
                // What OpenSSL has read ahead is not the kernel's: epoll would not say so again.
                if (SSL_has_pending(ssl)) {
                    m_tlsBacklog.push_back(s.id);
                    if (!m_tlsBacklogTimer.isActive())
                        m_tlsBacklogTimer.start(0);
                }
                return;
            }
            continue;
        }
        const int error = SSL_get_error(ssl, r);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
            return;
        if (error == SSL_ERROR_ZERO_RETURN) {   // close_notify, or the end of the stream
            s.peerEnded = true;
            closeSession(s.id, endOfStream(s, Reasons::ClosedByPeer), CloseMode::Graceful);
            return;
        }
        m_peerFailed = true;
        closeSession(s.id, endOfStream(s, TlsContext::sessionFailure(ssl, r, errno)), CloseMode::Abort);
        m_peerFailed = false;
        return;
    }
}

void SessionEngine::readTlsBacklog()
{
    BatchScope scope(this);
    m_batchRead = 0;
    const std::vector<Id> ids = std::exchange(m_tlsBacklog, {});
    for (Id id : ids) {
        if (Session *s = find(id); s && s->state == Session::State::Open)
            readTls(*s);
    }
}

void SessionEngine::onEpollReady()
{
    BatchScope scope(this);
    epoll_event events[EPOLL_BATCH];
    const int n = epoll_wait(m_epollFd, events, EPOLL_BATCH, 0);
    m_batchRead = 0;
    // Past the read budget the rest waits for the next wake-up (level-triggered:
    // epoll reports them again), after this batch's output has been written.
    for (int i = 0; i < n && m_batchRead < READ_BUDGET; ++i) {
        const quint64 tag = events[i].data.u64;
        Session *s = atTag(tag);
        if (!s)
            continue;   // closed earlier in this batch
        const quint32 what = events[i].events;
        if (s->state == Session::State::Handshaking) {
            handshake(*s, what);
            continue;
        }
        if (what & EPOLLOUT)
            flush(*s);
        if (!(what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || !atTag(tag))
            continue;
        if (s->state != Session::State::Flushing)
            readFrom(*s);
        else if (what & (EPOLLHUP | EPOLLERR))
            finalize(*s);   // not reading while flushing, but the peer is gone
    }
}

void SessionEngine::readFrom(Session &s)
{
    if (s.state == Session::State::Open && s.extra && s.extra->ssl) {
        readTls(s);
        return;
    }
    const ssize_t r = ::recv(s.fd, m_readBuffer.data(), size_t(m_readBuffer.size()), 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;

    if (s.state == Session::State::Lingering) {
        if (r <= 0)
            finalize(s);   // the peer has seen our end, or is gone
        return;            // anything it still sends is discarded
    }

    if (r == 0) {
        s.peerEnded = true;
        closeSession(s.id, endOfStream(s, Reasons::ClosedByPeer), CloseMode::Graceful);
        return;
    }
    if (r < 0) {
        const QString reason = errnoText(errno);
        m_peerFailed = true;   // a reset or an error of the peer's (the tap says who ended it)
        closeSession(s.id, endOfStream(s, reason), CloseMode::Abort);
        m_peerFailed = false;
        return;
    }

    s.bytesIn += quint64(r);
    s.lastActivityMs = wallNow();
    m_batchRead += r;
    if (m_tap && s.tapped)
        m_tap->received(s.id, QByteArrayView(m_readBuffer.constData(), r));
    consume(s, QByteArrayView(m_readBuffer.constData(), r));
}

void SessionEngine::consume(Session &s, QByteArrayView data)
{
    const auto onMessage = [this, &s](QByteArrayView message) {
        deliver(s, message);
        return s.state == Session::State::Open;
    };
    FrameStatus status;
    if (s.extra && s.extra->framer.hasPartial()) {
        // The Extra cannot go away during the feed: it is only trimmed at the end of a batch.
        status = s.extra->framer.feed(data, onMessage);
    } else {
        // Most reads end on a frame boundary: frame on the stack, keep only a leftover.
        Framer framer(m_limits.framing, m_limits.maxMessageBytes);
        status = framer.feed(data, onMessage);
        if (framer.hasPartial() && s.state == Session::State::Open)
            extra(s).framer = std::move(framer);
    }
    if (status == FrameStatus::Overlong || status == FrameStatus::BadLength) {
        closeSession(s.id, status == FrameStatus::Overlong ? QString(Reasons::MessageTooLong) : QString(Reasons::BadFrameLength),
                     CloseMode::Graceful);
        return;
    }
    if (s.state != Session::State::Open || !s.extra || !s.extra->framer.hasPartial())
        return;
    const int quietMs = m_limits.quietMs();
    if (quietMs < 0)
        return;   // the rest of the frame is still to come
    if (quietMs == 0) {
        deliverPartial(s);   // the seed's raw behaviour: a read with no line ending is a message
        return;
    }
    s.extra->lastReadMs = now();
    const bool wasIdle = m_quietDeadlines.empty();
    m_quietDeadlines.emplace_back(s.extra->lastReadMs + quietMs, s.id);
    if (wasIdle)
        scheduleTimer();
}

void SessionEngine::deliver(Session &s, QByteArrayView message)
{
    ++s.messagesIn;
    if (m_delivering) {   // a handler's nested event loop: the buffer below is in use
        emit messageReceived(s.id, message.toByteArray());
        return;
    }
    // One buffer, refilled for each message: no allocation per message unless a
    // handler kept the last one, which is then left to it.
    if (!m_message.isDetached())
        m_message = QByteArray();
    m_message.resize(message.size());
    if (!message.isEmpty())
        std::memcpy(m_message.data(), message.data(), size_t(message.size()));
    m_delivering = true;
    emit messageReceived(s.id, m_message);
    m_delivering = false;
}

QString SessionEngine::endOfStream(Session &s, const QString &reason)
{
    if (!Framer::endsAtClose(m_limits.framing) && s.extra && s.extra->framer.hasPartial()) {
        // A cut binary frame is no message: said, not relayed.
        const qsizetype size = s.extra->framer.partialSize();
        s.extra->framer.clear();
        return QString(Reasons::UnfinishedFrame).arg(reason).arg(size);
    }
    deliverPartial(s);
    return reason;
}

void SessionEngine::deliverPartial(Session &s)
{
    if (s.state != Session::State::Open || !s.extra || !s.extra->framer.hasPartial())
        return;
    // A framer may keep a little more than a message (a line's CR, a delimiter's first bytes).
    const QByteArray message = s.extra->framer.takePartial();
    if (message.size() > m_limits.maxMessageBytes) {
        closeSession(s.id, Reasons::MessageTooLong, CloseMode::Graceful);
        return;
    }
    deliver(s, message);
    markDirty(s);   // the batch's end gives back the Extra if nothing else needs it
}

SessionEngine::OutBlock *SessionEngine::newBlock(quint32 capacity)
{
    if (capacity == BLOCK_SIZE && !m_pool.empty()) {
        OutBlock *block = m_pool.back();
        m_pool.pop_back();
        block->refs = 1;
        block->used = 0;
        return block;
    }
    auto *block = new (::operator new(sizeof(OutBlock) + capacity)) OutBlock;
    block->capacity = capacity;
    ++m_blocks;
    m_blockBytes += capacity;
    return block;
}

void SessionEngine::retain(OutBlock *block)
{
    ++block->refs;
}

void SessionEngine::release(OutBlock *block)
{
    Q_ASSERT(block->refs > 0);
    if (--block->refs > 0)
        return;
    if (block->capacity == BLOCK_SIZE && m_pool.size() < POOL_MAX) {
        m_pool.push_back(block);
        return;
    }
    --m_blocks;
    m_blockBytes -= block->capacity;
    m_releasedBytes += block->capacity;
    ::operator delete(block);
}

// Copies @p bytes and @p suffix into the current block (a fresh one if they
// do not fit; a block of their own if they are large). The span's reference is the caller's.
SessionEngine::Span SessionEngine::store(QByteArrayView bytes, QByteArrayView suffix)
{
    const qsizetype size = bytes.size() + suffix.size();
    Q_ASSERT(size > 0 && size <= qsizetype(UINT32_MAX));
    OutBlock *block;
    if (size > qsizetype(BLOCK_SIZE / 4)) {
        block = newBlock(quint32(size));
    } else {
        if (!m_current || m_current->capacity - m_current->used < size) {
            if (m_current)
                release(m_current);
            m_current = newBlock(BLOCK_SIZE);
        }
        block = m_current;
        retain(block);
    }
    const quint32 begin = block->used;
    copyInto(block, bytes, suffix);
    return { block, begin, block->used };
}

// The one place bytes are copied into the shared output.
void SessionEngine::copyInto(OutBlock *block, QByteArrayView bytes, QByteArrayView suffix)
{
    char *to = block->data() + block->used;
    if (!bytes.isEmpty())
        std::memcpy(to, bytes.data(), size_t(bytes.size()));
    if (!suffix.isEmpty())
        std::memcpy(to + bytes.size(), suffix.data(), size_t(suffix.size()));
    block->used += quint32(bytes.size() + suffix.size());
    m_storedBytes += bytes.size() + suffix.size();
}

qint64 SessionEngine::queued(const Session &s)
{
    return (s.extra ? s.extra->outBytes : 0) + (s.tailEnd - s.tailBegin);
}

// Queues [begin, end) of @p block for @p s, extending its tail range when the
// bytes follow on; false, queuing nothing, when that would take its backlog over the limit.
bool SessionEngine::append(Session &s, OutBlock *block, quint32 begin, quint32 end, quint32 messages)
{
    const qint64 size = end - begin;
    if (queued(s) + size > m_limits.maxBacklogBytes)
        return false;
    if (s.tail == block && s.tailEnd == begin) {
        s.tailEnd = end;
    } else {
        if (s.tail) {
            Extra &e = extra(s);
            e.out.append(Span { s.tail, s.tailBegin, s.tailEnd });
            e.outBytes += s.tailEnd - s.tailBegin;
        }
        retain(block);
        s.tail = block;
        s.tailBegin = begin;
        s.tailEnd = end;
    }
    s.messagesOut += messages;
    markDirty(s);
    return true;
}

// Hands the pending run of broadcasts to every open session but its sender:
// one walk for all the messages of the run.
void SessionEngine::materialize()
{
    if (!m_run.block)
        return;
    const Run run = std::exchange(m_run, Run {});
    std::vector<Id> tooSlow;
    for (Session *open : m_open) {
        if (open->id != run.except && !append(*open, run.block, run.begin, run.end, run.messages))
            tooSlow.push_back(open->id);
    }
    release(run.block);
    // Closing emits signals whose handlers may send again: not while iterating.
    for (Id id : tooSlow)
        closeSession(id, Reasons::TooSlow, CloseMode::Abort);
}

void SessionEngine::dropOutput(Session &s)
{
    if (Extra *e = s.extra.get()) {
        for (const Span &span : std::as_const(e->out))
            release(span.block);
        e->out = QList<Span>();
        e->outBytes = 0;
    }
    if (s.tail)
        release(std::exchange(s.tail, nullptr));
    s.tailBegin = s.tailEnd = 0;
}

bool SessionEngine::send(Id id, QByteArrayView bytes)
{
    BatchScope scope(this);
    Session *s = find(id);
    if (!s || s->state != Session::State::Open)
        return false;
    if (bytes.isEmpty())
        return true;
    materialize();   // what was broadcast before goes first
    if (s->state != Session::State::Open)
        return false;   // the run found it too slow
    const Span span = store(bytes);
    const bool queuedIt = append(*s, span.block, span.begin, span.end, 1);
    release(span.block);
    if (!queuedIt) {
        closeSession(id, Reasons::TooSlow, CloseMode::Abort);
        return false;
    }
    return true;
}

int SessionEngine::sendToAll(QByteArrayView bytes, Id except, QByteArrayView suffix)
{
    const qsizetype size = bytes.size() + suffix.size();
    if (size == 0)
        return 0;
    BatchScope scope(this);
    // The run goes on while the same sender's bytes follow on in the same block.
    // Opening or closing a session ends a run, so its receivers stay the same.
    const bool follows = m_run.block && m_run.except == except && m_run.block == m_current
            && m_run.end == m_current->used && m_current->capacity - m_current->used >= size
            && size <= qsizetype(BLOCK_SIZE / 4);
    if (follows) {
        copyInto(m_current, bytes, suffix);
        m_run.end = m_current->used;
        ++m_run.messages;
        return m_run.receivers;
    }
    materialize();
    const Session *sender = except ? find(except) : nullptr;
    const int receivers = m_openCount - (sender && sender->state == Session::State::Open ? 1 : 0);
    if (receivers <= 0)
        return 0;
    const Span span = store(bytes, suffix);
    m_run = Run { span.block, span.begin, span.end, 1, except, receivers };   // takes the span's reference
    return receivers;
}

void SessionEngine::markDirty(Session &s)
{
    if (!s.dirty) {
        s.dirty = true;
        m_dirty.push_back(&s);
    }
}

void SessionEngine::flush(Session &s)
{
    if (m_run.block) {
        materialize();
        if (s.finalized)
            return;   // the run found it too slow
    }
    if (!(s.extra && s.extra->ssl ? writeTls(s) : writePlain(s)))
        return;   // closed
    Extra *e = s.extra.get();
    const bool drained = queued(s) == 0;
    if (drained && e) {
        e->out = QList<Span>();   // give the memory back, idle sessions stay small
        trimExtra(s);
    }
    s.wantWrite = !drained && !s.writeWantsRead;
    if (s.state == Session::State::Flushing && drained) {
        // After the peer's end there is no input left to cause a reset: close now.
        if (s.peerEnded)
            finalize(s);
        else
            beginLinger(s);
    } else {
        updateInterest(s);
    }
}

// Bytes the kernel (or OpenSSL) took from the front of the queue.
void SessionEngine::wrote(Session &s, qint64 bytes)
{
    s.bytesOut += quint64(bytes);
    s.lastActivityMs = wallNow();
    Extra *e = s.extra.get();
    qint64 left = bytes;
    while (e && left > 0 && !e->out.isEmpty()) {
        Span &span = e->out.first();
        const qint64 taken = std::min<qint64>(left, span.size());
        span.begin += quint32(taken);
        e->outBytes -= taken;
        left -= taken;
        if (span.begin == span.end) {
            release(span.block);
            e->out.removeFirst();
        }
    }
    if (left > 0) {
        s.tailBegin += quint32(left);
        if (s.tailBegin == s.tailEnd) {
            release(std::exchange(s.tail, nullptr));
            s.tailBegin = s.tailEnd = 0;
        }
    }
}

// Writes what is queued until the kernel refuses more; false if that closed the session.
bool SessionEngine::writePlain(Session &s)
{
    Extra *e = s.extra.get();
    while (queued(s) > 0) {
        iovec iov[IOV_BATCH];
        int count = 0;
        if (e) {
            for (qsizetype i = 0; i < e->out.size() && count < IOV_BATCH - 1; ++i, ++count) {
                const Span &span = e->out.at(i);
                iov[count].iov_base = span.block->data() + span.begin;
                iov[count].iov_len = span.size();
            }
        }
        const bool withTail = s.tail && (!e || count == e->out.size());
        if (withTail) {
            iov[count].iov_base = s.tail->data() + s.tailBegin;
            iov[count].iov_len = s.tailEnd - s.tailBegin;
            ++count;
        }
        ssize_t w;
        if (count == 1) {
            w = ::send(s.fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);   // the usual case: cheaper in the kernel
        } else {
            msghdr msg {};
            msg.msg_iov = iov;
            msg.msg_iovlen = size_t(count);
            w = ::sendmsg(s.fd, &msg, MSG_NOSIGNAL);
        }
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            const QString reason = errnoText(errno);
            if (s.state == Session::State::Open)
                closeSession(s.id, reason, CloseMode::Abort);
            else
                finalize(s);
            return false;
        }
        if (m_tap && s.tapped) {
            // What the kernel took: the first w bytes of the gathered pieces.
            qsizetype left = w;
            for (int i = 0; i < count && left > 0; ++i) {
                const qsizetype piece = std::min<qsizetype>(left, qsizetype(iov[i].iov_len));
                m_tap->sent(s.id, QByteArrayView(static_cast<const char *>(iov[i].iov_base), piece));
                left -= piece;
            }
        }
        wrote(s, w);
    }
    return true;
}

// The same for TLS: one SSL_write for what a batch queued (a receiver that
// keeps up has one range, written as it is; several are gathered a record's
// worth at a time, OpenSSL writing one record per call).
// A write the socket refused is retried with the same bytes from the same
// place: the queue only moves on by what OpenSSL reports written.
bool SessionEngine::writeTls(Session &s)
{
    Extra *e = s.extra.get();
    SSL *ssl = e->ssl.get();
    while (queued(s) > 0) {
        const char *data;
        qsizetype size;
        if (e->out.isEmpty()) {
            data = s.tail->data() + s.tailBegin;
            size = s.tailEnd - s.tailBegin;
        } else {
            // One record's worth: OpenSSL writes a record per call (partial writes on).
            m_tlsGather.resize(0);   // keeps its capacity
            for (const Span &span : std::as_const(e->out)) {
                if (m_tlsGather.size() >= TLS_RECORD_BYTES)
                    break;
                m_tlsGather.append(span.block->data() + span.begin, std::min<qsizetype>(span.size(), TLS_RECORD_BYTES));
            }
            if (s.tail && m_tlsGather.size() < TLS_RECORD_BYTES)
                m_tlsGather.append(s.tail->data() + s.tailBegin,
                                   std::min<qsizetype>(s.tailEnd - s.tailBegin, TLS_RECORD_BYTES));
            data = m_tlsGather.constData();
            size = m_tlsGather.size();
        }
        TlsContext::clearErrors();
        errno = 0;
        const int w = SSL_write(ssl, data, int(std::min<qsizetype>(size, INT_MAX)));
        if (w <= 0) {
            const int error = SSL_get_error(ssl, w);
            if (error == SSL_ERROR_WANT_WRITE)
                break;
            if (error == SSL_ERROR_WANT_READ) {
                s.writeWantsRead = true;   // readTls() flushes again after its next read
                break;
            }
            if (s.state == Session::State::Open)
                closeSession(s.id, TlsContext::sessionFailure(ssl, w, errno), CloseMode::Abort);
            else
                finalize(s);
            return false;
        }
        if (m_tap && s.tapped)
            m_tap->sent(s.id, QByteArrayView(data, w));   // the plaintext TLS took
        wrote(s, w);
    }
    return true;
}

void SessionEngine::updateInterest(Session &s)
{
    if (s.fd < 0)
        return;   // finalized
    quint32 events = 0;
    switch (s.state) {
    case Session::State::Handshaking:
        // Waiting for a free place: not read, so that its bytes stay in the kernel.
        if (!s.waitingTurn)
            events = s.wantWrite ? EPOLLOUT : EPOLLIN | EPOLLRDHUP;
        break;
    case Session::State::Open:
        events = EPOLLIN | EPOLLRDHUP;
        break;
    case Session::State::Flushing:
        break;   // errors and hang-ups are always reported
    case Session::State::Lingering:
        events = EPOLLIN | EPOLLRDHUP;
        break;
    }
    if (s.wantWrite && s.state != Session::State::Handshaking)
        events |= EPOLLOUT;
    if (events == s.interest)
        return;
    epoll_event ev {};
    ev.events = events;
    ev.data.u64 = epollTag(s);
    epoll_ctl(m_epollFd, EPOLL_CTL_MOD, s.fd, &ev);
    s.interest = events;
}

bool SessionEngine::closeSession(Id id, const QString &reason, CloseMode mode)
{
    BatchScope scope(this);
    Session *s = find(id);
    if (!s || s->state != Session::State::Open)
        return false;
    materialize();   // a graceful close delivers what was broadcast before it
    if (s->state != Session::State::Open)
        return false;   // the run found it too slow and closed it
    --m_openCount;
    // Out of the broadcast list: the last one takes its place.
    Session *last = m_open.back();
    m_open[s->openIndex] = last;
    last->openIndex = s->openIndex;
    m_open.pop_back();
    if (s->extra)
        s->extra->framer.clear();
    s->state = Session::State::Flushing;
    if (m_tap && s->tapped) {
        using End = TrafficTap::End;
        const bool byPeer = s->peerEnded || m_peerFailed;
        m_tap->closing(id, reason, mode == CloseMode::Abort ? (byPeer ? End::PeerReset : End::Reset)
                                                            : (byPeer ? End::PeerClosed : End::Closed));
    }
    // Handlers still see the session (sessionInfo()), but no longer as open.
    emit sessionClosed(id, reason);
    if (mode == CloseMode::Abort) {
        dropOutput(*s);
        finalize(*s);
    } else {
        const bool wasIdle = m_closeDeadlines.empty();
        m_closeDeadlines.emplace_back(now() + m_limits.closeTimeoutMs, id);
        if (wasIdle)
            scheduleTimer();
        markDirty(*s);   // flushes, then lingers, at the end of this batch
    }
    return true;
}

void SessionEngine::beginLinger(Session &s)
{
    // Half-close and read until the peer closes too: closing a socket with
    // unread input would reset it and could destroy our last words in flight.
    s.state = Session::State::Lingering;
    if (s.extra && s.extra->ssl) {
        TlsContext::clearErrors();
        SSL_shutdown(s.extra->ssl.get());   // close_notify; if the socket is full, the FIN still says it
        TlsContext::clearErrors();
    }
    if (::shutdown(s.fd, SHUT_WR) != 0) {
        finalize(s);
        return;
    }
    updateInterest(s);
}

void SessionEngine::finalize(Session &s)
{
    Q_ASSERT(s.state != Session::State::Open);   // open sessions end through closeSession()
    Q_ASSERT(!s.finalized);
    // Closing takes the socket out of the epoll set (no EPOLL_CTL_DEL: a system call
    // per connection). Should a forked child still hold it for a moment, its late
    // events carry this record's tag, which atTag() no longer accepts.
    ::close(s.fd);
    s.fd = -1;
    if (s.tapped) {
        s.tapped = false;
        if (m_tap)
            m_tap->closed(s.id);
    }
    const bool endsHandshake = s.state == Session::State::Handshaking && s.extra && s.extra->ssl;
    if (s.extra && s.extra->ssl) {
        s.extra->ssl.reset();   // its memory goes now, not at the end of the batch
        m_releasedBytes += TLS_STATE_BYTES;
    }
    dropOutput(s);   // what a closing session did not take in time
    s.finalized = true;
    --m_liveCount;
    m_table->remove(&s);
    m_graveyard.push_back(&s);   // recycled when no stack frame can refer to it
    if (endsHandshake) {
        m_handshakes.erase(s.id);
        startWaitingHandshakes();
    }
}

void SessionEngine::closeAll(const QString &reason)
{
    BatchScope scope(this);
    m_closingAll = true;
    stopListening();
    const QList<Id> ids = sessionIds();
    for (Id id : ids)
        closeSession(id, reason, CloseMode::Graceful);
    // Handshakes in progress are not sessions yet: refused at once.
    std::vector<Id> handshaking;
    m_table->forEach([&handshaking](const Session &s) {
        if (s.state == Session::State::Handshaking && !s.finalized)
            handshaking.push_back(s.id);
    });
    m_waitingHandshakes.clear();
    for (Id id : handshaking) {
        if (Session *s = find(id))
            refuse(*s, reason);
    }
}

void SessionEngine::endBatch()
{
    // Writes queued during the batch go out now, one sendmsg per receiver.
    ++m_batchDepth;   // flush may close sessions, whose handlers may queue more
    materialize();
    while (!m_dirty.empty()) {
        m_flushing.swap(m_dirty);   // both keep their capacity from batch to batch
        for (Session *s : m_flushing) {
            s->dirty = false;
            if (!s->finalized)
                flush(*s);
        }
        m_flushing.clear();
        materialize();
    }
    --m_batchDepth;
    for (Session *s : m_graveyard)
        m_releasedBytes += m_table->recycle(s) + qint64(sizeof(Session));
    m_graveyard.clear();
    // Nobody else holds the current block: the next batch writes it from the start.
    if (m_current && m_current->refs == 1)
        m_current->used = 0;
    m_wallMs = -1;
    // A broadcast to 10,000 leaves the dirty lists 80 KB each: given back too.
    const bool listsLarge = m_flushing.capacity() > DIRTY_KEEP || m_dirty.capacity() > DIRTY_KEEP;
    if (!m_trimTimer.isActive()
        && (m_releasedBytes >= TRIM_AFTER_BYTES || m_pool.size() > POOL_FLOOR || listsLarge))
        m_trimTimer.start();
    if (m_closingAll && m_liveCount == 0) {
        m_closingAll = false;
        emit drained();
    }
}

qint64 SessionEngine::wallNow()
{
    if (m_wallMs < 0)
        m_wallMs = QDateTime::currentMSecsSinceEpoch();
    return m_wallMs;
}

// Gives back what a past peak left: pooled blocks beyond the floor, the
// unused part of the broadcast list, the index's and the slab's spare room,
// and the heap's free pages (glibc keeps them otherwise).
void SessionEngine::trimMemory()
{
    trim(true);
}

void SessionEngine::trim(bool heap)
{
    m_trimTimer.stop();
    while (m_pool.size() > POOL_FLOOR) {
        OutBlock *block = m_pool.back();
        m_pool.pop_back();
        --m_blocks;
        m_blockBytes -= block->capacity;
        ::operator delete(block);
    }
    m_pool.shrink_to_fit();
    m_table->shrink();
    m_graveyard.shrink_to_fit();
    if (m_dirty.capacity() > DIRTY_KEEP && m_dirty.size() <= DIRTY_KEEP) {
        std::vector<Session *> kept;
        kept.reserve(DIRTY_KEEP);
        kept.assign(m_dirty.begin(), m_dirty.end());
        m_dirty.swap(kept);
    }
    if (m_flushing.capacity() > DIRTY_KEEP)
        std::vector<Session *>().swap(m_flushing);   // empty outside endBatch()
    // The broadcast list keeps its reservation (no reallocation at a peak), but not its touched pages.
    const auto page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t from = (uintptr_t(m_open.data() + m_open.size()) + page - 1) & ~(page - 1);
    const uintptr_t to = uintptr_t(m_open.data() + m_open.capacity()) & ~(page - 1);
    if (to > from)
        madvise(reinterpret_cast<void *>(from), to - from, MADV_DONTNEED);
    if (heap)
        malloc_trim(0);   // walks the heap: only after a large release, not for a busy server's lists
    m_releasedBytes = 0;
}

SessionEngine::MemoryStats SessionEngine::memoryStats() const
{
    MemoryStats stats;
    m_table->forEach([&stats](const Session &s) {
        if (queued(s) > 0)
            ++stats.sessionsWithOutput;
        if (s.extra)
            ++stats.sessionsWithExtra;
        if (s.extra && s.extra->ssl)
            ++stats.tlsStates;
    });
    stats.handshaking = handshaking();
    stats.blocks = m_blocks;
    stats.blockBytes = m_blockBytes;
    stats.tableBytes = m_table->bytes();
    stats.storedBytes = m_storedBytes;
    return stats;
}

void SessionEngine::scheduleTimer()
{
    qint64 next = -1;
    if (!m_quietDeadlines.empty())
        next = m_quietDeadlines.front().first;
    if (!m_closeDeadlines.empty() && (next < 0 || m_closeDeadlines.front().first < next))
        next = m_closeDeadlines.front().first;
    if (!m_handshakeDeadlines.empty() && (next < 0 || m_handshakeDeadlines.front().first < next))
        next = m_handshakeDeadlines.front().first;
    if (next < 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(int(qMax<qint64>(0, next - now())));
}

void SessionEngine::onTimer()
{
    BatchScope scope(this);
    const qint64 t = now();
    while (!m_quietDeadlines.empty() && m_quietDeadlines.front().first <= t) {
        const Id id = m_quietDeadlines.front().second;
        m_quietDeadlines.pop_front();
        Session *s = find(id);
        // A later read pushed a later deadline; that one decides.
        if (s && s->extra && s->extra->lastReadMs + m_limits.quietMs() <= t)
            deliverPartial(*s);
    }
    while (!m_closeDeadlines.empty() && m_closeDeadlines.front().first <= t) {
        const Id id = m_closeDeadlines.front().second;
        m_closeDeadlines.pop_front();
        if (Session *s = find(id))
            finalize(*s);   // it did not read our last words, or did not close, in time
    }
    while (!m_handshakeDeadlines.empty() && m_handshakeDeadlines.front().first <= t) {
        const Id id = m_handshakeDeadlines.front().second;
        m_handshakeDeadlines.pop_front();
        // A finished handshake took a new id: the old one finds nothing.
        if (Session *s = find(id); s && s->state == Session::State::Handshaking)
            refuse(*s, QString(Reasons::NoHandshakeWithin).arg(m_limits.tlsHandshakeTimeoutMs));
    }
    scheduleTimer();
}
