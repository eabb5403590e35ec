// SPDX-License-Identifier: MIT
#pragma once

#include "core/messagehook.h"
#include "rules/ruleset.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <map>

class EchoClient;
class SpreadServer;

/**
 * Runs a RuleSet on a SpreadServer or an EchoClient: installs itself as the
 * MessageHook, counts each rule's hits, and does the actions — replies and
 * broadcasts through the server's or the client's own sending (so they are
 * framed and logged like the operator's, with the rule named), disconnects,
 * and delayed actions on one timer. A delayed action for a client that has
 * left is dropped; at most MaxPending wait at once, more are dropped with a
 * warning.
 */
class RuleRunner : public QObject, public MessageHook
{
    Q_OBJECT

public:
    static constexpr int MaxPending = 10000;

    explicit RuleRunner(SpreadServer *server, QObject *parent = nullptr);
    explicit RuleRunner(EchoClient *client, QObject *parent = nullptr);
    ~RuleRunner() override;

    RuleSet::Side side() const { return m_rules.side(); }
    const RuleSet &rules() const { return m_rules; }
    /**
     * Replaces the rules. A rule with the same name and match as before keeps
     * its hits, others start from 0; delayed actions already decided still happen.
     */
    void setRules(const RuleSet &rules);
    /** Hits per rule, in rules() order. */
    const QList<quint64> &hits() const { return m_hits; }
    int pending() const { return int(m_pending.size()); }

    /** What the rules would do with @p message (the "try a message" field): nothing is counted or sent. */
    RuleSet::Outcome tryMessage(const QByteArray &message, const RuleSet::Sender &sender = {}) const;

    Verdict inspect(quint64 from, const QByteArray &message) override;
    void act() override;

signals:
    /** A rule matched; hits() has its new count. */
    void ruleHit(int rule, quint64 hits);
    void warning(const QString &text);

private:
    struct Action {
        quint64 client = 0;
        RuleSet::Firing firing;
        MessageCause cause;
    };
    void perform(const Action &action);
    void schedule(Action action);
    void onTimer();
    RuleSet::Sender senderOf(quint64 from) const;

    QPointer<SpreadServer> m_server;
    QPointer<EchoClient> m_client;
    RuleSet m_rules;
    QList<quint64> m_hits;
    QList<Action> m_now;                       // inspect() found them, act() does them
    std::multimap<qint64, Action> m_pending;   // by when, ms since the epoch
    QTimer m_timer;
    bool m_warnedFull = false;
};
