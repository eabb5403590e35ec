// SPDX-License-Identifier: MIT
#include "logdelegate.h"

#include <iterator>
#include <utility>

#include <QApplication>
#include <QPainter>

#include "logview/logmodel.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int MARGIN = 2;         // around the bubble
constexpr int PADDING_X = 8;      // inside the bubble
constexpr int PADDING_Y = 3;
constexpr int RADIUS = 7;
constexpr double MAX_BUBBLE = 0.92;   // of the width after the time
constexpr qsizetype MAX_PAINTED_CHARS = 600;   // more never fits in a row, and eliding 64 KiB per paint is slow

constexpr double TAG_FONT_SCALE = 0.85;   // a tag's label, smaller than the message
constexpr int TAG_PADDING_X = 6;

constexpr int HEX_CHARS_PER_BYTE = 3;   // "6c " as DisplayText::hex() writes it

struct Colours {
    QColor bubble;
    QColor border;
    QColor who;
    QColor text;
};

/** Behind a length field's bytes: a marker's yellow, as light or dark as the bubble. */
QColor fieldColour(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(0x6b, 0x5a, 0x1e) : QColor(0xff, 0xe0, 0x8a);
}

/** The characters [first, last) of @p shown (an elided hex text) that are the field's bytes @p field. */
std::pair<qsizetype, qsizetype> fieldChars(const QPoint &field, const QString &shown)
{
    qsizetype visible = shown.size();
    if (shown.endsWith(QChar(0x2026)))   // elided: the … is no byte
        --visible;
    const qsizetype first = qsizetype(field.x()) * HEX_CHARS_PER_BYTE;
    const qsizetype last = qMin(visible, qsizetype(field.x() + field.y()) * HEX_CHARS_PER_BYTE - 1);
    return { first, last };
}

/** A tag's label: the same colours for the same word in every row and run, readable on light and dark. */
std::pair<QColor, QColor> tagColours(const QString &tag, const QPalette &palette)
{
    // Hues apart from the bubbles' blue and green; background and text for each.
    struct Pair {
        QRgb light, lightText, dark, darkText;
    };
    static constexpr Pair PALETTE[] = {
        { 0xffe0b2, 0x8a4b00, 0x6b3d00, 0xffd8a8 },   // orange
        { 0xf8d7da, 0x8b1d2c, 0x6e1e2a, 0xffc9d0 },   // red
        { 0xe6dcf5, 0x5b2d91, 0x45306b, 0xe2d2ff },   // purple
        { 0xd5f0ee, 0x0f5f59, 0x1d4f4b, 0xbff0ea },   // teal
        { 0xfff3bf, 0x6b5500, 0x5c4d10, 0xfff0a8 },   // yellow
        { 0xf3d9ec, 0x86266d, 0x5e2450, 0xffd1f1 },   // pink
    };
    // FNV-1a over the word: stable across runs, unlike a seeded qHash.
    quint32 hash = 2166136261u;
    for (const QChar c : tag) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    const Pair &p = PALETTE[hash % std::size(PALETTE)];
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    return dark ? std::pair { QColor(p.dark), QColor(p.darkText) } : std::pair { QColor(p.light), QColor(p.lightText) };
}

Colours colours(LogModel::Direction direction, bool problem, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    const QColor text = palette.color(QPalette::Text);
    switch (direction) {
    case LogModel::Direction::In:
        return dark ? Colours { QColor(0x1f, 0x35, 0x50), QColor(0x35, 0x5c, 0x8a), QColor(0x8c, 0xc2, 0xff), text }
                    : Colours { QColor(0xe8, 0xf1, 0xfd), QColor(0xb7, 0xd3, 0xf7), QColor(0x1a, 0x5f, 0xb4), text };
    case LogModel::Direction::Out:
        return dark ? Colours { QColor(0x24, 0x40, 0x20), QColor(0x3f, 0x6e, 0x38), QColor(0x9c, 0xe0, 0x8c), text }
                    : Colours { QColor(0xe3, 0xf6, 0xd8), QColor(0xb5, 0xe0, 0xa0), QColor(0x2e, 0x7d, 0x32), text };
    case LogModel::Direction::Event:
        break;
    }
    const QColor muted = problem ? (dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e))
                                 : palette.color(QPalette::PlaceholderText);
    return { Qt::transparent, Qt::transparent, muted, muted };
}
} // namespace

QSize LogDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics fm(option.font);
    // Narrow on purpose: the list view widens rows to the viewport, and a wide
    // hint would add a horizontal scroll bar that hides the sent bubbles.
    return { fm.averageCharWidth() * 20, fm.height() + 2 * (MARGIN + PADDING_Y) };
}

void LogDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();   // the style paints the selection and focus only
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const auto direction = LogModel::Direction(index.data(LogModel::DirectionRole).toInt());
    const bool problem = index.data(LogModel::ProblemRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const Colours c = colours(direction, problem, option.palette);
    const QFontMetrics fm(option.font);
    const QRect row = option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN);

    painter->save();
    painter->setFont(option.font);

    // Time, fixed width, muted.
    const QString time = index.data(LogModel::TimeTextRole).toString();
    const int timeWidth = fm.horizontalAdvance(u"00:00:00.000"_s) + PADDING_X;
    painter->setPen(selected ? option.palette.color(QPalette::HighlightedText) : option.palette.color(QPalette::PlaceholderText));
    painter->drawText(QRect(row.left(), row.top(), timeWidth, row.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, time);

    const QRect area(row.left() + timeWidth, row.top(), row.width() - timeWidth, row.height());
    const QString who = index.data(LogModel::WhoRole).toString();
    QString text = index.data(Qt::DisplayRole).toString();
    if (text.size() > MAX_PAINTED_CHARS)
        text.truncate(MAX_PAINTED_CHARS);   // elided below anyway

    QFont whoFont = option.font;
    whoFont.setBold(true);
    const QFontMetrics whoFm(whoFont);

    if (direction == LogModel::Direction::Event) {
        QFont eventFont = option.font;
        eventFont.setItalic(true);
        painter->setFont(eventFont);
        painter->setPen(selected ? option.palette.color(QPalette::HighlightedText) : c.text);
        const QString line = QFontMetrics(eventFont).elidedText(u"— %1 —"_s.arg(text), Qt::ElideRight, area.width());
        painter->drawText(area, Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextSingleLine, line);
        painter->restore();
        return;
    }

    // Who, the rules' tag, the message, and its size and the rule that sent it at the end:
    // "#3 127.0.0.1:5000  [alarm]  TEMP=91  7 B" and "server → #3  PONG 7  6 B · rule ping · hit 1".
    QString size = index.data(LogModel::SizeTextRole).toString();
    if (const QString rule = index.data(LogModel::RuleRole).toString(); !rule.isEmpty())
        size = size.isEmpty() ? rule : size + u" · "_s + rule;
    const QString tag = index.data(LogModel::TagRole).toString();
    QFont tagFont = option.font;
    if (option.font.pointSizeF() > 0)
        tagFont.setPointSizeF(option.font.pointSizeF() * TAG_FONT_SCALE);
    else
        tagFont.setPixelSize(qMax(1, int(option.font.pixelSize() * TAG_FONT_SCALE)));
    const QFontMetrics tagFm(tagFont);
    const int whoWidth = whoFm.horizontalAdvance(who);
    const int gap = fm.horizontalAdvance(u"  "_s);
    const int tagWidth = tag.isEmpty() ? 0 : tagFm.horizontalAdvance(tag) + 2 * TAG_PADDING_X + gap;
    const int sizeWidth = size.isEmpty() ? 0 : gap + fm.horizontalAdvance(size);
    const int maxWidth = int(area.width() * MAX_BUBBLE);
    const int textRoom = qMax(0, maxWidth - 2 * PADDING_X - whoWidth - gap - tagWidth - sizeWidth);
    const QString shown = fm.elidedText(text, Qt::ElideRight, textRoom);
    const int textWidth = fm.horizontalAdvance(shown);
    const int width = qMin(maxWidth, 2 * PADDING_X + whoWidth + gap + tagWidth + textWidth + sizeWidth);
    QRect bubble(area.left(), area.top(), width, area.height());
    if (direction == LogModel::Direction::Out)
        bubble.moveRight(area.right());

    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(c.border, 1));
    painter->setBrush(c.bubble);
    painter->drawRoundedRect(QRectF(bubble).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS);

    const QRect inner = bubble.adjusted(PADDING_X, 0, -PADDING_X, 0);
    painter->setFont(whoFont);
    painter->setPen(c.who);
    painter->drawText(inner, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, who);
    if (!tag.isEmpty()) {
        // A small pill after who: its colour tells tags apart at a glance.
        const auto [background, foreground] = tagColours(tag, option.palette);
        const int pillHeight = qMin(inner.height() - 2, tagFm.height() + 2);
        const QRect pill(inner.left() + whoWidth + gap, inner.top() + (inner.height() - pillHeight) / 2,
                         tagWidth - gap, pillHeight);
        painter->setPen(Qt::NoPen);
        painter->setBrush(background);
        painter->drawRoundedRect(QRectF(pill), pillHeight / 2.0, pillHeight / 2.0);
        painter->setFont(tagFont);
        painter->setPen(foreground);
        painter->drawText(pill, Qt::AlignCenter | Qt::TextSingleLine, tag);
    }
    painter->setFont(option.font);
    const QRect textRect = inner.adjusted(whoWidth + gap + tagWidth, 0, 0, 0);
    const QVariant field = index.data(LogModel::FieldRole);
    if (field.isValid()) {
        const auto [first, last] = fieldChars(field.toPoint(), shown);
        if (first < last) {
            const int left = fm.horizontalAdvance(shown.left(first));
            const int right = fm.horizontalAdvance(shown.left(last));
            const QRect mark(textRect.left() + left - 1, textRect.top() + PADDING_Y, right - left + 2, textRect.height() - 2 * PADDING_Y);
            painter->setPen(Qt::NoPen);
            painter->setBrush(fieldColour(option.palette));
            painter->drawRoundedRect(QRectF(mark), 2, 2);
        }
    }
    painter->setPen(c.text);
    painter->drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, shown);
    if (!size.isEmpty()) {
        painter->setPen(c.who);
        painter->drawText(textRect.adjusted(textWidth + gap, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, size);
    }
    painter->restore();
}
