// SPDX-License-Identifier: MIT
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

#include "server/clientfilterproxy.h"
#include "server/clienttablemodel.h"
#include "testpeer.h"

using namespace Qt::Literals::StringLiterals;

class tst_ClientTableModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsFollowTheServer();
    void countersUpdateLive();
    void rateAndLastMessageColumns();
    void aConnectStormIsInsertedInBatches();
    void onlyRowsThatChangedAreSignalled();
    void theFilterFindsByIdSubnetAndText();
};

namespace {
int rowOfPort(const ClientTableModel &model, quint16 port)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.rowAt(row).port == port)
            return row;
    }
    return -1;
}
} // namespace

void tst_ClientTableModel::rowsFollowTheServer()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientTableModel model(&server);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRefreshInterval(20);   // the tester checks every refresh too
    QCOMPARE(model.columnCount(), int(ClientTableModel::ColumnCount));

    // Each peer is greeted before the next connects, so the order of connection is known.
    std::vector<std::unique_ptr<TestPeer>> peers;
    for (int i = 0; i < 4; ++i) {
        peers.push_back(std::make_unique<TestPeer>(server.serverPort()));
        QVERIFY(peers.back()->waitReady());
    }
    QTRY_COMPARE(model.rowCount(), 4);
    const auto addressOf = [](TestPeer &peer) { return u"127.0.0.1:%1"_s.arg(peer.socket().localPort()); };
    const auto addresses = [&] {
        QStringList column;
        for (int row = 0; row < model.rowCount(); ++row)
            column.append(model.index(row, ClientTableModel::AddressColumn).data().toString());
        return column;
    };
    // Rows are in the order of connection, each showing its own client's id.
    QCOMPARE(addresses(), (QStringList { addressOf(*peers[0]), addressOf(*peers[1]), addressOf(*peers[2]),
                                         addressOf(*peers[3]) }));
    for (int row = 0; row < model.rowCount(); ++row) {
        const SpreadServer::ClientId id = model.index(row, 0).data(ClientTableModel::IdRole).toULongLong();
        QCOMPARE(id, model.clientAt(row));
        QCOMPARE(server.clientInfo(id).port, peers[row]->socket().localPort());
        QCOMPARE(model.index(row, ClientTableModel::IdColumn).data().toString(), u"#%1"_s.arg(id));
        QCOMPARE(model.rowOf(id), row);
    }
    QVERIFY(!model.headerData(ClientTableModel::BytesInColumn, Qt::Horizontal).toString().isEmpty());
    QVERIFY(!model.headerData(ClientTableModel::BytesInColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());

    // A client that leaves takes its row; the others keep their order, and a newcomer goes last.
    peers[1]->socket().disconnectFromHost();
    QTRY_COMPARE(model.rowCount(), 3);
    peers.push_back(std::make_unique<TestPeer>(server.serverPort()));
    QVERIFY(peers.back()->waitReady());
    QTRY_COMPARE(model.rowCount(), 4);
    QCOMPARE(addresses(), (QStringList { addressOf(*peers[0]), addressOf(*peers[2]), addressOf(*peers[3]),
                                         addressOf(*peers[4]) }));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.clientAt(row)), row);
}

void tst_ClientTableModel::countersUpdateLive()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientTableModel model(&server);
    model.setRefreshInterval(20);
    TestPeer talker(server.serverPort());
    TestPeer listener(server.serverPort());
    QVERIFY(talker.waitReady());
    QVERIFY(listener.waitReady());
    QTRY_COMPARE(model.rowCount(), 2);
    talker.write("one\ntwo\nthree\n");
    QTRY_COMPARE(listener.lines().size(), 4);   // welcome + three
    const auto rowOfPort = [&](quint16 port) {
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.index(row, ClientTableModel::AddressColumn).data().toString().endsWith(u':' + QString::number(port)))
                return row;
        }
        return -1;
    };
    const int talkerRow = rowOfPort(talker.socket().localPort());
    const int listenerRow = rowOfPort(listener.socket().localPort());
    QVERIFY(talkerRow >= 0 && listenerRow >= 0);
    QTRY_COMPARE(model.index(talkerRow, ClientTableModel::MessagesInColumn).data().toString(), u"3"_s);
    QTRY_COMPARE(model.index(listenerRow, ClientTableModel::MessagesOutColumn).data(ClientTableModel::SortRole).toULongLong(),
                 quint64(4));
    QCOMPARE(model.index(talkerRow, ClientTableModel::BytesInColumn).data(ClientTableModel::SortRole).toULongLong(),
             quint64(14));
    QVERIFY(!model.index(talkerRow, ClientTableModel::LastActivityColumn).data().toString().isEmpty());
    QVERIFY(model.index(talkerRow, ClientTableModel::AddressColumn).data(Qt::ToolTipRole).toString().contains(u"127.0.0.1"_s));
}

void tst_ClientTableModel::rateAndLastMessageColumns()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientTableModel model(&server);
    model.setRefreshInterval(50);
    TestPeer noisy(server.serverPort());
    TestPeer quiet(server.serverPort());
    TestPeer silent(server.serverPort());
    for (TestPeer *peer : { &noisy, &quiet, &silent })
        QVERIFY(peer->waitReady());
    QTRY_COMPARE(model.rowCount(), 3);
    QByteArray burst;
    for (int i = 0; i < 40; ++i)
        burst += "reading " + QByteArray::number(i) + '\n';
    noisy.write(burst);
    quiet.write("one\n\x02" "bin\xff\n");
    const int noisyRow = rowOfPort(model, noisy.socket().localPort());
    const int quietRow = rowOfPort(model, quiet.socket().localPort());
    const int silentRow = rowOfPort(model, silent.socket().localPort());
    QTRY_COMPARE(model.rowAt(noisyRow).counters.messagesIn, quint64(40));
    QTRY_COMPARE(model.rowAt(quietRow).counters.messagesIn, quint64(2));
    // Messages per second over what the samples cover: more for the noisy one, none for the silent one.
    QTRY_VERIFY(model.index(noisyRow, ClientTableModel::RateColumn).data(ClientTableModel::SortRole).toDouble()
                > model.index(quietRow, ClientTableModel::RateColumn).data(ClientTableModel::SortRole).toDouble());
    QVERIFY(model.index(quietRow, ClientTableModel::RateColumn).data(ClientTableModel::SortRole).toDouble() > 0);
    QCOMPARE(model.index(silentRow, ClientTableModel::RateColumn).data(ClientTableModel::SortRole).toDouble(), 0.0);
    QCOMPARE(model.index(silentRow, ClientTableModel::RateColumn).data().toString(), u"0"_s);
    ClientFilterProxy proxy(&model);
    proxy.sort(ClientTableModel::RateColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, ClientTableModel::AddressColumn).data().toString(), model.rowAt(noisyRow).addressText);
    QCOMPARE(proxy.index(2, ClientTableModel::AddressColumn).data().toString(), model.rowAt(silentRow).addressText);

    // The last message, escaped as the log shows it; a long one cut with an ellipsis.
    QCOMPARE(model.index(noisyRow, ClientTableModel::LastMessageColumn).data().toString(), u"reading 39"_s);
    QCOMPARE(model.index(quietRow, ClientTableModel::LastMessageColumn).data().toString(), u"\\x02bin\\xff"_s);
    QVERIFY(model.index(silentRow, ClientTableModel::LastMessageColumn).data().toString().isEmpty());
    silent.write(QByteArray(1000, 'z') + '\n');
    QTRY_COMPARE(model.index(silentRow, ClientTableModel::LastMessageColumn).data().toString(),
                 QString(ClientTableModel::LastMessageBytes, u'z') + QChar(0x2026));

    // In a binary framing a frame is bytes: in hex, as the log shows it.
    SpreadServer::Settings settings = server.settings();
    settings.framing = *Framing::parse(u"fixed:3"_s);
    server.setSettings(settings);
    quiet.write("\x01" "AB");
    QTRY_COMPARE(model.index(quietRow, ClientTableModel::LastMessageColumn).data().toString(), u"01 41 42"_s);

    // Ten seconds of quiet later the rate is back to 0 (the window is RateWindowMs).
    QTRY_COMPARE_WITH_TIMEOUT(model.index(noisyRow, ClientTableModel::RateColumn).data(ClientTableModel::SortRole).toDouble(),
                              0.0, ClientTableModel::RateWindowMs + 5000);
}

void tst_ClientTableModel::aConnectStormIsInsertedInBatches()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientTableModel model(&server);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    std::vector<std::unique_ptr<TestPeer>> peers;
    for (int i = 0; i < 300; ++i)
        peers.push_back(std::make_unique<TestPeer>(server.serverPort()));
    QTRY_COMPARE(server.clientCount(), 300);
    QTRY_COMPARE(model.rowCount(), 300);
    // One insertion per batch of BatchMs, not one per client.
    QVERIFY2(inserted.count() < 30, qPrintable(QString::number(inserted.count())));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.clientAt(row)), row);

    // Every other one leaves: more runs of rows than the model removes one by one, so it is reset.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    for (size_t i = 0; i < peers.size(); i += 2)
        peers[i]->socket().abort();
    QTRY_COMPARE(server.clientCount(), 150);
    QTRY_COMPARE(model.rowCount(), 150);
    QVERIFY2(removed.count() + reset.count() < 30, qPrintable(QString::number(removed.count())));
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.rowOf(model.clientAt(row)), row);
        QVERIFY(server.hasClient(model.clientAt(row)));
    }
    // The rest leave in one go: one range.
    for (size_t i = 1; i < peers.size(); i += 2)
        peers[i]->socket().abort();
    QTRY_COMPARE(model.rowCount(), 0);
}

void tst_ClientTableModel::onlyRowsThatChangedAreSignalled()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    SpreadServer::Settings settings;
    settings.relay = false;   // only the talker's counters move
    server.setSettings(settings);
    ClientTableModel model(&server);
    model.setRefreshInterval(3600 * 1000);   // refreshed by hand
    std::vector<std::unique_ptr<TestPeer>> peers;
    for (int i = 0; i < 5; ++i) {
        peers.push_back(std::make_unique<TestPeer>(server.serverPort()));
        QVERIFY(peers.back()->waitReady());
    }
    QTRY_COMPARE((model.applyPending(), model.rowCount()), 5);
    model.refresh();
    model.refresh();   // the welcome's counters and the first rate are in
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy refreshed(&model, &ClientTableModel::refreshed);
    model.refresh();
    QCOMPARE(changed.count(), 0);   // nothing moved: nothing signalled, ages included
    QCOMPARE(refreshed.count(), 1);
    peers[2]->write("hello\n");
    const int row = rowOfPort(model, peers[2]->socket().localPort());
    QTRY_VERIFY((model.refresh(), model.rowAt(row).counters.messagesIn == 1));
    QVERIFY(changed.count() >= 1);
    for (const QList<QVariant> &args : std::as_const(changed)) {
        QCOMPARE(args.at(0).toModelIndex().row(), row);
        QCOMPARE(args.at(1).toModelIndex().row(), row);
    }
}

void tst_ClientTableModel::theFilterFindsByIdSubnetAndText()
{
    SpreadServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    ClientTableModel model(&server);
    ClientFilterProxy proxy(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    TestPeer a(server.serverPort());
    TestPeer b(server.serverPort(), QHostAddress(u"127.0.0.2"_s));
    TestPeer c(server.serverPort());
    for (TestPeer *peer : { &a, &b, &c })
        QVERIFY(peer->waitReady());
    QTRY_COMPARE(proxy.rowCount(), 3);
    a.write("TEMP=21\n");
    c.write("door open\n");
    QTRY_COMPARE(model.rowAt(rowOfPort(model, c.socket().localPort())).counters.messagesIn, quint64(1));
    QTRY_VERIFY(!model.rowAt(rowOfPort(model, a.socket().localPort())).lastMessage.isEmpty());
    const SpreadServer::ClientId idOfB = model.rowAt(rowOfPort(model, b.socket().localPort())).id;
    const auto shownPorts = [&] {
        QList<quint16> ports;
        for (int row = 0; row < proxy.rowCount(); ++row)
            ports.append(model.rowAt(proxy.mapToSource(proxy.index(row, 0)).row()).port);
        std::sort(ports.begin(), ports.end());
        return ports;
    };
    proxy.setFilterText(u"#%1"_s.arg(idOfB));
    QCOMPARE(shownPorts(), QList<quint16> { b.socket().localPort() });
    proxy.setFilterText(u"127.0.0.2/32"_s);
    QCOMPARE(shownPorts(), QList<quint16> { b.socket().localPort() });
    proxy.setFilterText(u"127.0.0.0/8"_s);
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setFilterText(u"10.0.0.0/8"_s);
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setFilterText(u"temp"_s);   // the last message, any case
    QCOMPARE(shownPorts(), QList<quint16> { a.socket().localPort() });
    proxy.setFilterText(u":%1"_s.arg(c.socket().localPort()));   // address text: the port
    QCOMPARE(shownPorts(), QList<quint16> { c.socket().localPort() });
    proxy.setFilterText(u"  "_s);
    QCOMPARE(proxy.rowCount(), 3);
    // A new client that does not match stays out; one that matches comes in.
    proxy.setFilterText(u"127.0.0.3"_s);
    QCOMPARE(proxy.rowCount(), 0);
    TestPeer d(server.serverPort(), QHostAddress(u"127.0.0.3"_s));
    QVERIFY(d.waitReady());
    QTRY_COMPARE(proxy.rowCount(), 1);
}

QTEST_MAIN(tst_ClientTableModel)
#include "tst_clienttablemodel.moc"
