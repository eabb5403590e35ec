// SPDX-License-Identifier: MIT
#include "sessionengine.h"

#include "lineframer.h"

#include <QDateTime>
#include <QLoggingCategory>
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

Q_LOGGING_CATEGORY(lcEngine, "spreadsite.engine")

namespace {
constexpr int EPOLL_BATCH = 256;        // events taken per epoll_wait
constexpr int IOV_BATCH = IOV_MAX;      // queued chunks written per sendmsg (1024 on Linux)
constexpr qsizetype READ_CHUNK = 64 * 1024;
// Small messages are copied into one buffer per receiver rather than queued
// as shared chunks: a burst of short lines then leaves in one contiguous
// write, which costs the kernel far less than an iovec entry per line.
constexpr qsizetype COALESCE_MAX = 1024;
constexpr qsizetype COALESCE_BUFFER = 16 * 1024;
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

// Lets the server hold as many connections as the hard limit allows.
void raiseDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
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

struct SessionEngine::Session {
    enum class State : quint8 { Open, Flushing, Lingering };

    Id id = 0;
    int fd = -1;                     // plain TCP: ours, in the epoll set
    QSslSocket *tls = nullptr;       // TLS: Qt's socket instead of fd
    State state = State::Open;
    bool dirty = false;
    bool wantWrite = false;
    bool peerEnded = false;          // read returned 0: nothing more can come in
    bool tailOwned = false;          // out.last() is our own buffer for small messages
    quint32 interest = 0;
    qsizetype openIndex = -1;        // place in m_open while open
    sockaddr_in6 peer {};            // sockaddr_in fits in it too
    LineFramer framer;
    QList<QByteArray> out;           // queued chunks, shared with other receivers
    qsizetype outHead = 0;           // bytes of out.first() already written
    qint64 outBytes = 0;             // unwritten bytes in out
    qint64 lastReadMs = 0;           // m_clock time of the last read, for the quiet flush
    qint64 connectedAtMs = 0;
    qint64 lastActivityMs = 0;
    quint64 messagesIn = 0;
    quint64 bytesIn = 0;
    quint64 messagesOut = 0;
    quint64 bytesOut = 0;
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
    , m_readBuffer(READ_CHUNK, Qt::Uninitialized)
{
    raiseDescriptorLimit();
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
    for (Session *s : std::as_const(m_sessions)) {
        if (s->fd >= 0)
            ::close(s->fd);
        delete s;   // a TLS socket is our child and goes with us
    }
    m_sessions.clear();
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
    m_acceptNotifier = new QSocketNotifier(m_acceptor->socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &SessionEngine::onAcceptReady);
    return true;
}

void SessionEngine::onAcceptReady()
{
    const int listener = int(m_acceptor->socketDescriptor());
    for (int i = 0; i < ACCEPT_BATCH && m_acceptNotifier; ++i) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            adopt(fd, true);
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
    for (Session *s : std::as_const(m_sessions))
        s->framer.setMaxLength(limits.maxMessageBytes);
}

QList<SessionEngine::Id> SessionEngine::sessionIds() const
{
    QList<Id> ids;
    ids.reserve(m_openCount);
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it.value()->state == Session::State::Open)
            ids.append(it.key());
    }
    std::sort(ids.begin(), ids.end());   // oldest first, whatever the hash order
    return ids;
}

SessionEngine::Session *SessionEngine::find(Id id) const
{
    return m_sessions.value(id, nullptr);
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
    info.address = normalized(QHostAddress(reinterpret_cast<const sockaddr *>(&s->peer)));
    info.port = ntohs(s->peer.sin6_port);   // same offset in sockaddr_in
    info.connectedAtMs = s->connectedAtMs;
    info.lastActivityMs = s->lastActivityMs;
    info.messagesIn = s->messagesIn;
    info.bytesIn = s->bytesIn;
    info.messagesOut = s->messagesOut;
    info.bytesOut = s->bytesOut;
    info.pendingBytes = s->outBytes + (s->tls ? s->tls->bytesToWrite() : 0);
    info.encrypted = s->tls != nullptr;
    return info;
}

void SessionEngine::adopt(qintptr descriptor, bool nonBlocking)
{
    if (isTlsEnabled()) {
        startTlsHandshake(descriptor);
        return;
    }
    const int fd = int(descriptor);
    BatchScope scope(this);

    if (!nonBlocking)
        fcntl(fd, F_SETFL, O_NONBLOCK);   // a fresh socket has no other status flag to keep
    const int one = 1;
    // We batch writes ourselves; Nagle would only add latency on top.
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    auto s = std::make_unique<Session>();
    s->id = m_nextId++;
    s->fd = fd;
    socklen_t len = sizeof s->peer;
    getpeername(fd, reinterpret_cast<sockaddr *>(&s->peer), &len);
    s->framer.setMaxLength(m_limits.maxMessageBytes);

    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = s->id;   // ids are never reused, so a stale event finds nothing
    if (epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCWarning(lcEngine) << "epoll_ctl ADD failed:" << errnoText(errno);
        ::close(fd);
        return;
    }
    s->interest = ev.events;
    openSession(s.release());
}

void SessionEngine::openSession(Session *session)
{
    session->connectedAtMs = session->lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    m_sessions.insert(session->id, session);
    session->openIndex = qsizetype(m_open.size());
    m_open.push_back(session);
    ++m_openCount;
    const SessionInfo info = sessionInfo(session->id);
    emit sessionOpened(session->id, info.address, info.port);
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
        emit handshakeFailed(address, port, tr("TLS handshake failed: %1").arg(why));
    };
    connect(deadline, &QTimer::timeout, this, [this, fail] {
        fail(tr("no handshake within %1 ms").arg(m_limits.tlsHandshakeTimeoutMs));
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [socket, fail] { fail(socket->errorString()); });
    connect(socket, &QAbstractSocket::disconnected, this, [fail] { fail(tr("the client closed the connection")); });
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

    auto s = std::make_unique<Session>();
    s->id = m_nextId++;
    s->tls = socket;
    QHostAddress address = socket->peerAddress();
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        auto *in = reinterpret_cast<sockaddr_in *>(&s->peer);
        in->sin_family = AF_INET;
        in->sin_port = htons(socket->peerPort());
        in->sin_addr.s_addr = htonl(v4);
    } else {
        s->peer.sin6_family = AF_INET6;
        s->peer.sin6_port = htons(socket->peerPort());
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        std::memcpy(&s->peer.sin6_addr, &v6, sizeof v6);
    }
    s->framer.setMaxLength(m_limits.maxMessageBytes);

    const Id id = s->id;
    connect(socket, &QSslSocket::readyRead, this, [this, id] {
        if (Session *session = find(id)) {
            BatchScope scope(this);
            readTls(*session);
        }
    });
    connect(socket, &QSslSocket::disconnected, this, [this, id] { onTlsDisconnected(id); });
    openSession(s.release());
    if (Session *session = find(id); session && socket->bytesAvailable() > 0)
        readTls(*session);   // what came in with the handshake
}

void SessionEngine::readTls(Session &s)
{
    const QByteArray data = s.tls->readAll();
    if (s.state != Session::State::Open || data.isEmpty())
        return;   // a closing session's input is discarded
    s.bytesIn += quint64(data.size());
    s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    s.lastReadMs = now();
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
        const bool failed = s->tls->error() != QAbstractSocket::RemoteHostClosedError
                && s->tls->error() != QAbstractSocket::UnknownSocketError;
        closeSession(id, failed ? s->tls->errorString() : tr("closed by peer"), CloseMode::Abort);
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
        Session *s = find(events[i].data.u64);
        if (!s)
            continue;   // closed earlier in this batch
        const quint32 what = events[i].events;
        if (what & EPOLLOUT)
            flush(*s);
        if (!(what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || !find(events[i].data.u64))
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
        closeSession(s.id, tr("closed by peer"), CloseMode::Graceful);
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
    s.lastReadMs = now();
    consume(s, QByteArrayView(m_readBuffer.constData(), r));
}

void SessionEngine::consume(Session &s, QByteArrayView data)
{
    const LineFramer::Status status = s.framer.feed(data, [this, &s](QByteArrayView message) {
        deliver(s, message);
        return s.state == Session::State::Open;
    });
    if (status == LineFramer::Status::Overlong) {
        closeSession(s.id, tr("message too long"), CloseMode::Graceful);
        return;
    }
    if (s.state != Session::State::Open || !s.framer.hasPartial())
        return;
    if (m_limits.flushDelayMs == 0) {
        deliverPartial(s);   // the seed's raw behaviour: a read with no line ending is a message
        return;
    }
    const bool wasIdle = m_quietDeadlines.empty();
    m_quietDeadlines.emplace_back(s.lastReadMs + m_limits.flushDelayMs, s.id);
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
    if (s.state == Session::State::Open && s.framer.hasPartial())
        deliver(s, s.framer.takePartial());
}

bool SessionEngine::enqueue(Session &s, const QByteArray &bytes)
{
    if (s.state != Session::State::Open || bytes.isEmpty())
        return false;
    const qint64 pending = s.outBytes + (s.tls ? s.tls->bytesToWrite() : 0);
    if (pending + bytes.size() > m_limits.maxBacklogBytes)
        return false;
    if (bytes.size() <= COALESCE_MAX && !s.tls) {
        if (!s.tailOwned || s.out.last().size() + bytes.size() > COALESCE_BUFFER) {
            QByteArray buffer;
            buffer.reserve(COALESCE_BUFFER);
            s.out.append(std::move(buffer));
            s.tailOwned = true;
        }
        s.out.last().append(bytes);
    } else {
        s.out.append(bytes);   // shared with every other receiver, not copied
        s.tailOwned = false;
    }
    s.outBytes += bytes.size();
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
        closeSession(id, tr("too slow"), CloseMode::Abort);
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
        closeSession(id, tr("too slow"), CloseMode::Abort);
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
    if (s.tls) {
        // QSslSocket encrypts and buffers; the backlog limit counts its buffer too.
        for (const QByteArray &chunk : std::as_const(s.out))
            s.tls->write(chunk);
        s.bytesOut += quint64(s.outBytes);
        s.out = QList<QByteArray>();
        s.outBytes = 0;
        s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
        if (s.state == Session::State::Flushing) {
            s.state = Session::State::Lingering;
            s.tls->disconnectFromHost();   // writes what is buffered, then close_notify; disconnected() follows
        }
        return;
    }
    while (s.outBytes > 0) {
        iovec iov[IOV_BATCH];
        int count = 0;
        for (qsizetype i = 0; i < s.out.size() && count < IOV_BATCH; ++i, ++count) {
            const QByteArray &chunk = s.out.at(i);
            const qsizetype skip = i == 0 ? s.outHead : 0;
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
        s.outBytes -= w;
        qsizetype left = w;
        while (left > 0) {
            const qsizetype rest = s.out.first().size() - s.outHead;
            if (left < rest) {
                s.outHead += left;
                break;
            }
            left -= rest;
            s.out.removeFirst();
            s.outHead = 0;
        }
    }
    if (s.outBytes == 0) {
        s.out = QList<QByteArray>();   // give the memory back, idle sessions stay small
        s.outHead = 0;
        s.tailOwned = false;
        s.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    }
    s.wantWrite = s.outBytes > 0;
    if (s.state == Session::State::Flushing && s.outBytes == 0) {
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
    if (s.tls)
        return;
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
    ev.data.u64 = s.id;
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
    m_open[size_t(s->openIndex)] = last;
    last->openIndex = s->openIndex;
    m_open.pop_back();
    s->openIndex = -1;
    s->framer.clear();
    s->state = Session::State::Flushing;
    // Handlers still see the session (sessionInfo()), but no longer as open.
    emit sessionClosed(id, reason);
    if (mode == CloseMode::Abort) {
        s->out.clear();
        s->tailOwned = false;
        s->outBytes = 0;
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
    if (QSslSocket *socket = std::exchange(s.tls, nullptr)) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();   // we may be inside one of its signals
    } else {
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, s.fd, nullptr);
        ::close(s.fd);
        s.fd = -1;
    }
    auto it = m_sessions.find(s.id);
    Q_ASSERT(it != m_sessions.end());
    m_graveyard.emplace_back(it.value());   // freed when no stack frame can refer to it
    m_sessions.erase(it);
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
    m_graveyard.clear();
    if (m_closingAll && m_sessions.isEmpty()) {
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
        if (s && s->lastReadMs + m_limits.flushDelayMs <= t)
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
