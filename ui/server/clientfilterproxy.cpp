// SPDX-License-Identifier: MIT
#include "server/clientfilterproxy.h"

#include "core/addresses.h"
#include "server/clienttablemodel.h"

using namespace Qt::Literals::StringLiterals;

ClientFilterProxy::ClientFilterProxy(ClientTableModel *model, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_model(model)
{
    setSourceModel(model);
    setSortRole(ClientTableModel::SortRole);
}

void ClientFilterProxy::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    m_id.reset();
    m_subnet.reset();
    if (m_text.startsWith(u'#')) {
        bool ok = false;
        const quint64 id = m_text.sliced(1).toULongLong(&ok);
        if (ok)
            m_id = id;
    } else if (m_text.contains(u'.') || m_text.contains(u':')) {
        // "127.0.0.1:5000" is an address and port: text, not a subnet.
        m_subnet = Addresses::parseSubnet(m_text);
    }
    invalidateFilter();
}

bool ClientFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (m_text.isEmpty())
        return true;
    const ClientTableModel::Row &row = m_model->rowAt(sourceRow);
    if (m_id)
        return row.id == *m_id;
    if (m_subnet)
        return row.address.isInSubnet(*m_subnet);
    return row.addressText.contains(m_text, Qt::CaseInsensitive)
            || QString::number(row.id).contains(m_text)
            || (!row.lastMessage.isEmpty() && m_model->lastMessageText(sourceRow).contains(m_text, Qt::CaseInsensitive));
}

bool ClientFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const ClientTableModel::Row &a = m_model->rowAt(left.row());
    const ClientTableModel::Row &b = m_model->rowAt(right.row());
    switch (left.column()) {
    case ClientTableModel::IdColumn:
        return a.id < b.id;
    case ClientTableModel::AddressColumn:
        // By address, then port, as numbers: 10.0.0.9 before 10.0.0.10.
        if (a.address != b.address) {
            bool v4a = false;
            bool v4b = false;
            const quint32 ia = a.address.toIPv4Address(&v4a);
            const quint32 ib = b.address.toIPv4Address(&v4b);
            if (v4a && v4b)
                return ia < ib;
            return a.addressText < b.addressText;
        }
        return a.port < b.port;
    case ClientTableModel::ConnectedColumn:
        return a.connectedAtMs < b.connectedAtMs || (a.connectedAtMs == b.connectedAtMs && a.id < b.id);
    case ClientTableModel::MessagesInColumn:
        return a.counters.messagesIn < b.counters.messagesIn;
    case ClientTableModel::BytesInColumn:
        return a.counters.bytesIn < b.counters.bytesIn;
    case ClientTableModel::MessagesOutColumn:
        return a.counters.messagesOut < b.counters.messagesOut;
    case ClientTableModel::BytesOutColumn:
        return a.counters.bytesOut < b.counters.bytesOut;
    case ClientTableModel::RateColumn:
        return a.rate < b.rate;
    case ClientTableModel::LastActivityColumn:
        return a.counters.lastActivityMs < b.counters.lastActivityMs;
    case ClientTableModel::LastMessageColumn:
        return a.lastMessage < b.lastMessage;
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}
