// SPDX-License-Identifier: MIT
#include <memory>

#include <QAbstractItemModelTester>
#include <QAction>
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
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "client/clientwindow.h"
#include "saved/savedmessagesmodel.h"
#include "saved/savedmessagespanel.h"
#include "server/clienttablemodel.h"
#include "server/serverwindow.h"
#include "testpeer.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

namespace {
/** CRC-16/MODBUS written out here, bit by bit, to check the template's {crc16-modbus} against. */
quint16 modbusCrc(QByteArrayView bytes)
{
    quint16 crc = 0xffff;
    for (char byte : bytes) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? quint16((crc >> 1) ^ 0xa001) : quint16(crc >> 1);
    }
    return crc;
}

SavedMessage message(const QString &name, const QString &text, int repeat = 1, int intervalMs = 1000, bool hex = false)
{
    SavedMessage m;
    m.name = name;
    m.text = text;
    m.hex = hex;
    m.repeat = repeat;
    m.intervalMs = intervalMs;
    return m;
}

/** What a raw peer of the client window received: the bytes, as they came. */
class RawServer : public QObject
{
public:
    RawServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            m_socket.reset(m_server.nextPendingConnection());
            connect(m_socket.get(), &QIODevice::readyRead, this, [this] { m_received += m_socket->readAll(); });
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    bool hasPeer() const { return m_socket != nullptr; }
    const QByteArray &received() const { return m_received; }

private:
    QTcpServer m_server;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_received;
};
} // namespace

class tst_SavedMessages : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void hexMessageWithModbusCrcReachesARawPeer();
    void ctrl3SendsTheThirdMessage();
    void repeatsSendCountersInOrderThenGoOn();
    void stopEndsASequence();
    void serverSendsToTheSelectedClientOnly();
    void clientTokenFromServerComposeGivesEachItsId();
    void invalidTemplateRefusedWhereTyped_data();
    void invalidTemplateRefusedWhereTyped();
    void clientWindowRefusesClientToken();
    void periodicTemplateErrorShownAsTyped();
    void importExportRoundTrip();
    void badImportChangesNothing();
    void listSurvivesARestart();
    void editingMovesAndRemovesRows();

private:
    std::unique_ptr<ServerWindow> startedServer();
    /** A client window shown, its saved messages shown, connected to @p port on 127.0.0.1. */
    std::unique_ptr<ClientWindow> connectedClient(quint16 port);
    /** The panel's editor: select @p row, type the text, tick hex as asked. */
    void edit(SavedMessagesPanel *panel, int row, const QString &text, bool hex = false);

    QTemporaryDir m_dir;
};

void tst_SavedMessages::initTestCase()
{
    isolateSettings(u"tst_savedmessages"_s);
    QVERIFY(m_dir.isValid());
}

void tst_SavedMessages::init()
{
    QSettings().clear();
}

void tst_SavedMessages::cleanup()
{
    closeFileDialogs();
}

std::unique_ptr<ServerWindow> tst_SavedMessages::startedServer()
{
    ServerOptions options;
    options.bind = QHostAddress(QHostAddress::LocalHost);
    options.port = 0;
    options.explicitlySet = { u"bind"_s, u"port"_s };
    auto window = std::make_unique<ServerWindow>(options);
    window->clientModel()->setRefreshInterval(30);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()) || !window->start())
        return nullptr;
    return window;
}

std::unique_ptr<ClientWindow> tst_SavedMessages::connectedClient(quint16 port)
{
    ClientOptions options;
    options.host = u"127.0.0.1"_s;
    options.port = port;
    options.periodic = false;
    options.explicitlySet = { u"host"_s, u"port"_s, u"no-periodic"_s };
    auto window = std::make_unique<ClientWindow>(options);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    auto *show = child<QAction>(window.get(), "savedMessagesAction");
    if (!show->isChecked())
        show->trigger();
    QTest::mouseClick(child<QPushButton>(window.get(), "connectButton"), Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return window->statusText() == u"Connected..."_s; }, 5000))
        return nullptr;
    return window;
}

void tst_SavedMessages::edit(SavedMessagesPanel *panel, int row, const QString &text, bool hex)
{
    panel->setCurrentRow(row);
    auto *hexCheck = child<QCheckBox>(panel, "savedHexCheck");
    if (hexCheck->isChecked() != hex)
        QTest::mouseClick(hexCheck, Qt::LeftButton);
    typeInto(child<QLineEdit>(panel, "savedTextEdit"), text);
}

void tst_SavedMessages::hexMessageWithModbusCrcReachesARawPeer()
{
    // The CRC the template must append, worked out here: the classic example's C5 CD, low byte first.
    const QByteArray request = QByteArray::fromHex("01030000000a");
    QCOMPARE(modbusCrc(request), quint16(0xcdc5));
    const QByteArray expected = request + char(0xc5) + char(0xcd);

    RawServer server;
    auto window = connectedClient(server.port());
    QVERIFY(window);
    QTRY_VERIFY(server.hasPeer());
    // No line ending: the frame is exactly the Modbus request.
    auto *ending = child<QComboBox>(window.get(), "lineEndingCombo");
    ending->setCurrentIndex(ending->findData(u"none"_s));

    SavedMessagesPanel *panel = window->savedMessagesPanel();
    QVERIFY(panel->isVisible());
    QTest::mouseClick(child<QPushButton>(panel, "savedAddButton"), Qt::LeftButton);
    QCOMPARE(panel->model()->rowCount(), 1);
    typeInto(child<QLineEdit>(panel, "savedNameEdit"), u"poll"_s);
    edit(panel, 0, u"01 03 00 00 00 0a {crc16-modbus}"_s, true);
    QVERIFY(!child<QLabel>(panel, "savedProblemLabel")->isVisible());
    QCOMPARE(panel->messages().constFirst(), message(u"poll"_s, u"01 03 00 00 00 0a {crc16-modbus}"_s, 1, 1000, true));
    QTest::mouseClick(child<QPushButton>(panel, "savedSendButton"), Qt::LeftButton);
    QTRY_COMPARE(server.received(), expected);
}

void tst_SavedMessages::ctrl3SendsTheThirdMessage()
{
    RawServer server;
    auto window = connectedClient(server.port());
    QVERIFY(window);
    QTRY_VERIFY(server.hasPeer());
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    panel->setMessages({ message(u"a"_s, u"one"_s), message(u"b"_s, u"two"_s), message(u"c"_s, u"three"_s) });
    QCOMPARE(panel->model()->index(2, SavedMessagesModel::ShortcutColumn).data().toString(), u"Ctrl+3"_s);
    QCOMPARE(panel->model()->index(0, SavedMessagesModel::ShortcutColumn).data().toString(), u"Ctrl+1"_s);
    // From wherever the focus is: here, the compose line.
    child<QLineEdit>(window.get(), "composeEdit")->setFocus();
    QTest::keyClick(window.get(), Qt::Key_3, Qt::ControlModifier);
    QTRY_COMPARE(server.received(), "three\n"_ba);
    // Nothing else went: Ctrl+1's message comes right after it.
    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(server.received(), "three\none\n"_ba);
}

void tst_SavedMessages::repeatsSendCountersInOrderThenGoOn()
{
    RawServer server;
    auto window = connectedClient(server.port());
    QVERIFY(window);
    QTRY_VERIFY(server.hasPeer());
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    panel->setMessages({ message(u"tick"_s, u"tick {counter}"_s), message(u"other"_s, u"other {counter}"_s) });
    panel->setCurrentRow(0);
    typeInto(child<QSpinBox>(panel, "savedRepeatSpin"), u"3"_s);
    typeInto(child<QSpinBox>(panel, "savedIntervalSpin"), u"50"_s);
    QCOMPARE(panel->messages().constFirst().repeat, 3);
    QCOMPARE(panel->messages().constFirst().intervalMs, 50);
    QCOMPARE(panel->model()->index(0, SavedMessagesModel::RepeatColumn).data().toString(), u"× 3"_s);

    QSignalSpy status(panel, &SavedMessagesPanel::statusMessagePosted);
    QTest::mouseClick(child<QPushButton>(panel, "savedSendButton"), Qt::LeftButton);
    QVERIFY(panel->isSending());
    QVERIFY(child<QPushButton>(panel, "savedStopButton")->isVisible());
    // One sequence at a time: another message waits until it is done.
    QVERIFY(!panel->sendRow(1));
    QTRY_VERIFY(!panel->isSending());
    QTRY_COMPARE(server.received(), "tick 1\ntick 2\ntick 3\n"_ba);
    QVERIFY(!child<QPushButton>(panel, "savedStopButton")->isVisible());
    QCOMPARE(status.constLast().constFirst().toString(), u"Sent “tick” 3 times"_s);

    // Each message keeps its own counter: tick goes on from 3, other starts at 1.
    QVERIFY(panel->sendRow(1));
    panel->setCurrentRow(0);
    typeInto(child<QSpinBox>(panel, "savedRepeatSpin"), u"1"_s);
    QVERIFY(panel->sendRow(0));
    QTRY_COMPARE(server.received(), "tick 1\ntick 2\ntick 3\nother 1\ntick 4\n"_ba);
}

void tst_SavedMessages::stopEndsASequence()
{
    RawServer server;
    auto window = connectedClient(server.port());
    QVERIFY(window);
    QTRY_VERIFY(server.hasPeer());
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    panel->setMessages({ message(u"slow"_s, u"slow {counter}"_s, 100, 60000), message(u"marker"_s, u"marker"_s) });
    QVERIFY(panel->sendRow(0));
    QTRY_COMPARE(server.received(), "slow 1\n"_ba);   // the first goes at once, the next in a minute
    QTest::mouseClick(child<QPushButton>(panel, "savedStopButton"), Qt::LeftButton);
    QVERIFY(!panel->isSending());
    QVERIFY(panel->sendRow(1));
    QTRY_COMPARE(server.received(), "slow 1\nmarker\n"_ba);
}

void tst_SavedMessages::serverSendsToTheSelectedClientOnly()
{
    auto window = startedServer();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    QVERIFY(a.waitReady());
    TestPeer b(window->server()->serverPort());
    QVERIFY(b.waitReady());
    auto *view = child<QTableView>(window.get(), "clientView");
    QTRY_COMPARE(view->model()->rowCount(), 2);
    clickRow(view, 0);   // a, the first to connect
    QCOMPARE(window->selectedClients().size(), 1);
    auto *target = child<QComboBox>(window.get(), "targetCombo");
    target->setCurrentIndex(1);   // to the selected clients, as the compose bar says

    SavedMessagesPanel *panel = window->savedMessagesPanel();
    QCOMPARE(child<QLabel>(panel, "savedTargetLabel")->text(), u"To selected clients (1)"_s);
    panel->setMessages({ message(u"private"_s, u"just for #{client}"_s) });
    QVERIFY(panel->sendRow(0));
    const QByteArray forA = "just for #"_ba + QByteArray::number(window->selectedClients().constFirst());
    QTRY_VERIFY(a.hasLine(forA));
    // b got nothing: a marker to all arrives with only the welcome before it.
    target->setCurrentIndex(0);
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"marker"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(b.hasLine("marker"));
    QCOMPARE(b.lines().size(), 2);
    QTRY_VERIFY(a.hasLine("marker"));
    QCOMPARE(a.lines().size(), 3);
}

void tst_SavedMessages::clientTokenFromServerComposeGivesEachItsId()
{
    auto window = startedServer();
    QVERIFY(window);
    TestPeer a(window->server()->serverPort());
    QVERIFY(a.waitReady());
    TestPeer b(window->server()->serverPort());
    QVERIFY(b.waitReady());
    QTRY_COMPARE(window->server()->clientCount(), 2);
    const auto idOf = [&](TestPeer &peer) {
        const QList<SpreadServer::ClientId> ids = window->server()->clients();
        for (SpreadServer::ClientId id : ids) {
            if (window->server()->clientInfo(id).port == peer.socket().localPort())
                return id;
        }
        return SpreadServer::ClientId(0);
    };
    const SpreadServer::ClientId idA = idOf(a);
    const SpreadServer::ClientId idB = idOf(b);
    QVERIFY(idA != 0 && idB != 0 && idA != idB);

    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    QTest::keyClicks(compose, u"you are #{client}, message {counter}"_s);
    QVERIFY(!child<QLabel>(window.get(), "composeProblemLabel")->isVisible());
    QTest::keyClick(compose, Qt::Key_Return);
    QVERIFY(compose->text().isEmpty());
    QTRY_VERIFY(a.hasLine("you are #"_ba + QByteArray::number(idA) + ", message 1"_ba));
    QTRY_VERIFY(b.hasLine("you are #"_ba + QByteArray::number(idB) + ", message 1"_ba));
    // The compose line counts its own messages.
    QTest::keyClicks(compose, u"again {counter}"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(a.hasLine("again 2"));
    QTRY_VERIFY(b.hasLine("again 2"));
}

void tst_SavedMessages::invalidTemplateRefusedWhereTyped_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::addRow("random-reversed") << u"roll {random:9-1}"_s << u"{random:9-1}"_s;
    QTest::addRow("unknown-token") << u"hello {nosuch}"_s << u"{nosuch}"_s;
}

void tst_SavedMessages::invalidTemplateRefusedWhereTyped()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    auto window = startedServer();
    QVERIFY(window);
    TestPeer peer(window->server()->serverPort());
    QVERIFY(peer.waitReady());
    QTRY_COMPARE(window->server()->clientCount(), 1);

    // The compose line: the reason under it as it is typed, and Enter sends nothing.
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    auto *problem = child<QLabel>(window.get(), "composeProblemLabel");
    QTest::keyClicks(compose, text);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(reason), qPrintable(problem->text()));
    QTest::keyClick(compose, Qt::Key_Return);
    QCOMPARE(compose->text(), text);   // kept for fixing

    // A saved message: the reason under the editor, no Send, and its key does nothing.
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    panel->setMessages({ message(u"ok"_s, u"fine"_s) });
    edit(panel, 0, text);
    auto *savedProblem = child<QLabel>(panel, "savedProblemLabel");
    QVERIFY(!savedProblem->text().isEmpty());
    QVERIFY2(savedProblem->text().contains(reason), qPrintable(savedProblem->text()));
    QVERIFY(!child<QPushButton>(panel, "savedSendButton")->isEnabled());
    QVERIFY(!panel->model()->index(0, 0).data(SavedMessagesModel::ProblemRole).toString().isEmpty());
    QVERIFY(!panel->sendRow(0));
    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    QVERIFY(window->statusBar()->currentMessage().contains(reason));

    // Nothing of it went: the marker is the first line after the welcome.
    compose->clear();
    QTest::keyClicks(compose, u"marker"_s);
    QVERIFY(!problem->isVisible());
    QTest::keyClick(compose, Qt::Key_Return);
    QTRY_VERIFY(peer.hasLine("marker"));
    QCOMPARE(peer.lines().size(), 2);

    // Fixed, it sends.
    edit(panel, 0, u"fixed {counter}"_s);
    QVERIFY(savedProblem->text().isEmpty());
    QVERIFY(child<QPushButton>(panel, "savedSendButton")->isEnabled());
    QVERIFY(panel->sendRow(0));
    QTRY_VERIFY(peer.hasLine("fixed 1"));
}

void tst_SavedMessages::clientWindowRefusesClientToken()
{
    RawServer server;
    auto window = connectedClient(server.port());
    QVERIFY(window);
    QTRY_VERIFY(server.hasPeer());
    auto *compose = child<QLineEdit>(window.get(), "composeEdit");
    auto *problem = child<QLabel>(window.get(), "composeProblemLabel");
    QTest::keyClicks(compose, u"I am {client}"_s);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(MessageTemplate::noClientHere()), qPrintable(problem->text()));
    QTest::keyClick(compose, Qt::Key_Return);
    QCOMPARE(compose->text(), u"I am {client}"_s);

    SavedMessagesPanel *panel = window->savedMessagesPanel();
    panel->setMessages({ message(u"who"_s, u"I am {client}"_s), message(u"seed"_s, u"%1 #{counter}"_s) });
    QVERIFY(panel->model()->index(0, 0).data(SavedMessagesModel::ProblemRole).toString() == MessageTemplate::noClientHere());
    QVERIFY(!panel->sendRow(0));
    // The client's syntax is the seed's: %1 is the program name.
    window->client()->setProgramName(u"probe"_s);
    QVERIFY(panel->sendRow(1));
    QTRY_COMPARE(server.received(), "probe #1\n"_ba);
}

void tst_SavedMessages::periodicTemplateErrorShownAsTyped()
{
    ClientOptions options;
    options.periodic = false;
    options.explicitlySet = { u"no-periodic"_s };
    ClientWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *edit = child<QLineEdit>(&window, "templateEdit");
    auto *problem = child<QLabel>(&window, "templateProblemLabel");
    QVERIFY(!problem->isVisible());
    typeInto(edit, u"tick {random:9-1}"_s);
    QVERIFY(problem->isVisible());
    QVERIFY(!window.client()->templateError().isEmpty());
    QVERIFY2(problem->text().contains(window.client()->templateError()), qPrintable(problem->text()));
    typeInto(edit, u"tick {counter} %2"_s);
    QVERIFY(!problem->isVisible());
    QVERIFY(window.client()->templateError().isEmpty());
}

void tst_SavedMessages::importExportRoundTrip()
{
    auto window = startedServer();
    QVERIFY(window);
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    const QList<SavedMessage> list = { message(u"poll"_s, u"01 03 00 00 00 0a {crc16-modbus}"_s, 3, 500, true),
                                       message(u"hello"_s, u"hello #{counter} at {time}"_s),
                                       message(u"json"_s, uR"({"a":1})"_s, 2, 0) };
    panel->setMessages(list);

    // Export… through its dialog, as a user would.
    window->findChild<QTabWidget *>(u"settingsTabs"_s)->setCurrentWidget(window->findChild<QWidget *>(u"savedMessagesPage"_s));
    QTest::mouseClick(child<QPushButton>(panel, "savedExportButton"), Qt::LeftButton);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"exportSavedDialog"_s)) && dialog->isVisible());
    const QString path = m_dir.filePath(u"saved.json"_s);
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();
    QTRY_VERIFY(QFile::exists(path));
    // The file is what lib reads: echo-client --send-file takes the same.
    QString error;
    const auto loaded = SavedMessages::load(path, MessageTemplate::Syntax::Plain, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(*loaded, list);

    // Import… adds them to the list.
    panel->setMessages({ message(u"first"_s, u"first"_s) });
    QTest::mouseClick(child<QPushButton>(panel, "savedImportButton"), Qt::LeftButton);
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"importSavedDialog"_s)) && dialog->isVisible());
    dialog->selectFile(path);
    static_cast<QDialog *>(dialog)->accept();
    QTRY_COMPARE(panel->messages(), QList<SavedMessage> { message(u"first"_s, u"first"_s) } + list);
    QVERIFY(window->statusBar()->currentMessage().contains(u"Imported 3 messages"_s));
}

void tst_SavedMessages::badImportChangesNothing()
{
    auto window = startedServer();
    QVERIFY(window);
    SavedMessagesPanel *panel = window->savedMessagesPanel();
    const QList<SavedMessage> list = { message(u"keep"_s, u"keep me"_s) };
    panel->setMessages(list);
    const auto write = [&](const QString &name, const QByteArray &bytes) {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return QString();
        return file.fileName();
    };
    // Not JSON at all, and a list with one template that cannot expand: either way nothing is taken.
    for (const QString &path : { write(u"bad.json"_s, "not json ["_ba),
                                 write(u"badtemplate.json"_s, R"([{"name": "ok", "text": "ok"}, {"name": "x", "text": "{nosuch}"}])"_ba) }) {
        QVERIFY(!path.isEmpty());
        QVERIFY(!panel->importFrom(path));
        QVERIFY2(window->statusBar()->currentMessage().startsWith(u"Could not import"_s),
                 qPrintable(window->statusBar()->currentMessage()));
        QCOMPARE(panel->messages(), list);
    }
    QVERIFY(window->statusBar()->currentMessage().contains(u"{nosuch}"_s));
}

void tst_SavedMessages::listSurvivesARestart()
{
    const QList<SavedMessage> serverList = { message(u"s1"_s, u"hello {counter}"_s, 2, 250),
                                             message(u"s2"_s, u"7e 00 01 {xor8}"_s, 1, 1000, true) };
    const QList<SavedMessage> clientList = { message(u"c1"_s, u"%1 says hi"_s) };
    {
        auto server = startedServer();
        QVERIFY(server);
        server->savedMessagesPanel()->setMessages(serverList);
        ClientWindow client;
        client.show();
        QVERIFY(QTest::qWaitForWindowExposed(&client));
        client.savedMessagesPanel()->setMessages(clientList);
        // One being fixed when the window closed comes back as it was typed, refused.
        edit(client.savedMessagesPanel(), 0, u"%1 says {nosuch}"_s);
        client.close();
        server->close();
    }
    auto server = startedServer();
    QVERIFY(server);
    QCOMPARE(server->savedMessagesPanel()->messages(), serverList);
    ClientWindow client;
    QCOMPARE(client.savedMessagesPanel()->messages(), QList<SavedMessage> { message(u"c1"_s, u"%1 says {nosuch}"_s) });
    QVERIFY(!client.savedMessagesPanel()->model()->problem(0).isEmpty());
    QVERIFY(client.findChild<QDockWidget *>(u"savedMessagesDock"_s)->isVisibleTo(&client));
}

void tst_SavedMessages::editingMovesAndRemovesRows()
{
    SavedMessagesPanel panel(MessageTemplate::Syntax::Plain);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QList<QByteArray> sent;
    panel.setSend([&](const MessageTemplate &t, quint64 sequence) {
        MessageTemplate::Context context;
        context.sequence = sequence;
        sent.append(t.expand(context));
        return true;
    });
    auto *add = child<QPushButton>(&panel, "savedAddButton");
    for (const QString &text : { u"a {counter}"_s, u"b"_s, u"c"_s }) {
        QTest::mouseClick(add, Qt::LeftButton);
        typeInto(child<QLineEdit>(&panel, "savedTextEdit"), text);
    }
    QCOMPARE(panel.model()->rowCount(), 3);
    QVERIFY(panel.sendRow(0));
    // Down twice: "a" is third, and keeps its counter.
    panel.setCurrentRow(0);
    QTest::mouseClick(child<QToolButton>(&panel, "savedDownButton"), Qt::LeftButton);
    QTest::mouseClick(child<QToolButton>(&panel, "savedDownButton"), Qt::LeftButton);
    QCOMPARE(panel.currentRow(), 2);
    QCOMPARE(panel.messages().at(2).text, u"a {counter}"_s);
    QCOMPARE(panel.model()->index(2, SavedMessagesModel::ShortcutColumn).data().toString(), u"Ctrl+3"_s);
    QVERIFY(!child<QToolButton>(&panel, "savedDownButton")->isEnabled());
    QTest::keyClick(&panel, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(sent, QList<QByteArray>({ "a 1"_ba, "a 2"_ba }));
    // Double-click sends too.
    const QRect rect = panel.view()->visualRect(panel.model()->index(0, SavedMessagesModel::NameColumn));
    QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(panel.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(sent.constLast(), "b"_ba);
    // Remove takes the selected one; the next moves up to its key.
    panel.setCurrentRow(0);
    QTest::mouseClick(child<QPushButton>(&panel, "savedRemoveButton"), Qt::LeftButton);
    QCOMPARE(panel.model()->rowCount(), 2);
    QCOMPARE(panel.messages().constFirst().text, u"c"_s);
    QCOMPARE(panel.currentRow(), 0);
}

QTEST_MAIN(tst_SavedMessages)
#include "tst_savedmessages.moc"
