// SPDX-License-Identifier: MIT
// Our programs against the seed's: the Twisted SpreadServer and EchoClient,
// ported to Python 3 in tests/interop/, run as real peers on 127.0.0.1.
#include "testprocess.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {
// Python with Twisted takes a moment to start; generous for a loaded CI machine.
constexpr int START_TIMEOUT_MS = 15000;

QString interopDir()
{
    return QStringLiteral(SPREAD_INTEROP_DIR);
}


QString welcomeText(int n)
{
    return QString::fromUtf8(welcome(n));
}

const QString DATE_TIME = u"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+"_s;

/**
 * A Python 3 that can import twisted: $SPREAD_PYTHON if set (and only it),
 * else python3 on the PATH, then Debian's /usr/bin/python3, where
 * python3-twisted installs (a pyenv or virtualenv python3 earlier on the
 * PATH does not see Debian's packages).
 */
QString findTwistedPython(QStringList *tried)
{
    QStringList candidates;
    if (const QString chosen = qEnvironmentVariable("SPREAD_PYTHON"); !chosen.isEmpty()) {
        candidates.append(QStandardPaths::findExecutable(chosen).isEmpty() ? chosen : QStandardPaths::findExecutable(chosen));
    } else {
        if (const QString inPath = QStandardPaths::findExecutable(u"python3"_s); !inPath.isEmpty())
            candidates.append(inPath);
        candidates.append(u"/usr/bin/python3"_s);
        candidates.removeDuplicates();
    }

    for (const QString &python : std::as_const(candidates)) {
        if (!QFileInfo(python).isExecutable()) {
            tried->append(u"%1 (not found)"_s.arg(python));
            continue;
        }
        QProcess probe;
        probe.setProcessChannelMode(QProcess::MergedChannels);
        probe.start(python, { u"-c"_s, u"import twisted"_s });
        const auto ended = [&] { return probe.state() == QProcess::NotRunning; };
        if (!QTest::qWaitFor(ended, 30000)) {
            probe.kill();
            if (!QTest::qWaitFor(ended, 5000))
                qWarning("%s: the probe did not end", qUtf8Printable(python));
        }
        const bool ok = probe.error() == QProcess::UnknownError && probe.exitStatus() == QProcess::NormalExit
                && probe.exitCode() == 0;
        tried->append(u"%1 (%2)"_s.arg(python, ok ? u"ok"_s : u"no twisted"_s));
        if (ok)
            return python;
    }
    return {};
}
} // namespace

class tst_Interop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void seedServerWithOurClient();
    void seedServerDropsOurClientOnClose();
    void ourServerWithSeedClients();

private:
    /** Starts the seed's server on a free port and returns the port it printed; 0 on failure. */
    quint16 startSeedServer(TestProcess **server);
    TestProcess *startSeedClient(quint16 port);
    TestProcess *startOurClient(quint16 port, const QStringList &arguments);

    QString m_python;
    TestRig m_rig;
};

void tst_Interop::initTestCase()
{
    QVERIFY2(QFileInfo::exists(interopDir() + u"/spread_server.py"_s), qUtf8Printable(interopDir()));
    QStringList tried;
    m_python = findTwistedPython(&tried);
    if (m_python.isEmpty()) {
        QSKIP(qUtf8Printable(u"no Python 3 with the twisted module (tried: %1); install python3-twisted "
                             "(Debian) to run the interop tests with the seed's programs"_s
                                     .arg(tried.isEmpty() ? u"none found"_s : tried.join(u", "_s))));
    }
    qInfo("seed programs run with %s", qUtf8Printable(m_python));
}

void tst_Interop::cleanup()
{
    m_rig.cleanup();
}

quint16 tst_Interop::startSeedServer(TestProcess **server)
{
    *server = m_rig.start(m_python, { u"-u"_s, u"spread_server.py"_s, u"--port"_s, u"0"_s }, interopDir());
    if (!QTest::qWaitFor([&] { return !(*server)->lines().isEmpty() || (*server)->hasFinished(); }, START_TIMEOUT_MS))
        return 0;
    static const QRegularExpression first(u"^port: (\\d+)$"_s);
    const auto m = first.match((*server)->lines().value(0));
    return m.hasMatch() ? m.captured(1).toUShort() : 0;
}

TestProcess *tst_Interop::startSeedClient(quint16 port)
{
    return m_rig.start(m_python,
                       { u"-u"_s, u"echo_client.py"_s, u"--port"_s, QString::number(port), u"--interval"_s, u"0.3"_s },
                       interopDir());
}

TestProcess *tst_Interop::startOurClient(quint16 port, const QStringList &arguments)
{
    return m_rig.start(clientBin(), QStringList { u"--headless"_s, u"--port"_s, QString::number(port) } + arguments);
}

// The seed's server, our client: the welcome arrives, our periodic messages
// (with no line ending, as the seed's client sends them) arrive one chunk
// each, and a seed-style "close" from another peer reaches our client.
void tst_Interop::seedServerWithOurClient()
{
    TestProcess *seed = nullptr;
    const quint16 port = startSeedServer(&seed);
    QVERIFY2(port != 0, qUtf8Printable(seed->describe()));

    TestProcess *client = startOurClient(port, { u"--line-ending"_s, u"none"_s, u"--interval"_s, u"0.2"_s });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(u"Connected..."_s), START_TIMEOUT_MS);
    QTRY_VERIFY(client->hasLine(welcomeText(1)));
    QTRY_VERIFY(seed->hasLine(u"new connect: 1"_s));

    // The seed prints every chunk it reads; ours are whole messages with no line ending.
    const QRegularExpression hellos(u"^(hello, I'm echo-client %1)+$"_s.arg(DATE_TIME));
    QTRY_VERIFY_WITH_TIMEOUT(seed->count(hellos) >= 3, START_TIMEOUT_MS);
    const QRegularExpression bookkeeping(u"^(port|new connect|lost connect): \\d+$"_s);
    for (const QString &line : seed->lines())
        QVERIFY2(hellos.match(line).hasMatch() || bookkeeping.match(line).hasMatch(), qUtf8Printable(line));

    // Another client says "close" the seed's way: the seed drops it and passes the word on, with no line ending.
    RawPeer *closer = m_rig.connectPeer(port);
    QTRY_VERIFY_WITH_TIMEOUT(closer->hasLine(welcome(2)), START_TIMEOUT_MS);
    closer->send("close"_ba);
    QTRY_VERIFY(closer->wasDisconnected());
    QTRY_VERIFY(seed->hasLine(u"lost connect: 1"_s));
    // Our client shows the unterminated "close" once the server has been quiet for 200 ms.
    QTRY_VERIFY(client->hasLine(u"close"_s));
    QVERIFY(client->isRunning());
    QVERIFY(!seed->hasLine(u"close"_s));
}

// Our client says "close" with no line ending: the seed drops it, relays the
// word to the other client, and our client reports the lost connection.
void tst_Interop::seedServerDropsOurClientOnClose()
{
    TestProcess *seed = nullptr;
    const quint16 port = startSeedServer(&seed);
    QVERIFY2(port != 0, qUtf8Printable(seed->describe()));

    TestProcess *client = startOurClient(port, { u"--line-ending"_s, u"none"_s, u"--no-periodic"_s });
    QTRY_VERIFY_WITH_TIMEOUT(client->hasLine(welcomeText(1)), START_TIMEOUT_MS);
    RawPeer *other = m_rig.connectPeer(port);
    QTRY_VERIFY_WITH_TIMEOUT(other->hasLine(welcome(2)), START_TIMEOUT_MS);

    client->write("close\n"_ba);   // sent as "close", nothing after it
    QTRY_VERIFY_WITH_TIMEOUT(client->hasFinished(), START_TIMEOUT_MS);
    QCOMPARE(client->exitStatus(), QProcess::NormalExit);
    QCOMPARE(client->exitCode(), 1);
    QCOMPARE(client->lines().constLast(), u"Lost connection. Reason: connection closed by the server"_s);
    QTRY_VERIFY(seed->hasLine(u"lost connect: 1"_s));
    QTRY_COMPARE(other->received(), welcome(2) + "\nclose");
}

// Our server, two seed clients: the welcome numbers, our log of their
// messages, relay to the other seed client, and the seed's "close".
void tst_Interop::ourServerWithSeedClients()
{
    TestProcess *server = m_rig.start(serverBin(), { u"--headless"_s, u"--port"_s, u"0"_s });
    QTRY_VERIFY_WITH_TIMEOUT(!server->lines().isEmpty(), START_TIMEOUT_MS);
    const quint16 port = server->lines().first().section(u' ', -1).toUShort();
    QVERIFY2(port != 0, qUtf8Printable(server->describe()));

    // One after the other, so that the numbers are certain.
    TestProcess *first = startSeedClient(port);
    QTRY_VERIFY_WITH_TIMEOUT(first->hasLine(welcomeText(1)), START_TIMEOUT_MS);
    TestProcess *second = startSeedClient(port);
    QTRY_VERIFY_WITH_TIMEOUT(second->hasLine(welcomeText(2)), START_TIMEOUT_MS);
    QVERIFY(first->hasLine(u"Connected..."_s));
    QVERIFY(second->hasLine(u"Connected..."_s));

    // The seed client sends no line ending; our server delivers each message after 200 ms of quiet.
    // Only what #1 sent after #2 came in was relayed to #2: look from that log line on.
    const QRegularExpression secondIn(u"^\\S+ \\S+ new connect: 2 \\[#2 127\\.0\\.0\\.1:\\d+\\]$"_s);
    QTRY_VERIFY(server->indexOf(secondIn) > 0);
    const qsizetype bothIn = server->indexOf(secondIn);
    const auto logged = [server, bothIn](int client) {
        return server->match(QRegularExpression(u"^\\S+ \\S+ \\[#%1 127\\.0\\.0\\.1:\\d+\\] (hello, I'm echo_client\\.py %2)$"_s
                                                        .arg(client)
                                                        .arg(DATE_TIME)),
                             bothIn + 1);
    };
    QTRY_VERIFY_WITH_TIMEOUT(logged(1).hasMatch(), START_TIMEOUT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(logged(2).hasMatch(), START_TIMEOUT_MS);
    // Relayed, word for word, to the other one (a seed client prints no "hello" of its own).
    const QString fromFirst = logged(1).captured(1);
    const QString fromSecond = logged(2).captured(1);
    QTRY_VERIFY(second->hasLine(fromFirst));
    QTRY_VERIFY(first->hasLine(fromSecond));
    QVERIFY(!first->hasLine(fromFirst));

    // A seed-style "close" (no line ending): dropped with its reason, and the others are told.
    RawPeer *closer = m_rig.connectPeer(port);
    QTRY_VERIFY(closer->hasLine(welcome(3)));
    closer->send("close"_ba);
    QTRY_VERIFY(closer->wasDisconnected());
    QTRY_VERIFY(server->hasMatch(QRegularExpression(
            u"^\\S+ \\S+ lost connect: 2 \\[#3 127\\.0\\.0\\.1:%1\\] \\(client sent close\\)$"_s.arg(closer->localPort()))));
    QTRY_VERIFY(first->hasLine(u"close"_s));
    QTRY_VERIFY(second->hasLine(u"close"_s));

    // Stopping closes the connections cleanly, as Twisted sees it.
    server->terminate();
    QTRY_VERIFY(server->hasFinished());
    QCOMPARE(server->exitCode(), 0);
    const QRegularExpression cleanLoss(u"^Lost connection\\. Reason:  .*ConnectionDone"_s);
    QTRY_VERIFY_WITH_TIMEOUT(first->hasMatch(cleanLoss), START_TIMEOUT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(second->hasMatch(cleanLoss), START_TIMEOUT_MS);
}

QTEST_GUILESS_MAIN(tst_Interop)
#include "tst_interop.moc"
