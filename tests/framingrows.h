// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayList>
#include <QComboBox>
#include <QLineEdit>
#include <QList>
#include <QSpinBox>
#include <QString>
#include <QTest>

#include "core/framing.h"
#include "uitest.h"

/**
 * The window suites' framing rows (issue 14): per framing, two frames glued
 * in one write and one frame split over two writes, and the messages the log
 * must show for them, one row each.
 *
 * Columns: spec, the framing as typed; bursts, what the peer writes: the
 * writes of a burst go out back to back, and between bursts the test waits
 * until the other side has read what was written and its log shows
 * framesAfter[i] messages; frames, every message the log shows at the end.
 */
namespace FramingRows {

inline void addColumns()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QList<QByteArrayList>>("bursts");
    QTest::addColumn<QList<int>>("framesAfter");
    QTest::addColumn<QByteArrayList>("frames");
}

inline void addRows()
{
    addColumns();
    using L = QByteArrayList;
    // Split inside the line, the delimiter's message, the fixed record, the length header.
    QTest::addRow("line") << QStringLiteral("line") << QList<L> { { "ab\ncd\n" }, { "ef" }, { "gh\n" } } << QList<int> { 2, 2, 3 }
                          << L { "ab", "cd", "efgh" };
    QTest::addRow("delimiter:7e") << QStringLiteral("delimiter:7e") << QList<L> { { "ab~cd~" }, { "ef" }, { "gh~" } }
                                  << QList<int> { 2, 2, 3 } << L { "ab", "cd", "efgh" };
    QTest::addRow("fixed:8") << QStringLiteral("fixed:8") << QList<L> { { "AAAAAAAABBBBBBBB" }, { "CCC" }, { "CCCCC" } }
                             << QList<int> { 2, 2, 3 } << L { "AAAAAAAA", "BBBBBBBB", "CCCCCCCC" };
    QTest::addRow("length:2") << QStringLiteral("length:2")
                              << QList<L> { { QByteArray("\x00\x02" "ab" "\x00\x03" "cde", 9) }, { QByteArray(1, '\0') }, { "\x04" "fghi" } }
                              << QList<int> { 2, 2, 3 }
                              << L { QByteArray("\x00\x02" "ab", 4), QByteArray("\x00\x03" "cde", 5), QByteArray("\x00\x04" "fghi", 6) };
    // In idle framing what is glued in one write is one frame by definition: one frame
    // in a write, then, after the quiet time, one in two writes.
    QTest::addRow("idle:50") << QStringLiteral("idle:50") << QList<L> { { "one frame" }, { "split ", "in two" } } << QList<int> { 1, 2 }
                             << L { "one frame", "split in two" };
}

/** Sets @p framing in the FramingEdit of @p window as a user would: the kind, then its fields, each with Enter. */
inline void choose(QWidget *window, const Framing &framing)
{
    using UiTest::child;
    using UiTest::typeInto;
    const auto typeNumber = [](QSpinBox *spin, qint64 value) {
        typeInto(spin, QString::number(value));
        QTest::keyClick(spin, Qt::Key_Return);
    };
    auto *kind = child<QComboBox>(window, "framingKindCombo");
    kind->setFocus(Qt::TabFocusReason);
    kind->setCurrentIndex(kind->findData(int(framing.kind)));
    switch (framing.kind) {
    case Framing::Kind::Line:
        break;
    case Framing::Kind::Delimiter: {
        auto *edit = child<QLineEdit>(window, "framingDelimiterEdit");
        typeInto(edit, QString::fromLatin1(framing.delimiter.toHex(' ')));
        QTest::keyClick(edit, Qt::Key_Return);
        break;
    }
    case Framing::Kind::Fixed:
        typeNumber(child<QSpinBox>(window, "framingFixedSpin"), framing.fixedSize);
        break;
    case Framing::Kind::Length: {
        auto *size = child<QComboBox>(window, "framingLengthSizeCombo");
        size->setCurrentIndex(size->findData(framing.lengthSize));
        child<QComboBox>(window, "framingByteOrderCombo")->setCurrentIndex(framing.littleEndian ? 1 : 0);
        typeNumber(child<QSpinBox>(window, "framingOffsetSpin"), framing.lengthOffset);
        typeNumber(child<QSpinBox>(window, "framingAdjustSpin"), framing.lengthAdjust);
        break;
    }
    case Framing::Kind::Idle:
        typeNumber(child<QSpinBox>(window, "framingIdleSpin"), framing.idleMs);
        break;
    }
}

/** The framing @p spec says; a bad spec is the test's own mistake. */
inline Framing parse(const QString &spec)
{
    QString error;
    const auto framing = Framing::parse(spec, &error);
    if (!framing)
        qFatal("bad framing in a test: %s", qPrintable(error));
    return *framing;
}

/** The hex a binary frame is shown as: "00 02 61 62". */
inline QString hex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex(' '));
}

} // namespace FramingRows
