// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QTimer>

#include <array>

#include "core/spreadserver.h"

/**
 * The connected clients of a SpreadServer, one row each, built to stay
 * quick with a fleet attached (10,000 rows):
 * - connects and disconnects are applied in batches (at most BatchMs late),
 *   so a storm is one insertion and a few removals, not one per client;
 * - the counters are read from the server on a timer (refreshInterval()),
 *   without the address, and only the rows whose values changed are
 *   signalled, in merged ranges; a busy client costs nothing per message
 *   but its last message, kept short;
 * - ages ("last activity") are computed when a row is shown: refreshed()
 *   tells views to repaint what they show, no row is signalled for it;
 * - each row's rate is its messages per second over the last RateWindowMs,
 *   from samples of its count taken at each refresh.
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
        RateColumn,
        LastActivityColumn,
        LastMessageColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IdRole = Qt::UserRole,   ///< quint64 client id, on every column
        SortRole,                ///< the raw value: numbers sort as numbers
    };

    static constexpr int DefaultRefreshMs = 500;
    static constexpr int BatchMs = 50;
    static constexpr int RateWindowMs = 10000;
    static constexpr qsizetype LastMessageBytes = 160;   ///< kept of each client's last message
    /** Samples of each row's count: enough to span RateWindowMs at the default refresh. */
    static constexpr quint32 RateSamples = RateWindowMs / DefaultRefreshMs + 1;

    struct Row {
        SpreadServer::ClientId id = 0;
        QHostAddress address;
        quint16 port = 0;
        QString addressText;
        qint64 connectedAtMs = 0;
        SessionEngine::Counters counters;
        bool encrypted = false;
        QByteArray lastMessage;          ///< its first LastMessageBytes
        bool lastMessageCut = false;
        double rate = 0;                 ///< messages per second, as of the last refresh
        quint32 firstTick = 0;           ///< the refresh whose sample is the row's first
        std::array<quint32, RateSamples> samples {};   ///< messages in at each refresh, by tick
    };

    explicit ClientTableModel(SpreadServer *server, QObject *parent = nullptr);

    int refreshInterval() const { return m_refresh.interval(); }
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }

    SpreadServer::ClientId clientAt(int row) const { return m_rows.at(row).id; }
    const Row &rowAt(int row) const { return m_rows.at(row); }
    int rowOf(SpreadServer::ClientId id) const;
    /** @p row's last message as the table shows it: escaped, "…" if it was longer. */
    QString lastMessageText(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** Applies waiting connects and disconnects, then reads every row's counters now. */
    void refresh();
    /** Applies waiting connects and disconnects now. */
    void applyPending();

signals:
    /** After each refresh: views repaint the ages they show. */
    void refreshed();

private:
    void onConnected(SpreadServer::ClientId id);
    void onDisconnected(SpreadServer::ClientId id);
    void onMessage(SpreadServer::ClientId id, const QByteArray &message);
    void schedulePending();
    void removePending();
    double rateOf(const Row &row, qint64 now) const;

    SpreadServer *m_server;
    QList<Row> m_rows;
    QHash<SpreadServer::ClientId, int> m_index;   // id -> row
    QList<SpreadServer::ClientId> m_pendingAdds;  // in order of connection
    QSet<SpreadServer::ClientId> m_pendingRemoves;
    QTimer m_refresh;
    QTimer m_batch;
    quint32 m_tick = 0;
    std::array<qint64, RateSamples> m_tickTimes {};   // ms since the epoch of each refresh, by tick
};
