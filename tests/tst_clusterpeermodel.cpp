// SPDX-License-Identifier: MIT
#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFont>
#include <QSignalSpy>
#include <QTest>

#include "server/clusterpeermodel.h"

using namespace Qt::Literals::StringLiterals;

namespace {
// The arguments of QAbstractItemModel's signals, by name (they carry a private tag, so no TypedSpy).
QModelIndex topLeft(const QSignalSpy &dataChanged, qsizetype i)
{
    return dataChanged.at(i).at(0).value<QModelIndex>();
}
QModelIndex bottomRight(const QSignalSpy &dataChanged, qsizetype i)
{
    return dataChanged.at(i).at(1).value<QModelIndex>();
}
int firstRow(const QSignalSpy &rowsInsertedOrRemoved, qsizetype i)
{
    return rowsInsertedOrRemoved.at(i).at(1).toInt();
}
} // namespace

class tst_ClusterPeerModel : public QObject
{
    Q_OBJECT

private slots:
    void thisServerFirstThenById();
    void onlyWhatDiffersChanges();
    void lastSeenReadsAsAge();
    void addresses();

private:
    static ClusterBridge::Peer peer(const QString &id, int clients, bool self = false, quint16 port = 8007,
                                    const QString &host = u"10.0.0.1"_s)
    {
        ClusterBridge::Peer p;
        p.serverId = id;
        p.host = host;
        p.port = port;
        p.clients = clients;
        p.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
        p.self = self;
        return p;
    }
};

void tst_ClusterPeerModel::thisServerFirstThenById()
{
    ClusterPeerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy totals(&model, &ClusterPeerModel::totalsChanged);
    QCOMPARE(model.columnCount(), int(ClusterPeerModel::ColumnCount));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalClients(), 0);

    model.setPeers({ peer(u"server-c"_s, 4), peer(u"server-b"_s, 2, true), peer(u"server-a"_s, 1) });
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, 0).data(ClusterPeerModel::ServerIdRole).toString(), u"server-b"_s);
    QCOMPARE(model.index(1, 0).data(ClusterPeerModel::ServerIdRole).toString(), u"server-a"_s);
    QCOMPARE(model.index(2, 0).data(ClusterPeerModel::ServerIdRole).toString(), u"server-c"_s);
    // This server is marked, in words and in bold; the others are not.
    QCOMPARE(model.index(0, ClusterPeerModel::ServerColumn).data().toString(), u"server-b (this server)"_s);
    QVERIFY(model.index(0, ClusterPeerModel::ClientsColumn).data(ClusterPeerModel::SelfRole).toBool());
    QVERIFY(model.index(0, ClusterPeerModel::AddressColumn).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.index(1, ClusterPeerModel::ServerColumn).data().toString(), u"server-a"_s);
    QVERIFY(!model.index(1, 0).data(ClusterPeerModel::SelfRole).toBool());
    QVERIFY(!model.index(1, 0).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.index(2, ClusterPeerModel::ClientsColumn).data().toString(), u"4"_s);
    QCOMPARE(model.index(2, ClusterPeerModel::ClientsColumn).data(ClusterPeerModel::SortRole).toInt(), 4);
    QCOMPARE(model.index(2, ClusterPeerModel::AddressColumn).data().toString(), u"10.0.0.1:8007"_s);
    QVERIFY(model.index(2, 0).data(Qt::ToolTipRole).toString().contains(u"server-c"_s));
    QCOMPARE(model.totalClients(), 7);
    QCOMPARE(model.rowOf(u"server-c"_s), 2);
    QCOMPARE(model.rowOf(u"nobody"_s), -1);
    QCOMPARE(totals.count(), 1);

    // A repeated id is one row.
    model.setPeers({ peer(u"server-b"_s, 2, true), peer(u"server-a"_s, 1), peer(u"server-a"_s, 1) });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.totalClients(), 3);
    QCOMPARE(totals.count(), 2);

    model.setPeers({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalClients(), 0);
}

void tst_ClusterPeerModel::onlyWhatDiffersChanges()
{
    ClusterPeerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto a = peer(u"a"_s, 1, true);
    auto b = peer(u"b"_s, 2);
    auto d = peer(u"d"_s, 4);
    model.setPeers({ a, b, d });
    const QPersistentModelIndex dIndex = model.index(2, ClusterPeerModel::ClientsColumn);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy totals(&model, &ClusterPeerModel::totalsChanged);

    // The same list again (a presence message that changed nothing): no signal at all.
    model.setPeers({ d, b, a });
    QCOMPARE(inserted.count() + removed.count() + changed.count() + reset.count() + totals.count(), 0);

    // One count changes: that row only.
    b.clients = 5;
    model.setPeers({ a, b, d });
    QCOMPARE(changed.count(), 1);
    QCOMPARE(topLeft(changed, 0).row(), 1);
    QCOMPARE(bottomRight(changed, 0).row(), 1);
    QCOMPARE(model.index(1, ClusterPeerModel::ClientsColumn).data().toString(), u"5"_s);
    QCOMPARE(totals.count(), 1);
    QCOMPARE(model.totalClients(), 10);

    // A server joins between b and d: one insertion at its place; d's index follows.
    const auto c = peer(u"c"_s, 3);
    model.setPeers({ a, b, c, d });
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(firstRow(inserted, 0), 2);
    QCOMPARE(model.index(2, 0).data(ClusterPeerModel::ServerIdRole).toString(), u"c"_s);
    QVERIFY(dIndex.isValid());
    QCOMPARE(dIndex.row(), 3);
    QCOMPARE(dIndex.data().toString(), u"4"_s);

    // b leaves: one removal; nothing was reset on the way.
    model.setPeers({ a, c, d });
    QCOMPARE(removed.count(), 1);
    QCOMPARE(firstRow(removed, 0), 1);
    QCOMPARE(dIndex.row(), 2);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.totalClients(), 8);
}

void tst_ClusterPeerModel::lastSeenReadsAsAge()
{
    ClusterPeerModel model;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto recent = peer(u"recent"_s, 0);
    recent.lastSeenMs = now;
    auto five = peer(u"five"_s, 0);
    five.lastSeenMs = now - 5500;
    auto minutes = peer(u"minutes"_s, 0);
    minutes.lastSeenMs = now - 125 * 1000;
    auto never = peer(u"never"_s, 0);
    never.lastSeenMs = 0;
    model.setPeers({ recent, five, minutes, never });
    const auto age = [&](const QString &id) { return model.index(model.rowOf(id), ClusterPeerModel::LastSeenColumn).data().toString(); };
    QCOMPARE(age(u"recent"_s), u"now"_s);
    QCOMPARE(age(u"five"_s), u"5 s ago"_s);
    QCOMPARE(age(u"minutes"_s), u"2 min ago"_s);
    QCOMPARE(age(u"never"_s), u"never"_s);
    QCOMPARE(model.index(model.rowOf(u"five"_s), ClusterPeerModel::LastSeenColumn).data(ClusterPeerModel::SortRole).toLongLong(),
             now - 5500);

    // The ages are repainted as time passes, without a new list.
    model.setRefreshInterval(20);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.wait());
    QCOMPARE(topLeft(changed, 0).column(), int(ClusterPeerModel::LastSeenColumn));
    QCOMPARE(bottomRight(changed, 0).row(), 3);
}

void tst_ClusterPeerModel::addresses()
{
    QCOMPARE(ClusterPeerModel::addressText(peer(u"x"_s, 0, false, 8007, u"::1"_s)), u"[::1]:8007"_s);
    QCOMPARE(ClusterPeerModel::addressText(peer(u"x"_s, 0, false, 9000, u"gateway.example"_s)), u"gateway.example:9000"_s);
    QCOMPARE(ClusterPeerModel::addressText(peer(u"x"_s, 0, false, 0, u"gateway.example"_s)), u"gateway.example"_s);
    ClusterPeerModel model;
    model.setPeers({ peer(u"x"_s, 0, false, 0, u"gateway.example"_s) });
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(u"not listening"_s));
    for (int column = 0; column < ClusterPeerModel::ColumnCount; ++column) {
        QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
        QVERIFY(!model.headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }
}

QTEST_MAIN(tst_ClusterPeerModel)
#include "tst_clusterpeermodel.moc"
