// SPDX-License-Identifier: MIT
#include <memory>

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "client/clientwindow.h"
#include "core/spreadserver.h"
#include "logview/logmodel.h"
#include "logview/logpanel.h"
#include "rules/rulerunner.h"
#include "rules/rulesmodel.h"
#include "rules/rulespanel.h"
#include "server/serverwindow.h"
#include "testpeer.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

class tst_RulesWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void regexRuleTypedInThePanelAnswersAClient();
    void ruleWithRelayOffIsLoggedButNotRelayed();
    void invalidRegexIsShownAndTheRunnerKeepsTheLastRules();
    void tryAMessageSaysWhatTheRulesWouldDo();
    void hitsOfAFloodAreCoalescedIntoFewRepaints();
    void movingARuleChangesWhichOneAnswers();
    void exportThenImportRoundTrips();
    void importOfABadFileChangesNothing();
    void rulesSurviveARestartAndTheCommandLineWins();
    void tagShowsInTheLog();
    void clientWindowAnswersItsServerAsADevice();
    void modelPassesTheTester();
    void tooltipsOnEveryControl();

private:
    /** A server window shown, listening on 127.0.0.1 on a free port, with its Rules tab in front. */
    std::unique_ptr<ServerWindow> serverWindow(const ServerOptions &options = ServerOptions());
    /** Adds a rule with the panel's widgets, as a user types it. */
    static void addRule(RulesPanel *panel, const QString &name, Rule::MatchKind kind, const QString &pattern,
                        const QString &reply = QString());
    static RuleSet ruleSet(const QByteArray &json, RuleSet::Side side = RuleSet::Side::Server);
    QTemporaryDir m_dir;
};

void tst_RulesWindow::initTestCase()
{
    isolateSettings(u"tst_ruleswindow"_s);
    QVERIFY(m_dir.isValid());
}

void tst_RulesWindow::init()
{
    QSettings().clear();
}

void tst_RulesWindow::cleanup()
{
    closeFileDialogs();
}

std::unique_ptr<ServerWindow> tst_RulesWindow::serverWindow(const ServerOptions &given)
{
    ServerOptions options = given;
    options.bind = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.explicitlySet += { u"bind"_s, u"port"_s };
    auto window = std::make_unique<ServerWindow>(options);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()) || !window->start())
        return nullptr;
    auto *tabs = child<QTabWidget>(window.get(), "settingsTabs");
    tabs->setCurrentWidget(window->findChild<QWidget *>(u"rulesPage"_s));
    return window;
}

void tst_RulesWindow::addRule(RulesPanel *panel, const QString &name, Rule::MatchKind kind, const QString &pattern,
                              const QString &reply)
{
    QTest::mouseClick(child<QPushButton>(panel, "addRuleButton"), Qt::LeftButton);
    typeInto(child<QLineEdit>(panel, "ruleNameEdit"), name);
    auto *kindCombo = child<QComboBox>(panel, "ruleKindCombo");
    kindCombo->setCurrentIndex(kindCombo->findData(int(kind)));
    typeInto(child<QLineEdit>(panel, "rulePatternEdit"), pattern);
    if (!reply.isEmpty())
        typeInto(child<QLineEdit>(panel, "ruleReplyEdit"), reply);
}

RuleSet tst_RulesWindow::ruleSet(const QByteArray &json, RuleSet::Side side)
{
    QString error;
    const auto rules = RuleSet::fromJson(json, side, &error);
    if (!rules)
        qWarning("%s", qPrintable(error));
    return rules.value_or(RuleSet());
}

void tst_RulesWindow::regexRuleTypedInThePanelAnswersAClient()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    QCOMPARE(panel->errorText(), QString());
    QCOMPARE(window->ruleRunner()->rules().size(), 1);
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).pattern, u"^PING (\\d+)$"_s);
    const QModelIndex actions = panel->model()->index(0, RulesModel::ActionsColumn);
    QCOMPARE(actions.data().toString(), u"reply “PONG \\1”"_s);
    QCOMPARE(panel->model()->index(0, RulesModel::MatchColumn).data().toString(), u"regex: ^PING (\\d+)$"_s);

    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QSignalSpy resets(panel->model(), &QAbstractItemModel::modelReset);
    peer.write("PING 7\n");
    QTRY_VERIFY(peer.hasLine("PONG 7"));
    const QModelIndex hits = panel->model()->index(0, RulesModel::HitsColumn);
    QTRY_COMPARE(hits.data().toString(), u"1"_s);
    QCOMPARE(resets.count(), 0);   // a hit repaints its cell, never the whole table

    // The log says the reply is the rule's: "rule ping · hit 1" in its meta line.
    LogModel *log = window->logModel();
    QTRY_VERIFY(hasRow(log, u"PONG 7"_s));
    const QModelIndex reply = log->index(rowsWith(log, u"PONG 7"_s).first());
    QCOMPARE(reply.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QCOMPARE(reply.data(LogModel::RuleRole).toString(), u"rule ping · hit 1"_s);
    // The message that fired it came first, and is not the rule's.
    const int ping = rowsWith(log, u"PING 7"_s).first();
    QVERIFY(ping < reply.row());
    QCOMPARE(log->index(ping).data(LogModel::RuleRole).toString(), QString());
}

void tst_RulesWindow::ruleWithRelayOffIsLoggedButNotRelayed()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"quiet"_s, Rule::MatchKind::Contains, u"password"_s);
    auto *relay = child<QCheckBox>(panel, "ruleRelayCheck");
    QVERIFY(relay->isChecked());   // the default: relayed
    QTest::mouseClick(relay, Qt::LeftButton);
    QVERIFY(!relay->isChecked());
    QCOMPARE(panel->errorText(), QString());
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).relay, std::optional<bool>(false));
    QCOMPARE(panel->model()->index(0, RulesModel::ActionsColumn).data().toString(), u"not relayed"_s);

    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    a.write("my password is hunter2\nmarker\n");
    QTRY_VERIFY(b.hasLine("marker"));   // relayed after the other, so that one would be here by now
    QVERIFY(!b.hasLine("my password is hunter2"));
    QTRY_VERIFY(hasRow(window->logModel(), u"my password is hunter2"_s));
    QTRY_COMPARE(panel->model()->index(0, RulesModel::HitsColumn).data().toString(), u"1"_s);
}

void tst_RulesWindow::invalidRegexIsShownAndTheRunnerKeepsTheLastRules()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    const RuleSet before = window->ruleRunner()->rules();
    auto *error = child<QLabel>(panel, "rulesErrorLabel");
    QVERIFY(!error->isVisibleTo(panel));

    typeInto(child<QLineEdit>(panel, "rulePatternEdit"), u"^PING (\\d+$"_s);
    QVERIFY(error->isVisibleTo(panel));
    QVERIFY2(error->text().contains(u"ping"_s) && error->text().contains(u"regex"_s), qPrintable(error->text()));
    QCOMPARE(window->ruleRunner()->rules().rules(), before.rules());
    // The table shows the rule as typed.
    QCOMPARE(panel->model()->rule(0).pattern, u"^PING (\\d+$"_s);

    // And the running rules still answer.
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("PING 8\n");
    QTRY_VERIFY(peer.hasLine("PONG 8"));

    // A reply that needs a group the regex lacks is refused too, naming the rule.
    typeInto(child<QLineEdit>(panel, "rulePatternEdit"), u"^PING$"_s);
    QVERIFY2(error->text().contains(u"ping"_s) && error->text().contains(u"\\1"_s), qPrintable(error->text()));
    QCOMPARE(window->ruleRunner()->rules().rules(), before.rules());

    // Mended: it runs, and the error goes.
    typeInto(child<QLineEdit>(panel, "rulePatternEdit"), u"^PING (\\d+) please$"_s);
    QVERIFY(!error->isVisibleTo(panel));
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).pattern, u"^PING (\\d+) please$"_s);
}

void tst_RulesWindow::tryAMessageSaysWhatTheRulesWouldDo()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    addRule(panel, u"alarm"_s, Rule::MatchKind::Contains, u"TEMP"_s);
    typeInto(child<QLineEdit>(panel, "ruleTagEdit"), u"alarm"_s);
    QCOMPARE(panel->errorText(), QString());

    auto *tryEdit = child<QLineEdit>(panel, "ruleTryEdit");
    typeInto(tryEdit, u"PING 42"_s);
    QVERIFY2(panel->tryText().contains(u"Rule “ping” matches: reply “PONG 42”"_s), qPrintable(panel->tryText()));
    QVERIFY(panel->tryText().contains(u"The message is relayed"_s));
    typeInto(tryEdit, u"TEMP=91"_s);
    QVERIFY2(panel->tryText().contains(u"Rule “alarm” matches"_s), qPrintable(panel->tryText()));
    QVERIFY(panel->tryText().contains(u"Tagged alarm"_s));
    typeInto(tryEdit, u"hello"_s);
    QCOMPARE(panel->tryText(), u"No rule matches"_s);
    // In hex: "PING 1".
    QTest::mouseClick(child<QCheckBox>(panel, "ruleTryHexCheck"), Qt::LeftButton);
    typeInto(tryEdit, u"50 49 4e 47 20 31"_s);
    QVERIFY2(panel->tryText().contains(u"reply “PONG 1”"_s), qPrintable(panel->tryText()));
    typeInto(tryEdit, u"5g"_s);
    QCOMPARE(panel->tryText(), u"Not hexadecimal bytes"_s);
    // Nothing was sent or counted.
    QCOMPARE(window->ruleRunner()->hits(), QList<quint64>({ 0, 0 }));
}

void tst_RulesWindow::hitsOfAFloodAreCoalescedIntoFewRepaints()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"count"_s, Rule::MatchKind::Contains, u"tick"_s);
    typeInto(child<QLineEdit>(panel, "ruleTagEdit"), u"t"_s);
    QCOMPARE(panel->errorText(), QString());
    QSignalSpy changes(panel->model(), &QAbstractItemModel::dataChanged);
    QSignalSpy resets(panel->model(), &QAbstractItemModel::modelReset);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QByteArray flood;
    constexpr int Messages = 2000;
    for (int i = 0; i < Messages; ++i)
        flood += "tick " + QByteArray::number(i) + '\n';
    peer.write(flood);
    QTRY_COMPARE(window->ruleRunner()->hits().value(0), quint64(Messages));
    QTRY_COMPARE(panel->model()->index(0, RulesModel::HitsColumn).data().toString(), QLocale().toString(Messages));
    // One repaint of one cell per refresh, not one per message.
    QVERIFY2(changes.count() < 40, qPrintable(QString::number(changes.count())));
    for (const QList<QVariant> &change : std::as_const(changes)) {
        QCOMPARE(change.at(0).toModelIndex(), panel->model()->index(0, RulesModel::HitsColumn));
        QCOMPARE(change.at(1).toModelIndex(), panel->model()->index(0, RulesModel::HitsColumn));
    }
    QCOMPARE(resets.count(), 0);
}

void tst_RulesWindow::movingARuleChangesWhichOneAnswers()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"first"_s, Rule::MatchKind::Contains, u"hello"_s, u"from first"_s);
    addRule(panel, u"second"_s, Rule::MatchKind::Contains, u"hello"_s, u"from second"_s);
    auto *tryEdit = child<QLineEdit>(panel, "ruleTryEdit");
    typeInto(tryEdit, u"hello"_s);
    QVERIFY(panel->tryText().contains(u"“first”"_s));
    QVERIFY(!panel->tryText().contains(u"“second”"_s));

    // "second" is selected (just added): up makes it the first tried.
    QTest::mouseClick(child<QAbstractButton>(panel, "moveRuleUpButton"), Qt::LeftButton);
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).name, u"second"_s);
    QVERIFY(panel->tryText().contains(u"“second”"_s));
    QCOMPARE(panel->view()->currentIndex().row(), 0);   // the selection followed the rule
    QVERIFY(!child<QAbstractButton>(panel, "moveRuleUpButton")->isEnabled());

    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("hello\n");
    QTRY_VERIFY(peer.hasLine("from second"));

    // Removed: the first is the only one left.
    QTest::mouseClick(child<QPushButton>(panel, "removeRuleButton"), Qt::LeftButton);
    QCOMPARE(window->ruleRunner()->rules().size(), 1);
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).name, u"first"_s);
}

void tst_RulesWindow::exportThenImportRoundTrips()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    addRule(panel, u"kick"_s, Rule::MatchKind::Hex, u"ff 01 ?? 00"_s);
    typeInto(child<QLineEdit>(panel, "ruleDisconnectEdit"), u"bad device"_s);
    typeInto(child<QSpinBox>(panel, "ruleDelaySpin"), u"100"_s);
    QTest::mouseClick(child<QCheckBox>(panel, "ruleContinueCheck"), Qt::LeftButton);
    QCOMPARE(panel->errorText(), QString());
    const QList<Rule> written = window->ruleRunner()->rules().rules();
    QCOMPARE(written.size(), 2);
    QCOMPARE(written.at(1).delayMs, 100);
    QCOMPARE(panel->model()->index(1, RulesModel::ActionsColumn).data().toString(),
             u"not relayed, disconnect: bad device, after 100 ms, then continue"_s);

    const QString path = m_dir.filePath(u"exported.json"_s);
    QTest::mouseClick(child<QPushButton>(panel, "exportRulesButton"), Qt::LeftButton);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"exportRulesDialog"_s)) && dialog->isVisible());
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();
    QTRY_VERIFY(QFile::exists(path));
    QString error;
    const auto read = RuleSet::load(path, RuleSet::Side::Server, &error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(read->rules(), written);

    // Both removed, then imported again.
    QTest::mouseClick(child<QPushButton>(panel, "removeRuleButton"), Qt::LeftButton);
    QTest::mouseClick(child<QPushButton>(panel, "removeRuleButton"), Qt::LeftButton);
    QCOMPARE(window->ruleRunner()->rules().size(), 0);
    QTest::mouseClick(child<QPushButton>(panel, "importRulesButton"), Qt::LeftButton);
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"importRulesDialog"_s)) && dialog->isVisible());
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();
    QTRY_COMPARE(window->ruleRunner()->rules().rules(), written);
    QCOMPARE(panel->model()->rules(), written);
}

void tst_RulesWindow::importOfABadFileChangesNothing()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    const QList<Rule> before = window->ruleRunner()->rules().rules();
    const QString path = m_dir.filePath(u"bad.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"([{"name": "typo", "match": {"contains": "x"}, "replly": "y"}])");
    file.close();
    QVERIFY(!panel->importFile(path));
    QVERIFY2(panel->errorText().contains(u"typo"_s) && panel->errorText().contains(u"replly"_s), qPrintable(panel->errorText()));
    QCOMPARE(window->ruleRunner()->rules().rules(), before);
    QCOMPARE(panel->model()->rules(), before);
}

void tst_RulesWindow::rulesSurviveARestartAndTheCommandLineWins()
{
    QList<Rule> typed;
    {
        auto window = serverWindow();
        QVERIFY(window);
        addRule(window->rulesPanel(), u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
        typed = window->ruleRunner()->rules().rules();
        window->close();   // saves, as the user's closing does
    }
    {
        auto window = serverWindow();
        QVERIFY(window);
        QCOMPARE(window->ruleRunner()->rules().rules(), typed);
        QCOMPARE(window->rulesPanel()->model()->rules(), typed);
        TestPeer peer(window->server()->serverPort());
        QVERIFY(peer.waitReady());
        peer.write("PING 5\n");
        QTRY_VERIFY(peer.hasLine("PONG 5"));
    }
    // --rules wins over the saved ones.
    ServerOptions options;
    options.rules = ruleSet(R"([{"name": "cli", "match": {"text": "hi"}, "reply": "from the command line"}])");
    options.explicitlySet = { u"rules"_s };
    auto window = serverWindow(options);
    QVERIFY(window);
    QCOMPARE(window->ruleRunner()->rules().size(), 1);
    QCOMPARE(window->ruleRunner()->rules().rules().at(0).name, u"cli"_s);
    QCOMPARE(window->rulesPanel()->model()->rowCount(), 1);
}

void tst_RulesWindow::tagShowsInTheLog()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    addRule(panel, u"alarm"_s, Rule::MatchKind::Regex, u"TEMP=(\\d+)"_s);
    typeInto(child<QLineEdit>(panel, "ruleTagEdit"), u"alarm"_s);
    QCOMPARE(panel->errorText(), QString());
    QCOMPARE(panel->model()->index(0, RulesModel::ActionsColumn).data().toString(), u"tag alarm"_s);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("TEMP=91\nplain\n");
    LogModel *log = window->logModel();
    QTRY_VERIFY(hasRow(log, u"plain"_s));
    const QModelIndex tagged = log->index(rowsWith(log, u"TEMP=91"_s).first());
    QCOMPARE(tagged.data(LogModel::TagRole).toString(), u"alarm"_s);
    QVERIFY(tagged.data(Qt::ToolTipRole).toString().contains(u"tag alarm"_s));
    QCOMPARE(log->index(rowsWith(log, u"plain"_s).first()).data(LogModel::TagRole).toString(), QString());
    // The filter finds tagged messages by their tag.
    typeInto(window->logPanel()->filterEdit(), u"alarm"_s);
    QTRY_COMPARE(window->logPanel()->proxy()->rowCount(), 1);
}

void tst_RulesWindow::clientWindowAnswersItsServerAsADevice()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientOptions options;
    options.port = server.serverPort();
    options.periodic = false;
    options.explicitlySet = { u"port"_s, u"no-periodic"_s };
    ClientWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *dock = child<QDockWidget>(&window, "rulesDock");
    QVERIFY(!dock->isVisible());   // no rules yet: out of the way
    window.findChild<QAction *>(u"rulesAction"_s)->trigger();
    QVERIFY(dock->isVisible());

    RulesPanel *panel = window.rulesPanel();
    // A client has no one to broadcast or relay to.
    QVERIFY(!child<QLineEdit>(panel, "ruleBroadcastEdit")->isVisibleTo(panel));
    QVERIFY(!child<QCheckBox>(panel, "ruleRelayCheck")->isVisibleTo(panel));
    addRule(panel, u"ping"_s, Rule::MatchKind::Regex, u"^PING (\\d+)$"_s, u"PONG \\1"_s);
    QCOMPARE(panel->errorText(), QString());
    QCOMPARE(window.ruleRunner()->rules().size(), 1);

    window.connectToServer();
    QTRY_COMPARE(window.statusText(), u"Connected..."_s);
    TestPeer raw(server.serverPort());
    QVERIFY(raw.waitReady());
    QTRY_COMPARE(server.clientCount(), 2);
    raw.write("PING 3\n");
    QTRY_VERIFY(raw.hasLine("PONG 3"));   // the server relayed the client window's answer
    QTRY_COMPARE(panel->model()->index(0, RulesModel::HitsColumn).data().toString(), u"1"_s);
    LogModel *log = window.logModel();
    QTRY_VERIFY(hasRow(log, u"PONG 3"_s));
    const QModelIndex reply = log->index(rowsWith(log, u"PONG 3"_s).first());
    QCOMPARE(reply.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QCOMPARE(reply.data(LogModel::RuleRole).toString(), u"rule ping · hit 1"_s);

    // Saved in the client's group, and the dock is shown again at the next start.
    window.close();
    ClientWindow again(options);
    QCOMPARE(again.ruleRunner()->rules().rules(), window.ruleRunner()->rules().rules());
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY(child<QDockWidget>(&again, "rulesDock")->isVisible());
}

void tst_RulesWindow::modelPassesTheTester()
{
    auto window = serverWindow();
    QVERIFY(window);
    RulesPanel *panel = window->rulesPanel();
    QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    addRule(panel, u"a"_s, Rule::MatchKind::Contains, u"a"_s, u"A"_s);
    addRule(panel, u"b"_s, Rule::MatchKind::Text, u"b"_s, u"B"_s);
    addRule(panel, u"c"_s, Rule::MatchKind::Contains, u"c"_s, u"C"_s);
    QTest::mouseClick(child<QAbstractButton>(panel, "moveRuleUpButton"), Qt::LeftButton);
    QTest::mouseClick(child<QAbstractButton>(panel, "moveRuleUpButton"), Qt::LeftButton);
    QTest::mouseClick(child<QAbstractButton>(panel, "moveRuleDownButton"), Qt::LeftButton);
    QStringList names;
    for (const Rule &rule : window->ruleRunner()->rules().rules())
        names.append(rule.name);
    QCOMPARE(names, QStringList({ u"a"_s, u"c"_s, u"b"_s }));
    // The Enabled box in the table is an edit like any other.
    QVERIFY(panel->model()->setData(panel->model()->index(0, RulesModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!window->ruleRunner()->rules().rules().at(0).enabled);
    QTest::mouseClick(child<QPushButton>(panel, "removeRuleButton"), Qt::LeftButton);
    QCOMPARE(panel->model()->rowCount(), 2);
}

void tst_RulesWindow::tooltipsOnEveryControl()
{
    ServerWindow window;
    const auto widgets = window.rulesPanel()->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QComboBox *>(widget) || qobject_cast<QTableView *>(widget)
                || (qobject_cast<QLineEdit *>(widget) && !qobject_cast<QAbstractSpinBox *>(widget->parent()));
        if (!control || widget->objectName().startsWith(u"qt_"_s) || !widget->isVisibleTo(window.rulesPanel()))
            continue;
        QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(widget->objectName() + u' ' + QString::fromLatin1(widget->metaObject()->className()) + u' ' + widget->parent()->objectName()));
    }
}

QTEST_MAIN(tst_RulesWindow)
#include "tst_ruleswindow.moc"
