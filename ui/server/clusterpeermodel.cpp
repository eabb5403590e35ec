// SPDX-License-Identifier: MIT
#include "server/clusterpeermodel.h"

#include "core/addresses.h"
#include "uitext.h"

#include <QDateTime>
#include <QFont>
#include <QHostAddress>
#include <QLocale>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace {
/** The order of the rows: this server first, then the others by id. */
bool before(const ClusterBridge::Peer &a, const ClusterBridge::Peer &b)
{
    if (a.self != b.self)
        return a.self;
    return a.serverId < b.serverId;
}

bool sameRow(const ClusterBridge::Peer &a, const ClusterBridge::Peer &b)
{
    return a.serverId == b.serverId && a.self == b.self;
}

bool sameData(const ClusterBridge::Peer &a, const ClusterBridge::Peer &b)
{
    return a.host == b.host && a.port == b.port && a.clients == b.clients && a.lastSeenMs == b.lastSeenMs;
}
} // namespace

ClusterPeerModel::ClusterPeerModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_refresh.setInterval(DefaultRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &ClusterPeerModel::refreshAges);
    m_refresh.start();
}

void ClusterPeerModel::setPeers(const QList<ClusterBridge::Peer> &peers)
{
    QList<ClusterBridge::Peer> wanted = peers;
    std::sort(wanted.begin(), wanted.end(), before);
    // One row per server id: a repeated id keeps its first entry.
    wanted.erase(std::unique(wanted.begin(), wanted.end(), sameRow), wanted.end());
    const int oldTotal = totalClients();
    const qsizetype oldCount = m_rows.size();

    // Rows that are gone, from the bottom up so that row numbers stay valid.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const auto it = std::find_if(wanted.cbegin(), wanted.cend(),
                                     [&](const ClusterBridge::Peer &p) { return sameRow(p, m_rows.at(row)); });
        if (it != wanted.cend())
            continue;
        beginRemoveRows(QModelIndex(), row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    // What is left is in the same order as wanted: walk both, updating the
    // rows that stay and inserting the new ones where they belong.
    for (int row = 0; row < wanted.size(); ++row) {
        const ClusterBridge::Peer &peer = wanted.at(row);
        if (row < m_rows.size() && sameRow(m_rows.at(row), peer)) {
            if (!sameData(m_rows.at(row), peer)) {
                m_rows[row] = peer;
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows(QModelIndex(), row, row);
        m_rows.insert(row, peer);
        endInsertRows();
    }
    if (oldTotal != totalClients() || oldCount != m_rows.size())
        emit totalsChanged();
}

int ClusterPeerModel::rowOf(const QString &serverId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).serverId == serverId)
            return row;
    }
    return -1;
}

int ClusterPeerModel::totalClients() const
{
    int total = 0;
    for (const auto &peer : m_rows)
        total += peer.clients;
    return total;
}

QString ClusterPeerModel::addressText(const ClusterBridge::Peer &peer)
{
    return Addresses::hostPortText(peer.host, peer.port);
}

void ClusterPeerModel::refreshAges()
{
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, LastSeenColumn), index(int(m_rows.size()) - 1, LastSeenColumn), { Qt::DisplayRole });
}

int ClusterPeerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClusterPeerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterPeerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterBridge::Peer &peer = m_rows.at(index.row());
    switch (role) {
    case ServerIdRole:
        return peer.serverId;
    case SelfRole:
        return peer.self;
    case SortRole:
        switch (index.column()) {
        case ServerColumn:
            return peer.serverId;
        case AddressColumn:
            return addressText(peer);
        case ClientsColumn:
            return peer.clients;
        case LastSeenColumn:
            return peer.lastSeenMs;
        default:
            return {};
        }
    case Qt::FontRole:
        if (peer.self) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ClientsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole: {
        const QString seen = peer.lastSeenMs > 0
                ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(peer.lastSeenMs), QLocale::LongFormat)
                : tr("never");
        const QString where = peer.port == 0 ? tr("%1, not listening").arg(peer.host) : addressText(peer);
        if (peer.self)
            return tr("This server, %1 in the domain, at %2\n%3 clients").arg(peer.serverId, where).arg(peer.clients);
        return tr("Server %1 at %2\n%3 clients\nlast heard from %4").arg(peer.serverId, where).arg(peer.clients).arg(seen);
    }
    case Qt::DisplayRole:
        switch (index.column()) {
        case ServerColumn:
            return peer.self ? tr("%1 (this server)").arg(peer.serverId) : peer.serverId;
        case AddressColumn:
            return addressText(peer);
        case ClientsColumn:
            return QLocale().toString(peer.clients);
        case LastSeenColumn:
            return UiText::ageText(peer.lastSeenMs);
        default:
            return {};
        }
    default:
        break;
    }
    return {};
}

QVariant ClusterPeerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ServerColumn:
            return tr("The server's id in the domain; this server is in bold");
        case AddressColumn:
            return tr("The machine the server runs on and the port its clients connect to");
        case ClientsColumn:
            return tr("Clients connected to that server, from its last presence message");
        case LastSeenColumn:
            return tr("Time since that server's last presence message");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ServerColumn:
        return tr("Server");
    case AddressColumn:
        return tr("Address");
    case ClientsColumn:
        return tr("Clients");
    case LastSeenColumn:
        return tr("Last seen");
    default:
        break;
    }
    return {};
}
