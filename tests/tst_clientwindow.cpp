// SPDX-License-Identifier: MIT
#include <memory>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "framingrows.h"
#include "server/clienttablemodel.h"
#include "client/clientwindow.h"
#include "logview/logmodel.h"
#include "logview/logpanel.h"
#include "server/serverwindow.h"
#include "core/tlsfiles.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

class tst_ClientWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void typeHostPortAndConnect();
    void buttonFollowsTheState();
    void connectionFailedShowsTheSeedLine();
    void sentLineReachesTheServerAndAnotherClient();
    void periodicSendWithShortInterval();
    void countStopsThePeriodicSend();
    void droppedByTheServerShowsTheLoss();
    void autoReconnectAfterALoss();
    void tlsBetweenTheWindows();
    void lineEndingChoice_data();
    void lineEndingChoice();
    void markupFromTheServerShowsLiterally();
    void hexViewAndSave();
    void filterAndClearWithTheKeyboard();
    void newClientWindowAction();
    void settingsRememberedAndOverridden();
    void modelPassesTheTester();
    void tooltipsEverywhere();
    void framingShowsOneBubblePerFrame_data();
    void framingShowsOneBubblePerFrame();
    void composedMessageTheFramingCannotCarryIsRefused();
    void framingRememberedAndLineEndingOnlyForLines();

private:
    /** A server window listening on 127.0.0.1, any free port. */
    std::unique_ptr<ServerWindow> startServer();
    /** A client window shown, not connected, periodic send off. */
    std::unique_ptr<ClientWindow> clientWindow(quint16 port);
    /** Types the host and port and clicks Connect, then waits for "Connected...". */
    bool connectAsUser(ClientWindow *window, quint16 port);

    QTemporaryDir m_dir;
};

void tst_ClientWindow::initTestCase()
{
    isolateSettings(u"tst_clientwindow"_s);
    QVERIFY(m_dir.isValid());
}

void tst_ClientWindow::init()
{
    QSettings().clear();
}

void tst_ClientWindow::cleanup()
{
    closeFileDialogs();
}

std::unique_ptr<ServerWindow> tst_ClientWindow::startServer()
{
    ServerOptions options;
    options.bind = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.explicitlySet = { u"bind"_s, u"port"_s };
    auto window = std::make_unique<ServerWindow>(options);
    window->clientModel()->setRefreshInterval(30);
    if (!window->start())
        return nullptr;
    return window;
}

std::unique_ptr<ClientWindow> tst_ClientWindow::clientWindow(quint16 port)
{
    ClientOptions options;
    options.port = port;
    options.periodic = false;
    options.explicitlySet = { u"port"_s, u"no-periodic"_s };
    auto window = std::make_unique<ClientWindow>(options);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

bool tst_ClientWindow::connectAsUser(ClientWindow *window, quint16 port)
{
    typeInto(child<QLineEdit>(window, "hostEdit"), u"127.0.0.1"_s);
    typeInto(child<QSpinBox>(window, "portSpin"), QString::number(port));
    QTest::mouseClick(child<QPushButton>(window, "connectButton"), Qt::LeftButton);
    return QTest::qWaitFor([window] { return window->statusText() == u"Connected..."_s; }, 5000);
}

void tst_ClientWindow::typeHostPortAndConnect()
{
    auto server = startServer();
    QVERIFY(server);
    auto window = clientWindow(1);
    QVERIFY(window);
    auto *button = child<QPushButton>(window.get(), "connectButton");
    QCOMPARE(button->text(), u"Connect"_s);
    QVERIFY(connectAsUser(window.get(), server->server()->serverPort()));

    QCOMPARE(button->text(), u"Disconnect"_s);
    QVERIFY(!child<QLineEdit>(window.get(), "hostEdit")->isEnabled());
    QCOMPARE(child<QLabel>(window.get(), "statusLabel")->text(), u"Connected..."_s);
    // The seed's lines are in the log too, in order.
    QTRY_VERIFY(hasRow(window->logModel(), u"Connected..."_s));
    const QList<int> starting = rowsWith(window->logModel(), u"Start to Connect..."_s);
    QCOMPARE(starting.size(), 1);
    QVERIFY(!window->logModel()->index(starting.first()).data(LogModel::ProblemRole).toBool());
    QVERIFY(starting.first() < rowsWith(window->logModel(), u"Connected..."_s).first());
    // The server's welcome arrives as a received message.
    QTRY_VERIFY(hasRow(window->logModel(), u"Spread Site"_s));
    const int welcome = rowsWith(window->logModel(), u"Spread Site"_s).first();
    QCOMPARE(window->logModel()->index(welcome).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    QTRY_COMPARE(server->clientModel()->rowCount(), 1);
    QVERIFY(child<QLabel>(window.get(), "statusState")->text().contains(u"Connected to 127.0.0.1"_s));

    QTest::mouseClick(button, Qt::LeftButton);   // Disconnect
    QTRY_COMPARE(button->text(), u"Connect"_s);
    QTRY_COMPARE(server->clientModel()->rowCount(), 0);
    QVERIFY(window->statusText().startsWith(u"Lost connection. Reason: "_s));
}

void tst_ClientWindow::buttonFollowsTheState()
{
    auto server = startServer();
    QVERIFY(server);
    auto window = clientWindow(server->server()->serverPort());
    QVERIFY(window);
    auto *button = child<QPushButton>(window.get(), "connectButton");
    typeInto(child<QLineEdit>(window.get(), "hostEdit"), u"127.0.0.1"_s);
    QTest::mouseClick(button, Qt::LeftButton);
    // Connecting until the event loop runs again: the button cancels.
    QCOMPARE(window->client()->state(), EchoClient::State::Connecting);
    QCOMPARE(button->text(), u"Cancel"_s);
    QCOMPARE(window->statusText(), u"Start to Connect..."_s);
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(window->client()->state(), EchoClient::State::Unconnected);
    QCOMPARE(button->text(), u"Connect"_s);
    QCOMPARE(window->statusText(), u"Connection is failed, Reason: cancelled"_s);
    // F5 is the same button.
    QTest::keyClick(window.get(), Qt::Key_F5);
    QTRY_COMPARE(button->text(), u"Disconnect"_s);
}

void tst_ClientWindow::connectionFailedShowsTheSeedLine()
{
    const quint16 closed = freePort();
    auto window = clientWindow(1);
    QVERIFY(window);
    typeInto(child<QLineEdit>(window.get(), "hostEdit"), u"127.0.0.1"_s);
    typeInto(child<QSpinBox>(window.get(), "portSpin"), QString::number(closed));
    QTest::keyClick(child<QSpinBox>(window.get(), "portSpin"), Qt::Key_F5);
    QTRY_COMPARE(window->statusText(), u"Connection is failed, Reason: connection refused"_s);
    QCOMPARE(child<QPushButton>(window.get(), "connectButton")->text(), u"Connect"_s);
    QTRY_VERIFY(hasRow(window->logModel(), u"Connection is failed, Reason: connection refused"_s));
    const int row = rowsWith(window->logModel(), u"Connection is failed"_s).first();
    QVERIFY(window->logModel()->index(row).data(LogModel::ProblemRole).toBool());
    QCOMPARE(QApplication::activeModalWidget(), nullptr);
}

void tst_ClientWindow::sentLineReachesTheServerAndAnotherClient()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto alice = clientWindow(port);
    auto bob = clientWindow(port);
    QVERIFY(alice && bob);
    QVERIFY(connectAsUser(alice.get(), port));
    QVERIFY(connectAsUser(bob.get(), port));

    auto *compose = child<QLineEdit>(alice.get(), "composeEdit");
    compose->setFocus();
    QTest::keyClicks(compose, u"hello from alice "_s);
    compose->insert(u"你好"_s);   // as an input method commits it
    QTest::keyClick(compose, Qt::Key_Return);
    QVERIFY(compose->text().isEmpty());

    const QString line = u"hello from alice 你好"_s;
    QTRY_VERIFY(hasRow(server->logModel(), line));
    const int serverRow = rowsWith(server->logModel(), line).first();
    QCOMPARE(server->logModel()->index(serverRow).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    QVERIFY(server->logModel()->index(serverRow).data(LogModel::WhoRole).toString().endsWith(u" → 1"_s));
    QTRY_VERIFY(hasRow(bob->logModel(), line));
    const int bobRow = rowsWith(bob->logModel(), line).first();
    QCOMPARE(bob->logModel()->index(bobRow).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    const int aliceRow = rowsWith(alice->logModel(), line).first();
    QCOMPARE(alice->logModel()->index(aliceRow).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QVERIFY(child<QLabel>(alice.get(), "statusCounters")->text().contains(u"1 sent"_s));
    QTRY_VERIFY(child<QLabel>(bob.get(), "statusCounters")->text().contains(u"2 received"_s));   // welcome + line
}

void tst_ClientWindow::periodicSendWithShortInterval()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    auto *periodic = child<QCheckBox>(window.get(), "periodicCheck");
    auto *interval = child<QDoubleSpinBox>(window.get(), "intervalSpin");
    auto *sent = child<QLabel>(window.get(), "sentLabel");
    QVERIFY(!periodic->isChecked());
    QCOMPARE(interval->value(), 5.0);
    QCOMPARE(child<QLineEdit>(window.get(), "templateEdit")->text(), u"hello, I'm %1 %2"_s);

    typeInto(interval, u"0.05"_s);
    QTest::keyClick(interval, Qt::Key_Return);
    QCOMPARE(window->client()->interval(), 50);
    typeInto(child<QLineEdit>(window.get(), "templateEdit"), u"tick %2"_s);
    QTest::mouseClick(periodic, Qt::LeftButton);
    QVERIFY(periodic->isChecked());

    const auto arrivals = [&] { return rowsWith(server->logModel(), u"tick "_s).size(); };
    QTRY_VERIFY(arrivals() >= 5);
    QTest::mouseClick(periodic, Qt::LeftButton);   // off
    const int total = window->client()->periodicSent();
    QCOMPARE(sent->text(), u"Sent: %1"_s.arg(total));
    // Every one sent arrives, and no more: a typed marker comes after the last.
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"marker"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(hasRow(server->logModel(), u"marker"_s));
    QCOMPARE(arrivals(), total);
    QCOMPARE(window->client()->periodicSent(), total);
}

void tst_ClientWindow::countStopsThePeriodicSend()
{
    // --count 3 --interval 0.02: three periodic messages, then the box unticks itself.
    auto server = startServer();
    QVERIFY(server);
    ClientOptions options;
    options.host = u"127.0.0.1"_s;
    options.port = server->server()->serverPort();
    options.count = 3;
    options.intervalMs = 20;
    options.explicitlySet = { u"host"_s, u"port"_s, u"count"_s, u"interval"_s };
    ClientWindow window(options);
    auto *periodic = child<QCheckBox>(&window, "periodicCheck");
    QVERIFY(periodic->isChecked());
    window.connectToServer();
    QTRY_VERIFY(!periodic->isChecked());
    QCOMPARE(window.client()->periodicSent(), 3);
    QCOMPARE(child<QLabel>(&window, "sentLabel")->text(), u"Sent: 3"_s);
    QTRY_COMPARE(rowsWith(server->logModel(), u"hello, I'm"_s).size(), 3);
}

void tst_ClientWindow::droppedByTheServerShowsTheLoss()
{
    auto server = startServer();
    QVERIFY(server);
    server->show();
    QVERIFY(QTest::qWaitForWindowExposed(server.get()));
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    auto *table = child<QTableView>(server.get(), "clientView");
    QTRY_COMPARE(table->model()->rowCount(), 1);

    clickRow(table, 0);
    typeInto(child<QLineEdit>(server.get(), "dropReasonEdit"), u"bye"_s);
    QTest::mouseClick(child<QPushButton>(server.get(), "dropButton"), Qt::LeftButton);

    QTRY_VERIFY(window->statusText().startsWith(u"Lost connection. Reason: "_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"Lost connection. Reason: "_s));
    QCOMPARE(child<QPushButton>(window.get(), "connectButton")->text(), u"Connect"_s);
    QVERIFY(hasRow(server->logModel(), u"dropped by the server: bye"_s));
}

void tst_ClientWindow::autoReconnectAfterALoss()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QTest::mouseClick(child<QCheckBox>(window.get(), "reconnectCheck"), Qt::LeftButton);
    QVERIFY(window->client()->autoReconnect());
    QVERIFY(connectAsUser(window.get(), port));
    QTRY_COMPARE(server->server()->clientCount(), 1);

    server->server()->dropClient(server->server()->clients().first(), u"test"_s);
    QTRY_COMPARE(window->client()->state(), EchoClient::State::WaitingToReconnect);
    QCOMPARE(child<QPushButton>(window.get(), "connectButton")->text(), u"Cancel"_s);
    QTRY_VERIFY(hasRow(window->logModel(), u"Reconnecting in 1 s..."_s));
    QTRY_COMPARE(window->statusText(), u"Connected..."_s);   // after a second
    QTRY_COMPARE(rowsWith(window->logModel(), u"Connected..."_s).size(), 2);
}

void tst_ClientWindow::tlsBetweenTheWindows()
{
    // A self-signed certificate for 127.0.0.1, trusted by the client as its own CA.
    const QString cert = m_dir.filePath(u"server.pem"_s);
    const QString key = m_dir.filePath(u"server.key"_s);
    QProcess openssl;
    openssl.start(u"openssl"_s, { u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s,
                                  u"-nodes"_s, u"-keyout"_s, key, u"-out"_s, cert, u"-days"_s, u"2"_s, u"-subj"_s,
                                  u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s });
    if (!openssl.waitForFinished(20000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0)
        QSKIP("openssl cannot make a test certificate here");
    QString error;
    const auto serverTls = TlsFiles::serverConfiguration(cert, key, QString(), &error);
    const auto clientTls = TlsFiles::clientConfiguration(cert, QString(), QString(), &error);
    QVERIFY2(serverTls && clientTls, qPrintable(error));

    ServerOptions serverOptions;
    serverOptions.bind = QHostAddress(QHostAddress::LocalHost);
    serverOptions.port = 0;
    serverOptions.tls = *serverTls;
    serverOptions.explicitlySet = { u"bind"_s, u"port"_s, u"tls-cert"_s, u"tls-key"_s };
    ServerWindow server(serverOptions);
    QVERIFY(server.start());
    QVERIFY(child<QLabel>(&server, "listenLabel")->text().endsWith(u"(TLS)"_s));

    ClientOptions options;
    options.periodic = false;
    options.tlsConfiguration = *clientTls;
    options.explicitlySet = { u"no-periodic"_s, u"tls-ca"_s };
    ClientWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::mouseClick(child<QCheckBox>(&window, "tlsCheck"), Qt::LeftButton);
    QVERIFY(window.client()->isTlsEnabled());
    QVERIFY(connectAsUser(&window, server.server()->serverPort()));
    QTRY_VERIFY(hasRow(window.logModel(), u"Server certificate: "_s));
    QVERIFY(!child<QCheckBox>(&window, "tlsCheck")->isEnabled());   // not while connected
    auto *compose = child<QLineEdit>(&window, "composeEdit");
    QTest::keyClicks(compose, u"over tls"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(hasRow(server.logModel(), u"over tls"_s));
}

void tst_ClientWindow::lineEndingChoice_data()
{
    QTest::addColumn<int>("downPresses");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("LF") << 0 << "abc\n"_ba;
    QTest::addRow("CRLF") << 1 << "abc\r\n"_ba;
    QTest::addRow("none") << 2 << "abc"_ba;
}

void tst_ClientWindow::lineEndingChoice()
{
    QFETCH(int, downPresses);
    QFETCH(QByteArray, expected);
    QTcpServer raw;
    QVERIFY(raw.listen(QHostAddress::LocalHost, 0));
    auto window = clientWindow(raw.serverPort());
    QVERIFY(window);
    auto *ending = child<QComboBox>(window.get(), "lineEndingCombo");
    for (int i = 0; i < downPresses; ++i)
        QTest::keyClick(ending, Qt::Key_Down);
    QCOMPARE(ending->currentIndex(), downPresses);
    QVERIFY(connectAsUser(window.get(), raw.serverPort()));
    QTRY_VERIFY(raw.hasPendingConnections());
    std::unique_ptr<QTcpSocket> peer(raw.nextPendingConnection());
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"abc"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QByteArray received;
    QTRY_VERIFY((received += peer->readAll()).size() >= expected.size());
    QCOMPARE(received, expected);
}

void tst_ClientWindow::markupFromTheServerShowsLiterally()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    QTRY_COMPARE(server->server()->clientCount(), 1);
    server->server()->sendToAll("<b>x</b> <img src=x>"_ba);
    QTRY_VERIFY(hasRow(window->logModel(), u"<b>x</b> <img src=x>"_s));
    const int row = rowsWith(window->logModel(), u"<img src=x>"_s).first();
    QVERIFY(window->logModel()->index(row).data(Qt::ToolTipRole).toString().contains(u"&lt;img src=x&gt;"_s));
}

void tst_ClientWindow::hexViewAndSave()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    QTRY_COMPARE(server->server()->clientCount(), 1);
    server->server()->sendToAll("AB"_ba);
    QTRY_VERIFY(hasRow(window->logModel(), u"AB"_s));

    QTest::mouseClick(child<QToolButton>(window.get(), "logHexButton"), Qt::LeftButton);
    QVERIFY(hasRow(window->logModel(), u"41 42"_s));

    QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"saveLogDialog"_s)) && dialog->isVisible());
    const QString path = m_dir.filePath(u"client.jsonl"_s);
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();   // the Save button
    QTRY_VERIFY(QFile::exists(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), window->logModel()->rowCount());
    const QJsonObject first = QJsonDocument::fromJson(lines.first()).object();   // the seed's "Start to Connect..."
    QCOMPARE(first.value(u"event"_s).toString(), u"connecting"_s);
    QCOMPARE(first.value(u"port"_s).toInt(), int(port));
    const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
    QCOMPARE(last.value(u"event"_s).toString(), u"received"_s);
    QCOMPARE(last.value(u"text"_s).toString(), u"AB"_s);
}

void tst_ClientWindow::filterAndClearWithTheKeyboard()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    QTRY_COMPARE(server->server()->clientCount(), 1);
    server->server()->sendToAll("alpha"_ba);
    server->server()->sendToAll("beta"_ba);
    QTRY_VERIFY(hasRow(window->logModel(), u"beta"_s));

    QTest::keyClick(window.get(), Qt::Key_F, Qt::ControlModifier);
    auto *filter = child<QLineEdit>(window.get(), "logFilterEdit");
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"alp"_s);
    QTRY_COMPARE(window->logPanel()->view()->model()->rowCount(), 1);

    QTest::keyClick(window.get(), Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(window->logModel()->rowCount(), 0);
    server->server()->sendToAll("alpine"_ba);
    QTRY_COMPARE(window->logPanel()->view()->model()->rowCount(), 1);
}

void tst_ClientWindow::newClientWindowAction()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QVERIFY(connectAsUser(window.get(), port));
    QSignalSpy opened(window.get(), &ClientWindow::clientWindowOpened);
    QTest::keyClick(window.get(), Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(opened.count(), 1);
    QPointer<ClientWindow> second = opened.first().first().value<ClientWindow *>();
    QVERIFY(second);
    QVERIFY(second->isVisible());
    QVERIFY(second->testAttribute(Qt::WA_DeleteOnClose));
    QTRY_COMPARE(second->statusText(), u"Connected..."_s);
    QTRY_COMPARE(server->server()->clientCount(), 2);
    second->close();
    QTRY_VERIFY(second.isNull());
    QTRY_COMPARE(server->server()->clientCount(), 1);

    // The server window opens one connected to itself.
    QAction *fromServer = server->findChild<QAction *>(u"newClientAction"_s);
    QVERIFY(fromServer);
    fromServer->trigger();
    QTRY_COMPARE(server->server()->clientCount(), 2);
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *client = qobject_cast<ClientWindow *>(widget); client && client != window.get())
            client->close();
    }
}

void tst_ClientWindow::settingsRememberedAndOverridden()
{
    {
        auto window = clientWindow(1);
        typeInto(child<QLineEdit>(window.get(), "hostEdit"), u"device.local"_s);
        typeInto(child<QSpinBox>(window.get(), "portSpin"), u"4321"_s);
        auto *interval = child<QDoubleSpinBox>(window.get(), "intervalSpin");
        typeInto(interval, u"2.5"_s);
        QTest::keyClick(interval, Qt::Key_Return);
        typeInto(child<QLineEdit>(window.get(), "templateEdit"), u"ping %2"_s);
        QTest::keyClick(child<QComboBox>(window.get(), "lineEndingCombo"), Qt::Key_Down);
        window->close();
    }
    {
        ClientWindow window;
        QCOMPARE(child<QLineEdit>(&window, "hostEdit")->text(), u"device.local"_s);
        QCOMPARE(child<QSpinBox>(&window, "portSpin")->value(), 4321);
        QCOMPARE(child<QDoubleSpinBox>(&window, "intervalSpin")->value(), 2.5);
        QCOMPARE(window.client()->interval(), 2500);
        QCOMPARE(window.client()->messageTemplate(), u"ping %2"_s);
        QCOMPARE(window.client()->lineEnding(), EchoClient::LineEnding::CrLf);
        QVERIFY(!window.client()->isPeriodicEnabled());   // saved unticked
    }
    {
        ClientOptions options;
        options.host = u"10.1.2.3"_s;
        options.intervalMs = 100;
        options.explicitlySet = { u"host"_s, u"interval"_s };
        ClientWindow window(options);
        QCOMPARE(child<QLineEdit>(&window, "hostEdit")->text(), u"10.1.2.3"_s);
        QCOMPARE(window.client()->interval(), 100);
        QCOMPARE(child<QSpinBox>(&window, "portSpin")->value(), 4321);   // remembered
    }
}

void tst_ClientWindow::modelPassesTheTester()
{
    auto server = startServer();
    QVERIFY(server);
    const quint16 port = server->server()->serverPort();
    auto window = clientWindow(port);
    QVERIFY(window);
    QAbstractItemModelTester tester(window->logModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester shown(window->logPanel()->view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(connectAsUser(window.get(), port));
    QTRY_COMPARE(server->server()->clientCount(), 1);
    for (int i = 0; i < 50; ++i)
        server->server()->sendToAll("n" + QByteArray::number(i));
    QTRY_VERIFY(hasRow(window->logModel(), u"n49"_s));
}

void tst_ClientWindow::tooltipsEverywhere()
{
    ClientWindow window;
    const auto widgets = window.findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QComboBox *>(widget) || (qobject_cast<QLineEdit *>(widget) && !qobject_cast<QAbstractSpinBox *>(widget->parent()));
        if (!control || widget->objectName().startsWith(u"qt_"_s) || !widget->isVisibleTo(&window))
            continue;
        QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(widget->objectName() + u' ' + QString::fromLatin1(widget->metaObject()->className())));
    }
}

namespace {
/** The rows of the messages the client received, oldest first. */
QList<int> receivedRows(const LogModel *log)
{
    QList<int> rows;
    for (int row = 0; row < log->rowCount(); ++row) {
        if (log->index(row).data(LogModel::KindRole).toString() == u"received"_s)
            rows.append(row);
    }
    return rows;
}
} // namespace

// Issue 14: the client window's framing, a plain QTcpServer writing frames glued
// and split, and the log showing one bubble per frame with its bytes and size.
void tst_ClientWindow::framingShowsOneBubblePerFrame_data()
{
    FramingRows::addRows();
}

void tst_ClientWindow::framingShowsOneBubblePerFrame()
{
    QFETCH(QString, spec);
    QFETCH(QList<QByteArrayList>, bursts);
    QFETCH(QList<int>, framesAfter);
    QFETCH(QByteArrayList, frames);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientOptions options;
    options.periodic = false;
    options.flushDelayMs = 3600000;   // a line without its ending waits for its rest, not for the flush time
    options.explicitlySet = { u"no-periodic"_s, u"flush-ms"_s };
    ClientWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const Framing framing = FramingRows::parse(spec);
    FramingRows::choose(&window, framing);
    QCOMPARE(window.client()->framing(), framing);
    QVERIFY(connectAsUser(&window, server.serverPort()));
    QTRY_VERIFY(server.hasPendingConnections());
    std::unique_ptr<QTcpSocket> peer(server.nextPendingConnection());
    // The client's socket tells when it has read: a split is then two reads.
    auto *clientSocket = window.client()->findChild<QTcpSocket *>();
    QVERIFY(clientSocket);
    QSignalSpy reads(clientSocket, &QIODevice::readyRead);
    for (qsizetype i = 0; i < bursts.size(); ++i) {
        const qsizetype readsBefore = reads.count();
        for (const QByteArray &bytes : bursts.at(i)) {
            peer->write(bytes);
            peer->flush();
        }
        QTRY_VERIFY(reads.count() > readsBefore);
        QTRY_COMPARE(receivedRows(window.logModel()).size(), framesAfter.at(i));
    }
    window.logModel()->flush();
    const QList<int> rows = receivedRows(window.logModel());
    QByteArrayList shown;
    for (int row : rows)
        shown.append(window.logModel()->index(row).data(LogModel::BytesRole).toByteArray());
    QCOMPARE(shown, frames);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QModelIndex index = window.logModel()->index(rows.at(i));
        QCOMPARE(index.data(LogModel::SizeTextRole).toString(), u"%1 B"_s.arg(frames.at(i).size()));
        QCOMPARE(index.data().toString(), framing.isBinary() ? FramingRows::hex(frames.at(i)) : QString::fromLatin1(frames.at(i)));
        QCOMPARE(index.data(LogModel::FieldRole).isValid(), framing.kind == Framing::Kind::Length);
    }
}

void tst_ClientWindow::composedMessageTheFramingCannotCarryIsRefused()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    auto window = clientWindow(server.serverPort());
    QVERIFY(window);
    FramingRows::choose(window.get(), FramingRows::parse(u"fixed:8"_s));
    QVERIFY(connectAsUser(window.get(), server.serverPort()));
    QTRY_VERIFY(server.hasPendingConnections());
    std::unique_ptr<QTcpSocket> peer(server.nextPendingConnection());
    QByteArray received;
    connect(peer.get(), &QIODevice::readyRead, this, [&] { received += peer->readAll(); });

    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    auto *problem = child<QLabel>(window.get(), "composeProblemLabel");
    QVERIFY(child<QCheckBox>(window.get(), "composeHexCheck")->isChecked());   // a binary framing is typed in hex
    QVERIFY(!problem->isVisible());
    compose->setFocus();
    QTest::keyClicks(compose, u"01 02 03"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QVERIFY(problem->isVisible());
    QCOMPARE(problem->text(), u"Not sent: a frame is 8 bytes, this message is 3"_s);
    QCOMPARE(compose->text(), u"01 02 03"_s);   // kept for fixing
    // Typing again clears the complaint; eight bytes go, and are all the server got.
    QTest::keyClicks(compose, u" 04 05 06 07 08"_s);
    QVERIFY(!problem->isVisible());
    QTest::keyClick(compose, Qt::Key_Return);
    QVERIFY(compose->text().isEmpty());
    QTRY_COMPARE(received, QByteArray::fromHex("0102030405060708"));
    QTRY_VERIFY(hasRow(window->logModel(), u"01 02 03 04 05 06 07 08"_s));
    const int row = rowsWith(window->logModel(), u"01 02 03 04 05 06 07 08"_s).first();
    QCOMPARE(window->logModel()->index(row).data(LogModel::KindRole).toString(), u"sent"_s);
    QCOMPARE(window->logModel()->index(row).data(LogModel::SizeTextRole).toString(), u"8 B"_s);
    QCOMPARE(rowsWith(window->logModel(), u"sent"_s, LogModel::KindRole).size(), 1);   // the refused one was never sent
}

void tst_ClientWindow::framingRememberedAndLineEndingOnlyForLines()
{
    {
        auto window = clientWindow(1);
        QVERIFY(window);
        auto *ending = child<QComboBox>(window.get(), "lineEndingCombo");
        QVERIFY(ending->isEnabled());
        FramingRows::choose(window.get(), FramingRows::parse(u"delimiter:0d0a"_s));
        QCOMPARE(window->client()->framing().spec(), u"delimiter:0d0a"_s);
        QVERIFY(!ending->isEnabled());   // the delimiter ends each message
        QCOMPARE(child<QLabel>(window.get(), "framingExampleLabel")->text(), window->client()->framing().describe());
        FramingRows::choose(window.get(), FramingRows::parse(u"line"_s));
        QVERIFY(ending->isEnabled());
        FramingRows::choose(window.get(), FramingRows::parse(u"length:4,le,adjust=-4"_s));
        QCOMPARE(window->client()->framing().spec(), u"length:4,le,adjust=-4"_s);
        QVERIFY(!ending->isEnabled());
        QCOMPARE(window->currentOptions().framing.spec(), u"length:4,le,adjust=-4"_s);   // a new window takes it
        window->close();   // closing saves
    }
    {
        auto window = clientWindow(1);
        QVERIFY(window);
        QCOMPARE(window->client()->framing().spec(), u"length:4,le,adjust=-4"_s);
        QCOMPARE(child<QComboBox>(window.get(), "framingByteOrderCombo")->currentText(), u"Little-endian"_s);
        QCOMPARE(child<QSpinBox>(window.get(), "framingAdjustSpin")->value(), -4);
        QVERIFY(!child<QComboBox>(window.get(), "lineEndingCombo")->isEnabled());
    }
}

QTEST_MAIN(tst_ClientWindow)
#include "tst_clientwindow.moc"
