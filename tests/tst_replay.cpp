// SPDX-License-Identifier: MIT
// echo-client --replay (issue 16): a session of three clients recorded by the console server
// (--capture, --log-format jsonl), replayed against a fresh server and compared message by message.
#include "testprocess.h"

#include "capture/capturefile.h"
#include "capture/capturereader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {

constexpr int Clients = 3;
constexpr double Speed = 10;
// The replay's gaps may be 10 % off the recorded ones (divided by Speed), plus this: the
// logs' times are whole milliseconds (up to 1 ms off each end of a gap, so 2 ms), and a
// timer and two processes on a loaded machine of two cores add a few ms of wake-up latency.
constexpr double SlackMs = 5;

/**
 * What one client sends in the recorded session: gaps of 200-600 ms before each line, so
 * that the replay's (20-60 ms) are long beside the slack, and a replay that kept no gaps
 * (or the recorded ones) is far outside it.
 */
struct Line {
    int afterMs;
    QByteArray bytes;
};
const QList<QList<Line>> Script = {
    { { 200, "one: first" }, { 500, "one: second" }, { 300, "one: third" }, { 600, "one: last" } },
    { { 340, "two: alpha" }, { 240, "two: bin \xff\xfe\tend" }, { 560, "two: gamma" }, { 400, "two: omega" } },
    { { 460, "three: a" }, { 600, "three: b" }, { 200, "three: c" }, { 220, "three: d" } },
};

/** A "received" message of a server's JSON Lines log. */
struct Message {
    qint64 timeMs = 0;
    QByteArray bytes;
};
using Messages = std::map<qint64, QList<Message>>;   // by client id

Messages messagesIn(const QByteArray &log)
{
    Messages messages;
    for (const QByteArray &line : completeLines(log)) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(u"event"_s).toString() != u"received"_s)
            continue;
        Message m;
        m.timeMs = QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
        m.bytes = o.contains(u"base64"_s) ? QByteArray::fromBase64(o.value(u"base64"_s).toString().toLatin1())
                                          : o.value(u"text"_s).toString().toUtf8();
        messages[o.value(u"client"_s).toInteger()].append(m);
    }
    return messages;
}

qsizetype countOf(const Messages &messages)
{
    qsizetype n = 0;
    for (const auto &[id, list] : messages)
        n += list.size();
    return n;
}

qsizetype scriptLines()
{
    qsizetype n = 0;
    for (const auto &lines : Script)
        n += lines.size();
    return n;
}

/** An Ethernet + IPv4 + TCP frame from 10.0.0.1:@p from to 10.0.0.2:@p to (checksums left 0: the reader ignores them). */
QByteArray tcpFrame(quint16 from, quint16 to, quint32 seq, quint8 flags, const QByteArray &payload)
{
    QByteArray f(14 + 20 + 20, '\0');
    const auto be16 = [&f](int at, quint16 v) { f[at] = char(v >> 8); f[at + 1] = char(v); };
    const auto be32 = [&](int at, quint32 v) { be16(at, quint16(v >> 16)); be16(at + 2, quint16(v)); };
    be16(12, 0x0800);
    f[14] = 0x45;
    be16(16, quint16(40 + payload.size()));
    f[22] = 64;
    f[23] = 6;
    const bool up = from != 80;
    be32(26, up ? 0x0a000001 : 0x0a000002);
    be32(30, up ? 0x0a000002 : 0x0a000001);
    be16(34, from);
    be16(36, to);
    be32(38, seq);
    f[46] = 0x50;
    f[47] = char(flags);
    return f + payload;
}

} // namespace

class tst_Replay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup() { m_rig.cleanup(); }

    void replayGivesTheServerTheSameMessagesAtTheRecordedGaps_data();
    void replayGivesTheServerTheSameMessagesAtTheRecordedGaps();
    void theReaderPutsStreamsInSequenceOrder();
    void badInputIsRefusedWithItsReason_data();
    void badInputIsRefusedWithItsReason();
    void aFailedConnectionExitsWithOne();
    void interruptedReplayDeliversWhatItSentAndSaysHowFar();

private:
    /** Starts the console server on a free port with a JSON Lines log (and @p extra); its port, 0 on failure. */
    quint16 startServer(TestProcess **server, const QStringList &extra = {});
    /** Records Script's session in @p captureFile with the server's log in @p logFile; the recorded messages. */
    bool record(const QString &captureFile, const QString &logFile, Messages *recorded);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    void writeFile(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
    TestRig m_rig;
};

void tst_Replay::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

quint16 tst_Replay::startServer(TestProcess **server, const QStringList &extra)
{
    *server = m_rig.start(serverBin(), QStringList { u"--headless"_s, u"--port"_s, u"0"_s, u"--bind"_s, u"127.0.0.1"_s,
                                                     u"--log-format"_s, u"jsonl"_s } + extra);
    const QRegularExpression listening(u"\"event\":\"listening\""_s);
    if (!QTest::qWaitFor([&] { return (*server)->hasMatch(listening) || (*server)->hasFinished(); }, 10000)
        || !(*server)->hasMatch(listening))
        return 0;
    const QString line = (*server)->lines().at((*server)->indexOf(listening));
    return quint16(QJsonDocument::fromJson(line.toUtf8()).object().value(u"port"_s).toInt());
}

bool tst_Replay::record(const QString &captureFile, const QString &logFile, Messages *recorded)
{
    TestProcess *server = nullptr;
    const quint16 port = startServer(&server, { u"--capture"_s, captureFile, u"--log-file"_s, logFile });
    if (port == 0)
        return false;
    // One after another, each welcomed before the next: the server numbers them 1, 2, 3.
    QList<RawPeer *> peers;
    for (int i = 0; i < Clients; ++i) {
        RawPeer *peer = m_rig.connectPeer(port);
        if (!QTest::qWaitFor([&] { return peer->hasLine(welcome(i + 1)); }, 5000))
            return false;
        peers.append(peer);
    }
    // The gaps come from timers, each line when its own timer fires: all clients at once.
    for (int i = 0; i < Clients; ++i) {
        int atMs = 0;
        for (const Line &line : Script.at(i)) {
            atMs += line.afterMs;
            QTimer::singleShot(atMs, Qt::PreciseTimer, peers.at(i)->socket(), [peer = peers.at(i), bytes = line.bytes] {
                peer->send(bytes + '\n');
            });
        }
    }
    if (!QTest::qWaitFor([&] { return countOf(messagesIn(server->out())) == scriptLines(); }, 10000))
        return false;
    *recorded = messagesIn(server->out());
    server->terminate();   // SIGTERM: the capture is closed whole
    return QTest::qWaitFor([&] { return server->hasFinished(); }, 10000) && server->exitCode() == 0;
}

void tst_Replay::writeFile(const QString &name, const QByteArray &bytes)
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

void tst_Replay::replayGivesTheServerTheSameMessagesAtTheRecordedGaps_data()
{
    QTest::addColumn<QString>("capture");   // the file the recording server writes
    QTest::addColumn<bool>("fromLog");      // replay its JSON Lines log instead of the capture
    QTest::addRow("pcapng") << u"session.pcapng"_s << false;
    QTest::addRow("jsonl") << u"session-for-log.pcapng"_s << true;
    QTest::addRow("pcap") << u"session.pcap"_s << false;
}

void tst_Replay::replayGivesTheServerTheSameMessagesAtTheRecordedGaps()
{
    QFETCH(QString, capture);
    QFETCH(bool, fromLog);
    const QString log = path(capture + u".jsonl"_s);
    Messages recorded;
    QVERIFY(record(path(capture), log, &recorded));
    QCOMPARE(recorded.size(), std::size_t(Clients));

    TestProcess *server = nullptr;
    const quint16 port = startServer(&server);
    QVERIFY(port != 0);
    TestProcess *replay = m_rig.start(clientBin(), { u"--headless"_s, u"--port"_s, QString::number(port),
                                                     u"--replay"_s, fromLog ? log : path(capture),
                                                     u"--from-client"_s, u"all"_s, u"--speed"_s, QString::number(Speed) });
    QTRY_VERIFY_WITH_TIMEOUT(replay->hasFinished(), 20000);
    QCOMPARE(replay->exitStatus(), QProcess::NormalExit);
    QCOMPARE(replay->exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(messagesIn(server->out())), scriptLines(), 10000);
    const Messages replayed = messagesIn(server->out());

    QCOMPARE(replayed.size(), recorded.size());
    double worstMs = 0, sumMs = 0;
    int gaps = 0;
    for (const auto &[id, was] : recorded) {
        QVERIFY2(replayed.count(id), qPrintable(u"client #%1 not replayed"_s.arg(id)));
        const QList<Message> &is = replayed.at(id);
        QCOMPARE(is.size(), was.size());
        for (qsizetype i = 0; i < was.size(); ++i) {
            QCOMPARE(is.at(i).bytes, was.at(i).bytes);
            if (i == 0)
                continue;
            const double wanted = double(was.at(i).timeMs - was.at(i - 1).timeMs) / Speed;
            const double got = double(is.at(i).timeMs - is.at(i - 1).timeMs);
            const double error = std::abs(got - wanted);
            QVERIFY2(error <= wanted * 0.1 + SlackMs,
                     qPrintable(u"client #%1, gap before message %2: %3 ms, recorded %4 ms / %5 = %6 ms"_s
                                        .arg(id).arg(i + 1).arg(got).arg(wanted * Speed).arg(Speed).arg(wanted)));
            worstMs = std::max(worstMs, error);
            sumMs += error;
            ++gaps;
        }
    }
    qInfo("%d gaps: mean error %.2f ms, worst %.2f ms (allowed 10 %% + %.0f ms)", gaps, sumMs / gaps, worstMs, SlackMs);
}

void tst_Replay::theReaderPutsStreamsInSequenceOrder()
{
    constexpr quint8 Syn = 0x02, Ack = 0x10, Psh = 0x08;
    const QString file = path(u"crafted.pcapng"_s);
    CaptureFile capture;
    QVERIFY(capture.open(file, CaptureFile::Format::Pcapng, u"test"_s));
    qint64 t = 1'700'000'000'000'000;
    const auto put = [&](const QByteArray &frame, const QByteArray &comment = {}) { QVERIFY(capture.write(++t, frame, comment)); };
    // Client #5 (named by its SYN's comment): a retransmission, an overlap, a segment ahead of a gap.
    put(tcpFrame(4000, 80, 1000, Syn, {}), "SpreadSite client #5");
    put(tcpFrame(80, 4000, 9000, Syn | Ack, {}));
    put(tcpFrame(4000, 80, 1001, Psh | Ack, "abc"));                // t + 3
    put(tcpFrame(4000, 80, 1001, Psh | Ack, "abc"));                // all old: dropped
    put(tcpFrame(80, 4000, 9001, Psh | Ack, "from the server"));    // the other way: not the client's
    put(tcpFrame(4000, 80, 1002, Psh | Ack, "bcde"));               // "de" new, t + 6
    // A stream without a comment, second to appear: client 2.
    put(tcpFrame(4001, 80, 50, Syn, {}));
    put(tcpFrame(4001, 80, 51, Psh | Ack, "other"));                // t + 8
    put(tcpFrame(4000, 80, 1010, Psh | Ack, "xyz"));                // ahead: waits for 1006..1009, t + 9
    put(tcpFrame(4000, 80, 1006, Psh | Ack, "fghi"));               // t + 10
    capture.close();

    QString error;
    const std::optional<Recording> recording = CaptureReader::read(file, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->ids(), (QList<quint64> { 2, 5 }));
    QCOMPARE(recording->framed(), false);
    const auto texts = [](const Recording::Client *c) {
        QByteArrayList list;
        for (const Recording::Chunk &chunk : c->chunks)
            list.append(chunk.bytes);
        return list;
    };
    QCOMPARE(texts(recording->client(5)), (QByteArrayList { "abc", "de", "fghi", "xyz" }));
    QCOMPARE(texts(recording->client(2)), QByteArrayList { "other" });
    const qint64 first = 1'700'000'000'000'000;
    QCOMPARE(recording->client(5)->chunks.at(0).timeUs, first + 3);
    QCOMPARE(recording->client(5)->chunks.at(1).timeUs, first + 6);
    QCOMPARE(recording->client(2)->chunks.at(0).timeUs, first + 8);
    QCOMPARE(recording->client(5)->chunks.at(2).timeUs, first + 10);
    QCOMPARE(recording->client(5)->chunks.at(3).timeUs, first + 10);   // came at + 9, in order only at + 10
}

void tst_Replay::badInputIsRefusedWithItsReason_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("reason");

    // Two recorded clients, 1 and 2, in a log; a pcapng whose packet block is cut short; a text file.
    QByteArray log;
    for (int client : { 1, 2 })
        log += "{\"event\":\"received\",\"client\":" + QByteArray::number(client)
             + ",\"peer\":\"127.0.0.1:5000\",\"text\":\"hi\",\"time\":\"2024-05-01T10:00:00.000Z\"}\n";
    writeFile(u"two.jsonl"_s, log);
    QByteArray pcapng = QByteArray::fromHex("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000"   // SHB
                                            "01000000140000000100000000000000" "14000000"                // IDB
                                            "06000000400000000000000000000000");                         // EPB, cut
    writeFile(u"cut.pcapng"_s, pcapng);
    writeFile(u"notes.txt"_s, "hello\n");

    QTest::addRow("unreadable file") << u"missing.pcapng"_s << QStringList() << u"missing.pcapng: No such file"_s;
    QTest::addRow("not a capture nor a log") << u"notes.txt"_s << QStringList() << u"not a capture (pcapng, pcap) nor a JSON Lines log"_s;
    QTest::addRow("truncated pcapng block") << u"cut.pcapng"_s << QStringList() << u"truncated pcapng block at offset 48"_s;
    QTest::addRow("unknown --from-client") << u"two.jsonl"_s << QStringList { u"--from-client"_s, u"7"_s }
                                           << u"--from-client: 7 is not a client of"_s;
    QTest::addRow("two clients, none chosen") << u"two.jsonl"_s << QStringList() << u"holds 2 recorded clients (ids: 1, 2)"_s;
    QTest::addRow("negative --speed") << u"two.jsonl"_s << QStringList { u"--speed"_s, u"-1"_s }
                                      << u"bad value for --speed: '-1'"_s;
}

void tst_Replay::badInputIsRefusedWithItsReason()
{
    QFETCH(QString, file);
    QFETCH(QStringList, extra);
    QFETCH(QString, reason);
    TestProcess *replay = m_rig.start(clientBin(), QStringList { u"--headless"_s, u"--port"_s, u"1"_s, u"--replay"_s, path(file) } + extra);
    QTRY_VERIFY_WITH_TIMEOUT(replay->hasFinished(), 10000);
    QCOMPARE(replay->exitCode(), 2);
    QCOMPARE(replay->errLines().size(), 1);
    QVERIFY2(replay->errLines().first().contains(reason), qPrintable(replay->errLines().first()));
}

void tst_Replay::aFailedConnectionExitsWithOne()
{
    writeFile(u"one.jsonl"_s, "{\"event\":\"received\",\"client\":4,\"text\":\"hi\",\"time\":\"2024-05-01T10:00:00.000Z\"}\n");
    quint16 closedPort = 0;
    {
        QTcpServer probe;   // a port nobody listens on once it closes
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    TestProcess *replay = m_rig.start(clientBin(), { u"--headless"_s, u"--port"_s, QString::number(closedPort),
                                                     u"--replay"_s, path(u"one.jsonl"_s) });
    QTRY_VERIFY_WITH_TIMEOUT(replay->hasFinished(), 10000);
    QCOMPARE(replay->exitCode(), 1);
    QVERIFY2(replay->err().contains("recorded client #4"), replay->err().constData());
}

void tst_Replay::interruptedReplayDeliversWhatItSentAndSaysHowFar()
{
    // Two messages an hour apart: SIGINT after the first ends the replay there, cleanly.
    writeFile(u"slow.jsonl"_s, "{\"event\":\"received\",\"client\":3,\"text\":\"first\",\"time\":\"2024-05-01T10:00:00.000Z\"}\n"
                               "{\"event\":\"received\",\"client\":3,\"text\":\"second\",\"time\":\"2024-05-01T11:00:00.000Z\"}\n");
    TestProcess *server = nullptr;
    const quint16 port = startServer(&server);
    QVERIFY(port != 0);
    TestProcess *replay = m_rig.start(clientBin(), { u"--headless"_s, u"--port"_s, QString::number(port),
                                                     u"--replay"_s, path(u"slow.jsonl"_s) });
    QTRY_COMPARE_WITH_TIMEOUT(countOf(messagesIn(server->out())), 1, 10000);
    QVERIFY(::kill(pid_t(replay->process().processId()), SIGINT) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(replay->hasFinished(), 10000);
    QCOMPARE(replay->exitStatus(), QProcess::NormalExit);   // not ended by the signal
    QCOMPARE(replay->exitCode(), 1);
    QVERIFY2(replay->err().contains("stopped after 1 of 2 message(s)"), replay->err().constData());
    // The server saw the client leave by a close, not a reset.
    QTRY_VERIFY_WITH_TIMEOUT(server->hasMatch(QRegularExpression(u"\"event\":\"disconnected\""_s)), 10000);
    QCOMPARE(countOf(messagesIn(server->out())), 1);
}

QTEST_GUILESS_MAIN(tst_Replay)
#include "tst_replay.moc"
