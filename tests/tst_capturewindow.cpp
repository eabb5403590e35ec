// SPDX-License-Identifier: MIT
#include <memory>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "capture/capture.h"
#include "logview/logmodel.h"
#include "server/serverwindow.h"
#include "tshark.h"
#include "startedwindow.h"
#include "uitest.h"

using namespace Qt::Literals::StringLiterals;
using namespace UiTest;

namespace {

bool hasTshark()
{
    return Tshark::available();
}
using Tshark::follow;
using Followed = Tshark::Stream;
QByteArray tshark(const QStringList &arguments, int *exitCode = nullptr)
{
    return Tshark::run(arguments, exitCode);
}

/** A client on a real socket that keeps what it receives. */
struct Peer {
    QTcpSocket socket;
    QByteArray received;

    explicit Peer(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
};

QString statusMessage(const ServerWindow &window)
{
    return window.statusBar()->currentMessage();
}

} // namespace

/** The server window's Capture button and --capture (issue 16): files Wireshark's reader follows. */
class tst_CaptureWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void captureHoldsWhatEachClientSent();
    void buttonAsksForAFileInTheLastFolderAndToggles();
    void fullDiskStopsTheCaptureNotTheServer();
    void sizeLimitTurnsTheButtonOff();
    void commandLineCaptureStartsAtLaunchAndEndsWithTheServer();
    void closingTheWindowFinishesTheFile();
    void destroyingTheWindowWhileCapturing();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

void tst_CaptureWindow::initTestCase()
{
    isolateSettings(u"tst_capturewindow"_s);
    QVERIFY(m_dir.isValid());
}

void tst_CaptureWindow::init()
{
    QSettings().clear();
}

void tst_CaptureWindow::cleanup()
{
    closeFileDialogs();
}

void tst_CaptureWindow::captureHoldsWhatEachClientSent()
{
    if (!hasTshark())
        QSKIP("tshark is not installed (apt-get install tshark)");
    auto window = startedServerWindow();
    QVERIFY(window);
    const quint16 port = window->server()->serverPort();
    auto *status = child<QLabel>(window.get(), "statusCapture");
    auto *button = child<QPushButton>(window.get(), "captureButton");
    QVERIFY(!status->isVisibleTo(window.get()));
    QVERIFY(!button->isChecked());

    const QString file = path(u"two-clients.pcapng"_s);
    QVERIFY(window->startCapture(file));
    QVERIFY(window->capture()->isRunning());
    QVERIFY(button->isChecked());
    QVERIFY(button->toolTip().contains(file));
    QVERIFY(status->isVisibleTo(window.get()));
    QVERIFY2(status->text().startsWith(u"Capturing to two-clients.pcapng · "_s), qPrintable(status->text()));
    QTRY_VERIFY(hasRow(window->logModel(), u"Capture: writing %1 (pcapng)"_s.arg(file)));

    // Client 0 first, accepted before client 1: stream 0 of the file is its.
    Peer zero(port);
    QTRY_COMPARE(window->server()->clientCount(), 1);
    Peer one(port);
    QTRY_COMPARE(window->server()->clientCount(), 2);
    const QString before = status->text();
    zero.socket.write("hello from zero\n");
    QTRY_VERIFY(one.received.contains("hello from zero\n"));
    one.socket.write("reply from one\n");
    QTRY_VERIFY(zero.received.contains("reply from one\n"));
    // The sample timer shows the file growing.
    QTRY_VERIFY2(status->text() != before, qPrintable(status->text()));
    QVERIFY(status->text().startsWith(u"Capturing to two-clients.pcapng · "_s));

    zero.socket.disconnectFromHost();
    one.socket.disconnectFromHost();
    QTRY_COMPARE(window->server()->clientCount(), 0);
    window->stopCapture();
    QVERIFY(!window->capture()->isRunning());
    QVERIFY(!button->isChecked());
    QVERIFY(!status->isVisibleTo(window.get()));
    const qint64 bytes = window->capture()->bytesWritten();
    QCOMPARE(QFileInfo(file).size(), bytes);
    QTRY_VERIFY(hasRow(window->logModel(), u"Capture: stopped %1 at %2 bytes"_s.arg(file, QLocale().toString(bytes))));

    const Followed first = follow(file, 0);
    QVERIFY2(first.fromClient.contains("hello from zero\n"), first.fromClient.toHex(' ').constData());
    QVERIFY2(!first.fromClient.contains("reply from one"), first.fromClient.constData());
    QVERIFY2(first.fromServer.contains("reply from one\n"), first.fromServer.constData());
    const Followed second = follow(file, 1);
    QVERIFY2(second.fromClient.contains("reply from one\n"), second.fromClient.constData());
}

void tst_CaptureWindow::buttonAsksForAFileInTheLastFolderAndToggles()
{
    const QString folder = path(u"remembered"_s);
    QVERIFY(QDir().mkpath(folder));
    QSettings().setValue(u"files/lastCaptureDirectory"_s, folder);
    auto window = startedServerWindow();
    QVERIFY(window);
    auto *button = child<QPushButton>(window.get(), "captureButton");
    auto *action = child<QAction>(window.get(), "captureAction");
    QVERIFY(button->toolTip().contains(u"pcapng"_s));

    QTest::keyClick(window.get(), Qt::Key_F7);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"captureFileDialog"_s)) && dialog->isVisible());
    QVERIFY(dialog->windowModality() != Qt::ApplicationModal);   // open(), not exec(): nothing else waits for it
    QVERIFY(!button->isChecked());   // nothing is written before a file is chosen
    QVERIFY(!window->capture());
    QCOMPARE(dialog->nameFilters(), QStringList({ u"pcapng (*.pcapng)"_s, u"pcap (*.pcap)"_s }));
    QCOMPARE(QDir(dialog->directory()).absolutePath(), QDir(folder).absolutePath());
    const QString offered = dialog->selectedFiles().value(0);
    QCOMPARE(QFileInfo(offered).absolutePath(), QDir(folder).absolutePath());
    QVERIFY2(QRegularExpression(u"^spreadsite-\\d{8}-\\d{6}\\.pcapng$"_s).match(QFileInfo(offered).fileName()).hasMatch(),
             qPrintable(offered));

    // The other filter: the name's ending follows it.
    auto *types = dialog->findChild<QComboBox *>(u"fileTypeCombo"_s);
    QVERIFY(types);
    types->setFocus();
    QTest::keyClick(types, Qt::Key_Down);
    QCOMPARE(dialog->selectedNameFilter(), u"pcap (*.pcap)"_s);
    QVERIFY2(dialog->selectedFiles().value(0).endsWith(u".pcap"_s), qPrintable(dialog->selectedFiles().value(0)));

    // A second press while the dialog is open asks nothing more.
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(window->findChildren<QFileDialog *>().size(), 1);
    QVERIFY(!button->isChecked());

    const QString other = path(u"elsewhere"_s);
    QVERIFY(QDir().mkpath(other));
    const QString file = QDir(other).filePath(u"chosen.pcap"_s);
    dialog->selectFile(file);
    static_cast<QDialog *>(dialog)->accept();
    QTRY_VERIFY(window->capture() && window->capture()->isRunning());
    QCOMPARE(window->capture()->fileName(), file);
    QCOMPARE(window->capture()->format(), CaptureFile::Format::Pcap);
    QVERIFY(button->isChecked());
    QVERIFY(action->isChecked());
    QCOMPARE(QSettings().value(u"files/lastCaptureDirectory"_s).toString(), QDir(other).absolutePath());

    // Pressed again: stopped, and said where and how much.
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!window->capture()->isRunning());
    QVERIFY(!button->isChecked());
    QVERIFY(!action->isChecked());
    QVERIFY(QFile::exists(file));
    QVERIFY2(statusMessage(*window).contains(u"chosen.pcap"_s), qPrintable(statusMessage(*window)));
    QTRY_VERIFY(hasRow(window->logModel(), u"Capture: stopped %1 at"_s.arg(file)));
    // And the next press asks again, in the folder used last.
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY((dialog = window->findChild<QFileDialog *>(u"captureFileDialog"_s)) && dialog->isVisible());
    QCOMPARE(QDir(dialog->directory()).absolutePath(), QDir(other).absolutePath());
    dialog->reject();
    QVERIFY(!button->isChecked());
}

void tst_CaptureWindow::fullDiskStopsTheCaptureNotTheServer()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    const quint16 port = window->server()->serverPort();
    auto *button = child<QPushButton>(window.get(), "captureButton");
    auto *status = child<QLabel>(window.get(), "statusCapture");

    // The header may fail at once (start says so) or with the first frames (the capture stops itself).
    if (window->startCapture(u"/dev/full"_s)) {
        QCOMPARE(window->capture()->format(), CaptureFile::Format::Pcapng);
        QVERIFY(button->isChecked());
        Peer first(port);
        QTRY_COMPARE(window->server()->clientCount(), 1);
        first.socket.write("filling the disk\n");
        QTRY_VERIFY(!window->capture()->isRunning());
        QVERIFY2(window->capture()->errorString().contains(u"No space left"_s), qPrintable(window->capture()->errorString()));
        QTRY_VERIFY(hasRow(window->logModel(), u"Capture: stopped /dev/full at"_s));
        first.socket.disconnectFromHost();
        QTRY_COMPARE(window->server()->clientCount(), 0);
    } else {
        QVERIFY(!window->capture()->isRunning());
    }
    QVERIFY(window->capture()->errorString().contains(u"No space left"_s));
    QVERIFY2(statusMessage(*window).contains(u"No space left"_s), qPrintable(statusMessage(*window)));
    QTRY_VERIFY(hasRow(window->logModel(), u"No space left"_s));
    QVERIFY(!button->isChecked());
    QVERIFY(!status->isVisibleTo(window.get()));

    // The server goes on: clients connect and are relayed to as before.
    QVERIFY(window->server()->isListening());
    Peer a(port);
    QTRY_COMPARE(window->server()->clientCount(), 1);
    Peer b(port);
    QTRY_COMPARE(window->server()->clientCount(), 2);
    a.socket.write("still serving\n");
    QTRY_VERIFY(b.received.contains("still serving\n"));
}

void tst_CaptureWindow::sizeLimitTurnsTheButtonOff()
{
    ServerOptions options;
    options.captureMaxBytes = Limits::CaptureMaxBytes.minimum;
    auto window = startedServerWindow(options);
    QVERIFY(window);
    const quint16 port = window->server()->serverPort();
    auto *button = child<QPushButton>(window.get(), "captureButton");
    auto *status = child<QLabel>(window.get(), "statusCapture");
    const QString file = path(u"limited.pcapng"_s);
    QVERIFY(window->startCapture(file));
    QVERIFY(button->isChecked());

    Peer a(port);
    QTRY_COMPARE(window->server()->clientCount(), 1);
    Peer b(port);
    QTRY_COMPARE(window->server()->clientCount(), 2);
    const QByteArray line = QByteArray(1000, 'x') + '\n';
    for (int i = 0; i < 8; ++i)
        a.socket.write(line);
    QTRY_VERIFY(!window->capture()->isRunning());
    QVERIFY(!button->isChecked());
    QVERIFY(!child<QAction>(window.get(), "captureAction")->isChecked());
    QVERIFY(!status->isVisibleTo(window.get()));
    QVERIFY2(statusMessage(*window).contains(u"size limit"_s), qPrintable(statusMessage(*window)));
    QTRY_VERIFY(hasRow(window->logModel(), u"reached its size limit"_s));
    QVERIFY(QFileInfo(file).size() <= Limits::CaptureMaxBytes.minimum);

    // The server did not stop with it.
    QTRY_COMPARE(b.received.count(line), 8);
    b.socket.write("after the limit\n");
    QTRY_VERIFY(a.received.contains("after the limit\n"));
    QVERIFY(window->server()->isListening());
}

void tst_CaptureWindow::commandLineCaptureStartsAtLaunchAndEndsWithTheServer()
{
    ServerOptions options;
    options.captureFile = path(u"launch.pcap"_s);
    auto window = std::make_unique<ServerWindow>(options);
    QVERIFY(!window->capture());   // not before it listens: the file names the port
    window.reset();
    window = startedServerWindow(options);
    QVERIFY(window);
    QVERIFY(window->capture() && window->capture()->isRunning());
    QCOMPARE(window->capture()->fileName(), options.captureFile);
    QCOMPARE(window->capture()->format(), CaptureFile::Format::Pcap);
    QVERIFY(child<QPushButton>(window.get(), "captureButton")->isChecked());
    QVERIFY(child<QLabel>(window.get(), "statusCapture")->text().startsWith(u"Capturing to launch.pcap · "_s));
    QTRY_VERIFY(hasRow(window->logModel(), u"Capture: writing %1 (pcap)"_s.arg(options.captureFile)));

    Peer peer(window->server()->serverPort());
    QTRY_COMPARE(window->server()->clientCount(), 1);
    peer.socket.write("at launch\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"at launch"_s));
    // Stopping the server ends the capture once every client is closed: their ends are in the file.
    window->stop();
    QTRY_VERIFY(!window->server()->isListening() && window->server()->clientCount() == 0);
    QTRY_VERIFY(!window->capture()->isRunning());
    QVERIFY(!child<QPushButton>(window.get(), "captureButton")->isChecked());
    // A restart does not capture again by itself.
    QTest::mouseClick(child<QPushButton>(window.get(), "startButton"), Qt::LeftButton);
    QVERIFY(window->server()->isListening());
    QVERIFY(!window->capture()->isRunning());

    if (!hasTshark())
        QSKIP("tshark is not installed (apt-get install tshark)");
    const Followed followed = follow(options.captureFile, 0);
    QVERIFY2(followed.fromClient.contains("at launch\n"), followed.fromClient.constData());
    // The server's close is in it: a FIN from each side.
    int exitCode = -1;
    const QByteArray fins = tshark({ u"-r"_s, options.captureFile, u"-Y"_s, u"tcp.flags.fin == 1"_s }, &exitCode);
    QCOMPARE(exitCode, 0);
    QCOMPARE(fins.trimmed().split('\n').size(), 2);
}

void tst_CaptureWindow::closingTheWindowFinishesTheFile()
{
    auto window = startedServerWindow();
    QVERIFY(window);
    const QString file = path(u"closed.pcapng"_s);
    QVERIFY(window->startCapture(file));
    const quint16 port = window->server()->serverPort();
    Peer peer(port);
    QTRY_COMPARE(window->server()->clientCount(), 1);
    peer.socket.write("before closing\n");
    QTRY_VERIFY(hasRow(window->logModel(), u"before closing"_s));
    QVERIFY(window->close());
    QVERIFY(!window->capture()->isRunning());
    const qint64 bytes = window->capture()->bytesWritten();
    QCOMPARE(QFileInfo(file).size(), bytes);
    // The window goes with a client still connected and the capture set aside: nothing of it is used after.
    window.reset();
    QCOMPARE(QFileInfo(file).size(), bytes);

    if (!hasTshark())
        QSKIP("tshark is not installed (apt-get install tshark)");
    const Followed followed = follow(file, 0);
    QVERIFY2(followed.fromClient.contains("before closing\n"), followed.fromClient.constData());
    // The client's stream ends as its connection did: the server closed it, with its reason.
    const QByteArray fins = tshark({ u"-r"_s, file, u"-Y"_s, u"tcp.flags.fin == 1 && tcp.srcport == %1"_s.arg(port),
                                     u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(fins.contains("server stopped"), fins.constData());
}

void tst_CaptureWindow::destroyingTheWindowWhileCapturing()
{
    // Not closed first: the destructor takes the capture from the server before either goes.
    const QString file = path(u"destroyed.pcapng"_s);
    quint16 port = 0;
    {
        auto window = startedServerWindow();
        QVERIFY(window);
        QVERIFY(window->startCapture(file));
        port = window->server()->serverPort();
        Peer peer(port);
        QTRY_COMPARE(window->server()->clientCount(), 1);
        peer.socket.write("until the end\n");
        QTRY_VERIFY(hasRow(window->logModel(), u"until the end"_s));
        window.reset();
        QTRY_VERIFY(peer.socket.state() == QAbstractSocket::UnconnectedState);
    }
    QVERIFY(QFileInfo(file).size() > 0);
    if (!hasTshark())
        QSKIP("tshark is not installed (apt-get install tshark)");
    const Followed followed = follow(file, 0);
    QVERIFY2(followed.fromClient.contains("until the end\n"), followed.fromClient.constData());
    const QByteArray fins = tshark({ u"-r"_s, file, u"-Y"_s, u"tcp.flags.fin == 1 && tcp.srcport == %1"_s.arg(port),
                                     u"-T"_s, u"fields"_s, u"-e"_s, u"frame.comment"_s });
    QVERIFY2(fins.contains("server stopped"), fins.constData());
}

QTEST_MAIN(tst_CaptureWindow)
#include "tst_capturewindow.moc"
