// SPDX-License-Identifier: MIT
// libFuzzer target: a rules file read on both sides, then applied to a message.
//
// Input: byte 0 picks the sender's address (bits 0-2), its client id (bits
// 3-4) and how many hits are known (bits 5-7); the rest is the rules file,
// then optionally a NUL byte and the message (without one, the file itself
// is the message too). Besides no crash and no undefined behaviour, what
// must hold:
//   - a file refused says why; a file the client takes, the server takes too;
//   - a file taken is taken again from its toJson(), with equal rules();
//   - apply()'s firings are enabled rules in order, the last one the only one
//     that may stop the rest; a text or contains rule that fired has its
//     bytes in the message; the tag is the firing rules' tags; no firing on
//     the client broadcasts; nothing fired, nothing changes;
//   - the regex engine is QRegularExpression's (rules/regex.h): a pattern
//     compiles, and matches a UTF-8 message with the same \0, as there.

#include "rules/ruleset.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <cstdlib>

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

RuleSet::Sender senderFrom(uint8_t flags)
{
    static const QHostAddress addresses[] = {
        QHostAddress(),
        QHostAddress(QHostAddress::LocalHost),
        QHostAddress(QStringLiteral("10.1.2.3")),
        QHostAddress(QHostAddress::LocalHostIPv6),
        QHostAddress(QStringLiteral("::ffff:10.0.0.1")),
        QHostAddress(QStringLiteral("192.168.1.20")),
        QHostAddress(QStringLiteral("fe80::1")),
        QHostAddress(QStringLiteral("255.255.255.255")),
    };
    static const quint64 clients[] = { 0, 1, 3, 7 };
    RuleSet::Sender sender;
    sender.address = addresses[flags & 7];
    sender.client = clients[(flags >> 3) & 3];
    return sender;
}

/** The checks on one apply() of @p set. */
void checkOutcome(const RuleSet &set, const RuleSet::Outcome &outcome, const QByteArray &message)
{
    const QList<Rule> &rules = set.rules();
    QStringList tags;
    bool relay = true;
    int previous = -1;
    for (qsizetype i = 0; i < outcome.firings.size(); ++i) {
        const RuleSet::Firing &firing = outcome.firings.at(i);
        check(firing.rule > previous && firing.rule < rules.size());
        previous = firing.rule;
        const Rule &rule = rules.at(firing.rule);
        check(rule.enabled);
        check(rule.continues || i == outcome.firings.size() - 1);
        check(firing.reply.has_value() == rule.reply.has_value());
        check(firing.broadcast.has_value() == rule.broadcast.has_value());
        check(firing.disconnect == rule.disconnect);
        check(firing.delayMs == rule.delayMs);
        check(set.side() == RuleSet::Side::Server || !firing.broadcast);
        if (rule.kind == Rule::MatchKind::Text)
            check(message == rule.pattern.toUtf8());
        if (rule.kind == Rule::MatchKind::Contains)
            check(message.contains(rule.pattern.toUtf8()));
        if (!rule.tag.isEmpty())
            tags.append(rule.tag);
        relay = relay && rule.relays();
    }
    check(outcome.tag == tags.join(u','));
    check(outcome.relay == relay);
}

/** UTF-16 that survives UTF-8 and back (no lone surrogate): where both engines see the same pattern. */
bool roundTrips(const QString &text)
{
    return QString::fromUtf8(text.toUtf8()) == text;
}

/** @p pattern alone as a rule that answers "\0", against QRegularExpression on a UTF-8 @p message. */
void checkRegexEngine(const QString &pattern, const QByteArray &message)
{
    if (!roundTrips(pattern))
        return;
    Rule rule;
    rule.name = QStringLiteral("engine");
    rule.kind = Rule::MatchKind::Regex;
    rule.pattern = pattern;
    rule.reply = QStringLiteral("\\0");
    const std::optional<RuleSet> set = RuleSet::make({ rule }, RuleSet::Side::Server);
    const QRegularExpression reference(pattern);
    check(set.has_value() == reference.isValid());
    const QString text = QString::fromUtf8(message);
    if (!set || text.toUtf8() != message)
        return;
    const RuleSet::Outcome outcome = set->apply(message, {}, {});
    const QRegularExpressionMatch match = reference.match(text);
    check(outcome.matched() == match.hasMatch());
    if (match.hasMatch())
        check(outcome.firings.constFirst().reply == match.captured(0).toUtf8());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t flags = data[0];
    const QByteArray input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const qsizetype nul = input.indexOf('\0');
    const QByteArray json = nul < 0 ? input : input.left(nul);
    const QByteArray message = nul < 0 ? input : input.mid(nul + 1);
    const RuleSet::Sender sender = senderFrom(flags);

    std::optional<RuleSet> sets[2];
    for (const RuleSet::Side side : { RuleSet::Side::Server, RuleSet::Side::Client }) {
        QString error;
        std::optional<RuleSet> &set = sets[int(side)];
        set = RuleSet::fromJson(json, side, &error);
        if (!set) {
            check(!error.isEmpty());
            continue;
        }
        check(set->side() == side);

        // What toJson() writes is read back as the same rules.
        QString again;
        const std::optional<RuleSet> reread = RuleSet::fromJson(set->toJson(), side, &again);
        check(reread.has_value());
        check(reread->rules() == set->rules());

        QList<quint64> hits;
        const int known = (flags >> 5) & 7;   // 7: one per rule; fewer: the rest count as 0
        for (qsizetype i = 0; i < (known == 7 ? set->size() : qMin<qsizetype>(known, set->size())); ++i)
            hits.append(quint64(i) * 1000003u);
        const RuleSet::Outcome outcome = set->apply(message, sender, hits);
        checkOutcome(*set, outcome, message);
        if (!outcome.matched()) {
            check(outcome.relay);
            check(outcome.tag.isEmpty());
        }
        // The re-read set behaves the same (regexes are compiled again: no state shared).
        const RuleSet::Outcome twice = reread->apply(message, sender, hits);
        check(twice.relay == outcome.relay && twice.tag == outcome.tag && twice.firings.size() == outcome.firings.size());
        for (qsizetype i = 0; i < twice.firings.size(); ++i) {
            const RuleSet::Firing &a = outcome.firings.at(i);
            const RuleSet::Firing &b = twice.firings.at(i);
            check(a.rule == b.rule && a.disconnect == b.disconnect && a.delayMs == b.delayMs);
            // {random} and {time} may differ between two expansions; the rest does not.
            const Rule &rule = set->rules().at(a.rule);
            const auto fixed = [](const std::optional<QString> &t) {
                return !t || (!t->contains(QStringLiteral("{random")) && !t->contains(QStringLiteral("{time")));
            };
            if (fixed(rule.reply))
                check(a.reply == b.reply);
            if (fixed(rule.broadcast))
                check(a.broadcast == b.broadcast);
        }

        if (side == RuleSet::Side::Server) {
            for (const Rule &rule : set->rules()) {
                if (rule.kind == Rule::MatchKind::Regex)
                    checkRegexEngine(rule.pattern, message);
            }
        }
    }
    // The client is the stricter side.
    check(!sets[int(RuleSet::Side::Client)] || sets[int(RuleSet::Side::Server)]);

    // The message as a pattern of its own: the engines agree whether it compiles.
    if (message.size() <= 256)
        checkRegexEngine(QString::fromUtf8(message), message);
    return 0;
}
