// SPDX-License-Identifier: MIT
// libFuzzer target: MessageTemplate::parse in every syntax, then expand().
//
// Input: byte 0 picks the syntax (bits 0-1), whether the context has a
// client id (bit 2) and how many captures it holds (bits 3-5); bytes 1-2 are
// the sequence ({counter}) less one; the rest is the template, as UTF-8.
// Besides no crash and no undefined behaviour, what must hold:
//   - a template that parses keeps its text and syntax; one that does not says why;
//   - with no "{", "%" or "\" the text is all literal: Plain, Seed and Rule
//     expand it to its own UTF-8, and Hex to what DisplayText::parseHex reads;
//   - any text with its "{" doubled (and "\" doubled in the Rule syntax) is
//     a constant template that expands to the text itself;
//   - isConstant() templates expand the same in any context; one without
//     {random} expands the same twice in one context, and the same with or
//     without a client id unless it uses {client};
//   - highestCapture() is -1 outside the Rule syntax, and at most 9.

#include "core/displaytext.h"
#include "core/messagetemplate.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>

namespace {

using Syntax = MessageTemplate::Syntax;

void check(bool ok)
{
    if (!ok)
        std::abort();
}

/** @p text with every "{" doubled, and in the Rule syntax every "\" too: nothing in it is a token. */
QString escaped(const QString &text, Syntax syntax)
{
    QString out;
    out.reserve(text.size() * 2);
    for (QChar c : text) {
        out.append(c);
        if (c == u'{' || (syntax == Syntax::Rule && c == u'\\'))
            out.append(c);
    }
    return out;
}

MessageTemplate::Context contextFrom(uint8_t flags, quint64 sequence, const QList<QByteArray> *captures, bool client)
{
    MessageTemplate::Context context;
    context.sequence = sequence;
    if (client)
        context.client = 7;
    context.program = QStringLiteral("fuzz");
    context.now = QDateTime::fromMSecsSinceEpoch(1700000000123 + flags, Qt::UTC);
    context.captures = captures;
    return context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint8_t flags = data[0];
    const Syntax syntax = Syntax(flags & 3);
    const bool client = flags & 4;
    const int captureCount = (flags >> 3) & 7;
    const quint64 sequence = 1 + ((quint64(data[1]) << 8) | data[2]);
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data + 3), qsizetype(size - 3));

    QList<QByteArray> captures;
    for (int i = 0; i < captureCount; ++i)
        captures.append(QByteArray(i, char('a' + i)));
    const MessageTemplate::Context context = contextFrom(flags, sequence, &captures, client);

    QString error;
    const std::optional<MessageTemplate> parsed = MessageTemplate::parse(text, syntax, &error);
    const bool literalOnly = !text.contains(u'{') && !text.contains(u'%') && !text.contains(u'\\');
    if (!parsed) {
        check(!error.isEmpty());
        // All literal, only hex digits can be wrong.
        check(!literalOnly || syntax == Syntax::Hex);
        if (literalOnly)
            check(!DisplayText::parseHex(text).has_value());
    } else {
        const MessageTemplate &t = *parsed;
        check(t.text() == text);
        check(t.syntax() == syntax);
        check(t.highestCapture() <= 9);
        check(syntax == Syntax::Rule || t.highestCapture() == -1);
        check(!t.usesClient() || text.contains(QStringLiteral("{client}")));

        const QByteArray first = t.expand(context);
        if (literalOnly) {
            check(t.isConstant());
            if (syntax == Syntax::Hex)
                check(text.isEmpty() || first == DisplayText::parseHex(text).value_or(QByteArray()));
            else
                check(first == text.toUtf8());
        }
        if (!text.contains(QStringLiteral("{random"))) {
            check(t.expand(context) == first);
            if (!t.usesClient())
                check(t.expand(contextFrom(flags, sequence, &captures, !client)) == first);
        }
        if (t.isConstant()) {
            const QList<QByteArray> none;
            MessageTemplate::Context other = contextFrom(flags ^ 0xff, sequence + 1000, &none, !client);
            other.program = QStringLiteral("other");
            check(t.expand(other) == first);
            check(t.expand() == first);
        }
    }

    // The same text with its braces (and the Rule syntax's backslashes) doubled is literal throughout.
    if (syntax != Syntax::Hex && (syntax != Syntax::Seed || !text.contains(u'%'))) {
        const std::optional<MessageTemplate> literal = MessageTemplate::parse(escaped(text, syntax), syntax);
        check(literal.has_value());
        check(literal->isConstant());
        check(!literal->usesClient());
        check(literal->expand(context) == text.toUtf8());
    }
    return 0;
}
