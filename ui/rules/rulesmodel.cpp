// SPDX-License-Identifier: MIT
#include "rules/rulesmodel.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace {
/** A template or a reason as the Actions column quotes it. */
QString quoted(const QString &text)
{
    return RulesModel::tr("“%1”").arg(text);
}
} // namespace

RulesModel::RulesModel(RuleSet::Side side, QObject *parent)
    : QAbstractTableModel(parent)
    , m_side(side)
{
    m_hitTimer.setSingleShot(true);
    m_hitTimer.setInterval(DefaultHitRefreshMs);
    connect(&m_hitTimer, &QTimer::timeout, this, &RulesModel::refreshHits);
}

void RulesModel::setRules(const QList<Rule> &rules)
{
    beginResetModel();
    m_rules = rules;
    m_hits = QList<quint64>(rules.size(), 0);
    m_dirtyHits.clear();
    endResetModel();
}

void RulesModel::setRule(int row, const Rule &rule)
{
    if (row < 0 || row >= m_rules.size() || m_rules.at(row) == rule)
        return;
    m_rules[row] = rule;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RulesModel::insertRule(int row, const Rule &rule)
{
    row = std::clamp(row, 0, int(m_rules.size()));
    beginInsertRows(QModelIndex(), row, row);
    m_rules.insert(row, rule);
    m_hits.insert(row, 0);
    endInsertRows();
}

void RulesModel::removeRule(int row)
{
    if (row < 0 || row >= m_rules.size())
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rules.removeAt(row);
    m_hits.removeAt(row);
    endRemoveRows();
    m_dirtyHits.clear();   // rows moved under it; the next setHits() says them all
}

void RulesModel::moveRule(int from, int to)
{
    const int count = int(m_rules.size());
    if (from < 0 || from >= count || to < 0 || to >= count || from == to)
        return;
    // beginMoveRows counts the destination before the move: one further down when moving down.
    if (!beginMoveRows(QModelIndex(), from, from, QModelIndex(), to > from ? to + 1 : to))
        return;
    m_rules.move(from, to);
    m_hits.move(from, to);
    endMoveRows();
    m_dirtyHits.clear();
}

void RulesModel::setHits(const QList<quint64> &hits)
{
    m_dirtyHits.clear();
    m_hitTimer.stop();
    for (int row = 0; row < m_hits.size(); ++row)
        m_hits[row] = row < hits.size() ? hits.at(row) : 0;
    if (!m_rules.isEmpty())
        emit dataChanged(index(0, HitsColumn), index(rowCount() - 1, HitsColumn), { Qt::DisplayRole });
}

void RulesModel::noteHit(int row, quint64 hits)
{
    if (row < 0 || row >= m_hits.size())
        return;
    m_hits[row] = hits;
    m_dirtyHits.insert(row);
    if (!m_hitTimer.isActive())
        m_hitTimer.start();
}

void RulesModel::refreshHits()
{
    // One cell per rule that was hit, however many times, since the last refresh.
    const QSet<int> rows = std::exchange(m_dirtyHits, {});
    for (int row : rows) {
        if (row < rowCount())
            emit dataChanged(index(row, HitsColumn), index(row, HitsColumn), { Qt::DisplayRole });
    }
}

QString RulesModel::matchText(const Rule &rule)
{
    return u"%1: %2"_s.arg(kindText(rule.kind), rule.pattern);
}

QString RulesModel::kindText(Rule::MatchKind kind)
{
    switch (kind) {
    case Rule::MatchKind::Contains:
        return tr("contains");
    case Rule::MatchKind::Text:
        return tr("whole text");
    case Rule::MatchKind::Regex:
        return tr("regex");
    case Rule::MatchKind::Hex:
        return tr("hex bytes");
    }
    return {};
}

QString RulesModel::listSeparator()
{
    return tr(", ", "between the parts of a list of actions");
}

QString RulesModel::actionsText(const Rule &rule, RuleSet::Side side)
{
    QStringList parts;
    if (rule.reply)
        parts.append(tr("reply %1").arg(quoted(*rule.reply)));
    if (side == RuleSet::Side::Server && rule.broadcast)
        parts.append(tr("broadcast %1").arg(quoted(*rule.broadcast)));
    if (side == RuleSet::Side::Server && !rule.relays())
        parts.append(tr("not relayed"));
    if (rule.disconnect)
        parts.append(rule.disconnect->isEmpty() ? tr("disconnect") : tr("disconnect: %1").arg(*rule.disconnect));
    if (!rule.tag.isEmpty())
        parts.append(tr("tag %1").arg(rule.tag));
    if (rule.delayMs > 0)
        parts.append(tr("after %1 ms").arg(QLocale().toString(rule.delayMs)));
    if (rule.continues)
        parts.append(tr("then continue"));
    return parts.isEmpty() ? tr("nothing") : parts.join(listSeparator());
}

int RulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int RulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Rule &rule = m_rules.at(index.row());
    const int column = index.column();
    if (role == Qt::CheckStateRole && column == EnabledColumn)
        return rule.enabled ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::TextAlignmentRole && column == HitsColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(column)) {
    case EnabledColumn:
        return role == Qt::ToolTipRole ? (rule.enabled ? tr("On: the rule is tried") : tr("Off: the rule is skipped"))
                                       : QVariant();
    case NameColumn:
        return rule.name;
    case MatchColumn:
        return matchText(rule);
    case FromColumn:
        if (rule.from.isEmpty())
            return role == Qt::ToolTipRole ? tr("Anyone: no subnet or client given") : tr("anyone");
        return rule.from.join(u", "_s);
    case ActionsColumn:
        return actionsText(rule, m_side);
    case HitsColumn:
        if (role == Qt::ToolTipRole)
            return tr("Messages this rule matched since the rules were last changed");
        return QLocale().toString(hits(index.row()));
    case ColumnCount:
        break;
    }
    return {};
}

bool RulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() != EnabledColumn || role != Qt::CheckStateRole)
        return false;
    Rule rule = m_rules.at(index.row());
    rule.enabled = Qt::CheckState(value.toInt()) == Qt::Checked;
    if (rule == m_rules.at(index.row()))
        return true;
    setRule(index.row(), rule);
    emit rulesEdited();
    return true;
}

Qt::ItemFlags RulesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == EnabledColumn)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant RulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool tip = role == Qt::ToolTipRole;
    switch (Column(section)) {
    case EnabledColumn:
        return tip ? tr("Whether the rule is tried") : tr("On");
    case NameColumn:
        return tip ? tr("The rule's name, as the log says it") : tr("Name");
    case MatchColumn:
        return tip ? tr("What a message must be, contain or match") : tr("Match");
    case FromColumn:
        return tip ? tr("Whose messages: subnets or client numbers; empty: anyone") : tr("From");
    case ActionsColumn:
        return tip ? tr("What the rule does when it matches") : tr("Actions");
    case HitsColumn:
        return tip ? tr("Messages matched since the rules were last changed") : tr("Hits");
    case ColumnCount:
        break;
    }
    return {};
}
