// SPDX-License-Identifier: MIT
// The two programs' command lines, end to end: the built spread-server and
// echo-client run under QProcess and talk to raw sockets on 127.0.0.1.
#include "testprocess.h"

#include <QDateTime>
#include <QFile>
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

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

/*
 * Issue 15's example rules file, with "alarm" from 127.0.0.0/8 so that our
 * raw clients match it, and "far", which would tag the same message but
 * only from 10.0.0.0/8: it must never apply here.
 */
const QByteArray EXAMPLE_RULES = R"json([
  {"name": "ping",  "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1"},
  {"name": "quiet", "match": {"contains": "password"}, "relay": false},
  {"name": "kick",  "match": {"hex": "ff 01 ?? 00"}, "disconnect": "bad device"},
  {"name": "alarm", "match": {"regex": "TEMP=(\\d+)"}, "from": "127.0.0.0/8",
   "broadcast": "alarm from {client}: \\1", "tag": "alarm", "delayMs": 100, "continue": true},
  {"name": "far",   "match": {"contains": "TEMP"}, "from": "10.0.0.0/8", "tag": "far"}
])json"_ba;

/** Every line of a --log-format jsonl run that is a JSON object. */
QList<QJsonObject> jsonEvents(const TestProcess *program)
{
    QList<QJsonObject> events;
    for (const QString &line : program->lines()) {
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
        if (doc.isObject())
            events.append(doc.object());
    }
    return events;
}

/** The first event named @p event whose "text" is @p text; empty if none yet. */
QJsonObject jsonEvent(const TestProcess *program, const QString &event, const QString &text)
{
    for (const QJsonObject &o : jsonEvents(program)) {
        if (o.value(u"event"_s).toString() == event && o.value(u"text"_s).toString() == text)
            return o;
    }
    return {};
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

    // Rules, templates and saved messages (issue 15)
    void badRulesOrSendFile_data();
    void badRulesOrSendFile();
    void serverRulesAnswerTagAndCount();
    void serverRulesJsonLog();
    void serverTypedTemplates();
    void clientSendFileAgainstOurServer();
    void clientSendFileHexWithChecksum();
    void clientRulesAnswerThroughOurServer();

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
    QTest::addRow("client message unknown token") << client << QStringList { u"--message"_s, u"{nosuch}"_s }
                                                  << QStringList { u"--message"_s, u"{nosuch}"_s };
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

// ---------------------------------------------------------------------------
// Rules, templates and saved messages (issue 15)

void tst_Cli::badRulesOrSendFile_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("option");        // --rules or --send-file, given the file
    QTest::addColumn<QByteArray>("content");    // a null array: the file does not exist
    QTest::addColumn<QStringList>("mentions");  // the one error line names these; %1 is the file's path

    const QString server = serverBin();
    const QString client = clientBin();
    const QString rules = u"--rules"_s;
    const QString sendFile = u"--send-file"_s;
    // The regex engine's own words may change (QRegularExpression, PCRE2): only the rule and "regex" are asserted.
    QTest::addRow("server rules unreadable") << server << rules << QByteArray() << QStringList { rules, u"%1: "_s };
    QTest::addRow("server rules not JSON") << server << rules << R"([{"name": "ping", )"_ba
                                           << QStringList { rules, u"%1: "_s, u"JSON"_s };
    QTest::addRow("server rules unknown key")
            << server << rules << R"([{"name": "ping", "match": {"text": "PING"}, "replay": "PONG"}])"_ba
            << QStringList { rules, u"%1: "_s, u"“ping”"_s, u"unknown key"_s, u"replay"_s };
    QTest::addRow("server rules unknown key, second rule unnamed")
            << server << rules << R"([{"name": "ok", "match": {"text": "a"}}, {"match": {"text": "b"}, "colour": 1}])"_ba
            << QStringList { rules, u"%1: "_s, u"rule 2"_s, u"unknown key"_s, u"colour"_s };
    QTest::addRow("server rules invalid regex")
            << server << rules << R"([{"name": "broken", "match": {"regex": "^(PING"}, "reply": "x"}])"_ba
            << QStringList { rules, u"%1: "_s, u"“broken”"_s, u"regex"_s };
    QTest::addRow("server rules \\2 beyond the groups")
            << server << rules << R"([{"name": "echo", "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\2"}])"_ba
            << QStringList { rules, u"%1: "_s, u"“echo”"_s, u"reply"_s, u"\\2"_s };
    QTest::addRow("client rules broadcast")
            << client << rules << R"([{"name": "shout", "match": {"contains": "x"}, "broadcast": "y"}])"_ba
            << QStringList { rules, u"%1: "_s, u"“shout”"_s, u"broadcast"_s };
    QTest::addRow("client send-file unreadable") << client << sendFile << QByteArray() << QStringList { sendFile, u"%1: "_s };
    QTest::addRow("client send-file unknown token")
            << client << sendFile << R"([{"name": "fine", "text": "ok"}, {"name": "poll", "text": "n{nosuch}"}])"_ba
            << QStringList { sendFile, u"%1: "_s, u"“poll”"_s, u"{nosuch}"_s };
    QTest::addRow("client send-file text and hex")
            << client << sendFile << R"([{"name": "both", "text": "a", "hex": "01"}])"_ba
            << QStringList { sendFile, u"%1: "_s, u"“both”"_s };
    QTest::addRow("client send-file bad hex")
            << client << sendFile << R"([{"name": "modbus", "hex": "01 0z {crc16-modbus}"}])"_ba
            << QStringList { sendFile, u"%1: "_s, u"“modbus”"_s, u"01 0z"_s };
    QTest::addRow("client send-file repeat 0")
            << client << sendFile << R"([{"name": "many", "text": "a", "repeat": 0}])"_ba
            << QStringList { sendFile, u"%1: "_s, u"“many”"_s, u"repeat"_s };
}

void tst_Cli::badRulesOrSendFile()
{
    QFETCH(QString, program);
    QFETCH(QString, option);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, mentions);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"given.json"_s);
    if (!content.isNull())
        QVERIFY(writeFile(path, content));

    // Checked before anything starts: the client does not even try to connect (no server is needed).
    TestProcess *p = m_rig.start(program, { u"--headless"_s, u"--port"_s, QString::number(closedPort()), option, path });
    QTRY_VERIFY_WITH_TIMEOUT(p->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(p->exitStatus(), QProcess::NormalExit);
    QCOMPARE(p->exitCode(), 2);
    QCOMPARE(p->out(), QByteArray());
    const QStringList errors = p->errLines();
    QCOMPARE(errors.size(), 1);
    const QString &error = errors.first();
    QVERIFY2(error.startsWith(QFileInfo(program).fileName() + u": "_s), qUtf8Printable(error));
    for (QString mention : mentions) {
        mention.replace(u"%1"_s, path);
        QVERIFY2(error.contains(mention), qUtf8Printable(u"'%1' not in: %2"_s.arg(mention, error)));
    }
    QVERIFY2(!error.endsWith(path + u": "_s), "no reason given");
}

void tst_Cli::serverRulesAnswerTagAndCount()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString rules = dir.filePath(u"rules.json"_s);
    QVERIFY(writeFile(rules, EXAMPLE_RULES));
    TestProcess *server = startServer({ u"--rules"_s, rules });
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));
    const QString whoA = u"[#1 127.0.0.1:%1]"_s.arg(a->localPort());

    // ping: the reply goes to the sender, named in the log by the rule and its hits; the message is relayed.
    a->send("PING 7\n"_ba);
    QTRY_VERIFY(a->hasLine("PONG 7"_ba));
    QTRY_VERIFY(b->hasLine("PING 7"_ba));
    QTRY_VERIFY(server->hasMatch(logLine(u"[server -> #1, rule ping #1] PONG 7"_s)));
    QVERIFY(server->hasMatch(logLine(whoA + u" PING 7"_s)));   // no rule tags it

    // quiet: logged, not relayed (b's lines below show nothing came between).
    a->send("my password is 1234\n"_ba);
    QTRY_VERIFY(server->hasMatch(logLine(whoA + u" my password is 1234"_s)));

    // alarm: tagged at once; the broadcast follows 100 ms later, to all. "far" (10.0.0.0/8) does not apply.
    a->send("TEMP=41\n"_ba);
    QTRY_VERIFY(server->hasMatch(logLine(whoA + u" [alarm] TEMP=41"_s)));
    QTRY_VERIFY(a->hasLine("alarm from 1: 41"_ba));
    QTRY_VERIFY(b->hasLine("alarm from 1: 41"_ba));
    QTRY_VERIFY(server->hasMatch(logLine(u"[server -> all (2), rule alarm #1] alarm from 1: 41"_s)));
    QCOMPARE(a->lines(), QByteArrayList({ welcome(1), "PONG 7"_ba, "alarm from 1: 41"_ba }));
    QCOMPARE(b->lines(), QByteArrayList({ welcome(2), "PING 7"_ba, "TEMP=41"_ba, "alarm from 1: 41"_ba }));

    // kick: leading bytes ff 01 ?? 00 disconnect the sender with the rule's reason, and are not relayed.
    RawPeer *c = m_rig.connectPeer(port);
    QTRY_VERIFY(c->hasLine(welcome(3)));
    c->send(QByteArray::fromHex("ff01a500") + '\n');
    QTRY_VERIFY(c->wasDisconnected());
    QTRY_VERIFY(server->hasMatch(
            logPattern(u"lost connect: 2 \\[#3 127\\.0\\.0\\.1:%1\\] \\(.*bad device\\)"_s.arg(c->localPort()))));
    server->write("marker\n"_ba);
    QTRY_VERIFY(b->hasLine("marker"_ba));
    QCOMPARE(b->lines().size(), 5);   // welcome, PING 7, TEMP=41, alarm, marker: not c's bytes

    // /rules: each rule as written, with its hits.
    server->write("/rules\n"_ba);
    QTRY_VERIFY(server->hasLine(u"5. far: contains TEMP -> 0 hits"_s));
    const QStringList lines = server->lines();
    const qsizetype first = lines.indexOf(u"5 rules"_s);
    QVERIFY(first >= 0);
    QCOMPARE(lines.mid(first, 6), QStringList({
                                          u"5 rules"_s,
                                          u"1. ping: regex ^PING (\\d+)$ -> 1 hits"_s,
                                          u"2. quiet: contains password -> 1 hits"_s,
                                          u"3. kick: hex ff 01 ?? 00 -> 1 hits"_s,
                                          u"4. alarm: regex TEMP=(\\d+) -> 1 hits"_s,
                                          u"5. far: contains TEMP -> 0 hits"_s,
                                  }));
    QCOMPARE(server->err(), QByteArray());
}

void tst_Cli::serverRulesJsonLog()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString rules = dir.filePath(u"rules.json"_s);
    QVERIFY(writeFile(rules, EXAMPLE_RULES));
    TestProcess *server = startServer({ u"--rules"_s, rules, u"--log-format"_s, u"jsonl"_s });
    QTRY_VERIFY_WITH_TIMEOUT(!jsonEvents(server).isEmpty(), START_TIMEOUT_MS);
    const quint16 port = quint16(jsonEvents(server).constFirst().value(u"port"_s).toInt());
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));

    a->send("PING 5\nTEMP=30\n"_ba);
    QTRY_VERIFY(b->hasLine("alarm from 1: 30"_ba));

    QTRY_VERIFY(!jsonEvent(server, u"sent"_s, u"alarm from 1: 30"_s).isEmpty());
    const QJsonObject ping = jsonEvent(server, u"received"_s, u"PING 5"_s);
    QCOMPARE(ping.value(u"client"_s).toInt(), 1);
    QVERIFY2(!ping.contains(u"tag"_s), "no rule tags PING");
    const QJsonObject pong = jsonEvent(server, u"sent"_s, u"PONG 5"_s);
    QCOMPARE(pong.value(u"client"_s).toInt(), 1);
    QCOMPARE(pong.value(u"rule"_s).toString(), u"ping"_s);
    QCOMPARE(pong.value(u"hits"_s).toInt(), 1);
    QVERIFY(!pong.contains(u"tag"_s));
    const QJsonObject temp = jsonEvent(server, u"received"_s, u"TEMP=30"_s);
    QCOMPARE(temp.value(u"tag"_s).toString(), u"alarm"_s);   // not "alarm,far"
    QCOMPARE(temp.value(u"relayed"_s).toInt(), 1);
    QVERIFY(!temp.contains(u"rule"_s));
    const QJsonObject alarm = jsonEvent(server, u"sent"_s, u"alarm from 1: 30"_s);
    QCOMPARE(alarm.value(u"rule"_s).toString(), u"alarm"_s);
    QCOMPARE(alarm.value(u"hits"_s).toInt(), 1);
    QCOMPARE(alarm.value(u"receivers"_s).toInt(), 2);
    QVERIFY(!alarm.contains(u"client"_s));   // to all

    // A message the operator types is no rule's.
    server->write("by hand\n"_ba);
    QTRY_VERIFY(!jsonEvent(server, u"sent"_s, u"by hand"_s).isEmpty());
    QVERIFY(!jsonEvent(server, u"sent"_s, u"by hand"_s).contains(u"rule"_s));
}

void tst_Cli::serverTypedTemplates()
{
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *a = m_rig.connectPeer(port);
    QTRY_VERIFY(a->hasLine(welcome(1)));
    RawPeer *b = m_rig.connectPeer(port);
    QTRY_VERIFY(b->hasLine(welcome(2)));

    // Each client gets its own id; the counter advances once per typed line, not per receiver.
    server->write("n{counter} {client}\n"_ba);
    QTRY_VERIFY(a->hasLine("n1 1"_ba));
    QTRY_VERIFY(b->hasLine("n1 2"_ba));
    server->write("n{counter} {client}\n"_ba);
    QTRY_VERIFY(a->hasLine("n2 1"_ba));
    QTRY_VERIFY(b->hasLine("n2 2"_ba));

    // A template that does not parse is refused with the reason, sends nothing and uses no number.
    server->write("{nosuch} here\n"_ba);
    QTRY_VERIFY(!server->errLines().isEmpty());
    const QString error = server->errLines().constFirst();
    QVERIFY2(error.startsWith(u"spread-server: not sent: "_s) && error.contains(u"{nosuch}"_s), qUtf8Printable(error));
    server->write("end {counter}\n"_ba);
    QTRY_VERIFY(a->hasLine("end 3"_ba));
    QTRY_VERIFY(b->hasLine("end 3"_ba));
    QCOMPARE(a->lines(), QByteArrayList({ welcome(1), "n1 1"_ba, "n2 1"_ba, "end 3"_ba }));
    QCOMPARE(b->lines(), QByteArrayList({ welcome(2), "n1 2"_ba, "n2 2"_ba, "end 3"_ba }));
    QCOMPARE(server->errLines().size(), 1);
    QVERIFY(!server->out().contains("nosuch"));
}

void tst_Cli::clientSendFileAgainstOurServer()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"messages.json"_s);
    QVERIFY(writeFile(file, R"([
        {"name": "hello", "text": "hello", "intervalMs": 0},
        {"name": "burst", "text": "burst {counter}", "repeat": 3, "intervalMs": 20},
        {"name": "bye", "text": "bye {counter:10}", "intervalMs": 0}
    ])"_ba));
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));

    // Standard input is closed before the client is even connected: the list is still sent, then it ends.
    TestProcess *client = startClient({ u"--port"_s, QString::number(port), u"--no-periodic"_s, u"--send-file"_s, file });
    QTRY_VERIFY_WITH_TIMEOUT(client->process().state() == QProcess::Running, START_TIMEOUT_MS);
    client->closeInput();
    QTRY_VERIFY_WITH_TIMEOUT(client->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 0);
    QCOMPARE(client->err(), QByteArray());
    const QStringList sent { u"sent: hello"_s, u"sent: burst 1"_s, u"sent: burst 2"_s, u"sent: burst 3"_s, u"sent: bye 10"_s };
    QStringList clientSent = client->lines().filter(QRegularExpression(u"^sent"_s));
    QCOMPARE(clientSent, sent);

    QTRY_VERIFY(server->hasMatch(logPattern(u"lost connect: 1 \\[#2 127\\.0\\.0\\.1:\\d+\\] \\(closed by peer\\)"_s)));
    server->write("marker\n"_ba);
    QTRY_VERIFY(peer->hasLine("marker"_ba));
    QCOMPARE(peer->lines(), QByteArrayList({ welcome(1), "hello"_ba, "burst 1"_ba, "burst 2"_ba, "burst 3"_ba, "bye 10"_ba,
                                             "marker"_ba }));
}

void tst_Cli::clientSendFileHexWithChecksum()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"modbus.json"_s);
    QVERIFY(writeFile(file, R"([{"name": "poll", "hex": "01 03 00 00 00 0a {crc16-modbus}", "intervalMs": 0}])"_ba));
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    TestProcess *client = startClient({ u"--port"_s, QString::number(listener.serverPort()), u"--no-periodic"_s,
                                        u"--line-ending"_s, u"none"_s, u"--send-file"_s, file });
    QTRY_VERIFY_WITH_TIMEOUT(listener.hasPendingConnections(), START_TIMEOUT_MS);
    RawPeer *peer = m_rig.adopt(listener.nextPendingConnection());
    client->closeInput();
    QTRY_VERIFY(client->hasFinished());
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 0);
    QTRY_VERIFY(peer->wasDisconnected());
    // Modbus RTU "read 10 holding registers from 0 of unit 1": its CRC is c5 cd, low byte first.
    QCOMPARE(peer->received(), QByteArray::fromHex("01 03 00 00 00 0a c5 cd"));
    QCOMPARE(client->err(), QByteArray());
}

void tst_Cli::clientRulesAnswerThroughOurServer()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString rules = dir.filePath(u"client-rules.json"_s);
    QVERIFY(writeFile(rules, R"([{"name": "pong", "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1"}])"_ba));
    TestProcess *server = startServer();
    const quint16 port = listeningPort(server);
    QVERIFY(port != 0);
    RawPeer *peer = m_rig.connectPeer(port);
    QTRY_VERIFY(peer->hasLine(welcome(1)));
    TestProcess *client = startClient({ u"--port"_s, QString::number(port), u"--no-periodic"_s, u"--rules"_s, rules });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(QString::fromUtf8(welcome(2))), START_TIMEOUT_MS);

    // The server relays PING to the echo-client, whose rule answers; the server relays the answer back.
    peer->send("PING 3\n"_ba);
    QTRY_VERIFY(peer->hasLine("PONG 3"_ba));
    QTRY_VERIFY(client->hasLine(u"sent (rule pong #1): PONG 3"_s));
    QVERIFY(client->hasLine(u"PING 3"_s));
    QTRY_VERIFY(server->hasMatch(logPattern(u"\\[#2 127\\.0\\.0\\.1:\\d+\\] PONG 3"_s)));

    // What does not match is not answered: the next answer is PONG 4's.
    peer->send("PING x\nPING 4\n"_ba);
    QTRY_VERIFY(peer->hasLine("PONG 4"_ba));
    QCOMPARE(peer->lines(), QByteArrayList({ welcome(1), "PONG 3"_ba, "PONG 4"_ba }));

    client->write("/rules\n"_ba);
    QTRY_VERIFY(client->hasLine(u"1. pong: regex ^PING (\\d+)$ -> 2 hits"_s));
    QVERIFY(client->hasLine(u"1 rules"_s));
    QCOMPARE(client->err(), QByteArray());
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
