// SPDX-License-Identifier: MIT
#include "core/spreadserver.h"

#include "signalargs.h"
#include "testpeer.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;

class tst_SpreadServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void welcomeLineReplacesEveryCount_data();
    void welcomeLineReplacesEveryCount();

    void welcomeNumbersFollowTheClientCount();
    void welcomeIsConfigurable();
    void emptyWelcomeSendsNothing();
    void relaysToOthersButNotToTheSender();
    void relayKeepsOrderAcrossManyLinesInOneWrite();
    void crlfIsAcceptedAndNotRelayed();
    void binaryIsRelayedUnchanged();
    void quietPartialLineBecomesAMessage();
    void zeroFlushDelayMakesEveryReadAMessage();
    void linesFromDifferentSendersAreNeverMixed();
    void noRelayOnlyLogs();
    void closeDropsTheSenderAndTellsTheOthers_data();
    void closeDropsTheSenderAndTellsTheOthers();
    void nothingAfterCloseIsRelayed();
    void partialLineIsDeliveredOnHalfClose();
    void partialLineIsDeliveredOnDisconnect();
    void overlongMessageDropsTheSender();
    void fullServerRefusesWithOneLine();
    void stalledReaderIsDroppedAsTooSlow();
    void sendToAllSendToAndDrop();
    void stopDeliversQueuedOutputThenCloses();
    void listenFailsOnAPortInUse();
    void onlyAllowedSubnetsAreAdmitted();
    void connectionsPerAddressAreCapped();
    void aPerAddressLimitSetLaterCountsWhoIsThere();
    void peersOfBothAddressFamiliesAreTold();
    void manySessionsStayFindableAsOthersLeave();

private:
    TestPeer *connectPeer(int expectedLines = 1);
    quint16 port() const { return m_server->serverPort(); }
    /** Sends a marker through the server and waits for it: whatever was sent before has arrived. */
    bool sync(const QList<TestPeer *> &peers);

    std::unique_ptr<SpreadServer> m_server;
    QList<TestPeer *> m_peers;
    int m_marker = 0;
};

void tst_SpreadServer::init()
{
    m_marker = 0;
    m_server = std::make_unique<SpreadServer>();
    SpreadServer::Settings settings;
    settings.flushDelayMs = 50;
    m_server->setSettings(settings);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    QVERIFY(port() != 0);
}

void tst_SpreadServer::cleanup()
{
    qDeleteAll(std::exchange(m_peers, {}));
    m_server.reset();
}

TestPeer *tst_SpreadServer::connectPeer(int expectedLines)
{
    auto *peer = new TestPeer(port());
    m_peers.append(peer);
    const int before = m_server->clientCount();
    if (!QTest::qWaitFor([&] { return m_server->clientCount() > before || peer->isClosed(); }, 5000))
        qWarning("peer was not accepted");
    if (expectedLines > 0)
        peer->waitReady(expectedLines);
    return peer;
}

bool tst_SpreadServer::sync(const QList<TestPeer *> &peers)
{
    const QByteArray marker = "marker-"_ba + QByteArray::number(++m_marker);
    m_server->sendToAll(marker);
    return QTest::qWaitFor([&] {
        return std::all_of(peers.cbegin(), peers.cend(), [&](TestPeer *p) { return p->hasLine(marker); });
    }, 5000);
}

void tst_SpreadServer::welcomeNumbersFollowTheClientCount()
{
    TypedSpy<ServerSignal::ClientConnected> connected(m_server.get());
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TestPeer *c = connectPeer();
    QCOMPARE(a->lines().value(0), "欢迎来到Spread Site, 你是第1个客户端用户!"_ba);
    QCOMPARE(b->lines().value(0), "欢迎来到Spread Site, 你是第2个客户端用户!"_ba);
    QCOMPARE(c->lines().value(0), "欢迎来到Spread Site, 你是第3个客户端用户!"_ba);
    QCOMPARE(connected.count(), 3);
    QCOMPARE(connected.args(2).clientCount, 3);
    QCOMPARE(connected.args(2).address, QHostAddress(QHostAddress::LocalHost));

    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    b->socket().disconnectFromHost();
    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.args(0).clientCount, 2);
    QCOMPARE(m_server->clientCount(), 2);

    TestPeer *d = connectPeer();
    QCOMPARE(d->lines().value(0), "欢迎来到Spread Site, 你是第3个客户端用户!"_ba);
}

void tst_SpreadServer::welcomeIsConfigurable()
{
    m_server->setWelcome(u"hi %1, you are number %1"_s);
    TestPeer *a = connectPeer();
    QCOMPARE(a->lines().value(0), "hi 1, you are number 1"_ba);
}

void tst_SpreadServer::emptyWelcomeSendsNothing()
{
    m_server->setWelcome(QString());
    TestPeer *a = connectPeer(0);
    QVERIFY(sync({ a }));
    QCOMPARE(a->lines(), QList<QByteArray> { "marker-1"_ba });
}

void tst_SpreadServer::relaysToOthersButNotToTheSender()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TestPeer *c = connectPeer();
    TypedSpy<ServerSignal::MessageReceived> received(m_server.get());
    a->write("hello from a\n");
    QTRY_VERIFY(b->hasLine("hello from a"));
    QTRY_VERIFY(c->hasLine("hello from a"));
    QCOMPARE(received.count(), 1);
    QCOMPARE(received.args(0).message, "hello from a"_ba);
    QCOMPARE(received.args(0).relayedTo, 2);   // relayed to two clients
    QVERIFY(sync({ a, b, c }));
    QVERIFY(!a->hasLine("hello from a"));
}

void tst_SpreadServer::relayKeepsOrderAcrossManyLinesInOneWrite()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    QByteArray burst;
    QList<QByteArray> expected;
    for (int i = 0; i < 5000; ++i) {
        const QByteArray line = "line " + QByteArray::number(i);
        burst += line + '\n';
        expected.append(line);
    }
    a->write(burst);
    QTRY_COMPARE(b->lines().size(), 1 + expected.size());
    QCOMPARE(b->lines().mid(1), expected);
}

void tst_SpreadServer::crlfIsAcceptedAndNotRelayed()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    a->write("windows line\r\nunix line\n");
    QTRY_COMPARE(b->lines().size(), 3);
    QCOMPARE(b->lines().at(1), "windows line"_ba);
    QCOMPARE(b->lines().at(2), "unix line"_ba);
}

void tst_SpreadServer::binaryIsRelayedUnchanged()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    const QByteArray binary("\x00\x01\xff\xfe\x80 <b>not bold</b> \xe4\xbd", 24);
    TypedSpy<ServerSignal::MessageReceived> received(m_server.get());
    a->write(binary + '\n');
    QTRY_COMPARE(b->lines().size(), 2);
    QCOMPARE(b->lines().at(1), binary);
    QCOMPARE(received.args(0).message, binary);
}

void tst_SpreadServer::quietPartialLineBecomesAMessage()
{
    // The seed's client writes "hello, I'm ..." with no line ending at all.
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    a->write("hello, I'm echo_client.py 2017-08-14 21:55:00");
    QTRY_VERIFY(b->hasLine("hello, I'm echo_client.py 2017-08-14 21:55:00"));
    a->write("second");
    QTRY_VERIFY(b->hasLine("second"));
    QCOMPARE(b->lines().size(), 3);
}

void tst_SpreadServer::zeroFlushDelayMakesEveryReadAMessage()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 0;
    m_server->setSettings(settings);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    a->write("no ending");
    QTRY_VERIFY(b->hasLine("no ending"));
    a->write("two\nlines\n");
    QTRY_VERIFY(b->hasLine("lines"));
    QCOMPARE(b->lines().mid(1), (QList<QByteArray> { "no ending"_ba, "two"_ba, "lines"_ba }));
}

void tst_SpreadServer::linesFromDifferentSendersAreNeverMixed()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 5000;   // the partial line must wait for its own ending
    m_server->setSettings(settings);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TestPeer *c = connectPeer();
    a->write("first half of a, ");
    QVERIFY(QTest::qWaitFor([&] { return m_server->clientInfo(1).bytesIn > 0; }, 5000));
    b->write("all of b\n");
    QTRY_VERIFY(c->hasLine("all of b"));
    a->write("second half of a\n");
    QTRY_VERIFY(c->hasLine("first half of a, second half of a"));
    QCOMPARE(c->lines().size(), 3);
}

void tst_SpreadServer::noRelayOnlyLogs()
{
    m_server->setRelay(false);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageReceived> received(m_server.get());
    a->write("monitored only\n");
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(received.args(0).relayedTo, 0);
    QVERIFY(sync({ a, b }));
    QVERIFY(!b->hasLine("monitored only"));
}

void tst_SpreadServer::closeDropsTheSenderAndTellsTheOthers_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addRow("seed, no line ending") << "close"_ba;
    QTest::addRow("lf") << "close\n"_ba;
    QTest::addRow("crlf") << "close\r\n"_ba;
    QTest::addRow("trailing blanks") << "close \t\n"_ba;
}

void tst_SpreadServer::closeDropsTheSenderAndTellsTheOthers()
{
    QFETCH(QByteArray, command);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TestPeer *c = connectPeer();
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    a->write(command);
    QTRY_VERIFY(a->isClosed());
    QTRY_VERIFY(b->hasLine("close"));
    QTRY_VERIFY(c->hasLine("close"));
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.args(0).reason, u"client sent close"_s);
    QCOMPARE(m_server->clientCount(), 2);
    QVERIFY(!a->hasLine("close"));
}

void tst_SpreadServer::nothingAfterCloseIsRelayed()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    a->write("before\nclose\nafter\n");
    QTRY_VERIFY(a->isClosed());
    QVERIFY(sync({ b }));
    QCOMPARE(b->lines().mid(1), (QList<QByteArray> { "before"_ba, "close"_ba, "marker-1"_ba }));
}

void tst_SpreadServer::partialLineIsDeliveredOnHalfClose()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 60000;   // only the end of the stream can deliver it
    m_server->setSettings(settings);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    a->write("last words");
    a->halfClose();
    QTRY_VERIFY(b->hasLine("last words"));
    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.args(0).reason, u"closed by peer"_s);
    QTRY_VERIFY(a->isClosed());   // the server closed its side after the peer's end
}

void tst_SpreadServer::partialLineIsDeliveredOnDisconnect()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.flushDelayMs = 60000;
    m_server->setSettings(settings);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    a->write("goodbye");
    a->socket().disconnectFromHost();
    QTRY_VERIFY(b->hasLine("goodbye"));
    QTRY_COMPARE(m_server->clientCount(), 1);
}

void tst_SpreadServer::overlongMessageDropsTheSender()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.maxMessageBytes = 100;
    m_server->setSettings(settings);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    a->write("fine\n" + QByteArray(101, 'x') + "\nnot relayed\n");
    QTRY_VERIFY(a->isClosed());
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.args(0).reason, u"message too long"_s);
    QVERIFY(sync({ b }));
    QCOMPARE(b->lines().mid(1), (QList<QByteArray> { "fine"_ba, "marker-1"_ba }));

    // Without a line ending too: the limit holds for a line that never ends.
    TestPeer *c = connectPeer();
    c->write(QByteArray(150, 'y'));
    QTRY_VERIFY(c->isClosed());
    QCOMPARE(disconnected.count(), 2);
}

void tst_SpreadServer::fullServerRefusesWithOneLine()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.maxClients = 2;
    m_server->setSettings(settings);
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    auto *c = new TestPeer(port());
    m_peers.append(c);
    QTRY_VERIFY(c->isClosed());
    QCOMPARE(c->lines(), QList<QByteArray> { "server full"_ba });
    QCOMPARE(refused.count(), 1);
    QCOMPARE(refused.args(0).reason, u"server full"_s);
    QCOMPARE(disconnected.count(), 0);
    QCOMPARE(m_server->clientCount(), 2);

    // A place freed is a place taken.
    a->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), 1);
    TestPeer *d = connectPeer();
    QCOMPARE(d->lines().value(0), "欢迎来到Spread Site, 你是第2个客户端用户!"_ba);
    QVERIFY(sync({ b, d }));
}

void tst_SpreadServer::stalledReaderIsDroppedAsTooSlow()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.maxBacklogBytes = 256 * 1024;
    m_server->setSettings(settings);
    TestPeer *writer = connectPeer();
    TestPeer *reader = connectPeer();
    TestPeer *stalled = connectPeer();
    // Stop reading: Qt takes nothing more from the kernel, whose buffers fill up.
    stalled->socket().setReadBufferSize(1);
    stalled->socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());

    // 32 MiB in 1 KiB lines: far more than the kernel buffers plus the backlog limit.
    const QByteArray line = QByteArray(1023, 'z') + '\n';
    QByteArray chunk;
    for (int i = 0; i < 1024; ++i)
        chunk += line;
    for (int i = 0; i < 32; ++i)
        writer->write(chunk);
    QTRY_VERIFY_WITH_TIMEOUT(disconnected.count() == 1, 30000);
    QCOMPARE(disconnected.args(0).reason, u"too slow"_s);
    QTRY_COMPARE_WITH_TIMEOUT(reader->lines().size(), 1 + 32 * 1024, 30000);
    QVERIFY(m_server->hasClient(1));
    QVERIFY(m_server->hasClient(2));
    QVERIFY(!m_server->hasClient(3));
}

void tst_SpreadServer::sendToAllSendToAndDrop()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageSent> sent(m_server.get());
    QCOMPARE(m_server->sendToAll("to everyone"), 2);
    QTRY_VERIFY(a->hasLine("to everyone") && b->hasLine("to everyone"));
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.args(0).to, 0u);
    QCOMPARE(sent.args(0).receivers, 2);

    const SpreadServer::ClientId idB = m_server->clients().value(1);
    QCOMPARE(m_server->clientInfo(idB).port, b->socket().localPort());
    QVERIFY(m_server->sendTo(idB, "only b"));
    QTRY_VERIFY(b->hasLine("only b"));
    QVERIFY(sync({ a, b }));
    QVERIFY(!a->hasLine("only b"));
    QVERIFY(!m_server->sendTo(9999, "nobody"));

    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    const SpreadServer::ClientId idA = m_server->clients().value(0);
    QVERIFY(m_server->dropClient(idA, u"spamming"_s));
    QTRY_VERIFY(a->isClosed());
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(disconnected.args(0).id, idA);
    QCOMPARE(disconnected.args(0).reason, u"dropped by the server: spamming"_s);
    QVERIFY(!m_server->dropClient(idA));
}

void tst_SpreadServer::stopDeliversQueuedOutputThenCloses()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    QSignalSpy stopped(m_server.get(), &SpreadServer::stopped);
    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    QByteArray big(4 * 1024 * 1024 - 100, 'q');
    m_server->sendToAll(big);
    m_server->stop();
    QVERIFY(!m_server->isListening());
    QCOMPARE(disconnected.count(), 2);
    QTRY_VERIFY(a->isClosed() && b->isClosed());
    QTRY_COMPARE(stopped.count(), 1);
    QCOMPARE(a->lines().value(1), big);
    QCOMPARE(b->lines().value(1), big);

    // And it can listen again.
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    TestPeer *c = connectPeer();
    QCOMPARE(c->lines().value(0), "欢迎来到Spread Site, 你是第1个客户端用户!"_ba);
}

void tst_SpreadServer::listenFailsOnAPortInUse()
{
    SpreadServer second;
    QVERIFY(!second.listen(QHostAddress::LocalHost, port()));
    QVERIFY(!second.isListening());
    QVERIFY2(second.errorString().contains(u"in use"_s, Qt::CaseInsensitive), qPrintable(second.errorString()));
}

// A peer whose source address is @p from.
static TestPeer *peerFrom(const QString &from, quint16 port, QList<TestPeer *> &owned)
{
    owned.append(new TestPeer(port, QHostAddress(from)));
    return owned.last();
}

void tst_SpreadServer::onlyAllowedSubnetsAreAdmitted()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.allowed = { QHostAddress::parseSubnet(u"10.0.0.0/8"_s), QHostAddress::parseSubnet(u"127.0.0.2/32"_s) };
    m_server->setSettings(settings);
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());

    TestPeer *stranger = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QTRY_VERIFY(stranger->isClosed());
    QCOMPARE(stranger->lines(), QList<QByteArray> { "not allowed"_ba });
    QCOMPARE(refused.count(), 1);
    QCOMPARE(refused.args(0).address, QHostAddress(u"127.0.0.1"_s));
    QCOMPARE(refused.args(0).reason, u"not allowed"_s);

    TestPeer *member = peerFrom(u"127.0.0.2"_s, port(), m_peers);
    QVERIFY(member->waitReady());
    QCOMPARE(member->lines().value(0), "欢迎来到Spread Site, 你是第1个客户端用户!"_ba);
    QCOMPARE(m_server->clientCount(), 1);
}

void tst_SpreadServer::connectionsPerAddressAreCapped()
{
    SpreadServer::Settings settings = m_server->settings();
    settings.maxPerAddress = 2;
    m_server->setSettings(settings);
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());

    TestPeer *a1 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    TestPeer *a2 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QVERIFY(a1->waitReady() && a2->waitReady());
    TestPeer *a3 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QTRY_VERIFY(a3->isClosed());
    QCOMPARE(a3->lines(), QList<QByteArray> { "too many connections from 127.0.0.1"_ba });
    QCOMPARE(refused.count(), 1);

    // Another address has its own allowance.
    TestPeer *b1 = peerFrom(u"127.0.0.3"_s, port(), m_peers);
    QVERIFY(b1->waitReady());
    QCOMPARE(m_server->clientCount(), 3);

    // A place freed is a place taken.
    a1->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), 2);
    TestPeer *a4 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QVERIFY(a4->waitReady());
    QCOMPARE(refused.count(), 1);
}

// Without a limit nobody is counted by address; a limit set later (the window's
// settings) must count the clients already there, and forget them when it is lifted.
void tst_SpreadServer::aPerAddressLimitSetLaterCountsWhoIsThere()
{
    TypedSpy<ServerSignal::ClientRefused> refused(m_server.get());
    TestPeer *a1 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    TestPeer *a2 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QVERIFY(a1->waitReady() && a2->waitReady());

    SpreadServer::Settings settings = m_server->settings();
    settings.maxPerAddress = 2;
    m_server->setSettings(settings);
    TestPeer *a3 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QTRY_VERIFY(a3->isClosed());
    QCOMPARE(a3->lines(), QList<QByteArray> { "too many connections from 127.0.0.1"_ba });

    a1->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->clientCount(), 1);
    TestPeer *a4 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QVERIFY(a4->waitReady());

    settings.maxPerAddress = 0;
    m_server->setSettings(settings);
    TestPeer *a5 = peerFrom(u"127.0.0.1"_s, port(), m_peers);
    QVERIFY(a5->waitReady());
    QCOMPARE(m_server->clientCount(), 3);
    QCOMPARE(refused.count(), 1);
}

void tst_SpreadServer::peersOfBothAddressFamiliesAreTold()
{
    // A dual-stack listener: IPv4 peers arrive as ::ffff:a.b.c.d and are kept compactly,
    // IPv6 peers keep their whole address.
    SpreadServer server;
    if (!server.listen(QHostAddress::Any, 0))
        QSKIP("no dual-stack listener on this machine");
    QTcpSocket v4;
    QTcpSocket v6;
    v4.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(v4.waitForConnected(5000));
    QTRY_COMPARE(server.clientCount(), 1);
    v6.connectToHost(QHostAddress::LocalHostIPv6, server.serverPort());
    if (!v6.waitForConnected(5000))
        QSKIP("no IPv6 loopback on this machine");
    QTRY_COMPARE(server.clientCount(), 2);

    const QList<SpreadServer::ClientId> ids = server.clients();
    const SpreadServer::ClientInfo first = server.clientInfo(ids.value(0));
    const SpreadServer::ClientInfo second = server.clientInfo(ids.value(1));
    QCOMPARE(first.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(first.port, v4.localPort());
    QCOMPARE(second.address, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(second.port, v6.localPort());

    // The IPv6 peer relays like any other, and its address is still known as it leaves.
    QList<QHostAddress> leaving;
    connect(&server, &SpreadServer::clientDisconnected, &server,
            [&](SpreadServer::ClientId id) { leaving.append(server.clientInfo(id).address); });
    v6.write("from six\n");
    QByteArray got;
    QTRY_VERIFY((got += v4.readAll()).contains("from six\n"));
    v6.disconnectFromHost();
    QTRY_COMPARE(leaving.size(), 1);
    QCOMPARE(leaving.first(), QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(server.clientCount(), 1);
}

void tst_SpreadServer::manySessionsStayFindableAsOthersLeave()
{
    // Enough sessions to grow the id index several times, then every third one
    // leaves: each remaining client must still be found under its own id.
    m_server->setWelcome(QString());
    constexpr int Count = 300;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < Count; ++i) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QHostAddress::LocalHost, port());
    }
    QTRY_COMPARE(m_server->clientCount(), Count);
    QHash<quint16, QTcpSocket *> byPort;
    for (const auto &socket : sockets)
        byPort.insert(socket->localPort(), socket.get());

    TypedSpy<ServerSignal::ClientDisconnected> disconnected(m_server.get());
    const QList<SpreadServer::ClientId> ids = m_server->clients();
    QCOMPARE(ids.size(), Count);
    int leaving = 0;
    for (int i = 0; i < Count; i += 3, ++leaving)
        byPort.take(m_server->clientInfo(ids.at(i)).port)->disconnectFromHost();
    QTRY_COMPARE(disconnected.count(), leaving);
    QCOMPARE(m_server->clientCount(), Count - leaving);

    const QList<SpreadServer::ClientId> left = m_server->clients();
    QCOMPARE(left.size(), Count - leaving);
    for (int i = 0; i < Count; i += 3)
        QVERIFY(!m_server->hasClient(ids.at(i)));
    for (SpreadServer::ClientId id : left) {
        QVERIFY(m_server->hasClient(id));
        QVERIFY2(byPort.contains(m_server->clientInfo(id).port), qPrintable(QString::number(id)));
        QVERIFY(m_server->sendTo(id, "to "_ba + QByteArray::number(id)));
    }
    for (SpreadServer::ClientId id : left) {
        QTcpSocket *socket = byPort.value(m_server->clientInfo(id).port);
        const QByteArray expected = "to "_ba + QByteArray::number(id) + '\n';
        QTRY_VERIFY(socket->bytesAvailable() >= expected.size());
        QCOMPARE(socket->readAll(), expected);
    }
}

void tst_SpreadServer::welcomeLineReplacesEveryCount_data()
{
    QTest::addColumn<QString>("welcome");
    QTest::newRow("the seed's") << SpreadServer::defaultWelcome();
    QTest::newRow("twice") << u"you are %1 of %1"_s;
    QTest::newRow("at the ends") << u"%1 x %1"_s;
    QTest::newRow("no count") << u"hello"_s;
    QTest::newRow("percent before") << u"100%% %%1 %2 %10"_s;
    QTest::newRow("empty") << QString();
}

// The welcome is split once, not formatted per connection: the same text as QString::replace().
void tst_SpreadServer::welcomeLineReplacesEveryCount()
{
    QFETCH(QString, welcome);
    SpreadServer server;
    server.setWelcome(welcome);
    for (int count : { 1, 42, 10000 }) {
        QString expected = welcome;
        expected.replace(u"%1"_s, QString::number(count));
        QCOMPARE(server.welcomeLine(count), welcome.isEmpty() ? QByteArray() : expected.toUtf8() + '\n');
    }
}

QTEST_GUILESS_MAIN(tst_SpreadServer)
#include "tst_spreadserver.moc"
