// SPDX-License-Identifier: MIT
// The two programs' command lines, end to end: the built spread-server and
// echo-client run under QProcess and talk to raw sockets on 127.0.0.1.
#include "testprocess.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {
// Starting a program and seeing its first line; generous for a loaded CI machine.
constexpr int START_TIMEOUT_MS = 10000;

const QString TIMESTAMP = u"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"_s;

/** A line of the server's text log: a timestamp, then exactly @p text. */
QRegularExpression logLine(const QString &text)
{
    return QRegularExpression(u"^%1 %2$"_s.arg(TIMESTAMP, QRegularExpression::escape(text)));
}

/** A log line whose text after the timestamp matches the regular expression @p pattern. */
QRegularExpression logPattern(const QString &pattern)
{
    return QRegularExpression(u"^%1 %2$"_s.arg(TIMESTAMP, pattern));
}

/** The client's periodic message with the default template. */
const QRegularExpression HELLO(u"^hello, I'm echo-client \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"_s);

/** A port on 127.0.0.1 that was free a moment ago and where nothing listens now. */
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();   // closed when probe goes
}

qsizetype countMatching(const QByteArrayList &lines, const QRegularExpression &pattern)
{
    return std::count_if(lines.cbegin(), lines.cend(),
                         [&](const QByteArray &line) { return pattern.match(QString::fromUtf8(line)).hasMatch(); });
}
} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void helpAndVersion_data();
    void helpAndVersion();
    void badValue_data();
    void badValue();

    void serverPrintsItsPortFirst();
    void serverCannotListen_data();
    void serverCannotListen();
    void serverStopsOnSigterm();
    void serverSigtermDeliversQueuedLinesFirst();
    void serverTextLog();
    void serverJsonLog();
    void serverQuietHidesMessages();
    void serverWelcome_data();
    void serverWelcome();
    void serverNoRelay();
    void serverStdinCommands();
    void serverFramesModbusAndLogsHex();
    void clientTypesHexInABinaryFraming();

    void clientCountAgainstOurServer();
    void clientRefused();
    void clientReconnects();
    void clientSendsStdin();
    void clientLineEnding_data();
    void clientLineEnding();
    void clientLostWhenDropped();
    void clientStopsOnSigterm();

    void serverMaxPerIpZeroIsNoLimit();

private:
    TestProcess *startServer(const QStringList &arguments = {});
    TestProcess *startClient(const QStringList &arguments);
    /** Waits for the server's first line and returns the port at its end; 0 if there is none. */
    static quint16 listeningPort(TestProcess *server);

    TestRig m_rig;
};

void tst_Cli::cleanup()
{
    m_rig.cleanup();
}

TestProcess *tst_Cli::startServer(const QStringList &arguments)
{
    return m_rig.start(serverBin(), QStringList { u"--headless"_s, u"--port"_s, u"0"_s } + arguments);
}

TestProcess *tst_Cli::startClient(const QStringList &arguments)
{
    return m_rig.start(clientBin(), QStringList { u"--headless"_s } + arguments);
}

quint16 tst_Cli::listeningPort(TestProcess *server)
{
    if (!QTest::qWaitFor([&] { return !server->lines().isEmpty() || server->hasFinished(); }, START_TIMEOUT_MS))
        return 0;
    const QStringList lines = server->lines();
    if (lines.isEmpty())
        return 0;
    static const QRegularExpression first(u"^%1 listening on \\S+ port (\\d+)$"_s.arg(TIMESTAMP));
    const auto m = first.match(lines.first());
    return m.hasMatch() ? m.captured(1).toUShort() : 0;
}

// ---------------------------------------------------------------------------
// Command line parsing

void tst_Cli::helpAndVersion_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");   // help: an option line it starts with; version: the only line

    const QString version = QStringLiteral(SPREAD_VERSION);
    // Without --headless these run with no display at all: help and version must not need one.
    QTest::addRow("server --help") << serverBin() << QStringList { u"--help"_s } << u"  --headless"_s;
    QTest::addRow("server --version") << serverBin() << QStringList { u"--version"_s } << u"spread-server "_s + version;
    QTest::addRow("server --headless -h") << serverBin() << QStringList { u"--headless"_s, u"-h"_s } << u"  --headless"_s;
    QTest::addRow("server --headless -v") << serverBin() << QStringList { u"--headless"_s, u"-v"_s }
                                          << u"spread-server "_s + version;
    QTest::addRow("client --help") << clientBin() << QStringList { u"--help"_s } << u"  --headless"_s;
    QTest::addRow("client --version") << clientBin() << QStringList { u"--version"_s } << u"echo-client "_s + version;
    QTest::addRow("client --headless -h") << clientBin() << QStringList { u"--headless"_s, u"-h"_s } << u"  --headless"_s;
    QTest::addRow("client --headless -v") << clientBin() << QStringList { u"--headless"_s, u"-v"_s }
                                          << u"echo-client "_s + version;
}

void tst_Cli::helpAndVersion()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);

    // The xcb platform with no display aborts any QGuiApplication, so only a windowless run can pass.
    const QHash<QString, QString> noDisplay {
        { u"QT_QPA_PLATFORM"_s, u"xcb"_s }, { u"DISPLAY"_s, QString() }, { u"WAYLAND_DISPLAY"_s, QString() }
    };
    TestProcess *p = m_rig.start(program, arguments, {}, arguments.contains(u"--headless"_s) ? QHash<QString, QString>() : noDisplay);
    QTRY_VERIFY_WITH_TIMEOUT(p->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(p->exitStatus(), QProcess::NormalExit);
    QCOMPARE(p->exitCode(), 0);
    QCOMPARE(p->err(), QByteArray());
    const QStringList lines = p->lines();
    QVERIFY2(!lines.isEmpty(), "nothing printed");
    if (expected.startsWith(u' ')) {   // help: usage first, then every option
        QVERIFY2(lines.first().startsWith(u"Usage: "_s), qUtf8Printable(lines.first()));
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [&](const QString &l) { return l.startsWith(expected); }));
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const QString &l) { return l.startsWith(u"  --port <port>"_s); }));
    } else {
        QCOMPARE(lines, QStringList { expected });
    }
}

void tst_Cli::badValue_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");   // the error line names these

    const QString server = serverBin();
    const QString client = clientBin();
    QTest::addRow("server port 70000") << server << QStringList { u"--port"_s, u"70000"_s }
                                       << QStringList { u"--port"_s, u"70000"_s };
    QTest::addRow("server port abc") << server << QStringList { u"--port"_s, u"abc"_s } << QStringList { u"--port"_s, u"abc"_s };
    QTest::addRow("server port missing") << server << QStringList { u"--port"_s } << QStringList { u"port"_s };
    QTest::addRow("client port 70000") << client << QStringList { u"--port"_s, u"70000"_s }
                                       << QStringList { u"--port"_s, u"70000"_s };
    QTest::addRow("client port abc") << client << QStringList { u"--port"_s, u"abc"_s } << QStringList { u"--port"_s, u"abc"_s };
    QTest::addRow("client interval 0") << client << QStringList { u"--interval"_s, u"0"_s }
                                       << QStringList { u"--interval"_s, u"'0'"_s };
    QTest::addRow("client interval -1") << client << QStringList { u"--interval"_s, u"-1"_s }
                                        << QStringList { u"--interval"_s, u"'-1'"_s };
    QTest::addRow("client line-ending foo") << client << QStringList { u"--line-ending"_s, u"foo"_s }
                                            << QStringList { u"--line-ending"_s, u"foo"_s };
    QTest::addRow("server log-format xml") << server << QStringList { u"--log-format"_s, u"xml"_s }
                                           << QStringList { u"--log-format"_s, u"xml"_s };
    QTest::addRow("server unknown option") << server << QStringList { u"--frobnicate"_s } << QStringList { u"frobnicate"_s };
    QTest::addRow("client unknown option") << client << QStringList { u"--frobnicate"_s } << QStringList { u"frobnicate"_s };
    QTest::addRow("server bind not-an-address") << server << QStringList { u"--bind"_s, u"not-an-address"_s }
                                                << QStringList { u"--bind"_s, u"not-an-address"_s };
    QTest::addRow("client count with no-periodic") << client << QStringList { u"--count"_s, u"3"_s, u"--no-periodic"_s }
                                                   << QStringList { u"--count"_s, u"--no-periodic"_s };
    QTest::addRow("server max-clients 0") << server << QStringList { u"--max-clients"_s, u"0"_s }
                                          << QStringList { u"--max-clients"_s };
    QTest::addRow("server allow not-a-subnet") << server << QStringList { u"--allow"_s, u"not-a-subnet"_s }
                                               << QStringList { u"--allow"_s, u"not-a-subnet"_s };
    QTest::addRow("server max-per-ip -1") << server << QStringList { u"--max-per-ip"_s, u"-1"_s }
                                          << QStringList { u"--max-per-ip"_s, u"'-1'"_s };
    QTest::addRow("client stray argument") << client << QStringList { u"stray"_s } << QStringList { u"stray"_s };
    QTest::addRow("server framing bogus") << server << QStringList { u"--framing"_s, u"bogus"_s }
                                          << QStringList { u"--framing"_s, u"unknown framing"_s };
    QTest::addRow("server framing length:3") << server << QStringList { u"--framing"_s, u"length:3"_s }
                                             << QStringList { u"--framing"_s, u"1, 2 or 4"_s };
    QTest::addRow("server fixed over the message limit")
            << server << QStringList { u"--framing"_s, u"fixed:100"_s, u"--max-message-bytes"_s, u"10"_s }
            << QStringList { u"--framing"_s, u"longest message"_s };
    QTest::addRow("client framing delimiter:zz") << client << QStringList { u"--framing"_s, u"delimiter:zz"_s }
                                                 << QStringList { u"--framing"_s, u"hexadecimal"_s };
    QTest::addRow("server welcome-hex odd") << server << QStringList { u"--welcome-hex"_s, u"7e0"_s }
                                            << QStringList { u"--welcome-hex"_s, u"7e0"_s };
}

void tst_Cli::badValue()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);

    TestProcess *p = m_rig.start(program, QStringList { u"--headless"_s } + arguments);
    QTRY_VERIFY_WITH_TIMEOUT(p->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(p->exitStatus(), QProcess::NormalExit);
    QCOMPARE(p->exitCode(), 2);
    QCOMPARE(p->out(), QByteArray());   // nothing started, nothing printed
    const QStringList errors = p->errLines();
    QCOMPARE(errors.size(), 1);
    const QString name = QFileInfo(program).fileName();
    QVERIFY2(errors.first().startsWith(name + u": "_s), qUtf8Printable(errors.first()));
    for (const QString &mention : mentions)
        QVERIFY2(errors.first().contains(mention), qUtf8Printable(u"'%1' not in: %2"_s.arg(mention, errors.first())));
}

// ---------------------------------------------------------------------------
// spread-server --headless

void tst_Cli::serverPrintsItsPortFirst()
{
    TestProcess *server = startServer();
    QTRY_VERIFY_WITH_TIMEOUT(!server->lines().isEmpty(), START_TIMEOUT_MS);
    const QString first = server->lines().first();
    QVERIFY2(logPattern(u"listening on 0\\.0\\.0\\.0 port \\d+"_s).match(first).hasMatch(), qUtf8Printable(first));
    const quint16 port = first.section(u' ', -1).toUShort();   // what `awk '{print $NF}'` gives a script
    QVERIFY(port != 0);

    // It is the real port: a client gets the seed's welcome there.
    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));
}

void tst_Cli::serverCannotListen_data()
{
    QTest::addColumn<QStringList>("arguments");   // %1: a port in use on 127.0.0.1
    QTest::addColumn<QString>("expected");        // the one error line

    QTest::addRow("port in use, 127.0.0.1") << QStringList { u"--bind"_s, u"127.0.0.1"_s, u"--port"_s, u"%1"_s }
                                            << u"spread-server: cannot listen on 127.0.0.1 port %1: "_s;
    QTest::addRow("port in use, any address") << QStringList { u"--port"_s, u"%1"_s }
                                              << u"spread-server: cannot listen on 0.0.0.0 port %1: "_s;
    // A documentation address (RFC 5737) is on no interface here: bind() fails, nothing is sent.
    QTest::addRow("address not on this machine") << QStringList { u"--bind"_s, u"192.0.2.1"_s, u"--port"_s, u"0"_s }
                                                 << u"spread-server: cannot listen on 192.0.2.1 port 0: "_s;
}

void tst_Cli::serverCannotListen()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);

    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(occupant.serverPort());
    const auto withPort = [&port](QString text) { return text.replace(u"%1"_s, port); };
    for (QString &argument : arguments)
        argument = withPort(argument);
    expected = withPort(expected);

    TestProcess *server = m_rig.start(serverBin(), QStringList { u"--headless"_s } + arguments);
    QTRY_VERIFY_WITH_TIMEOUT(server->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(server->exitCode(), 1);
    QCOMPARE(server->out(), QByteArray());
    const QStringList errors = server->errLines();
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().startsWith(expected), qUtf8Printable(errors.first()));
    QVERIFY2(errors.first().size() > expected.size(), "no reason given");   // the system's reason follows
}

void tst_Cli::serverStopsOnSigterm()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));
    QTRY_VERIFY(server->hasMatch(logPattern(u"new connect: 1 \\[#1 127\\.0\\.0\\.1:\\d+\\]"_s)));

    server->terminate();   // SIGTERM
    QTRY_VERIFY(server->hasFinished());
    QCOMPARE(server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(server->exitCode(), 0);
    QVERIFY2(logLine(u"stopped"_s).match(server->lines().constLast()).hasMatch(), qUtf8Printable(server->lines().constLast()));
    // The client was closed cleanly, with a reason in the log.
    QTRY_VERIFY(peer->wasDisconnected());
    QVERIFY(server->hasMatch(logLine(u"lost connect: 0 [#1 127.0.0.1:%1] (server shutting down)"_s.arg(peer->localPort()))));
    QCOMPARE(server->err(), QByteArray());
}

void tst_Cli::serverSigtermDeliversQueuedLinesFirst()
{
    // A reader that is not reading when SIGTERM comes still gets every line
    // the server had accepted, then the end of the stream; the log file is complete.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString logPath = dir.filePath(u"server.log"_s);
    TestProcess *server = startServer({ u"--log-file"_s, logPath, u"--max-backlog-bytes"_s, u"67108864"_s });
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);

    // A plain blocking socket with a small receive buffer, read only after the signal.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    QTRY_VERIFY(server->hasMatch(logPattern(u"new connect: 1 .*"_s)));

    // About 8 MiB queued for it, through the operator's stdin: more than the
    // kernel's socket buffers take, so that the server itself still holds some.
    QByteArrayList expected { welcome(1) };
    QByteArray input;
    for (int i = 0; i < 8000; ++i) {
        const QByteArray line = "bulk " + QByteArray::number(i).rightJustified(5, '0') + ' ' + QByteArray(1000, 'x');
        expected.append(line);
        input += line + '\n';
    }
    server->write(input);
    QTRY_VERIFY_WITH_TIMEOUT(server->hasMatch(logPattern(u"\\[server -> all \\(1\\)\\] bulk 07999 x+"_s)), 15000);

    server->terminate();   // SIGTERM while the reader is behind

    QByteArray received;
    timeval timeout { 10, 0 };   // a bound, not a wait: each read returns as soon as data is there
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            QCOMPARE(n, ssize_t(0));   // the end of the stream, not a reset or a time-out
            break;
        }
        received.append(buffer, n);
    }
    ::close(fd);
    QCOMPARE(completeLines(received), expected);

    QTRY_VERIFY(server->hasFinished());
    QCOMPARE(server->exitCode(), 0);
    QFile log(logPath);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray logged = log.readAll();
    QCOMPARE(logged, server->out());   // the file has all that stdout had, "stopped" last
    QVERIFY(logged.endsWith(" stopped\n"));
}

void tst_Cli::serverTextLog()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);

    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));
    const QString who = u"[#1 127.0.0.1:%1]"_s.arg(peer->localPort());
    QTRY_VERIFY(server->hasMatch(logLine(u"new connect: 1 "_s + who)));

    peer->send("hello there\nsecond\r\n"_ba);
    QTRY_VERIFY(server->hasMatch(logLine(who + u" second"_s)));
    QVERIFY(server->hasMatch(logLine(who + u" hello there"_s)));

    peer->socket()->disconnectFromHost();
    QTRY_VERIFY(server->hasMatch(logLine(u"lost connect: 0 %1 (closed by peer)"_s.arg(who))));
    QCOMPARE(server->lines().size(), 5);   // listening, connect, 2 messages, lost
}

void tst_Cli::serverJsonLog()
{
    TestProcess *server = m_rig.start(serverBin(), { u"--headless"_s, u"--port"_s, u"0"_s, u"--log-format"_s, u"jsonl"_s });

    // Every line is one JSON object with a time and an event; the first that is not ends up in notJson.
    QString notJson;
    const auto events = [server, &notJson] {
        QList<QJsonObject> result;
        for (const QString &line : server->lines()) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
            if (error.error == QJsonParseError::NoError && doc.isObject())
                result.append(doc.object());
            else if (notJson.isEmpty())
                notJson = line;
        }
        return result;
    };
    const auto find = [&](const QString &event) {
        for (const QJsonObject &o : events()) {
            if (o.value(u"event"_s).toString() == event)
                return o;
        }
        return QJsonObject();
    };

    QTRY_VERIFY_WITH_TIMEOUT(!events().isEmpty(), START_TIMEOUT_MS);
    const QJsonObject listening = events().first();
    QCOMPARE(listening.value(u"event"_s).toString(), u"listening"_s);
    QCOMPARE(listening.value(u"address"_s).toString(), u"0.0.0.0"_s);
    const int port = listening.value(u"port"_s).toInt();
    QVERIFY(port > 0 && port < 65536);

    RawPeer *peer = m_rig.connectPeer(quint16(port));
    QTRY_VERIFY(peer->hasLine(welcome(1)));
    const QString peerText = u"127.0.0.1:%1"_s.arg(peer->localPort());
    QTRY_VERIFY(!find(u"connected"_s).isEmpty());
    const QJsonObject connected = find(u"connected"_s);
    QCOMPARE(connected.value(u"client"_s).toInt(), 1);
    QCOMPARE(connected.value(u"peer"_s).toString(), peerText);
    QCOMPARE(connected.value(u"clients"_s).toInt(), 1);

    peer->send("hello json\n"_ba);
    QTRY_VERIFY(!find(u"received"_s).isEmpty());
    const QJsonObject received = find(u"received"_s);
    QCOMPARE(received.value(u"client"_s).toInt(), 1);
    QCOMPARE(received.value(u"text"_s).toString(), u"hello json"_s);
    QCOMPARE(received.value(u"bytes"_s).toInt(), 10);
    QCOMPARE(received.value(u"relayed"_s).toInt(), 0);

    peer->socket()->disconnectFromHost();
    QTRY_VERIFY(!find(u"disconnected"_s).isEmpty());
    const QJsonObject disconnected = find(u"disconnected"_s);
    QCOMPARE(disconnected.value(u"client"_s).toInt(), 1);
    QCOMPARE(disconnected.value(u"clients"_s).toInt(), 0);
    QCOMPARE(disconnected.value(u"reason"_s).toString(), u"closed by peer"_s);

    server->terminate();
    QTRY_VERIFY(server->hasFinished());
    QCOMPARE(server->exitCode(), 0);
    QCOMPARE(events().constLast().value(u"event"_s).toString(), u"stopped"_s);
    const QList<QJsonObject> all = events();
    QVERIFY2(notJson.isEmpty(), qUtf8Printable(u"not a JSON object: "_s + notJson));
    QCOMPARE(all.size(), server->lines().size());
    for (const QJsonObject &o : all) {
        QVERIFY(QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(o.contains(u"event"_s));
    }
}

void tst_Cli::serverQuietHidesMessages()
{
    TestProcess *server = startServer({ u"--quiet"_s });
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));

    a->send("secret\n"_ba);
    QTRY_VERIFY(b->hasLine("secret"_ba));   // still relayed
    server->write("notice\n"_ba);           // the server's own messages are hidden too
    QTRY_VERIFY(b->hasLine("notice"_ba));
    b->socket()->disconnectFromHost();
    // Output is in order: once this line is read, any message line would be too.
    QTRY_VERIFY(server->hasMatch(logLine(u"lost connect: 1 [#2 127.0.0.1:%1] (closed by peer)"_s.arg(b->localPort()))));

    QVERIFY(server->hasMatch(logLine(u"new connect: 1 [#1 127.0.0.1:%1]"_s.arg(a->localPort()))));
    QVERIFY(server->hasMatch(logLine(u"new connect: 2 [#2 127.0.0.1:%1]"_s.arg(b->localPort()))));
    QVERIFY2(!server->out().contains("secret"), server->out().constData());
    QVERIFY2(!server->out().contains("notice"), server->out().constData());
    QCOMPARE(server->lines().size(), 4);   // listening, 2 connects, 1 lost
}

void tst_Cli::serverWelcome_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("first");    // what client 1 gets before the marker
    QTest::addColumn<QByteArray>("second");   // and client 2

    QTest::addRow("default") << QStringList() << welcome(1) + '\n' << welcome(2) + '\n';
    QTest::newRow("hi %1") << QStringList { u"--welcome"_s, u"hi %1"_s } << "hi 1\n"_ba << "hi 2\n"_ba;
    QTest::addRow("empty") << QStringList { u"--welcome"_s, QString() } << QByteArray() << QByteArray();
}

void tst_Cli::serverWelcome()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, second);

    TestProcess *server = startServer(arguments);
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(server->hasMatch(logPattern(u"new connect: 1 \\[#1 .*\\]"_s)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(server->hasMatch(logPattern(u"new connect: 2 \\[#2 .*\\]"_s)));

    // The marker comes after any welcome: what is before it is all the welcome there was.
    server->write("marker\n"_ba);
    QTRY_VERIFY(a->hasLine("marker"_ba));
    QTRY_VERIFY(b->hasLine("marker"_ba));
    QCOMPARE(a->received(), first + "marker\n");
    QCOMPARE(b->received(), second + "marker\n");
}

void tst_Cli::serverNoRelay()
{
    TestProcess *server = startServer({ u"--no-relay"_s });
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));

    a->send("one\n"_ba);
    QTRY_VERIFY(server->hasMatch(logLine(u"[#1 127.0.0.1:%1] one"_s.arg(a->localPort()))));   // logged
    server->write("marker\n"_ba);
    QTRY_VERIFY(b->hasLine("marker"_ba));
    QCOMPARE(b->lines(), QByteArrayList({ welcome(2), "marker"_ba }));   // not relayed
}

void tst_Cli::serverStdinCommands()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));
    const QString whoA = u"[#1 127.0.0.1:%1]"_s.arg(a->localPort());
    const QString whoB = u"[#2 127.0.0.1:%1]"_s.arg(b->localPort());

    // A plain line goes to every client.
    server->write("hello all\n"_ba);
    QTRY_VERIFY(a->hasLine("hello all"_ba));
    QTRY_VERIFY(b->hasLine("hello all"_ba));
    QTRY_VERIFY(server->hasMatch(logLine(u"[server -> all (2)] hello all"_s)));

    // /send goes to one client only: A's next line is its own, not B's.
    server->write("/send 2 just you\n"_ba);
    QTRY_VERIFY(b->hasLine("just you"_ba));
    server->write("/send 1 for a\n"_ba);
    QTRY_VERIFY(a->hasLine("for a"_ba));
    QCOMPARE(a->lines(), QByteArrayList({ welcome(1), "hello all"_ba, "for a"_ba }));
    QCOMPARE(b->lines(), QByteArrayList({ welcome(2), "hello all"_ba, "just you"_ba }));
    QVERIFY(server->hasMatch(logLine(u"[server -> #2] just you"_s)));

    server->write("/send 99 nobody\n"_ba);
    QTRY_VERIFY(server->errLines().contains(u"spread-server: no client #99"_s));

    server->write("/list\n"_ba);
    QTRY_VERIFY(server->hasLine(u"2 clients"_s));
    QTRY_VERIFY(server->hasMatch(QRegularExpression(u"^#2 127\\.0\\.0\\.1:%1 in \\d+/\\d+ B out \\d+/\\d+ B$"_s.arg(b->localPort()))));
    QVERIFY(server->hasMatch(QRegularExpression(u"^#1 127\\.0\\.0\\.1:%1 in \\d+/\\d+ B out \\d+/\\d+ B$"_s.arg(a->localPort()))));

    server->write("/drop 1 bye\n"_ba);
    QTRY_VERIFY(a->wasDisconnected());
    QTRY_VERIFY(server->hasMatch(logLine(u"lost connect: 1 %1 (dropped by the server: bye)"_s.arg(whoA))));
    QVERIFY(!b->wasDisconnected());

    server->write("/quit\n"_ba);
    QTRY_VERIFY(b->wasDisconnected());
    QTRY_VERIFY(server->hasFinished());
    QCOMPARE(server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(server->exitCode(), 0);
    QVERIFY(server->hasMatch(logPattern(u"lost connect: 0 %1 \\(.+\\)"_s.arg(QRegularExpression::escape(whoB)))));
    QVERIFY(logLine(u"stopped"_s).match(server->lines().constLast()).hasMatch());
    QCOMPARE(server->errLines(), QStringList { u"spread-server: no client #99"_s });   // and nothing else
}

// ---------------------------------------------------------------------------
// echo-client --headless

void tst_Cli::serverFramesModbusAndLogsHex()
{
    const QByteArray request = QByteArray::fromHex("0001 0000 0006 11 03 006b 0003");
    for (const QString &format : { u"text"_s, u"jsonl"_s }) {
        TestProcess *server = startServer({ u"--framing"_s, u"length:2,offset=4"_s, u"--log-format"_s, format,
                                            u"--welcome-hex"_s, u"ff00"_s });
        QTRY_VERIFY_WITH_TIMEOUT(!server->lines().isEmpty(), START_TIMEOUT_MS);
        const QString first = server->lines().constFirst();
        const quint16 port = format == u"text"_s ? listeningPort(server)
                                                 : quint16(QJsonDocument::fromJson(first.toUtf8()).object().value(u"port"_s).toInt());
        QVERIFY(port != 0);
        RawPeer *master = m_rig.connectPeer(port);
        RawPeer *device = m_rig.connectPeer(port);
        QTRY_COMPARE(master->received(), QByteArray::fromHex("ff00"));   // exact bytes, no line feed
        QTRY_COMPARE(device->received(), QByteArray::fromHex("ff00"));
        master->send(request.left(5));
        master->socket()->flush();
        master->send(request.mid(5));
        QTRY_COMPARE(device->received(), QByteArray::fromHex("ff00") + request);
        if (format == u"text"_s) {
            QTRY_VERIFY(server->hasMatch(logLine(u"[#1 127.0.0.1:%1] 12 B: 0001000000061103006b0003"_s
                                                         .arg(master->localPort()))));
        } else {
            QTRY_VERIFY(server->lines().size() >= 4);
            const auto received = [&] {
                for (const QString &line : server->lines()) {
                    const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
                    if (o.value(u"event"_s).toString() == u"received"_s)
                        return o;
                }
                return QJsonObject();
            };
            QTRY_VERIFY(!received().isEmpty());
            QCOMPARE(received().value(u"hex"_s).toString(), QString::fromLatin1(request.toHex()));
            QCOMPARE(QByteArray::fromBase64(received().value(u"base64"_s).toString().toLatin1()), request);
            QCOMPARE(received().value(u"bytes"_s).toInt(), 12);
            QVERIFY(!received().contains(u"text"_s));
        }
        m_rig.cleanup();
    }
}

void tst_Cli::clientTypesHexInABinaryFraming()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    TestProcess *client = startClient({ u"--port"_s, QString::number(listener.serverPort()), u"--no-periodic"_s,
                                        u"--framing"_s, u"fixed:3"_s });
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), START_TIMEOUT_MS);
    RawPeer *peer = m_rig.adopt(listener.nextPendingConnection());
    QTRY_VERIFY(client->hasLine(u"Connected..."_s));

    client->write("not hex\n01 02\n0a0b0c\n"_ba);
    QTRY_COMPARE(peer->received(), QByteArray::fromHex("0a0b0c"));   // "01 02" is two bytes, not a frame of three
    QTRY_VERIFY(client->hasLine(u"sent: 3 B: 0a0b0c"_s));
    QVERIFY(client->hasLine(u"warning: message not sent: a frame is 3 bytes, this message is 2"_s));
    // stderr is a pipe of its own: read when it is, not in order with stdout.
    QTRY_VERIFY(client->errLines().join(u'\n').contains(u"in fixed:3 framing a typed line is bytes in hexadecimal"_s));
    peer->send(QByteArray::fromHex("414243 44"));
    QTRY_VERIFY(client->hasLine(u"3 B: 414243"_s));
}

void tst_Cli::clientCountAgainstOurServer()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));

    TestProcess *client = startClient({ u"--port"_s, QString::number(port), u"--count"_s, u"3"_s, u"--interval"_s, u"0.05"_s });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 0);
    const QStringList out = client->lines();
    QCOMPARE(out.value(0), u"Start to Connect..."_s);
    QCOMPARE(out.value(1), u"Connected..."_s);
    QVERIFY(out.contains(QString::fromUtf8(welcome(2))));
    QCOMPARE(client->count(QRegularExpression(u"^sent: hello, I'm echo-client "_s)), 3);

    // The server saw the client leave; a marker sent after that shows the peer got everything relayed.
    QTRY_VERIFY(server->hasMatch(logPattern(u"lost connect: 1 \\[#2 127\\.0\\.0\\.1:\\d+\\] \\(closed by peer\\)"_s)));
    server->write("marker\n"_ba);
    QTRY_VERIFY(peer->hasLine("marker"_ba));
    QCOMPARE(countMatching(peer->lines(), HELLO), 3);
    QCOMPARE(peer->lines().size(), 5);   // welcome, 3 messages, marker
    QCOMPARE(server->count(logPattern(u"\\[#2 127\\.0\\.0\\.1:\\d+\\] hello, I'm echo-client .*"_s)), 3);
}

void tst_Cli::clientRefused()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    TestProcess *client = startClient({ u"--port"_s, QString::number(port) });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 1);
    const QStringList out = client->lines();
    QCOMPARE(out.size(), 2);
    QCOMPARE(out.value(0), u"Start to Connect..."_s);
    QVERIFY(out.value(1).startsWith(u"Connection is failed, Reason: "_s));
    QCOMPARE(out.value(1), u"Connection is failed, Reason: connection refused"_s);
}

void tst_Cli::clientReconnects()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    TestProcess *client = startClient({ u"--port"_s, QString::number(port), u"--reconnect"_s, u"--no-periodic"_s });
    // Backoff: 1 s, then 2 s. Seeing both shows it keeps trying.
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(u"Reconnecting in 1 s..."_s), START_TIMEOUT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(u"Reconnecting in 2 s..."_s), START_TIMEOUT_MS);
    QVERIFY(client->isRunning());

    QTcpServer listener;
    QVERIFY2(listener.listen(QHostAddress::LocalHost, port), qUtf8Printable(listener.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), START_TIMEOUT_MS);
    RawPeer *peer = m_rig.adopt(listener.nextPendingConnection());
    QTRY_VERIFY(client->hasLine(u"Connected..."_s));
    QCOMPARE(client->count(QRegularExpression(u"^Start to Connect\\.\\.\\.$"_s)), 3);
    peer->send("you made it\n"_ba);
    QTRY_VERIFY(client->hasLine(u"you made it"_s));
    QVERIFY(client->isRunning());
}

void tst_Cli::clientSendsStdin()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    TestProcess *client = startClient({ u"--port"_s, QString::number(listener.serverPort()), u"--no-periodic"_s });
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), START_TIMEOUT_MS);
    RawPeer *peer = m_rig.adopt(listener.nextPendingConnection());
    QTRY_VERIFY(client->hasLine(u"Connected..."_s));

    client->write("typed line\n"_ba);
    QTRY_COMPARE(peer->received(), "typed line\n"_ba);
    QTRY_VERIFY(client->hasLine(u"sent: typed line"_s));   // stdout is written up to 20 ms after the line

    // With nothing periodic to do, the end of standard input ends the client, and cleanly.
    client->closeInput();
    QTRY_VERIFY(client->hasFinished());
    QCOMPARE(client->exitCode(), 0);
    QTRY_VERIFY(peer->wasDisconnected());
    QCOMPARE(peer->received(), "typed line\n"_ba);
}

void tst_Cli::clientLineEnding_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("default") << QStringList() << "one\ntwo\n"_ba;
    QTest::addRow("lf") << QStringList { u"--line-ending"_s, u"lf"_s } << "one\ntwo\n"_ba;
    QTest::addRow("crlf") << QStringList { u"--line-ending"_s, u"crlf"_s } << "one\r\ntwo\r\n"_ba;
    QTest::addRow("none") << QStringList { u"--line-ending"_s, u"none"_s } << "onetwo"_ba;
}

void tst_Cli::clientLineEnding()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, expected);

    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    TestProcess *client = startClient(QStringList { u"--port"_s, QString::number(listener.serverPort()), u"--no-periodic"_s }
                                      + arguments);
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), START_TIMEOUT_MS);
    RawPeer *peer = m_rig.adopt(listener.nextPendingConnection());
    QTRY_VERIFY(client->hasLine(u"Connected..."_s));

    client->write("one\ntwo\n"_ba);
    client->closeInput();
    QTRY_VERIFY(client->hasFinished());
    QCOMPARE(client->exitCode(), 0);
    QTRY_VERIFY(peer->wasDisconnected());
    QCOMPARE(peer->received(), expected);
}

void tst_Cli::clientLostWhenDropped()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    TestProcess *client = startClient({ u"--port"_s, QString::number(port), u"--no-periodic"_s });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(QString::fromUtf8(welcome(1))), START_TIMEOUT_MS);

    server->write("/drop 1 go away\n"_ba);
    QTRY_VERIFY(client->hasFinished());
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 1);
    QCOMPARE(client->lines().constLast(), u"Lost connection. Reason: connection closed by the server"_s);
    QTRY_VERIFY(server->hasMatch(logPattern(u"lost connect: 0 \\[#1 127\\.0\\.0\\.1:\\d+\\] \\(dropped by the server: go away\\)"_s)));
}

void tst_Cli::clientStopsOnSigterm()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    TestProcess *client = startClient({ u"--port"_s, QString::number(port) });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(QString::fromUtf8(welcome(1))), START_TIMEOUT_MS);

    client->terminate();   // SIGTERM: close the connection and end well
    QTRY_VERIFY(client->hasFinished());
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 0);
    QCOMPARE(client->lines().constLast(), u"Lost connection. Reason: closed by the client"_s);
    QTRY_VERIFY(server->hasMatch(logPattern(u"lost connect: 0 \\[#1 127\\.0\\.0\\.1:\\d+\\] \\(closed by peer\\)"_s)));
}

void tst_Cli::serverMaxPerIpZeroIsNoLimit()
{
    // 0 means no limit, as in the window's spin box (core/settinglimits.h): three from one address all get in.
    TestProcess *server = startServer({ u"--max-per-ip"_s, u"0"_s });
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    for (int n = 1; n <= 3; ++n) {
        RawPeer *peer = m_rig.connectPeer(port);
        QTRY_VERIFY(peer->hasLine(welcome(n)));
    }
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
