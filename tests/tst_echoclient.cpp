// SPDX-License-Identifier: MIT
#include "core/echoclient.h"
#include "core/spreadserver.h"

#include "signalargs.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

// A raw server that records every byte each connection sends.
class RawServer : public QTcpServer
{
public:
    RawServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                m_sockets.append(s);
                m_received.append(QByteArray());
                const qsizetype index = m_received.size() - 1;
                connect(s, &QTcpSocket::readyRead, this, [this, s, index] { m_received[index] += s->readAll(); });
            }
        });
    }
    QList<QTcpSocket *> m_sockets;
    QList<QByteArray> m_received;
};

// A port that nobody listens on right now.
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();   // closed again when probe goes away
}

// A listening socket whose accept queue is full: new SYNs go unanswered,
// which is how an unreachable host looks, on loopback.
class BlackHole
{
public:
    BlackHole()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        ::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), len);
        ::listen(m_listener, 0);
        ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        // Fill the queue; these complete, later ones wait for a SYN-ACK that never comes.
        for (int i = 0; i < 3; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            ::connect(fd, reinterpret_cast<sockaddr *>(&addr), len);
            m_fillers.append(fd);
        }
    }
    ~BlackHole()
    {
        for (int fd : std::as_const(m_fillers))
            ::close(fd);
        ::close(m_listener);
    }
    quint16 port() const { return m_port; }

private:
    int m_listener = -1;
    quint16 m_port = 0;
    QList<int> m_fillers;
};

} // namespace

class tst_EchoClient : public QObject
{
    Q_OBJECT

private slots:
    void connectsAndReceivesTheWelcome();
    void refusedConnectionFailsWithReason();
    void unknownHostFailsWithReason();
    void unreachableHostTimesOut();
    void cancelWhileConnecting();
    void lossIsReportedWithReason();
    void userDisconnectDeliversWhatIsQueued();
    void lineEndings_data();
    void lineEndings();
    void periodicSendUsesTheTemplate();
    void periodicCanBeSwitchedOff();
    void unterminatedReplyIsShownAfterQuiet();
    void reconnectBacksOffThenSucceeds();
    void reconnectAfterLossStartsOverAtTheFirstDelay();
    void sendFailsWhenNotConnected();
    void messagesAreNotHeldBackByNagle();
};

void tst_EchoClient::messagesAreNotHeldBackByNagle()
{
    // A relay sends a client nothing back for its messages: with Nagle's algorithm, each small
    // message would wait for the delayed ACK of the one before (a replay's gaps were 6 ms off).
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    QSignalSpy connected(&client, &EchoClient::connected);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(connected.count(), 1);
    QVERIFY(client.sendsAtOnce());
}

void tst_EchoClient::connectsAndReceivesTheWelcome()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    TypedSpy<ClientSignal::StateChanged> states(&client);
    QSignalSpy connecting(&client, &EchoClient::connecting);
    QSignalSpy connected(&client, &EchoClient::connected);
    TypedSpy<ClientSignal::MessageReceived> received(&client);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QCOMPARE(connecting.count(), 1);
    QCOMPARE(client.state(), EchoClient::State::Connecting);
    QTRY_COMPARE(connected.count(), 1);
    QCOMPARE(client.state(), EchoClient::State::Connected);
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(received.args(0).message, "欢迎来到Spread Site, 你是第1个客户端用户!"_ba);
    QCOMPARE(states.args(0).state, EchoClient::State::Connecting);
    QCOMPARE(states.args(1).state, EchoClient::State::Connected);
}

void tst_EchoClient::refusedConnectionFailsWithReason()
{
    EchoClient client;
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    client.connectToServer(u"127.0.0.1"_s, closedPort());
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.args(0).reason, u"connection refused"_s);
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
    QCOMPARE(client.lastReason(), u"connection refused"_s);
}

void tst_EchoClient::unknownHostFailsWithReason()
{
    // Not a valid host name at all: fails without asking any name server.
    EchoClient client;
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    client.connectToServer(u"no such host"_s, 8007);
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.args(0).reason, u"host not found: no such host"_s);
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
}

void tst_EchoClient::unreachableHostTimesOut()
{
    BlackHole hole;
    EchoClient client;
    client.setConnectTimeout(300);
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    client.connectToServer(u"127.0.0.1"_s, hole.port());
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.args(0).reason, u"connection timed out"_s);
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
}

void tst_EchoClient::cancelWhileConnecting()
{
    BlackHole hole;
    EchoClient client;
    client.setAutoReconnect(true);
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    TypedSpy<ClientSignal::ReconnectScheduled> scheduled(&client);
    client.connectToServer(u"127.0.0.1"_s, hole.port());
    QCOMPARE(client.state(), EchoClient::State::Connecting);
    client.disconnectFromServer();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.args(0).reason, u"cancelled"_s);
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
    QCOMPARE(scheduled.count(), 0);   // a cancel is not a failure to retry
}

void tst_EchoClient::lossIsReportedWithReason()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    TypedSpy<ClientSignal::ConnectionLost> lost(&client);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(server.clientCount(), 1);
    QTRY_COMPARE(client.state(), EchoClient::State::Connected);
    server.dropClient(server.clients().first(), u"test"_s);
    QTRY_COMPARE(lost.count(), 1);
    QCOMPARE(lost.args(0).reason, u"connection closed by the server"_s);
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
}

void tst_EchoClient::userDisconnectDeliversWhatIsQueued()
{
    RawServer raw;
    QVERIFY(raw.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    client.setPeriodicEnabled(false);
    TypedSpy<ClientSignal::ConnectionLost> lost(&client);
    client.connectToServer(u"127.0.0.1"_s, raw.serverPort());
    QTRY_COMPARE(client.state(), EchoClient::State::Connected);
    const QByteArray big(8 * 1024 * 1024, 'b');
    QVERIFY(client.send(big));
    client.disconnectFromServer();
    QCOMPARE(client.state(), EchoClient::State::Closing);
    QTRY_COMPARE(lost.count(), 1);
    QCOMPARE(lost.args(0).reason, u"closed by the client"_s);
    QTRY_COMPARE(raw.m_received.value(0).size(), big.size() + 1);
}

void tst_EchoClient::lineEndings_data()
{
    QTest::addColumn<EchoClient::LineEnding>("ending");
    QTest::addColumn<QByteArray>("wire");
    QTest::addRow("lf") << EchoClient::LineEnding::Lf << "one\ntwo\n"_ba;
    QTest::addRow("crlf") << EchoClient::LineEnding::CrLf << "one\r\ntwo\r\n"_ba;
    QTest::addRow("none") << EchoClient::LineEnding::None << "onetwo"_ba;
}

void tst_EchoClient::lineEndings()
{
    QFETCH(EchoClient::LineEnding, ending);
    QFETCH(QByteArray, wire);
    RawServer raw;
    QVERIFY(raw.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    client.setPeriodicEnabled(false);
    client.setLineEnding(ending);
    client.connectToServer(u"127.0.0.1"_s, raw.serverPort());
    QTRY_COMPARE(client.state(), EchoClient::State::Connected);
    QVERIFY(client.send("one"));
    QVERIFY(client.send("two"));
    QTRY_COMPARE(raw.m_received.value(0), wire);
}

void tst_EchoClient::periodicSendUsesTheTemplate()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TypedSpy<ServerSignal::MessageReceived> arrived(&server);
    EchoClient client;
    client.setProgramName(u"tester"_s);
    client.setInterval(30);
    TypedSpy<ClientSignal::MessageSent> sent(&client);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_VERIFY(arrived.count() >= 3);
    QVERIFY(client.periodicSent() >= 3);
    const QByteArray first = arrived.args(0).message;
    QVERIFY2(first.startsWith("hello, I'm tester 20"), first.constData());
    // "%2" became the current date and time.
    const QDateTime stamp = QDateTime::fromString(QString::fromUtf8(first.mid(18)), u"yyyy-MM-dd HH:mm:ss.zzz"_s);
    QVERIFY2(stamp.isValid(), first.constData());
    QVERIFY(qAbs(stamp.secsTo(QDateTime::currentDateTime())) < 60);
    QVERIFY(sent.args(0).periodic);   // marked as periodic
}

void tst_EchoClient::periodicCanBeSwitchedOff()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TypedSpy<ServerSignal::MessageReceived> arrived(&server);
    EchoClient client;
    client.setInterval(20);
    client.setMessageTemplate(u"tick"_s);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_VERIFY(arrived.count() >= 2);
    client.setPeriodicEnabled(false);
    const int sentSoFar = client.periodicSent();
    // Nothing more after the switch: a marker sent now must be the next to arrive.
    QVERIFY(client.send("marker"));
    QTRY_COMPARE(arrived.lastArgs().message, "marker"_ba);
    QCOMPARE(arrived.count(), sentSoFar + 1);
    QCOMPARE(client.periodicSent(), sentSoFar);
}

void tst_EchoClient::unterminatedReplyIsShownAfterQuiet()
{
    // The seed's server relays "close" with no line ending.
    RawServer raw;
    QVERIFY(raw.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    client.setPeriodicEnabled(false);
    client.setFlushDelay(50);
    TypedSpy<ClientSignal::MessageReceived> received(&client);
    client.connectToServer(u"127.0.0.1"_s, raw.serverPort());
    QTRY_COMPARE(raw.m_sockets.size(), 1);
    raw.m_sockets.first()->write("line\nclose");
    QTRY_COMPARE(received.count(), 2);
    QCOMPARE(received.args(0).message, "line"_ba);
    QCOMPARE(received.args(1).message, "close"_ba);
}

void tst_EchoClient::reconnectBacksOffThenSucceeds()
{
    const quint16 port = closedPort();
    EchoClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(20, 80);
    TypedSpy<ClientSignal::ReconnectScheduled> scheduled(&client);
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    QSignalSpy connected(&client, &EchoClient::connected);
    client.connectToServer(u"127.0.0.1"_s, port);
    QTRY_VERIFY(scheduled.count() >= 4);
    QCOMPARE(client.state() == EchoClient::State::WaitingToReconnect || client.state() == EchoClient::State::Connecting, true);
    QCOMPARE(scheduled.args(0).delayMs, 20);
    QCOMPARE(scheduled.args(1).delayMs, 40);
    QCOMPARE(scheduled.args(2).delayMs, 80);
    QCOMPARE(scheduled.args(3).delayMs, 80);   // capped
    QVERIFY(failed.count() >= 4);

    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QTRY_COMPARE(connected.count(), 1);
    QCOMPARE(client.state(), EchoClient::State::Connected);
}

void tst_EchoClient::reconnectAfterLossStartsOverAtTheFirstDelay()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    EchoClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(20, 1000);
    client.setPeriodicEnabled(false);
    TypedSpy<ClientSignal::ReconnectScheduled> scheduled(&client);
    QSignalSpy connected(&client, &EchoClient::connected);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(connected.count(), 1);
    QTRY_COMPARE(server.clientCount(), 1);
    server.dropClient(server.clients().first());
    QTRY_COMPARE(connected.count(), 2);   // back after the loss
    QCOMPARE(scheduled.count(), 1);
    QCOMPARE(scheduled.args(0).delayMs, 20);
    QTRY_COMPARE(server.clientCount(), 1);
    server.dropClient(server.clients().first());
    QTRY_COMPARE(connected.count(), 3);
    QCOMPARE(scheduled.args(1).delayMs, 20);   // the success reset the backoff
}

void tst_EchoClient::sendFailsWhenNotConnected()
{
    EchoClient client;
    QVERIFY(!client.send("nobody listens"));
    QCOMPARE(client.state(), EchoClient::State::Unconnected);
}

QTEST_GUILESS_MAIN(tst_EchoClient)
#include "tst_echoclient.moc"
