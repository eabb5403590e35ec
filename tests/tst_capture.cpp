// SPDX-License-Identifier: MIT
#include "capture/capture.h"
#include "core/spreadserver.h"

#include "core/tlsfiles.h"
#include "testcerts.h"
#include "testpeer.h"
#include "testprocess.h"
#include "tshark.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace EndToEnd;

using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray tshark(const QStringList &arguments, int *exitCode = nullptr)
{
    return Tshark::run(arguments, exitCode);
}
using Follow = Tshark::Stream;
using Tshark::follow;

} // namespace

/** Captures of a real server read back by tshark, Wireshark's reader (issue 16). */
class tst_Capture : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void streamsFollowExactly_data();
    void streamsFollowExactly();
    void manyBatchesFollowExactly_data();
    void manyBatchesFollowExactly();
    void tlsClientsAreCapturedInPlaintext();
    void clientsConnectedBeforeTheCaptureAreInIt();
    void resetsAndClosesShowWhoEnded();
    void commentsNameTheClientAndTheReason();
    void sizeLimitStopsAndLeavesAValidFile();
    void unwritableFileIsRefusedAtStart();
    void fullFileStopsTheCaptureNotTheServer();

private:
    TestPeer *connectPeer();
    bool sync(const QList<TestPeer *> &peers);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::unique_ptr<Capture> m_capture;   // before the server: it outlives the server's last session
    std::unique_ptr<SpreadServer> m_server;
    QList<TestPeer *> m_peers;
    int m_marker = 0;
};

void tst_Capture::initTestCase()
{
    if (!Tshark::available())
        QSKIP("tshark is not installed (apt-get install tshark)");
    QVERIFY(m_dir.isValid());
}

void tst_Capture::init()
{
    m_marker = 0;
    m_capture = std::make_unique<Capture>();
    m_server = std::make_unique<SpreadServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
}

void tst_Capture::cleanup()
{
    qDeleteAll(std::exchange(m_peers, {}));
    m_server.reset();
    m_capture.reset();
}

TestPeer *tst_Capture::connectPeer()
{
    auto *peer = new TestPeer(m_server->serverPort());
    m_peers.append(peer);
    const int before = m_server->clientCount();
    if (!QTest::qWaitFor([&] { return m_server->clientCount() > before; }, 5000))
        qWarning("peer was not accepted");
    peer->waitReady();
    return peer;
}

bool tst_Capture::sync(const QList<TestPeer *> &peers)
{
    const QByteArray marker = "marker-"_ba + QByteArray::number(++m_marker);
    m_server->sendToAll(marker);
    return QTest::qWaitFor([&] {
        return std::all_of(peers.cbegin(), peers.cend(), [&](TestPeer *p) { return p->hasLine(marker); });
    }, 5000);
}

void tst_Capture::streamsFollowExactly_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("pcapng") << u"two.pcapng"_s;
    QTest::newRow("pcap") << u"two.pcap"_s;
}

void tst_Capture::streamsFollowExactly()
{
    QFETCH(QString, name);
    const QString file = path(name);
    QVERIFY2(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s), qPrintable(m_capture->errorString()));
    m_server->setTap(m_capture.get());
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    const QByteArray binary("\x00\x01\xff\xfe", 4);
    a->write("hello from a\n");
    b->write(binary + "\nsecond from b\n");
    QTRY_VERIFY(a->hasLine("second from b"));
    QVERIFY(sync({ a, b }));
    const QList<QByteArray> aGot = a->lines(), bGot = b->lines();
    const quint16 ports[2] = { a->socket().localPort(), b->socket().localPort() };
    const QString server = u"127.0.0.1:%1"_s.arg(m_server->serverPort());
    m_server->stop();
    QTRY_VERIFY(a->isClosed() && b->isClosed());
    QTRY_COMPARE(m_capture->openStreams(), 0);   // each one's FIN is in
    m_capture->stop();

    // Two conversations, each between its client's address and port and the server's.
    const QString conversations = QString::fromUtf8(tshark({ u"-r"_s, file, u"-q"_s, u"-z"_s, u"conv,tcp"_s }));
    QCOMPARE(conversations.count(u"<->"_s), 2);
    // "CLIENT <-> SERVER  frames bytes (to the client)  frames bytes (to the server)": every frame is
    // 54 bytes of headers (Ethernet, IPv4, TCP) and its payload, so the bytes are the frames' and the stream's.
    QList<QRegularExpressionMatch> rows;
    for (quint16 port : ports) {
        const QString client = u"127.0.0.1:%1"_s.arg(port);
        const QRegularExpressionMatch row = QRegularExpression(QRegularExpression::escape(client) + u"\\s+<->\\s+"_s
                                                               + QRegularExpression::escape(server)
                                                               + u"\\s+(\\d+) (\\d+) bytes\\s+(\\d+) (\\d+) bytes"_s)
                                                    .match(conversations);
        QVERIFY2(row.hasMatch(), qPrintable(conversations));
        rows.append(row);
    }
    // Each stream gives back exactly what its client sent and received, the welcome first.
    const auto joined = [](const QList<QByteArray> &lines) {
        QByteArray all;
        for (const QByteArray &line : lines)
            all += line + '\n';
        return all;
    };
    const Follow first = follow(file, 0), second = follow(file, 1);
    QCOMPARE(first.fromClient, "hello from a\n"_ba);
    QCOMPARE(first.fromServer, joined(aGot));
    QCOMPARE(second.fromClient, binary + "\nsecond from b\n");
    QCOMPARE(second.fromServer, joined(bGot));
    QVERIFY(aGot.value(0).startsWith("欢迎"));
    for (int i = 0; i < 2; ++i) {
        const Follow &f = i == 0 ? first : second;
        const QRegularExpressionMatch &row = rows.at(i);
        QCOMPARE(row.captured(2).toLongLong(), 54 * row.captured(1).toLongLong() + f.fromServer.size());
        QCOMPARE(row.captured(4).toLongLong(), 54 * row.captured(3).toLongLong() + f.fromClient.size());
    }
    // Every header as a real one: Wireshark finds no bad IPv4 or TCP checksum when told to check.
    const QByteArray bad = tshark({ u"-r"_s, file, u"-o"_s, u"tcp.check_checksum:TRUE"_s, u"-o"_s, u"ip.check_checksum:TRUE"_s,
                                    u"-Y"_s, u"tcp.checksum.status == 0 || ip.checksum.status == 0"_s });
    QVERIFY2(bad.trimmed().isEmpty(), bad.constData());
    const QByteArray good = tshark({ u"-r"_s, file, u"-o"_s, u"tcp.check_checksum:TRUE"_s, u"-Y"_s, u"tcp.checksum.status == 1"_s });
    QVERIFY(!good.trimmed().isEmpty());
}

void tst_Capture::manyBatchesFollowExactly_data()
{
    // Where the file system takes direct writes (ext4 here), the records go without the page
    // cache, a block at a time; on tmpfs, through it. Both must give back every byte.
    QTest::addColumn<QString>("folder");
    QTest::addColumn<bool>("direct");
    QTest::newRow("temporary folder") << QString() << (QStorageInfo(QDir::tempPath()).fileSystemType() != "tmpfs");
    if (QStorageInfo(u"/dev/shm"_s).fileSystemType() == "tmpfs")
        QTest::newRow("tmpfs") << u"/dev/shm"_s << false;
}

void tst_Capture::manyBatchesFollowExactly()
{
    // Several MiB in lines of odd lengths: many batches, whose records end anywhere in a block.
    QFETCH(QString, folder);
    QFETCH(bool, direct);
    QTemporaryDir where(folder.isEmpty() ? QDir::tempPath() + u"/capture-XXXXXX"_s : folder + u"/capture-XXXXXX"_s);
    QVERIFY(where.isValid());
    const QString file = where.filePath(u"big.pcapng"_s);
    QVERIFY2(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s), qPrintable(m_capture->errorString()));
    m_server->setTap(m_capture.get());
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    QByteArray sent;
    for (int i = 0; i < 1500; ++i) {
        QByteArray line = QByteArray::number(i) + ' ';
        line += QByteArray(1 + (i * 7919) % 4093, char('a' + i % 26)) + '\n';
        sent += line;
    }
    a->write(sent);
    QTRY_VERIFY_WITH_TIMEOUT(b->hasLine("1499 " + QByteArray(1 + (1499 * 7919) % 4093, char('a' + 1499 % 26))), 20000);
    QVERIFY(sync({ a, b }));
    const QList<QByteArray> bGot = b->lines();
    m_server->stop();
    QTRY_VERIFY(a->isClosed() && b->isClosed());
    QTRY_COMPARE(m_capture->openStreams(), 0);
    m_capture->stop();
    QCOMPARE(m_capture->writesDirect(), direct);
    QVERIFY(QFileInfo(file).size() > 2 * 3000 * 1000);

    QByteArray bAll;
    for (const QByteArray &line : bGot)
        bAll += line + '\n';
    const Follow first = follow(file, 0), second = follow(file, 1);
    QCOMPARE(first.fromClient.size(), sent.size());
    QVERIFY(first.fromClient == sent);
    QCOMPARE(second.fromServer.size(), bAll.size());
    QVERIFY(second.fromServer == bAll);
}

void tst_Capture::tlsClientsAreCapturedInPlaintext()
{
    // What a network tap never sees: the plaintext of a TLS client, both ways.
    if (!QSslSocket::supportsSsl() || QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
        QSKIP("no TLS backend or no openssl to make certificates");
    const TestCertificates certs(m_dir.path());
    QVERIFY(certs.makeServerSet());
    QString error;
    const auto serverConfig = TlsFiles::serverConfiguration(certs.path(u"server.pem"_s), certs.path(u"server.key"_s), {}, &error);
    const auto clientConfig = TlsFiles::clientConfiguration(certs.path(u"ca.pem"_s), {}, {}, &error);
    QVERIFY2(serverConfig && clientConfig, qPrintable(error));
    SpreadServer tls;
    tls.setTlsConfiguration(*serverConfig);
    QVERIFY(tls.listen(QHostAddress::LocalHost, 0));
    const QString file = path(u"tls.pcapng"_s);
    QVERIFY(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    tls.setTap(m_capture.get());
    QSslSocket a, b;
    QByteArray aGot, bGot;
    for (auto [socket, got] : { std::pair { &a, &aGot }, std::pair { &b, &bGot } }) {
        socket->setSslConfiguration(*clientConfig);
        connect(socket, &QSslSocket::readyRead, this, [socket, got] { *got += socket->readAll(); });
        socket->connectToHostEncrypted(u"127.0.0.1"_s, tls.serverPort(), u"localhost"_s);
        QTRY_VERIFY(socket->isEncrypted() && got->contains('\n'));   // greeted
    }
    a.write("a secret line\n");
    QTRY_VERIFY(bGot.contains("a secret line\n"));
    const quint16 aPort = a.localPort();
    a.disconnectFromHost();
    b.disconnectFromHost();
    QTRY_COMPARE(m_capture->openStreams(), 0);
    m_capture->stop();
    tls.setTap(nullptr);

    const Follow first = follow(file, 0), second = follow(file, 1);
    QVERIFY2(tshark({ u"-r"_s, file, u"-Y"_s, u"tcp.stream == 0"_s, u"-T"_s, u"fields"_s, u"-e"_s, u"tcp.srcport"_s })
                     .contains(QByteArray::number(aPort)),
             "stream 0 is the first client's");
    QCOMPARE(first.fromClient, "a secret line\n"_ba);
    QCOMPARE(first.fromServer, aGot);
    QCOMPARE(second.fromServer, bGot);
    QVERIFY(second.fromServer.endsWith("a secret line\n"));
}

void tst_Capture::clientsConnectedBeforeTheCaptureAreInIt()
{
    TestPeer *early = connectPeer();
    const QByteArray welcome = early->lines().value(0) + '\n';
    const QString file = path(u"late.pcapng"_s);
    QVERIFY(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    m_server->setTap(m_capture.get());
    QCOMPARE(m_capture->openStreams(), 1);
    early->write("after the start\n");
    QTRY_COMPARE(m_server->clientInfo(m_server->clients().value(0)).messagesIn, quint64(1));
    QVERIFY(sync({ early }));
    early->socket().disconnectFromHost();
    QTRY_COMPARE(m_capture->openStreams(), 0);
    m_capture->stop();
    const Follow f = follow(file, 0);
    QCOMPARE(f.fromClient, "after the start\n"_ba);
    QVERIFY(!f.fromServer.contains(welcome));   // sent before the capture: not in it, and not made up
    QCOMPARE(f.fromServer, "marker-1\n"_ba);
    const QByteArray comments = tshark({ u"-r"_s, file, u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(comments.contains("connected before the capture began"), comments.constData());
}

void tst_Capture::resetsAndClosesShowWhoEnded()
{
    const QString file = path(u"ends.pcapng"_s);
    QVERIFY(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    m_server->setTap(m_capture.get());
    SpreadServer::Settings settings = m_server->settings();
    settings.maxMessageBytes = 16;
    m_server->setSettings(settings);
    TestPeer *polite = connectPeer();
    TestPeer *rude = connectPeer();
    TestPeer *tooLong = connectPeer();
    const quint16 politePort = polite->socket().localPort(), rudePort = rude->socket().localPort(),
                  longPort = tooLong->socket().localPort();
    QVERIFY(sync({ polite, rude, tooLong }));
    polite->halfClose();                 // FIN from the client: the server closes after it
    rude->socket().setSocketOption(QAbstractSocket::LowDelayOption, 1);
    ::linger hard { 1, 0 };
    ::setsockopt(int(rude->socket().socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    rude->socket().close();              // RST from the client
    tooLong->write(QByteArray(64, 'x'));   // the server drops it at once, and closes first: FIN from the server
    QTRY_COMPARE(m_server->clientCount(), 0);
    QTRY_COMPARE(m_capture->openStreams(), 0);
    m_capture->stop();

    const auto flagsFrom = [&](quint16 port, const char *filter) {
        return tshark({ u"-r"_s, file, u"-Y"_s, u"tcp.srcport == %1 && %2"_s.arg(port).arg(QString::fromLatin1(filter)),
                        u"-T"_s, u"fields"_s, u"-e"_s, u"frame.number"_s })
                .trimmed();
    };
    const quint16 serverPort = m_server->serverPort();
    QVERIFY2(!flagsFrom(politePort, "tcp.flags.fin == 1").isEmpty(), "the client's FIN");
    QVERIFY(flagsFrom(politePort, "tcp.flags.reset == 1").isEmpty());
    QVERIFY2(!flagsFrom(rudePort, "tcp.flags.reset == 1").isEmpty(), "the client's RST");
    const QByteArray serverFin = tshark({ u"-r"_s, file, u"-Y"_s,
                                          u"tcp.srcport == %1 && tcp.dstport == %2 && tcp.flags.fin == 1"_s.arg(serverPort).arg(longPort),
                                          u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(serverFin.contains("message too long"), serverFin.constData());
}

void tst_Capture::commentsNameTheClientAndTheReason()
{
    const QString file = path(u"comments.pcapng"_s);
    QVERIFY(m_capture->start(file, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    m_server->setTap(m_capture.get());
    TestPeer *a = connectPeer();
    const SpreadServer::ClientId id = m_server->clients().value(0);
    QVERIFY(m_server->dropClient(id, u"bye now"_s));
    QTRY_VERIFY(a->isClosed());
    QTRY_COMPARE(m_capture->openStreams(), 0);
    m_capture->stop();
    const QByteArray comments = tshark({ u"-r"_s, file, u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(comments.contains("SpreadSite client #" + QByteArray::number(id)), comments.constData());
    QVERIFY2(comments.contains("bye now"), comments.constData());
}

void tst_Capture::sizeLimitStopsAndLeavesAValidFile()
{
    const QString file = path(u"small.pcapng"_s);
    const qint64 limit = 4096;
    QVERIFY(m_capture->start(file, limit, u"test"_s));
    m_server->setTap(m_capture.get());
    QSignalSpy stopped(m_capture.get(), &Capture::stoppedWithError);
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    for (int i = 0; i < 100; ++i)
        a->write("line " + QByteArray::number(i) + ' ' + QByteArray(60, 'x') + '\n');
    QTRY_COMPARE(stopped.count(), 1);
    QVERIFY2(stopped.at(0).at(0).toString().contains(u"size limit"_s), qPrintable(stopped.at(0).at(0).toString()));
    QVERIFY(!m_capture->isRunning());
    QTRY_VERIFY(b->hasLine("line 99 " + QByteArray(60, 'x')));   // the server went on
    m_capture->stop();
    QVERIFY(QFileInfo(file).size() <= limit);
    int exitCode = -1;
    const QByteArray packets = tshark({ u"-r"_s, file }, &exitCode);
    QCOMPARE(exitCode, 0);   // whole blocks only: no "cut short in the middle of a packet"
    QVERIFY(packets.contains("SYN"));
}

void tst_Capture::unwritableFileIsRefusedAtStart()
{
    QVERIFY(!m_capture->start(u"/nonexistent/folder/x.pcapng"_s, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    QVERIFY(m_capture->errorString().contains(u"No such file"_s));
    QVERIFY(!m_capture->start(u"/dev/full"_s, Limits::CaptureMaxBytes.defaultValue, u"test"_s));
    QVERIFY2(m_capture->errorString().contains(u"No space left"_s), qPrintable(m_capture->errorString()));
}

void tst_Capture::fullFileStopsTheCaptureNotTheServer()
{
    // A file that cannot grow (the process's file size limit, as a full disk) stops the
    // capture, says why, and the console server goes on relaying.
    if (QStandardPaths::findExecutable(u"prlimit"_s).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    const QString file = path(u"full.pcapng"_s);
    TestProcess server(u"prlimit"_s, { u"--fsize=20000"_s, serverBin(), u"--headless"_s, u"--bind"_s, u"127.0.0.1"_s,
                                        u"--port"_s, u"0"_s, u"--capture"_s, file });
    QTRY_VERIFY_WITH_TIMEOUT(server.hasMatch(QRegularExpression(u"listening on .* port \\d+$"_s)), 10000);
    const quint16 port = quint16(server.match(QRegularExpression(u"port (\\d+)$"_s)).captured(1).toUInt());
    TestPeer a(port), b(port);
    QVERIFY(a.waitReady() && b.waitReady());
    for (int i = 0; i < 400; ++i)
        a.write("line " + QByteArray::number(i) + ' ' + QByteArray(80, 'y') + '\n');
    QTRY_VERIFY_WITH_TIMEOUT(server.hasMatch(QRegularExpression(u"capture: stopped .*full\\.pcapng at \\d+ bytes: .*File too large"_s)),
                             10000);
    QTRY_VERIFY(b.hasLine("line 399 " + QByteArray(80, 'y')));
    QVERIFY(server.isRunning());
}

QTEST_GUILESS_MAIN(tst_Capture)
#include "tst_capture.moc"
