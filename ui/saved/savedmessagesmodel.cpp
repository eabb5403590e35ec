// SPDX-License-Identifier: MIT
#include "saved/savedmessagesmodel.h"

#include <QApplication>
#include <QFontDatabase>
#include <QKeySequence>
#include <QLocale>
#include <QStyle>

using namespace Qt::Literals::StringLiterals;

SavedMessagesModel::SavedMessagesModel(MessageTemplate::Syntax textSyntax, QObject *parent)
    : QAbstractTableModel(parent)
    , m_textSyntax(textSyntax)
{
}

void SavedMessagesModel::setCheck(Check check)
{
    m_check = std::move(check);
    for (Row &row : m_rows)
        compile(row);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int SavedMessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SavedMessagesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SavedMessagesModel::shortcutText(int row)
{
    if (row < 0 || row >= ShortcutCount)
        return {};
    return QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)).toString(QKeySequence::NativeText);
}

QVariant SavedMessagesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const SavedMessage &m = row.message;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case ShortcutColumn:
            return shortcutText(index.row());
        case NameColumn:
            return m.name;
        case MessageColumn:
            return m.hex ? tr("hex: %1").arg(m.text) : m.text;
        case RepeatColumn:
            return m.repeat == 1 ? QString() : tr("× %1").arg(QLocale().toString(m.repeat));
        case IntervalColumn:
            // Between repeats only: a message sent once has none.
            return m.repeat == 1 ? QString() : tr("%1 ms").arg(QLocale().toString(m.intervalMs));
        case ColumnCount:
            break;
        }
        break;
    case Qt::ToolTipRole:
        if (!row.problem.isEmpty())
            return tr("Cannot be sent: %1").arg(row.problem);
        if (index.column() == ShortcutColumn && index.row() < ShortcutCount)
            return tr("%1 sends this message").arg(shortcutText(index.row()));
        return m.hex ? tr("Hex bytes: %1").arg(m.text) : m.text;
    case Qt::DecorationRole:
        // A row that cannot be sent is marked where its name is; why is in its tooltip and under the editor.
        if (index.column() == NameColumn && !row.problem.isEmpty())
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        break;
    case Qt::FontRole:
        if (index.column() == MessageColumn && m.hex)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == RepeatColumn || index.column() == IntervalColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case ProblemRole:
        return row.problem;
    default:
        break;
    }
    return {};
}

QVariant SavedMessagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case ShortcutColumn:
        return tr("Key");
    case NameColumn:
        return tr("Name");
    case MessageColumn:
        return tr("Message");
    case RepeatColumn:
        return tr("Repeat");
    case IntervalColumn:
        return tr("Interval");
    case ColumnCount:
        break;
    }
    return {};
}

QList<SavedMessage> SavedMessagesModel::messages() const
{
    QList<SavedMessage> messages;
    messages.reserve(m_rows.size());
    for (const Row &row : m_rows)
        messages.append(row.message);
    return messages;
}

SavedMessagesModel::Row SavedMessagesModel::makeRow(const SavedMessage &message)
{
    Row row;
    row.message = message;
    row.key = m_nextKey++;
    compile(row);
    return row;
}

void SavedMessagesModel::compile(Row &row) const
{
    row.compiled.reset();
    row.problem.clear();
    if (row.message.text.isEmpty()) {
        row.problem = tr("the message is empty");
        return;
    }
    QString error;
    row.compiled = MessageTemplate::parse(row.message.text, row.message.syntax(m_textSyntax), &error);
    if (!row.compiled) {
        row.problem = error;
        return;
    }
    if (m_check) {
        row.problem = m_check(*row.compiled);
        if (!row.problem.isEmpty())
            row.compiled.reset();
    }
}

void SavedMessagesModel::setMessages(const QList<SavedMessage> &messages)
{
    beginResetModel();
    m_rows.clear();
    for (const SavedMessage &message : messages)
        m_rows.append(makeRow(message));
    endResetModel();
    emit messagesChanged();
}

void SavedMessagesModel::setMessage(int row, const SavedMessage &message)
{
    Row &r = m_rows[row];
    if (r.message == message)
        return;
    const bool templateChanged = r.message.text != message.text || r.message.hex != message.hex;
    r.message = message;
    if (templateChanged) {
        compile(r);
        r.sent = 0;   // another message: its {counter} starts again
    }
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    emit messagesChanged();
}

void SavedMessagesModel::insertMessage(int row, const SavedMessage &message)
{
    beginInsertRows({}, row, row);
    m_rows.insert(row, makeRow(message));
    endInsertRows();
    emit messagesChanged();
}

void SavedMessagesModel::appendMessages(const QList<SavedMessage> &messages)
{
    if (messages.isEmpty())
        return;
    beginInsertRows({}, rowCount(), rowCount() + int(messages.size()) - 1);
    for (const SavedMessage &message : messages)
        m_rows.append(makeRow(message));
    endInsertRows();
    emit messagesChanged();
}

void SavedMessagesModel::removeMessage(int row)
{
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    // The rows after it took new shortcuts.
    if (row < rowCount())
        emit dataChanged(index(row, ShortcutColumn), index(rowCount() - 1, ShortcutColumn));
    emit messagesChanged();
}

void SavedMessagesModel::moveMessage(int from, int to)
{
    if (from == to)
        return;
    // beginMoveRows counts the destination before the row leaves.
    beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
    m_rows.move(from, to);
    endMoveRows();
    emit dataChanged(index(qMin(from, to), ShortcutColumn), index(qMax(from, to), ShortcutColumn));
    emit messagesChanged();
}

int SavedMessagesModel::rowOfKey(quint64 key) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

quint64 SavedMessagesModel::takeSequence(int row)
{
    return ++m_rows[row].sent;
}
