// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QWidget>

#include "logview/logmodel.h"

class QComboBox;
class QStandardItem;
class QStandardItemModel;
class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QTimer;
class QToolButton;

/**
 * A window's log: a filter bar (text, client, hex, follow, clear, save)
 * over a chat-style view of a LogModel.
 *
 * Following: while on, each batch scrolls to the newest line. Scrolling up
 * turns it off; scrolling back to the bottom turns it on again.
 */
class LogPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LogPanel(LogModel *model, QWidget *parent = nullptr);

    LogModel *model() const { return m_model; }
    LogFilterProxy *proxy() const { return m_proxy; }
    QListView *view() const { return m_view; }
    /** The filter line (Ctrl+F): first in the panel's tab order, as the view is last. */
    QLineEdit *filterEdit() const { return m_filterEdit; }

    bool isFollowing() const;
    void setFollowing(bool follow);

    /** Offers @p id in the client filter, as @p label. */
    void addClientChoice(quint64 id, const QString &label);
    /** Withdraws @p id, unless it is the current choice. */
    void removeClientChoice(quint64 id);
    void setClientFilterVisible(bool visible);

    /** The framing of the messages logged from now on: a length field is marked in hex. */
    void setFraming(const Framing &framing) { m_model->setFraming(framing); }

    /** Writes the lines shown (all of them unless filtered). */
    bool saveTo(const QString &path, Log::Format format, QString *error = nullptr);
    static Log::Format formatForPath(const QString &path);
    /** Writes every message the log holds as pcapng, one TCP stream per client (LogModel::writeCapture()). */
    bool saveCaptureTo(const QString &path, QString *error = nullptr);
    /** A name the pcapng save is for: *.pcapng. */
    static bool isCapturePath(const QString &path);

    void focusFilter();
    void clearLog();
    /** Asks for a file (a window-modal dialog) and saves to it. */
    void saveWithDialog();
    /** Asks for a file (a window-modal dialog) and saves the log's messages to it as pcapng. */
    void saveCaptureWithDialog();
    void copySelection() const;

    /** Save log… (Ctrl+S) and Save log as pcapng…, for a window's File menu. */
    void addFileActions(QMenu *file);
    /** Filter the log (Ctrl+F) and Clear the log (Ctrl+L), for a window's Edit menu. */
    void addEditActions(QMenu *edit);

signals:
    /** Something for the status bar, e.g. "Saved 120 lines to ...". */
    void statusMessagePosted(const QString &text);
    void saved(const QString &path);
    /** Following turned on or off: by the Follow button, setFollowing(), or scrolling. */
    void followingChanged(bool following);

private:
    void buildFilterBar();
    void buildView();
    void layOut();
    void connectControls();
    void onBatch();
    void onScrollAction(int action);
    void updateCount();
    void updateFollowText();
    void openSaveDialog(bool capture);
    void reportSaveError(const QString &path, const QString &reason);

    LogModel *m_model;
    LogFilterProxy *m_proxy;
    QListView *m_view = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QComboBox *m_clientCombo = nullptr;
    QStandardItemModel *m_clientItems = nullptr;   // the combo's model
    QHash<quint64, QStandardItem *> m_clientChoices;   // id -> its item, but "All clients"
    QToolButton *m_hexButton = nullptr;
    QToolButton *m_followButton = nullptr;
    QToolButton *m_clearButton = nullptr;
    QToolButton *m_saveButton = nullptr;
    QLabel *m_countLabel = nullptr;
    QTimer *m_filterDelay = nullptr;
    qint64 m_unseen = 0;
};
