// SPDX-License-Identifier: MIT
#include "widgets/hexinput.h"

namespace HexInput {

std::optional<QByteArray> parse(const QString &text)
{
    QByteArray bytes;
    int high = -1;   // first digit of a byte, waiting for its second
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const char16_t u = c.unicode();
        int digit = -1;
        if (u >= u'0' && u <= u'9')
            digit = u - u'0';
        else if (u >= u'a' && u <= u'f')
            digit = u - u'a' + 10;
        else if (u >= u'A' && u <= u'F')
            digit = u - u'A' + 10;
        if (c == u'0' && high < 0 && i + 1 < text.size() && text.at(i + 1).toLower() == u'x') {
            ++i;   // 0x prefix
            continue;
        }
        if (digit >= 0) {
            if (high < 0) {
                high = digit;
            } else {
                bytes.append(char(high * 16 + digit));
                high = -1;
            }
            continue;
        }
        if (c.isSpace() || c == u':' || c == u'-' || c == u',') {
            if (high >= 0)
                return std::nullopt;
            continue;
        }
        return std::nullopt;
    }
    if (high >= 0)
        return std::nullopt;
    return bytes;
}

std::optional<QByteArray> composed(const QString &text, bool hex)
{
    if (hex)
        return parse(text);
    return text.toUtf8();
}

} // namespace HexInput
