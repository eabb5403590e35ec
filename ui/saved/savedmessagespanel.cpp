// SPDX-License-Identifier: MIT
#include "saved/savedmessagespanel.h"

#include "widgets/jsonfiledialog.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "saved/savedmessagesmodel.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;


SavedMessagesPanel::SavedMessagesPanel(MessageTemplate::Syntax textSyntax, QWidget *parent)
    : QWidget(parent)
    , m_model(new SavedMessagesModel(textSyntax, this))
{
    setObjectName(u"savedMessagesPanel"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildList(), 1);
    layout->addWidget(buildEditor());
    layout->addWidget(buildProgress());

    // Ctrl+1 .. Ctrl+9: on the panel, and in the window's menu by addSendActions(), where they
    // work while another tab hides the panel.
    for (int row = 0; row < SavedMessagesModel::ShortcutCount; ++row) {
        auto *action = new QAction(this);
        action->setObjectName(u"sendSavedAction%1"_s.arg(row + 1));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)));
        connect(action, &QAction::triggered, this, [this, row] { sendRow(row); });
        addAction(action);
        m_sendActions.append(action);
    }
    connectControls();
    showCurrent();
    updateSendActions();
}

SavedMessagesPanel::~SavedMessagesPanel()
{
    if (m_sequence)
        m_sequence->disconnect(this);
}

QWidget *SavedMessagesPanel::buildList()
{
    auto *box = new QWidget(this);
    m_view = new QTableView(box);
    m_view->setObjectName(u"savedMessagesView"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);   // edited below, where a template is checked
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(SavedMessagesModel::MessageColumn, QHeaderView::Stretch);
    header->setHighlightSections(false);
    header->moveSection(SavedMessagesModel::ShortcutColumn, 0);   // the key first, as a menu shows it
    m_view->setToolTip(tr("Saved messages: double-click one, or press its key, to send it"));

    const auto button = [box](const QString &name, const QString &text, const QString &toolTip) {
        auto *b = new QPushButton(text, box);
        b->setObjectName(name);
        b->setToolTip(toolTip);
        b->setAutoDefault(false);
        return b;
    };
    const auto arrow = [box](const QString &name, Qt::ArrowType type, const QString &toolTip) {
        auto *b = new QToolButton(box);
        b->setObjectName(name);
        b->setArrowType(type);
        b->setToolTip(toolTip);
        return b;
    };
    // No mnemonics here: the Rules panel beside this one takes the same letters (Add, Name, Import).
    m_addButton = button(u"savedAddButton"_s, tr("Add"), tr("Add a message after the selected one"));
    m_removeButton = button(u"savedRemoveButton"_s, tr("Remove"), tr("Remove the selected message"));
    m_upButton = arrow(u"savedUpButton"_s, Qt::UpArrow, tr("Move the selected message up"));
    m_downButton = arrow(u"savedDownButton"_s, Qt::DownArrow, tr("Move the selected message down"));
    m_importButton = button(u"savedImportButton"_s, tr("Import…"), tr("Add the messages of a saved-messages file (JSON)"));
    m_exportButton = button(u"savedExportButton"_s, tr("Export…"), tr("Write these messages to a saved-messages file (JSON)"));
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_removeButton);
    buttons->addWidget(m_upButton);
    buttons->addWidget(m_downButton);
    buttons->addStretch(1);
    buttons->addWidget(m_importButton);
    buttons->addWidget(m_exportButton);

    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    return box;
}

QWidget *SavedMessagesPanel::buildEditor()
{
    m_editor = new QWidget(this);
    m_editor->setObjectName(u"savedEditor"_s);
    m_nameEdit = new QLineEdit(m_editor);
    m_nameEdit->setObjectName(u"savedNameEdit"_s);
    m_nameEdit->setToolTip(tr("The message's name in the list"));
    m_textEdit = new QLineEdit(m_editor);
    m_textEdit->setObjectName(u"savedTextEdit"_s);
    m_textEdit->setToolTip(tr("What is sent: text with tokens such as {counter}, {time}, {random:1-6}, {crc16-modbus}; "
                              "a literal brace is written {{"));
    m_hexCheck = new QCheckBox(tr("Hex"), m_editor);
    m_hexCheck->setObjectName(u"savedHexCheck"_s);
    m_hexCheck->setToolTip(tr("Read the message as hexadecimal bytes; tokens still work: 01 03 00 00 00 0a {crc16-modbus}"));
    m_repeatSpin = new QSpinBox(m_editor);
    m_repeatSpin->setObjectName(u"savedRepeatSpin"_s);
    m_repeatSpin->setRange(1, SavedMessages::MaxRepeat);
    m_repeatSpin->setSuffix(tr(" ×"));
    m_repeatSpin->setToolTip(tr("How many times Send sends it (1 to %1)").arg(QLocale().toString(SavedMessages::MaxRepeat)));
    m_intervalSpin = new QSpinBox(m_editor);
    m_intervalSpin->setObjectName(u"savedIntervalSpin"_s);
    m_intervalSpin->setRange(0, SavedMessages::MaxIntervalMs);
    m_intervalSpin->setSingleStep(100);
    m_intervalSpin->setSuffix(tr(" ms"));
    m_intervalSpin->setToolTip(tr("Milliseconds between repeats (0 to %1)").arg(QLocale().toString(SavedMessages::MaxIntervalMs)));
    m_problemLabel = UiText::problemLabel(m_editor, u"savedProblemLabel"_s);

    auto *textRow = new QHBoxLayout;
    textRow->addWidget(m_textEdit, 1);
    textRow->addWidget(m_hexCheck);
    auto *repeatRow = new QHBoxLayout;
    repeatRow->addWidget(m_repeatSpin);
    auto *everyLabel = new QLabel(tr("every"), m_editor);
    everyLabel->setBuddy(m_intervalSpin);
    repeatRow->addWidget(everyLabel);
    repeatRow->addWidget(m_intervalSpin);
    repeatRow->addStretch(1);
    // The rows that are layouts get their labels made here: addRow() gives a label a buddy only for a widget.
    auto *textLabel = new QLabel(tr("Message:"), m_editor);
    textLabel->setBuddy(m_textEdit);
    auto *repeatLabel = new QLabel(tr("Repeat:"), m_editor);
    repeatLabel->setBuddy(m_repeatSpin);
    auto *form = new QFormLayout(m_editor);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Name:"), m_nameEdit);
    form->addRow(textLabel, textRow);
    form->addRow(repeatLabel, repeatRow);
    form->addRow(m_problemLabel);
    return m_editor;
}

QWidget *SavedMessagesPanel::buildProgress()
{
    auto *row = new QWidget(this);
    m_sendButton = new QPushButton(tr("Send"), row);
    m_sendButton->setObjectName(u"savedSendButton"_s);
    m_sendButton->setIcon(style()->standardIcon(QStyle::SP_ArrowRight));
    m_sendButton->setAutoDefault(false);
    m_sendButton->setToolTip(tr("Send the selected message (double-click, or its key)"));
    m_targetLabel = new QLabel(row);
    m_targetLabel->setObjectName(u"savedTargetLabel"_s);
    m_targetLabel->setTextFormat(Qt::PlainText);
    m_targetLabel->setEnabled(false);   // greyed: a hint, not a control
    m_targetLabel->setVisible(false);
    m_progressRow = new QWidget(row);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName(u"savedProgress"_s);
    m_progress->setFormat(tr("%v of %m"));
    m_progress->setToolTip(tr("Messages of the sequence sent so far"));
    m_stopButton = new QPushButton(tr("Stop"), m_progressRow);
    m_stopButton->setObjectName(u"savedStopButton"_s);
    m_stopButton->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_stopButton->setAutoDefault(false);
    m_stopButton->setToolTip(tr("Stop sending the repeats"));
    auto *progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_progress, 1);
    progressLayout->addWidget(m_stopButton);
    m_progressRow->setVisible(false);   // while a sequence runs
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_sendButton);
    layout->addWidget(m_targetLabel);
    layout->addWidget(m_progressRow, 1);
    layout->addStretch(0);
    return row;
}

void SavedMessagesPanel::setTargetText(const QString &text)
{
    m_targetLabel->setText(text);
    m_targetLabel->setVisible(!text.isEmpty() && !isSending());
}

void SavedMessagesPanel::connectControls()
{
    connect(m_addButton, &QPushButton::clicked, this, &SavedMessagesPanel::addMessage);
    connect(m_removeButton, &QPushButton::clicked, this, &SavedMessagesPanel::removeCurrent);
    connect(m_upButton, &QToolButton::clicked, this, [this] { moveCurrent(-1); });
    connect(m_downButton, &QToolButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_importButton, &QPushButton::clicked, this, &SavedMessagesPanel::importWithDialog);
    connect(m_exportButton, &QPushButton::clicked, this, &SavedMessagesPanel::exportWithDialog);
    connect(m_sendButton, &QPushButton::clicked, this, [this] { sendRow(currentRow()); });
    connect(m_stopButton, &QPushButton::clicked, this, &SavedMessagesPanel::stop);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) { sendRow(index.row()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SavedMessagesPanel::showCurrent);
    // Every keystroke to the model: the reason a template is refused shows as it is typed.
    connect(m_nameEdit, &QLineEdit::textEdited, this, &SavedMessagesPanel::applyEditor);
    connect(m_textEdit, &QLineEdit::textEdited, this, &SavedMessagesPanel::applyEditor);
    connect(m_textEdit, &QLineEdit::returnPressed, this, [this] { sendRow(currentRow()); });
    connect(m_hexCheck, &QCheckBox::toggled, this, &SavedMessagesPanel::applyEditor);
    connect(m_repeatSpin, &QSpinBox::valueChanged, this, &SavedMessagesPanel::applyEditor);
    connect(m_intervalSpin, &QSpinBox::valueChanged, this, &SavedMessagesPanel::applyEditor);
    connect(m_model, &SavedMessagesModel::messagesChanged, this, [this] {
        updateSendActions();
        updateButtons();
        emit messagesChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &SavedMessagesPanel::showCurrent);
}

void SavedMessagesPanel::setCheck(std::function<QString(const MessageTemplate &)> check)
{
    m_model->setCheck(std::move(check));
    showCurrent();
}

QList<SavedMessage> SavedMessagesPanel::messages() const
{
    return m_model->messages();
}

void SavedMessagesPanel::setMessages(const QList<SavedMessage> &messages)
{
    m_model->setMessages(messages);
    if (!messages.isEmpty())
        setCurrentRow(0);
}

QByteArray SavedMessagesPanel::toJson() const
{
    return SavedMessages::toJson(m_model->messages());
}

bool SavedMessagesPanel::restoreJson(const QByteArray &json)
{
    // The settings also keep a message being fixed when the window closed: kept as typed, shown as refused.
    const auto messages = SavedMessages::fromJson(json, m_model->textSyntax(), nullptr,
                                                  SavedMessages::Templates::KeptAsTyped);
    if (!messages)
        return false;
    setMessages(*messages);
    return true;
}

int SavedMessagesPanel::currentRow() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void SavedMessagesPanel::setCurrentRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_view->selectionModel()->clear();
        showCurrent();
        return;
    }
    m_view->selectionModel()->setCurrentIndex(m_model->index(row, SavedMessagesModel::NameColumn),
                                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void SavedMessagesPanel::addMessage()
{
    SavedMessage message;
    message.name = tr("Message %1").arg(m_model->rowCount() + 1);
    const int row = currentRow() < 0 ? m_model->rowCount() : currentRow() + 1;
    m_model->insertMessage(row, message);
    setCurrentRow(row);
    m_textEdit->setFocus();
}

void SavedMessagesPanel::removeCurrent()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeMessage(row);
    setCurrentRow(qMin(row, m_model->rowCount() - 1));
}

void SavedMessagesPanel::moveCurrent(int by)
{
    const int row = currentRow();
    const int to = row + by;
    if (row < 0 || to < 0 || to >= m_model->rowCount())
        return;
    m_model->moveMessage(row, to);
    setCurrentRow(to);
}

void SavedMessagesPanel::applyEditor()
{
    const int row = currentRow();
    if (m_showing || row < 0)
        return;
    SavedMessage message = m_model->message(row);
    message.name = m_nameEdit->text();
    message.text = m_textEdit->text();
    message.hex = m_hexCheck->isChecked();
    message.repeat = m_repeatSpin->value();
    message.intervalMs = m_intervalSpin->value();
    m_model->setMessage(row, message);
    const QString problem = m_model->problem(row);
    m_problemLabel->setText(problem.isEmpty() ? QString() : tr("Cannot be sent: %1").arg(problem));
    m_problemLabel->setVisible(!problem.isEmpty());
    updateButtons();
}

void SavedMessagesPanel::showCurrent()
{
    const int row = currentRow();
    const bool has = row >= 0;
    const SavedMessage message = has ? m_model->message(row) : SavedMessage {};
    m_showing = true;   // the fields' own signals would write them back
    m_nameEdit->setText(message.name);
    m_textEdit->setText(message.text);
    m_hexCheck->setChecked(message.hex);
    m_repeatSpin->setValue(message.repeat);
    m_intervalSpin->setValue(message.intervalMs);
    m_showing = false;
    const QString problem = has ? m_model->problem(row) : QString();
    m_problemLabel->setText(problem.isEmpty() ? QString() : tr("Cannot be sent: %1").arg(problem));
    m_problemLabel->setVisible(!problem.isEmpty());
    m_editor->setEnabled(has);
    updateButtons();
}

void SavedMessagesPanel::updateButtons()
{
    const int row = currentRow();
    const bool has = row >= 0;
    m_removeButton->setEnabled(has);
    m_upButton->setEnabled(has && row > 0);
    m_downButton->setEnabled(has && row + 1 < m_model->rowCount());
    m_exportButton->setEnabled(m_model->rowCount() > 0);
    m_sendButton->setEnabled(has && m_model->problem(row).isEmpty() && !isSending());
    m_intervalSpin->setEnabled(m_repeatSpin->value() > 1);
}

void SavedMessagesPanel::updateSendActions()
{
    for (int row = 0; row < int(m_sendActions.size()); ++row) {
        QAction *action = m_sendActions.at(row);
        const bool has = row < m_model->rowCount();
        action->setEnabled(has);
        action->setText(has ? tr("Send “%1”").arg(m_model->message(row).name) : tr("Saved message %1").arg(row + 1));
    }
}

void SavedMessagesPanel::addSendActions(QMenu *menu)
{
    for (QAction *action : std::as_const(m_sendActions))
        menu->addAction(action);
}

bool SavedMessagesPanel::isSending() const
{
    return m_sequence != nullptr;
}

bool SavedMessagesPanel::sendRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return false;
    const SavedMessage message = m_model->message(row);
    const auto compiled = m_model->compiled(row);
    if (!compiled) {
        emit statusMessagePosted(tr("“%1” cannot be sent: %2").arg(message.name, m_model->problem(row)));
        return false;
    }
    if (isSending()) {
        emit statusMessagePosted(tr("“%1” is being sent: stop it first").arg(m_sequenceName));
        return false;
    }
    const quint64 key = m_model->keyAt(row);
    if (message.repeat <= 1)
        return sendOnce(key, *compiled);

    // The sequence counts its own sends from 1; the row's counter goes on from its last send.
    m_sequence = new MessageSequence({ message }, m_model->textSyntax(),
                                     [this, key](const MessageTemplate &t, quint64) { return sendOnce(key, t); }, this);
    m_sequenceName = message.name;
    connect(m_sequence, &MessageSequence::progress, this, [this](int sent, int total) {
        m_progress->setMaximum(total);
        m_progress->setValue(sent);
    });
    connect(m_sequence, &MessageSequence::finished, this, &SavedMessagesPanel::onSequenceFinished);
    m_progress->setMaximum(message.repeat);
    m_progress->setValue(0);
    m_progressRow->setVisible(true);
    m_targetLabel->setVisible(false);   // the progress takes its place
    updateButtons();
    m_sequence->start();
    return true;
}

bool SavedMessagesPanel::sendOnce(quint64 key, const MessageTemplate &t)
{
    const int row = m_model->rowOfKey(key);
    if (row < 0 || !m_send)
        return false;   // removed while its repeats were being sent
    return m_send(t, m_model->takeSequence(row));
}

void SavedMessagesPanel::stop()
{
    if (!m_sequence)
        return;
    const int sent = m_sequence->sent();
    const int total = m_sequence->total();
    m_sequence->disconnect(this);
    m_sequence->stop();
    m_sequence->deleteLater();
    m_sequence = nullptr;
    m_progressRow->setVisible(false);
    m_targetLabel->setVisible(!m_targetLabel->text().isEmpty());
    updateButtons();
    emit statusMessagePosted(tr("Stopped “%1” after %2 of %3").arg(m_sequenceName).arg(sent).arg(total));
}

void SavedMessagesPanel::onSequenceFinished(bool ok)
{
    const int total = m_sequence->total();
    // Emitted from inside the sequence: it goes once it has returned.
    m_sequence->disconnect(this);
    m_sequence->deleteLater();
    m_sequence = nullptr;
    m_progressRow->setVisible(false);
    m_targetLabel->setVisible(!m_targetLabel->text().isEmpty());
    updateButtons();
    // A send that failed said why (the window's Send did); that stays in sight.
    if (ok)
        emit statusMessagePosted(tr("Sent “%1” %2 times").arg(m_sequenceName).arg(total));
}

bool SavedMessagesPanel::importFrom(const QString &path)
{
    QString error;
    const auto messages = SavedMessages::load(path, m_model->textSyntax(), &error);
    if (!messages) {
        emit statusMessagePosted(tr("Could not import %1: %2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    const int first = m_model->rowCount();
    m_model->appendMessages(*messages);
    if (!messages->isEmpty())
        setCurrentRow(first);
    emit statusMessagePosted(tr("Imported %1 messages from %2").arg(messages->size()).arg(QDir::toNativeSeparators(path)));
    return true;
}

bool SavedMessagesPanel::exportTo(const QString &path)
{
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        const QByteArray json = toJson();
        ok = file.write(json) == json.size() && file.commit();
    }
    if (!ok) {
        emit statusMessagePosted(tr("Could not export to %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    emit statusMessagePosted(tr("Exported %1 messages to %2").arg(m_model->rowCount()).arg(QDir::toNativeSeparators(path)));
    return true;
}

void SavedMessagesPanel::importWithDialog()
{
    JsonFileDialog::open(window(), JsonFileDialog::Purpose::Import, tr("Import saved messages"), tr("Saved messages"),
                         u"importSavedDialog"_s, [this](const QString &path) { importFrom(path); });
}

void SavedMessagesPanel::exportWithDialog()
{
    JsonFileDialog::open(window(), JsonFileDialog::Purpose::Export, tr("Export saved messages"), tr("Saved messages"),
                         u"exportSavedDialog"_s, [this](const QString &path) { exportTo(path); });
}
