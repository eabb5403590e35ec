// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

#include <functional>
#include <optional>

#include "rules/ruleset.h"

class RuleRunner;
class RulesModel;
class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QTableView;
class QToolButton;

/**
 * The Rules tab of both windows: the rules of one RuleRunner in a table,
 * a form for the selected one, import and export of a rules file, and a
 * "Try a message" field that says what the running rules would do.
 *
 * Every edit is checked at once with RuleSet::make(): a list it takes runs
 * on the runner at once (rulesApplied()); one it refuses is shown as it is
 * typed, its error in red under the form, while the runner keeps the last
 * list it took. On the client side the server-only fields (broadcast,
 * relay) are hidden.
 */
class RulesPanel : public QWidget
{
    Q_OBJECT

public:
    RulesPanel(RuleRunner *runner, RuleSet::Side side, QWidget *parent = nullptr);

    RuleRunner *runner() const { return m_runner; }
    RulesModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    /** What RuleSet::make() said of the list as typed, or why an import failed; empty when all is well. */
    QString errorText() const;
    /** What the Try field says now. */
    QString tryText() const;

    /** Shows @p rules and runs them: the list in the table is replaced. */
    void setRules(const RuleSet &rules);
    /**
     * The rules at start: @p fromCommandLine (--rules) when given, else the
     * rules saved under "rules" in @p settings (the window's group). Saved
     * rules that no longer read are not run; the error label says why.
     */
    void load(const QSettings &settings, const std::optional<RuleSet> &fromCommandLine);
    /** The running rules as a rules file's JSON under "rules" in @p settings (the window's group). */
    void save(QSettings &settings) const;
    /** Reads a rules file and runs it; on failure nothing changes and the error label says why. */
    bool importFile(const QString &path);
    /** Writes the running rules as a rules file; on failure the error label says why. */
    bool exportFile(const QString &path);

    /** The controls in tab order, for the window's tab chain. */
    QList<QWidget *> focusChain() const;

signals:
    /** The runner runs a new list (an edit RuleSet::make() took, an import): time to save it. */
    void rulesApplied();
    /** Something for the status bar. */
    void statusMessagePosted(const QString &text);

private:
    void buildTable();
    QLayout *buildButtons();
    QGroupBox *buildForm();
    QLayout *buildTry();
    void layOut();
    void connectControls();

    int currentRow() const;
    void selectRow(int row);
    /** The selected rule into the form, without it counting as an edit. */
    void fillForm();
    /** @p edit applied to the selected rule, then the list checked. */
    void editCurrent(const std::function<void(Rule &)> &edit);
    /** The whole list checked; run if RuleSet::make() takes it, else its error shown. */
    void check();
    void showError(const QString &text);
    void updateButtons();
    void updateTry();
    void addRule();
    void removeRule();
    void moveRule(int by);
    void openImportDialog();
    void openExportDialog();

    RuleRunner *m_runner;
    RuleSet::Side m_side;
    RulesModel *m_model = nullptr;
    bool m_inSync = true;     // the table's list is the one the runner runs: its hits are the table's
    bool m_filling = false;   // the form is being filled, not edited

    QTableView *m_view = nullptr;
    QPushButton *m_addButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QToolButton *m_upButton = nullptr;
    QToolButton *m_downButton = nullptr;
    QPushButton *m_importButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QGroupBox *m_form = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QComboBox *m_kindCombo = nullptr;
    QLineEdit *m_patternEdit = nullptr;
    QLineEdit *m_fromEdit = nullptr;
    QLineEdit *m_replyEdit = nullptr;
    QLineEdit *m_broadcastEdit = nullptr;
    QCheckBox *m_relayCheck = nullptr;
    QLineEdit *m_disconnectEdit = nullptr;
    QLineEdit *m_tagEdit = nullptr;
    QSpinBox *m_delaySpin = nullptr;
    QCheckBox *m_continueCheck = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLineEdit *m_tryEdit = nullptr;
    QCheckBox *m_tryHexCheck = nullptr;
    QLabel *m_tryResult = nullptr;
};
