// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QWidget>

#include <functional>

#include "core/messagetemplate.h"
#include "rules/savedmessages.h"

class SavedMessagesModel;
class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QToolButton;

/**
 * The saved messages of a window: a list of named messages (a template,
 * text or hex, sent once or repeated), an editor for the selected one, and
 * Send (the button, a double-click, or Ctrl+1 .. Ctrl+9 for the first nine).
 * It knows neither a server nor a client: what it sends goes through the
 * window's Send function, which decides to whom. A template that cannot be
 * expanded is refused where it is typed, and that message cannot be sent
 * until it is fixed.
 */
class SavedMessagesPanel : public QWidget
{
    Q_OBJECT

public:
    /** Sends one message; false if it could not go (the window says why). */
    using Send = std::function<bool(const MessageTemplate &, quint64 sequence)>;

    /** @p textSyntax: how a text message's template is read (Plain on the server, Seed on the client). */
    explicit SavedMessagesPanel(MessageTemplate::Syntax textSyntax, QWidget *parent = nullptr);
    ~SavedMessagesPanel() override;

    void setSend(Send send) { m_send = std::move(send); }
    /** A reason of the window's own to refuse a template ({client} on the client); empty: fine. */
    void setCheck(std::function<QString(const MessageTemplate &)> check);

    SavedMessagesModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QList<SavedMessage> messages() const;
    void setMessages(const QList<SavedMessage> &messages);

    /** The list as the settings keep it (SavedMessages::toJson). */
    QByteArray toJson() const;
    /**
     * The list from toJson()'s text. A message whose template no longer
     * parses is kept, marked, so that it can be fixed; false if the text is
     * not such a list at all (nothing changes).
     */
    bool restoreJson(const QByteArray &json);

    /** The row selected in the list, -1 if none. */
    int currentRow() const;
    void setCurrentRow(int row);

    /** Sends row @p row: once, or as a sequence when it repeats. False if it cannot (said by statusMessagePosted). */
    bool sendRow(int row);
    /** Stops the sequence being sent, if any. */
    void stop();
    bool isSending() const;

    /** Adds the messages of a saved-messages file to the list; on failure says why and changes nothing. */
    bool importFrom(const QString &path);
    /** Writes the list to a saved-messages file. */
    bool exportTo(const QString &path);

    /** Where Send sends, shown beside it ("To all clients"); empty shows nothing. */
    void setTargetText(const QString &text);

    /** Actions "Send saved message 1" .. "9" (Ctrl+1 .. Ctrl+9) in @p menu: they work whichever tab is shown. */
    void addSendActions(QMenu *menu);

signals:
    void statusMessagePosted(const QString &text);
    /** The list changed: what the window saves. */
    void messagesChanged();

private:
    QWidget *buildList();
    QWidget *buildEditor();
    QWidget *buildProgress();
    void connectControls();

    void addMessage();
    void removeCurrent();
    void moveCurrent(int by);
    void importWithDialog();
    void exportWithDialog();
    /** The editor's fields to the selected message. */
    void applyEditor();
    /** The selected message to the editor's fields. */
    void showCurrent();
    void updateButtons();
    void updateSendActions();
    /** The message with @p key, sent once more: false if it cannot be. */
    bool sendOnce(quint64 key, const MessageTemplate &t);
    void onSequenceFinished(bool ok);

    SavedMessagesModel *m_model = nullptr;
    Send m_send;
    QTableView *m_view = nullptr;
    QPushButton *m_addButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QToolButton *m_upButton = nullptr;
    QToolButton *m_downButton = nullptr;
    QPushButton *m_importButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QWidget *m_editor = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QCheckBox *m_hexCheck = nullptr;
    QLineEdit *m_textEdit = nullptr;
    QSpinBox *m_repeatSpin = nullptr;
    QSpinBox *m_intervalSpin = nullptr;
    QLabel *m_problemLabel = nullptr;
    QPushButton *m_sendButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QLabel *m_targetLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QWidget *m_progressRow = nullptr;
    QList<QAction *> m_sendActions;
    MessageSequence *m_sequence = nullptr;   // the one being sent, if any
    QString m_sequenceName;
    bool m_showing = false;   // showCurrent() fills the fields: no applyEditor() back
};
