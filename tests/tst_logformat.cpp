// SPDX-License-Identifier: MIT
// The written forms of the log (lib/log/logformat.h): the text lines and the
// JSON Lines objects every sink writes, kind by kind.
#include "log/logformat.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

Q_DECLARE_METATYPE(Log::What)

using namespace Qt::Literals::StringLiterals;

namespace {
const qint64 SOME_TIME = QDateTime(QDate(2017, 8, 14), QTime(21, 55, 1, 250)).toMSecsSinceEpoch();

Log::Event at(Log::What what)
{
    return { SOME_TIME, std::move(what) };
}

QJsonObject parsed(const Log::Event &event)
{
    QJsonParseError error;
    const QByteArray line = Log::json(event);
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    if (error.error != QJsonParseError::NoError || line.contains('\n'))
        qWarning("not one JSON object: %s", line.constData());
    return o;
}
} // namespace

class tst_LogFormat : public QObject
{
    Q_OBJECT

private slots:
    void serverTextLines_data();
    void serverTextLines();
    void jsonKeepsBinaryLosslessly();
    void jsonOfABinaryFrame();
    void jsonOfPlainText();
    void remoteMessages();
    void clusterEvents();
    void clientLinesAreTheSeeds();
    void lineEndsWithItsFeed();
};

void tst_LogFormat::serverTextLines_data()
{
    QTest::addColumn<Log::What>("what");
    QTest::addColumn<QString>("line");
    const Log::Peer peer { 7, u"127.0.0.1:5555"_s, {} };
    QTest::newRow("listening") << Log::What(Log::Listening { u"0.0.0.0"_s, 8007 }) << u"listening on 0.0.0.0 port 8007"_s;
    QTest::newRow("connected") << Log::What(Log::Connected { peer, 2 }) << u"new connect: 2 [#7 127.0.0.1:5555]"_s;
    QTest::newRow("disconnected") << Log::What(Log::Disconnected { peer, 1, u"client sent close"_s })
                                  << u"lost connect: 1 [#7 127.0.0.1:5555] (client sent close)"_s;
    QTest::newRow("refused") << Log::What(Log::Refused { u"[::1]:4000"_s, u"server full"_s }) << u"refused [[::1]:4000] (server full)"_s;
    QTest::newRow("received") << Log::What(Log::Received { peer, "bin\x01"_ba, 3 }) << u"[#7 127.0.0.1:5555] bin\\x01"_s;
    QTest::newRow("sent to all") << Log::What(Log::Sent { 0, "hi"_ba, 4 }) << u"[server -> all (4)] hi"_s;
    QTest::newRow("sent to one") << Log::What(Log::Sent { 7, "hi"_ba, 1 }) << u"[server -> #7] hi"_s;
    // A frame of a binary framing: its size and every byte in hex, text or not.
    QTest::newRow("received frame") << Log::What(Log::Received { peer, QByteArray("\x00\x06hi\xff\x0a", 6), 3, true })
                                    << u"[#7 127.0.0.1:5555] 6 B: 00066869ff0a"_s;
    QTest::newRow("empty frame") << Log::What(Log::Received { peer, QByteArray(), 0, true }) << u"[#7 127.0.0.1:5555] 0 B: "_s;
    QTest::newRow("sent frame") << Log::What(Log::Sent { 0, "OK"_ba, 2, true }) << u"[server -> all (2)] 2 B: 4f4b"_s;
    QTest::newRow("warning") << Log::What(Log::Warning { u"cannot accept"_s }) << u"warning: cannot accept"_s;
    QTest::newRow("stopped") << Log::What(Log::Stopped {}) << u"stopped"_s;
    QTest::newRow("tagged") << Log::What(Log::Received { peer, "TEMP=41"_ba, 2, false, u"alarm"_s })
                            << u"[#7 127.0.0.1:5555] [alarm] TEMP=41"_s;
    QTest::newRow("sent by a rule") << Log::What(Log::Sent { 7, "PONG 1"_ba, 1, false, { u"ping"_s, 3 } })
                                    << u"[server -> #7, rule ping #3] PONG 1"_s;
    QTest::newRow("capture writing") << Log::What(Log::CaptureState { u"c.pcapng"_s, u"pcapng"_s, true, 0 })
                                     << u"capture: writing c.pcapng (pcapng)"_s;
    QTest::newRow("capture stopped") << Log::What(Log::CaptureState { u"c.pcap"_s, u"pcap"_s, false, 4096, u"full"_s })
                                     << u"capture: stopped c.pcap at 4096 bytes: full"_s;
}

void tst_LogFormat::serverTextLines()
{
    QFETCH(Log::What, what);
    QFETCH(QString, line);
    QCOMPARE(QString::fromUtf8(Log::text(at(what))), u"2017-08-14 21:55:01.250 "_s + line);
    QCOMPARE(QString::fromUtf8(Log::text(at(what), false)), line);
}

void tst_LogFormat::jsonKeepsBinaryLosslessly()
{
    const QByteArray data("\x00\xff ok", 5);
    const QJsonObject o = parsed(at(Log::Received { { 3, u"[::1]:4000"_s, {} }, data, 5 }));
    QCOMPARE(o.value(u"event"_s).toString(), u"received"_s);
    QCOMPARE(o.value(u"client"_s).toInt(), 3);
    QCOMPARE(o.value(u"peer"_s).toString(), u"[::1]:4000"_s);
    QCOMPARE(o.value(u"relayed"_s).toInt(), 5);
    QCOMPARE(o.value(u"bytes"_s).toInt(), 5);
    QCOMPARE(o.value(u"text"_s).toString(), u"\\x00\\xff ok"_s);
    QCOMPARE(QByteArray::fromBase64(o.value(u"base64"_s).toString().toLatin1()), data);
    QCOMPARE(QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch(), SOME_TIME);
}

void tst_LogFormat::jsonOfABinaryFrame()
{
    const QByteArray frame = QByteArray::fromHex("0001000000061103006b0003");
    const QJsonObject o = parsed(at(Log::Received { { 3, u"[::1]:4000"_s, {} }, frame, 1, true }));
    QCOMPARE(o.value(u"bytes"_s).toInt(), 12);
    QCOMPARE(o.value(u"hex"_s).toString(), u"0001000000061103006b0003"_s);
    QCOMPARE(QByteArray::fromBase64(o.value(u"base64"_s).toString().toLatin1()), frame);
    QVERIFY(!o.contains(u"text"_s));   // bytes, not text
    // The client's side too.
    QCOMPARE(Log::text(at(Log::FromServer { "AB"_ba, true }), false), "2 B: 4142"_ba);
    QCOMPARE(parsed(at(Log::ToServer { "AB"_ba, false, true })).value(u"hex"_s).toString(), u"4142"_s);
}

void tst_LogFormat::jsonOfPlainText()
{
    const QJsonObject o = parsed(at(Log::Sent { 0, "欢迎"_ba, 2 }));
    QCOMPARE(o.value(u"event"_s).toString(), u"sent"_s);
    QCOMPARE(o.value(u"text"_s).toString(), u"欢迎"_s);
    QCOMPARE(o.value(u"receivers"_s).toInt(), 2);
    QVERIFY(!o.contains(u"base64"_s));
    QVERIFY(!o.contains(u"client"_s));   // to all
}

void tst_LogFormat::remoteMessages()
{
    const Log::Event remote = at(Log::Received { { 3, {}, u"gateway-2"_s }, "hello"_ba, 4 });
    QVERIFY(Log::text(remote, false) == "[gateway-2/#3] hello");
    const QJsonObject o = parsed(remote);
    QCOMPARE(o.value(u"event"_s).toString(), u"remote"_s);
    QCOMPARE(o.value(u"origin"_s).toString(), u"gateway-2"_s);
    QCOMPARE(o.value(u"client"_s).toInt(), 3);
    QCOMPARE(o.value(u"delivered"_s).toInt(), 4);
    QVERIFY(!o.contains(u"peer"_s));
    QVERIFY(!o.contains(u"relayed"_s));
}

void tst_LogFormat::clusterEvents()
{
    const Log::Event gap = at(Log::Gap { u"b"_s, 5, 9 });
    QVERIFY(Log::text(gap, false) == "cluster: warning: 5 messages from b never arrived (5 to 9)");
    QCOMPARE(parsed(gap).value(u"missing"_s).toInt(), 5);
    QVERIFY(gap.isProblem());

    Log::ClusterState state { ClusterBridge::State::Connected, ClusterBridge::State::Connecting, u"nats://n:4222"_s,
                              u"d"_s, u"me"_s, false };
    QVERIFY(Log::text(at(state), false) == "cluster: connected to nats://n:4222");
    QVERIFY(!at(state).isProblem());
    state.state = ClusterBridge::State::Off;
    state.detail = u"stopped"_s;
    state.requested = true;
    QVERIFY(!at(state).isProblem());   // left on purpose
    state.requested = false;
    state.detail = u"authorization violation"_s;
    QVERIFY(at(state).isProblem());
    const QJsonObject o = parsed(at(state));
    QCOMPARE(o.value(u"state"_s).toString(), u"off"_s);
    QCOMPARE(o.value(u"server"_s).toString(), u"me"_s);

    const Log::Event dropped = at(Log::Dropped { 12, 4096 });
    QVERIFY(Log::text(dropped, false).startsWith("cluster: warning: 12 messages not published"));
    QCOMPARE(parsed(dropped).value(u"messages"_s).toInt(), 12);
}

void tst_LogFormat::clientLinesAreTheSeeds()
{
    QVERIFY(Log::text(at(Log::Connecting { u"h"_s, 1 }), false) == "Start to Connect...");
    QVERIFY(Log::text(at(Log::ConnectedToServer { u"h"_s, 1 }), false) == "Connected...");
    QVERIFY(Log::text(at(Log::ConnectionLost { u"closed by peer"_s }), false) == "Lost connection. Reason: closed by peer");
    QVERIFY(Log::text(at(Log::ConnectFailed { u"refused"_s }), false) == "Connection is failed, Reason: refused");
    QVERIFY(Log::text(at(Log::Reconnecting { 1500 }), false) == "Reconnecting in 1.5 s...");
    QVERIFY(Log::text(at(Log::FromServer { "hi\xff"_ba }), false) == "hi\\xff");
    QVERIFY(Log::text(at(Log::ToServer { "hi"_ba, true }), false) == "sent: hi");
    QCOMPARE(parsed(at(Log::ToServer { "hi"_ba, true })).value(u"periodic"_s).toBool(), true);
    QCOMPARE(parsed(at(Log::FromServer { "hi"_ba })).value(u"event"_s).toString(), u"received"_s);
}

void tst_LogFormat::lineEndsWithItsFeed()
{
    const Log::Event e = at(Log::Stopped {});
    QVERIFY(Log::line(e, Log::Format::Text).endsWith(" stopped\n"));
    QVERIFY(Log::line(e, Log::Format::JsonLines).endsWith("}\n"));
    QCOMPARE(Log::line(e, Log::Format::Text).count('\n'), 1);
}

QTEST_APPLESS_MAIN(tst_LogFormat)
#include "tst_logformat.moc"
