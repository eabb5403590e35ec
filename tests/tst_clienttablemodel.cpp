// SPDX-License-Identifier: MIT
#include <QAbstractItemModelTester>
#include <QTest>

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

    TestPeer first(server.serverPort());
    TestPeer second(server.serverPort());
    QVERIFY(first.waitReady());
    QVERIFY(second.waitReady());
    QTRY_COMPARE(model.rowCount(), 2);
    // Rows are in the order of connection: the first peer's row is first.
    const QString firstPeer = u"127.0.0.1:%1"_s.arg(first.socket().localPort());
    const int firstRow = model.index(0, ClientTableModel::AddressColumn).data().toString() == firstPeer ? 0 : 1;
    QCOMPARE(model.index(firstRow, ClientTableModel::AddressColumn).data().toString(), firstPeer);
    QCOMPARE(model.index(firstRow, ClientTableModel::IdColumn).data().toString(),
             u"#%1"_s.arg(model.index(firstRow, 0).data(ClientTableModel::IdRole).toULongLong()));
    QVERIFY(!model.headerData(ClientTableModel::BytesInColumn, Qt::Horizontal).toString().isEmpty());
    QVERIFY(!model.headerData(ClientTableModel::BytesInColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());

    first.socket().disconnectFromHost();
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, ClientTableModel::AddressColumn).data().toString(),
             u"127.0.0.1:%1"_s.arg(second.socket().localPort()));
    QCOMPARE(model.rowOf(model.clientAt(0)), 0);
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
