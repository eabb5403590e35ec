// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

#include "cluster/clusterbridge.h"

/**
 * The servers of a cluster domain, one row each, as ClusterBridge::peers()
 * reports them: this server first, then the others by id.
 *
 * setPeers() takes a whole new list and changes only the rows that differ,
 * so that a view keeps its selection and scroll position while presence
 * messages come and go. "Last seen" reads as an age and is refreshed once
 * a second.
 */
class ClusterPeerModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ServerColumn,
        AddressColumn,
        ClientsColumn,
        LastSeenColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        ServerIdRole = Qt::UserRole,   ///< QString, on every column
        SelfRole,                      ///< bool: this server's row
        SortRole,                      ///< the raw value: numbers sort as numbers
    };

    static constexpr int DefaultRefreshMs = 1000;

    explicit ClusterPeerModel(QObject *parent = nullptr);

    void setPeers(const QList<ClusterBridge::Peer> &peers);
    const QList<ClusterBridge::Peer> &peers() const { return m_rows; }
    ClusterBridge::Peer peerAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &serverId) const;
    /** Clients of every server of the domain. */
    int totalClients() const;

    int refreshInterval() const { return m_refresh.interval(); }
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }

    /** "host:port", "[::1]:8007"; only the host when the port is 0 (not listening). */
    static QString addressText(const ClusterBridge::Peer &peer);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /** The list or a client count changed. */
    void totalsChanged();

private:
    void refreshAges();

    QList<ClusterBridge::Peer> m_rows;   // this server first, then by id
    QTimer m_refresh;
};
