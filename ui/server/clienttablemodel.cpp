// SPDX-License-Identifier: MIT
#include "server/clienttablemodel.h"

#include "core/addresses.h"
#include "core/displaytext.h"

#include "uitext.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace {
// More removal ranges than this in one batch and the model is reset instead:
// each range costs the sorting proxy a pass over all its rows.
constexpr int MAX_REMOVAL_RANGES = 64;
} // namespace

ClientTableModel::ClientTableModel(SpreadServer *server, QObject *parent)
    : QAbstractTableModel(parent)
    , m_server(server)
{
    connect(server, &SpreadServer::clientConnected, this,
            [this](SpreadServer::ClientId id, const QHostAddress &, quint16, int) { onConnected(id); });
    connect(server, &SpreadServer::clientDisconnected, this,
            [this](SpreadServer::ClientId id, const QString &, int) { onDisconnected(id); });
    connect(server, &SpreadServer::messageReceived, this,
            [this](SpreadServer::ClientId id, const QByteArray &message, int) { onMessage(id, message); });
    m_refresh.setInterval(DefaultRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &ClientTableModel::refresh);
    m_refresh.start();
    m_batch.setSingleShot(true);
    m_batch.setInterval(BatchMs);
    connect(&m_batch, &QTimer::timeout, this, &ClientTableModel::applyPending);
    m_tickTimes[0] = QDateTime::currentMSecsSinceEpoch();
    // Clients that were there before the model.
    m_pendingAdds = server->clients();
    applyPending();
}

int ClientTableModel::rowOf(SpreadServer::ClientId id) const
{
    return m_index.value(id, -1);
}

void ClientTableModel::onConnected(SpreadServer::ClientId id)
{
    if (m_index.contains(id))
        return;
    m_pendingAdds.append(id);
    schedulePending();
}

void ClientTableModel::onDisconnected(SpreadServer::ClientId id)
{
    if (m_pendingAdds.removeOne(id))
        return;   // came and went within one batch: never shown
    if (m_index.contains(id)) {
        m_pendingRemoves.insert(id);
        schedulePending();
    }
}

void ClientTableModel::onMessage(SpreadServer::ClientId id, const QByteArray &message)
{
    const int row = rowOf(id);
    if (row < 0)
        return;   // its row is still to come: the next message will do
    Row &r = m_rows[row];
    // A copy of the start only: the engine's buffer stays its own.
    const qsizetype kept = std::min(message.size(), LastMessageBytes);
    r.lastMessage.resize(kept);   // keeps its capacity: no allocation per message
    if (kept > 0)
        std::memcpy(r.lastMessage.data(), message.constData(), size_t(kept));
    r.lastMessageCut = message.size() > LastMessageBytes;
}

void ClientTableModel::schedulePending()
{
    if (!m_batch.isActive())
        m_batch.start();
}

void ClientTableModel::applyPending()
{
    m_batch.stop();
    removePending();
    if (m_pendingAdds.isEmpty())
        return;
    QList<Row> added;
    added.reserve(m_pendingAdds.size());
    for (SpreadServer::ClientId id : std::as_const(m_pendingAdds)) {
        const SpreadServer::ClientInfo info = m_server->clientInfo(id);
        if (info.id == 0)
            continue;   // gone already; its disconnect found nothing to remove
        Row row;
        row.id = id;
        row.address = info.address;
        row.port = info.port;
        row.addressText = Addresses::peerText(info.address, info.port);
        row.connectedAtMs = info.connectedAtMs;
        row.encrypted = info.encrypted;
        m_server->clientCounters(id, &row.counters);
        row.firstTick = m_tick;
        row.samples[m_tick % RateSamples] = quint32(row.counters.messagesIn);
        added.append(std::move(row));
    }
    m_pendingAdds.clear();
    if (added.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
    for (Row &row : added) {
        m_index.insert(row.id, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    endInsertRows();
}

void ClientTableModel::removePending()
{
    if (m_pendingRemoves.isEmpty())
        return;
    QList<int> rows;
    rows.reserve(m_pendingRemoves.size());
    for (SpreadServer::ClientId id : std::as_const(m_pendingRemoves)) {
        if (const int row = rowOf(id); row >= 0)
            rows.append(row);
    }
    m_pendingRemoves.clear();
    std::sort(rows.begin(), rows.end());
    int ranges = 0;
    for (qsizetype i = 0; i < rows.size(); ++i)
        ranges += i == 0 || rows.at(i) != rows.at(i - 1) + 1;
    const auto reindex = [this] {
        m_index.clear();
        m_index.reserve(m_rows.size());
        for (int r = 0; r < m_rows.size(); ++r)
            m_index.insert(m_rows.at(r).id, r);
    };
    if (ranges > MAX_REMOVAL_RANGES) {
        beginResetModel();
        // Marked, then squeezed out in one pass.
        for (int row : std::as_const(rows))
            m_rows[row].id = 0;
        m_rows.removeIf([](const Row &row) { return row.id == 0; });
        reindex();
        endResetModel();
        return;
    }
    // Contiguous ranges, the last first, so that earlier row numbers stay right.
    qsizetype end = rows.size();
    while (end > 0) {
        qsizetype begin = end - 1;
        while (begin > 0 && rows.at(begin - 1) == rows.at(begin) - 1)
            --begin;
        const int from = rows.at(begin);
        const int to = rows.at(end - 1);
        beginRemoveRows(QModelIndex(), from, to);
        m_rows.remove(from, to - from + 1);
        endRemoveRows();
        end = begin;
    }
    reindex();
}

double ClientTableModel::rateOf(const Row &row, qint64 now) const
{
    // The oldest sample the row has, within the ring and the window.
    quint32 oldest = std::max(row.firstTick, m_tick >= RateSamples - 1 ? m_tick - (RateSamples - 1) : 0);
    while (oldest < m_tick && now - m_tickTimes[oldest % RateSamples] > RateWindowMs)
        ++oldest;
    if (oldest == m_tick)
        return 0;
    const qint64 span = m_tickTimes[m_tick % RateSamples] - m_tickTimes[oldest % RateSamples];
    if (span <= 0)
        return 0;
    const quint32 messages = row.samples[m_tick % RateSamples] - row.samples[oldest % RateSamples];   // wraps as the counter does
    return double(messages) * 1000.0 / double(span);
}

void ClientTableModel::refresh()
{
    applyPending();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ++m_tick;
    m_tickTimes[m_tick % RateSamples] = now;
    // Only rows whose values changed are signalled, in runs of neighbours.
    int first = -1;
    const auto flushRun = [this, &first](int end) {
        if (first >= 0)
            emit dataChanged(index(first, MessagesInColumn), index(end - 1, LastMessageColumn));
        first = -1;
    };
    for (int r = 0; r < m_rows.size(); ++r) {
        Row &row = m_rows[r];
        SessionEngine::Counters counters;
        bool changed = false;
        if (m_server->clientCounters(row.id, &counters) && !(counters == row.counters)) {
            row.counters = counters;
            changed = true;
        }
        row.samples[m_tick % RateSamples] = quint32(row.counters.messagesIn);
        const double rate = rateOf(row, now);
        if (rate != row.rate) {
            row.rate = rate;
            changed = true;
        }
        if (changed && first < 0)
            first = r;
        else if (!changed)
            flushRun(r);
    }
    flushRun(int(m_rows.size()));
    emit refreshed();
}

QString ClientTableModel::lastMessageText(int row) const
{
    const Row &r = m_rows.at(row);
    // As the log shows it: a frame of a binary framing in hex, anything else as text.
    QString text = m_server->framing().isBinary() ? DisplayText::hex(r.lastMessage) : DisplayText::escaped(r.lastMessage);
    if (r.lastMessageCut)
        text += QChar(0x2026);   // …
    return text;
}

int ClientTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClientTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const SessionEngine::Counters &c = row.counters;
    if (role == IdRole)
        return QVariant::fromValue<quint64>(row.id);
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == AddressColumn || index.column() == ConnectedColumn || index.column() == LastMessageColumn)
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == SortRole) {
        switch (index.column()) {
        case IdColumn:
            return QVariant::fromValue<quint64>(row.id);
        case AddressColumn:
            return row.addressText;
        case ConnectedColumn:
            return row.connectedAtMs;
        case MessagesInColumn:
            return QVariant::fromValue(c.messagesIn);
        case BytesInColumn:
            return QVariant::fromValue(c.bytesIn);
        case MessagesOutColumn:
            return QVariant::fromValue(c.messagesOut);
        case BytesOutColumn:
            return QVariant::fromValue(c.bytesOut);
        case RateColumn:
            return row.rate;
        case LastActivityColumn:
            return c.lastActivityMs;
        case LastMessageColumn:
            return lastMessageText(index.row());
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        const QLocale locale;
        if (index.column() == LastMessageColumn && !row.lastMessage.isEmpty())
            return lastMessageText(index.row());
        return tr("Client #%1 at %2\nconnected %3\nlast activity %4\n%5 bytes waiting to be sent")
                .arg(row.id)
                .arg(row.addressText, locale.toString(QDateTime::fromMSecsSinceEpoch(row.connectedAtMs), QLocale::LongFormat),
                     c.lastActivityMs > 0 ? locale.toString(QDateTime::fromMSecsSinceEpoch(c.lastActivityMs), QLocale::LongFormat)
                                          : tr("none"))
                .arg(c.pendingBytes);
    }
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (index.column()) {
    case IdColumn:
        return u"#%1"_s.arg(row.id);
    case AddressColumn:
        return row.addressText;
    case ConnectedColumn:
        return QDateTime::fromMSecsSinceEpoch(row.connectedAtMs).toString(u"HH:mm:ss"_s);
    case MessagesInColumn:
        return locale.toString(c.messagesIn);
    case BytesInColumn:
        return UiText::byteText(qint64(c.bytesIn));
    case MessagesOutColumn:
        return locale.toString(c.messagesOut);
    case BytesOutColumn:
        return UiText::byteText(qint64(c.bytesOut));
    case RateColumn:
        return locale.toString(row.rate, 'f', row.rate > 0 && row.rate < 10 ? 1 : 0);
    case LastActivityColumn:
        return UiText::ageText(c.lastActivityMs);
    case LastMessageColumn:
        return lastMessageText(index.row());
    default:
        break;
    }
    return {};
}

QVariant ClientTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case IdColumn:
            return tr("The client's number, in the order they connected");
        case AddressColumn:
            return tr("The client's address and port");
        case ConnectedColumn:
            return tr("When the client connected");
        case MessagesInColumn:
            return tr("Messages received from the client");
        case BytesInColumn:
            return tr("Bytes received from the client");
        case MessagesOutColumn:
            return tr("Messages sent to the client (relayed, welcome and typed)");
        case BytesOutColumn:
            return tr("Bytes sent to the client");
        case RateColumn:
            return tr("Messages per second received from the client, over the last 10 seconds");
        case LastActivityColumn:
            return tr("Time since the client last sent or received");
        case LastMessageColumn:
            return tr("The last message the client sent");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Client");
    case AddressColumn:
        return tr("Address");
    case ConnectedColumn:
        return tr("Since");
    case MessagesInColumn:
        return tr("Msgs in");
    case BytesInColumn:
        return tr("Bytes in");
    case MessagesOutColumn:
        return tr("Msgs out");
    case BytesOutColumn:
        return tr("Bytes out");
    case RateColumn:
        return tr("Msgs/s");
    case LastActivityColumn:
        return tr("Last activity");
    case LastMessageColumn:
        return tr("Last message");
    default:
        break;
    }
    return {};
}
