// SPDX-License-Identifier: MIT
#include <QAbstractItemModelTester>
#include <QTest>

#include <memory>
#include <vector>

#include "server/clienttablemodel.h"
#include "testpeer.h"

using namespace Qt::Literals::StringLiterals;

class tst_ClientTableModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsFollowTheServer();
    void countersUpdateLive();
};

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

QTEST_MAIN(tst_ClientTableModel)
#include "tst_clienttablemodel.moc"
