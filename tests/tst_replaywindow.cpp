// SPDX-License-Identifier: MIT
#include <memory>

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "capture/capture.h"
#include "capture/capturereader.h"
#include "capture/replayer.h"
#include "client/clientwindow.h"
#include "core/spreadserver.h"
#include "testpeer.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

namespace {
const QList<QByteArray> LINES = { "one"_ba, "two"_ba, "three"_ba };
}

/** The client window's File → Replay a file... (issue 16): a capture made here replayed to a second server. */
class tst_ReplayWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void replaysTheCaptureInOrder();
    void badFileShowsTheReasonAndStartsNothing();
    void stopEndsASlowReplay();
    void screenshot();

private:
    /** A shown client window for 127.0.0.1:@p port, not connected, nothing periodic. */
    std::unique_ptr<ClientWindow> clientWindow(quint16 port);
    QList<QByteArray> received() const;

    QTemporaryDir m_dir;
    QString m_capturePath;
    std::unique_ptr<SpreadServer> m_server;   // the second server, the replay's
    std::unique_ptr<QSignalSpy> m_received;
};

void tst_ReplayWindow::initTestCase()
{
    isolateSettings(u"tst_replaywindow"_s);
    QVERIFY(m_dir.isValid());
    // The recording: a raw client sending three lines, one at a time, to a first server with the capture on.
    m_capturePath = m_dir.filePath(u"three.pcapng"_s);
    Capture capture;   // before the server: it outlives the server's last session
    SpreadServer first;
    QVERIFY(first.listen(QHostAddress::LocalHost, 0));
    first.setTap(&capture);
    QVERIFY2(capture.start(m_capturePath, 16 * 1024 * 1024, Capture::description(QHostAddress(QHostAddress::LocalHost), first.serverPort())),
             qPrintable(capture.errorString()));
    QSignalSpy got(&first, &SpreadServer::messageReceived);
    {
        TestPeer peer(first.serverPort());
        QTRY_VERIFY(peer.isConnected() && first.clientCount() == 1);
        for (qsizetype i = 0; i < LINES.size(); ++i) {
            peer.write(LINES.at(i) + '\n');
            QTRY_COMPARE(got.size(), i + 1);   // one segment each
        }
        peer.socket().disconnectFromHost();
        QTRY_COMPARE(first.clientCount(), 0);
    }
    capture.stop();
    QString error;
    const std::optional<Recording> recording = CaptureReader::read(m_capturePath, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->ids(), QList<quint64>({ 1 }));
    QCOMPARE(recording->clients.first().chunks.size(), LINES.size());
}

void tst_ReplayWindow::init()
{
    QSettings().clear();
    m_server = std::make_unique<SpreadServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_received = std::make_unique<QSignalSpy>(m_server.get(), &SpreadServer::messageReceived);
}

void tst_ReplayWindow::cleanup()
{
    closeFileDialogs();
    m_received.reset();
    m_server.reset();
}

std::unique_ptr<ClientWindow> tst_ReplayWindow::clientWindow(quint16 port)
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
    return window;
}

QList<QByteArray> tst_ReplayWindow::received() const
{
    QList<QByteArray> messages;
    for (const QList<QVariant> &args : *m_received)
        messages.append(args.at(1).toByteArray());
    return messages;
}

void tst_ReplayWindow::replaysTheCaptureInOrder()
{
    auto window = clientWindow(m_server->serverPort());
    QVERIFY(window);
    auto *action = window->findChild<QAction *>(u"replayAction"_s);
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    ReplayPanel *panel = window->replayPanel();
    QVERIFY(panel->openFile(m_capturePath));   // a file open: the action shows the dock, no file dialog
    action->trigger();
    QTRY_VERIFY(panel->isVisible());

    auto *clients = child<QComboBox>(panel, "replayClientCombo");
    QCOMPARE(clients->count(), 2);   // all, or the one
    QVERIFY2(clients->itemText(1).contains(u"#1"_s), qPrintable(clients->itemText(1)));
    auto *speed = child<QDoubleSpinBox>(panel, "replaySpeedSpin");
    QCOMPARE(speed->value(), 1.0);
    QCOMPARE(speed->maximum(), 1000.0);
    speed->setValue(0);
    clients->setCurrentIndex(1);
    QTest::mouseClick(child<QPushButton>(panel, "replayStartButton"), Qt::LeftButton);

    QTRY_COMPARE(received(), LINES);
    QProgressBar *progress = panel->progressBar();
    QTRY_COMPARE(progress->value(), 3);
    QCOMPARE(progress->maximum(), 3);
    QTRY_VERIFY(!panel->isRunning());
    QVERIFY2(panel->resultText().startsWith(u"Done"_s), qPrintable(panel->resultText()));
    QTRY_COMPARE(m_server->clientCount(), 0);   // closed when all was sent
    // Its own connections: the window's client was never connected.
    QCOMPARE(window->client()->state(), EchoClient::State::Unconnected);
}

void tst_ReplayWindow::badFileShowsTheReasonAndStartsNothing()
{
    const QString path = m_dir.filePath(u"bad.pcapng"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x0a\x0d\x0d\x0a this is no capture");
    file.close();
    QString reason;
    QVERIFY(!CaptureReader::read(path, &reason));
    QVERIFY(!reason.isEmpty());

    QSignalSpy connected(m_server.get(), &SpreadServer::clientConnected);
    auto window = clientWindow(m_server->serverPort());
    QVERIFY(window);
    ReplayPanel *panel = window->replayPanel();
    QSignalSpy finished(panel->replayer(), &Replayer::finished);
    QVERIFY(!window->startReplay(path, 0));
    QVERIFY(panel->isVisible());
    QVERIFY2(panel->resultText().contains(reason), qPrintable(panel->resultText()));
    QVERIFY(child<QLabel>(panel, "replayResult")->isVisible());
    QVERIFY(!child<QPushButton>(panel, "replayStartButton")->isEnabled());
    QVERIFY(!panel->isRunning());
    QVERIFY(!panel->start());
    QVERIFY(!panel->isRunning());
    QCOMPARE(finished.size(), 0);   // never started
    QCOMPARE(connected.size(), 0);

    // A good file after it works again.
    QVERIFY(window->startReplay(m_capturePath, 0));
    QTRY_COMPARE(received(), LINES);
}

void tst_ReplayWindow::stopEndsASlowReplay()
{
    auto window = clientWindow(m_server->serverPort());
    QVERIFY(window);
    ReplayPanel *panel = window->replayPanel();
    auto *stop = child<QPushButton>(panel, "replayStopButton");
    QVERIFY(!stop->isEnabled());
    // Clicked as soon as the first message is out: at 0.01 the next is 100 times its recorded gap away.
    connect(panel->replayer(), &Replayer::progress, stop, [stop](qsizetype sent) {
        if (sent == 1)
            QMetaObject::invokeMethod(stop, [stop] { QTest::mouseClick(stop, Qt::LeftButton); }, Qt::QueuedConnection);
    });
    QSignalSpy finished(panel->replayer(), &Replayer::finished);
    QVERIFY(window->startReplay(m_capturePath, 0.01));
    QVERIFY(panel->isRunning());
    QVERIFY(stop->isEnabled());
    QVERIFY(!child<QPushButton>(panel, "replayStartButton")->isEnabled());

    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!panel->isRunning());
    QCOMPARE(panel->progressBar()->value(), 1);
    QCOMPARE(panel->progressBar()->maximum(), 3);
    QVERIFY2(panel->resultText().contains(u"stopped"_s), qPrintable(panel->resultText()));
    QVERIFY(!stop->isEnabled());
    // Its connection is closed and nothing more came.
    QTRY_COMPARE(m_server->clientCount(), 0);
    QCOMPARE(received(), QList<QByteArray>({ LINES.first() }));
}

void tst_ReplayWindow::screenshot()
{
    const QString path = qEnvironmentVariable("REPLAY_SCREENSHOT");
    if (path.isEmpty())
        QSKIP("set REPLAY_SCREENSHOT=FILE.png to render the window with the replay panel open");
    auto window = clientWindow(m_server->serverPort());
    QVERIFY(window);
    QVERIFY(window->startReplay(m_capturePath, 0));
    QTRY_VERIFY(!window->replayPanel()->isRunning());
    QVERIFY(window->grab().save(path));
}

QTEST_MAIN(tst_ReplayWindow)
#include "tst_replaywindow.moc"
