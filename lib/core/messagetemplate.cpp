// SPDX-License-Identifier: MIT
#include "core/messagetemplate.h"

#include "core/displaytext.h"

#include <QRandomGenerator>

#include <charconv>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace {

bool isNameStart(QChar c)
{
    return c >= u'a' && c <= u'z';
}
bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9') || c == u'-';
}

std::optional<qint64> wholeNumber(QStringView text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end - digits);
}

struct ChecksumName {
    QStringView name;
    Checksums::Kind kind;
};
constexpr ChecksumName ChecksumNames[] = {
    { u"crc16-modbus", Checksums::Kind::Crc16Modbus }, { u"crc16-ccitt", Checksums::Kind::Crc16Ccitt },
    { u"crc32", Checksums::Kind::Crc32 },              { u"sum8", Checksums::Kind::Sum8 },
    { u"xor8", Checksums::Kind::Xor8 },
};

} // namespace

QString MessageTemplate::noClientHere()
{
    return tr("{client} is a client's id on the server: a client has none to send");
}

QString MessageTemplate::seedTime(const QDateTime &time)
{
    return time.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
}

std::optional<MessageTemplate> MessageTemplate::parse(const QString &text, Syntax syntax, QString *error)
{
    MessageTemplate t;
    t.m_text = text;
    t.m_syntax = syntax;
    QString literal;
    const auto bytesPart = [](const QByteArray &bytes) {
        Part part;
        part.bytes = bytes;
        return part;
    };
    const auto kindPart = [](Part::Kind kind, qint64 first = 0) {
        Part part;
        part.kind = kind;
        part.first = first;
        return part;
    };
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    // Literal text so far becomes one Bytes part (hex digits in the Hex syntax).
    const auto flush = [&]() -> bool {
        if (literal.isEmpty())
            return true;
        QByteArray bytes;
        if (syntax == Syntax::Hex) {
            const std::optional<QByteArray> parsed = DisplayText::parseHex(literal);
            if (!parsed)
                return false;
            bytes = *parsed;
        } else {
            bytes = literal.toUtf8();
        }
        if (!t.m_parts.isEmpty() && t.m_parts.constLast().kind == Part::Kind::Bytes)
            t.m_parts.last().bytes.append(bytes);
        else if (!bytes.isEmpty())
            t.m_parts.append(bytesPart(bytes));
        literal.clear();
        return true;
    };
    const auto add = [&](Part part) {
        t.m_parts.append(std::move(part));
        t.m_constant = false;
    };

    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        const QChar next = i + 1 < n ? text.at(i + 1) : QChar();
        if (c == u'{' && next == u'{') {
            literal.append(u'{');
            ++i;
            continue;
        }
        if (c == u'{' && isNameStart(next)) {
            qsizetype end = i + 1;
            while (end < n && isNameChar(text.at(end)))
                ++end;
            if (end < n && (text.at(end) == u'}' || text.at(end) == u':')) {
                const QString name = text.mid(i + 1, end - i - 1);
                QString argument;
                bool hasArgument = false;
                if (text.at(end) == u':') {
                    const qsizetype close = text.indexOf(u'}', end + 1);
                    if (close < 0)
                        return fail(tr("“{%1:” has no closing “}”").arg(name));
                    argument = text.mid(end + 1, close - end - 1);
                    hasArgument = true;
                    end = close;
                }
                if (!flush())
                    return fail(tr("“%1” is not hex bytes").arg(literal));
                const QString token = text.mid(i, end - i + 1);
                const auto noArgument = [&]() -> bool { return !hasArgument; };
                Part part;
                if (name == u"counter"_s) {
                    part.kind = Part::Kind::Counter;
                    part.first = 1;
                    if (hasArgument) {
                        const std::optional<qint64> start = wholeNumber(argument);
                        if (!start)
                            return fail(tr("%1: START must be a whole number").arg(token));
                        part.first = *start;
                    }
                } else if (name == u"time"_s) {
                    part.kind = hasArgument ? Part::Kind::TimeFormat : Part::Kind::Time;
                    if (hasArgument && argument.isEmpty())
                        return fail(tr("%1: the format is empty").arg(token));
                    part.format = argument;
                } else if (name == u"random"_s) {
                    part.kind = Part::Kind::Random;
                    const qsizetype dash = argument.indexOf(u'-', 1);
                    const std::optional<qint64> low = dash > 0 ? wholeNumber(QStringView(argument).left(dash)) : std::nullopt;
                    const std::optional<qint64> high = dash > 0 ? wholeNumber(QStringView(argument).mid(dash + 1)) : std::nullopt;
                    // The span plus one must fit a qint64, as the seed's tools and JSON readers take it.
                    if (!low || !high || *low > *high
                        || quint64(*high) - quint64(*low) >= quint64(std::numeric_limits<qint64>::max()))
                        return fail(tr("%1: write {random:MIN-MAX}, two whole numbers with MIN ≤ MAX").arg(token));
                    part.first = *low;
                    part.last = *high;
                } else if (name == u"client"_s && noArgument()) {
                    part.kind = Part::Kind::Client;
                    t.m_usesClient = true;
                } else if (name == u"hex"_s) {
                    const std::optional<QByteArray> bytes = DisplayText::parseHex(argument);
                    if (!bytes || bytes->isEmpty())
                        return fail(tr("%1: not hex bytes").arg(token));
                    // Constant bytes: part of the literal, so a template of only {hex:..} is constant.
                    if (!t.m_parts.isEmpty() && t.m_parts.constLast().kind == Part::Kind::Bytes)
                        t.m_parts.last().bytes.append(*bytes);
                    else
                        t.m_parts.append(bytesPart(*bytes));
                    i = end;
                    continue;
                } else {
                    const auto *checksum = std::find_if(std::begin(ChecksumNames), std::end(ChecksumNames),
                                                        [&](const ChecksumName &c) { return c.name == name; });
                    if (checksum == std::end(ChecksumNames)) {
                        if (name == u"client"_s)
                            return fail(tr("%1 takes no argument").arg(token));
                        return fail(tr("unknown token %1 (a literal brace is written “{{”)").arg(token));
                    }
                    if (hasArgument)
                        return fail(tr("%1 takes no argument").arg(token));
                    part.kind = Part::Kind::Checksum;
                    part.checksum = checksum->kind;
                }
                add(std::move(part));
                i = end;
                continue;
            }
        }
        if (syntax == Syntax::Seed && c == u'%' && (next == u'1' || next == u'2')) {
            if (!flush())
                return fail(tr("“%1” is not hex bytes").arg(literal));
            add(kindPart(next == u'1' ? Part::Kind::Program : Part::Kind::SeedTime));
            ++i;
            continue;
        }
        if (syntax == Syntax::Rule && c == u'\\' && next.isDigit() && next.unicode() <= u'9') {
            if (!flush())
                return fail(tr("“%1” is not hex bytes").arg(literal));
            const int index = next.unicode() - u'0';
            add(kindPart(Part::Kind::Capture, index));
            t.m_highestCapture = std::max(t.m_highestCapture, index);
            ++i;
            continue;
        }
        if (syntax == Syntax::Rule && c == u'\\' && next == u'\\') {
            literal.append(u'\\');
            ++i;
            continue;
        }
        literal.append(c);
    }
    if (!flush())
        return fail(tr("“%1” is not hex bytes").arg(literal));
    return t;
}

QByteArray MessageTemplate::expand(const Context &context) const
{
    if (m_constant)
        return m_parts.isEmpty() ? QByteArray() : m_parts.constFirst().bytes;
    QByteArray out;
    const auto now = [&context] { return context.now.isValid() ? context.now : QDateTime::currentDateTime(); };
    for (const Part &part : m_parts) {
        switch (part.kind) {
        case Part::Kind::Bytes:
            out.append(part.bytes);
            break;
        case Part::Kind::Counter:
            appendNumber(out, qint64(quint64(part.first) + context.sequence - 1));   // wraps, as a counter may
            break;
        case Part::Kind::Time: {
            const QDateTime t = now();
            out.append(t.toOffsetFromUtc(t.offsetFromUtc()).toString(Qt::ISODateWithMs).toUtf8());
            break;
        }
        case Part::Kind::TimeFormat:
            out.append(now().toString(part.format).toUtf8());
            break;
        case Part::Kind::Random: {
            // In [first, last], the offset drawn in unsigned arithmetic: last may be the largest
            // qint64 (last + 1 would overflow), and parse() keeps the span below it.
            const quint64 span = quint64(part.last) - quint64(part.first);
            appendNumber(out, qint64(quint64(part.first) + QRandomGenerator::global()->bounded(span + 1)));
            break;
        }
        case Part::Kind::Client:
            if (context.client)
                appendNumber(out, qint64(*context.client));
            break;
        case Part::Kind::Checksum:
            out.append(Checksums::wireBytes(part.checksum, out));
            break;
        case Part::Kind::Capture:
            if (context.captures && part.first < context.captures->size())
                out.append(context.captures->at(part.first));
            break;
        case Part::Kind::Program:
            out.append(context.program.toUtf8());
            break;
        case Part::Kind::SeedTime:
            out.append(seedTime(now()).toUtf8());
            break;
        }
    }
    return out;
}
