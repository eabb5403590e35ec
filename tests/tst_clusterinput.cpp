// SPDX-License-Identifier: MIT
// What the bridge refuses from the cluster (issue 13): a SpreadServer and its
// ClusterBridge in this process, raw TCP clients, a real nats-server, and a raw
// NATS publisher (tests/rawnats.h) that writes what no SpreadSite server would.
// Each refusal reaches no client, is counted by its reason, is said once, and a
// good message right after it is still delivered, in order.
#include "cluster/clusterbridge.h"
#include "cluster/wire.h"
#include "core/spreadserver.h"

#include "natscluster.h"
#include "rawnats.h"
#include "signalargs.h"
#include "testprocess.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;
using NatsTest::RawNatsPublisher;
using Refusal = ClusterBridge::Refusal;

namespace {
constexpr int WAIT_MS = 15000;
constexpr qsizetype LIMIT = 64 * 1024;   // the server's maxMessageBytes here (the default)
const QString HERE = u"here"_s;
const QString EVIL = u"evil"_s;
} // namespace

namespace BridgeSignal {
struct MessagesRefused
{
    static constexpr auto signal = &ClusterBridge::messagesRefused;
    QString origin;
    QString reason;
    quint64 count;
};
struct PeerJoined
{
    static constexpr auto signal = &ClusterBridge::peerJoined;
    QString serverId;
};
} // namespace BridgeSignal

Q_DECLARE_METATYPE(RawNatsPublisher::Headers)

namespace {
/** What a row injects: on which subject, with which headers, which body. */
enum class Subject { Message, Presence, OwnMessage };
} // namespace
Q_DECLARE_METATYPE(Subject)
Q_DECLARE_METATYPE(ClusterBridge::Refusal)

class tst_ClusterInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void refusedReachesNoClientAndIsSaidOnce_data();
    void refusedReachesNoClientAndIsSaidOnce();
    void accepted_data();
    void accepted();
    void badPresenceMakesNoPeer_data();
    void badPresenceMakesNoPeer();
    void presenceAtItsBoundsMakesAPeer();
    void sequenceGoingBackIsReportedNotDeliveredTwice();
    void ownOriginIsDroppedSilently();
    void refusalsAreSaidAtMostOnceASecondAndFlushedOnStop();

private:
    /** Publishes valid messages from "probe" until the client hears one: the subscription is in place. */
    bool syncWithNode();
    /** The client's lines after the probe's. */
    QByteArrayList received() const;
    bool publishFromEvil(quint64 seq, const QByteArray &body) { return m_raw->publish(m_domain, EVIL, 9, seq, body); }

    NatsTest::Node m_nats;
    int m_run = 0;
    QString m_domain;
    std::unique_ptr<SpreadServer> m_server;
    std::unique_ptr<ClusterBridge> m_bridge;
    std::unique_ptr<RawPeer> m_client;
    std::unique_ptr<RawNatsPublisher> m_raw;
};

void tst_ClusterInput::initTestCase()
{
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS bridge (configure with -DSPREAD_NATS=ON and libnats-dev)");
    if (NatsTest::natsServerBin().isEmpty())
        QSKIP("nats-server is not installed (Debian: apt-get install nats-server)");
    QVERIFY(m_nats.start());
}

void tst_ClusterInput::init()
{
    // A domain of its own for every test and row: nothing of the last one arrives here.
    m_domain = u"input-%1-%2"_s.arg(QCoreApplication::applicationPid()).arg(++m_run);
    m_server = std::make_unique<SpreadServer>();
    SpreadServer::Settings settings;
    settings.flushDelayMs = 20;
    settings.maxMessageBytes = LIMIT;
    m_server->setSettings(settings);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_bridge = std::make_unique<ClusterBridge>(m_server.get());
    ClusterBridge::Settings bridgeSettings;
    bridgeSettings.urls = { m_nats.url() };
    bridgeSettings.domain = m_domain;
    bridgeSettings.serverId = HERE;
    QVERIFY2(m_bridge->start(bridgeSettings), qPrintable(m_bridge->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->state(), ClusterBridge::State::Connected, WAIT_MS);
    m_client = std::make_unique<RawPeer>(m_server->serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine(welcome(1)), WAIT_MS);
    m_raw = std::make_unique<RawNatsPublisher>(m_nats.url());
    QVERIFY(m_raw->connect());
    QVERIFY(syncWithNode());
}

void tst_ClusterInput::cleanup()
{
    m_raw.reset();
    m_client.reset();
    m_bridge.reset();
    m_server.reset();
}

bool tst_ClusterInput::syncWithNode()
{
    for (quint64 seq = 1; seq <= 50; ++seq) {
        if (!m_raw->publish(m_domain, u"probe"_s, 1, seq, "probe"))
            return false;
        if (QTest::qWaitFor([&] { return m_client->hasLine("probe"); }, 200))
            return true;
    }
    return false;
}

QByteArrayList tst_ClusterInput::received() const
{
    QByteArrayList lines = m_client->lines();
    const qsizetype probe = lines.lastIndexOf("probe");
    return probe < 0 ? QByteArrayList() : lines.mid(probe + 1);
}

void tst_ClusterInput::refusedReachesNoClientAndIsSaidOnce_data()
{
    QTest::addColumn<Subject>("subject");
    QTest::addColumn<RawNatsPublisher::Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Refusal>("kind");
    QTest::addColumn<QString>("reason");

    // Message 2 of client 9 of "evil": after "before" (1).
    const RawNatsPublisher::Headers good = RawNatsPublisher::envelope(EVIL, 9, 2);
    const auto row = [&](const char *name, const RawNatsPublisher::Headers &headers, const QByteArray &body, Refusal kind,
                         const QString &reason) {
        QTest::newRow(name) << Subject::Message << headers << body << kind << reason;
    };
    const QString tooLong = ClusterReasons::MessageTooLong;
    const QString lineFeed = ClusterReasons::LineFeedInMessage;
    const QString forged = ClusterReasons::ForgedOrigin;
    const auto badHeader = [](const char *name) { return QString(ClusterReasons::BadHeader).arg(QLatin1StringView(name)); };

    row("one byte over the limit", good, QByteArray(LIMIT + 1, 'x'), Refusal::TooLong, tooLong);
    row("500,000 bytes", good, QByteArray(500000, 'x'), Refusal::TooLong, tooLong);
    row("line feeds with a close between", good, "line one\nclose\nINJECTED second line", Refusal::LineFeed, lineFeed);
    row("a trailing line feed", good, "one line\n", Refusal::LineFeed, lineFeed);
    row("only a line feed", good, "\n", Refusal::LineFeed, lineFeed);
    row("origin header of another server", RawNatsPublisher::with(good, "Spread-Origin", "victim"), "forged",
        Refusal::ForgedOrigin, forged);
    row("origin header missing", RawNatsPublisher::without(good, "Spread-Origin"), "no origin", Refusal::ForgedOrigin, forged);
    row("origin header empty", RawNatsPublisher::with(good, "Spread-Origin", ""), "empty origin", Refusal::ForgedOrigin, forged);
    row("no headers at all (PUB)", {}, "bare", Refusal::ForgedOrigin, forged);
    row("client header missing", RawNatsPublisher::without(good, "Spread-Client"), "who", Refusal::BadHeader,
        badHeader("Spread-Client"));
    row("client header not a number", RawNatsPublisher::with(good, "Spread-Client", "#9"), "who", Refusal::BadHeader,
        badHeader("Spread-Client"));
    row("seq header missing", RawNatsPublisher::without(good, "Spread-Seq"), "which", Refusal::BadHeader,
        badHeader("Spread-Seq"));
    row("seq header zero", RawNatsPublisher::with(good, "Spread-Seq", "0"), "which", Refusal::BadHeader,
        badHeader("Spread-Seq"));
    row("seq header negative", RawNatsPublisher::with(good, "Spread-Seq", "-2"), "which", Refusal::BadHeader,
        badHeader("Spread-Seq"));
    row("seq header past 64 bits", RawNatsPublisher::with(good, "Spread-Seq", "18446744073709551616"), "which",
        Refusal::BadHeader, badHeader("Spread-Seq"));
    row("time header missing", RawNatsPublisher::without(good, "Spread-Time"), "when", Refusal::BadHeader,
        badHeader("Spread-Time"));
    row("time header not a number", RawNatsPublisher::with(good, "Spread-Time", "yesterday"), "when", Refusal::BadHeader,
        badHeader("Spread-Time"));

    const auto presence = [&](const char *name, const RawNatsPublisher::Headers &headers, const QByteArray &body,
                              Refusal kind, const QString &reason) {
        QTest::newRow(name) << Subject::Presence << headers << body << kind << reason;
    };
    const RawNatsPublisher::Headers presenceHeaders = RawNatsPublisher::without(
            RawNatsPublisher::without(RawNatsPublisher::envelope(EVIL, 0, 0), "Spread-Client"), "Spread-Seq");
    const QByteArray join = QJsonDocument(RawNatsPublisher::presence()).toJson(QJsonDocument::Compact);
    presence("presence from another origin", RawNatsPublisher::with(presenceHeaders, "Spread-Origin", "victim"), join,
             Refusal::ForgedOrigin, forged);
    presence("presence without time", RawNatsPublisher::without(presenceHeaders, "Spread-Time"), join, Refusal::BadHeader,
             badHeader("Spread-Time"));
    presence("the issue's presence", presenceHeaders, R"({"event":"join","host":"h","port":99999,"clients":-5,"intervalMs":1,"lastSeq":0})",
             Refusal::BadPresence, QString(ClusterReasons::BadPresence).arg(ClusterReasons::PresenceBadPort));
}

void tst_ClusterInput::refusedReachesNoClientAndIsSaidOnce()
{
    QFETCH(Subject, subject);
    QFETCH(RawNatsPublisher::Headers, headers);
    QFETCH(QByteArray, body);
    QFETCH(Refusal, kind);
    QFETCH(QString, reason);
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    TypedSpy<BridgeSignal::PeerJoined> joined(m_bridge.get());

    QVERIFY(publishFromEvil(1, "before"));
    const QByteArray subjectText = subject == Subject::Presence ? RawNatsPublisher::presenceSubject(m_domain, EVIL)
                                                                : RawNatsPublisher::messageSubject(m_domain, EVIL);
    QVERIFY2(m_raw->publishRaw(subjectText, headers, body), m_raw->received().constData());
    // A message refused for its body took its number; one refused for its envelope did not:
    // the number in a header that cannot be believed is not believed either.
    const bool tookItsNumber = kind == Refusal::TooLong || kind == Refusal::LineFeed;
    QVERIFY(publishFromEvil(tookItsNumber ? 3 : 2, "after"));

    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("after"), WAIT_MS);
    QCOMPARE(received(), (QByteArrayList { "before", "after" }));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, WAIT_MS);
    QCOMPARE(refused.firstArgs().origin, EVIL);
    QCOMPARE(refused.firstArgs().reason, reason);
    QCOMPARE(refused.firstArgs().count, 1u);
    const ClusterBridge::Stats stats = m_bridge->stats();
    QCOMPARE(stats.refused, 1u);
    QCOMPARE(stats.refusedFor(kind), 1u);
    QCOMPARE(stats.gaps, 0u);   // and so no gap either way
    QVERIFY(joined.isEmpty());
    // Stopping says nothing more: the one refusal was said already.
    m_bridge->stop();
    QCOMPARE(refused.count(), 1);
}

void tst_ClusterInput::accepted_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("exactly at the limit") << QByteArray(LIMIT, 'x');
    QTest::newRow("a CR inside is the message's own") << "carriage\rreturn"_ba;
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("binary, no line feed") << "\x01\x02\xff\x00 bytes"_ba;
}

void tst_ClusterInput::accepted()
{
    QFETCH(QByteArray, body);
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    QVERIFY(publishFromEvil(1, body));
    QVERIFY(publishFromEvil(2, "after"));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("after"), WAIT_MS);
    // A trailing CR on a line reads as part of its ending; in the middle it is the message's.
    QCOMPARE(received(), (QByteArrayList { body, "after" }));
    QCOMPARE(m_bridge->stats().refused, 0u);
    QVERIFY(refused.isEmpty());
}

void tst_ClusterInput::badPresenceMakesNoPeer_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("what");
    const auto with = [](const QString &key, const QJsonValue &value) {
        QJsonObject o = RawNatsPublisher::presence();
        o.insert(key, value);
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    };
    const auto without = [](const QString &key) {
        QJsonObject o = RawNatsPublisher::presence();
        o.remove(key);
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    };
    using namespace ClusterReasons;
    QTest::newRow("port 99999") << with(u"port"_s, 99999) << QString(PresenceBadPort);
    QTest::newRow("port -1") << with(u"port"_s, -1) << QString(PresenceBadPort);
    QTest::newRow("port as a string") << with(u"port"_s, u"8007"_s) << QString(PresenceBadPort);
    QTest::newRow("port 80.5") << with(u"port"_s, 80.5) << QString(PresenceBadPort);
    QTest::newRow("clients -5") << with(u"clients"_s, -5) << QString(PresenceBadClients);
    QTest::newRow("clients 2^31") << with(u"clients"_s, 2147483648.0) << QString(PresenceBadClients);
    QTest::newRow("clients missing") << without(u"clients"_s) << QString(PresenceBadClients);
    QTest::newRow("intervalMs 1") << with(u"intervalMs"_s, 1) << QString(PresenceBadInterval);
    QTest::newRow("intervalMs 9") << with(u"intervalMs"_s, 9) << QString(PresenceBadInterval);
    QTest::newRow("intervalMs 60001") << with(u"intervalMs"_s, 60001) << QString(PresenceBadInterval);
    QTest::newRow("lastSeq -1") << with(u"lastSeq"_s, -1) << QString(PresenceBadLastSeq);
    QTest::newRow("host a number") << with(u"host"_s, 7) << QString(PresenceBadHost);
    QTest::newRow("host with a line feed") << with(u"host"_s, u"a\nb"_s) << QString(PresenceBadHost);
    QTest::newRow("host 256 bytes") << with(u"host"_s, QString(256, u'h')) << QString(PresenceBadHost);
    QTest::newRow("event unknown") << with(u"event"_s, u"hello"_s) << QString(PresenceBadEvent);
    QTest::newRow("event missing") << without(u"event"_s) << QString(PresenceBadEvent);
    QTest::newRow("not JSON") << "evil joined"_ba << QString(PresenceNotAnObject);
    QTest::newRow("a JSON array") << "[1,2]"_ba << QString(PresenceNotAnObject);
    QTest::newRow("too large") << with(u"padding"_s, QString(ClusterWire::PresenceMaxBytes, u'p')) << QString(PresenceTooLarge);
}

void tst_ClusterInput::badPresenceMakesNoPeer()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, what);
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    TypedSpy<BridgeSignal::PeerJoined> joined(m_bridge.get());
    QVERIFY(m_raw->publishPresence(m_domain, EVIL, body));
    // Then a good presence from another server, and a message: both come after the bad one.
    QVERIFY(m_raw->publishPresence(m_domain, u"good"_s, RawNatsPublisher::presence()));
    QVERIFY(publishFromEvil(1, "after"));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("after"), WAIT_MS);
    QCOMPARE(joined.count(), 1);
    QCOMPARE(joined.firstArgs().serverId, u"good"_s);
    for (const ClusterBridge::Peer &peer : m_bridge->peers())
        QVERIFY2(peer.serverId != EVIL, "a bad presence made a peer");
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, WAIT_MS);
    QCOMPARE(refused.firstArgs().origin, EVIL);
    QCOMPARE(refused.firstArgs().reason, QString(ClusterReasons::BadPresence).arg(what));
    QCOMPARE(m_bridge->stats().refusedFor(Refusal::BadPresence), 1u);
    QCOMPARE(m_bridge->stats().refused, 1u);
}

void tst_ClusterInput::presenceAtItsBoundsMakesAPeer()
{
    TypedSpy<BridgeSignal::PeerJoined> joined(m_bridge.get());
    QVERIFY(m_raw->publishPresence(m_domain, u"low"_s, RawNatsPublisher::presence(u"join"_s, 0, 0, 10, 0)));
    QVERIFY(m_raw->publishPresence(m_domain, u"high"_s,
                                   RawNatsPublisher::presence(u"count"_s, 65535, 2147483647, 60000, qint64(1) << 53)));
    QTRY_COMPARE_WITH_TIMEOUT(joined.count(), 2, WAIT_MS);
    QCOMPARE(m_bridge->stats().refused, 0u);
    bool sawHigh = false;
    for (const ClusterBridge::Peer &peer : m_bridge->peers()) {
        if (peer.serverId == u"high"_s) {
            sawHigh = true;
            QCOMPARE(peer.port, quint16(65535));
            QCOMPARE(peer.clients, 2147483647);
        }
    }
    QVERIFY(sawHigh);
}

void tst_ClusterInput::sequenceGoingBackIsReportedNotDeliveredTwice()
{
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    QVERIFY(publishFromEvil(5, "five"));
    QVERIFY(publishFromEvil(3, "three, again"));   // from before: a restarted or forged origin
    QVERIFY(publishFromEvil(6, "six"));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("six"), WAIT_MS);
    QCOMPARE(received(), (QByteArrayList { "five", "six" }));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, WAIT_MS);
    QCOMPARE(refused.firstArgs().origin, EVIL);
    QCOMPARE(refused.firstArgs().reason, QString(ClusterReasons::SequenceWentBack).arg(5).arg(3));
    QCOMPARE(refused.firstArgs().reason, u"sequence number went back from 5 to 3"_s);
    QCOMPARE(refused.firstArgs().count, 1u);

    // The same number twice is not delivered twice either; said in its second.
    QVERIFY(publishFromEvil(6, "six, again"));
    QVERIFY(publishFromEvil(7, "seven"));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("seven"), WAIT_MS);
    QCOMPARE(received(), (QByteArrayList { "five", "six", "seven" }));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 2, WAIT_MS);
    QCOMPARE(refused.lastArgs().reason, u"sequence number went back from 6 to 6"_s);
    QCOMPARE(m_bridge->stats().refusedFor(Refusal::SequenceBack), 2u);
    QCOMPARE(m_bridge->stats().gaps, 0u);   // 1 to 4 are no gap: "five" was the first heard from evil
}

void tst_ClusterInput::ownOriginIsDroppedSilently()
{
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    // Our own subject, with nothing right about it: no echo, and nothing said.
    QVERIFY(m_raw->publishRaw(RawNatsPublisher::messageSubject(m_domain, HERE), {}, "line\nclose"));
    QVERIFY(m_raw->publishPresence(m_domain, HERE, "not json"_ba));
    QVERIFY(publishFromEvil(1, "after"));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->hasLine("after"), WAIT_MS);
    QCOMPARE(received(), (QByteArrayList { "after" }));
    m_bridge->stop();   // flushes: nothing was waiting
    QVERIFY(refused.isEmpty());
    QCOMPARE(m_bridge->stats().refused, 0u);
}

void tst_ClusterInput::refusalsAreSaidAtMostOnceASecondAndFlushedOnStop()
{
    TypedSpy<BridgeSignal::MessagesRefused> refused(m_bridge.get());
    const auto total = [&] {
        quint64 sum = 0;
        for (const auto &report : refused.allArgs())
            sum += report.count;
        return sum;
    };
    // The first is said at once; the next four within its second wait for it, said as one.
    QVERIFY(publishFromEvil(1, "bad\nline"));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, WAIT_MS);
    QCOMPARE(refused.firstArgs().count, 1u);
    for (int i = 2; i <= 5; ++i)
        QVERIFY(publishFromEvil(quint64(i), "bad\nline"));
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->stats().refused, 5u, WAIT_MS);
    QCOMPARE(refused.count(), 1);   // not yet: within the first one's second
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 2, WAIT_MS);
    QCOMPARE(refused.lastArgs().count, 4u);

    // Another reason has its own second: said at once.
    QVERIFY(publishFromEvil(9, QByteArray(LIMIT + 1, 'x')));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 3, WAIT_MS);
    QCOMPARE(refused.lastArgs().reason, QString(ClusterReasons::MessageTooLong));

    // Within the second of the last line-feed report: waits, and stop() says it.
    QVERIFY(publishFromEvil(10, "again\n"));
    QVERIFY(publishFromEvil(11, "and again\n"));
    QTRY_COMPARE_WITH_TIMEOUT(m_bridge->stats().refused, 8u, WAIT_MS);
    m_bridge->stop();
    QCOMPARE(total(), 8u);
    QCOMPARE(refused.lastArgs().reason, QString(ClusterReasons::LineFeedInMessage));
    QCOMPARE(refused.lastArgs().count, 2u);
}

QTEST_GUILESS_MAIN(tst_ClusterInput)
#include "tst_clusterinput.moc"
