// SPDX-License-Identifier: MIT
#include "core/echoclient.h"
#include "core/spreadserver.h"
#include "core/tlsfiles.h"

#include "signalargs.h"
#include "testcerts.h"
#include "testpeer.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

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
    QVERIFY(m_certs.makeCa(u"ca"_s));
    QVERIFY(m_certs.makeSigned(u"server"_s, u"ca"_s, u"localhost"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s));
    QVERIFY(m_certs.makeSigned(u"device"_s, u"ca"_s, u"device-1"_s, u"extendedKeyUsage=clientAuth"_s));
    QVERIFY(m_certs.makeCa(u"other-ca"_s));
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
    QVERIFY2(refused.args(0).reason.startsWith(u"TLS handshake failed"_s),
             qPrintable(refused.args(0).reason));
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

QTEST_GUILESS_MAIN(tst_Tls)
#include "tst_tls.moc"
