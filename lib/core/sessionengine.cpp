// SPDX-License-Identifier: MIT
#include "core/sessionengine.h"

#include "core/lineframer.h"
#include "core/logcategories.h"
#include "core/reasons.h"
#include "core/slotindex.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpServer>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <climits>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int EPOLL_BATCH = 256;        // events taken per epoll_wait
constexpr int IOV_BATCH = IOV_MAX;      // queued chunks written per sendmsg (1024 on Linux)
constexpr qsizetype READ_CHUNK = 64 * 1024;
// Small messages are copied into one buffer per receiver rather than queued
// as shared chunks: a burst of short lines then leaves in one contiguous
// write, which costs the kernel far less than an iovec entry per line.
constexpr qsizetype COALESCE_MAX = 1024;
constexpr qsizetype COALESCE_BUFFER = 16 * 1024;
// Written-out buffers kept for reuse. Freeing one per receiver per batch let
// glibc trim the heap and fault the pages back in on the next batch: 10,000
// page faults in a 20,000-line fan-out to 50 receivers, a quarter of its CPU.
constexpr size_t SPARE_BUFFERS = 128;   // at most 2 MiB kept
constexpr int ACCEPT_RETRY_MS = 250;    // after EMFILE and friends
constexpr int ACCEPT_BATCH = 64;        // connections taken per wake-up, for fairness

// ::ffff:a.b.c.d, as a dual-stack socket sees an IPv4 peer, shown as a.b.c.d.
QHostAddress normalized(QHostAddress address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        address.setAddress(v4);
    return address;
}

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

// An idle session is this record and nothing else, so it is kept small: the
// peer's address is stored compactly (IPv4, or IPv6 in Extra), times and
// counters are what sessionInfo() reports, and everything that only a busy
// session needs lives in Extra.
struct SessionEngine::Session {
    enum class State : quint8 { Open, Flushing, Lingering };

    Id id = 0;                       // 0: a free slot
    std::unique_ptr<Extra> extra;    // while output is queued or a line is unfinished; always for TLS and IPv6
    qint64 connectedAtMs = 0;
    qint64 lastActivityMs = 0;
    quint64 messagesIn = 0;
    quint64 bytesIn = 0;
    quint64 messagesOut = 0;
    quint64 bytesOut = 0;
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
};

struct SessionEngine::Extra {
    explicit Extra(qsizetype maxMessageBytes) : framer(maxMessageBytes) { }

    LineFramer framer;               // holds the unfinished line
    QList<QByteArray> out;           // queued chunks, shared with other receivers
    qsizetype outHead = 0;           // bytes of out.first() already written
    qint64 outBytes = 0;             // unwritten bytes in out
    qint64 lastReadMs = 0;           // m_clock time of the read that left the unfinished line
    QSslSocket *tls = nullptr;       // TLS: Qt's socket instead of fd
    bool tailOwned = false;          // out.last() is our own buffer for small messages
    bool hasPeerV6 = false;
    Q_IPV6ADDR peerV6 {};

    bool isIdle() const { return !tls && !hasPeerV6 && outBytes == 0 && !framer.hasPartial(); }
};

// The sessions: records in chunks that never move, found by id through a
// SlotIndex. A record leaves the index when its socket is finalized and is
// recycled when the batch ends, so no stack frame is left holding a reused one.
class SessionEngine::SessionTable
{
    static_assert(sizeof(void *) != 8 || sizeof(Session) == 88,
                  "an idle session's size is a benchmark target (issue 4): keep it at 88 bytes");

    struct IdOf {
        const SessionTable *table;
        Id operator()(quint32 slot) const { return table->at(slot).id; }
    };
    IdOf idOf() const { return { this }; }

public:
    Session *create(Id id)
    {
        quint32 slot;
        if (!m_free.empty()) {
            slot = m_free.back();
            m_free.pop_back();
        } else {
            slot = m_used++;
            if (slot / ChunkSize == m_chunks.size())
                m_chunks.push_back(std::make_unique<Session[]>(ChunkSize));
        }
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
        if (slot >= m_used)
            return nullptr;
        Session *s = &at(slot);
        return s->id != 0 && quint32(s->id) == idLow && !s->finalized ? s : nullptr;
    }

    /** find() no longer sees @p s; the record stays valid until recycle(). */
    void remove(const Session *s) { m_index.remove(s->id, s->slot, idOf()); }

    void recycle(Session *s)
    {
        const quint32 slot = s->slot;
        *s = Session();
        m_free.push_back(slot);
    }

    /** Every record not yet recycled, finalized ones included. */
    template <typename F>
    void forEach(F &&f) const
    {
        for (quint32 slot = 0; slot < m_used; ++slot) {
            Session &s = at(slot);
            if (s.id != 0)
                f(s);
        }
    }

private:
    static constexpr quint32 ChunkSize = 512;

    Session &at(quint32 slot) const { return m_chunks[slot / ChunkSize][slot % ChunkSize]; }

    std::vector<std::unique_ptr<Session[]>> m_chunks;
    std::vector<quint32> m_free;
    SlotIndex m_index;
    quint32 m_used = 0;
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
}

SessionEngine::~SessionEngine()
{
    m_table->forEach([](Session &s) {
        if (s.fd >= 0)
            ::close(s.fd);   // a TLS socket is our child and goes with us
    });
    delete m_epollNotifier;
    ::close(m_epollFd);
}

void SessionEngine::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tlsConfiguration = configuration;
}

bool SessionEngine::listen(const QHostAddress &address, quint16 port)
{
    m_closingAll = false;
    stopListening();
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
    return m_acceptor->errorString();
}

void SessionEngine::setLimits(const Limits &limits)
{
    m_limits = limits;
    m_table->forEach([&limits](Session &s) {
        if (s.extra)
            s.extra->framer.setMaxLength(limits.maxMessageBytes);
    });
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
    info.lastActivityMs = s->lastActivityMs;
    info.messagesIn = s->messagesIn;
    info.bytesIn = s->bytesIn;
    info.messagesOut = s->messagesOut;
    info.bytesOut = s->bytesOut;
    if (const Extra *e = s->extra.get()) {
        info.pendingBytes = e->outBytes + (e->tls ? e->tls->bytesToWrite() : 0);
        info.encrypted = e->tls != nullptr;
    }
    return info;
}

// @p accepted: the peer's address, when the socket comes from our own accept4()
// (non-blocking already, TCP_NODELAY inherited); null for a socket handed to us.
void SessionEngine::adopt(qintptr descriptor, const sockaddr_in6 *accepted)
{
    if (isTlsEnabled()) {
        startTlsHandshake(descriptor);
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

    Session *s = m_table->create(m_nextId++);
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
    openSession(s);
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
    session->connectedAtMs = session->lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    session->openIndex = quint32(m_open.size());
    m_open.push_back(session);
    ++m_openCount;
    ++m_liveCount;
    const SessionInfo info = sessionInfo(session->id);
    emit sessionOpened(session->id, info.address, info.port);
}

SessionEngine::Extra &SessionEngine::extra(Session &s)
{
    if (!s.extra)
        s.extra = std::make_unique<Extra>(m_limits.maxMessageBytes);
    return *s.extra;
}

void SessionEngine::recycle(QByteArray &&written)
{
    // Ours alone (a coalescing buffer, or the last reference to a long message) and of the right size.
    if (m_spareBuffers.size() < SPARE_BUFFERS && written.isDetached() && written.capacity() >= COALESCE_BUFFER
        && written.capacity() <= 4 * COALESCE_BUFFER) {
        written.resize(0);   // keeps the capacity
        m_spareBuffers.push_back(std::move(written));
    }
}

// Only where no stack frame can hold the Extra: after a flush, at the end of a batch.
void SessionEngine::trimExtra(Session &s)
{
    if (s.extra && s.extra->isIdle())
        s.extra.reset();
}

// The handshake is ours rather than QSslServer's, which closes a client that
// speaks clear text, or none at all, without a word: every refusal must be logged.
void SessionEngine::startTlsHandshake(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    socket->setSslConfiguration(m_tlsConfiguration);
    const QHostAddress address = normalized(socket->peerAddress());
    const quint16 port = socket->peerPort();
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);

    // Once, whatever reports first: an error, the peer's close, or the deadline.
    const auto fail = [this, socket, deadline, address, port](const QString &why) {
        deadline->stop();
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        emit handshakeFailed(address, port, QString(Reasons::TlsHandshakeFailed).arg(why));
    };
    connect(deadline, &QTimer::timeout, this, [this, fail] {
        fail(QString(Reasons::NoHandshakeWithin).arg(m_limits.tlsHandshakeTimeoutMs));
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [socket, fail] { fail(socket->errorString()); });
    connect(socket, &QAbstractSocket::disconnected, this, [fail] { fail(Reasons::ClientClosedTheConnection); });
    connect(socket, &QSslSocket::encrypted, this, [this, socket, deadline] {
        socket->disconnect(this);
        delete deadline;
        adoptTls(socket);
    });
    socket->startServerEncryption();
    deadline->start(m_limits.tlsHandshakeTimeoutMs);
}

void SessionEngine::adoptTls(QSslSocket *socket)
{
    BatchScope scope(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    Session *s = m_table->create(m_nextId++);
    extra(*s).tls = socket;
    setPeer(*s, socket->peerAddress(), socket->peerPort());

    const Id id = s->id;
    connect(socket, &QSslSocket::readyRead, this, [this, id] {
        if (Session *session = find(id)) {
            BatchScope scope(this);
            readTls(*session);
        }
    });
    connect(socket, &QSslSocket::disconnected, this, [this, id] { onTlsDisconnected(id); });
    openSession(s);
    if (Session *session = find(id); session && socket->bytesAvailable() > 0)
        readTls(*session);   // what came in with the handshake
}

void SessionEngine::readTls(Session &s)
{
    const QByteArray data = s.extra->tls->readAll();
    if (s.state != Session::State::Open || data.isEmpty())
        return;   // a closing session's input is discarded
    s.bytesIn += quint64(data.size());
    s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    consume(s, data);
}

void SessionEngine::onTlsDisconnected(Id id)
{
    Session *s = find(id);
    if (!s)
        return;
    BatchScope scope(this);
    if (s->state == Session::State::Open) {
        readTls(*s);
        deliverPartial(*s);
        const QSslSocket *socket = s->extra->tls;
        const bool failed = socket->error() != QAbstractSocket::RemoteHostClosedError
                && socket->error() != QAbstractSocket::UnknownSocketError;
        closeSession(id, failed ? socket->errorString() : QString(Reasons::ClosedByPeer), CloseMode::Abort);
    } else {
        finalize(*s);
    }
}

void SessionEngine::onEpollReady()
{
    BatchScope scope(this);
    epoll_event events[EPOLL_BATCH];
    const int n = epoll_wait(m_epollFd, events, EPOLL_BATCH, 0);
    for (int i = 0; i < n; ++i) {
        const quint64 tag = events[i].data.u64;
        Session *s = atTag(tag);
        if (!s)
            continue;   // closed earlier in this batch
        const quint32 what = events[i].events;
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
        deliverPartial(s);
        closeSession(s.id, Reasons::ClosedByPeer, CloseMode::Graceful);
        return;
    }
    if (r < 0) {
        const QString reason = errnoText(errno);
        deliverPartial(s);
        closeSession(s.id, reason, CloseMode::Abort);
        return;
    }

    s.bytesIn += quint64(r);
    s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    consume(s, QByteArrayView(m_readBuffer.constData(), r));
}

void SessionEngine::consume(Session &s, QByteArrayView data)
{
    const auto onMessage = [this, &s](QByteArrayView message) {
        deliver(s, message);
        return s.state == Session::State::Open;
    };
    LineFramer::Status status;
    if (s.extra && s.extra->framer.hasPartial()) {
        // The Extra cannot go away during the feed: it is only trimmed at the end of a batch.
        status = s.extra->framer.feed(data, onMessage);
    } else {
        // Most reads end on a line boundary: frame on the stack, keep only a leftover.
        LineFramer framer(m_limits.maxMessageBytes);
        status = framer.feed(data, onMessage);
        if (framer.hasPartial() && s.state == Session::State::Open)
            extra(s).framer = std::move(framer);
    }
    if (status == LineFramer::Status::Overlong) {
        closeSession(s.id, Reasons::MessageTooLong, CloseMode::Graceful);
        return;
    }
    if (s.state != Session::State::Open || !s.extra || !s.extra->framer.hasPartial())
        return;
    if (m_limits.flushDelayMs == 0) {
        deliverPartial(s);   // the seed's raw behaviour: a read with no line ending is a message
        return;
    }
    s.extra->lastReadMs = now();
    const bool wasIdle = m_quietDeadlines.empty();
    m_quietDeadlines.emplace_back(s.extra->lastReadMs + m_limits.flushDelayMs, s.id);
    if (wasIdle)
        scheduleTimer();
}

void SessionEngine::deliver(Session &s, QByteArrayView message)
{
    ++s.messagesIn;
    emit messageReceived(s.id, message.toByteArray());
}

void SessionEngine::deliverPartial(Session &s)
{
    if (s.state != Session::State::Open || !s.extra || !s.extra->framer.hasPartial())
        return;
    deliver(s, s.extra->framer.takePartial());
    markDirty(s);   // the batch's end gives back the Extra if nothing else needs it
}

bool SessionEngine::enqueue(Session &s, const QByteArray &bytes)
{
    if (s.state != Session::State::Open || bytes.isEmpty())
        return false;
    Extra &e = extra(s);
    const qint64 pending = e.outBytes + (e.tls ? e.tls->bytesToWrite() : 0);
    if (pending + bytes.size() > m_limits.maxBacklogBytes)
        return false;
    if (bytes.size() <= COALESCE_MAX && !e.tls) {
        if (!e.tailOwned || e.out.last().size() + bytes.size() > COALESCE_BUFFER) {
            QByteArray buffer;
            if (m_spareBuffers.empty()) {
                buffer.reserve(COALESCE_BUFFER);
            } else {
                buffer = std::move(m_spareBuffers.back());
                m_spareBuffers.pop_back();
            }
            e.out.append(std::move(buffer));
            e.tailOwned = true;
        }
        e.out.last().append(bytes);
    } else {
        e.out.append(bytes);   // shared with every other receiver, not copied
        e.tailOwned = false;
    }
    e.outBytes += bytes.size();
    ++s.messagesOut;
    markDirty(s);
    return true;
}

bool SessionEngine::send(Id id, const QByteArray &bytes)
{
    BatchScope scope(this);
    Session *s = find(id);
    if (!s || s->state != Session::State::Open)
        return false;
    if (!enqueue(*s, bytes) && !bytes.isEmpty()) {
        closeSession(id, Reasons::TooSlow, CloseMode::Abort);
        return false;
    }
    return true;
}

int SessionEngine::sendToAll(const QByteArray &bytes, Id except)
{
    if (bytes.isEmpty())
        return 0;
    BatchScope scope(this);
    int receivers = 0;
    QList<Id> tooSlow;
    for (Session *open : m_open) {
        Session &s = *open;
        if (s.id == except)
            continue;
        if (enqueue(s, bytes))
            ++receivers;
        else
            tooSlow.append(s.id);
    }
    // Closing emits signals whose handlers may send again: not while iterating.
    for (Id id : std::as_const(tooSlow))
        closeSession(id, Reasons::TooSlow, CloseMode::Abort);
    return receivers;
}

void SessionEngine::markDirty(Session &s)
{
    if (!s.dirty) {
        s.dirty = true;
        m_dirty.append(s.id);
    }
}

void SessionEngine::flush(Session &s)
{
    Extra *e = s.extra.get();
    if (e && e->tls) {
        // QSslSocket encrypts and buffers; the backlog limit counts its buffer too.
        for (const QByteArray &chunk : std::as_const(e->out))
            e->tls->write(chunk);
        if (e->outBytes > 0) {
            s.bytesOut += quint64(e->outBytes);
            s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
        }
        e->out = QList<QByteArray>();
        e->outBytes = 0;
        if (s.state == Session::State::Flushing) {
            s.state = Session::State::Lingering;
            e->tls->disconnectFromHost();   // writes what is buffered, then close_notify; disconnected() follows
        }
        return;
    }
    while (e && e->outBytes > 0) {
        iovec iov[IOV_BATCH];
        int count = 0;
        for (qsizetype i = 0; i < e->out.size() && count < IOV_BATCH; ++i, ++count) {
            const QByteArray &chunk = e->out.at(i);
            const qsizetype skip = i == 0 ? e->outHead : 0;
            iov[count].iov_base = const_cast<char *>(chunk.constData() + skip);
            iov[count].iov_len = size_t(chunk.size() - skip);
        }
        msghdr msg {};
        msg.msg_iov = iov;
        msg.msg_iovlen = size_t(count);
        const ssize_t w = ::sendmsg(s.fd, &msg, MSG_NOSIGNAL);
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
            return;
        }
        s.bytesOut += quint64(w);
        s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
        e->outBytes -= w;
        qsizetype left = w;
        while (left > 0) {
            const qsizetype rest = e->out.first().size() - e->outHead;
            if (left < rest) {
                e->outHead += left;
                break;
            }
            left -= rest;
            recycle(e->out.takeFirst());
            e->outHead = 0;
        }
    }
    const bool drained = !e || e->outBytes == 0;
    if (drained && e) {
        e->out = QList<QByteArray>();   // give the memory back, idle sessions stay small
        e->outHead = 0;
        e->tailOwned = false;
        trimExtra(s);
    }
    s.wantWrite = !drained;
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

void SessionEngine::updateInterest(Session &s)
{
    if (s.fd < 0)
        return;   // TLS: Qt's socket
    quint32 events = 0;
    switch (s.state) {
    case Session::State::Open:
        events = EPOLLIN | EPOLLRDHUP;
        break;
    case Session::State::Flushing:
        break;   // errors and hang-ups are always reported
    case Session::State::Lingering:
        events = EPOLLIN | EPOLLRDHUP;
        break;
    }
    if (s.wantWrite)
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
    --m_openCount;
    // Out of the broadcast list: the last one takes its place.
    Session *last = m_open.back();
    m_open[s->openIndex] = last;
    last->openIndex = s->openIndex;
    m_open.pop_back();
    if (s->extra)
        s->extra->framer.clear();
    s->state = Session::State::Flushing;
    // Handlers still see the session (sessionInfo()), but no longer as open.
    emit sessionClosed(id, reason);
    if (mode == CloseMode::Abort) {
        if (Extra *e = s->extra.get()) {
            e->out.clear();
            e->tailOwned = false;
            e->outBytes = 0;
        }
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
    if (QSslSocket *socket = s.extra ? std::exchange(s.extra->tls, nullptr) : nullptr) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();   // we may be inside one of its signals
    } else {
        // Closing takes the socket out of the epoll set (no EPOLL_CTL_DEL: a system call
        // per connection). Should a forked child still hold it for a moment, its late
        // events carry this record's tag, which atTag() no longer accepts.
        ::close(s.fd);
        s.fd = -1;
    }
    s.finalized = true;
    --m_liveCount;
    m_table->remove(&s);
    m_graveyard.push_back(&s);   // recycled when no stack frame can refer to it
}

void SessionEngine::closeAll(const QString &reason)
{
    BatchScope scope(this);
    m_closingAll = true;
    stopListening();
    const QList<Id> ids = sessionIds();
    for (Id id : ids)
        closeSession(id, reason, CloseMode::Graceful);
}

void SessionEngine::endBatch()
{
    // Writes queued during the batch go out now, one sendmsg per receiver.
    while (!m_dirty.isEmpty()) {
        const QList<Id> dirty = std::exchange(m_dirty, {});
        ++m_batchDepth;   // flush may close sessions, whose handlers may queue more
        for (Id id : dirty) {
            Session *s = find(id);
            if (!s)
                continue;
            s->dirty = false;
            flush(*s);
        }
        --m_batchDepth;
    }
    for (Session *s : m_graveyard)
        m_table->recycle(s);
    m_graveyard.clear();
    if (m_closingAll && m_liveCount == 0) {
        m_closingAll = false;
        emit drained();
    }
}

void SessionEngine::scheduleTimer()
{
    qint64 next = -1;
    if (!m_quietDeadlines.empty())
        next = m_quietDeadlines.front().first;
    if (!m_closeDeadlines.empty() && (next < 0 || m_closeDeadlines.front().first < next))
        next = m_closeDeadlines.front().first;
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
        if (s && s->extra && s->extra->lastReadMs + m_limits.flushDelayMs <= t)
            deliverPartial(*s);
    }
    while (!m_closeDeadlines.empty() && m_closeDeadlines.front().first <= t) {
        const Id id = m_closeDeadlines.front().second;
        m_closeDeadlines.pop_front();
        if (Session *s = find(id))
            finalize(*s);   // it did not read our last words, or did not close, in time
    }
    scheduleTimer();
}
