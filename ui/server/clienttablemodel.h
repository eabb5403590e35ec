// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>

#include "core/spreadserver.h"

/**
 * The connected clients of a SpreadServer, one row each. Rows come and go
 * with the server's signals; the counters are read from the server on a
 * timer (refreshInterval()), so a busy client costs nothing per message.
 */
class ClientTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        AddressColumn,
        ConnectedColumn,
        MessagesInColumn,
        BytesInColumn,
        MessagesOutColumn,
        BytesOutColumn,
        LastActivityColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IdRole = Qt::UserRole,   ///< quint64 client id, on every column
        SortRole,                ///< the raw value: numbers sort as numbers
    };

    static constexpr int DefaultRefreshMs = 500;

    explicit ClientTableModel(SpreadServer *server, QObject *parent = nullptr);

    int refreshInterval() const { return m_refresh.interval(); }
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }

    SpreadServer::ClientId clientAt(int row) const { return m_rows.at(row).id; }
    int rowOf(SpreadServer::ClientId id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** Reads every row's counters from the server now. */
    void refresh();

private:
    void onConnected(SpreadServer::ClientId id, const QHostAddress &address, quint16 port);
    void onDisconnected(SpreadServer::ClientId id);

    SpreadServer *m_server;
    QList<SpreadServer::ClientInfo> m_rows;
    QHash<SpreadServer::ClientId, int> m_index;   // id -> row
    QTimer m_refresh;
};
