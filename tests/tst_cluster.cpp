// SPDX-License-Identifier: MIT
// SpreadServers bridged over real nats-server processes (tests/natscluster.h) on
// 127.0.0.1: one node, a three-node cluster with a node killed, NATS gone
// altogether, presence, and the headless program end to end.
#include "cluster/clusterbridge.h"
#include "core/spreadserver.h"

#include "natscluster.h"
#include "core/framing.h"
#include "signalargs.h"
#include "testprocess.h"
#include "tshark.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {
constexpr int PRESENCE_MS = 200;   // fast presence, so that joins and leaves are seen quickly
constexpr int WAIT_MS = 15000;     // waits on a loaded CI machine
} // namespace

/** ClusterBridge's signals, by name (tests/signalargs.h). */
namespace BridgeSignal {
struct RemoteMessageReceived
{
    static constexpr auto signal = &ClusterBridge::remoteMessageReceived;
    QString origin;
    quint64 clientId;
    QByteArray message;
    int deliveredTo;
};
struct StateChanged
{
    static constexpr auto signal = &ClusterBridge::stateChanged;
    ClusterBridge::State state;
    QString detail;
};
struct GapDetected
{
    static constexpr auto signal = &ClusterBridge::gapDetected;
    QString origin;
    quint64 first;
    quint64 last;
};
struct PeerLeft
{
    static constexpr auto signal = &ClusterBridge::peerLeft;
    QString serverId;
    QString reason;
};
struct MessagesDropped
{
    static constexpr auto signal = &ClusterBridge::messagesDropped;
    quint64 count;
    qint64 bufferBytes;
};
} // namespace BridgeSignal

namespace {

/** A SpreadServer on 127.0.0.1 with its bridge. */
struct Site
{
    SpreadServer server;
    std::unique_ptr<ClusterBridge> bridge;
    std::vector<std::unique_ptr<RawPeer>> clients;

    Site()
    {
        SpreadServer::Settings settings;
        settings.flushDelayMs = 20;
        settings.welcome = u"welcome %1"_s;
        server.setSettings(settings);
        server.listen(QHostAddress::LocalHost, 0);
        bridge = std::make_unique<ClusterBridge>(&server);
    }
    bool start(const QStringList &urls, const QString &domain, const QString &id, qint64 buffer = 8 * 1024 * 1024)
    {
        ClusterBridge::Settings settings;
        settings.urls = urls;
        settings.domain = domain;
        settings.serverId = id;
        settings.reconnectBufferBytes = buffer;
        settings.presenceIntervalMs = PRESENCE_MS;
        return bridge->start(settings);
    }
    /** Connects a client and waits for its welcome line. */
    RawPeer *connect()
    {
        clients.push_back(std::make_unique<RawPeer>(server.serverPort()));
        RawPeer *peer = clients.back().get();
        if (!QTest::qWaitFor([peer] { return peer->lines().size() >= 1; }, WAIT_MS))
            qWarning("no welcome line");
        return peer;
    }
    bool hasPeer(const QString &id, int clients = -1) const
    {
        const auto peers = bridge->peers();
        return std::any_of(peers.cbegin(), peers.cend(), [&](const ClusterBridge::Peer &p) {
            return p.serverId == id && !p.self && (clients < 0 || p.clients == clients);
        });
    }
};

/** The lines @p peer received after its welcome. */
QByteArrayList received(const RawPeer *peer)
{
    QByteArrayList lines = peer->lines();
    if (!lines.isEmpty())
        lines.removeFirst();
    return lines;
}

QByteArrayList numbered(const QByteArray &prefix, int from, int to)
{
    QByteArrayList lines;
    for (int i = from; i < to; ++i)
        lines.append(prefix + QByteArray::number(i));
    return lines;
}
} // namespace

class tst_Cluster : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void settingsAreChecked();
    void oneNodeSharesOneBroadcast();
    void failoverReportsWhatItLost();
    void natsDownKeepsLocalRelayAndCountsDrops();
    void droppedMessagesAreGapsForReceivers();
    void presenceListsTheDomain();
    void framingsMustMatchAcrossTheDomain();
    void headlessServerJoinsTheDomain();
    void headlessBadOptions_data();
    void headlessBadOptions();

private:
    TestRig m_rig;
};

void tst_Cluster::initTestCase()
{
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS bridge (configure with -DSPREAD_NATS=ON and libnats-dev)");
    if (NatsTest::natsServerBin().isEmpty())
        QSKIP("nats-server is not installed (Debian: apt-get install nats-server)");
}

void tst_Cluster::cleanup()
{
    m_rig.cleanup();
}

void tst_Cluster::settingsAreChecked()
{
    Site site;
    QVERIFY(!site.start({}, u"d"_s, {}));
    QVERIFY(!site.bridge->errorString().isEmpty());
    QVERIFY(!site.start({ u"nats://127.0.0.1:4222"_s }, u"bad.domain"_s, {}));
    QVERIFY2(site.bridge->errorString().contains(u"domain"_s), qPrintable(site.bridge->errorString()));
    QVERIFY(!site.start({ u"nats://127.0.0.1:4222"_s }, u"d"_s, u"has space"_s));
    QVERIFY(!site.start({ u"http://127.0.0.1:4222"_s }, u"d"_s, {}));
    QVERIFY(ClusterBridge::isValidDomain(u"plant-7_a"_s));
    QVERIFY(!ClusterBridge::isValidDomain(u"a.b"_s));
    QVERIFY(!ClusterBridge::isValidDomain(u"*"_s));
    QVERIFY(!ClusterBridge::isValidDomain({}));
    QCOMPARE(site.bridge->state(), ClusterBridge::State::Off);
}

void tst_Cluster::oneNodeSharesOneBroadcast()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site one, two, other;
    QVERIFY2(one.start({ nats.url() }, u"plant"_s, u"one"_s), qPrintable(one.bridge->errorString()));
    QVERIFY(two.start({ nats.url() }, u"plant"_s, u"two"_s));
    QVERIFY(other.start({ nats.url() }, u"elsewhere"_s, u"other"_s));
    QCOMPARE(one.bridge->serverId(), u"one"_s);
    // Each hears the other's presence: both subscriptions are in place.
    QTRY_VERIFY_WITH_TIMEOUT(one.hasPeer(u"two"_s) && two.hasPeer(u"one"_s), WAIT_MS);
    QCOMPARE(one.bridge->state(), ClusterBridge::State::Connected);
    QCOMPARE(one.bridge->stats().connectedUrl, nats.url());
    QVERIFY(!one.hasPeer(u"other"_s));

    RawPeer *sender = one.connect();
    RawPeer *neighbour = one.connect();
    RawPeer *far1 = two.connect();
    RawPeer *far2 = two.connect();
    RawPeer *outsider = other.connect();
    // The welcome number is the local count.
    QCOMPARE(far2->lines().value(0), "welcome 2"_ba);
    TypedSpy<BridgeSignal::RemoteMessageReceived> remote(two.bridge.get());

    constexpr int N = 300;
    QByteArray burst;
    for (const QByteArray &line : numbered("m-", 0, N))
        burst += line + '\n';
    sender->send(burst);
    const QByteArrayList expected = numbered("m-", 0, N);
    QTRY_COMPARE_WITH_TIMEOUT(received(far1).size(), N, WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(received(far2).size(), N, WAIT_MS);
    QCOMPARE(received(far1), expected);
    QCOMPARE(received(far2), expected);
    QTRY_COMPARE(received(neighbour).size(), N);
    QCOMPARE(received(neighbour), expected);   // the local relay, once: the bridge adds no echo
    QCOMPARE(remote.size(), N);
    QCOMPARE(remote.firstArgs().origin, u"one"_s);
    QCOMPARE(remote.firstArgs().message, "m-0"_ba);
    QCOMPARE(remote.firstArgs().deliveredTo, 2);

    // And back: a client of two is heard on one, its sender and neighbour alike.
    far1->send("from-two\n");
    QTRY_VERIFY_WITH_TIMEOUT(received(sender).contains("from-two"), WAIT_MS);
    QTRY_VERIFY(received(neighbour).contains("from-two"));
    QTRY_VERIFY(received(far2).contains("from-two"));

    // "close" stays local: the neighbour hears it, the other server's clients do not.
    neighbour->send("close\n");
    QTRY_VERIFY(received(sender).contains("close"));
    sender->send("after-close\n");
    QTRY_VERIFY_WITH_TIMEOUT(received(far1).contains("after-close"), WAIT_MS);
    QVERIFY(!received(far1).contains("close"));
    QTRY_VERIFY(received(far2).contains("after-close"));
    QVERIFY(!received(far2).contains("close"));

    // Nothing came back to the sender from the bridge; nothing reached the other domain.
    QCOMPARE(received(sender), (QByteArrayList { "from-two"_ba, "close"_ba }));
    QCOMPARE(received(outsider), QByteArrayList {});
    QCOMPARE(other.bridge->stats().received, 0u);
    QCOMPARE(one.bridge->stats().published, quint64(N + 1));
    QCOMPARE(two.bridge->stats().received, quint64(N + 1));
    QCOMPARE(two.bridge->stats().gaps, 0u);
    QCOMPARE(one.bridge->stats().dropped, 0u);
}

void tst_Cluster::failoverReportsWhatItLost()
{
    NatsTest::Cluster cluster;
    QVERIFY2(cluster.start(3), qPrintable(cluster.describe()));
    Site a, b;
    QVERIFY(a.start(cluster.urls(0), u"plant"_s, u"a"_s));
    QVERIFY(b.start(cluster.urls(1), u"plant"_s, u"b"_s));
    QTRY_VERIFY_WITH_TIMEOUT(a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s), WAIT_MS);
    QCOMPARE(a.bridge->stats().connectedUrl, cluster.node(0).url());
    QCOMPARE(b.bridge->stats().connectedUrl, cluster.node(1).url());

    RawPeer *sender = a.connect();
    RawPeer *receiver = b.connect();
    TypedSpy<BridgeSignal::GapDetected> gaps(b.bridge.get());
    TypedSpy<BridgeSignal::StateChanged> states(a.bridge.get());

    // A steady flow from a client of a, one line every 2 ms, on both sides of the kill.
    int sent = 0;
    QTimer pace;
    pace.setInterval(2);
    QObject::connect(&pace, &QTimer::timeout, &pace, [&] {
        QByteArray lines;
        for (int i = 0; i < 5; ++i)
            lines += "f-" + QByteArray::number(++sent) + '\n';
        sender->send(lines);
    });
    pace.start();
    QTRY_VERIFY_WITH_TIMEOUT(received(receiver).size() >= 200, WAIT_MS);
    cluster.node(0).kill();
    QTRY_VERIFY_WITH_TIMEOUT(std::ranges::any_of(states.allArgs(), [](const BridgeSignal::StateChanged &s) {
                                 return s.state == ClusterBridge::State::Reconnecting;
                             }),
                             WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(a.bridge->state(), ClusterBridge::State::Connected, WAIT_MS);
    QVERIFY(a.bridge->stats().connectedUrl != cluster.node(0).url());
    // The flow resumes across the cluster.
    const int sentAtReconnect = sent;
    QTRY_VERIFY_WITH_TIMEOUT(received(receiver).contains("f-" + QByteArray::number(sentAtReconnect + 200)), WAIT_MS);
    pace.stop();
    const QByteArray last = "f-" + QByteArray::number(sent);
    QTRY_VERIFY_WITH_TIMEOUT(received(receiver).contains(last), WAIT_MS);

    // In order, no duplicates, and every line is either received or reported missing.
    QList<quint64> numbers;
    for (const QByteArray &line : received(receiver)) {
        QVERIFY2(line.startsWith("f-"), line.constData());
        numbers.append(line.mid(2).toULongLong());
    }
    for (qsizetype i = 1; i < numbers.size(); ++i)
        QVERIFY2(numbers[i] > numbers[i - 1], qPrintable(u"%1 after %2"_s.arg(numbers[i]).arg(numbers[i - 1])));
    quint64 missing = 0;
    for (const BridgeSignal::GapDetected &gap : gaps.allArgs()) {
        QCOMPARE(gap.origin, u"a"_s);
        QVERIFY(gap.first <= gap.last);
        for (quint64 n = gap.first; n <= gap.last; ++n)
            QVERIFY2(!numbers.contains(n), qPrintable(u"%1 reported missing but received"_s.arg(n)));
        missing += gap.last - gap.first + 1;
    }
    QCOMPARE(quint64(numbers.size()) + missing, quint64(sent));
    QCOMPARE(b.bridge->stats().gaps, missing);
    qInfo("failover: %d sent, %lld received, %llu reported missing in %lld gaps", sent, qlonglong(numbers.size()),
          qulonglong(missing), qlonglong(gaps.size()));
}

void tst_Cluster::natsDownKeepsLocalRelayAndCountsDrops()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site site;
    constexpr qint64 buffer = 16 * 1024;
    QVERIFY(site.start({ nats.url() }, u"plant"_s, u"lonely"_s, buffer));
    QTRY_COMPARE_WITH_TIMEOUT(site.bridge->state(), ClusterBridge::State::Connected, WAIT_MS);
    RawPeer *sender = site.connect();
    RawPeer *listener = site.connect();
    TypedSpy<BridgeSignal::MessagesDropped> drops(site.bridge.get());

    nats.kill();
    QTRY_COMPARE_WITH_TIMEOUT(site.bridge->state(), ClusterBridge::State::Reconnecting, WAIT_MS);

    // Far more than the reconnect buffer holds, all at once: the local relay delivers every line.
    constexpr int N = 5000;
    const QByteArray padding(60, 'x');
    QByteArray burst;
    for (int i = 0; i < N; ++i)
        burst += "d-" + QByteArray::number(i) + ' ' + padding + '\n';
    QElapsedTimer clock;
    clock.start();
    sender->send(burst);
    QTRY_COMPARE_WITH_TIMEOUT(received(listener).size(), N, WAIT_MS);
    qInfo("local relay of %d lines with NATS down: %lld ms", N, clock.elapsed());
    QCOMPARE(received(listener).last(), "d-" + QByteArray::number(N - 1) + ' ' + padding);

    // What did not fit is counted and said, and what did fit waits in the buffer.
    QTRY_VERIFY_WITH_TIMEOUT(site.bridge->stats().dropped > 0, WAIT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(!drops.isEmpty(), WAIT_MS);
    QVERIFY(drops.firstArgs().count > 0);
    QCOMPARE(drops.firstArgs().bufferBytes, buffer);
    QTRY_VERIFY_WITH_TIMEOUT(site.bridge->stats().bufferedBytes > 0, WAIT_MS);
    const ClusterBridge::Stats stats = site.bridge->stats();
    QVERIFY2(stats.dropped < quint64(N), qPrintable(QString::number(stats.dropped)));
    QVERIFY(stats.bufferedBytes <= buffer);
    QVERIFY(stats.connectedUrl.isEmpty());
    QCOMPARE(site.bridge->state(), ClusterBridge::State::Reconnecting);
}

void tst_Cluster::droppedMessagesAreGapsForReceivers()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site a, b;
    QVERIFY(a.start({ nats.url() }, u"plant"_s, u"a"_s, 4096));
    QVERIFY(b.start({ nats.url() }, u"plant"_s, u"b"_s));
    QTRY_VERIFY_WITH_TIMEOUT(a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s), WAIT_MS);
    RawPeer *sender = a.connect();
    RawPeer *receiver = b.connect();
    TypedSpy<BridgeSignal::GapDetected> gaps(b.bridge.get());
    sender->send("g-1\n");
    QTRY_COMPARE_WITH_TIMEOUT(received(receiver), QByteArrayList { "g-1"_ba }, WAIT_MS);

    // NATS goes away; a's client says far more than a's 4 KiB buffer holds.
    nats.kill();
    QTRY_COMPARE_WITH_TIMEOUT(a.bridge->state(), ClusterBridge::State::Reconnecting, WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(b.bridge->state(), ClusterBridge::State::Reconnecting, WAIT_MS);
    constexpr int N = 1000;
    QByteArray burst;
    for (int i = 2; i <= N; ++i)
        burst += "g-" + QByteArray::number(i) + ' ' + QByteArray(40, 'y') + '\n';
    sender->send(burst);
    QTRY_VERIFY_WITH_TIMEOUT(a.bridge->stats().dropped > 0, WAIT_MS);

    // Back on the same port: both reconnect; a's buffer goes out; the rest is reported missing.
    QVERIFY(nats.restart());
    QTRY_COMPARE_WITH_TIMEOUT(a.bridge->state(), ClusterBridge::State::Connected, WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(b.bridge->state(), ClusterBridge::State::Connected, WAIT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s), WAIT_MS);   // b subscribes again
    const QByteArray last = "g-" + QByteArray::number(N + 1);
    sender->send(last + '\n');
    QTRY_VERIFY_WITH_TIMEOUT(received(receiver).contains(last), WAIT_MS);

    quint64 missing = 0;
    for (const BridgeSignal::GapDetected &gap : gaps.allArgs())
        missing += gap.last - gap.first + 1;
    const QByteArrayList lines = received(receiver);
    QVERIFY(missing > 0);
    QVERIFY(missing >= a.bridge->stats().dropped);
    QCOMPARE(quint64(lines.size()) + missing, quint64(N + 1));
    QCOMPARE(b.bridge->stats().gaps, missing);
    qsizetype previous = 0;
    for (const QByteArray &line : lines) {
        const qsizetype n = line.mid(2).split(' ').first().toLongLong();
        QVERIFY2(n > previous, line.constData());
        previous = n;
    }
}

void tst_Cluster::presenceListsTheDomain()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site one, two;
    TypedSpy<BridgeSignal::PeerLeft> left(one.bridge.get());
    QSignalSpy joined(one.bridge.get(), &ClusterBridge::peerJoined);
    QVERIFY(one.start({ nats.url() }, u"plant"_s, {}));
    QVERIFY(two.start({ nats.url() }, u"plant"_s, u"two"_s));
    // A generated id: host, port, a random part; unique per run.
    QVERIFY2(one.bridge->serverId().contains(u"-%1-"_s.arg(one.server.serverPort())), qPrintable(one.bridge->serverId()));
    one.connect();
    one.connect();
    two.connect();
    QTRY_VERIFY_WITH_TIMEOUT(one.hasPeer(u"two"_s, 1), WAIT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(two.hasPeer(one.bridge->serverId(), 2), WAIT_MS);
    QCOMPARE(joined.size(), 1);
    const auto peers = one.bridge->peers();
    QCOMPARE(peers.size(), 2);
    QVERIFY(peers.first().self);
    QCOMPARE(peers.first().clients, 2);
    QCOMPARE(peers.last().port, two.server.serverPort());

    two.connect();
    QTRY_VERIFY_WITH_TIMEOUT(one.hasPeer(u"two"_s, 2), WAIT_MS);

    two.bridge->stop();
    QCOMPARE(two.bridge->state(), ClusterBridge::State::Off);
    QTRY_COMPARE_WITH_TIMEOUT(left.size(), 1, WAIT_MS);
    QCOMPARE(left.firstArgs().serverId, u"two"_s);
    QCOMPARE(left.firstArgs().reason, u"left"_s);
    QVERIFY(!one.hasPeer(u"two"_s));
    QCOMPARE(one.bridge->peers().size(), 1);
}

void tst_Cluster::framingsMustMatchAcrossTheDomain()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site one, two, three;
    const Framing length = *Framing::parse(u"length:2"_s);
    for (Site *site : { &one, &two }) {
        SpreadServer::Settings settings = site->server.settings();
        settings.framing = length;
        site->server.setSettings(settings);
    }
    QSignalSpy oneWarnings(one.bridge.get(), &ClusterBridge::warning);
    QSignalSpy threeWarnings(three.bridge.get(), &ClusterBridge::warning);
    QVERIFY(one.start({ nats.url() }, u"plant"_s, u"one"_s));
    QVERIFY(two.start({ nats.url() }, u"plant"_s, u"two"_s));
    QVERIFY(three.start({ nats.url() }, u"plant"_s, u"three"_s));
    // Every pair: a message that reaches a server before its origin's presence cannot be told
    // by framing, and is checked as bytes (refused as not one frame, not as another framing).
    QTRY_VERIFY_WITH_TIMEOUT(one.hasPeer(u"two"_s) && one.hasPeer(u"three"_s) && two.hasPeer(u"one"_s)
                                 && two.hasPeer(u"three"_s) && three.hasPeer(u"one"_s) && three.hasPeer(u"two"_s),
                             WAIT_MS);

    // No welcome in a binary framing: clients are counted in, not greeted.
    const auto connectQuietly = [](Site &site) {
        site.clients.push_back(std::make_unique<RawPeer>(site.server.serverPort()));
        const int before = site.server.clientCount();
        if (!QTest::qWaitFor([&] { return site.server.clientCount() > before; }, WAIT_MS))
            qWarning("client not accepted");
        return site.clients.back().get();
    };
    RawPeer *sender = connectQuietly(one);
    RawPeer *sameFraming = connectQuietly(two);
    RawPeer *lineClient = three.connect();

    const QByteArray frames = QByteArray::fromHex("0002 6869 0000");
    sender->send(frames);
    QTRY_COMPARE_WITH_TIMEOUT(sameFraming->received(), frames, WAIT_MS);   // whole frames, nothing added
    QTRY_COMPARE_WITH_TIMEOUT(three.bridge->stats().refusedFor(ClusterBridge::Refusal::OtherFraming), 2u, WAIT_MS);
    QCOMPARE(received(lineClient), QByteArrayList {});

    lineClient->send("a\nb\nc\n");
    QTRY_COMPARE_WITH_TIMEOUT(one.bridge->stats().refusedFor(ClusterBridge::Refusal::OtherFraming), 3u, WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(two.bridge->stats().refusedFor(ClusterBridge::Refusal::OtherFraming), 3u, WAIT_MS);
    QCOMPARE(sender->received(), QByteArray());

    // Said once per peer, however many presences and messages came since.
    QCOMPARE(oneWarnings.size(), 1);
    QCOMPARE(oneWarnings.first().first().toString(),
             u"server three frames by line, this server by length:2: its messages are refused"_s);
    QCOMPARE(threeWarnings.size(), 2);   // one and two
    QVERIFY(threeWarnings.first().first().toString().endsWith(u"frames by length:2, this server by line: its messages are refused"_s));

    // Three changes to length:2 while running: its next presence makes it one of the family.
    SpreadServer::Settings settings = three.server.settings();
    settings.framing = length;
    three.server.setSettings(settings);
    const QByteArray late = QByteArray::fromHex("0001 7a");
    const auto framingOf = [](const Site &site, const QString &id) {
        const auto peers = site.bridge->peers();
        const auto it = std::find_if(peers.cbegin(), peers.cend(), [&](const ClusterBridge::Peer &p) { return p.serverId == id; });
        return it == peers.cend() ? QString() : it->framing;
    };
    QCOMPARE(framingOf(one, u"three"_s), u"line"_s);
    QTRY_COMPARE_WITH_TIMEOUT(framingOf(one, u"three"_s), u"length:2"_s, WAIT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(framingOf(two, u"three"_s), u"length:2"_s, WAIT_MS);
    lineClient->send(late);
    QTRY_COMPARE_WITH_TIMEOUT(sender->received(), late, WAIT_MS);
    QCOMPARE(oneWarnings.size(), 1);
}

void tst_Cluster::headlessServerJoinsTheDomain()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    QTemporaryDir dir;
    const QString capture = dir.filePath(u"domain.pcapng"_s);
    TestProcess *headless = m_rig.start(serverBin(), { u"--headless"_s, u"--bind"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s,
                                                       u"--nats"_s, nats.url(), u"--domain"_s, u"plant"_s,
                                                       u"--server-id"_s, u"srv-h"_s, u"--welcome"_s, u"hi %1"_s,
                                                       u"--capture"_s, capture });
    QTRY_VERIFY_WITH_TIMEOUT(!headless->lines().isEmpty() || headless->hasFinished(), WAIT_MS);
    const auto listening = headless->match(QRegularExpression(u"listening on .* port (\\d+)$"_s));
    QVERIFY2(listening.hasMatch(), qPrintable(headless->describe()));
    const quint16 port = quint16(listening.captured(1).toUInt());
    QTRY_VERIFY2_WITH_TIMEOUT(headless->hasMatch(QRegularExpression(u"cluster: connected to "_s + QRegularExpression::escape(nats.url()))),
                              qPrintable(headless->describe()), WAIT_MS);

    Site site;
    QVERIFY(site.start({ nats.url() }, u"plant"_s, u"srv-q"_s));
    QTRY_VERIFY_WITH_TIMEOUT(site.hasPeer(u"srv-h"_s), WAIT_MS);
    QTRY_VERIFY2_WITH_TIMEOUT(headless->hasMatch(QRegularExpression(u"cluster: srv-q joined"_s)), qPrintable(headless->describe()), WAIT_MS);

    RawPeer *there = m_rig.connectPeer(port);
    RawPeer *here = site.connect();
    QTRY_COMPARE(there->lines().value(0), "hi 1"_ba);
    there->send("from the console\n");
    QTRY_VERIFY_WITH_TIMEOUT(received(here).contains("from the console"), WAIT_MS);
    here->send("from the test\n");
    QTRY_VERIFY_WITH_TIMEOUT(there->hasLine("from the test"), WAIT_MS);
    // The console tells remote messages by their origin and client.
    QTRY_VERIFY2(headless->hasMatch(QRegularExpression(u"\\[srv-q/#1\\] from the test$"_s)), qPrintable(headless->describe()));

    headless->write("/peers\n");
    QTRY_VERIFY2(headless->hasMatch(QRegularExpression(u"^srv-q .*1 client"_s)), qPrintable(headless->describe()));

    headless->terminate();
    QTRY_VERIFY_WITH_TIMEOUT(headless->hasFinished(), WAIT_MS);
    QCOMPARE(headless->exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!site.hasPeer(u"srv-h"_s), WAIT_MS);   // it said goodbye

    // Its capture shows the domain: the other server's message comes from a pseudo peer of its own.
    if (!Tshark::available())
        return;
    const QByteArray comments = Tshark::run({ u"-r"_s, capture, u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(comments.contains("SpreadSite cluster server srv-q"), comments.constData());
    const QByteArray streams = Tshark::run({ u"-r"_s, capture, u"-q"_s, u"-z"_s, u"conv,tcp"_s });
    QVERIFY2(streams.contains("0.0.0.0:1 "), streams.constData());
    bool found = false;
    for (int stream = 0; stream < 2 && !found; ++stream) {
        const Tshark::Stream s = Tshark::follow(capture, stream);
        if (s.client == u"0.0.0.0:1"_s) {
            QCOMPARE(s.fromClient, "from the test\n"_ba);
            found = true;
        }
    }
    QVERIFY(found);
}

void tst_Cluster::headlessBadOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");
    QTest::addRow("bad domain") << QStringList { u"--nats"_s, u"nats://127.0.0.1:4222"_s, u"--domain"_s, u"a.b"_s } << u"--domain"_s;
    QTest::addRow("bad url") << QStringList { u"--nats"_s, u"http://x"_s } << u"--nats"_s;
    QTest::addRow("bad server id") << QStringList { u"--nats"_s, u"127.0.0.1:4222"_s, u"--server-id"_s, u"a b"_s } << u"--server-id"_s;
    QTest::addRow("bad buffer") << QStringList { u"--nats"_s, u"127.0.0.1:4222"_s, u"--nats-buffer"_s, u"lots"_s } << u"--nats-buffer"_s;
    QTest::addRow("domain without nats") << QStringList { u"--domain"_s, u"plant"_s } << u"--nats"_s;
}

void tst_Cluster::headlessBadOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    TestProcess *server = m_rig.start(serverBin(), QStringList { u"--headless"_s, u"--port"_s, u"0"_s } + arguments);
    QTRY_VERIFY_WITH_TIMEOUT(server->hasFinished(), WAIT_MS);
    QCOMPARE(server->exitCode(), 2);
    QCOMPARE(server->errLines().size(), 1);
    QVERIFY2(server->errLines().first().contains(error), qPrintable(server->describe()));
    QVERIFY(server->lines().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Cluster)
#include "tst_cluster.moc"
