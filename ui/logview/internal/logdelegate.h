// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

/**
 * Paints a log row chat-style: the time, then a bubble. Received messages
 * sit on the left in blue, sent ones on the right in green, events in the
 * middle in grey (problems in red). A received message the rules tagged
 * shows the tag as a small label after who, in a colour of its own; a
 * message's bubble ends with its size, and the rule that sent it if one did;
 * in hex, a length field's bytes (LogModel::FieldRole) are marked. Text is
 * drawn with QPainter::drawText, so it is always plain text, whatever the
 * bytes were.
 */
class LogDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};
