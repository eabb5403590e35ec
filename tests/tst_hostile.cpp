// SPDX-License-Identifier: MIT
// Issue 5, "Bad input and faults": the server against clients that misbehave
// on purpose. In every case two well-behaved bystanders, a talker and a
// listener, exchange numbered lines before, during and after the attack: the
// listener must get every one of them, in order, and a fresh client must
// still be greeted and relayed at the end.
#include "core/spreadserver.h"

#include "rawsocket.h"
#include "signalargs.h"
#include "testpeer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
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

QList<QByteArray> withoutPrefix(const QList<QByteArray> &lines, QByteArrayView prefix)
{
    QList<QByteArray> kept;
    for (const QByteArray &line : lines) {
        if (!line.startsWith(prefix))
            kept.append(line);
    }
    return kept;
}

quint16 rawLocalPort(int fd)
{
    sockaddr_in addr {};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
        return 0;
    return qFromBigEndian(addr.sin_port);
}

/** The highest file descriptor open in this process. */
int highestOpenDescriptor()
{
    int highest = STDERR_FILENO;
    const QStringList fds = QDir(u"/proc/self/fd"_s).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &fd : fds)
        highest = std::max(highest, fd.toInt());
    return highest;
}

/** Reads and forgets whatever has arrived, so that closing sends a FIN rather than a reset. */
void drain(int fd)
{
    char buffer[4096];
    while (::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0) { }
}
} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void hugeLineWithoutNewlineDropsOnlyTheSender();
    void nulAndInvalidUtf8AreRelayedByteExact();
    void lineSentOneByteAtATimeArrivesWhole();
    void thousandsOfLinesInOneWriteArriveInOrder();
    void halfLineThenSilenceIsDeliveredAndTheClientStays();
    void stalledReaderIsDroppedAndMemoryStaysBounded();
    void abruptResetMidLineDeliversWhatWasAccepted();
    void halfClosedSocketDeliversItsPartialLine();
    void connectDisconnectChurnLeaksNoSession();
    void descriptorExhaustionIsSurvived();

private:
    using ClientId = SpreadServer::ClientId;

    quint16 port() const { return m_server->serverPort(); }
    TestPeer *connectPeer();
    /** The server's id for the client on local port @p localPort, 0 if none is open. */
    ClientId idOf(quint16 localPort) const;
    ClientId idOf(TestPeer *peer) { return idOf(peer->socket().localPort()); }
    QStringList reasonsFor(ClientId id) const;
    QList<QByteArray> messagesFrom(ClientId id) const;

    void startBystanders();
    /** The talker sends its next @p count numbered lines in one write. */
    void talk(int count);
    /** Last check of every case: the bystanders heard everything, and a fresh client is served. */
    void verifyUnharmed();

    std::unique_ptr<SpreadServer> m_server;
    std::unique_ptr<TypedSpy<ServerSignal::ClientDisconnected>> m_disconnected;
    std::unique_ptr<TypedSpy<ServerSignal::MessageReceived>> m_received;
    QList<TestPeer *> m_peers;
    TestPeer *m_talker = nullptr;
    TestPeer *m_listener = nullptr;
    ClientId m_talkerId = 0;
    ClientId m_listenerId = 0;
    QList<QByteArray> m_said;
    int m_fresh = 0;
};

void tst_Hostile::init()
{
    m_server = std::make_unique<SpreadServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    QVERIFY(port() != 0);
    m_disconnected = std::make_unique<TypedSpy<ServerSignal::ClientDisconnected>>(m_server.get());
    m_received = std::make_unique<TypedSpy<ServerSignal::MessageReceived>>(m_server.get());
    m_said.clear();
    m_fresh = 0;
    startBystanders();
}

void tst_Hostile::cleanup()
{
    m_talker = m_listener = nullptr;
    m_talkerId = m_listenerId = 0;
    qDeleteAll(std::exchange(m_peers, {}));
    m_received.reset();
    m_disconnected.reset();
    m_server.reset();
}

TestPeer *tst_Hostile::connectPeer()
{
    auto *peer = new TestPeer(port());
    m_peers.append(peer);
    if (!peer->waitReady())
        qWarning("peer was not greeted");
    return peer;
}

SpreadServer::ClientId tst_Hostile::idOf(quint16 localPort) const
{
    const QList<ClientId> ids = m_server->clients();
    for (ClientId id : ids) {
        if (m_server->clientInfo(id).port == localPort)
            return id;
    }
    return 0;
}

QStringList tst_Hostile::reasonsFor(ClientId id) const
{
    return ServerSignal::reasonsFor(*m_disconnected, id);
}

QList<QByteArray> tst_Hostile::messagesFrom(ClientId id) const
{
    return ServerSignal::messagesFrom(*m_received, id);
}

void tst_Hostile::startBystanders()
{
    m_talker = connectPeer();
    m_listener = connectPeer();
    m_talkerId = idOf(m_talker);
    m_listenerId = idOf(m_listener);
    QVERIFY(m_talkerId != 0 && m_listenerId != 0);
    talk(10);
    QTRY_COMPARE(withPrefix(m_listener->lines(), "talker"), m_said);
}

void tst_Hostile::talk(int count)
{
    QByteArray bytes;
    for (int i = 0; i < count; ++i) {
        m_said.append(numbered("talker", int(m_said.size())));
        bytes += m_said.last() + '\n';
    }
    m_talker->write(bytes);
}

void tst_Hostile::verifyUnharmed()
{
    talk(10);
    QTRY_COMPARE(withPrefix(m_listener->lines(), "talker"), m_said);
    QVERIFY(m_server->hasClient(m_talkerId));
    QVERIFY(m_server->hasClient(m_listenerId));
    QCOMPARE(reasonsFor(m_talkerId), QStringList());
    QCOMPARE(reasonsFor(m_listenerId), QStringList());

    // The server stays up: a newcomer is greeted, relays and is relayed to.
    const int before = m_server->clientCount();
    TestPeer *fresh = connectPeer();
    QCOMPARE(m_server->clientCount(), before + 1);
    QCOMPARE(fresh->lines().value(0), m_server->welcomeLine(before + 1).chopped(1));
    const QByteArray hello = numbered("fresh", ++m_fresh);
    fresh->write(hello + '\n');
    QTRY_VERIFY(m_talker->hasLine(hello) && m_listener->hasLine(hello));
    talk(1);
    QTRY_VERIFY(fresh->hasLine(m_said.last()));
    QTRY_COMPARE(withPrefix(m_listener->lines(), "talker"), m_said);
}

// 1. The framer never holds more than the limit: the sender goes, nobody else notices.
void tst_Hostile::hugeLineWithoutNewlineDropsOnlyTheSender()
{
    TestPeer *attacker = connectPeer();
    const ClientId attackerId = idOf(attacker);
    attacker->write(QByteArray(16 * 1024 * 1024, 'A'));
    talk(100);
    QTRY_COMPARE(reasonsFor(attackerId), QStringList { u"message too long"_s });
    QTRY_VERIFY_WITH_TIMEOUT(attacker->isClosed(), 10000);
    QVERIFY(!m_server->hasClient(attackerId));
    QCOMPARE(messagesFrom(attackerId), QList<QByteArray>());
    QVERIFY(withPrefix(m_listener->lines(), "AAAA").isEmpty());
    verifyUnharmed();
}

// 2. Bytes are bytes: nothing is decoded, checked or rewritten on the way through.
void tst_Hostile::nulAndInvalidUtf8AreRelayedByteExact()
{
    TestPeer *attacker = connectPeer();
    const ClientId attackerId = idOf(attacker);
    const QList<QByteArray> lines = {
        "\0"_ba,
        "nul\0in\0the\0middle\0"_ba,
        "\xff\xfe\xfd never valid in UTF-8"_ba,
        "\xc0\x80 overlong NUL"_ba,
        "\xed\xa0\x80 lone surrogate"_ba,
        "\x80\x80\x80 stray continuation bytes"_ba,
        "\xf8\x88\x80\x80\x80 five-byte form"_ba,
        "\x1b[2J\x07 escape and bell"_ba,
        "carriage\rreturn inside"_ba,
        "truncated at the end \xe4\xbd"_ba,
    };
    // And an unterminated tail, delivered by the quiet-time flush.
    const QByteArray tail = "tail \xff\0\xfe"_ba;
    QByteArray bytes;
    for (const QByteArray &line : lines)
        bytes += line + '\n';
    attacker->write(bytes + tail);
    talk(10);

    const QList<QByteArray> expected = QList<QByteArray>(lines) << tail;
    QTRY_COMPARE(messagesFrom(attackerId), expected);
    QTRY_COMPARE(withoutPrefix(m_listener->lines().mid(1), "talker"), expected);
    QTRY_COMPARE(withoutPrefix(m_talker->lines().mid(1), "talker"), expected);
    QCOMPARE(reasonsFor(attackerId), QStringList());
    verifyUnharmed();
}

// 3. Every byte its own read, with pauses: the line still arrives whole, unmixed with others.
void tst_Hostile::lineSentOneByteAtATimeArrivesWhole()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 5000;   // pauses must not turn the first bytes into a message
    m_server->setSettings(settings);
    TestPeer *slow = connectPeer();
    slow->socket().setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const ClientId slowId = idOf(slow);
    const QByteArray line = "one byte at a time, \xff\0 included, with pauses\n"_ba;

    qsizetype written = 0;
    QTimer writer;
    writer.setInterval(10);
    connect(&writer, &QTimer::timeout, &writer, [&] {
        // The next byte only once the server has read the previous one.
        if (written == line.size() || m_server->clientInfo(slowId).bytesIn != quint64(written))
            return;
        slow->write(line.mid(written, 1));
        slow->socket().flush();
        ++written;
        talk(1);   // others keep talking between the bytes
    });
    writer.start();
    QTRY_VERIFY_WITH_TIMEOUT(written == line.size(), 10000);
    writer.stop();

    const QByteArray whole = line.chopped(1);
    QTRY_COMPARE(messagesFrom(slowId), QList<QByteArray> { whole });
    QTRY_COMPARE(withoutPrefix(m_listener->lines().mid(1), "talker"), QList<QByteArray> { whole });
    QTRY_COMPARE(withoutPrefix(m_talker->lines().mid(1), "talker"), QList<QByteArray> { whole });
    QCOMPARE(m_server->clientInfo(slowId).bytesIn, quint64(line.size()));
    QCOMPARE(reasonsFor(slowId), QStringList());
    verifyUnharmed();
}

// 4. A burst of 20,000 lines in one write: all relayed, in order, while another client talks.
void tst_Hostile::thousandsOfLinesInOneWriteArriveInOrder()
{
    TestPeer *burster = connectPeer();
    const ClientId bursterId = idOf(burster);
    QList<QByteArray> expected;
    QByteArray burst;
    for (int i = 0; i < 20000; ++i) {
        expected.append(numbered("burst", i));
        burst += expected.last() + '\n';
    }
    burster->write(burst);
    talk(100);
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_listener->lines(), "burst").size(), expected.size(), 30000);
    QCOMPARE(withPrefix(m_listener->lines(), "burst"), expected);
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_talker->lines(), "burst"), expected, 30000);
    QCOMPARE(reasonsFor(bursterId), QStringList());
    verifyUnharmed();
}

// 5. Half a line, then nothing: after the quiet time (200 ms by default) it is a message.
void tst_Hostile::halfLineThenSilenceIsDeliveredAndTheClientStays()
{
    QCOMPARE(m_server->settings().flushDelayMs, 200);
    TestPeer *silent = connectPeer();
    const ClientId silentId = idOf(silent);
    const QByteArray half = "half a line, then silence"_ba;
    silent->write(half);
    talk(10);
    QTRY_COMPARE(messagesFrom(silentId), QList<QByteArray> { half });
    QTRY_COMPARE(withoutPrefix(m_listener->lines().mid(1), "talker"), QList<QByteArray> { half });

    // Still a client: it hears the others, and its next line is its own message.
    QVERIFY(m_server->hasClient(silentId));
    QVERIFY(silent->isConnected());
    QTRY_COMPARE(withPrefix(silent->lines(), "talker"), m_said.mid(10));
    silent->write("and later a whole line\n");
    QTRY_VERIFY(m_listener->hasLine("and later a whole line"));
    QCOMPARE(messagesFrom(silentId), (QList<QByteArray> { half, "and later a whole line"_ba }));
    QCOMPARE(reasonsFor(silentId), QStringList());
    verifyUnharmed();
    QVERIFY(m_server->hasClient(silentId));
}

// 6. One client reads nothing while another floods 50 MiB: it alone goes, and its queue never
// outgrows maxBacklogBytes.
void tst_Hostile::stalledReaderIsDroppedAndMemoryStaysBounded()
{
    const qint64 backlogLimit = m_server->settings().maxBacklogBytes;
    TestPeer *flooder = connectPeer();
    TestPeer *stalled = connectPeer();
    const ClientId flooderId = idOf(flooder);
    const ClientId stalledId = idOf(stalled);
    // Stop reading: Qt takes nothing more from the kernel, whose buffers fill up.
    stalled->socket().setReadBufferSize(1);
    stalled->socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);

    qint64 maxPending = 0;
    qint64 maxStalledPending = 0;
    int samples = 0;
    QTimer sampler;
    sampler.setInterval(1);
    connect(&sampler, &QTimer::timeout, &sampler, [&] {
        const QList<ClientId> ids = m_server->clients();
        for (ClientId id : ids) {
            const qint64 pending = m_server->clientInfo(id).pendingBytes;
            maxPending = qMax(maxPending, pending);
            if (id == stalledId)
                maxStalledPending = qMax(maxStalledPending, pending);
        }
        ++samples;
    });
    sampler.start();

    // 50 MiB in 1 KiB numbered lines.
    constexpr int LineBytes = 1024;
    constexpr int Lines = 50 * 1024;
    QList<QByteArray> expected;
    expected.reserve(Lines);
    QByteArray chunk;
    for (int i = 0; i < Lines; ++i) {
        QByteArray line = numbered("flood", i);
        line += ' ';
        line = line.leftJustified(LineBytes - 1, 'f');
        chunk += line + '\n';
        expected.append(std::move(line));
        if (chunk.size() >= 1024 * 1024) {
            flooder->write(chunk);
            chunk.clear();
        }
    }
    flooder->write(chunk);

    QTRY_VERIFY_WITH_TIMEOUT(!reasonsFor(stalledId).isEmpty(), 30000);
    QCOMPARE(reasonsFor(stalledId), QStringList { u"too slow"_s });
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_listener->lines(), "flood").size(), Lines, 30000);
    sampler.stop();
    QCOMPARE(withPrefix(m_listener->lines(), "flood"), expected);
    QTRY_COMPARE_WITH_TIMEOUT(withPrefix(m_talker->lines(), "flood").size(), Lines, 30000);
    QCOMPARE(withPrefix(m_talker->lines(), "flood"), expected);

    qInfo("pending bytes: at most %lld of any client, %lld of the stalled one (limit %lld), %d samples",
          maxPending, maxStalledPending, backlogLimit, samples);
    QVERIFY(samples > 10);
    QVERIFY2(maxPending <= backlogLimit, qPrintable(u"%1 > %2"_s.arg(maxPending).arg(backlogLimit)));
    QVERIFY(maxStalledPending > 0);
    QVERIFY(m_server->hasClient(flooderId));
    QCOMPARE(reasonsFor(flooderId), QStringList());
    verifyUnharmed();
}

// 7. A reset (SO_LINGER 0) in the middle of a line: what the server had read is delivered.
void tst_Hostile::abruptResetMidLineDeliversWhatWasAccepted()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 60000;   // only the end of the connection can deliver the partial line
    m_server->setSettings(settings);
    const int before = m_server->clientCount();
    const int fd = rawConnect(port(), false);
    QVERIFY2(fd >= 0, strerror(errno));
    auto closeFd = qScopeGuard([fd] { ::close(fd); });
    QTRY_COMPARE(m_server->clientCount(), before + 1);
    const ClientId id = idOf(rawLocalPort(fd));
    QVERIFY(id != 0);

    const QByteArray partial = "cut off in the mid"_ba;
    QCOMPARE(::send(fd, partial.constData(), size_t(partial.size()), MSG_NOSIGNAL), ssize_t(partial.size()));
    QTRY_COMPARE(m_server->clientInfo(id).bytesIn, quint64(partial.size()));
    talk(10);

    const linger reset { 1, 0 };
    QCOMPARE(setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
    closeFd.dismiss();
    QCOMPARE(::close(fd), 0);

    QTRY_COMPARE(reasonsFor(id).size(), 1);
    qInfo("reset client gone: \"%s\"", qPrintable(reasonsFor(id).constFirst()));
    QTRY_COMPARE(m_server->clientCount(), before);
    QTRY_COMPARE(withoutPrefix(m_listener->lines().mid(1), "talker"), QList<QByteArray> { partial });
    QTRY_COMPARE(withoutPrefix(m_talker->lines().mid(1), "talker"), QList<QByteArray> { partial });
    QCOMPARE(messagesFrom(id), QList<QByteArray> { partial });
    verifyUnharmed();
}

// 8. A half-closed socket (shutdown of its write side) after half a line.
void tst_Hostile::halfClosedSocketDeliversItsPartialLine()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 60000;
    m_server->setSettings(settings);
    TestPeer *quitter = connectPeer();
    const ClientId quitterId = idOf(quitter);
    quitter->write("last words, no line feed");
    quitter->halfClose();
    talk(10);
    QTRY_COMPARE(reasonsFor(quitterId), QStringList { u"closed by peer"_s });
    QTRY_COMPARE(withoutPrefix(m_listener->lines().mid(1), "talker"),
                 QList<QByteArray> { "last words, no line feed"_ba });
    QCOMPARE(messagesFrom(quitterId), QList<QByteArray> { "last words, no line feed"_ba });
    QTRY_VERIFY(quitter->isClosed());   // the server closed its side after the peer's end
    verifyUnharmed();
}

// 9. 2,000 clients come and go, 100 at a time; then a lone client is number 1 again.
void tst_Hostile::connectDisconnectChurnLeaksNoSession()
{
    constexpr int Batches = 20;
    constexpr int BatchSize = 100;
    QSignalSpy connected(m_server.get(), &SpreadServer::clientConnected);
    const int bystanders = m_server->clientCount();
    for (int batch = 0; batch < Batches; ++batch) {
        // All 100 are connected at once, but they arrive 25 at a time: the listen backlog is
        // Qt's default of 50, and a SYN beyond it is dropped and retried a second later.
        std::vector<std::unique_ptr<TestPeer>> peers;
        for (int i = 0; i < BatchSize; ++i) {
            peers.push_back(std::make_unique<TestPeer>(port()));
            if (peers.size() % 25 == 0)
                QVERIFY(QTest::qWaitFor([&] { return m_server->clientCount() == bystanders + int(peers.size()); }, 5000));
        }
        QVERIFY(QTest::qWaitFor([&] {
            return std::all_of(peers.cbegin(), peers.cend(),
                               [](const auto &p) { return p->isConnected() && !p->lines().isEmpty(); });
        }, 10000));
        for (const auto &peer : peers)
            peer->socket().disconnectFromHost();
        QTRY_COMPARE(m_server->clientCount(), bystanders);
        // Between batches only: the churned clients read all they get (their welcome), so
        // each of them ends with a FIN, never a reset.
        talk(5);
        QTRY_COMPARE(withPrefix(m_listener->lines(), "talker"), m_said);
    }
    QCOMPARE(connected.count(), Batches * BatchSize);
    QCOMPARE(m_disconnected->count(), Batches * BatchSize);
    for (const ServerSignal::ClientDisconnected &event : m_disconnected->allArgs())
        QCOMPARE(event.reason, u"closed by peer"_s);
    verifyUnharmed();
    if (QTest::currentTestFailed())
        return;

    // Everyone leaves; the next client is alone and must be told so.
    for (TestPeer *peer : std::as_const(m_peers))
        peer->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), 0);
    TestPeer *lone = connectPeer();
    QCOMPARE(lone->lines(), QList<QByteArray> { m_server->welcomeLine(1).chopped(1) });
    QCOMPARE(m_server->clientCount(), 1);
    lone->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), 0);
}

// 10. Connections until the descriptors run out; once they are closed the server accepts again.
// The test lowers the soft RLIMIT_NOFILE of its own process (the server's too) to a few hundred
// above the descriptors in use, so the path is reached on any host, quickly, and without root:
// the engine raises the soft limit to the hard one only when it is made (in init()), and a soft
// limit can always be put back up to the hard one. Test and server share the limit, so the test's
// socket() fails first and the server's accept() of the connections still waiting fails too.
void tst_Hostile::descriptorExhaustionIsSurvived()
{
    constexpr int Headroom = 200;   // descriptors left below the lowered limit
    constexpr int Batch = 32;       // below the listen backlog, so that no SYN is dropped and retried
    SpreadServer::Settings settings = m_server->settings();
    settings.maxClients = 100000;
    m_server->setSettings(settings);
    TypedSpy<ServerSignal::Warning> warnings(m_server.get());
    TypedSpy<ServerSignal::ClientConnected> connected(m_server.get());
    const int bystanders = m_server->clientCount();

    rlimit original {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &original), 0);
    rlimit lowered = original;
    lowered.rlim_cur = std::min<rlim_t>(original.rlim_cur, rlim_t(highestOpenDescriptor() + 1 + Headroom));
    QCOMPARE(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    auto restoreLimit = qScopeGuard([&original] { setrlimit(RLIMIT_NOFILE, &original); });

    QElapsedTimer clock;
    clock.start();
    std::vector<int> fds;
    auto closeAll = qScopeGuard([&fds] {
        for (int fd : fds)
            ::close(fd);
    });
    int failure = 0;
    int opened = 0;
    // Opens @p count more sockets; false when one fails, with its errno in failure.
    auto open = [&](int count) {
        for (int i = 0; i < count; ++i) {
            const int fd = rawConnect(port(), true);
            if (fd < 0) {
                failure = errno;
                return false;
            }
            fds.push_back(fd);
            ++opened;
        }
        return true;
    };
    // Let the server accept each batch before the next, or fail to.
    auto caughtUpOrWarned = [&] {
        return m_server->clientCount() - bystanders == int(fds.size()) || !warnings.isEmpty();
    };
    // No more sockets than descriptors: should the limit not hold, the loop ends all the same.
    while (open(Batch) && opened < int(lowered.rlim_cur))
        QVERIFY2(QTest::qWaitFor(caughtUpOrWarned, 5000), "the server neither accepted the batch nor said why");
    const qsizetype peak = qsizetype(fds.size());
    QVERIFY2(failure == EMFILE, failure ? strerror(failure) : "no socket() failed under the lowered limit");

    // Sockets connected but not yet accepted now meet a full table in the server's accept().
    // Should the table have filled exactly at a batch boundary, with nothing left to accept,
    // free a client (two descriptors) and fill them again from this side.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (!QTest::qWaitFor(caughtUpOrWarned, 1000) || !warnings.isEmpty())
            break;   // some connections wait and cannot be accepted
        const int before = m_server->clientCount();
        drain(fds.back());
        ::close(fds.back());
        fds.pop_back();
        QTRY_COMPARE(m_server->clientCount(), before - 1);
        QVERIFY(!open(Batch));
        QCOMPARE(failure, EMFILE);
    }
    const int waiting = int(fds.size()) - (m_server->clientCount() - bystanders);
    qInfo("descriptor limit lowered from %llu to %llu: %lld test sockets, %d server sessions, %d connections "
          "waiting to be accepted", quint64(original.rlim_cur), quint64(lowered.rlim_cur), qint64(peak),
          m_server->clientCount(), waiting);
    QVERIFY(waiting > 0);

    // The server's accept() failed with EMFILE, and said so.
    QVERIFY(QTest::qWaitFor([&] { return !warnings.isEmpty(); }, 1000));
    const QString warning = warnings.firstArgs().text;
    qInfo("warning: \"%s\"", qPrintable(warning));
    QCOMPARE(warning, u"cannot accept a connection: "_s + QString::fromLocal8Bit(strerror(EMFILE)).toLower());
    const qsizetype acceptedWhenFull = connected.count();

    // With every descriptor taken, the bystanders still talk.
    talk(10);
    QTRY_COMPARE(withPrefix(m_listener->lines(), "talker"), m_said);

    // Close them all, still under the lowered limit. Whatever the server accepts from now on
    // (the retry comes 250 ms after a failure) has already gone: every socket opened must be
    // accepted and closed, the waiting ones included.
    for (int fd : fds) {
        drain(fd);
        ::close(fd);
    }
    fds.clear();
    QTRY_VERIFY_WITH_TIMEOUT(connected.count() == opened && m_server->clientCount() == bystanders, 30000);
    QVERIFY(connected.count() > acceptedWhenFull);
    QCOMPARE(m_disconnected->count(), opened);
    int resets = 0;
    for (const ServerSignal::ClientDisconnected &event : m_disconnected->allArgs()) {
        // Sockets closed before they were accepted may answer the welcome with a reset.
        QVERIFY2(event.reason == u"closed by peer"_s || event.reason == u"connection reset by peer"_s,
                 qPrintable(event.reason));
        resets += event.reason != u"closed by peer"_s;
    }
    qInfo("%d sockets accepted and closed again (%d reset), %d accept warnings, %lld ms", opened, resets,
          int(warnings.count()), clock.elapsed());
    verifyUnharmed();
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"
