// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QSortFilterProxyModel>

#include <optional>

class ClientTableModel;

/**
 * The client table as the window shows it: sorted by any column and
 * filtered by what the user types. Both read the model's rows directly
 * (ClientTableModel::rowAt()), not through QVariant, so sorting or
 * filtering 10,000 rows takes milliseconds.
 *
 * The filter, trimmed:
 * - empty: every client;
 * - `#12`: the client with id 12;
 * - an address or a subnet (`10.0.3.7`, `10.0.3.0/24`, `::1`): clients
 *   from there;
 * - anything else, `12` included: text in the client's id, address and
 *   port, or last message, case-insensitive.
 */
class ClientFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit ClientFilterProxy(ClientTableModel *model, QObject *parent = nullptr);

    QString filterText() const { return m_text; }
    void setFilterText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    ClientTableModel *m_model;
    QString m_text;
    std::optional<quint64> m_id;                        // "#12"
    std::optional<QPair<QHostAddress, int>> m_subnet;   // an address or a subnet
};
