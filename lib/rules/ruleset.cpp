// SPDX-License-Identifier: MIT
#include "rules/ruleset.h"

#include "core/addresses.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr QStringView MatchKeys[] = { u"text", u"contains", u"regex", u"hex" };

QString quoted(const QString &text)
{
    return u"“"_s + text + u"”"_s;
}

/** "ff 01 ?? 00" as the bytes to compare and a mask (0x00 where "??"); nothing if not such. */
bool parseHexPattern(const QString &text, QByteArray *bytes, QByteArray *mask)
{
    QString digits;
    for (QChar c : text) {
        if (c.isSpace() || c == u':' || c == u'-')
            continue;
        digits.append(c);
    }
    if (digits.isEmpty() || digits.size() % 2 != 0)
        return false;
    for (qsizetype i = 0; i < digits.size(); i += 2) {
        const QStringView pair = QStringView(digits).mid(i, 2);
        if (pair == u"??") {
            bytes->append('\0');
            mask->append('\0');
            continue;
        }
        bool ok = false;
        const uint value = pair.toUInt(&ok, 16);
        if (!ok)
            return false;
        bytes->append(char(value));
        mask->append(char(0xff));
    }
    return true;
}

} // namespace

QString Rule::kindName(MatchKind kind)
{
    return MatchKeys[int(kind)].toString();
}

QJsonObject Rule::toJson() const
{
    QJsonObject o;
    o.insert(u"name"_s, name);
    if (!enabled)
        o.insert(u"enabled"_s, false);
    o.insert(u"match"_s, QJsonObject { { kindName(kind), pattern } });
    if (from.size() == 1)
        o.insert(u"from"_s, from.constFirst());
    else if (!from.isEmpty())
        o.insert(u"from"_s, QJsonArray::fromStringList(from));
    if (reply)
        o.insert(u"reply"_s, *reply);
    if (broadcast)
        o.insert(u"broadcast"_s, *broadcast);
    if (relay)
        o.insert(u"relay"_s, *relay);
    if (disconnect)
        o.insert(u"disconnect"_s, *disconnect);
    if (!tag.isEmpty())
        o.insert(u"tag"_s, tag);
    if (delayMs != 0)
        o.insert(u"delayMs"_s, delayMs);
    if (continues)
        o.insert(u"continue"_s, true);
    return o;
}

std::optional<Rule> RuleSet::ruleFromJson(const QJsonObject &object, int index, QString *error)
{
    Rule rule;
    rule.name = object.value(u"name"_s).toString();
    const QString who = rule.name.isEmpty() ? tr("rule %1").arg(index + 1) : tr("rule %1").arg(quoted(rule.name));
    const auto fail = [&](const QString &why) -> std::optional<Rule> {
        if (error)
            *error = who + u": "_s + why;
        return std::nullopt;
    };
    const auto text = [&](const QString &key, QString *out) -> bool {
        const QJsonValue v = object.value(key);
        if (!v.isString())
            return false;
        *out = v.toString();
        return true;
    };
    bool haveMatch = false;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        QString s;
        if (key == u"name"_s) {
            if (!v.isString())
                return fail(tr("“name” must be text"));
        } else if (key == u"enabled"_s || key == u"relay"_s || key == u"continue"_s) {
            if (!v.isBool())
                return fail(tr("“%1” must be true or false").arg(key));
            if (key == u"enabled"_s)
                rule.enabled = v.toBool();
            else if (key == u"relay"_s)
                rule.relay = v.toBool();
            else
                rule.continues = v.toBool();
        } else if (key == u"match"_s) {
            if (!v.isObject())
                return fail(tr("“match” must be an object with one of “text”, “contains”, “regex”, “hex”"));
            const QJsonObject match = v.toObject();
            for (auto m = match.begin(); m != match.end(); ++m) {
                if (m.key() == u"from"_s)
                    continue;   // read below, with the rule's own "from"

                const auto *kind = std::find(std::begin(MatchKeys), std::end(MatchKeys), m.key());
                if (kind == std::end(MatchKeys))
                    return fail(tr("unknown key %1 in “match”").arg(quoted(m.key())));
                if (haveMatch)
                    return fail(tr("“match” must have only one of “text”, “contains”, “regex”, “hex”"));
                if (!m.value().isString())
                    return fail(tr("“%1” must be text").arg(m.key()));
                rule.kind = Rule::MatchKind(kind - std::begin(MatchKeys));
                rule.pattern = m.value().toString();
                haveMatch = true;
            }
        } else if (key == u"from"_s) {
            // read below, with match's own "from"
        } else if (key == u"reply"_s || key == u"broadcast"_s || key == u"disconnect"_s) {
            if (!text(key, &s))
                return fail(tr("“%1” must be text").arg(key));
            (key == u"reply"_s ? rule.reply : key == u"broadcast"_s ? rule.broadcast : rule.disconnect) = s;
        } else if (key == u"tag"_s) {
            if (!text(key, &rule.tag))
                return fail(tr("“tag” must be text"));
        } else if (key == u"delayMs"_s) {
            const double ms = v.toDouble(-1);
            if (!v.isDouble() || ms < 0 || ms > MaxDelayMs || ms != double(qint64(ms)))
                return fail(tr("“delayMs” must be a whole number from 0 to %1").arg(MaxDelayMs));
            rule.delayMs = int(ms);
        } else {
            return fail(tr("unknown key %1").arg(quoted(key)));
        }
    }
    if (!haveMatch)
        return fail(tr("“match” is missing"));
    // "from" may sit in the rule or in its match; both are read the same way.
    for (const QJsonValue &from : { object.value(u"from"_s), object.value(u"match"_s).toObject().value(u"from"_s) }) {
        if (from.isUndefined())
            continue;
        const QJsonArray list = from.isArray() ? from.toArray() : QJsonArray { from };
        for (const QJsonValue &one : list) {
            if (one.isString())
                rule.from.append(one.toString());
            else if (const double id = one.toDouble(); one.isDouble() && id >= 1 && id < 9.0e15 && id == double(qint64(id)))
                rule.from.append(QString::number(qint64(one.toDouble())));
            else
                return fail(tr("“from” must be a subnet, a client id, or a list of them"));
        }
    }
    if (rule.name.isEmpty())
        rule.name = tr("rule %1").arg(index + 1);
    return rule;
}

std::optional<RuleSet> RuleSet::make(const QList<Rule> &rules, Side side, QString *error, int *errorRule)
{
    RuleSet set;
    set.m_side = side;
    set.m_rules = rules;
    for (int i = 0; i < rules.size(); ++i) {
        const Rule &rule = rules.at(i);
        if (errorRule)
            *errorRule = i;
        const auto fail = [&](const QString &why) -> std::optional<RuleSet> {
            if (error)
                *error = tr("rule %1").arg(quoted(rule.name)) + u": "_s + why;
            return std::nullopt;
        };
        Compiled c;
        int groups = 0;
        switch (rule.kind) {
        case Rule::MatchKind::Text:
        case Rule::MatchKind::Contains:
            if (rule.pattern.isEmpty() && rule.kind == Rule::MatchKind::Contains)
                return fail(tr("“contains” is empty"));
            c.bytes = rule.pattern.toUtf8();
            break;
        case Rule::MatchKind::Regex: {
            QString why;
            c.regex = Regex::compile(rule.pattern, &why);
            if (!c.regex)
                return fail(tr("the regex does not compile: %1").arg(why));
            groups = c.regex->captureCount();
            break;
        }
        case Rule::MatchKind::Hex:
            if (!parseHexPattern(rule.pattern, &c.bytes, &c.mask))
                return fail(tr("“hex” must be bytes in hex, “??” for any byte: “ff 01 ?? 00”"));
            break;
        }
        for (const QString &from : rule.from) {
            const QString t = from.trimmed();
            bool isId = false;
            const quint64 id = (t.startsWith(u'#') ? t.mid(1) : t).toULongLong(&isId);
            if (isId && id > 0) {
                if (side == Side::Client)
                    return fail(tr("“from” %1: a client has no client ids; give a subnet").arg(quoted(from)));
                c.clients.append(id);
                continue;
            }
            const std::optional<Addresses::Subnet> subnet = Addresses::parseSubnet(t);
            if (!subnet)
                return fail(tr("“from” %1 is neither a subnet nor a client id").arg(quoted(from)));
            c.subnets.append(*subnet);
            set.m_needsAddress = true;
        }
        if (side == Side::Client && rule.broadcast)
            return fail(tr("“broadcast” is the server's: a client only replies"));
        if (side == Side::Client && rule.relay)
            return fail(tr("“relay” is the server's: a client relays nothing"));
        if (rule.delayMs < 0 || rule.delayMs > MaxDelayMs)
            return fail(tr("“delayMs” must be a whole number from 0 to %1").arg(MaxDelayMs));
        const auto compile = [&](const std::optional<QString> &text, const QString &key,
                                 std::optional<MessageTemplate> *out) -> bool {
            if (!text)
                return true;
            QString why;
            *out = MessageTemplate::parse(*text, MessageTemplate::Syntax::Rule, &why);
            if (!*out) {
                if (error)
                    *error = tr("rule %1").arg(quoted(rule.name)) + u": “"_s + key + u"”: "_s + why;
                return false;
            }
            if ((*out)->highestCapture() > 0 && (*out)->highestCapture() > groups) {
                if (error)
                    *error = tr("rule %1").arg(quoted(rule.name)) + u": “"_s + key + u"”: "_s
                             + (rule.kind == Rule::MatchKind::Regex
                                        ? tr("\\%1, but the regex has %n group(s)", nullptr, groups)
                                                  .arg((*out)->highestCapture())
                                        : tr("\\%1 needs a regex match").arg((*out)->highestCapture()));
                return false;
            }
            return true;
        };
        if (!compile(rule.reply, u"reply"_s, &c.reply) || !compile(rule.broadcast, u"broadcast"_s, &c.broadcast))
            return std::nullopt;
        c.wantsCaptures = (c.reply && c.reply->highestCapture() >= 0) || (c.broadcast && c.broadcast->highestCapture() >= 0);
        set.m_compiled.append(std::move(c));
    }
    if (errorRule)
        *errorRule = -1;
    return set;
}

std::optional<RuleSet> RuleSet::fromJson(const QByteArray &json, Side side, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (document.isNull()) {
        if (error)
            *error = tr("not JSON: %1 (at byte %2)").arg(parseError.errorString()).arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isArray()) {
        if (error)
            *error = tr("a rules file is a JSON array of rules");
        return std::nullopt;
    }
    const QJsonArray array = document.array();
    QList<Rule> rules;
    for (int i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject()) {
            if (error)
                *error = tr("rule %1: not a JSON object").arg(i + 1);
            return std::nullopt;
        }
        std::optional<Rule> rule = ruleFromJson(array.at(i).toObject(), i, error);
        if (!rule)
            return std::nullopt;
        rules.append(std::move(*rule));
    }
    return make(rules, side, error);
}

std::optional<RuleSet> RuleSet::load(const QString &fileName, Side side, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = fileName + u": "_s + file.errorString();
        return std::nullopt;
    }
    QString why;
    std::optional<RuleSet> set = fromJson(file.readAll(), side, &why);
    if (!set && error)
        *error = fileName + u": "_s + why;
    return set;
}

QByteArray RuleSet::toJson() const
{
    QJsonArray array;
    for (const Rule &rule : m_rules)
        array.append(rule.toJson());
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

bool RuleSet::matches(int index, const QByteArray &message, const Sender &sender, QList<QByteArray> *captures) const
{
    const Rule &rule = m_rules.at(index);
    const Compiled &c = m_compiled.at(index);
    if (!c.clients.isEmpty() || !c.subnets.isEmpty()) {
        const bool byId = c.clients.contains(sender.client);
        const bool bySubnet = std::any_of(c.subnets.begin(), c.subnets.end(), [&](const auto &subnet) {
            return sender.address.isInSubnet(subnet);
        });
        if (!byId && !bySubnet)
            return false;
    }
    switch (rule.kind) {
    case Rule::MatchKind::Text:
        return message == c.bytes;
    case Rule::MatchKind::Contains:
        return message.contains(c.bytes);
    case Rule::MatchKind::Hex:
        if (message.size() < c.bytes.size())
            return false;
        for (qsizetype i = 0; i < c.bytes.size(); ++i) {
            if ((message.at(i) & c.mask.at(i)) != c.bytes.at(i))
                return false;
        }
        return true;
    case Rule::MatchKind::Regex:
        // Captures only for a rule whose actions use them: most rules only need to know.
        return c.regex->match(message, c.wantsCaptures ? captures : nullptr);
    }
    return false;
}

RuleSet::Outcome RuleSet::apply(const QByteArray &message, const Sender &sender, const QList<quint64> &hits) const
{
    Outcome outcome;
    QList<QByteArray> captures;
    for (int i = 0; i < m_rules.size(); ++i) {
        const Rule &rule = m_rules.at(i);
        if (!rule.enabled)
            continue;
        captures.clear();
        if (!matches(i, message, sender, &captures))
            continue;
        const Compiled &c = m_compiled.at(i);
        MessageTemplate::Context context;
        context.sequence = (i < hits.size() ? hits.at(i) : 0) + 1;
        context.client = sender.client;
        context.captures = &captures;
        Firing firing;
        firing.rule = i;
        if (c.reply)
            firing.reply = c.reply->expand(context);
        if (c.broadcast)
            firing.broadcast = c.broadcast->expand(context);
        firing.disconnect = rule.disconnect;
        firing.delayMs = rule.delayMs;
        outcome.relay = outcome.relay && rule.relays();
        if (!rule.tag.isEmpty())
            outcome.tag += (outcome.tag.isEmpty() ? QString() : u","_s) + rule.tag;
        outcome.firings.append(std::move(firing));
        if (!rule.continues)
            break;
    }
    return outcome;
}
