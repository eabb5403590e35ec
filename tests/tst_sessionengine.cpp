// SPDX-License-Identifier: MIT
// Issue 11: the engine's output under real traffic, over real sockets. A
// broadcast is one copy: receivers that keep up hold nothing afterwards, the
// output memory does not grow with the number of receivers, per-receiver
// order holds across broadcasts and single sends in one batch, and after
// every client has left the engine holds no memory from the peak.
#include "core/sessionengine.h"

#include "rawsocket.h"

#include <QSignalSpy>
#include <QTest>
#include <QtEndian>

#include <cerrno>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {
/** A raw client: what it has read so far. */
struct Client {
    int fd = -1;
    QByteArray received;

    void readAvailable()
    {
        char buffer[65536];
        ssize_t n;
        while ((n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
            received.append(buffer, n);
    }
};

/** A connected TCP pair made without the engine: [0] to hand to adoptSocket(), [1] the peer. */
std::pair<int, int> tcpPair()
{
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = qToBigEndian(quint32(INADDR_LOOPBACK));
    socklen_t len = sizeof addr;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || ::listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
        return { -1, -1 };
    const int client = rawConnect(qFromBigEndian(addr.sin_port), true);
    const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(listener);
    return { accepted, client };
}
} // namespace

class tst_SessionEngine : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void broadcastToReceiversThatKeepUpLeavesNothingPerReceiver_data();
    void broadcastToReceiversThatKeepUpLeavesNothingPerReceiver();
    void onlyTheReceiverThatStopsReadingHoldsOutput();
    void orderHoldsAcrossBroadcastsAndSingleSendsInOneBatch();
    void aSessionOpenedMidBatchGetsOnlyLaterBroadcasts();
    void memoryOfAPeakGoesBackWhenEveryoneHasLeft();
    void aShorterQuietTimeAppliesToLinesAlreadyWaiting();

private:
    bool connectClients(int count);
    bool allReceived(qsizetype bytes);

    std::unique_ptr<SessionEngine> m_engine;
    std::vector<Client> m_clients;
};

void tst_SessionEngine::init()
{
    m_engine = std::make_unique<SessionEngine>();
    QVERIFY(m_engine->listen(QHostAddress::LocalHost, 0));
}

void tst_SessionEngine::cleanup()
{
    for (Client &c : m_clients)
        ::close(c.fd);
    m_clients.clear();
    m_engine.reset();
}

bool tst_SessionEngine::connectClients(int count)
{
    const int before = m_engine->sessionCount();
    for (int i = 0; i < count; ++i) {
        const int fd = rawConnect(m_engine->serverPort(), true);
        if (fd < 0)
            return false;
        m_clients.push_back({ fd, {} });
    }
    return QTest::qWaitFor([&] { return m_engine->sessionCount() == before + count; }, 20000);
}

bool tst_SessionEngine::allReceived(qsizetype bytes)
{
    return QTest::qWaitFor([&] {
        bool all = true;
        for (Client &c : m_clients) {
            c.readAvailable();
            all = all && c.received.size() >= bytes;
        }
        return all;
    }, 20000);
}

void tst_SessionEngine::broadcastToReceiversThatKeepUpLeavesNothingPerReceiver_data()
{
    QTest::addColumn<int>("receivers");
    QTest::newRow("20 receivers") << 20;
    QTest::newRow("600 receivers") << 600;
}

void tst_SessionEngine::broadcastToReceiversThatKeepUpLeavesNothingPerReceiver()
{
    QFETCH(int, receivers);
    QVERIFY(connectClients(receivers));
    const qint64 storedBefore = m_engine->memoryStats().storedBytes;
    QByteArray expected;
    for (int i = 0; i < 10; ++i) {
        const QByteArray line = "broadcast "_ba + QByteArray::number(i) + '\n';
        QCOMPARE(m_engine->sendToAll(line), receivers);
        expected += line;
    }
    QVERIFY(allReceived(expected.size()));
    for (const Client &c : m_clients)
        QCOMPARE(c.received, expected);

    // Nothing per receiver is left, and the output memory is one block whatever the count.
    const SessionEngine::MemoryStats stats = m_engine->memoryStats();
    QCOMPARE(stats.storedBytes - storedBefore, expected.size());   // one copy, whatever the count
    QCOMPARE(stats.sessionsWithOutput, 0);
    QCOMPARE(stats.sessionsWithExtra, 0);
    QCOMPARE(stats.blocks, 1);
    QVERIFY2(stats.blockBytes <= 64 * 1024, QByteArray::number(stats.blockBytes).constData());
    const auto ids = m_engine->sessionIds();
    for (SessionEngine::Id id : ids) {
        const SessionEngine::SessionInfo info = m_engine->sessionInfo(id);
        QCOMPARE(info.messagesOut, 10u);
        QCOMPARE(info.bytesOut, quint64(expected.size()));
        QCOMPARE(info.pendingBytes, 0);
    }
}

void tst_SessionEngine::onlyTheReceiverThatStopsReadingHoldsOutput()
{
    QVERIFY(connectClients(30));
    // The last client reads nothing: its kernel buffers fill, then the engine queues for it.
    const SessionEngine::Id stalledId = m_engine->sessionIds().constLast();
    const QByteArray line = QByteArray(1000, 'x') + '\n';
    qsizetype sent = 0;
    QVERIFY(QTest::qWaitFor([&] {
        for (int i = 0; i < 64; ++i) {
            m_engine->sendToAll(line);
            sent += line.size();
        }
        for (size_t i = 0; i + 1 < m_clients.size(); ++i)
            m_clients[i].readAvailable();
        return m_engine->sessionInfo(stalledId).pendingBytes > 0;
    }, 20000));
    for (size_t i = 0; i + 1 < m_clients.size(); ++i) {
        QVERIFY(QTest::qWaitFor([&] {
            m_clients[i].readAvailable();
            return m_clients[i].received.size() == sent;
        }, 20000));
    }
    const SessionEngine::MemoryStats stats = m_engine->memoryStats();
    QCOMPARE(stats.sessionsWithOutput, 1);
    QVERIFY(m_engine->sessionInfo(stalledId).pendingBytes > 0);

    // Once it reads, it gets everything, in order, and lets go of the blocks.
    Client &last = m_clients.back();
    const bool got = QTest::qWaitFor([&] {
        last.readAvailable();
        return last.received.size() == sent;
    }, 20000);
    QVERIFY(got);
    QCOMPARE(last.received, line.repeated(sent / line.size()));
    QTRY_COMPARE(m_engine->memoryStats().sessionsWithOutput, 0);
    QCOMPARE(m_engine->sessionInfo(stalledId).pendingBytes, 0);
}

void tst_SessionEngine::orderHoldsAcrossBroadcastsAndSingleSendsInOneBatch()
{
    QVERIFY(connectClients(3));
    const QList<SessionEngine::Id> ids = m_engine->sessionIds();
    const SessionEngine::Id a = ids[0], b = ids[1];
    // All of it in one batch: the handler of a's message.
    connect(m_engine.get(), &SessionEngine::messageReceived, this, [&](SessionEngine::Id from, const QByteArray &) {
        QCOMPARE(m_engine->sendToAll("1 from a\n", from), 2);
        QCOMPARE(m_engine->sendToAll("2 from a\n", from), 2);
        QVERIFY(m_engine->send(b, "3 to b\n"));
        QCOMPARE(m_engine->sendToAll("4 from b\n", b), 2);
        QCOMPARE(m_engine->sendToAll("5 from a, ", from, "with a suffix\n"), 2);
        QCOMPARE(m_engine->sendToAll("6 to all\n"), 3);
        // A receiver asked mid-batch counts what it has been promised.
        QCOMPARE(m_engine->sessionInfo(b).messagesOut, 5u);
    });
    QCOMPARE(::send(m_clients[0].fd, "go\n", 3, MSG_NOSIGNAL), ssize_t(3));
    QSignalSpy spy(m_engine.get(), &SessionEngine::messageReceived);
    QVERIFY(spy.wait());
    const QByteArray toA = "4 from b\n6 to all\n"_ba;
    const QByteArray toB = "1 from a\n2 from a\n3 to b\n5 from a, with a suffix\n6 to all\n"_ba;
    const QByteArray toC = "1 from a\n2 from a\n4 from b\n5 from a, with a suffix\n6 to all\n"_ba;
    for (Client &c : m_clients) {
        QVERIFY(QTest::qWaitFor([&] {
            c.readAvailable();
            return c.received.endsWith("6 to all\n");
        }, 10000));
    }
    QCOMPARE(m_clients[0].received, toA);
    QCOMPARE(m_clients[1].received, toB);
    QCOMPARE(m_clients[2].received, toC);
    QCOMPARE(m_engine->sessionInfo(a).messagesOut, 2u);
    QCOMPARE(m_engine->memoryStats().sessionsWithExtra, 0);
}

void tst_SessionEngine::aSessionOpenedMidBatchGetsOnlyLaterBroadcasts()
{
    QVERIFY(connectClients(1));
    const auto [adopted, peer] = tcpPair();
    QVERIFY(adopted >= 0 && peer >= 0);
    connect(m_engine.get(), &SessionEngine::messageReceived, this, [&, adopted = adopted](SessionEngine::Id from) {
        m_engine->sendToAll("before\n", from);
        m_engine->sendToAll("before, again\n", from);
        m_engine->adoptSocket(adopted);
        m_engine->sendToAll("after\n", from);
    });
    QCOMPARE(::send(m_clients[0].fd, "go\n", 3, MSG_NOSIGNAL), ssize_t(3));
    m_clients.push_back({ peer, {} });
    QVERIFY(QTest::qWaitFor([&] {
        m_clients.back().readAvailable();
        return m_clients.back().received.endsWith("after\n");
    }, 10000));
    QCOMPARE(m_clients.back().received, "after\n"_ba);
    QCOMPARE(m_engine->sessionCount(), 2);
}

// The settings tab changes limits on a running server: a deadline already
// counting follows the new delay, not the one it started with.
void tst_SessionEngine::aShorterQuietTimeAppliesToLinesAlreadyWaiting()
{
    SessionEngine::Limits limits = m_engine->limits();
    limits.flushDelayMs = 60000;
    m_engine->setLimits(limits);
    QVERIFY(connectClients(1));
    QSignalSpy received(m_engine.get(), &SessionEngine::messageReceived);
    QCOMPARE(::send(m_clients[0].fd, "no ending", 9, MSG_NOSIGNAL), ssize_t(9));
    QTRY_COMPARE(m_engine->sessionInfo(m_engine->sessionIds().first()).bytesIn, quint64(9));
    QCOMPARE(received.count(), 0);   // waiting for a minute of quiet
    limits.flushDelayMs = 50;
    m_engine->setLimits(limits);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 5000);
    QCOMPARE(received.at(0).at(1).toByteArray(), "no ending"_ba);
}

void tst_SessionEngine::memoryOfAPeakGoesBackWhenEveryoneHasLeft()
{
    m_engine->trimMemory();
    const SessionEngine::MemoryStats start = m_engine->memoryStats();
    QVERIFY(connectClients(3000));
    const QByteArray line = "to all of you\n"_ba;
    for (int i = 0; i < 10; ++i)
        m_engine->sendToAll(line);
    QVERIFY(allReceived(10 * line.size()));
    const SessionEngine::MemoryStats peak = m_engine->memoryStats();
    QVERIFY2(peak.tableBytes > 3000 * 100, QByteArray::number(peak.tableBytes).constData());

    for (Client &c : m_clients)
        ::close(c.fd);
    m_clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_engine->socketCount(), 0, 20000);
    m_engine->trimMemory();
    const SessionEngine::MemoryStats end = m_engine->memoryStats();
    // What is left is a constant: one spare slab chunk, a small index, the pool's floor.
    QVERIFY2(end.tableBytes <= 64 * 1024, QByteArray::number(end.tableBytes).constData());
    QVERIFY2(end.blockBytes <= 2 * 64 * 1024 + start.blockBytes, QByteArray::number(end.blockBytes).constData());
    QCOMPARE(end.sessionsWithOutput, 0);
    QCOMPARE(end.sessionsWithExtra, 0);
}

QTEST_GUILESS_MAIN(tst_SessionEngine)
#include "tst_sessionengine.moc"
