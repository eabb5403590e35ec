// SPDX-License-Identifier: MIT
#include "logview/logpanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QStandardItemModel>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "logdelegate.h"
#include "uilogging.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int FILTER_DELAY_MS = 120;   // typing a word refilters once, not per letter
} // namespace

LogPanel::LogPanel(LogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new LogFilterProxy(this))
{
    m_proxy->setSourceModel(model);
    buildFilterBar();
    buildView();
    layOut();
    connectControls();
    updateCount();
}

void LogPanel::buildFilterBar()
{
    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setObjectName(u"logFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMinimumWidth(m_filterEdit->fontMetrics().averageCharWidth() * 18);
    m_filterEdit->setToolTip(tr("Show only the lines that contain this text (in the message, the client or the address)"));

    m_clientCombo = new QComboBox(this);
    m_clientCombo->setObjectName(u"logClientFilter"_s);
    m_clientCombo->setToolTip(tr("Show only the lines of one client"));
    // Sized for a typical "#id address:port", not measured over every item: with a fleet
    // connected, AdjustToContents shaped the text of every client at each layout.
    m_clientCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_clientCombo->setMinimumContentsLength(24);
    m_clientItems = new QStandardItemModel(m_clientCombo);
    m_clientCombo->setModel(m_clientItems);
    m_clientCombo->addItem(tr("All clients"), QVariant::fromValue<quint64>(0));

    const auto makeButton = [this](const QString &name, const QString &text, const QString &tip, QStyle::StandardPixmap icon) {
        auto *button = new QToolButton(this);
        button->setObjectName(name);
        button->setText(text);
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        if (icon != QStyle::SP_CustomBase)
            button->setIcon(style()->standardIcon(icon));
        button->setAutoRaise(true);
        return button;
    };
    m_hexButton = makeButton(u"logHexButton"_s, tr("Hex"), tr("Show messages as hexadecimal bytes"), QStyle::SP_CustomBase);
    m_hexButton->setCheckable(true);
    m_followButton = makeButton(u"logFollowButton"_s, tr("Follow"),
                                tr("Keep the newest line in view; scrolling up pauses, scrolling to the bottom resumes"),
                                QStyle::SP_ArrowDown);
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_clearButton = makeButton(u"logClearButton"_s, tr("Clear"), tr("Clear the log (Ctrl+L)"), QStyle::SP_DialogResetButton);
    m_saveButton = makeButton(u"logSaveButton"_s, tr("Save…"),
                              tr("Save the lines shown as text or JSON Lines (Ctrl+S); its menu saves the messages as pcapng"),
                              QStyle::SP_DialogSaveButton);
    auto *saveMenu = new QMenu(m_saveButton);
    saveMenu->setObjectName(u"logSaveMenu"_s);
    QAction *saveText = saveMenu->addAction(tr("Save as text or JSON Lines…"), this, &LogPanel::saveWithDialog);
    saveText->setObjectName(u"logSaveTextAction"_s);
    QAction *saveCapture = saveMenu->addAction(tr("Save as pcapng…"), this, &LogPanel::saveCaptureWithDialog);
    saveCapture->setObjectName(u"logSavePcapngAction"_s);
    saveCapture->setToolTip(tr("Save the messages the log holds as pcapng, one TCP stream per client, for Wireshark"));
    m_saveButton->setMenu(saveMenu);
    m_saveButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(u"logCountLabel"_s);
    m_countLabel->setTextFormat(Qt::PlainText);
    m_countLabel->setToolTip(tr("Lines in the log; the oldest go once it holds %1").arg(QLocale().toString(qint64(m_model->capacity()))));
}

void LogPanel::buildView()
{
    m_view = new QListView(this);
    m_view->setObjectName(u"logView"_s);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new LogDelegate(m_view));
    m_view->setUniformItemSizes(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setWordWrap(false);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setToolTip(QString());   // rows have their own tooltips
    m_view->setWhatsThis(tr("Received messages are on the left in blue, sent ones on the right in green, events in grey."));
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copy = new QAction(tr("Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &LogPanel::copySelection);
    auto *selectAll = new QAction(tr("Select all"), m_view);
    selectAll->setShortcut(QKeySequence::SelectAll);
    selectAll->setShortcutContext(Qt::WidgetShortcut);
    connect(selectAll, &QAction::triggered, m_view, &QListView::selectAll);
    m_view->addActions({ copy, selectAll });
}

void LogPanel::layOut()
{
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_clientCombo);
    bar->addWidget(m_hexButton);
    bar->addWidget(m_followButton);
    bar->addWidget(m_clearButton);
    bar->addWidget(m_saveButton);
    bar->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    setTabOrder(m_filterEdit, m_clientCombo);
    setTabOrder(m_clientCombo, m_hexButton);
    setTabOrder(m_hexButton, m_followButton);
    setTabOrder(m_followButton, m_clearButton);
    setTabOrder(m_clearButton, m_saveButton);
    setTabOrder(m_saveButton, m_view);
}

void LogPanel::connectControls()
{
    m_filterDelay = new QTimer(this);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(FILTER_DELAY_MS);
    connect(m_filterDelay, &QTimer::timeout, this, [this] {
        m_proxy->setFilterText(m_filterEdit->text());
        updateCount();
        if (isFollowing())
            m_view->scrollToBottom();
    });
    connect(m_filterEdit, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_clientCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        const quint64 id = m_clientCombo->itemData(index).value<quint64>();
        m_proxy->setClientFilter(id == 0 ? QSet<quint64>() : QSet<quint64> { id });
        updateCount();
        if (isFollowing())
            m_view->scrollToBottom();
    });
    connect(m_hexButton, &QToolButton::toggled, m_model, &LogModel::setHexView);
    connect(m_model, &LogModel::hexViewChanged, m_hexButton, &QToolButton::setChecked);
    connect(m_model, &LogModel::hexViewChanged, m_view->viewport(), qOverload<>(&QWidget::update));
    connect(m_followButton, &QToolButton::toggled, this, [this](bool on) {
        if (on) {
            m_unseen = 0;
            m_view->scrollToBottom();
        }
        updateFollowText();
        emit followingChanged(on);
    });
    connect(m_clearButton, &QToolButton::clicked, this, &LogPanel::clearLog);
    connect(m_saveButton, &QToolButton::clicked, this, &LogPanel::saveWithDialog);
    connect(m_view->verticalScrollBar(), &QScrollBar::actionTriggered, this, &LogPanel::onScrollAction);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        if (!isFollowing())
            m_unseen += last - first + 1;
    });
    connect(m_model, &LogModel::batchAppended, this, &LogPanel::onBatch);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LogPanel::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &LogPanel::updateCount);
}

bool LogPanel::isFollowing() const
{
    return m_followButton->isChecked();
}

void LogPanel::setFollowing(bool follow)
{
    m_followButton->setChecked(follow);
}

void LogPanel::onBatch()
{
    updateCount();
    if (isFollowing())
        m_view->scrollToBottom();
    else
        updateFollowText();
}

void LogPanel::onScrollAction(int action)
{
    if (action == QAbstractSlider::SliderNoAction)
        return;
    // The slider position already reflects the action; its value does not yet.
    const QScrollBar *bar = m_view->verticalScrollBar();
    const bool atBottom = bar->sliderPosition() >= bar->maximum();
    if (atBottom != isFollowing())
        setFollowing(atBottom);
}

void LogPanel::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    if (m_proxy->isFiltering())
        m_countLabel->setText(tr("%1 of %2 lines").arg(QLocale().toString(shown), QLocale().toString(total)));
    else
        m_countLabel->setText(tr("%1 lines").arg(QLocale().toString(total)));
}

void LogPanel::updateFollowText()
{
    if (isFollowing() || m_unseen == 0)
        m_followButton->setText(tr("Follow"));
    else
        m_followButton->setText(tr("Follow (%1 new)").arg(QLocale().toString(m_unseen)));
}

// The choices are found by id in a hash, not by QComboBox::findData(), which
// walks every item: a connect storm of 10,000 made that quadratic.
void LogPanel::addClientChoice(quint64 id, const QString &label)
{
    if (m_clientChoices.contains(id))
        return;
    auto *item = new QStandardItem(label);
    item->setData(QVariant::fromValue(id), Qt::UserRole);
    m_clientChoices.insert(id, item);
    m_clientItems->appendRow(item);
}

void LogPanel::removeClientChoice(quint64 id)
{
    QStandardItem *item = m_clientChoices.value(id);
    if (!item || item->row() == m_clientCombo->currentIndex())
        return;   // the current choice stays, so that its lines stay shown
    m_clientChoices.remove(id);
    m_clientItems->removeRow(item->row());
}

void LogPanel::setClientFilterVisible(bool visible)
{
    m_clientCombo->setVisible(visible);
}

void LogPanel::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

void LogPanel::clearLog()
{
    m_model->clear();
    m_unseen = 0;
    updateFollowText();
    emit statusMessagePosted(tr("Log cleared"));
}

Log::Format LogPanel::formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return (suffix == u"jsonl"_s || suffix == u"json"_s || suffix == u"ndjson"_s) ? Log::Format::JsonLines
                                                                                 : Log::Format::Text;
}

bool LogPanel::saveTo(const QString &path, Log::Format format, QString *error)
{
    m_model->flush();
    QList<int> rows;
    if (m_proxy->isFiltering()) {
        rows.reserve(m_proxy->rowCount());
        for (int row = 0; row < m_proxy->rowCount(); ++row)
            rows.append(m_proxy->mapToSource(m_proxy->index(row, 0)).row());
    }
    QSaveFile file(path);
    QString reason;
    bool ok = file.open(QIODevice::WriteOnly);
    if (!ok)
        reason = file.errorString();
    else if (rows.isEmpty() && m_proxy->isFiltering())
        ok = true;   // nothing shown, nothing written
    else
        ok = m_model->write(&file, format, rows, &reason);
    if (ok && !file.commit()) {
        ok = false;
        reason = file.errorString();
    }
    if (!ok) {
        if (error)
            *error = reason;
        reportSaveError(path, reason);
        return false;
    }
    const int lines = m_proxy->isFiltering() ? int(rows.size()) : m_model->rowCount();
    emit statusMessagePosted(tr("Saved %1 lines to %2").arg(lines).arg(QDir::toNativeSeparators(path)));
    emit saved(path);
    return true;
}

void LogPanel::reportSaveError(const QString &path, const QString &reason)
{
    qCWarning(lcUi) << "cannot save the log to" << path << ":" << reason;
    emit statusMessagePosted(tr("Could not save the log to %1: %2").arg(QDir::toNativeSeparators(path), reason));
}

bool LogPanel::isCapturePath(const QString &path)
{
    return QFileInfo(path).suffix().compare(u"pcapng"_s, Qt::CaseInsensitive) == 0;
}

bool LogPanel::saveCaptureTo(const QString &path, QString *error)
{
    m_model->flush();
    QString reason;
    if (!m_model->writeCapture(path, &reason)) {
        if (error)
            *error = reason;
        reportSaveError(path, reason);
        return false;
    }
    emit statusMessagePosted(tr("Saved the log's messages as pcapng to %1").arg(QDir::toNativeSeparators(path)));
    emit saved(path);
    return true;
}

void LogPanel::saveWithDialog()
{
    openSaveDialog(false);
}

void LogPanel::saveCaptureWithDialog()
{
    openSaveDialog(true);
}

void LogPanel::openSaveDialog(bool capture)
{
    QSettings settings;
    const QString textFilter = tr("Text (*.txt *.log)");
    const QString jsonFilter = tr("JSON Lines (*.jsonl)");
    const QString pcapngFilter = tr("pcapng (*.pcapng)");
    auto *dialog = new QFileDialog(window(), capture ? tr("Save log as pcapng") : tr("Save log"));
    dialog->setObjectName(capture ? u"savePcapngDialog"_s : u"saveLogDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setNameFilters(capture ? QStringList { pcapngFilter } : QStringList { textFilter, jsonFilter });
    dialog->setDefaultSuffix(capture ? u"pcapng"_s : u"txt"_s);
    dialog->setDirectory(settings.value(u"log/lastDirectory"_s, QDir::homePath()).toString());
    if (!capture) {
        connect(dialog, &QFileDialog::filterSelected, dialog, [dialog, jsonFilter](const QString &filter) {
            dialog->setDefaultSuffix(filter == jsonFilter ? u"jsonl"_s : u"txt"_s);
        });
    }
    connect(dialog, &QFileDialog::fileSelected, this, [this, dialog, jsonFilter, capture](const QString &path) {
        QSettings().setValue(u"log/lastDirectory"_s, QFileInfo(path).absolutePath());
        if (capture) {
            saveCaptureTo(path);
            return;
        }
        const QString suffix = QFileInfo(path).suffix();
        Log::Format format = formatForPath(path);
        if (suffix.isEmpty() && dialog->selectedNameFilter() == jsonFilter)
            format = Log::Format::JsonLines;
        saveTo(path, format);
    });
    dialog->open();
}

void LogPanel::copySelection() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    lines.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows))
        lines.append(index.data(LogModel::LineRole).toString());
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(u'\n') + u'\n');
}

void LogPanel::addFileActions(QMenu *file)
{
    QAction *save = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save log…"), this,
                                    &LogPanel::saveWithDialog);
    save->setObjectName(u"saveAction"_s);
    save->setShortcut(QKeySequence::Save);
    QAction *saveCapture = file->addAction(tr("Save log as &pcapng…"), this, &LogPanel::saveCaptureWithDialog);
    saveCapture->setObjectName(u"savePcapngAction"_s);
}

void LogPanel::addEditActions(QMenu *edit)
{
    QAction *find = edit->addAction(tr("&Filter the log"), this, &LogPanel::focusFilter);
    find->setObjectName(u"findAction"_s);
    find->setShortcut(QKeySequence::Find);
    QAction *clear = edit->addAction(tr("&Clear the log"), this, &LogPanel::clearLog);
    clear->setObjectName(u"clearAction"_s);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
}
