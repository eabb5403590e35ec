// SPDX-License-Identifier: MIT
#include "server/clienttablemodel.h"

#include "core/addresses.h"

#include "uitext.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

ClientTableModel::ClientTableModel(SpreadServer *server, QObject *parent)
    : QAbstractTableModel(parent)
    , m_server(server)
{
    connect(server, &SpreadServer::clientConnected, this,
            [this](SpreadServer::ClientId id, const QHostAddress &address, quint16 port, int) { onConnected(id, address, port); });
    connect(server, &SpreadServer::clientDisconnected, this,
            [this](SpreadServer::ClientId id, const QString &, int) { onDisconnected(id); });
    m_refresh.setInterval(DefaultRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &ClientTableModel::refresh);
    m_refresh.start();
    // Clients that were there before the model.
    for (SpreadServer::ClientId id : server->clients()) {
        const auto info = server->clientInfo(id);
        m_index.insert(id, int(m_rows.size()));
        m_rows.append(info);
    }
}

int ClientTableModel::rowOf(SpreadServer::ClientId id) const
{
    return m_index.value(id, -1);
}

void ClientTableModel::onConnected(SpreadServer::ClientId id, const QHostAddress &address, quint16 port)
{
    if (m_index.contains(id))
        return;
    SpreadServer::ClientInfo info = m_server->clientInfo(id);
    if (info.id == 0) {
        info.id = id;
        info.address = address;
        info.port = port;
        info.connectedAtMs = QDateTime::currentMSecsSinceEpoch();
    }
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(info);
    m_index.insert(id, row);
    endInsertRows();
}

void ClientTableModel::onDisconnected(SpreadServer::ClientId id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    m_index.remove(id);
    for (int r = row; r < m_rows.size(); ++r)
        m_index[m_rows.at(r).id] = r;
    endRemoveRows();
}

void ClientTableModel::refresh()
{
    if (m_rows.isEmpty())
        return;
    for (auto &row : m_rows) {
        if (!m_server->hasClient(row.id))
            continue;   // its clientDisconnected is on the way
        row = m_server->clientInfo(row.id);
    }
    // "Last activity" reads as an age, so every row changes every tick.
    emit dataChanged(index(0, MessagesInColumn), index(int(m_rows.size()) - 1, LastActivityColumn));
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
    const SpreadServer::ClientInfo &info = m_rows.at(index.row());
    if (role == IdRole)
        return QVariant::fromValue<quint64>(info.id);
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == AddressColumn || index.column() == ConnectedColumn)
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == SortRole) {
        switch (index.column()) {
        case IdColumn:
            return QVariant::fromValue<quint64>(info.id);
        case AddressColumn:
            return Addresses::peerText(info.address, info.port);
        case ConnectedColumn:
            return info.connectedAtMs;
        case MessagesInColumn:
            return QVariant::fromValue(info.messagesIn);
        case BytesInColumn:
            return QVariant::fromValue(info.bytesIn);
        case MessagesOutColumn:
            return QVariant::fromValue(info.messagesOut);
        case BytesOutColumn:
            return QVariant::fromValue(info.bytesOut);
        case LastActivityColumn:
            return info.lastActivityMs;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        const QLocale locale;
        return tr("Client #%1 at %2\nconnected %3\nlast activity %4\n%5 bytes waiting to be sent")
                .arg(info.id)
                .arg(Addresses::peerText(info.address, info.port),
                     locale.toString(QDateTime::fromMSecsSinceEpoch(info.connectedAtMs), QLocale::LongFormat),
                     info.lastActivityMs > 0 ? locale.toString(QDateTime::fromMSecsSinceEpoch(info.lastActivityMs),
                                                               QLocale::LongFormat)
                                             : tr("none"))
                .arg(info.pendingBytes);
    }
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (index.column()) {
    case IdColumn:
        return u"#%1"_s.arg(info.id);
    case AddressColumn:
        return Addresses::peerText(info.address, info.port);
    case ConnectedColumn:
        return QDateTime::fromMSecsSinceEpoch(info.connectedAtMs).toString(u"HH:mm:ss"_s);
    case MessagesInColumn:
        return locale.toString(info.messagesIn);
    case BytesInColumn:
        return UiText::byteText(qint64(info.bytesIn));
    case MessagesOutColumn:
        return locale.toString(info.messagesOut);
    case BytesOutColumn:
        return UiText::byteText(qint64(info.bytesOut));
    case LastActivityColumn:
        return UiText::ageText(info.lastActivityMs);
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
        case LastActivityColumn:
            return tr("Time since the client last sent or received");
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
    case LastActivityColumn:
        return tr("Last activity");
    default:
        break;
    }
    return {};
}
