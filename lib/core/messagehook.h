// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

/**
 * Why the server or the client sent a message of its own: empty for the
 * operator's, or the rule (lib/rules) whose action it is, with that rule's
 * hits so far. The log says it on the message's line.
 */
struct MessageCause {
    QString rule;
    quint64 hits = 0;

    bool isRule() const { return !rule.isEmpty(); }
};

/** What a hook decided about a received message. */
struct Verdict {
    bool relay = true;   ///< false: the server does not relay it (it is still logged)
    QString tag;         ///< shown with the message in every log; empty: none
};

/**
 * Looks at every message a SpreadServer or an EchoClient receives, before
 * it is relayed (rules/rulerunner.h is the one there is). inspect() decides;
 * act() follows once the message is relayed and logged, so what a hook sends
 * in answer comes after it in every log and on every other client's socket.
 */
class MessageHook
{
public:
    virtual ~MessageHook() = default;
    /** @p from is the client's id on the server, 0 on the client. */
    virtual Verdict inspect(quint64 from, const QByteArray &message) = 0;
    virtual void act() = 0;
};
