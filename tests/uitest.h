// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QApplication>
#include <QCoreApplication>
#include <QFileDialog>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QWidget>

/** Helpers for the window tests: act as a user, look at models. */
namespace UiTest {

/** Settings of our own, never the user's: call first in initTestCase(). */
inline void isolateSettings(const QString &name)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SpreadSiteTest"));
    QCoreApplication::setApplicationName(name);
    QSettings().clear();
}

/** Closes a file dialog a test left open, so that it is not modal for the next test. */
inline void closeFileDialogs()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (qobject_cast<QFileDialog *>(widget))
            widget->close();
    }
}

template <typename T>
T *child(const QWidget *parent, const char *name)
{
    T *widget = parent->findChild<T *>(QString::fromLatin1(name));
    if (!widget)
        qWarning("no child %s", name);
    return widget;
}

/** Selects everything in @p widget and types @p text over it, as a user would. */
inline void typeInto(QWidget *widget, const QString &text)
{
    widget->setFocus(Qt::TabFocusReason);
    QTest::keyClick(widget, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(widget, Qt::Key_Delete);
    QTest::keyClicks(widget, text);
}

/** Clicks a row of an item view, with Ctrl or Shift if given. */
inline void clickRow(QAbstractItemView *view, int row, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const QRect rect = view->visualRect(view->model()->index(row, 1));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, rect.center());
}

/** The rows of @p model whose @p role data contains @p text. */
inline QList<int> rowsWith(const QAbstractItemModel *model, const QString &text, int role = Qt::DisplayRole)
{
    QList<int> rows;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(role).toString().contains(text))
            rows.append(row);
    }
    return rows;
}

inline bool hasRow(const QAbstractItemModel *model, const QString &text, int role = Qt::DisplayRole)
{
    return !rowsWith(model, text, role).isEmpty();
}

/** A port that nothing listens on right now. */
inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace UiTest
