// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QSet>
#include <QTimer>

#include "rules/ruleset.h"

/**
 * The rules as the Rules panel edits them: one row per Rule, as written,
 * and each rule's hits. The list may be one RuleSet::make() refuses (the
 * panel says why); the hits are the runner's, for the rules it runs.
 *
 * Hits arrive one signal per matched message; noteHit() only marks the
 * row and a timer repaints the marked hit cells at most every
 * hitRefreshInterval() ms, so a flood of matches costs the view a few
 * repaints a second and never resets the model or the selection.
 */
class RulesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { EnabledColumn, NameColumn, MatchColumn, FromColumn, ActionsColumn, HitsColumn, ColumnCount };
    static constexpr int DefaultHitRefreshMs = 250;

    explicit RulesModel(RuleSet::Side side, QObject *parent = nullptr);

    RuleSet::Side side() const { return m_side; }
    const QList<Rule> &rules() const { return m_rules; }
    const Rule &rule(int row) const { return m_rules.at(row); }
    /** Replaces every row; the hits go to 0. */
    void setRules(const QList<Rule> &rules);
    /** Replaces the rule of @p row (one row changes). */
    void setRule(int row, const Rule &rule);
    void insertRule(int row, const Rule &rule);
    void removeRule(int row);
    /** Moves the rule of @p from to @p to (both rows of the list as it is). */
    void moveRule(int from, int to);

    quint64 hits(int row) const { return row < m_hits.size() ? m_hits.at(row) : 0; }
    /** Every row's hits at once, as the runner has them now (after setRules, all 0). */
    void setHits(const QList<quint64> &hits);
    /** Rule @p row has @p hits now: shown with the next refresh. */
    void noteHit(int row, quint64 hits);
    int hitRefreshInterval() const { return m_hitTimer.interval(); }
    void setHitRefreshInterval(int ms) { m_hitTimer.setInterval(ms); }

    /** The Match column's words: "regex: ^PING (\d+)$". */
    static QString matchText(const Rule &rule);
    /** A kind of match in the user's words, as the form's choice names it. */
    static QString kindText(Rule::MatchKind kind);
    /** What joins the parts of an action list: ", " in English, "、" in Chinese. */
    static QString listSeparator();
    /** The Actions column's words: "reply “PONG \1”, not relayed, after 100 ms". */
    static QString actionsText(const Rule &rule, RuleSet::Side side);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /** The user changed the list in the table itself (a rule's Enabled box). */
    void rulesEdited();

private:
    void refreshHits();

    RuleSet::Side m_side;
    QList<Rule> m_rules;
    QList<quint64> m_hits;   // parallel to m_rules
    QSet<int> m_dirtyHits;   // rows whose hit cell waits for the timer
    QTimer m_hitTimer;
};
