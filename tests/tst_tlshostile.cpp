// SPDX-License-Identifier: MIT
// Issue 12, "TLS at fleet scale": the server's TLS port against clients that
// misbehave on purpose, over real sockets on 127.0.0.1. In every case two
// well-behaved TLS bystanders, a talker and a listener, exchange numbered
// lines around the attack: each must hear every line of the other, in order,
// and a fresh TLS client must still be greeted and relayed at the end. Every
// stranger turned away is a clientRefused() whose reason starts "TLS
// handshake failed"; every established client dropped is a
// clientDisconnected() with a reason. Memory has a bound in each case, said
// where it is asserted; at the end of each, OpenSSL state is held by open
// sessions only (SessionEngine::MemoryStats::tlsStates, ::handshaking).
// A plain-text line to the TLS port is tst_tls's.
#include "core/echoclient.h"
#include "core/lineframer.h"
#include "core/spreadserver.h"
#include "core/tlsfiles.h"

#include "rawsocket.h"
#include "signalargs.h"
#include "testcerts.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
// Under AddressSanitizer (GCC: __SANITIZE_ADDRESS__; clang: __has_feature) or
// ThreadSanitizer, freed memory is quarantined and shadowed: RSS says nothing.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool RssIsMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool RssIsMeaningful = false;
#else
constexpr bool RssIsMeaningful = true;
#endif
#else
constexpr bool RssIsMeaningful = true;
#endif

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
/** Descriptors case 1 needs: 5,000 of ours, 5,000 of the server's, and room. */
constexpr rlim_t DescriptorsNeeded = 12000;

/** "tag 000042": numbered lines let a receiver's list be compared exactly. */
QByteArray numbered(QByteArrayView tag, int n)
{
    return tag.toByteArray() + ' ' + QByteArray::number(n).rightJustified(6, '0');
}

QList<QByteArray> withPrefix(const QList<QByteArray> &lines, QByteArrayView prefix)
{
    QList<QByteArray> kept;
    for (const QByteArray &line : lines) {
        if (line.startsWith(prefix))
            kept.append(line);
    }
    return kept;
}

/** This process's resident set, from /proc/self/statm (no allocation: it is what is measured). */
qint64 residentBytes()
{
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char text[128] = {};
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return -1;
    char *end = nullptr;
    std::strtoll(text, &end, 10);                    // total program size
    const long long pages = std::strtoll(end, nullptr, 10);   // resident
    return qint64(pages) * qint64(sysconf(_SC_PAGESIZE));
}

/** Descriptors open in this process: ours and the server's. */
int openDescriptorCount()
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int count = 0;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    closedir(dir);
    return count - 1;   // the directory's own
}

quint16 localPortOf(int fd)
{
    sockaddr_in addr {};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
        return 0;
    return qFromBigEndian(addr.sin_port);
}

/** Reads and forgets what has arrived; true once the peer has ended the connection (FIN or reset). */
bool peerHasClosed(int fd)
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0)
            continue;
        if (n == 0)
            return true;
        return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    }
}

/** Bytes written on @p fd that the peer's kernel has not acknowledged yet. */
int unacknowledgedBytes(int fd)
{
    int bytes = -1;
    return ioctl(fd, SIOCOUTQ, &bytes) == 0 ? bytes : -1;
}

/** SO_LINGER {1, 0}: the next close() of @p fd sends a reset, not a FIN. */
bool resetOnClose(int fd)
{
    const linger reset { 1, 0 };
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0;
}

bool sendAll(int fd, QByteArrayView bytes)
{
    return ::send(fd, bytes.data(), size_t(bytes.size()), MSG_NOSIGNAL) == ssize_t(bytes.size());
}

/** The length of the first TLS record in @p bytes (header included), or 0 if it is not all there. */
qsizetype firstRecordLength(const QByteArray &bytes)
{
    if (bytes.size() < 5)
        return 0;
    const qsizetype length = 5 + ((quint8(bytes.at(3)) << 8) | quint8(bytes.at(4)));
    return bytes.size() >= length ? length : 0;
}

/**
 * A TLS client for attacks: a QSslSocket whose descriptor the test may write
 * to behind its back; collects the lines it is sent and notices its end.
 */
class TlsPeer : public QObject
{
public:
    TlsPeer(quint16 port, const QSslConfiguration &configuration) : QObject(nullptr)
    {
        m_socket.setSslConfiguration(configuration);
        connect(&m_socket, &QAbstractSocket::connected, this, [this] { m_localPort = m_socket.localPort(); });
        connect(&m_socket, &QSslSocket::encrypted, this, [this] { m_encrypted = true; });
        connect(&m_socket, &QSslSocket::readyRead, this, [this] {
            m_framer.feed(m_socket.readAll(), [this](QByteArrayView line) {
                m_lines.append(line.toByteArray());
                return true;
            });
        });
        connect(&m_socket, &QAbstractSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
            if (state == QAbstractSocket::UnconnectedState)
                m_closed = true;
        });
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    }

    QSslSocket &socket() { return m_socket; }
    int descriptor() const { return int(m_socket.socketDescriptor()); }
    /** Kept from the connection: a closed socket says 0. */
    quint16 localPort() const { return m_localPort; }
    const QList<QByteArray> &lines() const { return m_lines; }
    bool isEncrypted() const { return m_encrypted; }
    bool isClosed() const { return m_closed; }
    bool hasLine(const QByteArray &line) const { return m_lines.contains(line); }
    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    /** Waits until encrypted and greeted with the welcome line. */
    bool waitReady() { return QTest::qWaitFor([this] { return m_encrypted && !m_lines.isEmpty(); }, 10000); }

private:
    QSslSocket m_socket;
    LineFramer m_framer { 1024 * 1024 };
    QList<QByteArray> m_lines;
    quint16 m_localPort = 0;
    bool m_encrypted = false;
    bool m_closed = false;
};

/**
 * A TCP proxy that forwards what its one client sends one byte per tick of a
 * 1 ms timer, each byte its own segment (TCP_NODELAY, flushed), and what the
 * server sends back as it comes.
 */
class DribblingProxy : public QObject
{
public:
    explicit DribblingProxy(quint16 target) : QObject(nullptr), m_target(target)
    {
        m_tick.setInterval(1);
        m_tick.setTimerType(Qt::PreciseTimer);
        connect(&m_tick, &QTimer::timeout, this, &DribblingProxy::forwardOneByte);
        connect(&m_listener, &QTcpServer::newConnection, this, &DribblingProxy::onNewConnection);
        m_listener.listen(QHostAddress::LocalHost, 0);
    }

    quint16 port() const { return m_listener.serverPort(); }
    /** Bytes forwarded to the server, one write each. */
    qint64 forwarded() const { return m_forwarded; }

private:
    void onNewConnection()
    {
        if (m_down) {
            delete m_listener.nextPendingConnection();   // one client only
            return;
        }
        m_down = m_listener.nextPendingConnection();
        m_up = new QTcpSocket(this);
        connect(m_down, &QTcpSocket::readyRead, this, [this] { m_pending += m_down->readAll(); });
        connect(m_up, &QTcpSocket::connected, this, [this] {
            m_up->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_tick.start();
        });
        connect(m_up, &QTcpSocket::readyRead, this, [this] { m_down->write(m_up->readAll()); });
        connect(m_up, &QTcpSocket::disconnected, m_down, &QTcpSocket::disconnectFromHost);
        connect(m_down, &QTcpSocket::disconnected, this, [this] { m_downClosed = true; });
        m_up->connectToHost(QHostAddress::LocalHost, m_target);
    }

    void forwardOneByte()
    {
        if (m_pending.isEmpty()) {
            if (m_downClosed)
                m_up->disconnectFromHost();
            return;
        }
        m_up->write(m_pending.first(1));
        m_up->flush();
        m_pending.remove(0, 1);
        ++m_forwarded;
    }

    QTcpServer m_listener;
    QTcpSocket *m_down = nullptr;   // the client's connection to us
    QTcpSocket *m_up = nullptr;     // ours to the server
    QByteArray m_pending;
    QTimer m_tick;
    quint16 m_target = 0;
    qint64 m_forwarded = 0;
    bool m_downClosed = false;
};

/**
 * The highest values memoryStats() (and RSS, where asked) took, sampled on
 * every turn of the event loop by a 0 ms timer: a count that rises and falls
 * within one batch of the engine is not seen, anything that lasts a turn is.
 */
class StatsSampler : public QObject
{
public:
    StatsSampler(const SpreadServer *server, bool rss) : QObject(nullptr), m_server(server), m_rss(rss)
    {
        m_timer.setInterval(0);
        connect(&m_timer, &QTimer::timeout, this, &StatsSampler::sample);
        m_timer.start();
        sample();
    }
    void stop() { m_timer.stop(); }
    void sample()
    {
        const SessionEngine::MemoryStats stats = m_server->memoryStats();
        m_handshaking = std::max(m_handshaking, stats.handshaking);
        m_tlsStates = std::max(m_tlsStates, stats.tlsStates);
        m_tlsStatesOverSessions = std::max(m_tlsStatesOverSessions, stats.tlsStates - m_server->clientCount());
        if (m_rss)
            m_residentBytes = std::max(m_residentBytes, residentBytes());
        ++m_samples;
    }

    int peakHandshaking() const { return m_handshaking; }
    int peakTlsStates() const { return m_tlsStates; }
    /** The most OpenSSL states held beyond one per open session. */
    int peakTlsStatesOverSessions() const { return m_tlsStatesOverSessions; }
    qint64 peakResidentBytes() const { return m_residentBytes; }
    int samples() const { return m_samples; }

private:
    const SpreadServer *m_server;
    QTimer m_timer;
    bool m_rss = false;
    int m_handshaking = 0;
    int m_tlsStates = 0;
    int m_tlsStatesOverSessions = 0;
    qint64 m_residentBytes = 0;
    int m_samples = 0;
};
} // namespace

class tst_TlsHostile : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void silentConnectionsHoldNoTlsState();
    void handshakeSentOneByteAtATimeCompletes();
    void clientHelloFloodWaitsItsTurn();
    void garbageAfterTheHandshakeDropsOnlyTheSender();
    void certificateFromAnotherCaIsRefused();
    void resetMidRecordClosesTheSession();

private:
    using ClientId = SpreadServer::ClientId;
    enum class Verify { ServerOnly, Mutual };

    QString path(const QString &file) const { return m_dir.filePath(file); }
    QSslConfiguration serverConfig(Verify verify);
    QSslConfiguration clientConfig(const QString &cert = u"device"_s);
    quint16 port() const { return m_server->serverPort(); }
    void startServer(Verify verify);
    void stopServer();
    /** The server's id for the client on local port @p localPort, 0 if none was connected. */
    ClientId idOf(quint16 localPort) const;
    QStringList reasonsFor(ClientId id) const;
    QList<QByteArray> messagesFrom(ClientId id) const;
    /** The first bytes a QSslSocket sends: one TLS record holding its ClientHello. */
    QByteArray captureClientHello();

    /** The talker sends its next @p count numbered lines; the listener answers with as many. */
    void talk(int count);
    /** Last check of every case: the bystanders heard everything, a fresh client is served, no state is left. */
    void verifyUnharmed();

    QTemporaryDir m_dir;
    TestCertificates m_certs { m_dir.path() };
    bool m_descriptorsRaised = false;
    QString m_descriptorsProblem;

    std::unique_ptr<SpreadServer> m_server;
    std::unique_ptr<TypedSpy<ServerSignal::ClientConnected>> m_connected;
    std::unique_ptr<TypedSpy<ServerSignal::ClientDisconnected>> m_disconnected;
    std::unique_ptr<TypedSpy<ServerSignal::MessageReceived>> m_received;
    std::unique_ptr<EchoClient> m_talker;
    std::unique_ptr<EchoClient> m_listener;
    ClientId m_talkerId = 0;
    ClientId m_listenerId = 0;
    QList<QByteArray> m_talkerHeard;
    QList<QByteArray> m_listenerHeard;
    QList<QByteArray> m_said;       // by the talker
    QList<QByteArray> m_answered;   // by the listener
    int m_fresh = 0;
};

void tst_TlsHostile::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend on this machine");
    if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
        QSKIP("openssl is not installed (Debian package openssl): cannot make test certificates");
    QVERIFY(m_dir.isValid());
    QVERIFY(m_certs.makeServerSet());
    QVERIFY(m_certs.makeSigned(u"stranger"_s, u"other-ca"_s, u"device-2"_s, u"extendedKeyUsage=clientAuth"_s));

    // Case 1 holds 5,000 connections from both ends in this one process.
    rlimit limit {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur < DescriptorsNeeded && limit.rlim_max >= DescriptorsNeeded) {
        limit.rlim_cur = limit.rlim_max;
        QCOMPARE(setrlimit(RLIMIT_NOFILE, &limit), 0);
    }
    m_descriptorsRaised = limit.rlim_cur >= DescriptorsNeeded;
    if (!m_descriptorsRaised) {
        m_descriptorsProblem = u"RLIMIT_NOFILE is %1 (hard %2); 5,000 connections from both ends need %3"_s
                                       .arg(quint64(limit.rlim_cur)).arg(quint64(limit.rlim_max)).arg(quint64(DescriptorsNeeded));
    }
}

QSslConfiguration tst_TlsHostile::serverConfig(Verify verify)
{
    QString error;
    const auto config = TlsFiles::serverConfiguration(path(u"server.pem"_s), path(u"server.key"_s),
                                                      verify == Verify::Mutual ? path(u"ca.pem"_s) : QString(), &error);
    if (!config)
        qWarning() << error;
    return config.value_or(QSslConfiguration());
}

QSslConfiguration tst_TlsHostile::clientConfig(const QString &cert)
{
    QString error;
    const auto config = TlsFiles::clientConfiguration(path(u"ca.pem"_s), path(cert + u".pem"_s),
                                                      path(cert + u".key"_s), &error);
    if (!config)
        qWarning() << error;
    return config.value_or(QSslConfiguration());
}

void tst_TlsHostile::init()
{
    startServer(Verify::ServerOnly);
}

void tst_TlsHostile::cleanup()
{
    stopServer();
}

void tst_TlsHostile::startServer(Verify verify)
{
    m_server = std::make_unique<SpreadServer>();
    m_server->setTlsConfiguration(serverConfig(verify));
    QVERIFY(m_server->isTlsEnabled());
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    QVERIFY(port() != 0);
    m_connected = std::make_unique<TypedSpy<ServerSignal::ClientConnected>>(m_server.get());
    m_disconnected = std::make_unique<TypedSpy<ServerSignal::ClientDisconnected>>(m_server.get());
    m_received = std::make_unique<TypedSpy<ServerSignal::MessageReceived>>(m_server.get());
    m_said.clear();
    m_answered.clear();
    m_talkerHeard.clear();
    m_listenerHeard.clear();
    m_fresh = 0;

    // The bystanders, one after the other so that each one's id is known.
    m_talker = std::make_unique<EchoClient>();
    m_listener = std::make_unique<EchoClient>();
    for (EchoClient *c : { m_talker.get(), m_listener.get() }) {
        c->setPeriodicEnabled(false);
        c->setAutoReconnect(false);
        c->setTlsEnabled(true);
        c->setTlsConfiguration(clientConfig());
        QList<QByteArray> *heard = c == m_talker.get() ? &m_talkerHeard : &m_listenerHeard;
        connect(c, &EchoClient::messageReceived, this, [heard](const QByteArray &message) { heard->append(message); });
        const qsizetype before = m_connected->count();
        c->connectToServer(u"127.0.0.1"_s, port());
        QTRY_VERIFY_WITH_TIMEOUT(m_connected->count() == before + 1 && !heard->isEmpty(), 10000);
        (c == m_talker.get() ? m_talkerId : m_listenerId) = m_connected->lastArgs().id;
    }
    QCOMPARE(m_listenerHeard.value(0), m_server->welcomeLine(2).chopped(1));
    talk(5);
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QTRY_COMPARE(withPrefix(m_talkerHeard, "listener"), m_answered);
}

void tst_TlsHostile::stopServer()
{
    m_talker.reset();
    m_listener.reset();
    m_talkerId = m_listenerId = 0;
    m_received.reset();
    m_disconnected.reset();
    m_connected.reset();
    m_server.reset();
}

SpreadServer::ClientId tst_TlsHostile::idOf(quint16 localPort) const
{
    for (const ServerSignal::ClientConnected &event : m_connected->allArgs()) {
        if (event.port == localPort)
            return event.id;
    }
    return 0;
}

QStringList tst_TlsHostile::reasonsFor(ClientId id) const
{
    return ServerSignal::reasonsFor(*m_disconnected, id);
}

QList<QByteArray> tst_TlsHostile::messagesFrom(ClientId id) const
{
    return ServerSignal::messagesFrom(*m_received, id);
}

QByteArray tst_TlsHostile::captureClientHello()
{
    QTcpServer catcher;
    if (!catcher.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket client;
    client.setSslConfiguration(clientConfig());
    client.connectToHostEncrypted(u"127.0.0.1"_s, catcher.serverPort());
    if (!catcher.waitForNewConnection(10000))
        return {};
    std::unique_ptr<QTcpSocket> caught(catcher.nextPendingConnection());
    QByteArray bytes;
    const bool whole = QTest::qWaitFor([&] {
        bytes += caught->readAll();
        return firstRecordLength(bytes) > 0;
    }, 10000);
    client.abort();
    return whole ? bytes.first(firstRecordLength(bytes)) : QByteArray();
}

void tst_TlsHostile::talk(int count)
{
    for (int i = 0; i < count; ++i) {
        m_said.append(numbered("talker", int(m_said.size())));
        m_talker->send(m_said.last());
        m_answered.append(numbered("listener", int(m_answered.size())));
        m_listener->send(m_answered.last());
    }
}

void tst_TlsHostile::verifyUnharmed()
{
    talk(10);
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_listenerHeard, "talker"), m_said, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_talkerHeard, "listener"), m_answered, 10000);
    QVERIFY(m_server->hasClient(m_talkerId));
    QVERIFY(m_server->hasClient(m_listenerId));
    QCOMPARE(reasonsFor(m_talkerId), QStringList());
    QCOMPARE(reasonsFor(m_listenerId), QStringList());
    QCOMPARE(m_talker->state(), EchoClient::State::Connected);
    QCOMPARE(m_listener->state(), EchoClient::State::Connected);

    // The server stays up: a newcomer completes its handshake, is greeted, relays and is relayed to.
    const int before = m_server->clientCount();
    TlsPeer fresh(port(), clientConfig());
    QVERIFY2(fresh.waitReady(), "a fresh TLS client was not greeted");
    QCOMPARE(m_server->clientCount(), before + 1);
    QCOMPARE(fresh.lines().value(0), m_server->welcomeLine(before + 1).chopped(1));
    const QByteArray hello = numbered("fresh", ++m_fresh);
    fresh.write(hello + '\n');
    QTRY_VERIFY(m_talkerHeard.contains(hello) && m_listenerHeard.contains(hello));
    talk(1);
    QTRY_VERIFY(fresh.hasLine(m_said.last()));
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    fresh.socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), before);

    // Bound: OpenSSL state is held by open sessions only, one each; no handshake is left in progress.
    QTRY_COMPARE(m_server->memoryStats().handshaking, 0);
    QTRY_COMPARE(m_server->memoryStats().tlsStates, m_server->clientCount());
}

// 1. 5,000 connections that never send a byte: strangers that cost a plain record each and no
// OpenSSL state, do not hold up anyone else's handshake, and go at the handshake deadline.
void tst_TlsHostile::silentConnectionsHoldNoTlsState()
{
    if (!m_descriptorsRaised)
        QSKIP(qPrintable(m_descriptorsProblem));
    constexpr int Silent = 5000;
    constexpr int Batch = 500;   // well under the listen backlog (SOMAXCONN), so that no SYN is dropped and retried
    constexpr int DeadlineMs = 3000;   // time to open 5,000 and look at them before the first goes
    // Bound while they are open: a stranger is a plain record, about 1 KiB each at most with its share of
    // the slab and index, plus 2 MiB for everything else (a newcomer's handshake, output blocks, the test's
    // own bookkeeping). A QSslSocket each, as before issue 12, is tens of KiB.
    constexpr qint64 PerConnectionBytes = 1 * KiB;
    constexpr qint64 ConstantBytes = 2 * MiB;
    // Bound after they are gone: within 4 MiB of the start (heap pages may stay with glibc).
    constexpr qint64 AfterBytes = 4 * MiB;

    // Set on the running server, after the bystanders' handshakes, as the server window's settings tab does.
    SpreadServer::Settings settings = m_server->settings();
    settings.tlsHandshakeTimeoutMs = DeadlineMs;
    m_server->setSettings(settings);

    // Refusals are counted here, not kept in a spy: 5,000 rows of QVariants would be megabytes of the RSS.
    QElapsedTimer clock;
    std::vector<quint16> refusedPorts;
    refusedPorts.reserve(Silent);
    qint64 firstRefusalMs = -1;
    qint64 lastRefusalMs = -1;
    QStringList badReasons;
    const QString expectedReason = u"TLS handshake failed"_s;
    const QString deadlineWords = u"no handshake within %1 ms"_s.arg(DeadlineMs);
    const QMetaObject::Connection counting = connect(
            m_server.get(), &SpreadServer::clientRefused, this, [&](const QHostAddress &, quint16 port, const QString &reason) {
                refusedPorts.push_back(port);
                lastRefusalMs = clock.elapsed();
                if (firstRefusalMs < 0)
                    firstRefusalMs = lastRefusalMs;
                if ((!reason.startsWith(expectedReason) || !reason.contains(deadlineWords)) && badReasons.size() < 10)
                    badReasons.append(reason);
            });
    auto stopCounting = qScopeGuard([counting] { disconnect(counting); });
    std::vector<int> fds;
    fds.reserve(Silent);
    auto closeAll = qScopeGuard([&fds] {
        for (int fd : fds)
            ::close(fd);
    });

    const int descriptorsBefore = openDescriptorCount();
    const qint64 rssBefore = residentBytes();
    const SessionEngine::MemoryStats statsBefore = m_server->memoryStats();
    StatsSampler sampler(m_server.get(), false);
    clock.start();
    while (int(fds.size()) < Silent) {
        for (int i = 0; i < Batch; ++i) {
            const int fd = rawConnect(port(), true);
            QVERIFY2(fd >= 0, strerror(errno));
            fds.push_back(fd);
        }
        // Accepted: the server holds a descriptor for each.
        QVERIFY2(QTest::qWaitFor([&] { return openDescriptorCount() >= descriptorsBefore + 2 * int(fds.size()); }, 10000),
                 qPrintable(u"%1 connections open after %2 ms, the server holds %3 of them and refused %4"_s
                                    .arg(fds.size()).arg(clock.elapsed())
                                    .arg(openDescriptorCount() - descriptorsBefore - int(fds.size()))
                                    .arg(refusedPorts.size())));
    }
    const qint64 openedMs = clock.elapsed();
    QVERIFY2(refusedPorts.empty(), qPrintable(u"%1 refused within %2 ms, before the %3 ms deadline"_s
                                                      .arg(refusedPorts.size()).arg(openedMs).arg(DeadlineMs)));
    const SessionEngine::MemoryStats statsOpen = m_server->memoryStats();
    sampler.stop();
    const qint64 rssOpen = residentBytes();
    qInfo("%d silent connections open in %lld ms; RSS %+lld KiB; table %lld -> %lld bytes; %d samples",
          Silent, openedMs, (rssOpen - rssBefore) / KiB, statsBefore.tableBytes, statsOpen.tableBytes,
          sampler.samples());

    // Nothing is allocated for a stranger: no OpenSSL state beyond the bystanders' sessions, no handshake.
    QCOMPARE(m_server->clientCount(), 2);
    QCOMPARE(sampler.peakHandshaking(), 0);
    QCOMPARE(sampler.peakTlsStatesOverSessions(), 0);
    QCOMPARE(statsOpen.handshaking, 0);
    QCOMPARE(statsOpen.tlsStates, 2);   // the talker's and the listener's: established sessions are counted

    // The established clients keep talking, and a newcomer's handshake is not queued behind the strangers.
    talk(10);
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QTRY_COMPARE(withPrefix(m_talkerHeard, "listener"), m_answered);
    {
        TlsPeer newcomer(port(), clientConfig());
        QVERIFY2(newcomer.waitReady(), "a TLS client was not served while 5,000 silent connections were open");
        QCOMPARE(newcomer.lines().value(0), m_server->welcomeLine(3).chopped(1));
        newcomer.write("newcomer among strangers\n");
        QTRY_VERIFY(m_listenerHeard.contains("newcomer among strangers"_ba));
        newcomer.socket().disconnectFromHost();
        QTRY_COMPARE(m_server->clientCount(), 2);
    }
    QVERIFY2(refusedPorts.empty(), "the deadline came before the checks: the machine is too slow for this case");
    const qint64 rssDuring = std::max(rssOpen, residentBytes());
    const qint64 bound = Silent * PerConnectionBytes + ConstantBytes;
    qInfo("RSS with the strangers open: %+lld KiB (bound %lld KiB)", (rssDuring - rssBefore) / KiB, bound / KiB);
    if (RssIsMeaningful) {
        QVERIFY2(rssDuring - rssBefore <= bound,
                 qPrintable(u"RSS grew by %1 KiB with %2 silent connections open: %3 bytes each"_s
                                    .arg((rssDuring - rssBefore) / KiB).arg(Silent).arg((rssDuring - rssBefore) / Silent)));
    }

    // At the deadline, each one goes with one refusal that says why.
    QTRY_COMPARE_WITH_TIMEOUT(int(refusedPorts.size()), Silent, DeadlineMs + 20000);
    qInfo("refused from %lld to %lld ms after the first connect (all accepted by %lld ms, deadline %d ms)",
          firstRefusalMs, lastRefusalMs, openedMs, DeadlineMs);
    QVERIFY2(badReasons.isEmpty(), qPrintable(badReasons.join(u" | "_s)));
    std::set<quint16> expectedPorts;
    for (int fd : fds)
        expectedPorts.insert(localPortOf(fd));
    QCOMPARE(std::set<quint16>(refusedPorts.cbegin(), refusedPorts.cend()), expectedPorts);
    QVERIFY(QTest::qWaitFor([&] { return std::all_of(fds.cbegin(), fds.cend(), peerHasClosed); }, 10000));
    closeAll.dismiss();
    for (int fd : fds)
        ::close(fd);
    fds.clear();
    QTRY_COMPARE(openDescriptorCount(), descriptorsBefore);
    QCOMPARE(m_server->clientCount(), 2);

    if (RssIsMeaningful) {
        // The engine gives memory back a second after a large release.
        QTRY_VERIFY2_WITH_TIMEOUT(residentBytes() - rssBefore <= AfterBytes,
                                  qPrintable(u"RSS still %1 KiB over the start"_s.arg((residentBytes() - rssBefore) / KiB)),
                                  10000);
    }
    qInfo("RSS after they left: %+lld KiB", (residentBytes() - rssBefore) / KiB);
    verifyUnharmed();

    // On time: none before its deadline, every one within 2 s of it (5,000 refusals take some
    // time to say); the deadline is counted from the accept, and all were accepted by openedMs.
    QVERIFY2(firstRefusalMs >= DeadlineMs * 9 / 10, qPrintable(u"first refusal after %1 ms"_s.arg(firstRefusalMs)));
    QVERIFY2(lastRefusalMs <= openedMs + DeadlineMs + 2000,
             qPrintable(u"the last stranger went %1 ms after the first connect, %2 ms after all were accepted, "
                        "with a %3 ms deadline"_s.arg(lastRefusalMs).arg(lastRefusalMs - openedMs).arg(DeadlineMs)));
}

// 2. A real TLS client whose every byte reaches the server alone, 1 ms apart: the handshake is
// assembled across hundreds of reads, the welcome comes, and its lines are relayed both ways.
void tst_TlsHostile::handshakeSentOneByteAtATimeCompletes()
{
    QCOMPARE(m_server->settings().tlsHandshakeTimeoutMs, 10000);   // the default: ample for about a second of dribbling
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    DribblingProxy proxy(port());
    QVERIFY(proxy.port() != 0);
    // Bound: this one client holds one handshake and, once established, one OpenSSL state.
    StatsSampler sampler(m_server.get(), false);

    EchoClient dribbler;
    dribbler.setPeriodicEnabled(false);
    dribbler.setTlsEnabled(true);
    dribbler.setTlsConfiguration(clientConfig());
    dribbler.setConnectTimeout(30000);
    TypedSpy<ClientSignal::MessageReceived> heard(&dribbler);
    QElapsedTimer clock;
    clock.start();
    dribbler.connectToServer(u"127.0.0.1"_s, proxy.port());
    // QSignalSpy::wait() runs a real event loop: the 1 ms ticks come on time.
    QVERIFY2(heard.wait(30000), qPrintable(dribbler.lastReason()));
    const qint64 handshakeBytes = proxy.forwarded();
    qInfo("dribbled handshake: %lld bytes, one a write, greeted after %lld ms", handshakeBytes, clock.elapsed());
    QCOMPARE(heard.args(0).message, m_server->welcomeLine(3).chopped(1));
    QVERIFY2(handshakeBytes >= 100, "fewer bytes than any ClientHello: the handshake did not go through the proxy");
    QCOMPARE(m_server->clientCount(), 3);
    const ClientId dribblerId = m_connected->lastArgs().id;
    QVERIFY(m_server->clientInfo(dribblerId).encrypted);

    // Its line, dribbled too, reaches both bystanders whole; theirs reach it.
    TypedSpy<ClientSignal::MessageReceived> listenerHeard(m_listener.get());
    QVERIFY(dribbler.send("dribbled, one byte at a time"));
    while (!m_listenerHeard.contains("dribbled, one byte at a time"_ba))
        QVERIFY(listenerHeard.wait(20000));
    QTRY_VERIFY(m_talkerHeard.contains("dribbled, one byte at a time"_ba));
    QCOMPARE(messagesFrom(dribblerId), QList<QByteArray> { "dribbled, one byte at a time"_ba });
    QVERIFY(proxy.forwarded() > handshakeBytes);
    talk(3);
    const auto dribblerHeard = [&heard] {
        QList<QByteArray> lines;
        for (const ClientSignal::MessageReceived &row : heard.allArgs())
            lines.append(row.message);
        return withPrefix(lines, "talker");
    };
    QTRY_COMPARE(dribblerHeard(), m_said.mid(m_said.size() - 3));
    sampler.stop();
    qInfo("while dribbling: at most %d handshakes, %d OpenSSL states (%d samples)", sampler.peakHandshaking(),
          sampler.peakTlsStates(), sampler.samples());
    QCOMPARE(refused.count(), 0);
    QCOMPARE(reasonsFor(dribblerId), QStringList());
    // The one handshake in progress was seen, and nothing more was held: three sessions, one state each.
    QCOMPARE(sampler.peakHandshaking(), 1);
    QCOMPARE(sampler.peakTlsStates(), 3);

    dribbler.disconnectFromServer();
    QTRY_VERIFY(!m_server->hasClient(dribblerId));
    QCOMPARE(reasonsFor(dribblerId).size(), 1);
    verifyUnharmed();
}

// 3. 300 connections send a real ClientHello and then nothing: at most maxHandshakes of them
// hold a handshake at once, the rest wait unread; the bystanders keep talking; all are refused
// at the deadline; then the server serves a newcomer.
void tst_TlsHostile::clientHelloFloodWaitsItsTurn()
{
    constexpr int Flood = 300;
    constexpr int MaxHandshakes = 8;
    constexpr int DeadlineMs = 2000;
    // Bound: a handshake holds 30-60 KiB of OpenSSL state (core/settinglimits.h), a waiting
    // connection a plain record (at most 1 KiB), plus 2 MiB for everything else. 300 QSslSockets
    // in parallel, as before issue 12, are several times that.
    constexpr qint64 Bound = MaxHandshakes * 64 * KiB + Flood * 1 * KiB + 2 * MiB;

    const QByteArray hello = captureClientHello();
    QVERIFY2(hello.size() > 5 && hello.at(0) == 0x16 && hello.at(5) == 0x01, hello.left(16).toHex().constData());
    qInfo("ClientHello captured from a QSslSocket: %lld bytes", qint64(hello.size()));

    // Set on the running server, after the bystanders' handshakes, as the server window's settings tab does.
    SpreadServer::Settings settings = m_server->settings();
    settings.maxHandshakes = MaxHandshakes;
    settings.tlsHandshakeTimeoutMs = DeadlineMs;
    m_server->setSettings(settings);
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    QElapsedTimer clock;
    qint64 firstRefusalMs = -1;
    qint64 lastRefusalMs = -1;
    const QMetaObject::Connection timing = connect(m_server.get(), &SpreadServer::clientRefused, this, [&] {
        lastRefusalMs = clock.elapsed();
        if (firstRefusalMs < 0)
            firstRefusalMs = lastRefusalMs;
    });
    auto stopTiming = qScopeGuard([timing] { disconnect(timing); });
    std::vector<int> fds;
    auto closeAll = qScopeGuard([&fds] {
        for (int fd : fds)
            ::close(fd);
    });

    const qint64 rssBefore = residentBytes();
    StatsSampler sampler(m_server.get(), RssIsMeaningful);
    std::set<quint16> floodPorts;
    clock.start();
    for (int i = 0; i < Flood; ++i) {
        const int fd = rawConnect(port(), false);   // loopback: connected once the kernel has it queued
        QVERIFY2(fd >= 0, strerror(errno));
        fds.push_back(fd);
        floodPorts.insert(localPortOf(fd));
        QVERIFY2(sendAll(fd, hello), strerror(errno));
    }
    const qint64 sentMs = clock.elapsed();
    // Meanwhile, before the deadline: the bystanders still talk both ways.
    talk(10);
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QTRY_COMPARE(withPrefix(m_talkerHeard, "listener"), m_answered);
    QVERIFY2(refused.count() < Flood, "the bystanders were answered only after the whole flood was refused");
    QTimer chatter;   // and go on talking, ten lines a second each way, until the flood is gone
    chatter.setInterval(100);
    connect(&chatter, &QTimer::timeout, this, [this] { talk(1); });
    chatter.start();

    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), Flood, DeadlineMs + 20000);
    chatter.stop();
    sampler.stop();
    std::set<quint16> refusedPorts;
    for (const ServerSignal::ClientRefused &event : refused.allArgs()) {
        QVERIFY2(event.reason.startsWith(u"TLS handshake failed"_s), qPrintable(event.reason));
        QCOMPARE(event.address, QHostAddress(QHostAddress::LocalHost));
        refusedPorts.insert(event.port);
    }
    QCOMPARE(refusedPorts, floodPorts);   // one refusal each
    qInfo("first refusal: \"%s\"; refused from %lld to %lld ms after the first connect (all sent by %lld ms)",
          qPrintable(refused.firstArgs().reason), firstRefusalMs, lastRefusalMs, sentMs);
    QVERIFY(QTest::qWaitFor([&] { return std::all_of(fds.cbegin(), fds.cend(), peerHasClosed); }, 10000));
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QTRY_COMPARE(withPrefix(m_talkerHeard, "listener"), m_answered);
    QCOMPARE(m_server->clientCount(), 2);

    qInfo("during the flood: at most %d handshakes and %d OpenSSL states, RSS %+lld KiB (bound %lld KiB), %d samples",
          sampler.peakHandshaking(), sampler.peakTlsStates(), (sampler.peakResidentBytes() - rssBefore) / KiB,
          Bound / KiB, sampler.samples());
    QVERIFY(sampler.samples() > 10);
    // Never more than the cap; and with 300 waiting and none finishing, every slot was taken.
    QVERIFY2(sampler.peakHandshaking() <= MaxHandshakes, qPrintable(QString::number(sampler.peakHandshaking())));
    QCOMPARE(sampler.peakHandshaking(), MaxHandshakes);
    // Bound: the handshakes in progress and the two bystanders' sessions hold OpenSSL state, no one else.
    QVERIFY2(sampler.peakTlsStates() <= MaxHandshakes + 2, qPrintable(QString::number(sampler.peakTlsStates())));
    if (RssIsMeaningful)
        QVERIFY2(sampler.peakResidentBytes() - rssBefore <= Bound,
                 qPrintable(u"RSS grew by %1 KiB"_s.arg((sampler.peakResidentBytes() - rssBefore) / KiB)));
    verifyUnharmed();

    // On time: the waiting ones too are refused at their deadline, counted from the accept,
    // not after a turn that never came; none before it.
    QVERIFY2(firstRefusalMs >= DeadlineMs * 9 / 10, qPrintable(u"first refusal after %1 ms"_s.arg(firstRefusalMs)));
    QVERIFY2(lastRefusalMs <= sentMs + DeadlineMs + 2000,
             qPrintable(u"the last went %1 ms after the first connect, with a %2 ms deadline"_s.arg(lastRefusalMs).arg(DeadlineMs)));
}

// 4. An established client sends bytes that are not a TLS record: it goes, with a reason; what it
// sent is not relayed; the others keep talking.
void tst_TlsHostile::garbageAfterTheHandshakeDropsOnlyTheSender()
{
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    TlsPeer attacker(port(), clientConfig());
    QVERIFY(attacker.waitReady());
    const ClientId attackerId = idOf(attacker.localPort());
    QVERIFY(attackerId != 0);
    attacker.write("a proper line first\n");
    QTRY_VERIFY(m_listenerHeard.contains("a proper line first"_ba));

    // Under the QSslSocket, on its descriptor: clear text where a record header belongs.
    QVERIFY2(sendAll(attacker.descriptor(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nnot a TLS record\n"), strerror(errno));
    talk(10);
    QTRY_COMPARE_WITH_TIMEOUT(reasonsFor(attackerId).size(), 1, 10000);
    const QString reason = reasonsFor(attackerId).constFirst();
    qInfo("garbage sender dropped: \"%s\"", qPrintable(reason));
    QVERIFY(!reason.isEmpty());
    QTRY_VERIFY(attacker.isClosed());
    QVERIFY(!m_server->hasClient(attackerId));
    QCOMPARE(messagesFrom(attackerId), QList<QByteArray> { "a proper line first"_ba });
    QVERIFY(!m_listenerHeard.contains("not a TLS record"_ba));
    QCOMPARE(refused.count(), 0);   // it was a session: its end is a disconnect, not a refusal
    verifyUnharmed();
}

// 5. Mutual TLS, and a client certificate from a CA the server does not trust: refused with a
// reason about the certificate, never a session. In TLS 1.3 the client believes the handshake
// done before the server has checked its certificate, and sends a line at once: never relayed.
void tst_TlsHostile::certificateFromAnotherCaIsRefused()
{
    stopServer();
    startServer(Verify::Mutual);
    if (QTest::currentTestFailed())
        return;
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    const qsizetype connectedBefore = m_connected->count();

    TlsPeer stranger(port(), clientConfig(u"stranger"_s));
    connect(&stranger.socket(), &QSslSocket::encrypted, &stranger, [&stranger] { stranger.write("smuggled line\n"); });
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 10000);
    const ServerSignal::ClientRefused event = refused.firstArgs();
    qInfo("stranger refused: \"%s\"", qPrintable(event.reason));
    QVERIFY2(event.reason.startsWith(u"TLS handshake failed"_s), qPrintable(event.reason));
    QVERIFY2(event.reason.contains(u"certificate"_s, Qt::CaseInsensitive), qPrintable(event.reason));
    QCOMPARE(event.address, QHostAddress(QHostAddress::LocalHost));
    QTRY_VERIFY(stranger.isClosed());
    QCOMPARE(event.port, stranger.localPort());

    // After a round trip of the bystanders, anything the stranger got through would have arrived.
    talk(5);
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QTRY_COMPARE(withPrefix(m_talkerHeard, "listener"), m_answered);
    QCOMPARE(m_connected->count(), connectedBefore);   // no session
    QCOMPARE(m_server->clientCount(), 2);
    QVERIFY(!m_listenerHeard.contains("smuggled line"_ba));
    QVERIFY(!m_talkerHeard.contains("smuggled line"_ba));
    for (const ServerSignal::MessageReceived &message : m_received->allArgs())
        QVERIFY(message.message != "smuggled line");
    QVERIFY(stranger.lines().isEmpty());   // no welcome
    verifyUnharmed();
}

// 6. An established client writes the first 15 bytes of a record that announces 1,000, then
// resets the connection: its session closes with a reason, nothing of it is delivered.
void tst_TlsHostile::resetMidRecordClosesTheSession()
{
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    TlsPeer attacker(port(), clientConfig());
    QVERIFY(attacker.waitReady());
    const ClientId attackerId = idOf(attacker.localPort());
    QVERIFY(attackerId != 0);
    const int fd = attacker.descriptor();

    // Application data, TLS 1.2 on the wire (as TLS 1.3 says too), 1,000 bytes long; 10 of them.
    QByteArray partial = QByteArray::fromHex("17030303e8");
    partial += QByteArray(10, '\x5a');
    QVERIFY2(sendAll(fd, partial), strerror(errno));
    QTRY_COMPARE(unacknowledgedBytes(fd), 0);   // in the server's receive queue
    talk(10);
    QTRY_COMPARE(withPrefix(m_listenerHeard, "talker"), m_said);
    QVERIFY(m_server->hasClient(attackerId));   // half a record is no error yet

    QVERIFY2(resetOnClose(fd), strerror(errno));
    attacker.socket().abort();   // closes the descriptor: a reset
    QTRY_COMPARE_WITH_TIMEOUT(reasonsFor(attackerId).size(), 1, 10000);
    const QString reason = reasonsFor(attackerId).constFirst();
    qInfo("reset mid-record: \"%s\"", qPrintable(reason));
    QVERIFY(!reason.isEmpty());
    QVERIFY(!m_server->hasClient(attackerId));
    QCOMPARE(messagesFrom(attackerId), QList<QByteArray>());
    QCOMPARE(refused.count(), 0);
    verifyUnharmed();
}

QTEST_GUILESS_MAIN(tst_TlsHostile)
#include "tst_tlshostile.moc"
