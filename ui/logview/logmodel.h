// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTimer>

#include "log/event.h"
#include "log/logformat.h"
#include "logview/ringbuffer.h"

class QIODevice;

/**
 * The log of a window: a list model over a bounded ring buffer.
 *
 * append() only queues; a timer moves what is queued into the model at most
 * every batchInterval() ms, as one insertion (and one removal of the oldest
 * rows once the buffer is full). A flood of messages therefore costs the
 * view a few layouts per second, not one per message.
 *
 * Its rows are Log::Events as ServerLog and ClientLog make them: the
 * model only says them in the user's language (describe(), who()); saved
 * lines are logformat.h's, the same as the console's.
 *
 * Everything a view shows is plain text: message bytes are escaped
 * (DisplayText::escaped) or shown in hex, never interpreted as markup.
 */
class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Direction { In, Out, Event };
    Q_ENUM(Direction)

    enum Role {
        TimeRole = Qt::UserRole,   ///< qint64, ms since the epoch
        TimeTextRole,              ///< "HH:mm:ss.zzz"
        WhoRole,                   ///< "#3 127.0.0.1:50123", "server", ...
        DirectionRole,             ///< int(Direction)
        ClientRole,                ///< quint64, a client of this server; 0 if none, all, or a remote client
        KindRole,                  ///< QString, the event's JSON name: "received", "disconnected", ...
        BytesRole,                 ///< QByteArray, the message as it travelled
        TextRole,                  ///< the message escaped, or the event described
        HexRole,                   ///< the message in hex, or the event described
        ProblemRole,               ///< bool: shown as a warning
        LineRole,                  ///< the line as saved in text form
        OriginRole,                ///< QString: the cluster server of a remote message, else empty
    };

    static constexpr qsizetype DefaultCapacity = 100000;
    static constexpr int DefaultBatchIntervalMs = 30;

    explicit LogModel(QObject *parent = nullptr);

    qsizetype capacity() const { return m_entries.capacity(); }
    /** Clears the log and keeps at most @p capacity entries from now on. */
    void setCapacity(qsizetype capacity);
    int batchInterval() const { return m_batchTimer.interval(); }
    void setBatchInterval(int ms) { m_batchTimer.setInterval(ms); }

    bool hexView() const { return m_hexView; }
    void setHexView(bool hex);

    /** Queues @p event; it shows up with the next batch. */
    void append(const Log::Event &event);
    /** Moves every queued entry into the model now. */
    void flush();
    qsizetype pendingCount() const { return m_pending.size(); }
    /** Entries pushed out of the buffer since the last clear(). */
    quint64 droppedCount() const { return m_dropped; }
    void clear();

    const Log::Event &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** Who a line is from or about, as the view's bubble says it: "#3 127.0.0.1:50123 → 2", "server", "you". */
    static QString who(const Log::Event &event);
    /** The line in the user's language: the message escaped, or the event described. */
    static QString describe(const Log::Event &event);
    /** Writes the rows of @p rows (all if empty) one per line, as the console would; false and @p error if it fails. */
    bool write(QIODevice *device, Log::Format format, const QList<int> &rows, QString *error) const;

signals:
    /** A batch arrived: @p count rows at the end. */
    void batchAppended(int count);
    void hexViewChanged(bool hex);

private:
    RingBuffer<Log::Event> m_entries { DefaultCapacity };
    QList<Log::Event> m_pending;
    QTimer m_batchTimer;
    quint64 m_dropped = 0;
    bool m_hexView = false;
};

/** Filters the log by text (any part of who, text or hex) and by client. */
class LogFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit LogFilterProxy(QObject *parent = nullptr);

    QString filterText() const { return m_text; }
    void setFilterText(const QString &text);
    /** Only lines of these clients; empty: every line. */
    QSet<quint64> clientFilter() const { return m_clients; }
    void setClientFilter(const QSet<quint64> &clients);
    bool isFiltering() const { return !m_text.isEmpty() || !m_clients.isEmpty(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QSet<quint64> m_clients;
};
