// SPDX-License-Identifier: MIT
#include <memory>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTranslator>

#include "framingrows.h"
#include "server/clienttablemodel.h"
#include "cluster/clusterbridge.h"
#include "logview/logmodel.h"
#include "logview/logpanel.h"
#include "server/serverwindow.h"
#include "testpeer.h"
#include "startedwindow.h"
#include "uitest.h"
#include "widgets/reasontext.h"
#include "startup.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

class tst_ServerWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void typePortAndClickStart();
    void allInterfacesAreSaidPlainly();
    void stopAndStartAgain();
    void refusedPortShowsTheReason();
    void badBindAddressShowsTheReason();
    void clientRowAppearsWithItsAddress();
    void enterBroadcastsTheComposeLine();
    void sendToSelectedClients();
    void hexComposeSendsBytes();
    void composeRefusesWhatTheFramingCannotCarry();
    void dropSelectedWithReason();
    void findClientsAndActOnTheShownOnes();
    void receivedAndSentLookDifferent();
    void markupShowsLiterally();
    void filterByTextWithCtrlF();
    void filterByClient();
    void hexToggle();
    void ctrlLClears();
    void saveAsTextAndJsonLines_data();
    void saveAsTextAndJsonLines();
    void scrollingUpPausesFollowing();
    void relayToggle();
    void welcomeText();
    void graphCountsTraffic();
    void settingsRememberedAndOverridden();
    void commandLineLogFileAndLimits();
    void clusterControlsCheckWhatIsTyped();
    void clusterSettingsRememberedAndOverridden();
    void modelsPassTheTester();
    void tooltipsEverywhere();
    void chineseFromTheLocale();
    void framingShowsOneBubblePerFrame_data();
    void framingShowsOneBubblePerFrame();
    void framingCheckedAsTypedAndRemembered();
    void lengthFieldMarkedInHex();

private:
    QTemporaryDir m_dir;
};

void tst_ServerWindow::initTestCase()
{
    isolateSettings(u"tst_serverwindow"_s);
    QVERIFY(m_dir.isValid());
}

void tst_ServerWindow::init()
{
    QSettings().clear();
}

void tst_ServerWindow::cleanup()
{
    closeFileDialogs();
}

void tst_ServerWindow::typePortAndClickStart()
{
    const quint16 port = freePort();
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *portSpin = child<QSpinBox>(&window, "portSpin");
    auto *start = child<QPushButton>(&window, "startButton");
    auto *label = child<QLabel>(&window, "listenLabel");
    QCOMPARE(start->text(), u"Start"_s);
    QCOMPARE(label->text(), u"Not listening"_s);
    QCOMPARE(portSpin->value(), int(SpreadServer::DefaultPort));

    typeInto(child<QComboBox>(&window, "bindCombo"), u"127.0.0.1"_s);
    typeInto(portSpin, QString::number(port));
    QCOMPARE(portSpin->value(), int(port));
    QTest::mouseClick(start, Qt::LeftButton);

    QVERIFY(window.server()->isListening());
    QCOMPARE(window.server()->serverPort(), port);
    QCOMPARE(window.server()->serverAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(start->text(), u"Stop"_s);
    QVERIFY(!portSpin->isEnabled());
    QCOMPARE(label->text(), u"Listening on 127.0.0.1 port %1"_s.arg(port));   // local: no warning
    QVERIFY(window.windowTitle().contains(QString::number(port)));
    QTRY_VERIFY(hasRow(window.logModel(), u"Listening on 127.0.0.1 port %1"_s.arg(port)));

    TestPeer peer(port);
    QVERIFY(peer.waitReady());   // really listening: greeted
}

void tst_ServerWindow::allInterfacesAreSaidPlainly()
{
    const quint16 port = freePort();
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    typeInto(child<QComboBox>(&window, "bindCombo"), u"any"_s);
    typeInto(child<QSpinBox>(&window, "portSpin"), QString::number(port));
    QTest::mouseClick(child<QPushButton>(&window, "startButton"), Qt::LeftButton);
    QVERIFY(window.server()->isListening());
    const QString shown = child<QLabel>(&window, "listenLabel")->text();
    QVERIFY2(shown.contains(u"reachable from the network"_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"127.0.0.1"_s), qPrintable(shown));
}

void tst_ServerWindow::stopAndStartAgain()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *start = child<QPushButton>(window.get(), "startButton");
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QTest::mouseClick(start, Qt::LeftButton);   // Stop
    QVERIFY(!window->server()->isListening());
    QTRY_VERIFY(peer.isClosed());
    QTRY_COMPARE(start->text(), u"Start"_s);
    QTRY_VERIFY(hasRow(window->logModel(), u"Stopped listening"_s));
    QCOMPARE(window->clientModel()->rowCount(), 0);
    QTest::mouseClick(start, Qt::LeftButton);   // Start again
    QVERIFY(window->server()->isListening());
    QCOMPARE(start->text(), u"Stop"_s);
}

void tst_ServerWindow::refusedPortShowsTheReason()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    typeInto(child<QComboBox>(&window, "bindCombo"), u"127.0.0.1"_s);
    typeInto(child<QSpinBox>(&window, "portSpin"), QString::number(blocker.serverPort()));
    QTest::mouseClick(child<QPushButton>(&window, "startButton"), Qt::LeftButton);

    QVERIFY(!window.server()->isListening());
    const QString reason = window.server()->errorString();
    QVERIFY(!reason.isEmpty());
    const QString shown = child<QLabel>(&window, "listenLabel")->text();
    QVERIFY2(shown.contains(reason), qPrintable(shown));
    QVERIFY2(shown.contains(QString::number(blocker.serverPort())), qPrintable(shown));
    QCOMPARE(child<QPushButton>(&window, "startButton")->text(), u"Start"_s);
    QVERIFY(child<QSpinBox>(&window, "portSpin")->isEnabled());
    QCOMPARE(QApplication::activeModalWidget(), nullptr);   // no dialog
    QTRY_VERIFY(hasRow(window.logModel(), reason));
    const int row = rowsWith(window.logModel(), reason).first();
    QVERIFY(window.logModel()->index(row).data(LogModel::ProblemRole).toBool());
}

void tst_ServerWindow::badBindAddressShowsTheReason()
{
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    typeInto(child<QComboBox>(&window, "bindCombo"), u"not.an.address"_s);
    QTest::mouseClick(child<QPushButton>(&window, "startButton"), Qt::LeftButton);
    QVERIFY(!window.server()->isListening());
    QVERIFY(child<QLabel>(&window, "listenLabel")->text().contains(u"not.an.address"_s));
    QCOMPARE(QApplication::activeModalWidget(), nullptr);
}

void tst_ServerWindow::clientRowAppearsWithItsAddress()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *view = child<QTableView>(window.get(), "clientView");
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QTRY_COMPARE(view->model()->rowCount(), 1);
    const QString address = u"127.0.0.1:%1"_s.arg(peer.socket().localPort());
    QCOMPARE(view->model()->index(0, ClientTableModel::AddressColumn).data().toString(), address);
    QVERIFY(view->model()->index(0, ClientTableModel::IdColumn).data().toString().startsWith(u'#'));
    QTRY_VERIFY(hasRow(window->logModel(), address));
    QCOMPARE(child<QLabel>(window.get(), "statusClients")->text(), u"1 clients"_s);

    peer.socket().disconnectFromHost();
    QTRY_COMPARE(view->model()->rowCount(), 0);
    QTRY_VERIFY(hasRow(window->logModel(), u"disconnected"_s));
    QCOMPARE(child<QLabel>(window.get(), "statusClients")->text(), u"0 clients"_s);
}

void tst_ServerWindow::enterBroadcastsTheComposeLine()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    compose->setFocus();
    QTest::keyClicks(compose, u"hello everyone"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(a.hasLine("hello everyone"));
    QTRY_VERIFY(b.hasLine("hello everyone"));
    QVERIFY(compose->text().isEmpty());
    QTRY_VERIFY(hasRow(window->logModel(), u"hello everyone"_s));
    const int row = rowsWith(window->logModel(), u"hello everyone"_s).first();
    const QModelIndex index = window->logModel()->index(row);
    QCOMPARE(index.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QCOMPARE(index.data(LogModel::WhoRole).toString(), u"server → all (2)"_s);

    // The Send button does the same.
    QTest::keyClicks(compose, u"second"_s);
    QTest::mouseClick(child<QPushButton>(window.get(), "sendButton"), Qt::LeftButton);
    QTRY_VERIFY(a.hasLine("second"));
}

void tst_ServerWindow::sendToSelectedClients()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *view = child<QTableView>(window.get(), "clientView");
    TestPeer a(window->server()->serverPort());
    QVERIFY(a.waitReady());
    TestPeer b(window->server()->serverPort());
    QVERIFY(b.waitReady());
    TestPeer c(window->server()->serverPort());
    QVERIFY(c.waitReady());
    QTRY_COMPARE(view->model()->rowCount(), 3);

    clickRow(view, 0);                         // a
    clickRow(view, 2, Qt::ControlModifier);    // and c
    QCOMPARE(window->selectedClients().size(), 2);
    auto *target = child<QComboBox>(window.get(), "targetCombo");
    QTest::keyClick(target, Qt::Key_Down);     // "To selected clients (2)"
    QCOMPARE(target->currentIndex(), 1);
    QVERIFY(target->currentText().contains(u"(2)"_s));
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"just for you"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(a.hasLine("just for you"));
    QTRY_VERIFY(c.hasLine("just for you"));
    // b got nothing: a broadcast marker arrives with nothing before it.
    QTest::keyClick(target, Qt::Key_Up);
    QTest::keyClicks(compose, u"marker"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(b.hasLine("marker"));
    QCOMPARE(b.lines().size(), 2);   // welcome, marker
}

void tst_ServerWindow::hexComposeSendsBytes()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QTest::mouseClick(child<QCheckBox>(window.get(), "composeHexCheck"), Qt::LeftButton);
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"48 69 21"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(peer.hasLine("Hi!"));
    // Not hex: nothing is sent and the text stays for fixing.
    QTest::keyClicks(compose, u"zz"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QCOMPARE(compose->text(), u"zz"_s);
}

void tst_ServerWindow::composeRefusesWhatTheFramingCannotCarry()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    const Framing framing = FramingRows::parse(u"fixed:4"_s);
    FramingRows::choose(window.get(), framing);
    TestPeer peer(window->server()->serverPort(), {}, framing);
    QTRY_COMPARE(window->server()->clients().size(), 1);
    QSignalSpy warnings(window->server(), &SpreadServer::warning);
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"abc"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    // Said in the window before anything is sent; the text stays for fixing.
    QCOMPARE(window->statusBar()->currentMessage(), u"Not sent: a frame is 4 bytes, this message is 3"_s);
    QCOMPARE(compose->text(), u"abc"_s);
    QCOMPARE(warnings.count(), 0);
    // Four bytes are a frame, a line feed among them a byte like any other.
    compose->clear();
    auto *hex = child<QCheckBox>(window.get(), "composeHexCheck");
    if (!hex->isChecked())
        QTest::mouseClick(hex, Qt::LeftButton);
    QTest::keyClicks(compose, u"61 62 0a 63"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_COMPARE(peer.lines(), QList<QByteArray> { "ab\nc"_ba });
}

void tst_ServerWindow::dropSelectedWithReason()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *view = child<QTableView>(window.get(), "clientView");
    auto *drop = child<QPushButton>(window.get(), "dropButton");
    TestPeer keep(window->server()->serverPort());
    QVERIFY(keep.waitReady());
    TestPeer victim(window->server()->serverPort());
    QVERIFY(victim.waitReady());
    QTRY_COMPARE(view->model()->rowCount(), 2);
    QVERIFY(!drop->isEnabled());   // nothing selected yet

    clickRow(view, 1);
    QVERIFY(drop->isEnabled());
    typeInto(child<QLineEdit>(window.get(), "dropReasonEdit"), u"maintenance"_s);
    QTest::mouseClick(drop, Qt::LeftButton);
    QTRY_VERIFY(victim.isClosed());
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, ClientTableModel::AddressColumn).data().toString(),
             u"127.0.0.1:%1"_s.arg(keep.socket().localPort()));
    QVERIFY(keep.isConnected());
    QTRY_VERIFY(hasRow(window->logModel(), u"maintenance"_s));
    const int row = rowsWith(window->logModel(), u"maintenance"_s).first();
    QCOMPARE(window->logModel()->index(row).data(LogModel::KindRole).toString(), u"disconnected"_s);
    QVERIFY(!drop->isEnabled());
}

// The fleet view: type in the filter, see "N of M clients shown", select all
// shown, then send or drop: exactly the shown ones. A selection the filter
// hides comes back when the filter is cleared.
void tst_ServerWindow::findClientsAndActOnTheShownOnes()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *view = child<QTableView>(window.get(), "clientView");
    auto *filter = child<QLineEdit>(window.get(), "clientFilterEdit");
    auto *shown = child<QLabel>(window.get(), "shownLabel");
    TestPeer sensorA(window->server()->serverPort());
    TestPeer sensorB(window->server()->serverPort(), QHostAddress(u"127.0.0.2"_s));
    TestPeer door(window->server()->serverPort(), QHostAddress(u"127.0.0.3"_s));
    for (TestPeer *peer : { &sensorA, &sensorB, &door })
        QVERIFY(peer->waitReady());
    QTRY_COMPARE(view->model()->rowCount(), 3);
    QCOMPARE(shown->text(), u"3 clients"_s);
    sensorA.write("TEMP=21\n");
    sensorB.write("TEMP=22\n");
    door.write("door open\n");
    QTRY_COMPARE(window->clientModel()->index(window->clientModel()->rowOf(window->server()->clients().last()),
                                              ClientTableModel::LastMessageColumn).data().toString(), u"door open"_s);

    // The door selected, then a filter that hides it: kept, but not acted on while hidden.
    clickRow(view, 2);
    QCOMPARE(window->selectedClients().size(), 1);
    QTest::mouseClick(filter, Qt::LeftButton);
    QTest::keyClicks(filter, u"temp"_s);
    QCOMPARE(view->model()->rowCount(), 2);
    QCOMPARE(shown->text(), u"2 of 3 clients shown, 1 selected hidden"_s);
    QVERIFY(window->selectedClients().isEmpty());
    filter->clear();
    QCOMPARE(view->model()->rowCount(), 3);
    QCOMPARE(window->selectedClients().size(), 1);
    QCOMPARE(view->selectionModel()->selectedRows().first().data(ClientTableModel::IdRole).toULongLong(),
             window->server()->clients().last());

    // A subnet, select all shown, send: only those two hear it.
    QTest::keyClicks(filter, u"127.0.0.0/31"_s);   // 127.0.0.0 and 127.0.0.1: sensor A only
    QCOMPARE(view->model()->rowCount(), 1);
    filter->clear();
    QTest::keyClicks(filter, u"temp"_s);
    QTest::mouseClick(child<QPushButton>(window.get(), "selectShownButton"), Qt::LeftButton);
    QCOMPARE(window->selectedClients().size(), 2);
    QCOMPARE(shown->text(), u"2 of 3 clients shown"_s);   // the hidden door is no longer selected
    auto *target = child<QComboBox>(window.get(), "targetCombo");
    target->setCurrentIndex(1);
    QVERIFY(target->currentText().contains(u"(2)"_s));
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"calibrate"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(sensorA.hasLine("calibrate"));
    QTRY_VERIFY(sensorB.hasLine("calibrate"));
    // Then drop them: the door stays, and never heard the message.
    typeInto(child<QLineEdit>(window.get(), "dropReasonEdit"), u"recalibrating"_s);
    QTest::mouseClick(child<QPushButton>(window.get(), "dropButton"), Qt::LeftButton);
    QTRY_VERIFY(sensorA.isClosed());
    QTRY_VERIFY(sensorB.isClosed());
    QTRY_COMPARE(window->clientModel()->rowCount(), 1);
    QCOMPARE(view->model()->rowCount(), 0);
    QCOMPARE(shown->text(), u"0 of 1 client shown"_s);
    filter->clear();
    QCOMPARE(view->model()->rowCount(), 1);
    QVERIFY(door.isConnected());
    QVERIFY(!door.hasLine("calibrate"));
}

void tst_ServerWindow::receivedAndSentLookDifferent()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("from the client\n");
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"from the server"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(hasRow(window->logModel(), u"from the client"_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"from the server"_s));
    auto *view = window->logPanel()->view();
    const QModelIndex in = view->model()->index(rowsWith(view->model(), u"from the client"_s).first(), 0);
    const QModelIndex out = view->model()->index(rowsWith(view->model(), u"from the server"_s).first(), 0);
    QCOMPARE(in.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    QCOMPARE(out.data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QVERIFY(in.data(LogModel::WhoRole).toString().contains(QString::number(peer.socket().localPort())));

    // Drawn apart: received bubbles start on the left, sent ones end on the right.
    const QImage image = view->viewport()->grab().toImage();
    const QRect inRect = view->visualRect(in);
    const QRect outRect = view->visualRect(out);
    const auto firstColouredX = [&](const QRect &rect, bool fromLeft) {
        const int y = rect.center().y();
        const QColor base = view->palette().color(QPalette::Base);
        const int dpr = int(image.devicePixelRatio());
        for (int i = 0; i < rect.width(); ++i) {
            const int x = fromLeft ? rect.left() + rect.width() / 4 + i : rect.right() - 3 - i;
            if (image.pixelColor(x * dpr, y * dpr) != base)
                return x;
        }
        return -1;
    };
    // Right edge of the row: the sent bubble is there, the received one is not.
    const int outEdge = firstColouredX(outRect, false);
    const int inEdge = firstColouredX(inRect, false);
    QVERIFY(outEdge > inEdge);
}

void tst_ServerWindow::markupShowsLiterally()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("<b>x</b>\n<img src=x>\n\x01\xff\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"<img src=x>"_s));
    QVERIFY(hasRow(window->logModel(), u"<b>x</b>"_s));
    QVERIFY(hasRow(window->logModel(), u"\\x01\\xff"_s));
    // Nothing in the window renders rich text from a client.
    for (QLabel *label : window->findChildren<QLabel *>())
        QVERIFY2(!label->text().contains(u"<img"_s) || label->textFormat() == Qt::PlainText, qPrintable(label->objectName()));
}

void tst_ServerWindow::filterByTextWithCtrlF()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    a.write("apple\n");
    b.write("banana\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"banana"_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"apple"_s));

    auto *filter = child<QLineEdit>(window.get(), "logFilterEdit");
    QTest::keyClick(window.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, u"banana"_s);
    auto *shown = window->logPanel()->view()->model();
    QTRY_COMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, 0).data().toString(), u"banana"_s);
    QVERIFY(child<QLabel>(window.get(), "logCountLabel")->text().startsWith(u"1 of"_s));

    // Lines arriving later are filtered too.
    a.write("no match\n");
    b.write("banana split\n");
    QTRY_COMPARE(shown->rowCount(), 2);
    QTRY_VERIFY(hasRow(window->logModel(), u"no match"_s));
    QCOMPARE(shown->rowCount(), 2);

    QTest::keyClick(filter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(filter, Qt::Key_Delete);
    QTRY_COMPARE(shown->rowCount(), window->logModel()->rowCount());
}

void tst_ServerWindow::filterByClient()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    QVERIFY(a.waitReady());
    TestPeer b(window->server()->serverPort());
    QVERIFY(b.waitReady());
    a.write("from a\n");
    b.write("from b\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"from b"_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"from a"_s));
    auto *combo = child<QComboBox>(window.get(), "logClientFilter");
    QCOMPARE(combo->count(), 3);   // all, a, b
    QTest::keyClick(combo, Qt::Key_Down);
    QVERIFY(combo->currentText().contains(QString::number(a.socket().localPort())));
    auto *shown = window->logPanel()->view()->model();
    QTRY_VERIFY(hasRow(shown, u"from a"_s));
    QVERIFY(!hasRow(shown, u"from b"_s));
    for (int row = 0; row < shown->rowCount(); ++row)
        QCOMPARE(shown->index(row, 0).data(LogModel::ClientRole).toULongLong(), combo->currentData().toULongLong());
    QTest::keyClick(combo, Qt::Key_Up);
    QTRY_VERIFY(hasRow(shown, u"from b"_s));
    // A client that leaves leaves the choices, unless it is the one chosen: its lines stay shown.
    QTest::keyClick(combo, Qt::Key_Down);   // a
    const QString chosen = combo->currentText();
    b.socket().disconnectFromHost();
    QTRY_COMPARE(combo->count(), 2);   // all, a
    a.socket().disconnectFromHost();
    QTRY_COMPARE(window->server()->clientCount(), 0);
    QCOMPARE(combo->count(), 2);
    QCOMPARE(combo->currentText(), chosen);
    TestPeer c(window->server()->serverPort());
    QVERIFY(c.waitReady());
    QTRY_COMPARE(combo->count(), 3);   // all, a (chosen), c
    QVERIFY(combo->itemText(2).contains(QString::number(c.socket().localPort())));
}

void tst_ServerWindow::hexToggle()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("hi\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"hi"_s));
    auto *hex = child<QToolButton>(window.get(), "logHexButton");
    QTest::mouseClick(hex, Qt::LeftButton);
    QVERIFY(hex->isChecked());
    QVERIFY(hasRow(window->logModel(), u"68 69"_s));
    QTest::mouseClick(hex, Qt::LeftButton);
    QVERIFY(!hasRow(window->logModel(), u"68 69"_s));
}

void tst_ServerWindow::ctrlLClears()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    QTRY_VERIFY(window->logModel()->rowCount() > 0);
    QTest::keyClick(window.get(), Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(window->logModel()->rowCount(), 0);
    QTest::mouseClick(child<QToolButton>(window.get(), "logClearButton"), Qt::LeftButton);
    QCOMPARE(window->logModel()->rowCount(), 0);
}

void tst_ServerWindow::saveAsTextAndJsonLines_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("shortcut");
    QTest::addRow("text, button") << u"log.txt"_s << false;
    QTest::addRow("jsonl, Ctrl+S") << u"log.jsonl"_s << true;
}

void tst_ServerWindow::saveAsTextAndJsonLines()
{
    QFETCH(QString, fileName);
    QFETCH(bool, shortcut);
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    peer.write("saved line\n\xfe\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"\\xfe"_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"saved line"_s));

    if (shortcut)
        QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
    else
        QTest::mouseClick(child<QToolButton>(window.get(), "logSaveButton"), Qt::LeftButton);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"saveLogDialog"_s)) && dialog->isVisible());
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).remove(u' ') + fileName);
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();   // the Save button
    QTRY_VERIFY(QFile::exists(path));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), window->logModel()->rowCount());
    if (fileName.endsWith(u".jsonl"_s)) {
        bool found = false;
        for (const QByteArray &line : lines) {
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QVERIFY(o.contains(u"event"_s));
            if (o.value(u"text"_s).toString() == u"saved line"_s) {
                found = true;
                QCOMPARE(o.value(u"event"_s).toString(), u"received"_s);
                QCOMPARE(o.value(u"peer"_s).toString(), u"127.0.0.1:%1"_s.arg(peer.socket().localPort()));
            }
        }
        QVERIFY(found);
    } else {
        QVERIFY(lines.first().contains("listening on 127.0.0.1 port"));
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const QByteArray &l) { return l.endsWith("] saved line"); }));
    }
}

void tst_ServerWindow::scrollingUpPausesFollowing()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QByteArray many;
    for (int i = 0; i < 300; ++i)
        many += "line " + QByteArray::number(i) + '\n';
    peer.write(many);
    QTRY_VERIFY(hasRow(window->logModel(), u"line 299"_s));
    auto *view = window->logPanel()->view();
    auto *follow = child<QToolButton>(window.get(), "logFollowButton");
    QScrollBar *bar = view->verticalScrollBar();
    QVERIFY(follow->isChecked());
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The user scrolls up (wheel, drag or page up all end in a slider action).
    bar->triggerAction(QAbstractSlider::SliderPageStepSub);
    QVERIFY(!follow->isChecked());
    const int position = bar->value();
    peer.write("while paused\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"while paused"_s));
    QTRY_VERIFY(follow->text().contains(u"1 new"_s));
    QCOMPARE(bar->value(), position);   // the view stayed where the user put it

    // Back at the bottom, it follows again.
    bar->triggerAction(QAbstractSlider::SliderToMaximum);
    QVERIFY(follow->isChecked());
    QCOMPARE(follow->text(), u"Follow"_s);
    peer.write("after\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"after"_s));
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The button pauses and resumes too.
    QTest::mouseClick(follow, Qt::LeftButton);
    QVERIFY(!window->logPanel()->isFollowing());
    QTest::mouseClick(follow, Qt::LeftButton);
    QVERIFY(window->logPanel()->isFollowing());
}

void tst_ServerWindow::relayToggle()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer talker(window->server()->serverPort());
    QVERIFY(talker.waitReady());
    TestPeer listener(window->server()->serverPort());
    QVERIFY(listener.waitReady());
    auto *relay = child<QCheckBox>(window.get(), "relayCheck");
    QVERIFY(relay->isChecked());
    talker.write("relayed\n");
    QTRY_VERIFY(listener.hasLine("relayed"));

    QTest::mouseClick(relay, Qt::LeftButton);
    QVERIFY(!window->server()->relay());
    talker.write("kept\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"kept"_s));   // logged...
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"marker"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(listener.hasLine("marker"));
    QVERIFY(!listener.hasLine("kept"));   // ...but not relayed
}

void tst_ServerWindow::welcomeText()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *welcome = child<QLineEdit>(window.get(), "welcomeEdit");
    QCOMPARE(welcome->text(), SpreadServer::defaultWelcome());
    typeInto(welcome, u"hi number %1"_s);
    QTest::keyClick(welcome, Qt::Key_Return);
    QCOMPARE(window->server()->settings().welcome, u"hi number %1"_s);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QCOMPARE(peer.lines().first(), "hi number 1"_ba);

    auto *maxClients = child<QSpinBox>(window.get(), "maxClientsSpin");
    typeInto(maxClients, u"1"_s);
    QTest::keyClick(maxClients, Qt::Key_Return);
    QCOMPARE(window->server()->settings().maxClients, 1);
    TestPeer refused(window->server()->serverPort());
    QTRY_VERIFY(refused.isClosed());
    QTRY_VERIFY(hasRow(window->logModel(), u"server full"_s));

    // Only some subnets: a bad list is refused in place, a good one applies.
    auto *allow = child<QLineEdit>(window.get(), "allowEdit");
    typeInto(allow, u"10.0.0.0/8, nonsense"_s);
    QTest::keyClick(allow, Qt::Key_Return);
    QVERIFY(window->server()->settings().allowed.isEmpty());
    typeInto(allow, u"10.0.0.0/8, ::1"_s);
    QTest::keyClick(allow, Qt::Key_Return);
    QCOMPARE(window->server()->settings().allowed.size(), 2);
    QCOMPARE(window->server()->settings().allowed.first(), QHostAddress::parseSubnet(u"10.0.0.0/8"_s));
}

void tst_ServerWindow::graphCountsTraffic()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    a.write("1234\n5678\n");
    QTRY_VERIFY(b.hasLine("5678"));
    // The next one-second sample has them: 2 in, 2 relayed out.
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(window->graph()->samples().cbegin(), window->graph()->samples().cend(),
                                         [](const TrafficGraph::Sample &s) { return s.messagesIn == 2; }),
                             5000);
    const auto &samples = window->graph()->samples();
    const auto it = std::find_if(samples.cbegin(), samples.cend(), [](const TrafficGraph::Sample &s) { return s.messagesIn == 2; });
    QCOMPARE(it->messagesOut, 2.0);
    QCOMPARE(it->bytesIn, 8.0);
    QCOMPARE(window->graph()->latest().clients, 2);
    QVERIFY(!window->graph()->toolTip().isEmpty());
    QVERIFY(!window->graph()->grab().isNull());   // paints
}

void tst_ServerWindow::settingsRememberedAndOverridden()
{
    {
        ServerWindow window;
        typeInto(child<QSpinBox>(&window, "portSpin"), u"12345"_s);
        typeInto(child<QComboBox>(&window, "bindCombo"), u"127.0.0.1"_s);
        QTest::mouseClick(child<QCheckBox>(&window, "relayCheck"), Qt::LeftButton);
        auto *handshakes = child<QSpinBox>(&window, "maxHandshakesSpin");
        QCOMPARE(handshakes->value(), int(Limits::MaxHandshakes.defaultValue));
        typeInto(handshakes, u"7"_s);
        QTest::keyClick(handshakes, Qt::Key_Return);
        QCOMPARE(window.server()->settings().maxHandshakes, 7);
        window.close();   // closing saves
    }
    {
        ServerWindow window;
        QCOMPARE(child<QSpinBox>(&window, "portSpin")->value(), 12345);
        QCOMPARE(window.server()->settings().maxHandshakes, 7);
        QVERIFY(child<QComboBox>(&window, "bindCombo")->currentText().startsWith(u"127.0.0.1"_s));
        QVERIFY(!window.server()->relay());
    }
    {
        ServerOptions options;
        options.port = 2222;
        options.settings.welcome = u"from the command line"_s;
        options.settings.maxHandshakes = 3;
        options.explicitlySet = { u"port"_s, u"welcome"_s, u"max-handshakes"_s };
        ServerWindow window(options);
        QCOMPARE(child<QSpinBox>(&window, "portSpin")->value(), 2222);
        QCOMPARE(child<QSpinBox>(&window, "maxHandshakesSpin")->value(), 3);
        QCOMPARE(window.server()->settings().maxHandshakes, 3);
        QCOMPARE(window.server()->settings().welcome, u"from the command line"_s);
        QVERIFY(!window.server()->relay());   // not on the command line: remembered
    }
}

void tst_ServerWindow::commandLineLogFileAndLimits()
{
    // --log-file F --log-format jsonl --quiet --max-per-ip 1: as the console server takes them.
    ServerOptions options;
    options.logFile = m_dir.filePath(u"server.log.jsonl"_s);
    options.logFormat = Log::Format::JsonLines;
    options.quiet = true;
    options.settings.maxPerAddress = 1;
    options.explicitlySet = { u"log-file"_s, u"log-format"_s, u"quiet"_s, u"max-per-ip"_s };
    auto window = startedServerWindow(options);
    QVERIFY(window);
    QCOMPARE(window->server()->settings().maxPerAddress, 1);
    TestPeer first(window->server()->serverPort());
    QVERIFY(first.waitReady());
    TestPeer second(window->server()->serverPort());
    QTRY_VERIFY(second.isClosed());   // one per address
    first.write("not in the file\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"not in the file"_s));   // in the window, though
    QFile file(options.logFile);
    QTRY_VERIFY(file.size() > 0);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QVERIFY(content.contains("\"event\":\"listening\""));
    QVERIFY(content.contains("\"event\":\"connected\""));
    QVERIFY(content.contains("\"event\":\"refused\""));
    QVERIFY(!content.contains("not in the file"));
}

void tst_ServerWindow::clusterControlsCheckWhatIsTyped()
{
    ServerWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *tabs = child<QTabWidget>(&window, "settingsTabs");
    QCOMPARE(tabs->tabText(1), u"Cluster"_s);
    tabs->setCurrentIndex(1);
    auto *nats = child<QLineEdit>(&window, "natsEdit");
    auto *domain = child<QLineEdit>(&window, "domainEdit");
    auto *serverId = child<QLineEdit>(&window, "serverIdEdit");
    auto *join = child<QPushButton>(&window, "joinButton");
    auto *state = child<QLabel>(&window, "clusterStateLabel");
    QCOMPARE(domain->text(), u"default"_s);
    QCOMPARE(join->text(), u"Join cluster"_s);
    QVERIFY(!child<QLabel>(&window, "statusCluster")->isVisible());   // no cluster, no noise in the status bar
    for (QWidget *widget : std::initializer_list<QWidget *> { nats, domain, serverId, join,
                                                              child<QWidget>(&window, "natsBufferSpin") })
        QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(widget->objectName()));

    if (!ClusterBridge::isAvailable()) {
        // A build without libnats: the controls are there, disabled, and say why.
        QVERIFY(!join->isEnabled());
        QVERIFY(!nats->isEnabled());
        QVERIFY2(join->toolTip().contains(u"no NATS support"_s), qPrintable(join->toolTip()));
        QVERIFY(!window.joinCluster());
        QCOMPARE(state->text(), u"Not available in this build"_s);
        return;
    }
    QVERIFY(join->isEnabled());
    QCOMPARE(state->text(), u"Off"_s);

    // Join with no NATS server typed: said, and nothing else happens.
    QTest::mouseClick(join, Qt::LeftButton);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"Type the NATS servers"_s), qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(!nats->styleSheet().isEmpty());
    QCOMPARE(window.clusterBridge(), nullptr);
    QCOMPARE(join->text(), u"Join cluster"_s);

    // A domain that cannot be part of a subject: marked as typed, and refused.
    typeInto(nats, u"nats://127.0.0.1:%1"_s.arg(freePort()));
    QVERIFY(nats->styleSheet().isEmpty());
    typeInto(domain, u"two words"_s);
    QVERIFY(!domain->styleSheet().isEmpty());
    QTest::mouseClick(join, Qt::LeftButton);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"Not a domain name: two words"_s),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(window.clusterBridge(), nullptr);
    typeInto(domain, u"plant-7"_s);
    QVERIFY(domain->styleSheet().isEmpty());
    typeInto(serverId, u"a.b"_s);   // a dot would split the subject
    QVERIFY(!serverId->styleSheet().isEmpty());
    QTest::mouseClick(join, Qt::LeftButton);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"Not a server id: a.b"_s),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(window.clusterBridge(), nullptr);
    QCOMPARE(state->text(), u"Off"_s);
}

void tst_ServerWindow::clusterSettingsRememberedAndOverridden()
{
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS support: the cluster controls are disabled");
    {
        ServerWindow window;
        child<QTabWidget>(&window, "settingsTabs")->setCurrentIndex(1);
        typeInto(child<QLineEdit>(&window, "natsEdit"), u"nats://10.0.0.5:4222, nats://10.0.0.6:4222"_s);
        typeInto(child<QLineEdit>(&window, "domainEdit"), u"plant-7"_s);
        typeInto(child<QLineEdit>(&window, "serverIdEdit"), u"gateway-1"_s);
        typeInto(child<QDoubleSpinBox>(&window, "natsBufferSpin"), u"1000000"_s);
        QTest::keyClick(child<QDoubleSpinBox>(&window, "natsBufferSpin"), Qt::Key_Return);
        window.close();   // closing saves
    }
    {
        ServerWindow window;
        QCOMPARE(child<QLineEdit>(&window, "natsEdit")->text(), u"nats://10.0.0.5:4222, nats://10.0.0.6:4222"_s);
        QCOMPARE(child<QLineEdit>(&window, "domainEdit")->text(), u"plant-7"_s);
        QCOMPARE(child<QLineEdit>(&window, "serverIdEdit")->text(), u"gateway-1"_s);
        QCOMPARE(child<QDoubleSpinBox>(&window, "natsBufferSpin")->value(), 1000000.0);
        QVERIFY(!window.joinsClusterAtLaunch());   // it was not in the cluster when closed
    }
    {
        // --nats nats://127.0.0.1:4333 --domain cli: the command line wins; the rest is remembered.
        ServerOptions options;
        options.cluster.urls = QStringList { u"nats://127.0.0.1:4333"_s };
        options.cluster.domain = u"cli"_s;
        options.explicitlySet = { u"nats"_s, u"domain"_s };
        ServerWindow window(options);
        QCOMPARE(child<QLineEdit>(&window, "natsEdit")->text(), u"nats://127.0.0.1:4333"_s);
        QCOMPARE(child<QLineEdit>(&window, "domainEdit")->text(), u"cli"_s);
        QCOMPARE(child<QLineEdit>(&window, "serverIdEdit")->text(), u"gateway-1"_s);
        QCOMPARE(child<QDoubleSpinBox>(&window, "natsBufferSpin")->value(), 1000000.0);
        // --nats means: join at launch, as the console server does (where this build can).
        QCOMPARE(window.joinsClusterAtLaunch(), ClusterBridge::isAvailable());
    }
}

void tst_ServerWindow::modelsPassTheTester()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    QAbstractItemModelTester logTester(window->logModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester shownTester(window->logPanel()->view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester clientsTester(window->clientModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window->clientModel()->setRefreshInterval(30);
    TestPeer a(window->server()->serverPort());
    TestPeer b(window->server()->serverPort());
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    a.write("x\ny\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"y"_s));
    b.socket().disconnectFromHost();
    QTRY_COMPARE(window->clientModel()->rowCount(), 1);
    QTest::keyClick(window.get(), Qt::Key_L, Qt::ControlModifier);
    a.write("z\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"z"_s));
}

void tst_ServerWindow::tooltipsEverywhere()
{
    ServerWindow window;
    const auto widgets = window.findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
                || qobject_cast<QComboBox *>(widget) || (qobject_cast<QLineEdit *>(widget) && !qobject_cast<QComboBox *>(widget->parent())
                                                          && !qobject_cast<QAbstractSpinBox *>(widget->parent()));
        if (!control || widget->objectName().startsWith(u"qt_"_s) || !widget->isVisibleTo(&window))
            continue;
        QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(widget->objectName() + u' ' + QString::fromLatin1(widget->metaObject()->className())));
    }
}

void tst_ServerWindow::chineseFromTheLocale()
{
    // Whatever happens here, the tests after this one run in English again: the translators
    // installTranslations() adds to the application go, and the default locale comes back.
    const QLocale previousLocale;
    const QList<QTranslator *> previousTranslators = qApp->findChildren<QTranslator *>(Qt::FindDirectChildrenOnly);
    const auto restore = qScopeGuard([&] {
        const QList<QTranslator *> translators = qApp->findChildren<QTranslator *>(Qt::FindDirectChildrenOnly);
        for (QTranslator *translator : translators) {
            if (!previousTranslators.contains(translator)) {
                QCoreApplication::removeTranslator(translator);
                delete translator;
            }
        }
        QLocale::setDefault(previousLocale);
    });
    QLocale::setDefault(QLocale(QLocale::Chinese, QLocale::China));
    QCOMPARE(installTranslations(), u"zh_CN"_s);
    ServerWindow window;
    QCOMPARE(child<QPushButton>(&window, "startButton")->text(), u"启动"_s);
    QCOMPARE(child<QLabel>(&window, "listenLabel")->text(), u"未监听"_s);
    QCOMPARE(window.clientModel()->headerData(ClientTableModel::AddressColumn, Qt::Horizontal).toString(), u"地址"_s);
    QCOMPARE(child<QPushButton>(&window, "joinButton")->text(), u"加入集群"_s);
    QCOMPARE(child<QTabWidget>(&window, "peopleTabs")->tabText(1), u"集群服务器"_s);
    // Reasons from lib are shown translated (ReasonText); what goes on the wire is not.
    QCOMPARE(ReasonText::translated(u"dropped by the server"_s), u"被服务器断开"_s);
    QCOMPARE(ReasonText::translated(u"server full"_s), u"服务器已满"_s);
    // Issue 14: the framing setting and its reasons; an unfinished frame's first argument is itself a reason.
    QCOMPARE(child<QComboBox>(&window, "framingKindCombo")->itemText(3), u"长度字段"_s);
    // The example line is Framing::describe(), translated in lib.
    QCOMPARE(Framing::parse(u"fixed:8"_s)->describe(), u"每 8 字节为一帧"_s);
    QVERIFY2(child<QLabel>(&window, "framingExampleLabel")->text().contains(u"帧"_s),
             qPrintable(child<QLabel>(&window, "framingExampleLabel")->text()));
    QCOMPARE(ReasonText::translated(u"bad length field"_s), u"长度字段无效"_s);
    QCOMPARE(ReasonText::translated(u"closed by peer (an unfinished frame of 3 bytes was dropped)"_s),
             u"对方关闭了连接(丢弃了一个 3 字节的不完整帧)"_s);
    QCOMPARE(ReasonText::translated(u"message not sent: a frame is 8 bytes, this message is 3"_s),
             u"消息未发送:a frame is 8 bytes, this message is 3"_s);
    SpreadServer::Settings onlyTen;
    onlyTen.allowed = { QHostAddress::parseSubnet(u"10.0.0.0/8"_s) };
    SpreadServer wire;
    wire.setSettings(onlyTen);
    QCOMPARE(wire.refusalFor(QHostAddress::LocalHost), u"not allowed"_s);
}

namespace {
/** The rows of the messages the server received, oldest first. */
QList<int> receivedRows(const LogModel *log)
{
    QList<int> rows;
    for (int row = 0; row < log->rowCount(); ++row) {
        if (log->index(row).data(LogModel::KindRole).toString() == u"received"_s)
            rows.append(row);
    }
    return rows;
}

quint64 bytesIn(const SpreadServer *server, SpreadServer::ClientId id)
{
    SessionEngine::Counters counters;
    return server->clientCounters(id, &counters) ? counters.bytesIn : 0;
}
} // namespace

// Issue 14: the framing chosen in the settings tab, a raw peer writing frames glued
// and split, and the log showing one bubble per frame with its bytes and size.
void tst_ServerWindow::framingShowsOneBubblePerFrame_data()
{
    FramingRows::addRows();
}

void tst_ServerWindow::framingShowsOneBubblePerFrame()
{
    QFETCH(QString, spec);
    QFETCH(QList<QByteArrayList>, bursts);
    QFETCH(QList<int>, framesAfter);
    QFETCH(QByteArrayList, frames);
    auto window = startedServerWindow();
    QVERIFY(window);
    // A line without its ending waits for its rest here, not for the flush time.
    auto *flush = child<QSpinBox>(window.get(), "flushSpin");
    typeInto(flush, u"3600000"_s);
    QTest::keyClick(flush, Qt::Key_Return);
    const Framing framing = FramingRows::parse(spec);
    FramingRows::choose(window.get(), framing);
    QCOMPARE(window->server()->framing(), framing);

    TestPeer peer(window->server()->serverPort(), {}, framing);
    QVERIFY(peer.waitReady(0));
    QTRY_COMPARE(window->server()->clients().size(), 1);
    const SpreadServer::ClientId id = window->server()->clients().constFirst();
    quint64 written = 0;
    for (qsizetype i = 0; i < bursts.size(); ++i) {
        for (const QByteArray &bytes : bursts.at(i)) {
            peer.write(bytes);
            peer.socket().flush();
            written += quint64(bytes.size());
        }
        QTRY_COMPARE(bytesIn(window->server(), id), written);   // read by the server: a split is two reads
        QTRY_COMPARE(receivedRows(window->logModel()).size(), framesAfter.at(i));
    }
    window->logModel()->flush();
    const QList<int> rows = receivedRows(window->logModel());
    QByteArrayList shown;
    for (int row : rows)
        shown.append(window->logModel()->index(row).data(LogModel::BytesRole).toByteArray());
    QCOMPARE(shown, frames);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QModelIndex index = window->logModel()->index(rows.at(i));
        QCOMPARE(index.data(LogModel::SizeTextRole).toString(), u"%1 B"_s.arg(frames.at(i).size()));
        // Binary frames in hex without the Hex button; text frames as text.
        QCOMPARE(index.data().toString(), framing.isBinary() ? FramingRows::hex(frames.at(i)) : QString::fromLatin1(frames.at(i)));
        if (framing.kind == Framing::Kind::Length)
            QCOMPARE(index.data(LogModel::FieldRole).toPoint(), QPoint(0, 2));
        else
            QVERIFY(!index.data(LogModel::FieldRole).isValid());
    }
}

void tst_ServerWindow::framingCheckedAsTypedAndRemembered()
{
    {
        ServerWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *kind = child<QComboBox>(&window, "framingKindCombo");
        auto *example = child<QLabel>(&window, "framingExampleLabel");
        auto *delimiter = child<QLineEdit>(&window, "framingDelimiterEdit");
        QCOMPARE(kind->currentText(), u"Line"_s);
        QCOMPARE(example->text(), Framing().describe());
        QVERIFY(!delimiter->isVisible());   // only the fields of the kind chosen
        kind->setFocus(Qt::TabFocusReason);
        QTest::keyClick(kind, Qt::Key_Down);
        QCOMPARE(kind->currentText(), u"Delimiter"_s);
        QVERIFY(delimiter->isVisible());
        QVERIFY(!child<QSpinBox>(&window, "framingFixedSpin")->isVisible());
        QVERIFY(example->text().contains(u"hexadecimal"_s));   // nothing typed yet: asked for
        QCOMPARE(window.server()->framing(), Framing());

        // Not hex: said in the widget as it is typed, and not applied even with Enter.
        typeInto(delimiter, u"7g"_s);
        QVERIFY2(example->text().contains(u"Not hexadecimal bytes: 7g"_s), qPrintable(example->text()));
        QTest::keyClick(delimiter, Qt::Key_Return);
        QCOMPARE(window.server()->framing(), Framing());
        QTest::keyClick(delimiter, Qt::Key_Backspace);
        QTest::keyClicks(delimiter, u"e"_s);
        QCOMPARE(example->text(), FramingRows::parse(u"delimiter:7e"_s).describe());
        QTest::keyClick(delimiter, Qt::Key_Return);
        QCOMPARE(window.server()->framing().spec(), u"delimiter:7e"_s);

        // Another kind applies at once, with the fields it shows (fixed: 8 bytes at first).
        auto *maxMessage = child<QSpinBox>(&window, "maxMessageSpin");
        typeInto(maxMessage, u"100"_s);
        QTest::keyClick(maxMessage, Qt::Key_Return);
        QCOMPARE(window.server()->settings().maxMessageBytes, 100);
        kind->setCurrentIndex(kind->findData(int(Framing::Kind::Fixed)));
        QCOMPARE(window.server()->framing().spec(), u"fixed:8"_s);
        // A fixed size over the longest message: said, and the one in force stays.
        auto *fixed = child<QSpinBox>(&window, "framingFixedSpin");
        typeInto(fixed, u"101"_s);
        QTest::keyClick(fixed, Qt::Key_Return);
        QVERIFY2(example->text().contains(u"longest message (100 bytes)"_s), qPrintable(example->text()));
        QCOMPARE(window.server()->framing().spec(), u"fixed:8"_s);
        typeInto(fixed, u"100"_s);
        QTest::keyClick(fixed, Qt::Key_Return);
        QCOMPARE(window.server()->framing().spec(), u"fixed:100"_s);
        QCOMPARE(example->text(), FramingRows::parse(u"fixed:100"_s).describe());
        // And the longest message cannot shrink under the framing in force.
        typeInto(maxMessage, u"99"_s);
        QTest::keyClick(maxMessage, Qt::Key_Return);
        QCOMPARE(window.server()->settings().maxMessageBytes, 100);
        QVERIFY(example->text().contains(u"longest message (99 bytes)"_s));

        // Welcome bytes: hex only.
        auto *welcomeHex = child<QLineEdit>(&window, "welcomeHexEdit");
        typeInto(welcomeHex, u"7e 01"_s);
        QTest::keyClick(welcomeHex, Qt::Key_Return);
        QCOMPARE(window.server()->settings().welcomeBytes, "~"_ba);
        typeInto(maxMessage, u"1000"_s);
        QTest::keyClick(maxMessage, Qt::Key_Return);
        kind->setCurrentIndex(kind->findData(int(Framing::Kind::Length)));
        QCOMPARE(window.server()->framing().spec(), u"length:2"_s);   // the fields start as --framing's defaults
        FramingRows::choose(&window, FramingRows::parse(u"length:2,offset=4"_s));
        QCOMPARE(window.server()->framing().spec(), u"length:2,offset=4"_s);   // Modbus TCP
        QVERIFY(!child<QLineEdit>(&window, "welcomeEdit")->isEnabled());   // no text welcome in a binary framing
        window.close();   // closing saves
    }
    {
        ServerWindow window;
        QCOMPARE(window.server()->framing().spec(), u"length:2,offset=4"_s);
        QCOMPARE(child<QComboBox>(&window, "framingKindCombo")->currentText(), u"Length field"_s);
        QCOMPARE(child<QSpinBox>(&window, "framingOffsetSpin")->value(), 4);
        QCOMPARE(window.server()->settings().welcomeBytes, "~"_ba);
    }
    {
        ServerOptions options;   // --framing wins over the saved one
        options.settings.framing = FramingRows::parse(u"idle:20"_s);
        options.explicitlySet = { u"framing"_s };
        ServerWindow window(options);
        QCOMPARE(window.server()->framing().spec(), u"idle:20"_s);
        QCOMPARE(child<QSpinBox>(&window, "framingIdleSpin")->value(), 20);
    }
}

// The length field is marked in each frame received under a length framing, at
// the offset of that framing, whatever the framing is later.
void tst_ServerWindow::lengthFieldMarkedInHex()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    const Framing modbus = FramingRows::parse(u"length:2,offset=4"_s);
    FramingRows::choose(window.get(), modbus);
    QCOMPARE(window->server()->framing(), modbus);
    TestPeer peer(window->server()->serverPort(), {}, modbus);
    QVERIFY(peer.waitReady(0));
    const QByteArray request = QByteArray::fromHex("0001 0000 0006 01 03 0000 000a");
    peer.write(request);
    QTRY_COMPARE(receivedRows(window->logModel()).size(), 1);
    FramingRows::choose(window.get(), FramingRows::parse(u"fixed:4"_s));
    QCOMPARE(window->server()->framing().spec(), u"fixed:4"_s);
    peer.write("abcd"_ba);
    QTRY_COMPARE(receivedRows(window->logModel()).size(), 2);
    const QList<int> rows = receivedRows(window->logModel());
    const QModelIndex modbusRow = window->logModel()->index(rows.at(0));
    QCOMPARE(modbusRow.data().toString(), FramingRows::hex(request));
    QCOMPARE(modbusRow.data(LogModel::FieldRole).toPoint(), QPoint(4, 2));
    QCOMPARE(modbusRow.data(LogModel::SizeTextRole).toString(), u"12 B"_s);
    QVERIFY(!window->logModel()->index(rows.at(1)).data(LogModel::FieldRole).isValid());
    // Painted: the view is shown with both rows (the delegate marks the field).
    auto *view = window->logPanel()->view();
    QVERIFY(!view->grab().isNull());
}

QTEST_MAIN(tst_ServerWindow)
#include "tst_serverwindow.moc"
