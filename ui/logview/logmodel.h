// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTimer>

#include "core/framing.h"
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
 * (DisplayText::escaped) or shown in hex, never interpreted as markup. A
 * frame of a binary framing (Log::Received::binary...) is always shown in
 * hex; the model is told the framing (setFraming()) to mark a length
 * field in each frame received or sent under it.
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
        SizeTextRole,              ///< QString: a message's size, "12 B", "1.5 KiB"; empty for an event
        FieldRole,                 ///< QPoint(first byte, bytes): a length field in a message shown in hex; none else
        TagRole,                   ///< QString: the rules' tag of a received message ("alarm"); empty: none
        RuleRole,                  ///< QString: of a message a rule sent, "rule ping · hit 3"; empty: none
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
    /** Shown in hex: a message while hexView(), and a binary frame always. */
    bool showsHex(const Log::Event &event) const { return event.isMessage() && (m_hexView || isBinary(event)); }
    /** A frame of a binary framing (fixed, length). */
    static bool isBinary(const Log::Event &event);

    /**
     * The framing of the messages appended from now on (those queued are
     * moved in first): its length field is FieldRole. Rows appended before
     * keep the framing they came with.
     */
    void setFraming(const Framing &framing);

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
    /** The rules' tag of a received message; empty if none. */
    static QString tag(const Log::Event &event);
    /** Of a message a rule sent: "rule ping · hit 3"; empty if none did. */
    static QString ruleText(const Log::Event &event);
    /** Writes the rows of @p rows (all if empty) one per line, as the console would; false and @p error if it fails. */
    bool write(QIODevice *device, Log::Format format, const QList<int> &rows, QString *error) const;
    /**
     * Writes every message the log holds to @p path as pcapng, one synthetic
     * TCP stream per client (TcpStreams, as --capture writes them): a
     * client's messages to the server and the server's to it (one segment to
     * each client connected for a message to all), each followed by its
     * framing's suffix() (a line feed if the model was never told the
     * framing) and timed as its event; a cluster server's messages from a
     * pseudo client per server. Events that are not messages are skipped but
     * for the connections' opening and end. False and @p error if it fails.
     */
    bool writeCapture(const QString &path, QString *error) const;

signals:
    /** A batch arrived: @p count rows at the end. */
    void batchAppended(int count);
    void hexViewChanged(bool hex);

private:
    /** The framing row @p row came with. */
    const Framing &framingOf(int row) const;
    /** Forgets framings no row has any more. */
    void pruneFramings();

    /** A framing, and the first row (counted since the model was made) that came with it. */
    struct FramingSince {
        quint64 firstRow = 0;
        Framing framing;
    };
    RingBuffer<Log::Event> m_entries { DefaultCapacity };
    QList<FramingSince> m_framings { FramingSince() };   // oldest first, never empty
    quint64 m_pushed = 0;   // rows ever moved into m_entries
    QList<Log::Event> m_pending;
    QTimer m_batchTimer;
    quint64 m_dropped = 0;
    bool m_hexView = false;
    bool m_framingKnown = false;   // setFraming() was called: suffix() is the framing's, not assumed
};

/** Filters the log by text (any part of who, text, hex or the rules' tag) and by client. */
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
