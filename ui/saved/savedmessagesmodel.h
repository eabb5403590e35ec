// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <functional>
#include <optional>

#include "core/messagetemplate.h"
#include "rules/savedmessages.h"

/**
 * The saved messages of one window, one row each, with what the panel needs
 * beside each message: its compiled template, or why it cannot be sent, and
 * how many times it was sent ({counter} goes on from there). Rows keep their
 * counter when they move.
 */
class SavedMessagesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    // The key is not the first column: it belongs to the row's place, not to the message, and
    // column 0 is what views (and QAbstractItemModelTester) follow through moves and removals.
    enum Column { NameColumn, ShortcutColumn, MessageColumn, RepeatColumn, IntervalColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        ProblemRole = Qt::UserRole,   ///< QString: why the row cannot be sent; empty if it can
    };

    /** The first rows have a shortcut each: Ctrl+1 .. Ctrl+9. */
    static constexpr int ShortcutCount = 9;

    /** A reason of the window's own to refuse a template that parses ({client} on the client); empty: fine. */
    using Check = std::function<QString(const MessageTemplate &)>;

    explicit SavedMessagesModel(MessageTemplate::Syntax textSyntax, QObject *parent = nullptr);

    MessageTemplate::Syntax textSyntax() const { return m_textSyntax; }
    void setCheck(Check check);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QList<SavedMessage> messages() const;
    void setMessages(const QList<SavedMessage> &messages);
    SavedMessage message(int row) const { return m_rows.at(row).message; }
    void setMessage(int row, const SavedMessage &message);
    void insertMessage(int row, const SavedMessage &message);
    void appendMessages(const QList<SavedMessage> &messages);
    void removeMessage(int row);
    /** Moves row @p from to @p to (both existing rows). */
    void moveMessage(int from, int to);

    /** The row's template, or nothing if problem() says why not. */
    std::optional<MessageTemplate> compiled(int row) const { return m_rows.at(row).compiled; }
    QString problem(int row) const { return m_rows.at(row).problem; }
    /** A key that stays with the row while it moves; -1 once removed (see rowOfKey()). */
    quint64 keyAt(int row) const { return m_rows.at(row).key; }
    int rowOfKey(quint64 key) const;
    /** The {counter} of the row's next message, counted as sent. */
    quint64 takeSequence(int row);

    /** "Ctrl+1" for row 0 .. "Ctrl+9" for row 8, empty after. */
    static QString shortcutText(int row);

signals:
    /** A message was added, removed, moved or edited: what the window saves. */
    void messagesChanged();

private:
    struct Row {
        SavedMessage message;
        std::optional<MessageTemplate> compiled;
        QString problem;
        quint64 key = 0;
        quint64 sent = 0;   // the row's {counter} so far
    };
    Row makeRow(const SavedMessage &message);
    void compile(Row &row) const;

    MessageTemplate::Syntax m_textSyntax;
    Check m_check;
    QList<Row> m_rows;
    quint64 m_nextKey = 1;
};
