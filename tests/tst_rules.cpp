// SPDX-License-Identifier: MIT
#include "core/echoclient.h"
#include "core/spreadserver.h"
#include "log/logformat.h"
#include "log/serverlog.h"
#include "rules/rulerunner.h"
#include "rules/ruleset.h"
#include "rules/savedmessages.h"

#include "signalargs.h"
#include "testpeer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace {

// The issue's example, as a user would write it.
const QByteArray ExampleRules = R"J([
  {"name": "ping",   "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1"},
  {"name": "quiet",  "match": {"contains": "password"}, "relay": false},
  {"name": "kick",   "match": {"hex": "ff 01 ?? 00"}, "disconnect": "bad device"},
  {"name": "alarm",  "match": {"regex": "TEMP=(\\d+)"}, "from": "127.0.0.0/8",
   "broadcast": "alarm from {client}: \\1", "tag": "alarm", "delayMs": 100, "continue": true}
])J"_ba;

RuleSet rulesOf(const QByteArray &json, RuleSet::Side side = RuleSet::Side::Server)
{
    QString error;
    const std::optional<RuleSet> rules = RuleSet::fromJson(json, side, &error);
    if (!rules)
        qWarning("rules refused: %s", qPrintable(error));
    return rules.value_or(RuleSet());
}

} // namespace

/** Rules files, what rules match, and what they do on a real server and a real client. */
class tst_Rules : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void exampleLoadsAndRoundTrips();
    void refusals_data();
    void refusals();
    void loadNamesTheFile();
    void matching_data();
    void matching();
    void firstMatchAppliesUnlessContinue();
    void tagsAndRelayOfSeveralRules();
    void regexCapturesAreUtf8Text();

    void pingIsAnsweredOnlyToTheSender();
    void hiddenMessageIsLoggedNotRelayed();
    void bytePatternKicksTheDevice();
    void alarmIsTaggedAndBroadcastAfterItsDelay();
    void delayedReplyToAClientThatLeftIsDropped();
    void delayedActionsAreBounded();
    void repliesNeverMatchRulesAgain();
    void editingKeepsTheHitsOfUnchangedRules();
    void jsonLinesCarryTagRuleAndHits();
    void clientAnswersItsServerByRules();
    void clientRuleDisconnects();

    void savedMessagesFile();
    void sequenceSendsInOrderWithRepeats();

private:
    TestPeer *connectPeer();
    bool sync(const QList<TestPeer *> &peers);

    std::unique_ptr<SpreadServer> m_server;
    std::unique_ptr<RuleRunner> m_runner;
    QList<TestPeer *> m_peers;
    int m_marker = 0;
};

void tst_Rules::init()
{
    m_marker = 0;
    m_server = std::make_unique<SpreadServer>();
    SpreadServer::Settings settings;
    settings.welcome = QString();   // the peers' first line is then what the test sends
    m_server->setSettings(settings);
    m_runner = std::make_unique<RuleRunner>(m_server.get());
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
}

void tst_Rules::cleanup()
{
    qDeleteAll(std::exchange(m_peers, {}));
    m_runner.reset();
    m_server.reset();
}

TestPeer *tst_Rules::connectPeer()
{
    auto *peer = new TestPeer(m_server->serverPort());
    m_peers.append(peer);
    const int before = m_server->clientCount();
    if (!QTest::qWaitFor([&] { return m_server->clientCount() > before; }, 5000))
        qWarning("peer was not accepted");
    return peer;
}

bool tst_Rules::sync(const QList<TestPeer *> &peers)
{
    const QByteArray marker = "marker-"_ba + QByteArray::number(++m_marker);
    m_server->sendToAll(marker);
    return QTest::qWaitFor([&] {
        return std::all_of(peers.cbegin(), peers.cend(), [&](TestPeer *p) { return p->hasLine(marker); });
    }, 5000);
}

void tst_Rules::exampleLoadsAndRoundTrips()
{
    QString error;
    const std::optional<RuleSet> rules = RuleSet::fromJson(ExampleRules, RuleSet::Side::Server, &error);
    QVERIFY2(rules, qPrintable(error));
    QCOMPARE(rules->size(), 4);
    const Rule &alarm = rules->rules().at(3);
    QCOMPARE(alarm.name, u"alarm"_s);
    QCOMPARE(alarm.kind, Rule::MatchKind::Regex);
    QCOMPARE(alarm.from, QStringList { u"127.0.0.0/8"_s });
    QCOMPARE(alarm.delayMs, 100);
    QVERIFY(alarm.continues);
    QVERIFY(rules->rules().at(1).relay == false);
    QVERIFY(!rules->rules().at(2).relays());   // a rule that disconnects does not relay unless it says so
    const std::optional<RuleSet> again = RuleSet::fromJson(rules->toJson(), RuleSet::Side::Server, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->rules(), rules->rules());
}

void tst_Rules::refusals_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("client");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not json") << "[{"_ba << false << u"not JSON"_s;
    QTest::newRow("not an array") << R"J({"name": "x"})J"_ba << false << u"JSON array"_s;
    QTest::newRow("unknown key") << R"J([{"name": "ping", "match": {"text": "a"}, "replay": "b"}])J"_ba << false
                                 << u"rule “ping”: unknown key “replay”"_s;
    QTest::newRow("bad regex") << R"J([{"name": "ping", "match": {"regex": "(a"}, "reply": "b"}])J"_ba << false
                               << u"rule “ping”: the regex does not compile"_s;
    QTest::newRow("capture beyond groups") << R"J([{"name": "ping", "match": {"regex": "(a)"}, "reply": "\\2"}])J"_ba
                                           << false << u"rule “ping”: “reply”: \\2, but the regex has 1 group"_s;
    QTest::newRow("capture without regex") << R"J([{"name": "p", "match": {"text": "a"}, "reply": "\\1"}])J"_ba << false
                                           << u"\\1 needs a regex match"_s;
    QTest::newRow("bad template") << R"J([{"name": "p", "match": {"text": "a"}, "reply": "{nosuch}"}])J"_ba << false
                                  << u"rule “p”: “reply”: unknown token {nosuch}"_s;
    QTest::newRow("no match") << R"J([{"name": "p", "reply": "x"}])J"_ba << false << u"rule “p”: “match” is missing"_s;
    QTest::newRow("two matches") << R"J([{"name": "p", "match": {"text": "a", "contains": "b"}}])J"_ba << false
                                 << u"only one of"_s;
    QTest::newRow("unknown match") << R"J([{"name": "p", "match": {"glob": "a*"}}])J"_ba << false
                                   << u"unknown key “glob” in “match”"_s;
    QTest::newRow("bad hex") << R"J([{"name": "p", "match": {"hex": "ff 0"}}])J"_ba << false << u"“hex” must be bytes"_s;
    QTest::newRow("delay too long") << R"J([{"name": "p", "match": {"text": "a"}, "delayMs": 60001}])J"_ba << false
                                    << u"“delayMs” must be a whole number from 0 to 60000"_s;
    QTest::newRow("delay far out of range") << R"J([{"name": "p", "match": {"text": "a"}, "delayMs": 1e30}])J"_ba << false
                                            << u"“delayMs” must be a whole number"_s;
    QTest::newRow("client id far out of range") << R"J([{"name": "p", "match": {"text": "a"}, "from": 1e30}])J"_ba << false
                                                << u"“from” must be a subnet"_s;
    QTest::newRow("bad from") << R"J([{"name": "p", "match": {"text": "a"}, "from": "10.0.0.0/99"}])J"_ba << false
                              << u"neither a subnet nor a client id"_s;
    QTest::newRow("relay not bool") << R"J([{"name": "p", "match": {"text": "a"}, "relay": "no"}])J"_ba << false
                                    << u"“relay” must be true or false"_s;
    QTest::newRow("unnamed rule") << R"J([{"match": {"text": "a"}}, {"match": {"text": "b"}, "x": 1}])J"_ba << false
                                  << u"rule 2: unknown key “x”"_s;
    QTest::newRow("broadcast on a client") << R"J([{"name": "p", "match": {"text": "a"}, "broadcast": "b"}])J"_ba << true
                                           << u"rule “p”: “broadcast” is the server's"_s;
    QTest::newRow("relay on a client") << R"J([{"name": "p", "match": {"text": "a"}, "relay": false}])J"_ba << true
                                       << u"“relay” is the server's"_s;
    QTest::newRow("client id on a client") << R"J([{"name": "p", "match": {"text": "a"}, "from": "#3"}])J"_ba << true
                                           << u"a client has no client ids"_s;
}

void tst_Rules::refusals()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, client);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!RuleSet::fromJson(json, client ? RuleSet::Side::Client : RuleSet::Side::Server, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_Rules::loadNamesTheFile()
{
    QString error;
    QVERIFY(!RuleSet::load(u"/nonexistent/rules.json"_s, RuleSet::Side::Server, &error));
    QVERIFY2(error.startsWith(u"/nonexistent/rules.json: "_s), qPrintable(error));
    QTemporaryFile file;
    QVERIFY(file.open());
    file.write(ExampleRules);
    file.close();
    const std::optional<RuleSet> rules = RuleSet::load(file.fileName(), RuleSet::Side::Server, &error);
    QVERIFY2(rules, qPrintable(error));
    QCOMPARE(rules->size(), 4);
}

void tst_Rules::matching_data()
{
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<quint64>("client");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("matches");
    const QString local = u"127.0.0.1"_s;
    const auto row = [&](const char *name, const QByteArray &rule, const QByteArray &message, bool matches,
                         quint64 client = 1, const QString &address = u"127.0.0.1"_s) {
        QTest::newRow(name) << rule << message << client << address << matches;
    };
    row("text whole", R"J({"match": {"text": "on"}})J", "on", true);
    row("text not part", R"J({"match": {"text": "on"}})J", "only", false);
    row("contains", R"J({"match": {"contains": "word"}})J", "a word here", true);
    row("contains not", R"J({"match": {"contains": "word"}})J", "a wor d", false);
    row("contains utf-8", R"J({"match": {"contains": "温度"}})J", "当前温度=20", true);
    row("regex", R"J({"match": {"regex": "^T=\\d+$"}})J", "T=20", true);
    row("regex anchored", R"J({"match": {"regex": "^T=\\d+$"}})J", "xT=20", false);
    row("regex case-insensitive", R"J({"match": {"regex": "(?i)^error"}})J", "ERROR 5", true);
    row("regex on bytes that are no utf-8", R"J({"match": {"regex": "^AB\\d"}})J", "AB7\xff\xfe\x00"_ba, true);
    row("regex dot is one character", R"J({"match": {"regex": "^温.$"}})J", "温度", true);
    row("hex prefix", R"J({"match": {"hex": "ff 01 ?? 00"}})J", "\xff\x01\x7f\x00rest"_ba, true);
    row("hex wildcard any", R"J({"match": {"hex": "ff01??00"}})J", QByteArray("\xff\x01\x00\x00", 4), true);
    row("hex differs", R"J({"match": {"hex": "ff 01 ?? 00"}})J", "\xff\x02\x7f\x00", false);
    row("hex too short", R"J({"match": {"hex": "ff 01 ?? 00"}})J", "\xff\x01", false);
    row("from subnet in", R"J({"match": {"text": "a"}, "from": "10.0.0.0/8"})J", "a", true, 1, u"10.1.2.3"_s);
    row("from subnet out", R"J({"match": {"text": "a"}, "from": "10.0.0.0/8"})J", "a", false, 1, u"192.168.1.2"_s);
    row("from address", R"J({"match": {"text": "a"}, "from": "::1"})J", "a", true, 1, u"::1"_s);
    row("from id", R"J({"match": {"text": "a"}, "from": "#3"})J", "a", true, 3, local);
    row("from other id", R"J({"match": {"text": "a"}, "from": "#3"})J", "a", false, 4, local);
    row("from list", R"J({"match": {"text": "a"}, "from": [5, "10.0.0.0/8"]})J", "a", true, 5, local);
    row("from in match", R"J({"match": {"text": "a", "from": "#2"}})J", "a", false, 1, local);
    row("disabled", R"J({"match": {"text": "a"}, "enabled": false})J", "a", false);
}

void tst_Rules::matching()
{
    QFETCH(QByteArray, rule);
    QFETCH(QByteArray, message);
    QFETCH(quint64, client);
    QFETCH(QString, address);
    QFETCH(bool, matches);
    const RuleSet rules = rulesOf('[' + rule + ']');
    QCOMPARE(rules.size(), 1);
    const RuleSet::Outcome outcome = rules.apply(message, { client, QHostAddress(address) }, {});
    QCOMPARE(outcome.matched(), matches);
}

void tst_Rules::firstMatchAppliesUnlessContinue()
{
    const RuleSet rules = rulesOf(R"J([
        {"name": "a", "match": {"contains": "x"}, "reply": "A{counter}"},
        {"name": "b", "match": {"contains": "x"}, "reply": "B"},
        {"name": "c", "match": {"regex": "(x+)"}, "reply": "C \\1", "continue": true},
        {"name": "d", "match": {"contains": "y"}, "reply": "D"}
    ])J");
    RuleSet::Outcome first = rules.apply("xx", {}, { 4, 0, 0, 0 });
    QCOMPARE(first.firings.size(), 1);
    QCOMPARE(first.firings.at(0).rule, 0);
    QCOMPARE(*first.firings.at(0).reply, "A5"_ba);   // {counter} counts the rule's hits: this is its fifth
    // "c" continues into "d".
    RuleSet::Outcome both = rules.apply("y xxx", {}, {});
    QCOMPARE(both.firings.size(), 1);   // "a" matches first ("x"), and stops
    const RuleSet tail = rulesOf(R"J([
        {"name": "c", "match": {"regex": "(x+)"}, "reply": "C \\1", "continue": true},
        {"name": "d", "match": {"contains": "y"}, "reply": "D"}
    ])J");
    both = tail.apply("y xxx", {}, {});
    QCOMPARE(both.firings.size(), 2);
    QCOMPARE(*both.firings.at(0).reply, "C xxx"_ba);
    QCOMPARE(*both.firings.at(1).reply, "D"_ba);
}

void tst_Rules::regexCapturesAreUtf8Text()
{
    const RuleSet rules = rulesOf(R"J([{"match": {"regex": "温度=(\\d+)(x)?"}, "reply": "[\\1][\\2][\\0]"}])J");
    const RuleSet::Outcome outcome = rules.apply("当前温度=21", {}, {});
    QCOMPARE(outcome.firings.size(), 1);
    QCOMPARE(*outcome.firings.at(0).reply, "[21][][温度=21]"_ba);   // a group not in the match is empty
}

void tst_Rules::tagsAndRelayOfSeveralRules()
{
    const RuleSet rules = rulesOf(R"J([
        {"match": {"contains": "a"}, "tag": "one", "continue": true},
        {"match": {"contains": "a"}, "tag": "two", "relay": false}
    ])J");
    const RuleSet::Outcome outcome = rules.apply("a", {}, {});
    QCOMPARE(outcome.tag, u"one,two"_s);
    QVERIFY(!outcome.relay);
    QVERIFY(rules.apply("b", {}, {}).relay);
}

void tst_Rules::pingIsAnsweredOnlyToTheSender()
{
    m_runner->setRules(rulesOf(ExampleRules));
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageSent> sent(m_server.get());
    a->write("PING 7\nPING 8\n");
    QTRY_COMPARE(a->lines(), (QList<QByteArray> { "PONG 7"_ba, "PONG 8"_ba }));
    QVERIFY(sync({ a, b }));
    QCOMPARE(b->lines(), (QList<QByteArray> { "PING 7"_ba, "PING 8"_ba, "marker-1"_ba }));   // relayed as ever
    QCOMPARE(m_runner->hits().value(0), quint64(2));
    QCOMPARE(sent.args(0).cause.rule, u"ping"_s);
    QCOMPARE(sent.args(1).cause.hits, quint64(2));
    QCOMPARE(sent.args(0).to, m_server->clients().value(0));
}

void tst_Rules::hiddenMessageIsLoggedNotRelayed()
{
    m_runner->setRules(rulesOf(ExampleRules));
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageReceived> received(m_server.get());
    a->write("my password is x\nhello\n");
    QTRY_VERIFY(b->hasLine("hello"));
    QCOMPARE(b->lines(), QList<QByteArray> { "hello"_ba });
    QCOMPARE(received.count(), 2);
    QCOMPARE(received.args(0).message, "my password is x"_ba);
    QCOMPARE(received.args(0).relayedTo, 0);
    QCOMPARE(received.args(1).relayedTo, 1);
    QCOMPARE(m_runner->hits().value(1), quint64(1));
}

void tst_Rules::bytePatternKicksTheDevice()
{
    m_runner->setRules(rulesOf(ExampleRules));
    TestPeer *device = connectPeer();
    TestPeer *other = connectPeer();
    TypedSpy<ServerSignal::ClientDisconnected> gone(m_server.get());
    device->write("\xff\x01\x42\x00 tail\n"_ba);
    QTRY_COMPARE(gone.count(), 1);
    QVERIFY2(gone.args(0).reason.endsWith(u"bad device"_s), qPrintable(gone.args(0).reason));
    QTRY_VERIFY(device->isClosed());
    QVERIFY(sync({ other }));
    QCOMPARE(other->lines(), QList<QByteArray> { "marker-1"_ba });   // the kicked message was not relayed
}

void tst_Rules::alarmIsTaggedAndBroadcastAfterItsDelay()
{
    m_runner->setRules(rulesOf(ExampleRules));
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageReceived> received(m_server.get());
    QElapsedTimer clock;
    clock.start();
    a->write("TEMP=41\n");
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(received.args(0).tag, u"alarm"_s);
    QCOMPARE(m_runner->pending(), 1);
    const SpreadServer::ClientId sender = received.args(0).id;
    const QByteArray alarm = "alarm from "_ba + QByteArray::number(sender) + ": 41";
    QTRY_VERIFY(a->hasLine(alarm) && b->hasLine(alarm));
    QVERIFY2(clock.elapsed() >= 100, "the broadcast waited its delayMs");
    QCOMPARE(b->lines(), (QList<QByteArray> { "TEMP=41"_ba, alarm }));   // the original first
    QCOMPARE(m_runner->pending(), 0);
}

void tst_Rules::delayedReplyToAClientThatLeftIsDropped()
{
    m_runner->setRules(rulesOf(R"J([{"name": "later", "match": {"text": "hi"}, "reply": "late", "delayMs": 200},
                                   {"name": "marker", "match": {"text": "go"}, "reply": "now"}])J"));
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    TypedSpy<ServerSignal::MessageSent> sent(m_server.get());
    a->write("hi\n");
    QTRY_COMPARE(m_runner->pending(), 1);
    TypedSpy<ServerSignal::ClientDisconnected> gone(m_server.get());
    a->socket().abort();
    QTRY_COMPARE(gone.count(), 1);
    QTRY_COMPARE(m_runner->pending(), 0);   // due, and dropped
    b->write("go\n");
    QTRY_VERIFY(b->hasLine("now"));
    QCOMPARE(sent.count(), 1);   // only "now": nothing was sent for the client that left
}

void tst_Rules::delayedActionsAreBounded()
{
    m_runner->setRules(rulesOf(R"J([{"name": "slow", "match": {"text": "x"}, "reply": "y", "delayMs": 60000}])J"));
    TestPeer *a = connectPeer();
    QSignalSpy warned(m_runner.get(), &RuleRunner::warning);
    QByteArray flood;
    for (int i = 0; i < RuleRunner::MaxPending + 50; ++i)
        flood += "x\n";
    a->write(flood);
    QTRY_COMPARE(m_runner->hits().value(0), quint64(RuleRunner::MaxPending + 50));
    QCOMPARE(m_runner->pending(), RuleRunner::MaxPending);
    QCOMPARE(warned.count(), 1);   // said once, not 50 times
    QVERIFY(warned.at(0).at(0).toString().contains(u"slow"_s));
}

void tst_Rules::repliesNeverMatchRulesAgain()
{
    // A reply that would match its own rule: the server's own message is not seen by the rules.
    m_runner->setRules(rulesOf(R"J([{"name": "echo", "match": {"regex": "^PING"}, "reply": "PING again"}])J"));
    TestPeer *a = connectPeer();
    a->write("PING\n");
    QTRY_VERIFY(a->hasLine("PING again"));
    QVERIFY(sync({ a }));
    QCOMPARE(m_runner->hits().value(0), quint64(1));
    QCOMPARE(a->lines(), (QList<QByteArray> { "PING again"_ba, "marker-1"_ba }));
}

void tst_Rules::editingKeepsTheHitsOfUnchangedRules()
{
    m_runner->setRules(rulesOf(R"J([{"name": "a", "match": {"text": "x"}, "reply": "1"},
                                    {"name": "b", "match": {"text": "y"}}])J"));
    TestPeer *peer = connectPeer();
    peer->write("x\ny\ny\n");
    QTRY_COMPARE(m_runner->hits(), (QList<quint64> { 1, 2 }));
    // "a" gets a new reply (kept), "b" a new match (starts again), "c" is new.
    m_runner->setRules(rulesOf(R"J([{"name": "c", "match": {"text": "z"}},
                                    {"name": "a", "match": {"text": "x"}, "reply": "2"},
                                    {"name": "b", "match": {"text": "yy"}}])J"));
    QCOMPARE(m_runner->hits(), (QList<quint64> { 0, 1, 0 }));
    int errorRule = -2;
    QString error;
    Rule good;
    good.pattern = u"ok"_s;
    Rule bad;
    bad.name = u"bad"_s;
    bad.kind = Rule::MatchKind::Regex;
    bad.pattern = u"("_s;
    QVERIFY(!RuleSet::make({ good, bad }, RuleSet::Side::Server, &error, &errorRule));
    QCOMPARE(errorRule, 1);
}

void tst_Rules::jsonLinesCarryTagRuleAndHits()
{
    m_runner->setRules(rulesOf(R"J([{"name": "ping", "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1",
                                    "tag": "probe"}])J"));
    ServerLog log(m_server.get());
    QList<Log::Event> events;
    connect(&log, &ServerLog::logged, this, [&events](const Log::Event &e) { events.append(e); });
    TestPeer *a = connectPeer();
    a->write("PING 1\n");
    QTRY_VERIFY(a->hasLine("PONG 1"));
    QList<QJsonObject> lines;
    for (const Log::Event &e : std::as_const(events)) {
        if (e.isMessage())
            lines.append(QJsonDocument::fromJson(Log::json(e)).object());
    }
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).value(u"tag"_s).toString(), u"probe"_s);
    QCOMPARE(lines.at(1).value(u"event"_s).toString(), u"sent"_s);
    QCOMPARE(lines.at(1).value(u"rule"_s).toString(), u"ping"_s);
    QCOMPARE(lines.at(1).value(u"hits"_s).toInt(), 1);
    QCOMPARE(Log::text(events.at(events.size() - 2), false).mid(Log::text(events.at(events.size() - 2), false).indexOf(']') + 1),
             " [probe] PING 1"_ba);
    QVERIFY(Log::text(events.last(), false).contains("rule ping #1] PONG 1"));
}

void tst_Rules::clientAnswersItsServerByRules()
{
    // The client stands in for a device: its rules answer what its server relays to it.
    EchoClient device;
    device.setPeriodicEnabled(false);
    RuleRunner rules(&device);
    rules.setRules(rulesOf(R"J([{"name": "pong", "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1 from device"}])J",
                           RuleSet::Side::Client));
    QCOMPARE(rules.rules().size(), 1);
    TestPeer *master = connectPeer();
    device.connectToServer(u"127.0.0.1"_s, m_server->serverPort());
    QTRY_COMPARE(m_server->clientCount(), 2);
    QTRY_COMPARE(device.state(), EchoClient::State::Connected);
    TypedSpy<ClientSignal::MessageSent> sent(&device);
    master->write("PING 3\n");
    QTRY_VERIFY(master->hasLine("PONG 3 from device"));
    QCOMPARE(rules.hits().value(0), quint64(1));
    QCOMPARE(sent.args(0).cause.rule, u"pong"_s);
}

void tst_Rules::clientRuleDisconnects()
{
    EchoClient device;
    device.setPeriodicEnabled(false);
    RuleRunner rules(&device);
    rules.setRules(rulesOf(R"J([{"name": "bye", "match": {"text": "reboot"}, "disconnect": "told to reboot"}])J",
                           RuleSet::Side::Client));
    TestPeer *master = connectPeer();
    device.connectToServer(u"127.0.0.1"_s, m_server->serverPort());
    QTRY_COMPARE(device.state(), EchoClient::State::Connected);
    TypedSpy<ClientSignal::ConnectionLost> lost(&device);
    master->write("reboot\n");
    QTRY_COMPARE(lost.count(), 1);
    QCOMPARE(lost.args(0).reason, u"told to reboot"_s);
}

void tst_Rules::savedMessagesFile()
{
    QString error;
    const auto list = SavedMessages::fromJson(R"J([
        {"name": "poll", "hex": "01 03 00 00 00 0a {crc16-modbus}", "repeat": 3, "intervalMs": 500},
        {"name": "hello", "text": "hello #{counter}"}
    ])J", MessageTemplate::Syntax::Plain, &error);
    QVERIFY2(list, qPrintable(error));
    QCOMPARE(list->size(), 2);
    QVERIFY(list->at(0).hex);
    QCOMPARE(list->at(0).repeat, 3);
    QCOMPARE(SavedMessages::fromJson(SavedMessages::toJson(*list), MessageTemplate::Syntax::Plain).value(), *list);
    QVERIFY(!SavedMessages::fromJson(R"J([{"name": "x", "text": "{nosuch}"}])J", MessageTemplate::Syntax::Plain, &error));
    QVERIFY2(error.contains(u"message “x”: unknown token {nosuch}"_s), qPrintable(error));
    QVERIFY(!SavedMessages::fromJson(R"J([{"name": "x", "text": "a", "hex": "00"}])J", MessageTemplate::Syntax::Plain, &error));
    QVERIFY2(error.contains(u"exactly one of"_s), qPrintable(error));
    QVERIFY(!SavedMessages::fromJson(R"J([{"name": "x", "text": "a", "repeat": 0}])J", MessageTemplate::Syntax::Plain, &error));
    QVERIFY2(error.contains(u"“repeat”"_s), qPrintable(error));
}

void tst_Rules::sequenceSendsInOrderWithRepeats()
{
    TestPeer *a = connectPeer();
    TestPeer *b = connectPeer();
    Q_UNUSED(a);
    const QList<SavedMessage> list {
        { u"n"_s, u"n{counter}"_s, false, 3, 20 },
        { u"crc"_s, u"41 42 {xor8}"_s, true, 1, 0 },
    };
    MessageSequence sequence(list, MessageTemplate::Syntax::Plain, [this](const MessageTemplate &t, quint64 n) {
        return m_server->sendTemplate(t, n, { m_server->clients().value(1) }) == 1;
    });
    QSignalSpy finished(&sequence, &MessageSequence::finished);
    sequence.start();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(sequence.sent(), 4);
    QTRY_COMPARE(b->lines().size(), 4);
    QCOMPARE(b->lines(), (QList<QByteArray> { "n1"_ba, "n2"_ba, "n3"_ba, "AB\x03"_ba }));
}

QTEST_GUILESS_MAIN(tst_Rules)
#include "tst_rules.moc"
