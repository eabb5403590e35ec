// SPDX-License-Identifier: MIT
// One log, two programs: the same client script against the server window
// (--log-file) and against the console server (--log-file), in text and in
// JSON Lines, must give the same file event by event once times and port
// numbers are left out. The session has local and remote messages, binary
// bytes, a gap in a remote server's sequence, a refusal, a drop by the
// operator, a "close" and the stop. Real sockets, a real nats-server, and a
// raw NATS publisher standing in for another server of the domain.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "cluster/clusterbridge.h"
#include "console/options.h"
#include "natscluster.h"
#include "rawnats.h"
#include "server/serverwindow.h"
#include "testprocess.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {
constexpr int WAIT_MS = 15000;
const QString SERVER_ID = u"parity"_s;
const QString FAILED = u"script failed: "_s;

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** The server under test: the window in this process, or the console program. */
class Target
{
public:
    virtual ~Target() = default;
    virtual bool start() = 0;
    virtual quint16 port() const = 0;
    virtual void sendToAll(const QByteArray &line) = 0;
    virtual void drop(quint64 client, const QString &reason) = 0;
    virtual void stop() = 0;
};

class WindowTarget : public Target
{
public:
    explicit WindowTarget(const ServerOptions &options) : m_window(options) {}
    bool start() override { return m_window.start() && m_window.joinCluster(); }
    quint16 port() const override { return m_window.server()->serverPort(); }
    void sendToAll(const QByteArray &line) override { m_window.server()->sendToAll(line); }
    void drop(quint64 client, const QString &reason) override { m_window.server()->dropClient(client, reason); }
    void stop() override { m_window.stop(); }

private:
    ServerWindow m_window;
};

class ConsoleTarget : public Target
{
public:
    explicit ConsoleTarget(const QStringList &arguments) : m_arguments(arguments) {}
    bool start() override
    {
        m_process = std::make_unique<TestProcess>(serverBin(), m_arguments);
        // The console prints its log on stdout too: the listening line gives the port.
        static const QRegularExpression portPattern(uR"((?:port |"port":)(\d+))"_s);
        if (!QTest::qWaitFor([&] { return m_process->hasMatch(portPattern) || m_process->hasFinished(); }, WAIT_MS))
            return false;
        m_port = quint16(m_process->match(portPattern).captured(1).toUInt());
        return m_port != 0;
    }
    quint16 port() const override { return m_port; }
    void sendToAll(const QByteArray &line) override { m_process->write(line + '\n'); }
    void drop(quint64 client, const QString &reason) override
    {
        m_process->write("/drop " + QByteArray::number(client) + ' ' + reason.toUtf8() + '\n');
    }
    void stop() override { m_process->write("/quit\n"); }

private:
    QStringList m_arguments;
    std::unique_ptr<TestProcess> m_process;
    quint16 m_port = 0;
};

/** Times and port numbers out; everything else as written. */
QStringList normalized(const QByteArray &file, bool json)
{
    static const QRegularExpression ports(u"(127\\.0\\.0\\.1|\\[::1\\]):\\d+"_s);
    static const QRegularExpression portWord(u"port \\d+"_s);
    static const QRegularExpression time(u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "_s);
    QStringList lines;
    for (const QByteArray &line : completeLines(file)) {
        QString text;
        if (json) {
            QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.isEmpty())
                return { u"not a JSON object: "_s + QString::fromUtf8(line) };
            o.remove(u"time"_s);
            if (o.contains(u"port"_s))
                o.insert(u"port"_s, 0);
            text = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
        } else {
            text = QString::fromUtf8(line);
            if (!time.match(text).hasMatch())
                return { u"no time at the start: "_s + text };
            text.remove(time);
            text.replace(portWord, u"port PORT"_s);
        }
        lines.append(text.replace(ports, u"\\1:PORT"_s));
        if (lines.constLast().contains(json ? u"\"event\":\"stopped\""_s : u"stopped"_s))
            break;   // what comes after the stop (the bridge leaving as the program ends) is not the session's
    }
    return lines;
}
} // namespace

class tst_LogParity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameSessionSameLog_data();
    void sameSessionSameLog();

private:
    /** Runs the script against @p target; the log file it wrote, normalized. */
    QStringList runScript(Target &target, const QString &logFile, bool json);

    NatsTest::Node m_nats;
    QTemporaryDir m_dir;
    int m_run = 0;
};

void tst_LogParity::initTestCase()
{
    UiTest::isolateSettings(u"tst_logparity"_s);
    QVERIFY(m_dir.isValid());
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS support (libnats-dev was missing at configure time)");
    if (NatsTest::natsServerBin().isEmpty())
        QSKIP("nats-server is not installed (apt install nats-server)");
    QVERIFY(m_nats.start());
}

void tst_LogParity::sameSessionSameLog_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("text") << false;
    QTest::newRow("jsonl") << true;
}

QStringList tst_LogParity::runScript(Target &target, const QString &logFile, bool json)
{
    const auto fileHas = [&](const QString &needle) { return QString::fromUtf8(readFile(logFile)).contains(needle); };
    const auto wait = [](const auto &condition) { return QTest::qWaitFor(condition, WAIT_MS); };
    const auto fail = [](const char *what) { return QStringList { FAILED + QString::fromLatin1(what) }; };

    if (!target.start())
        return fail("the server did not start");
    if (!wait([&] { return fileHas(json ? u"\"state\":\"connected\""_s : u"cluster: connected to"_s); }))
        return fail("the server did not join the domain");

    RawPeer a(target.port());
    if (!wait([&] { return a.hasLine(welcome(1)); }))
        return fail("a: no welcome");
    RawPeer b(target.port());
    if (!wait([&] { return b.hasLine(welcome(2)); }))
        return fail("b: no welcome");
    a.send("hello from a\n");
    if (!wait([&] { return b.hasLine("hello from a"); }))
        return fail("b did not get a's message");
    b.send("\x01\x02\xff bytes\n"_ba);
    if (!wait([&] { return a.hasLine("\x01\x02\xff bytes"_ba); }))
        return fail("a did not get b's bytes");
    RawPeer c(target.port());   // one too many: --max-clients 2
    if (!wait([&] { return c.wasDisconnected(); }))
        return fail("c was not refused");

    NatsTest::RawNatsPublisher remote(m_nats.url());
    if (!remote.connect())
        return fail("the raw publisher could not connect to NATS");
    const QString origin = u"faraway"_s;
    const QString thisDomain = u"parity-%1-%2"_s.arg(QCoreApplication::applicationPid()).arg(m_run);
    if (!remote.publish(thisDomain, origin, 7, 1, "from afar") || !wait([&] { return a.hasLine("from afar"); }))
        return fail("a did not get the remote message");
    if (!remote.publish(thisDomain, origin, 7, 4, "after a gap") || !wait([&] { return a.hasLine("after a gap"); }))
        return fail("a did not get the remote message after the gap");

    target.sendToAll("to all");
    if (!wait([&] { return a.hasLine("to all") && b.hasLine("to all"); }))
        return fail("the operator's line did not reach everyone");
    target.drop(2, u"bye"_s);
    if (!wait([&] { return b.wasDisconnected(); }))
        return fail("b was not dropped");
    a.send("close\n");
    if (!wait([&] { return a.wasDisconnected(); }))
        return fail("a's close did not close it");
    target.stop();
    if (!wait([&] { return fileHas(json ? u"\"event\":\"stopped\""_s : u" stopped\n"_s); }))
        return fail("no stopped line");
    return normalized(readFile(logFile), json);
}

void tst_LogParity::sameSessionSameLog()
{
    QFETCH(bool, json);
    QSettings().clear();
    ++m_run;
    const QString domain = u"parity-%1-%2"_s.arg(QCoreApplication::applicationPid()).arg(m_run);
    const QString format = json ? u"jsonl"_s : u"text"_s;
    const QString windowFile = m_dir.filePath(u"window-%1.log"_s.arg(format));
    const QString consoleFile = m_dir.filePath(u"console-%1.log"_s.arg(format));

    // The window, from the same command line as the console gets.
    const QStringList common { u"--bind"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s, u"--max-clients"_s, u"2"_s,
                               u"--log-format"_s, format, u"--nats"_s, m_nats.url(), u"--domain"_s, domain,
                               u"--server-id"_s, SERVER_ID };
    ServerOptions options;
    QCOMPARE(parseServerOptions(QStringList { u"spread-server"_s } + common + QStringList { u"--log-file"_s, windowFile },
                                &options),
             std::nullopt);
    QStringList windowLog;
    {
        WindowTarget window(options);
        windowLog = runScript(window, windowFile, json);
    }
    // A new domain for the console: the window's bridge has said goodbye, but presence is not what is compared.
    ++m_run;
    const QString consoleDomain = u"parity-%1-%2"_s.arg(QCoreApplication::applicationPid()).arg(m_run);
    QStringList consoleArguments = QStringList { u"--headless"_s } + common + QStringList { u"--log-file"_s, consoleFile };
    consoleArguments[consoleArguments.indexOf(domain)] = consoleDomain;
    ConsoleTarget console(consoleArguments);
    QStringList consoleLog = runScript(console, consoleFile, json);
    consoleLog.replaceInStrings(consoleDomain, domain);

    QVERIFY2(!windowLog.value(0).startsWith(FAILED), qPrintable(u"window: "_s + windowLog.value(0)));
    QVERIFY2(!consoleLog.value(0).startsWith(FAILED), qPrintable(u"console: "_s + consoleLog.value(0)));
    // The session is all there, in both: each kind of event at least once.
    for (const QString &needle : { u"hello from a"_s, json ? u"AQL/IGJ5dGVz"_s : u"\\x01\\x02\\xff bytes"_s, u"server full"_s, u"from afar"_s,
                                   u"faraway"_s, json ? u"\"event\":\"gap\""_s : u"never arrived (2 to 3)"_s,
                                   u"dropped by the server: bye"_s, u"client sent close"_s, u"to all"_s }) {
        QVERIFY2(consoleLog.join(u'\n').contains(needle), qPrintable(u"console lacks '%1':\n%2"_s.arg(needle, consoleLog.join(u'\n'))));
    }
    QCOMPARE(windowLog.size(), consoleLog.size());
    for (qsizetype i = 0; i < consoleLog.size(); ++i)
        QCOMPARE(windowLog.at(i), consoleLog.at(i));
}

QTEST_MAIN(tst_LogParity)
#include "tst_logparity.moc"
