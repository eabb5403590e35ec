// SPDX-License-Identifier: MIT
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "logview/logmodel.h"
#include "logview/logpanel.h"
#include "server/serverwindow.h"
#include "testpeer.h"
#include "tshark.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

/**
 * "Save as pcapng" of a window's log (LogPanel::saveCaptureTo), read back
 * with tshark: one TCP stream per client holding exactly its messages, with
 * their line feeds, in order, timed as the log's events.
 */
class tst_LogPcap : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void serverWindowStreamsPerClient();
    void unknownServerAndClusterOrigins();
    void cannotWriteIsSaid();

private:
    using Followed = Tshark::Stream;
    static QByteArray tshark(const QStringList &arguments);
    static Followed follow(const QString &path, int stream) { return Tshark::follow(path, stream); }
    QTemporaryDir m_dir;
    QString m_tshark;
};

void tst_LogPcap::initTestCase()
{
    isolateSettings(u"tst_logpcap"_s);
    QVERIFY(m_dir.isValid());
    m_tshark = QStandardPaths::findExecutable(u"tshark"_s);
}

QByteArray tst_LogPcap::tshark(const QStringList &arguments)
{
    int exitCode = -1;
    const QByteArray out = Tshark::run(arguments, &exitCode);
    if (exitCode != 0) {
        qWarning() << "tshark" << arguments << "failed with" << exitCode;
        return {};
    }
    return out;
}

void tst_LogPcap::serverWindowStreamsPerClient()
{
    if (m_tshark.isEmpty())
        QSKIP("tshark is not installed");
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    typeInto(child<QComboBox>(&window, "bindCombo"), u"127.0.0.1"_s);
    typeInto(child<QSpinBox>(&window, "portSpin"), u"0"_s);
    QTest::mouseClick(child<QPushButton>(&window, "startButton"), Qt::LeftButton);
    QVERIFY(window.server()->isListening());
    const quint16 port = window.server()->serverPort();

    TestPeer a(port);
    QTRY_COMPARE(window.server()->clients().size(), 1);
    TestPeer b(port);
    QTRY_COMPARE(window.server()->clients().size(), 2);
    QTRY_VERIFY(a.isConnected() && b.isConnected());

    a.write("a1\n");
    QTRY_VERIFY(b.hasLine("a1"));
    b.write("b1\n");
    QTRY_VERIFY(a.hasLine("b1"));
    auto *compose = child<QLineEdit>(&window, "composeEdit");
    compose->setFocus();
    QTest::keyClicks(compose, u"to all"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(a.hasLine("to all") && b.hasLine("to all"));
    const quint16 aPort = a.socket().localPort(), bPort = b.socket().localPort();
    a.write("a2\n");
    QTRY_VERIFY(b.hasLine("a2"));
    a.socket().disconnectFromHost();
    QTRY_COMPARE(window.server()->clients().size(), 1);
    QTRY_VERIFY(hasRow(window.logModel(), u"a2"_s));
    window.logModel()->flush();

    const QString path = m_dir.filePath(u"server.pcapng"_s);
    QSignalSpy saved(window.logPanel(), &LogPanel::saved);
    QVERIFY(window.logPanel()->saveCaptureTo(path));
    QCOMPARE(saved.size(), 1);

    // Streams in the order the clients connected: a, then b.
    const Followed first = follow(path, 0);
    const Followed second = follow(path, 1);
    QCOMPARE(first.client, u"127.0.0.1:%1"_s.arg(aPort));
    QCOMPARE(first.server, u"127.0.0.1:%1"_s.arg(port));
    QCOMPARE(second.client, u"127.0.0.1:%1"_s.arg(bPort));
    const QList<QByteArray> aSegments { "> a1\n", "< b1\n", "< to all\n", "> a2\n" };
    const QList<QByteArray> bSegments { "< a1\n", "> b1\n", "< to all\n", "< a2\n" };
    QCOMPARE(first.segments, aSegments);
    QCOMPARE(second.segments, bSegments);
    QVERIFY(follow(path, 2).segments.isEmpty());   // no third stream

    // Each data segment at the time of its event, to the millisecond.
    QSet<qint64> messageTimes;
    for (int row = 0; row < window.logModel()->rowCount(); ++row) {
        if (window.logModel()->entry(row).isMessage())
            messageTimes.insert(window.logModel()->entry(row).timeMs);
    }
    const QByteArray times = tshark({ u"-r"_s, path, u"-Y"_s, u"tcp.len > 0"_s, u"-T"_s, u"fields"_s, u"-e"_s,
                                      u"frame.time_epoch"_s });
    const QList<QByteArray> lines = times.trimmed().split('\n');
    QCOMPARE(lines.size(), 8);
    QSet<qint64> frameTimes;
    for (const QByteArray &line : lines) {
        const QList<QByteArray> seconds = line.split('.');
        QCOMPARE(seconds.size(), 2);
        frameTimes.insert(seconds.at(0).toLongLong() * 1000 + seconds.at(1).left(3).toLongLong());
        QCOMPARE(seconds.at(1).mid(3, 3), "000"_ba);   // whole milliseconds
    }
    QCOMPARE(frameTimes, messageTimes);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("SpreadSite client #1"));   // comments as --capture writes them
    QVERIFY(bytes.contains("each message followed by its framing's ending"));
    QVERIFY(!bytes.contains("the log had no address"));
}

void tst_LogPcap::unknownServerAndClusterOrigins()
{
    if (m_tshark.isEmpty())
        QSKIP("tshark is not installed");
    LogModel model;
    LogPanel panel(&model);
    const qint64 t0 = 1'700'000'000'123;
    model.append({ t0, Log::Connected { { 7, u"[::1]:50123"_s, {} }, 1 } });
    model.append({ t0 + 1, Log::Received { { 7, u"[::1]:50123"_s, {} }, "hello"_ba, 0 } });
    model.append({ t0 + 2, Log::Received { { 3, {}, u"east"_s }, "from east"_ba, 1 } });
    model.append({ t0 + 3, Log::Warning { u"not a message"_s } });
    model.append({ t0 + 4, Log::Sent { 0, "all"_ba, 1 } });
    model.append({ t0 + 5, Log::Received { { 4, {}, u"west"_s }, "from west"_ba, 1 } });
    model.append({ t0 + 6, Log::Disconnected { { 7, u"[::1]:50123"_s, {} }, 0, u"bye"_s } });
    const QString path = m_dir.filePath(u"bare.pcapng"_s);
    QVERIFY(panel.saveCaptureTo(path));

    const Followed client = follow(path, 0);
    QCOMPARE(client.client, u"[::1]:50123"_s);
    QCOMPARE(client.server, u"[::]:0"_s);   // no Listening: the any address, port 0
    QCOMPARE(client.segments, (QList<QByteArray> { "> hello\n", "< from east\n", "< all\n", "< from west\n" }));
    const Followed east = follow(path, 1);
    QCOMPARE(east.client, u"0.0.0.0:1"_s);
    QCOMPARE(east.segments, QList<QByteArray> { "> from east\n" });
    const Followed west = follow(path, 2);
    QCOMPARE(west.client, u"0.0.0.0:2"_s);
    QCOMPARE(west.segments, QList<QByteArray> { "> from west\n" });

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("the log had no address of the server"));
    QVERIFY(bytes.contains("the log did not say the framing: a line feed after each message"));
    QVERIFY(bytes.contains("cluster server east"));
    QVERIFY(bytes.contains("client #7: bye"));
}

void tst_LogPcap::cannotWriteIsSaid()
{
    LogModel model;
    LogPanel panel(&model);
    model.append({ 1, Log::Received { { 1, u"127.0.0.1:1"_s, {} }, "x"_ba, 0 } });
    QSignalSpy said(&panel, &LogPanel::statusMessagePosted);
    QString error;
    const QString path = m_dir.filePath(u"no/such/dir/log.pcapng"_s);
    QVERIFY(!panel.saveCaptureTo(path, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(said.size(), 1);
    QVERIFY(said.at(0).at(0).toString().startsWith(u"Could not save the log to"_s));
    QVERIFY(said.at(0).at(0).toString().contains(error));
}

QTEST_MAIN(tst_LogPcap)
#include "tst_logpcap.moc"
