// SPDX-License-Identifier: MIT
#pragma once

#include "core/messagetemplate.h"
#include "rules/regex.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

/*
 * Rules: what the server or the client does on its own when a message
 * arrives. A rules file is a JSON array of objects, tried in order; the
 * first rule that matches applies, and the next are tried only if it says
 * "continue": true.
 *
 *     [
 *       {"name": "ping",  "match": {"regex": "^PING (\\d+)$"}, "reply": "PONG \\1"},
 *       {"name": "quiet", "match": {"contains": "password"}, "relay": false},
 *       {"name": "kick",  "match": {"hex": "ff 01 ?? 00"}, "disconnect": "bad device"},
 *       {"name": "alarm", "match": {"regex": "TEMP=(\\d+)"}, "from": "10.0.0.0/8",
 *        "broadcast": "alarm from {client}: \\1", "tag": "alarm", "delayMs": 100, "continue": true}
 *     ]
 *
 * Keys of a rule (any other is refused):
 *     name       text; default "rule N"
 *     enabled    true (default) or false
 *     match      exactly one of
 *                  "text": the whole message,  "contains": a part of it,
 *                  "regex": a PCRE2 expression, QRegularExpression's syntax (rules/regex.h; \0 .. \9 in actions),
 *                  "hex": leading bytes, "??" any byte ("ff 01 ?? 00")
 *     from       a subnet ("10.0.0.0/8", "::1"), a client id ("#3", 3 on the server), or an array of them
 *     reply      a template (core/messagetemplate.h, Rule syntax) sent to the sender
 *     broadcast  a template sent to every client (server only)
 *     relay      false: the message is not relayed (server only; default: relayed unless the rule disconnects)
 *     disconnect the reason the sender is disconnected with (on the client: the client disconnects)
 *     tag        a word shown with the message in the logs
 *     delayMs    0 .. 60000: the reply, broadcast and disconnect wait this long
 *     continue   true: the rules after this one are tried too
 *
 * {counter} in an action counts that rule's hits; {client} is the sender's id.
 * What a rule sends is not seen by any rule: replies never loop.
 */

/** One rule as the file and the windows hold it: the words as written. */
struct Rule {
    enum class MatchKind { Text, Contains, Regex, Hex };

    QString name;
    bool enabled = true;
    MatchKind kind = MatchKind::Contains;
    QString pattern;
    QStringList from;
    std::optional<QString> reply;
    std::optional<QString> broadcast;
    std::optional<bool> relay;
    std::optional<QString> disconnect;
    QString tag;
    int delayMs = 0;
    bool continues = false;

    /** relay, or its default: relayed unless the rule disconnects. */
    bool relays() const { return relay.value_or(!disconnect.has_value()); }
    QJsonObject toJson() const;
    friend bool operator==(const Rule &, const Rule &) = default;
    static QString kindName(MatchKind kind);   ///< "text", "contains", "regex", "hex"
};

class RuleSet
{
    Q_DECLARE_TR_FUNCTIONS(RuleSet)

public:
    /** Where the rules run: a server relays and knows client ids, a client does not. */
    enum class Side { Server, Client };
    static constexpr int MaxDelayMs = 60000;

    /** Who sent a message. */
    struct Sender {
        quint64 client = 0;          ///< 0 on the client
        QHostAddress address;        ///< the client's on the server, the server's on the client
    };

    /** What one rule does to a message: its actions, expanded. */
    struct Firing {
        int rule = -1;                        ///< index in rules()
        std::optional<QByteArray> reply;
        std::optional<QByteArray> broadcast;
        std::optional<QString> disconnect;
        int delayMs = 0;
    };
    struct Outcome {
        bool relay = true;
        QString tag;                 ///< the tags of the rules that applied, joined with ","
        QList<Firing> firings;       ///< in rule order; empty: no rule matched
        bool matched() const { return !firings.isEmpty(); }
    };

    RuleSet() = default;

    /**
     * @p rules checked and compiled for @p side; nothing if one is wrong, and
     * @p error names it and says why (@p errorRule: its index).
     */
    static std::optional<RuleSet> make(const QList<Rule> &rules, Side side, QString *error = nullptr,
                                       int *errorRule = nullptr);
    /** A rules file's text (a JSON array); errors name the rule ("rule “ping”: unknown key “foo”"). */
    static std::optional<RuleSet> fromJson(const QByteArray &json, Side side, QString *error = nullptr);
    /** A rules file; errors begin with the file's name. */
    static std::optional<RuleSet> load(const QString &fileName, Side side, QString *error = nullptr);
    /** One rule from its JSON object; @p index names it when it has no name. */
    static std::optional<Rule> ruleFromJson(const QJsonObject &object, int index, QString *error = nullptr);

    const QList<Rule> &rules() const { return m_rules; }
    Side side() const { return m_side; }
    bool isEmpty() const { return m_rules.isEmpty(); }
    /** A rule matches by the sender's address: apply() needs Sender::address. */
    bool needsAddress() const { return m_needsAddress; }
    qsizetype size() const { return m_rules.size(); }
    /** The rules as a rules file holds them: an indented JSON array. */
    QByteArray toJson() const;
    /** What the rules do with @p message from @p sender; @p hits (per rule, as they were before) feed {counter}. */
    Outcome apply(const QByteArray &message, const Sender &sender, const QList<quint64> &hits) const;

private:
    struct Compiled {
        std::optional<Regex> regex;
        QByteArray bytes;            // text, contains, hex: what is compared
        QByteArray mask;             // hex: 0x00 where "??"
        QList<QPair<QHostAddress, int>> subnets;
        QList<quint64> clients;
        std::optional<MessageTemplate> reply;
        std::optional<MessageTemplate> broadcast;
        bool wantsCaptures = false;   // an action uses \0 .. \9
    };
    bool matches(int index, const QByteArray &message, const Sender &sender, QList<QByteArray> *captures) const;

    QList<Rule> m_rules;
    QList<Compiled> m_compiled;
    Side m_side = Side::Server;
    bool m_needsAddress = false;
};
