// SPDX-License-Identifier: MIT
#include "core/displaytext.h"

namespace {

// Length of the valid UTF-8 sequence at @p p, or 0 if it is not one
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
qsizetype utf8SequenceLength(const uchar *p, qsizetype available)
{
    const uchar b0 = p[0];
    if (b0 < 0x80)
        return 1;
    qsizetype length = 0;
    char32_t min = 0;
    char32_t cp = 0;
    if ((b0 & 0xe0) == 0xc0) {
        length = 2;
        min = 0x80;
        cp = b0 & 0x1f;
    } else if ((b0 & 0xf0) == 0xe0) {
        length = 3;
        min = 0x800;
        cp = b0 & 0x0f;
    } else if ((b0 & 0xf8) == 0xf0) {
        length = 4;
        min = 0x10000;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (available < length)
        return 0;
    for (qsizetype i = 1; i < length; ++i) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return length;
}

bool isControl(uchar c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

} // namespace

namespace DisplayText {

bool isPlainText(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i < size;) {
        // Printable ASCII, the common case, one compare a byte.
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            ++i;
            continue;
        }
        if (isControl(p[i]))
            return false;
        const qsizetype length = utf8SequenceLength(p + i, size - i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

QString escaped(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype size = bytes.size();
    QString text;
    text.reserve(size);
    qsizetype runStart = 0;   // start of the current run of valid text
    auto flushRun = [&](qsizetype end) {
        if (end > runStart)
            text += QString::fromUtf8(bytes.data() + runStart, end - runStart);
    };
    for (qsizetype i = 0; i < size;) {
        const qsizetype length = isControl(p[i]) ? 0 : utf8SequenceLength(p + i, size - i);
        if (length > 0) {
            i += length;
            continue;
        }
        flushRun(i);
        text += QStringLiteral("\\x%1").arg(p[i], 2, 16, QLatin1Char('0'));
        runStart = ++i;
    }
    flushRun(size);
    return text;
}

QString hex(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes.toByteArray().toHex(' '));
}

std::optional<QByteArray> parseHex(QStringView text)
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

} // namespace DisplayText
