// SPDX-License-Identifier: MIT
#include "rules/rulerunner.h"

#include "core/echoclient.h"
#include "core/spreadserver.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

RuleRunner::RuleRunner(SpreadServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
    m_rules = *RuleSet::make({}, RuleSet::Side::Server);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RuleRunner::onTimer);
    server->setHook(this);
}

RuleRunner::RuleRunner(EchoClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_rules = *RuleSet::make({}, RuleSet::Side::Client);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RuleRunner::onTimer);
    client->setHook(this);
}

RuleRunner::~RuleRunner()
{
    if (m_server)
        m_server->setHook(nullptr);
    if (m_client)
        m_client->setHook(nullptr);
}

void RuleRunner::setRules(const RuleSet &rules)
{
    // A rule edited in place (same name and match) keeps its hits; what was decided before still happens.
    QList<quint64> hits(rules.size(), 0);
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const Rule &rule = rules.rules().at(i);
        for (qsizetype old = 0; old < m_rules.size(); ++old) {
            const Rule &was = m_rules.rules().at(old);
            if (was.name == rule.name && was.kind == rule.kind && was.pattern == rule.pattern) {
                hits[i] = m_hits.value(old);
                break;
            }
        }
    }
    m_rules = rules;
    m_hits = hits;
}

RuleSet::Sender RuleRunner::senderOf(quint64 from) const
{
    RuleSet::Sender sender;
    sender.client = from;
    if (!m_rules.needsAddress())
        return sender;   // looked up per message only when a rule asks (a hash lookup and an address copy)
    if (m_server && from != 0)
        sender.address = m_server->clientInfo(from).address;
    else if (m_client)
        sender.address = m_client->peerAddress();
    return sender;
}

RuleSet::Outcome RuleRunner::tryMessage(const QByteArray &message, const RuleSet::Sender &sender) const
{
    return m_rules.apply(message, sender, m_hits);
}

Verdict RuleRunner::inspect(quint64 from, const QByteArray &message)
{
    if (m_rules.isEmpty())
        return {};
    RuleSet::Outcome outcome = m_rules.apply(message, senderOf(from), m_hits);
    for (RuleSet::Firing &firing : outcome.firings) {
        const quint64 hits = ++m_hits[firing.rule];
        emit ruleHit(firing.rule, hits);
        if (!firing.reply && !firing.broadcast && !firing.disconnect)
            continue;
        const MessageCause cause { m_rules.rules().at(firing.rule).name, hits };
        Action action { from, std::move(firing), cause };
        if (action.firing.delayMs > 0)
            schedule(std::move(action));
        else
            m_now.append(std::move(action));
    }
    return Verdict { outcome.relay, outcome.tag };
}

void RuleRunner::act()
{
    if (m_now.isEmpty())
        return;
    const QList<Action> now = std::exchange(m_now, {});
    for (const Action &action : now)
        perform(action);
}

void RuleRunner::perform(const Action &action)
{
    const RuleSet::Firing &f = action.firing;
    if (m_server) {
        // A reply or a disconnect for a client that has left is dropped; a broadcast still goes.
        const bool present = m_server->hasClient(action.client);
        if (f.reply && present)
            m_server->sendTo(action.client, *f.reply, action.cause);
        if (f.broadcast)
            m_server->sendToAll(*f.broadcast, action.cause);
        if (f.disconnect && present)
            m_server->dropClient(action.client, *f.disconnect);
        return;
    }
    if (!m_client || m_client->state() != EchoClient::State::Connected)
        return;
    if (f.reply)
        m_client->send(*f.reply, action.cause);
    if (f.disconnect)
        m_client->disconnectFromServer(*f.disconnect);
}

void RuleRunner::schedule(Action action)
{
    if (int(m_pending.size()) >= MaxPending) {
        if (!m_warnedFull) {
            m_warnedFull = true;
            emit warning(tr("rule %1: %2 delayed actions are waiting already; more are dropped until they are done")
                                 .arg(action.cause.rule)
                                 .arg(MaxPending));
        }
        return;
    }
    const qint64 due = QDateTime::currentMSecsSinceEpoch() + action.firing.delayMs;
    m_pending.emplace(due, std::move(action));
    const qint64 first = m_pending.begin()->first;
    const int wait = int(std::max<qint64>(0, first - QDateTime::currentMSecsSinceEpoch()));
    if (!m_timer.isActive() || m_timer.remainingTime() > wait)
        m_timer.start(wait);
}

void RuleRunner::onTimer()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (!m_pending.empty() && m_pending.begin()->first <= now) {
        const Action action = std::move(m_pending.begin()->second);
        m_pending.erase(m_pending.begin());
        perform(action);
    }
    if (m_pending.empty())
        m_warnedFull = false;
    else
        m_timer.start(int(std::max<qint64>(0, m_pending.begin()->first - QDateTime::currentMSecsSinceEpoch())));
}
