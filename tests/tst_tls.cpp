// SPDX-License-Identifier: MIT
#include "core/echoclient.h"
#include "core/spreadserver.h"
#include "core/tlsfiles.h"

#include "signalargs.h"
#include "testcerts.h"
#include "testpeer.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {
// A TLS client as a test drives it: every line it gets, and reading that can be stopped.
class TlsPeer : public QObject
{
public:
    TlsPeer(quint16 port, const QSslConfiguration &configuration)
    {
        m_socket.setSslConfiguration(configuration);
        connect(&m_socket, &QSslSocket::readyRead, this, [this] {
            m_framer.feed(m_socket.readAll(), [this](QByteArrayView line) {
                m_lines.append(line.toByteArray());
                return true;
            });
        });
        connect(&m_socket, &QSslSocket::disconnected, this, [this] { m_closed = true; });
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port, u"localhost"_s);
    }

    QSslSocket &socket() { return m_socket; }
    const QList<QByteArray> &lines() const { return m_lines; }
    bool isClosed() const { return m_closed; }
    bool waitReady(int lines = 1)
    {
        return QTest::qWaitFor([&] { return m_socket.isEncrypted() && m_lines.size() >= lines; }, 5000);
    }

private:
    QSslSocket m_socket;
    LineFramer m_framer { 64 * 1024 * 1024 };
    QList<QByteArray> m_lines;
    bool m_closed = false;
};
} // namespace

/*
 * TLS and mutual TLS over real sockets. Every certificate is made here, at
 * run time, with Debian's openssl: a test CA, a server certificate for
 * 127.0.0.1 signed by it, a client certificate signed by it, and a second,
 * unrelated CA with its own server certificate.
 */
class tst_Tls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void relayOverTls();
    void clientRefusesAnUntrustedServer();
    void plainClientIsRefused();
    void mutualTlsNeedsAClientCertificate();
    void mutualTlsAdmitsASignedClient();
    void badFilesAreClearErrors();
    void largeAndManyMessagesKeepTheirOrder();
    void aTlsClientThatNeverReadsIsDroppedAsTooSlow();
    void aReturningClientResumesWithATicket();
    void clientCertificateFailuresAreNamed();
    void aSilentConnectionHoldsNoTlsState();
    void aClientOutsideTheAllowListCostsNoHandshake();
    void stalledHandshakesMakeWayForWaitingClients();

private:
    QString path(const QString &file) const { return m_dir.filePath(file); }
    QSslConfiguration serverConfig(const QString &ca = QString());
    QSslConfiguration clientConfig(const QString &ca, const QString &cert = QString());
    void startServer(SpreadServer &server, const QSslConfiguration &config);

    QTemporaryDir m_dir;
    TestCertificates m_certs { m_dir.path() };
};

void tst_Tls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend on this machine");
    if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
        QSKIP("openssl is not installed (Debian package openssl): cannot make test certificates");
    QVERIFY(m_dir.isValid());
    QVERIFY(m_certs.makeServerSet());
    QVERIFY(m_certs.makeSigned(u"impostor"_s, u"other-ca"_s, u"localhost"_s, u"subjectAltName=IP:127.0.0.1"_s));
}

QSslConfiguration tst_Tls::serverConfig(const QString &ca)
{
    QString error;
    const auto config = TlsFiles::serverConfiguration(path(u"server.pem"_s), path(u"server.key"_s),
                                                      ca.isEmpty() ? QString() : path(ca + u".pem"_s), &error);
    if (!config)
        qWarning() << error;
    return config.value_or(QSslConfiguration());
}

QSslConfiguration tst_Tls::clientConfig(const QString &ca, const QString &cert)
{
    QString error;
    const auto config = TlsFiles::clientConfiguration(path(ca + u".pem"_s), cert.isEmpty() ? QString() : path(cert + u".pem"_s),
                                                      cert.isEmpty() ? QString() : path(cert + u".key"_s), &error);
    if (!config)
        qWarning() << error;
    return config.value_or(QSslConfiguration());
}

void tst_Tls::startServer(SpreadServer &server, const QSslConfiguration &config)
{
    SpreadServer::Settings settings;
    settings.tlsHandshakeTimeoutMs = 500;
    server.setSettings(settings);
    server.setTlsConfiguration(config);
    QVERIFY(server.isTlsEnabled());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
}

void tst_Tls::relayOverTls()
{
    SpreadServer server;
    startServer(server, serverConfig());
    EchoClient a;
    EchoClient b;
    for (EchoClient *c : { &a, &b }) {
        c->setPeriodicEnabled(false);
        c->setTlsEnabled(true);
        c->setTlsConfiguration(clientConfig(u"ca"_s));
    }
    TypedSpy<ClientSignal::MessageReceived> receivedA(&a);
    TypedSpy<ClientSignal::MessageReceived> receivedB(&b);
    a.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(receivedA.count(), 1);
    b.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(receivedB.count(), 1);
    QCOMPARE(receivedB.args(0).message, "欢迎来到Spread Site, 你是第2个客户端用户!"_ba);
    QVERIFY(a.peerCertificateSummary().startsWith(u"localhost, SHA-256 "_s));
    QCOMPARE(a.peerCertificateSummary().size(), u"localhost, SHA-256 "_s.size() + 32 * 3 - 1);
    QVERIFY(server.clientInfo(server.clients().first()).encrypted);

    QVERIFY(a.send("secret hello"));
    QTRY_COMPARE(receivedB.count(), 2);
    QCOMPARE(receivedB.args(1).message, "secret hello"_ba);
    QVERIFY(b.send("close"));
    QTRY_COMPARE(receivedA.count(), 2);
    QCOMPARE(receivedA.args(1).message, "close"_ba);
    QTRY_COMPARE(b.state(), EchoClient::State::Unconnected);
    QTRY_COMPARE(server.clientCount(), 1);
}

void tst_Tls::clientRefusesAnUntrustedServer()
{
    SpreadServer server;
    QString error;
    const auto impostor = TlsFiles::serverConfiguration(path(u"impostor.pem"_s), path(u"impostor.key"_s), {}, &error);
    QVERIFY2(impostor, qPrintable(error));
    startServer(server, *impostor);
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    EchoClient client;
    client.setTlsEnabled(true);
    client.setTlsConfiguration(clientConfig(u"ca"_s));
    TypedSpy<ClientSignal::ConnectionFailed> failed(&client);
    QSignalSpy connected(&client, &EchoClient::connected);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(failed.args(0).reason.startsWith(u"certificate refused: "_s), qPrintable(failed.args(0).reason));
    QCOMPARE(connected.count(), 0);
    QTRY_COMPARE(refused.count(), 1);   // and the server saw the handshake fail
    QCOMPARE(server.clientCount(), 0);
}

void tst_Tls::plainClientIsRefused()
{
    SpreadServer server;
    startServer(server, serverConfig());
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    TestPeer plain(server.serverPort());
    plain.write("hello in clear text\n");
    QTRY_VERIFY(plain.isClosed());
    QVERIFY(plain.lines().isEmpty());   // no welcome, nothing in clear
    QTRY_COMPARE(refused.count(), 1);
    QCOMPARE(refused.args(0).reason, u"TLS handshake failed: clear text, not TLS"_s);
    QCOMPARE(refused.args(0).address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(server.clientCount(), 0);
}

void tst_Tls::mutualTlsNeedsAClientCertificate()
{
    SpreadServer server;
    startServer(server, serverConfig(u"ca"_s));
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    EchoClient client;
    client.setPeriodicEnabled(false);
    client.setTlsEnabled(true);
    client.setTlsConfiguration(clientConfig(u"ca"_s));   // trusts the server, has no certificate
    QSignalSpy received(&client, &EchoClient::messageReceived);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(refused.count(), 1);
    QTRY_COMPARE(client.state(), EchoClient::State::Unconnected);
    QCOMPARE(received.count(), 0);
    QCOMPARE(server.clientCount(), 0);
}

void tst_Tls::mutualTlsAdmitsASignedClient()
{
    SpreadServer server;
    startServer(server, serverConfig(u"ca"_s));
    EchoClient client;
    client.setPeriodicEnabled(false);
    client.setTlsEnabled(true);
    client.setTlsConfiguration(clientConfig(u"ca"_s, u"device"_s));
    QSignalSpy received(&client, &EchoClient::messageReceived);
    client.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(server.clientCount(), 1);
}

void tst_Tls::badFilesAreClearErrors()
{
    QString error;
    QVERIFY(!TlsFiles::serverConfiguration(path(u"missing.pem"_s), path(u"server.key"_s), {}, &error));
    QVERIFY2(error.startsWith(u"cannot read "_s), qPrintable(error));
    QVERIFY(!TlsFiles::serverConfiguration(path(u"server.key"_s), path(u"server.key"_s), {}, &error));
    QVERIFY2(error.startsWith(u"no PEM certificate in "_s), qPrintable(error));
    QVERIFY(!TlsFiles::serverConfiguration(path(u"server.pem"_s), path(u"server.pem"_s), {}, &error));
    QVERIFY2(error.startsWith(u"no unencrypted PEM private key in "_s), qPrintable(error));
    QVERIFY(!TlsFiles::clientConfiguration({}, path(u"device.pem"_s), {}, &error));
    QVERIFY(error.contains(u"both"_s));
}

// Records of 16 KB and more, partial writes and gathered ranges: every byte arrives, in order.
void tst_Tls::largeAndManyMessagesKeepTheirOrder()
{
    SpreadServer server;
    startServer(server, serverConfig());
    TlsPeer sender(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(sender.waitReady());
    TlsPeer receiver(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(receiver.waitReady());
    QByteArray expected;
    QList<QByteArray> sent;
    for (int i = 0; i < 2000; ++i) {
        // Mostly short lines, and every hundredth one of 40,000 bytes: more than two records.
        QByteArray line = QByteArray::number(i) + ' ' + QByteArray(i % 100 == 7 ? 40000 : 20 + i % 50, char('a' + i % 26));
        sent.append(line);
        expected += line + '\n';
    }
    for (qsizetype at = 0; at < expected.size(); at += 4096)   // arbitrary pieces, not lines
        sender.socket().write(expected.mid(at, 4096));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.lines().size(), 1 + int(sent.size()), 20000);
    QCOMPARE(receiver.lines().mid(1), sent);
    QVERIFY(!sender.isClosed() && !receiver.isClosed());
    const SpreadServer::ClientInfo info = server.clientInfo(server.clients().first());
    QCOMPARE(info.bytesIn, quint64(expected.size()));
    QVERIFY(info.encrypted);
}

// The backlog limit counts what a TLS receiver still owes, as for plain TCP.
void tst_Tls::aTlsClientThatNeverReadsIsDroppedAsTooSlow()
{
    SpreadServer server;
    SpreadServer::Settings settings;
    settings.tlsHandshakeTimeoutMs = 5000;
    settings.maxBacklogBytes = 256 * 1024;
    server.setSettings(settings);
    server.setTlsConfiguration(serverConfig());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TypedSpy<ServerSignal::ClientDisconnected> gone(&server);
    TlsPeer stalled(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(stalled.waitReady());
    stalled.socket().setReadBufferSize(1);   // from now on it takes almost nothing
    TlsPeer sender(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(sender.waitReady());
    TlsPeer reader(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(reader.waitReady());
    const QByteArray line = QByteArray(1000, 'x') + '\n';
    int lines = 0;
    QVERIFY(QTest::qWaitFor([&] {
        for (int i = 0; i < 50; ++i, ++lines)
            sender.socket().write(line);
        return gone.count() > 0 || lines > 20000;
    }, 20000));
    QTRY_COMPARE(gone.count(), 1);
    QCOMPARE(gone.args(0).reason, u"too slow"_s);
    QCOMPARE(server.clientCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(reader.lines().size(), 1 + lines, 20000);   // the others lost nothing
}

// Session tickets: a client that comes back with its ticket has a short handshake.
void tst_Tls::aReturningClientResumesWithATicket()
{
    SpreadServer server;
    startServer(server, serverConfig());
    const QString session = path(u"client.session"_s);
    const auto connectOnce = [&](bool resume) {
        QProcess client;
        QStringList arguments { u"s_client"_s, u"-connect"_s, u"127.0.0.1:%1"_s.arg(server.serverPort()),
                                u"-CAfile"_s, path(u"ca.pem"_s), u"-servername"_s, u"localhost"_s, u"-ign_eof"_s };
        arguments << (resume ? u"-sess_in"_s : u"-sess_out"_s) << session;
        client.start(u"openssl"_s, arguments);
        if (!client.waitForStarted())
            return QByteArray();
        client.write("close\n");   // the server's rule ends the session, after the ticket went out
        client.closeWriteChannel();
        if (!QTest::qWaitFor([&] { return client.state() == QProcess::NotRunning; }, 10000))
            client.kill();
        return client.readAllStandardOutput();
    };
    const QByteArray first = connectOnce(false);
    QVERIFY2(first.contains("New, TLSv1.3"), first.constData());
    QVERIFY(QFile::exists(session));
    const QByteArray second = connectOnce(true);
    QVERIFY2(second.contains("Reused, TLSv1.3"), second.constData());
    QVERIFY(second.contains("Spread Site"));   // and the resumed session is a client like any other
}

void tst_Tls::clientCertificateFailuresAreNamed()
{
    SpreadServer server;
    startServer(server, serverConfig(u"ca"_s));
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    EchoClient none;
    none.setPeriodicEnabled(false);
    none.setTlsEnabled(true);
    none.setTlsConfiguration(clientConfig(u"ca"_s));
    none.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(refused.count(), 1);
    QCOMPARE(refused.args(0).reason, u"TLS handshake failed: no client certificate"_s);

    // Signed by a CA the server does not trust (its own server certificate will do as a client's).
    EchoClient stranger;
    stranger.setPeriodicEnabled(false);
    stranger.setTlsEnabled(true);
    stranger.setTlsConfiguration(clientConfig(u"ca"_s, u"impostor"_s));
    stranger.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(refused.count(), 2);
    QVERIFY2(refused.args(1).reason.startsWith(u"TLS handshake failed: client certificate refused: "_s),
             qPrintable(refused.args(1).reason));
    QCOMPARE(server.clientCount(), 0);
    QCOMPARE(server.memoryStats().tlsStates, 0);
    QCOMPARE(server.memoryStats().handshaking, 0);
}

// A connection that has not sent a byte is a plain record; its first byte makes the TLS state.
void tst_Tls::aSilentConnectionHoldsNoTlsState()
{
    SpreadServer server;
    startServer(server, serverConfig());
    TestPeer silent(server.serverPort());
    TlsPeer client(server.serverPort(), clientConfig(u"ca"_s));
    QVERIFY(client.waitReady());
    QVERIFY(silent.isConnected());
    QCOMPARE(server.clientCount(), 1);
    QCOMPARE(server.memoryStats().tlsStates, 1);   // the client's, not the silent one's
    QCOMPARE(server.memoryStats().handshaking, 0);
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    QTRY_COMPARE(refused.count(), 1);   // the deadline (500 ms here)
    QCOMPARE(refused.args(0).reason, u"TLS handshake failed: no handshake within 500 ms"_s);
    QTRY_VERIFY(silent.isClosed());
    QCOMPARE(server.clientCount(), 1);
}

void tst_Tls::aClientOutsideTheAllowListCostsNoHandshake()
{
    SpreadServer server;
    SpreadServer::Settings settings;
    settings.tlsHandshakeTimeoutMs = 5000;
    settings.allowed = { QHostAddress::parseSubnet(u"127.0.0.2/32"_s) };
    server.setSettings(settings);
    server.setTlsConfiguration(serverConfig());
    QVERIFY(server.listen(QHostAddress::Any, 0));
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    EchoClient stranger;   // from 127.0.0.1
    stranger.setPeriodicEnabled(false);
    stranger.setTlsEnabled(true);
    stranger.setTlsConfiguration(clientConfig(u"ca"_s));
    TypedSpy<ClientSignal::ConnectionFailed> failed(&stranger);
    stranger.connectToServer(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(refused.count(), 1);
    QCOMPARE(refused.args(0).reason, u"not allowed"_s);   // at accept, not "TLS handshake failed: ..."
    QCOMPARE(refused.args(0).address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(server.memoryStats().handshaking, 0);
    QCOMPARE(server.memoryStats().tlsStates, 0);
    QTRY_COMPARE(failed.count(), 1);   // it sees the connection end during its handshake
    QCOMPARE(server.clientCount(), 0);

    // From an allowed address: welcomed as usual.
    QSslSocket device;
    device.setSslConfiguration(clientConfig(u"ca"_s));
    QVERIFY(device.bind(QHostAddress(u"127.0.0.2"_s)));
    device.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort(), u"localhost"_s);
    QTRY_VERIFY(device.canReadLine());
    QVERIFY(device.readLine().startsWith("欢迎来到Spread Site"));
    QCOMPARE(server.clientCount(), 1);
    QCOMPARE(refused.count(), 1);
}

// Two peers start a handshake and stall, holding both places: a device that
// comes next is not kept out until their deadline.
void tst_Tls::stalledHandshakesMakeWayForWaitingClients()
{
    SpreadServer server;
    SpreadServer::Settings settings;
    settings.tlsHandshakeTimeoutMs = 9000;
    settings.maxHandshakes = 2;
    server.setSettings(settings);
    server.setTlsConfiguration(serverConfig());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TypedSpy<ServerSignal::ClientRefused> refused(&server);
    // A handshake record that announces 512 bytes and brings 10.
    TestPeer stallA(server.serverPort());
    TestPeer stallB(server.serverPort());
    for (TestPeer *peer : { &stallA, &stallB })
        peer->write(QByteArray("\x16\x03\x01\x02\x00", 5) + QByteArray(10, '\x01'));
    QTRY_COMPARE(server.memoryStats().handshaking, 2);
    EchoClient device;
    device.setPeriodicEnabled(false);
    device.setTlsEnabled(true);
    device.setTlsConfiguration(clientConfig(u"ca"_s));
    QSignalSpy received(&device, &EchoClient::messageReceived);
    QElapsedTimer waited;
    waited.start();
    device.connectToServer(u"127.0.0.1"_s, server.serverPort());
    // Well before the stalled ones' 9 s deadline.
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 7000);
    QVERIFY(waited.elapsed() < 8000);
    QTRY_COMPARE(refused.count(), 2);
    for (const ServerSignal::ClientRefused &r : refused.allArgs())
        QCOMPARE(r.reason, u"TLS handshake failed: stalled for 3000 ms while others waited"_s);
    QTRY_VERIFY(stallA.isClosed() && stallB.isClosed());
    QCOMPARE(server.clientCount(), 1);
}

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
