// SPDX-License-Identifier: MIT
#include "rules/rulespanel.h"

#include "widgets/jsonfiledialog.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/displaytext.h"
#include "rules/rulerunner.h"
#include "rules/rulesmodel.h"
#include "widgets/hexinput.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
const QString SETTINGS_KEY = u"rules"_s;

/** "10.0.0.0/8, #3 ::1" as the entries of a rule's "from". */
QStringList fromEntries(const QString &text)
{
    return text.split(QRegularExpression(u"[,;\\s]+"_s), Qt::SkipEmptyParts);
}

/** An optional field's line edit: empty is "none". */
std::optional<QString> optionalText(const QString &text)
{
    return text.isEmpty() ? std::nullopt : std::optional<QString>(text);
}

QString bytesText(const QByteArray &bytes)
{
    return RulesPanel::tr("“%1”").arg(DisplayText::escaped(bytes));
}
} // namespace

RulesPanel::RulesPanel(RuleRunner *runner, RuleSet::Side side, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_side(side)
    , m_model(new RulesModel(side, this))
{
    setObjectName(u"rulesPanel"_s);
    m_model->setRules(runner->rules().rules());
    m_model->setHits(runner->hits());
    buildTable();
    layOut();
    connectControls();
    fillForm();
    updateButtons();
    updateTry();
}

// ---- The panel's parts ----------------------------------------------------

void RulesPanel::buildTable()
{
    m_view = new QTableView(this);
    m_view->setObjectName(u"rulesView"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setCornerButtonEnabled(false);   // one rule at a time: nothing to select all of
    if (auto *corner = m_view->findChild<QAbstractButton *>())   // the view's own corner button: no name to ask for
        corner->hide();
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setAlternatingRowColors(true);
    m_view->setToolTip(tr("The rules, tried in order on every message received; select one to edit it below"));
    QHeaderView *header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(RulesModel::EnabledColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RulesModel::HitsColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RulesModel::ActionsColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(24);
    // Narrow on purpose: the actions, the longest words, get what is left; every cell's tooltip is its whole text.
    const QFontMetrics fm(m_view->font());
    header->resizeSection(RulesModel::NameColumn, fm.horizontalAdvance(u"rule name"_s) + 12);
    header->resizeSection(RulesModel::MatchColumn, fm.horizontalAdvance(u"regex: ^PING (\\d"_s) + 12);
    header->resizeSection(RulesModel::FromColumn, fm.horizontalAdvance(u"anyone"_s) + 12);
    m_view->verticalHeader()->setDefaultSectionSize(fm.height() + 8);
    m_view->setMinimumHeight(header->sizeHint().height() + 3 * (fm.height() + 8) + 2 * m_view->frameWidth());
}

QLayout *RulesPanel::buildButtons()
{
    const auto button = [this](const QString &text, const QString &name, const QString &toolTip) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(toolTip);
        b->setAutoDefault(false);
        return b;
    };
    m_addButton = button(tr("&Add"), u"addRuleButton"_s, tr("Add a rule after the selected one"));
    m_removeButton = button(tr("Remo&ve"), u"removeRuleButton"_s, tr("Remove the selected rule"));
    m_importButton = button(tr("&Import…"), u"importRulesButton"_s, tr("Replace the rules with those of a rules file (JSON)"));
    m_exportButton = button(tr("E&xport…"), u"exportRulesButton"_s, tr("Write the running rules to a rules file (JSON)"));
    const auto arrow = [this](QStyle::StandardPixmap icon, const QString &text, const QString &name, const QString &toolTip) {
        auto *b = new QToolButton(this);
        b->setObjectName(name);
        b->setIcon(style()->standardIcon(icon));
        b->setText(text);
        b->setToolTip(toolTip);
        return b;
    };
    m_upButton = arrow(QStyle::SP_ArrowUp, tr("Move up"), u"moveRuleUpButton"_s, tr("Move the selected rule up: it is tried earlier"));
    m_downButton = arrow(QStyle::SP_ArrowDown, tr("Move down"), u"moveRuleDownButton"_s,
                         tr("Move the selected rule down: it is tried later"));
    auto *row = new QHBoxLayout;
    row->addWidget(m_addButton);
    row->addWidget(m_removeButton);
    row->addWidget(m_upButton);
    row->addWidget(m_downButton);
    row->addStretch(1);
    row->addWidget(m_importButton);
    row->addWidget(m_exportButton);
    return row;
}

QGroupBox *RulesPanel::buildForm()
{
    m_form = new QGroupBox(tr("Selected rule"), this);
    m_form->setObjectName(u"ruleForm"_s);
    const auto edit = [this](const QString &name, const QString &placeholder, const QString &toolTip) {
        auto *e = new QLineEdit(m_form);
        e->setObjectName(name);
        e->setPlaceholderText(placeholder);
        e->setToolTip(toolTip);
        e->setClearButtonEnabled(true);
        return e;
    };
    m_nameEdit = edit(u"ruleNameEdit"_s, QString(), tr("The rule's name: the log names it on what the rule sends"));
    m_kindCombo = new QComboBox(m_form);
    m_kindCombo->setObjectName(u"ruleKindCombo"_s);
    for (Rule::MatchKind kind : { Rule::MatchKind::Contains, Rule::MatchKind::Text, Rule::MatchKind::Regex, Rule::MatchKind::Hex })
        m_kindCombo->addItem(RulesModel::kindText(kind), int(kind));
    m_kindCombo->setToolTip(tr("How the pattern is compared: a part of the message, the whole message, a regular expression "
                               "(its groups are \\1 .. \\9 in the actions), or the first bytes in hex (?? is any byte)"));
    m_patternEdit = edit(u"rulePatternEdit"_s, tr("pattern"), tr("What the message must contain, be or match"));
    m_fromEdit = edit(u"ruleFromEdit"_s, tr("anyone"),
                      m_side == RuleSet::Side::Server ? tr("Only messages of these senders: subnets (10.0.0.0/8, ::1) or client "
                                                           "numbers (#3), separated by commas; empty: anyone")
                                                      : tr("Only when the server's address is in one of these subnets "
                                                           "(10.0.0.0/8, ::1), separated by commas; empty: always"));
    m_replyEdit = edit(u"ruleReplyEdit"_s, tr("none"),
                       tr("Sent back to the sender: a template; \\0 is what matched, \\1 .. \\9 the regex groups, "
                          "{counter} the rule's hits, {client} the sender"));
    m_broadcastEdit = edit(u"ruleBroadcastEdit"_s, tr("none"), tr("Sent to every client: a template, as the reply"));
    m_relayCheck = new QCheckBox(tr("&Relay the message"), m_form);
    m_relayCheck->setObjectName(u"ruleRelayCheck"_s);
    m_relayCheck->setToolTip(tr("Off: the message is logged but not relayed to the other clients"));
    m_disconnectEdit = edit(u"ruleDisconnectEdit"_s, tr("none: stays connected"),
                            m_side == RuleSet::Side::Server ? tr("Disconnect the sender, with this reason")
                                                            : tr("Disconnect from the server, with this reason"));
    m_tagEdit = edit(u"ruleTagEdit"_s, tr("none"), tr("A word shown with the message in the log"));
    m_delaySpin = new QSpinBox(m_form);
    m_delaySpin->setObjectName(u"ruleDelaySpin"_s);
    m_delaySpin->setRange(0, RuleSet::MaxDelayMs);
    m_delaySpin->setSingleStep(100);
    m_delaySpin->setSuffix(tr(" ms"));
    m_delaySpin->setToolTip(tr("The reply, broadcast and disconnect wait this long (0 .. %1 ms)").arg(RuleSet::MaxDelayMs));
    m_continueCheck = new QCheckBox(tr("&Then try the next rules"), m_form);
    m_continueCheck->setObjectName(u"ruleContinueCheck"_s);
    m_continueCheck->setToolTip(tr("Off: the first rule that matches is the only one applied"));

    const auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, m_form);
        l->setBuddy(buddy);
        return l;
    };
    auto *nameFrom = new QHBoxLayout;
    nameFrom->addWidget(m_nameEdit, 1);
    nameFrom->addWidget(label(tr("&From:"), m_fromEdit));
    nameFrom->addWidget(m_fromEdit, 1);
    auto *match = new QHBoxLayout;
    match->addWidget(m_kindCombo);
    match->addWidget(m_patternEdit, 1);
    auto *tagDelay = new QHBoxLayout;
    tagDelay->addWidget(m_tagEdit, 1);
    tagDelay->addWidget(label(tr("&Delay:"), m_delaySpin));
    tagDelay->addWidget(m_delaySpin);
    auto *checks = new QHBoxLayout;
    checks->addWidget(m_relayCheck);
    checks->addWidget(m_continueCheck);
    checks->addStretch(1);
    auto *form = new QFormLayout(m_form);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(label(tr("&Name:"), m_nameEdit), nameFrom);
    form->addRow(label(tr("&Match:"), m_patternEdit), match);
    form->addRow(tr("Re&ply:"), m_replyEdit);
    form->addRow(tr("&Broadcast:"), m_broadcastEdit);
    form->addRow(tr("Dis&connect:"), m_disconnectEdit);
    form->addRow(label(tr("Ta&g:"), m_tagEdit), tagDelay);
    form->addRow(checks);
    if (m_side == RuleSet::Side::Client) {
        // A client has no one to broadcast or relay to.
        form->setRowVisible(m_broadcastEdit, false);
        m_relayCheck->hide();
    }
    return m_form;
}

QLayout *RulesPanel::buildTry()
{
    m_tryEdit = new QLineEdit(this);
    m_tryEdit->setObjectName(u"ruleTryEdit"_s);
    m_tryEdit->setPlaceholderText(tr("Try a message: type one to see which rules match"));
    m_tryEdit->setToolTip(tr("A message as it would arrive: says which running rules match it and what they would send; "
                             "nothing is sent or counted"));
    m_tryEdit->setClearButtonEnabled(true);
    m_tryHexCheck = new QCheckBox(tr("Hex"), this);
    m_tryHexCheck->setObjectName(u"ruleTryHexCheck"_s);
    m_tryHexCheck->setToolTip(tr("Read the message as hexadecimal bytes, e.g. ff 01 00"));
    m_tryResult = new QLabel(this);
    m_tryResult->setObjectName(u"ruleTryResult"_s);
    m_tryResult->setTextFormat(Qt::PlainText);
    m_tryResult->setWordWrap(true);
    m_tryResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *tryRow = new QHBoxLayout;
    tryRow->addWidget(m_tryEdit, 1);
    tryRow->addWidget(m_tryHexCheck);
    auto *layout = new QVBoxLayout;
    layout->addLayout(tryRow);
    layout->addWidget(m_tryResult);
    return layout;
}

void RulesPanel::layOut()
{
    m_errorLabel = UiText::problemLabel(this, u"rulesErrorLabel"_s);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The table above, the form below: a splitter gives the table room when there are many rules.
    auto *below = new QWidget(this);
    auto *belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 0, 0, 0);
    belowLayout->addLayout(buildButtons());
    belowLayout->addWidget(buildForm());
    belowLayout->addWidget(m_errorLabel);
    belowLayout->addLayout(buildTry());
    belowLayout->addStretch(1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"rulesSplitter"_s);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_view);
    splitter->addWidget(below);
    splitter->setStretchFactor(0, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

void RulesPanel::connectControls()
{
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        fillForm();
        updateButtons();
    });
    connect(m_model, &RulesModel::rulesEdited, this, &RulesPanel::check);
    connect(m_runner, &RuleRunner::ruleHit, this, [this](int rule, quint64 hits) {
        if (m_inSync)
            m_model->noteHit(rule, hits);
    });
    connect(m_addButton, &QPushButton::clicked, this, &RulesPanel::addRule);
    connect(m_removeButton, &QPushButton::clicked, this, &RulesPanel::removeRule);
    connect(m_upButton, &QToolButton::clicked, this, [this] { moveRule(-1); });
    connect(m_downButton, &QToolButton::clicked, this, [this] { moveRule(+1); });
    connect(m_importButton, &QPushButton::clicked, this, &RulesPanel::openImportDialog);
    connect(m_exportButton, &QPushButton::clicked, this, &RulesPanel::openExportDialog);

    connect(m_nameEdit, &QLineEdit::textEdited, this, [this](const QString &text) { editCurrent([&](Rule &r) { r.name = text; }); });
    connect(m_kindCombo, &QComboBox::currentIndexChanged, this, [this] {
        editCurrent([&](Rule &r) { r.kind = Rule::MatchKind(m_kindCombo->currentData().toInt()); });
    });
    connect(m_patternEdit, &QLineEdit::textChanged, this, [this](const QString &text) { editCurrent([&](Rule &r) { r.pattern = text; }); });
    connect(m_fromEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        editCurrent([&](Rule &r) { r.from = fromEntries(text); });
    });
    connect(m_replyEdit, &QLineEdit::textChanged, this, [this](const QString &text) { editCurrent([&](Rule &r) { r.reply = optionalText(text); }); });
    connect(m_broadcastEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        editCurrent([&](Rule &r) { r.broadcast = optionalText(text); });
    });
    connect(m_disconnectEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        editCurrent([&](Rule &r) { r.disconnect = optionalText(text); });
    });
    connect(m_relayCheck, &QCheckBox::toggled, this, [this](bool on) {
        // Said only when it differs from the default (relayed unless the rule disconnects), as a rules file would.
        editCurrent([&](Rule &r) {
            r.relay.reset();
            if (r.relays() != on)
                r.relay = on;
        });
    });
    connect(m_tagEdit, &QLineEdit::textChanged, this, [this](const QString &text) { editCurrent([&](Rule &r) { r.tag = text.trimmed(); }); });
    connect(m_delaySpin, &QSpinBox::valueChanged, this, [this](int ms) { editCurrent([&](Rule &r) { r.delayMs = ms; }); });
    connect(m_continueCheck, &QCheckBox::toggled, this, [this](bool on) { editCurrent([&](Rule &r) { r.continues = on; }); });

    connect(m_tryEdit, &QLineEdit::textChanged, this, &RulesPanel::updateTry);
    connect(m_tryHexCheck, &QCheckBox::toggled, this, &RulesPanel::updateTry);
}

QList<QWidget *> RulesPanel::focusChain() const
{
    return { m_view,        m_addButton,      m_removeButton,   m_upButton,   m_downButton,    m_importButton,
             m_exportButton, m_nameEdit,      m_kindCombo,      m_patternEdit, m_fromEdit,     m_replyEdit,
             m_broadcastEdit, m_disconnectEdit, m_tagEdit,      m_delaySpin,  m_relayCheck,    m_continueCheck,
             m_tryEdit,     m_tryHexCheck };
}

// ---- Rules in and out -----------------------------------------------------

void RulesPanel::setRules(const RuleSet &rules)
{
    m_model->setRules(rules.rules());
    check();
    selectRow(rules.isEmpty() ? -1 : 0);
}

void RulesPanel::load(const QSettings &settings, const std::optional<RuleSet> &fromCommandLine)
{
    if (fromCommandLine) {
        setRules(*fromCommandLine);
        return;
    }
    const QString saved = settings.value(SETTINGS_KEY).toString();
    if (saved.isEmpty())
        return;
    QString error;
    const auto rules = RuleSet::fromJson(saved.toUtf8(), m_side, &error);
    if (!rules) {
        showError(tr("The saved rules were not read: %1").arg(error));
        return;
    }
    setRules(*rules);
}

void RulesPanel::save(QSettings &settings) const
{
    // The running rules: a list still being typed, and refused, is not what the next start should run.
    if (m_runner->rules().isEmpty())
        settings.remove(SETTINGS_KEY);
    else
        settings.setValue(SETTINGS_KEY, QString::fromUtf8(m_runner->rules().toJson()));
}

bool RulesPanel::importFile(const QString &path)
{
    QString error;
    const auto rules = RuleSet::load(path, m_side, &error);
    if (!rules) {
        showError(tr("Not imported: %1").arg(error));
        emit statusMessagePosted(tr("Not imported: %1").arg(error));
        return false;
    }
    setRules(*rules);
    emit statusMessagePosted(tr("Imported %n rules from %1", nullptr, int(rules->size())).arg(QDir::toNativeSeparators(path)));
    return true;
}

bool RulesPanel::exportFile(const QString &path)
{
    QSaveFile file(path);
    const QByteArray json = m_runner->rules().toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        const QString text = tr("Not exported to %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        showError(text);
        emit statusMessagePosted(text);
        return false;
    }
    emit statusMessagePosted(m_inSync ? tr("Exported %n rules to %1", nullptr, int(m_runner->rules().size())).arg(QDir::toNativeSeparators(path))
                                      : tr("Exported the running rules to %1; the list as typed is not valid").arg(QDir::toNativeSeparators(path)));
    return true;
}

void RulesPanel::openImportDialog()
{
    JsonFileDialog::open(window(), JsonFileDialog::Purpose::Import, tr("Import rules"), tr("Rules"),
                         u"importRulesDialog"_s, [this](const QString &path) { importFile(path); });
}

void RulesPanel::openExportDialog()
{
    JsonFileDialog::open(window(), JsonFileDialog::Purpose::Export, tr("Export rules"), tr("Rules"),
                         u"exportRulesDialog"_s, [this](const QString &path) { exportFile(path); });
}

// ---- Editing --------------------------------------------------------------

int RulesPanel::currentRow() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void RulesPanel::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_view->selectionModel()->clearCurrentIndex();
        m_view->clearSelection();
    } else {
        m_view->selectionModel()->setCurrentIndex(m_model->index(row, RulesModel::NameColumn),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    fillForm();
    updateButtons();
}

void RulesPanel::fillForm()
{
    const int row = currentRow();
    const bool has = row >= 0 && row < m_model->rowCount();
    const Rule rule = has ? m_model->rule(row) : Rule();
    m_filling = true;
    m_form->setEnabled(has);
    m_nameEdit->setText(rule.name);
    m_kindCombo->setCurrentIndex(qMax(0, m_kindCombo->findData(int(rule.kind))));
    m_patternEdit->setText(rule.pattern);
    m_fromEdit->setText(rule.from.join(u", "_s));
    m_replyEdit->setText(rule.reply.value_or(QString()));
    m_broadcastEdit->setText(rule.broadcast.value_or(QString()));
    m_relayCheck->setChecked(rule.relays());
    m_disconnectEdit->setText(rule.disconnect.value_or(QString()));
    m_tagEdit->setText(rule.tag);
    m_delaySpin->setValue(rule.delayMs);
    m_continueCheck->setChecked(rule.continues);
    m_filling = false;
}

void RulesPanel::editCurrent(const std::function<void(Rule &)> &edit)
{
    const int row = currentRow();
    if (m_filling || row < 0 || row >= m_model->rowCount())
        return;
    Rule rule = m_model->rule(row);
    edit(rule);
    m_model->setRule(row, rule);
    if (!rule.relay) {
        // The default follows the disconnect field: the box shows what will happen.
        const QSignalBlocker blocker(m_relayCheck);
        m_relayCheck->setChecked(rule.relays());
    }
    check();
}

void RulesPanel::check()
{
    QString error;
    const auto rules = RuleSet::make(m_model->rules(), m_side, &error);
    if (!rules) {
        // The runner keeps what it ran; the table's hits stay as they were until the list is valid again.
        m_inSync = false;
        showError(error);
        updateButtons();
        return;
    }
    showError(QString());
    m_inSync = true;
    if (!(rules->rules() == m_runner->rules().rules())) {
        m_runner->setRules(*rules);
        emit rulesApplied();
    }
    m_model->setHits(m_runner->hits());
    updateButtons();
    updateTry();
}

void RulesPanel::showError(const QString &text)
{
    m_errorLabel->setText(text);
    m_errorLabel->setToolTip(text);
    m_errorLabel->setVisible(!text.isEmpty());
}

QString RulesPanel::errorText() const
{
    return m_errorLabel->text();
}

void RulesPanel::updateButtons()
{
    const int row = currentRow();
    const int count = m_model->rowCount();
    m_removeButton->setEnabled(row >= 0);
    m_upButton->setEnabled(row > 0);
    m_downButton->setEnabled(row >= 0 && row < count - 1);
    m_exportButton->setEnabled(!m_runner->rules().isEmpty());
}

void RulesPanel::addRule()
{
    // A name no other rule has: the log tells rules apart by it.
    QSet<QString> names;
    for (const Rule &rule : m_model->rules())
        names.insert(rule.name);
    int n = m_model->rowCount() + 1;
    while (names.contains(tr("rule %1").arg(n)))
        ++n;
    Rule rule;
    rule.name = tr("rule %1").arg(n);
    const int row = currentRow() < 0 ? m_model->rowCount() : currentRow() + 1;
    m_model->insertRule(row, rule);
    selectRow(row);
    check();
    m_patternEdit->setFocus(Qt::OtherFocusReason);
}

void RulesPanel::removeRule()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeRule(row);
    selectRow(qMin(row, m_model->rowCount() - 1));
    check();
}

void RulesPanel::moveRule(int by)
{
    const int row = currentRow();
    const int to = row + by;
    if (row < 0 || to < 0 || to >= m_model->rowCount())
        return;
    m_model->moveRule(row, to);
    selectRow(to);
    check();
}

// ---- Try a message --------------------------------------------------------

void RulesPanel::updateTry()
{
    const QString text = m_tryEdit->text();
    if (text.isEmpty()) {
        m_tryResult->clear();
        m_tryResult->hide();
        return;
    }
    m_tryResult->show();
    const auto message = HexInput::composed(text, m_tryHexCheck->isChecked());
    if (!message) {
        m_tryResult->setText(tr("Not hexadecimal bytes"));
        return;
    }
    const RuleSet::Outcome outcome = m_runner->tryMessage(*message);
    if (!outcome.matched()) {
        m_tryResult->setText(tr("No rule matches"));
        return;
    }
    const QList<Rule> &rules = m_runner->rules().rules();
    QStringList lines;
    for (const RuleSet::Firing &firing : outcome.firings) {
        QStringList does;
        if (firing.reply)
            does.append(tr("reply %1").arg(bytesText(*firing.reply)));
        if (firing.broadcast)
            does.append(tr("broadcast %1").arg(bytesText(*firing.broadcast)));
        if (firing.disconnect)
            does.append(firing.disconnect->isEmpty() ? tr("disconnect") : tr("disconnect: %1").arg(*firing.disconnect));
        if (firing.delayMs > 0)
            does.append(tr("after %1 ms").arg(firing.delayMs));
        const QString name = firing.rule >= 0 && firing.rule < rules.size() ? rules.at(firing.rule).name : QString();
        lines.append(does.isEmpty() ? tr("Rule “%1” matches").arg(name)
                                    : tr("Rule “%1” matches: %2").arg(name, does.join(RulesModel::listSeparator())));
    }
    if (m_side == RuleSet::Side::Server)
        lines.append(outcome.relay ? tr("The message is relayed") : tr("The message is not relayed"));
    if (!outcome.tag.isEmpty())
        lines.append(tr("Tagged %1").arg(outcome.tag));
    m_tryResult->setText(lines.join(u'\n'));
}

QString RulesPanel::tryText() const
{
    return m_tryResult->text();
}
