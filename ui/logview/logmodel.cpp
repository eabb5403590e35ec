// SPDX-License-Identifier: MIT
#include "logview/logmodel.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/displaytext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qsizetype TOOLTIP_MAX_CHARS = 2000;

bool isMessage(const LogEntry &entry)
{
    return entry.status == LogEntry::Status::None
            && (entry.event.kind == LogEvent::Kind::Received || entry.event.kind == LogEvent::Kind::Sent);
}
} // namespace

LogModel::LogModel(Perspective perspective, QObject *parent)
    : QAbstractListModel(parent)
    , m_perspective(perspective)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(DefaultBatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &LogModel::flush);
}

void LogModel::setCapacity(qsizetype capacity)
{
    beginResetModel();
    m_entries.reset(capacity);
    m_pending.clear();
    m_dropped = 0;
    endResetModel();
}

void LogModel::setHexView(bool hex)
{
    if (m_hexView == hex)
        return;
    m_hexView = hex;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0), index(rowCount() - 1), { Qt::DisplayRole });
    emit hexViewChanged(hex);
}

void LogModel::append(LogEntry entry)
{
    m_pending.append(std::move(entry));
    // More than a whole buffer waiting: the oldest could never be shown anyway.
    if (m_pending.size() > 2 * capacity()) {
        const qsizetype excess = m_pending.size() - capacity();
        m_pending.remove(0, excess);
        m_dropped += quint64(excess);
    }
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void LogModel::flush()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty())
        return;
    QList<LogEntry> batch = std::exchange(m_pending, {});
    if (batch.size() > capacity()) {
        const qsizetype excess = batch.size() - capacity();
        batch.remove(0, excess);
        m_dropped += quint64(excess);
    }
    const qsizetype overflow = m_entries.size() + batch.size() - capacity();
    if (overflow > 0) {
        beginRemoveRows(QModelIndex(), 0, int(overflow) - 1);
        m_entries.dropFront(overflow);
        m_dropped += quint64(overflow);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows(QModelIndex(), first, first + int(batch.size()) - 1);
    for (LogEntry &entry : batch)
        m_entries.push_back(std::move(entry));
    endInsertRows();
    emit batchAppended(int(batch.size()));
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_pending.clear();
    m_dropped = 0;
    endResetModel();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QString LogModel::who(const LogEntry &entry) const
{
    const LogEvent &e = entry.event;
    if (entry.status != LogEntry::Status::None)
        return tr("status");
    if (m_perspective == Perspective::Client) {
        if (e.kind == LogEvent::Kind::Received)
            return tr("server");
        if (e.kind == LogEvent::Kind::Sent)
            return entry.periodic ? tr("you (periodic)") : tr("you");
        return tr("status");
    }
    switch (e.kind) {
    case LogEvent::Kind::Received:
        if (!entry.origin.isEmpty()) {
            // A client of another server of the cluster: its server first, as in "server-2 #3".
            if (e.count > 0)
                return tr("%1 #%2 → %3", "remote server, its client, relayed to %3 clients").arg(entry.origin).arg(e.client).arg(e.count);
            return tr("%1 #%2", "remote server, its client").arg(entry.origin).arg(e.client);
        }
        if (e.count > 0)
            return tr("#%1 %2 → %3", "received, relayed to %3 clients").arg(e.client).arg(e.peer).arg(e.count);
        return tr("#%1 %2").arg(e.client).arg(e.peer);
    case LogEvent::Kind::Sent:
        if (e.client == 0)
            return tr("server → all (%1)").arg(e.count);
        return tr("server → #%1").arg(e.client);
    case LogEvent::Kind::Connected:
    case LogEvent::Kind::Disconnected:
        return tr("#%1 %2").arg(e.client).arg(e.peer);
    case LogEvent::Kind::Refused:
        return e.peer;
    case LogEvent::Kind::Listening:
    case LogEvent::Kind::Stopped:
    case LogEvent::Kind::Warning:
        break;
    }
    return tr("server");
}

QString LogModel::describe(const LogEntry &entry) const
{
    const LogEvent &e = entry.event;
    if (entry.status != LogEntry::Status::None)
        return e.text;
    switch (e.kind) {
    case LogEvent::Kind::Received:
    case LogEvent::Kind::Sent:
        return DisplayText::escaped(e.data);
    case LogEvent::Kind::Listening:
        return tr("Listening on %1 port %2").arg(e.text).arg(e.count);
    case LogEvent::Kind::Stopped:
        return tr("Stopped listening");
    case LogEvent::Kind::Connected:
        return tr("Client #%1 connected from %2 (clients now: %3)").arg(e.client).arg(e.peer).arg(e.count);
    case LogEvent::Kind::Disconnected:
        return tr("Client #%1 %2 disconnected: %3 (clients now: %4)").arg(e.client).arg(e.peer, e.text).arg(e.count);
    case LogEvent::Kind::Refused:
        return tr("Refused %1: %2").arg(e.peer, e.text);
    case LogEvent::Kind::Warning:
        break;
    }
    return e.text;
}

QString LogModel::textLine(const LogEntry &entry) const
{
    const LogEvent &e = entry.event;
    if (m_perspective == Perspective::Server && entry.status == LogEntry::Status::None)
        return e.toText();
    const QString time = LogEvent::timestamp(e.timeMs);
    if (entry.status != LogEntry::Status::None || !isMessage(entry))
        return time + u' ' + e.text;
    QString tag;
    if (e.kind == LogEvent::Kind::Received)
        tag = u"[server %1]"_s.arg(e.peer);
    else
        tag = entry.periodic ? u"[sent periodic]"_s : u"[sent]"_s;
    return time + u' ' + tag + u' ' + DisplayText::escaped(e.data);
}

QByteArray LogModel::jsonLine(const LogEntry &entry) const
{
    const LogEvent &e = entry.event;
    if (m_perspective == Perspective::Server && entry.status == LogEntry::Status::None) {
        if (entry.origin.isEmpty())
            return e.toJson();
        QJsonObject remote = QJsonDocument::fromJson(e.toJson()).object();
        remote.insert(u"origin"_s, entry.origin);
        return QJsonDocument(remote).toJson(QJsonDocument::Compact);
    }
    QJsonObject o;
    if (entry.status != LogEntry::Status::None || !isMessage(entry)) {
        // The time as the server's format writes it; the line itself as "text".
        LogEvent status;
        status.timeMs = e.timeMs;
        o.insert(u"time"_s, QJsonDocument::fromJson(status.toJson()).object().value(u"time"_s));
        o.insert(u"event"_s, u"status"_s);
        o.insert(u"text"_s, e.text);
        if (entry.status == LogEntry::Status::Problem)
            o.insert(u"problem"_s, true);
    } else {
        // The server's format, without the server's counters.
        o = QJsonDocument::fromJson(e.toJson()).object();
        o.remove(u"relayed"_s);
        o.remove(u"receivers"_s);
        if (entry.periodic)
            o.insert(u"periodic"_s, true);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool LogModel::write(QIODevice *device, Format format, const QList<int> &rows, QString *error) const
{
    const auto writeRow = [&](int row) {
        const LogEntry &e = m_entries.at(row);
        const QByteArray line = (format == Format::JsonLines ? jsonLine(e) : textLine(e).toUtf8()) + '\n';
        return device->write(line) == line.size();
    };
    bool ok = true;
    if (rows.isEmpty()) {
        for (int row = 0; ok && row < rowCount(); ++row)
            ok = writeRow(row);
    } else {
        for (int row : rows) {
            if (!(ok = writeRow(row)))
                break;
        }
    }
    if (!ok && error)
        *error = device->errorString();
    return ok;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry &entry = m_entries.at(index.row());
    const LogEvent &e = entry.event;
    const bool message = isMessage(entry);
    switch (role) {
    case Qt::DisplayRole:
        if (message && m_hexView)
            return DisplayText::hex(e.data);
        return describe(entry);
    case Qt::ToolTipRole: {
        // Explicit rich text with every piece escaped: data never becomes markup.
        QString text = message ? DisplayText::escaped(e.data) : describe(entry);
        if (text.size() > TOOLTIP_MAX_CHARS)
            text = text.left(TOOLTIP_MAX_CHARS) + u'…';
        QString head = LogEvent::timestamp(e.timeMs) + u"  "_s + who(entry);
        if (message)
            head += u"  "_s + tr("%1 bytes").arg(e.data.size());
        return u"<p style='white-space:pre-wrap'><b>%1</b><br>%2</p>"_s.arg(head.toHtmlEscaped(), text.toHtmlEscaped());
    }
    case Qt::AccessibleTextRole:
        return who(entry) + u": "_s + describe(entry);
    case TimeRole:
        return e.timeMs;
    case TimeTextRole:
        return LogEvent::timestamp(e.timeMs).mid(11);
    case WhoRole:
        return who(entry);
    case DirectionRole:
        if (!message)
            return int(Direction::Event);
        return int(e.kind == LogEvent::Kind::Received ? Direction::In : Direction::Out);
    case ClientRole:
        // A remote client's number is its own server's: never one of the client filter's.
        return entry.origin.isEmpty() ? e.client : quint64(0);
    case OriginRole:
        return entry.origin;
    case KindRole:
        return int(e.kind);
    case BytesRole:
        return e.data;
    case TextRole:
        return describe(entry);
    case HexRole:
        return message ? DisplayText::hex(e.data) : describe(entry);
    case StatusRole:
        return int(entry.status);
    case ProblemRole:
        if (entry.status != LogEntry::Status::None)
            return entry.status == LogEntry::Status::Problem;
        return e.kind == LogEvent::Kind::Warning || e.kind == LogEvent::Kind::Refused;
    case LineRole:
        return textLine(entry);
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(TimeRole, "time"_ba);
    names.insert(TimeTextRole, "timeText"_ba);
    names.insert(WhoRole, "who"_ba);
    names.insert(DirectionRole, "direction"_ba);
    names.insert(ClientRole, "client"_ba);
    names.insert(KindRole, "kind"_ba);
    names.insert(BytesRole, "bytes"_ba);
    names.insert(TextRole, "text"_ba);
    names.insert(HexRole, "hex"_ba);
    names.insert(StatusRole, "status"_ba);
    names.insert(ProblemRole, "problem"_ba);
    names.insert(LineRole, "line"_ba);
    names.insert(OriginRole, "origin"_ba);
    return names;
}

LogFilterProxy::LogFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Rows are filtered when they arrive and when the filter changes; the
    // hex toggle changes every row's display and must not refilter them all.
    setDynamicSortFilter(false);
}

void LogFilterProxy::setFilterText(const QString &text)
{
    if (m_text == text)
        return;
    m_text = text;
    invalidateFilter();
}

void LogFilterProxy::setClientFilter(const QSet<quint64> &clients)
{
    if (m_clients == clients)
        return;
    m_clients = clients;
    invalidateFilter();
}

bool LogFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *log = qobject_cast<const LogModel *>(sourceModel());
    if (!log || sourceParent.isValid())
        return true;
    const LogEntry &entry = log->entry(sourceRow);
    if (!m_clients.isEmpty() && (!entry.origin.isEmpty() || !m_clients.contains(entry.event.client)))
        return false;   // a remote client's number is not one of ours
    if (m_text.isEmpty())
        return true;
    if (log->describe(entry).contains(m_text, Qt::CaseInsensitive)
        || log->who(entry).contains(m_text, Qt::CaseInsensitive))
        return true;
    return log->hexView() && DisplayText::hex(entry.event.data).contains(m_text, Qt::CaseInsensitive);
}
