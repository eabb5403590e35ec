// SPDX-License-Identifier: MIT
// Drives a short session in the real windows and grabs them as PNG files:
// scripts/screenshots.sh runs it under Xvfb, once per language.
//
// Usage: spread-screenshots OUTPUT_DIR SUFFIX
// writes OUTPUT_DIR/server-SUFFIX.png and OUTPUT_DIR/client-SUFFIX.png,
// OUTPUT_DIR/framing-SUFFIX.png (a Modbus TCP server), OUTPUT_DIR/rules-SUFFIX.png
// (the README's example rules at work), then, where this build has NATS and
// nats-server is installed, joins the server window to a domain with a second
// server and writes OUTPUT_DIR/cluster-SUFFIX.png.
#include <cstdio>

#include <QAbstractItemView>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "core/framing.h"
#include "server/clienttablemodel.h"
#include "client/clientwindow.h"
#include "cluster/clusterbridge.h"
#include "server/clusterpeermodel.h"
#include "natscluster.h"
#include "rules/ruleset.h"
#include "rules/rulespanel.h"
#include "server/serverwindow.h"
#include "startup.h"

using namespace Qt::Literals::StringLiterals;

namespace {
bool waitFor(const std::function<bool()> &condition, int ms = 5000)
{
    return QTest::qWaitFor(condition, ms);
}

void say(ClientWindow *window, const QString &text)
{
    auto *compose = window->findChild<QLineEdit *>(u"composeEdit"_s);
    compose->setText(text);
    QTest::keyClick(compose, Qt::Key_Return);
}

bool save(QWidget *window, const QString &path)
{
    const bool ok = window->grab().save(path);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "could not write", qPrintable(path));
    return ok;
}

// The README's example rules ("Rules, templates and saved messages"), with the
// alarm's "from" on loopback, where the driver's devices connect from.
constexpr char ExampleRules[] = R"json([
  {"name": "ping",   "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1"},
  {"name": "quiet",  "match": {"contains": "password"}, "relay": false},
  {"name": "kick",   "match": {"hex": "ff 01 ?? 00"}, "disconnect": "bad device"},
  {"name": "alarm",  "match": {"regex": "TEMP=(\\d+)"}, "from": "127.0.0.0/8",
   "broadcast": "alarm from {client}: \\1", "tag": "alarm", "delayMs": 100, "continue": true}
])json";

/**
 * A server window with the Rules tab in front, after a tester's PING (answered
 * PONG), a sensor's TEMP=41 (tagged, the alarm broadcast 100 ms later), a
 * password (logged, not relayed) and a bad frame (the device kicked).
 */
bool shootRules(const QString &path)
{
    QString error;
    ServerOptions options;
    options.bind = QHostAddress::LocalHost;
    options.port = 0;
    options.rules = RuleSet::fromJson(QByteArray(ExampleRules), RuleSet::Side::Server, &error);
    if (!options.rules) {
        std::fprintf(stderr, "the example rules do not load: %s\n", qPrintable(error));
        return false;
    }
    options.explicitlySet = { u"port"_s, u"bind"_s, u"rules"_s };
    ServerWindow window(options);
    window.resize(1420, 760);
    window.move(0, 0);
    window.show();
    if (!window.start())
        return false;
    const quint16 port = window.server()->serverPort();
    QTcpSocket tester, sensor, operatorPc, rogue;
    for (QTcpSocket *socket : { &tester, &sensor, &operatorPc, &rogue }) {
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(5000))
            return false;
    }
    if (!waitFor([&] { return window.server()->clientCount() == 4; }))
        return false;
    QTest::qWait(300);
    tester.write("PING 7\n");
    QTest::qWait(300);
    sensor.write("TEMP=41\n");
    QTest::qWait(400);   // the alarm waits 100 ms
    operatorPc.write("login admin, password hunter2\n");
    QTest::qWait(300);
    rogue.write(QByteArray::fromHex("ff010700") + '\n');
    if (!waitFor([&] { return window.server()->clientCount() == 3; }))
        return false;
    QTest::qWait(300);
    tester.write("PING 8\n");
    QTest::qWait(300);
    sensor.write("HUM=38\n");   // no rule: relayed as it came
    QTest::qWait(400);

    // The Rules tab in front, wide enough for the actions; the alarm rule, the
    // one with every field, in the form; a PING being tried.
    auto *tabs = window.findChild<QTabWidget *>(u"settingsTabs"_s);
    tabs->setCurrentWidget(window.findChild<QWidget *>(u"rulesPage"_s));
    window.findChild<QSplitter *>(u"mainSplitter"_s)->setSizes({ 620, window.width() - 620 });
    window.rulesPanel()->findChild<QTableView *>(u"rulesView"_s)->selectRow(3);
    window.rulesPanel()->findChild<QLineEdit *>(u"ruleTryEdit"_s)->setText(u"PING 42"_s);
    QTest::qWait(1200);   // the Hits column refreshes
    return save(&window, path);
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: spread-screenshots OUTPUT_DIR SUFFIX\n");
        return 2;
    }
    const QString outDir = QString::fromLocal8Bit(argv[1]);
    const QString suffix = QString::fromLocal8Bit(argv[2]);
    QDir().mkpath(outDir);

    // Never the user's settings, and always the same starting point.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"SpreadSiteScreenshots"_s);
    QCoreApplication::setApplicationName(u"echo-client"_s);
    QSettings().clear();
    installTranslations();
    QApplication::setWindowIcon(appIcon(u"spread-server"_s));

    ServerOptions serverOptions;
    serverOptions.explicitlySet = { u"port"_s, u"bind"_s };
    ServerWindow server(serverOptions);
    server.resize(1180, 700);
    server.move(0, 0);
    server.show();
    if (!server.start()) {
        // 8007 is taken on this machine: any free port will do.
        server.findChild<QAbstractSpinBox *>(u"portSpin"_s)->setProperty("value", 0);
        if (!server.start())
            return 1;
    }
    const quint16 port = server.server()->serverPort();

    ClientOptions clientOptions;
    clientOptions.port = port;
    clientOptions.intervalMs = 1500;
    clientOptions.explicitlySet = { u"port"_s, u"interval"_s, u"no-periodic"_s };
    ClientWindow alice(clientOptions);
    alice.resize(860, 560);
    alice.move(40, 40);
    alice.show();
    clientOptions.periodic = false;
    ClientWindow bob(clientOptions);
    bob.resize(860, 560);
    bob.show();
    alice.connectToServer();
    bob.connectToServer();
    if (!waitFor([&] { return server.server()->clientCount() == 2; }))
        return 1;

    // A device that speaks without a line ending now and then, and in binary.
    QTcpSocket device;
    device.connectToHost(QHostAddress::LocalHost, port);
    if (!device.waitForConnected(5000))
        return 1;

    // A short session, so that every kind of line is in view at the end.
    QTest::qWait(300);
    for (int i = 0; i < 3; ++i) {
        device.write("TEMP=" + QByteArray::number(23.5 + i * 0.1, 'f', 1) + ";HUM=" + QByteArray::number(41 + i) + '\n');
        QTest::qWait(350);
    }
    say(&bob, u"hi everyone, 大家好"_s);
    QTest::qWait(300);
    device.write("\x02\x10\xff\x03\n");
    QTest::qWait(300);
    say(&alice, u"<b>tags stay text</b> & so do entities"_s);
    QTest::qWait(400);
    auto *compose = server.findChild<QLineEdit *>(u"composeEdit"_s);
    compose->setText(u"server maintenance at 18:00"_s);
    QTest::keyClick(compose, Qt::Key_Return);
    QTest::qWait(300);
    device.write("TEMP=23.9;HUM=42\n");
    QTest::qWait(300);
    say(&bob, u"close enough?"_s);
    QTest::qWait(1300);   // one more periodic line and graph sample

    // One client selected, as when about to send to it or drop it.
    auto *table = server.findChild<QTableView *>(u"clientView"_s);
    table->selectRow(1);
    server.findChild<QLineEdit *>(u"dropReasonEdit"_s)->setText(u"firmware update"_s);
    QTest::qWait(200);

    bool ok = save(&server, u"%1/server-%2.png"_s.arg(outDir, suffix));
    ok = save(&alice, u"%1/client-%2.png"_s.arg(outDir, suffix)) && ok;
    if (!ok)
        return 1;

    // Framing (issue 14): a Modbus TCP server, a master polling a PLC, every frame
    // one bubble with its length field marked, however the bytes arrived.
    {
        ServerOptions modbusOptions;
        modbusOptions.bind = QHostAddress::LocalHost;
        modbusOptions.port = 0;
        modbusOptions.settings.framing = *Framing::parse(u"length:2,offset=4"_s);
        modbusOptions.explicitlySet = { u"port"_s, u"bind"_s, u"framing"_s };
        ServerWindow modbus(modbusOptions);
        modbus.resize(1180, 700);
        modbus.move(0, 0);
        modbus.show();
        if (!modbus.start())
            return 1;
        QTcpSocket master, plc;
        master.connectToHost(QHostAddress::LocalHost, modbus.server()->serverPort());
        plc.connectToHost(QHostAddress::LocalHost, modbus.server()->serverPort());
        if (!waitFor([&] { return modbus.server()->clientCount() == 2; }))
            return 1;
        for (int i = 1; i <= 3; ++i) {
            // Read 3 holding registers from 0x006b; the PLC answers with their values.
            const QByteArray id = QByteArray::fromHex(QByteArray::number(i, 16).rightJustified(4, '0'));
            const QByteArray request = id + QByteArray::fromHex("0000 0006 11 03 006b 0003");
            const QByteArray response = id + QByteArray::fromHex("0000 0009 11 03 06 022b 0000") + char(0x60 + i) + char(0);
            master.write(request.left(5));   // split in its length field: still one frame
            master.flush();
            QTest::qWait(120);
            master.write(request.mid(5));
            QTest::qWait(250);
            plc.write(response);
            QTest::qWait(250);
        }
        QTest::qWait(600);
        if (!save(&modbus, u"%1/framing-%2.png"_s.arg(outDir, suffix)))
            return 1;
    }

    // Rules (issue 15): the README's example rules answer, hide, tag and kick
    // without code. "from" is the loopback subnet here, where the devices are.
    if (!shootRules(u"%1/rules-%2.png"_s.arg(outDir, suffix)))
        return 1;

    // The cluster view: a NATS node, a second server (lib only, as in a
    // console) with two devices of its own, and the window joined to both.
    if (!ClusterBridge::isAvailable() || NatsTest::natsServerBin().isEmpty()) {
        std::fprintf(stderr, "no cluster screenshot: this build has no NATS, or nats-server is not installed\n");
        return 0;
    }
    NatsTest::Node nats;
    if (!nats.start())
        return 1;
    SpreadServer remote;
    if (!remote.listen(QHostAddress::LocalHost, 0))
        return 1;
    ClusterBridge remoteBridge(&remote);
    ClusterBridge::Settings cluster;
    cluster.urls = QStringList { nats.url() };
    cluster.domain = u"plant-7"_s;
    cluster.serverId = u"gateway-2"_s;
    if (!remoteBridge.start(cluster))
        return 1;
    QTcpSocket meter, valve;
    meter.connectToHost(QHostAddress::LocalHost, remote.serverPort());
    valve.connectToHost(QHostAddress::LocalHost, remote.serverPort());
    if (!waitFor([&] { return remote.clientCount() == 2; }))
        return 1;

    server.findChild<QTabWidget *>(u"settingsTabs"_s)->setCurrentIndex(1);
    server.findChild<QTabWidget *>(u"peopleTabs"_s)->setCurrentIndex(1);
    server.findChild<QLineEdit *>(u"natsEdit"_s)->setText(nats.url());
    server.findChild<QLineEdit *>(u"domainEdit"_s)->setText(cluster.domain);
    server.findChild<QLineEdit *>(u"serverIdEdit"_s)->setText(u"gateway-1"_s);
    table->clearSelection();
    if (!server.joinCluster())
        return 1;
    ClusterPeerModel *peers = server.clusterModel();
    const auto clientsOf = [&](const QString &id) {
        const int row = peers->rowOf(id);
        return row < 0 ? -1 : peers->peerAt(row).clients;
    };
    if (!waitFor([&] { return clientsOf(u"gateway-1"_s) == 3 && clientsOf(u"gateway-2"_s) == 2; }, 15000))
        return 1;
    meter.write("FLOW=12.4;TOTAL=88310\n");
    QTest::qWait(300);
    say(&bob, u"valve 3 looks stuck, can someone check?"_s);
    QTest::qWait(300);
    valve.write("VALVE3=CLOSED;FAULT=E17\n");
    QTest::qWait(300);
    meter.write("FLOW=0.0;TOTAL=88310\n");
    QTest::qWait(1300);   // the counters and the graph catch up
    return save(&server, u"%1/cluster-%2.png"_s.arg(outDir, suffix)) ? 0 : 1;
}
