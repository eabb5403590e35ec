// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTimer>

#include "log/logevent.h"
#include "logview/ringbuffer.h"

class QIODevice;

/** One line of a window's log: a LogEvent, or a status line of the client window. */
struct LogEntry
{
    enum class Status {
        None,      ///< a LogEvent of the server, or a message of the client
        Info,      ///< the seed's "Start to Connect...", "Connected..."
        Problem,   ///< "Lost connection. Reason: ...", "Connection is failed, Reason: ..."
    };

    LogEvent event;
    Status status = Status::None;
    bool periodic = false;   ///< client window: sent by the periodic timer
    /** Server window: the cluster server a received message came from; empty for this server's own clients. */
    QString origin {};
};

/**
 * The log of a window: a list model over a bounded ring buffer.
 *
 * append() only queues; a timer moves what is queued into the model at most
 * every batchInterval() ms, as one insertion (and one removal of the oldest
 * rows once the buffer is full). A flood of messages therefore costs the
 * view a few layouts per second, not one per message.
 *
 * Everything a view shows is plain text: message bytes are escaped
 * (DisplayText::escaped) or shown in hex, never interpreted as markup.
 */
class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    /** Whose log this is: it decides how "who" reads. */
    enum class Perspective { Server, Client };
    Q_ENUM(Perspective)

    enum class Direction { In, Out, Event };
    Q_ENUM(Direction)

    enum Role {
        TimeRole = Qt::UserRole,   ///< qint64, ms since the epoch
        TimeTextRole,              ///< "HH:mm:ss.zzz"
        WhoRole,                   ///< "#3 127.0.0.1:50123", "server", ...
        DirectionRole,             ///< int(Direction)
        ClientRole,                ///< quint64, a client of this server; 0 if none, all, or a remote client
        KindRole,                  ///< int(LogEvent::Kind)
        BytesRole,                 ///< QByteArray, the message as it travelled
        TextRole,                  ///< the message escaped, or the event described
        HexRole,                   ///< the message in hex, or the event described
        StatusRole,                ///< int(LogEntry::Status)
        ProblemRole,               ///< bool: shown as a warning
        LineRole,                  ///< the line as saved in text form
        OriginRole,                ///< QString: the cluster server of a remote message, else empty
    };

    static constexpr qsizetype DefaultCapacity = 100000;
    static constexpr int DefaultBatchIntervalMs = 30;

    enum class Format { Text, JsonLines };
    Q_ENUM(Format)

    explicit LogModel(Perspective perspective, QObject *parent = nullptr);

    Perspective perspective() const { return m_perspective; }

    qsizetype capacity() const { return m_entries.capacity(); }
    /** Clears the log and keeps at most @p capacity entries from now on. */
    void setCapacity(qsizetype capacity);
    int batchInterval() const { return m_batchTimer.interval(); }
    void setBatchInterval(int ms) { m_batchTimer.setInterval(ms); }

    bool hexView() const { return m_hexView; }
    void setHexView(bool hex);

    /** Queues @p entry; it shows up with the next batch. */
    void append(LogEntry entry);
    /** Moves every queued entry into the model now. */
    void flush();
    qsizetype pendingCount() const { return m_pending.size(); }
    /** Entries pushed out of the buffer since the last clear(). */
    quint64 droppedCount() const { return m_dropped; }
    void clear();

    const LogEntry &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString who(const LogEntry &entry) const;
    QString describe(const LogEntry &entry) const;
    QString textLine(const LogEntry &entry) const;
    QByteArray jsonLine(const LogEntry &entry) const;
    /** Writes the rows of @p rows (all if empty) one per line; false and @p error if it fails. */
    bool write(QIODevice *device, Format format, const QList<int> &rows, QString *error) const;

signals:
    /** A batch arrived: @p count rows at the end. */
    void batchAppended(int count);
    void hexViewChanged(bool hex);

private:
    Perspective m_perspective;
    RingBuffer<LogEntry> m_entries { DefaultCapacity };
    QList<LogEntry> m_pending;
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
