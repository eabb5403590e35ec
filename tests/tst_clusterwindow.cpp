// SPDX-License-Identifier: MIT
// The server window in a NATS cluster, driven as a user would: a real
// nats-server on a random loopback port, two server windows joined to one
// domain through their cluster controls, and raw clients on each.
#include <QTemporaryDir>

#include <memory>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include "cluster/clusterbridge.h"
#include "server/clusterpeermodel.h"
#include "logview/logmodel.h"
#include "natscluster.h"
#include "server/serverwindow.h"
#include "testpeer.h"
#include "startedwindow.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

namespace {
constexpr int CLUSTER_TIMEOUT_MS = 15000;   // presence every 2 s; connects and reconnects take a moment
} // namespace

class tst_ClusterWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void twoServersOneConversation();
    void dropsAndGapsAreShown();
    void unreachableNatsCanBeLeft();
    void credentialsFromTheClusterTab();

private:
    /** A window shown and listening on 127.0.0.1 and a free port, joined to @p url as @p serverId in @p domain. */
    std::unique_ptr<ServerWindow> joinedWindow(const QString &url, const QString &domain, const QString &serverId);
};

void tst_ClusterWindow::initTestCase()
{
    isolateSettings(u"tst_clusterwindow"_s);
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS support (libnats-dev was missing at configure time)");
    if (NatsTest::natsServerBin().isEmpty())
        QSKIP("nats-server is not installed (apt install nats-server)");
}

void tst_ClusterWindow::init()
{
    QSettings().clear();
}

std::unique_ptr<ServerWindow> tst_ClusterWindow::joinedWindow(const QString &url, const QString &domain, const QString &serverId)
{
    auto window = startedServerWindow();
    if (!window)
        return nullptr;
    child<QTabWidget>(window.get(), "settingsTabs")->setCurrentIndex(1);
    typeInto(child<QLineEdit>(window.get(), "natsEdit"), url);
    typeInto(child<QLineEdit>(window.get(), "domainEdit"), domain);
    typeInto(child<QLineEdit>(window.get(), "serverIdEdit"), serverId);
    QTest::mouseClick(child<QPushButton>(window.get(), "joinButton"), Qt::LeftButton);
    return window;
}

void tst_ClusterWindow::twoServersOneConversation()
{
    NatsTest::Node nats;
    QVERIFY2(nats.start(), nats.log().constData());
    const QString domain = u"window-%1"_s.arg(QCoreApplication::applicationPid());

    auto a = joinedWindow(nats.url(), domain, u"server-a"_s);
    QVERIFY(a);
    auto *state = child<QLabel>(a.get(), "clusterStateLabel");
    auto *join = child<QPushButton>(a.get(), "joinButton");
    QCOMPARE(join->text(), u"Leave cluster"_s);
    QVERIFY(!child<QLineEdit>(a.get(), "natsEdit")->isEnabled());   // not while joined
    QTRY_COMPARE_WITH_TIMEOUT(state->text(), u"Connected"_s, CLUSTER_TIMEOUT_MS);
    QCOMPARE(child<QLabel>(a.get(), "clusterNodeLabel")->text(), nats.url());
    auto *statusCluster = child<QLabel>(a.get(), "statusCluster");
    QVERIFY(statusCluster->isVisible());
    QVERIFY2(statusCluster->text().contains(u"Connected"_s), qPrintable(statusCluster->text()));
    QTRY_VERIFY(hasRow(a->logModel(), u"Cluster: connected to %1"_s.arg(nats.url())));

    auto b = joinedWindow(nats.url(), domain, u"server-b"_s);
    QVERIFY(b);
    QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(b.get(), "clusterStateLabel")->text(), u"Connected"_s, CLUSTER_TIMEOUT_MS);
    QTRY_VERIFY_WITH_TIMEOUT(hasRow(a->logModel(), u"Cluster: server-b joined domain %1"_s.arg(domain)), CLUSTER_TIMEOUT_MS);

    // Two clients on a, one on b.
    TestPeer a1(a->server()->serverPort());
    TestPeer a2(a->server()->serverPort());
    TestPeer b1(b->server()->serverPort());
    QVERIFY(a1.waitReady());
    QVERIFY(a2.waitReady());
    QVERIFY(b1.waitReady());

    // The cluster view lists both servers with their clients, this one first and marked.
    ClusterPeerModel *peers = a->clusterModel();
    QAbstractItemModelTester tester(peers, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto clientsOf = [&](const QString &id) {
        const int row = peers->rowOf(id);
        return row < 0 ? -1 : peers->index(row, ClusterPeerModel::ClientsColumn).data(ClusterPeerModel::SortRole).toInt();
    };
    QTRY_COMPARE_WITH_TIMEOUT(peers->rowCount(), 2, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(clientsOf(u"server-a"_s), 2, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(clientsOf(u"server-b"_s), 1, CLUSTER_TIMEOUT_MS);
    QCOMPARE(peers->index(0, ClusterPeerModel::ServerColumn).data().toString(), u"server-a (this server)"_s);
    QCOMPARE(peers->index(1, ClusterPeerModel::AddressColumn).data().toString(),
             u"%1:%2"_s.arg(peers->peerAt(1).host).arg(b->server()->serverPort()));
    auto *view = child<QTableView>(a.get(), "peerView");
    QCOMPARE(view->model(), peers);
    QVERIFY(child<QLabel>(a.get(), "clusterTotalLabel")->text().contains(u"2 servers, 3 clients"_s));
    QCOMPARE(child<QTabWidget>(a.get(), "peopleTabs")->tabText(1), u"Cluster servers (2)"_s);

    // A client of b speaks: a's clients hear it, and a's log shows it as received, from b's client.
    b1.write("hello from b\n");
    QTRY_VERIFY_WITH_TIMEOUT(a1.hasLine("hello from b"), CLUSTER_TIMEOUT_MS);
    QTRY_VERIFY(a2.hasLine("hello from b"));
    QTRY_VERIFY(hasRow(a->logModel(), u"hello from b"_s));
    const int row = rowsWith(a->logModel(), u"hello from b"_s).first();
    const QModelIndex line = a->logModel()->index(row);
    const quint64 b1Id = b->server()->clients().first();
    QCOMPARE(line.data(LogModel::WhoRole).toString(), u"server-b #%1 → 2"_s.arg(b1Id));
    QCOMPARE(line.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    QCOMPARE(line.data(LogModel::OriginRole).toString(), u"server-b"_s);
    QCOMPARE(line.data(LogModel::ClientRole).toULongLong(), quint64(0));   // not one of a's clients
    QTRY_VERIFY(child<QLabel>(a.get(), "clusterTrafficLabel")->text().contains(u"1 received"_s));
    QTRY_VERIFY(child<QLabel>(b.get(), "clusterTrafficLabel")->text().contains(u"1 published"_s));
    // and b's own log shows it as its own client's message, with no origin.
    QTRY_VERIFY(hasRow(b->logModel(), u"hello from b"_s));
    QVERIFY(b->logModel()->index(rowsWith(b->logModel(), u"hello from b"_s).first()).data(LogModel::OriginRole).toString().isEmpty());

    // b leaves: a's view and log follow.
    QTest::mouseClick(child<QPushButton>(b.get(), "joinButton"), Qt::LeftButton);
    QTRY_COMPARE(child<QLabel>(b.get(), "clusterStateLabel")->text(), u"Off"_s);
    QTRY_VERIFY_WITH_TIMEOUT(hasRow(a->logModel(), u"Cluster: server-b left domain %1"_s.arg(domain)), CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE(peers->rowCount(), 1);
    QTRY_VERIFY(child<QLabel>(a.get(), "clusterTotalLabel")->text().contains(u"1 servers, 2 clients"_s));

    // NATS goes away: the window says Reconnecting, in the panel, the status bar and the log.
    nats.kill();
    QTRY_COMPARE_WITH_TIMEOUT(state->text(), u"Reconnecting"_s, CLUSTER_TIMEOUT_MS);
    QVERIFY2(statusCluster->text().contains(u"Reconnecting"_s), qPrintable(statusCluster->text()));
    QTRY_VERIFY(hasRow(a->logModel(), u"reconnecting, messages wait in the buffer"_s));
    const int lost = rowsWith(a->logModel(), u"reconnecting, messages wait in the buffer"_s).first();
    QVERIFY(a->logModel()->index(lost).data(LogModel::ProblemRole).toBool());
    // Local relay goes on.
    a1.write("still local\n");
    QTRY_VERIFY(a2.hasLine("still local"));

    // Leave: back to Off, the controls usable again, the cluster view empty.
    QTest::mouseClick(join, Qt::LeftButton);
    QTRY_COMPARE(state->text(), u"Off"_s);
    QCOMPARE(join->text(), u"Join cluster"_s);
    QVERIFY(child<QLineEdit>(a.get(), "natsEdit")->isEnabled());
    QCOMPARE(peers->rowCount(), 0);
    QVERIFY(!statusCluster->isVisible());
    QTRY_VERIFY(hasRow(a->logModel(), u"Cluster: left domain %1"_s.arg(domain)));
}

void tst_ClusterWindow::dropsAndGapsAreShown()
{
    NatsTest::Node nats;
    QVERIFY2(nats.start(), nats.log().constData());
    const QString domain = u"gaps-%1"_s.arg(QCoreApplication::applicationPid());
    // A small reconnect buffer on the sender, typed as a user would.
    auto a = std::make_unique<ServerWindow>();
    a->show();
    QVERIFY(QTest::qWaitForWindowExposed(a.get()));
    child<QTabWidget>(a.get(), "settingsTabs")->setCurrentIndex(1);
    typeInto(child<QDoubleSpinBox>(a.get(), "natsBufferSpin"), u"4096"_s);
    QTest::keyClick(child<QDoubleSpinBox>(a.get(), "natsBufferSpin"), Qt::Key_Return);
    QCOMPARE(child<QDoubleSpinBox>(a.get(), "natsBufferSpin")->value(), 4096.0);
    typeInto(child<QComboBox>(a.get(), "bindCombo"), u"127.0.0.1"_s);
    typeInto(child<QSpinBox>(a.get(), "portSpin"), u"0"_s);
    QTest::mouseClick(child<QPushButton>(a.get(), "startButton"), Qt::LeftButton);
    QVERIFY(a->server()->isListening());
    typeInto(child<QLineEdit>(a.get(), "natsEdit"), nats.url());
    typeInto(child<QLineEdit>(a.get(), "domainEdit"), domain);
    typeInto(child<QLineEdit>(a.get(), "serverIdEdit"), u"sender"_s);
    QTest::mouseClick(child<QPushButton>(a.get(), "joinButton"), Qt::LeftButton);
    QCOMPARE(a->clusterBridge()->settings().reconnectBufferBytes, 4096);
    auto b = joinedWindow(nats.url(), domain, u"receiver"_s);
    QVERIFY(b);
    QTRY_COMPARE_WITH_TIMEOUT(a->clusterModel()->rowCount(), 2, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(b->clusterModel()->rowCount(), 2, CLUSTER_TIMEOUT_MS);
    TestPeer sender(a->server()->serverPort());
    TestPeer receiver(b->server()->serverPort());
    QVERIFY(sender.waitReady());
    QVERIFY(receiver.waitReady());
    sender.write("g-1\n");
    QTRY_VERIFY_WITH_TIMEOUT(receiver.hasLine("g-1"), CLUSTER_TIMEOUT_MS);

    // NATS goes away; the sender's client says far more than 4 KiB.
    nats.kill();
    auto *aState = child<QLabel>(a.get(), "clusterStateLabel");
    auto *bState = child<QLabel>(b.get(), "clusterStateLabel");
    QTRY_COMPARE_WITH_TIMEOUT(aState->text(), u"Reconnecting"_s, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(bState->text(), u"Reconnecting"_s, CLUSTER_TIMEOUT_MS);
    QByteArray burst;
    for (int i = 2; i <= 1000; ++i)
        burst += "g-" + QByteArray::number(i) + ' ' + QByteArray(40, 'y') + '\n';
    sender.write(burst);
    auto *aBuffer = child<QLabel>(a.get(), "clusterBufferLabel");
    QTRY_VERIFY_WITH_TIMEOUT(a->clusterBridge()->stats().dropped > 0, CLUSTER_TIMEOUT_MS);
    QTRY_VERIFY2(aBuffer->text().contains(u"%1 dropped"_s.arg(a->clusterBridge()->stats().dropped)), qPrintable(aBuffer->text()));
    // What fitted is waiting (the bridge reads nats.c's buffer a moment after counting drops).
    QTRY_VERIFY2(!aBuffer->text().startsWith(u"0 B buffered"_s), qPrintable(aBuffer->text()));
    QVERIFY(!aBuffer->styleSheet().isEmpty());   // and drops are shown as a problem
    QTRY_VERIFY(child<QLabel>(a.get(), "statusCluster")->text().contains(u"buffered"_s));
    QTRY_VERIFY(hasRow(a->logModel(), u"reconnect buffer"_s));   // the bridge's warning about the drops

    // Back on the same port: the buffer goes out, the rest is a gap for the receiver, said once per gap.
    QVERIFY(nats.restart());
    QTRY_COMPARE_WITH_TIMEOUT(aState->text(), u"Connected"_s, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(bState->text(), u"Connected"_s, CLUSTER_TIMEOUT_MS);
    QTRY_COMPARE_WITH_TIMEOUT(b->clusterModel()->rowCount(), 2, CLUSTER_TIMEOUT_MS);
    sender.write("g-last\n");
    QTRY_VERIFY_WITH_TIMEOUT(receiver.hasLine("g-last"), CLUSTER_TIMEOUT_MS);
    QTRY_VERIFY(hasRow(b->logModel(), u"g-last"_s));
    const quint64 gaps = b->clusterBridge()->stats().gaps;
    QVERIFY(gaps > 0);
    QTRY_VERIFY(child<QLabel>(b.get(), "clusterBufferLabel")->text().contains(u"%1 gaps"_s.arg(gaps)));
    const QList<int> gapRows = rowsWith(b->logModel(), u"never arrived"_s);
    QVERIFY(!gapRows.isEmpty());
    quint64 logged = 0;
    for (int row : gapRows) {
        const QModelIndex index = b->logModel()->index(row);
        QVERIFY(index.data(LogModel::ProblemRole).toBool());
        const QString text = index.data(LogModel::TextRole).toString();
        QVERIFY2(text.startsWith(u"Cluster: message"_s) && text.contains(u"of sender"_s), qPrintable(text));
        // "messages 2–700 of sender" or "message 5 of sender": add up what the log says is missing.
        const QStringList numbers = text.section(u' ', 2, 2).split(u'–');
        logged += numbers.size() == 2 ? numbers.at(1).toULongLong() - numbers.at(0).toULongLong() + 1 : 1;
    }
    QCOMPARE(logged, gaps);   // every gap once, none twice
}

void tst_ClusterWindow::unreachableNatsCanBeLeft()
{
    // Nothing listens there: the bridge keeps trying, the window says so and lets the user give up.
    const QString url = u"nats://127.0.0.1:%1"_s.arg(freePort());
    auto window = joinedWindow(url, u"nowhere"_s, u"lonely"_s);
    QVERIFY(window);
    auto *state = child<QLabel>(window.get(), "clusterStateLabel");
    auto *join = child<QPushButton>(window.get(), "joinButton");
    QCOMPARE(state->text(), u"Connecting"_s);
    QCOMPARE(join->text(), u"Leave cluster"_s);
    QTRY_VERIFY(hasRow(window->logModel(), u"Cluster: joining domain nowhere via %1"_s.arg(url)));
    QCOMPARE(child<QLabel>(window.get(), "clusterNodeLabel")->text(), u"none"_s);
    QVERIFY(child<QLabel>(window.get(), "statusCluster")->text().contains(u"Connecting"_s));
    // Local service is not held up meanwhile.
    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    a.write("alone\n");
    QTRY_VERIFY(b.hasLine("alone"));

    QTest::mouseClick(join, Qt::LeftButton);
    QTRY_COMPARE(state->text(), u"Off"_s);
    QCOMPARE(join->text(), u"Join cluster"_s);
    QVERIFY(child<QLineEdit>(window.get(), "natsEdit")->isEnabled());
    QTRY_VERIFY(hasRow(window->logModel(), u"Cluster: left domain nowhere"_s));
    QVERIFY(!hasRow(window->logModel(), u"could not join"_s));   // leaving is no failure
}

void tst_ClusterWindow::credentialsFromTheClusterTab()
{
    // A NATS node that wants a user and password; the window is given them in its Cluster tab.
    NatsTest::Node nats;
    QVERIFY(nats.startWithConfig(u"authorization { users = [ { user: plant, password: s3cret-word } ] }\n"_s));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto passwordFile = [&](const QString &name, const QByteArray &password) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(password + '\n') > 0 ? file.fileName() : QString();
    };
    const QString right = passwordFile(u"right"_s, "s3cret-word");
    const QString wrong = passwordFile(u"wrong"_s, "guess");
    QVERIFY(!right.isEmpty() && !wrong.isEmpty());

    const auto joinAs = [&](const QString &serverId, const QString &file) {
        auto window = std::make_unique<ServerWindow>();
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return window;
        child<QTabWidget>(window.get(), "settingsTabs")->setCurrentIndex(1);
        typeInto(child<QLineEdit>(window.get(), "natsEdit"), nats.url());
        typeInto(child<QLineEdit>(window.get(), "domainEdit"), u"secured"_s);
        typeInto(child<QLineEdit>(window.get(), "serverIdEdit"), serverId);
        QTest::mouseClick(child<QPushButton>(window.get(), "natsSecurityButton"), Qt::LeftButton);
        typeInto(child<QLineEdit>(window.get(), "natsUserEdit"), u"plant"_s);
        typeInto(child<QLineEdit>(window.get(), "natsPasswordFileEdit"), file);
        QTest::mouseClick(child<QPushButton>(window.get(), "joinButton"), Qt::LeftButton);
        return window;
    };
    auto good = joinAs(u"with-password"_s, right);
    QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(good.get(), "clusterStateLabel")->text(), u"Connected"_s, CLUSTER_TIMEOUT_MS);

    // The settings file keeps where the password is, never the password.
    good->saveSettings();
    QSettings settings;
    settings.beginGroup(u"server"_s);
    QCOMPARE(settings.value(u"natsPasswordFile"_s).toString(), right);
    QCOMPARE(settings.value(u"natsUser"_s).toString(), u"plant"_s);
    for (const QString &key : settings.allKeys())
        QVERIFY2(!settings.value(key).toString().contains(u"s3cret"_s), qPrintable(key));

    // A wrong password: the window says the server's reason, and never connects.
    auto bad = joinAs(u"with-guess"_s, wrong);
    QTRY_VERIFY_WITH_TIMEOUT(hasRow(bad->logModel(), u"Authorization Violation"_s), CLUSTER_TIMEOUT_MS);
    QVERIFY(child<QLabel>(bad.get(), "clusterStateLabel")->text() != u"Connected"_s);
}

QTEST_MAIN(tst_ClusterWindow)
#include "tst_clusterwindow.moc"
