// SPDX-License-Identifier: MIT
#include "core/framing.h"

#include "core/displaytext.h"

#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace {

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

std::optional<qint64> parseCount(QStringView text, qint64 minimum, qint64 maximum)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok, 10);
    if (!ok || value < minimum || value > maximum)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<Framing> Framing::parse(QStringView spec, QString *error)
{
    spec = spec.trimmed();
    const qsizetype colon = spec.indexOf(u':');
    const QStringView kind = colon < 0 ? spec : spec.left(colon);
    const QStringView rest = colon < 0 ? QStringView() : spec.mid(colon + 1).trimmed();
    Framing f;
    if (kind == u"line") {
        if (colon >= 0) {
            setError(error, u"line framing takes no parameters"_s);
            return std::nullopt;
        }
        return f;
    }
    if (kind == u"delimiter") {
        const auto bytes = DisplayText::parseHex(rest);
        if (!bytes || bytes->isEmpty() || bytes->size() > MaxDelimiterBytes) {
            setError(error, u"delimiter: wants 1 to %1 bytes in hexadecimal, such as delimiter:0d0a"_s.arg(MaxDelimiterBytes));
            return std::nullopt;
        }
        f.kind = Kind::Delimiter;
        f.delimiter = *bytes;
        return f;
    }
    if (kind == u"fixed") {
        const auto size = parseCount(rest, 1, std::numeric_limits<int>::max());
        if (!size) {
            setError(error, u"fixed: wants a size in bytes of at least 1, such as fixed:8"_s);
            return std::nullopt;
        }
        f.kind = Kind::Fixed;
        f.fixedSize = qsizetype(*size);
        return f;
    }
    if (kind == u"idle") {
        const auto ms = parseCount(rest, 0, MaxIdleMs);
        if (!ms) {
            setError(error, u"idle: wants a quiet time from 0 to %1 ms, such as idle:50"_s.arg(MaxIdleMs));
            return std::nullopt;
        }
        f.kind = Kind::Idle;
        f.idleMs = int(*ms);
        return f;
    }
    if (kind == u"length") {
        f.kind = Kind::Length;
        const QList<QStringView> parts = rest.split(u',');
        const auto size = parseCount(parts.value(0).trimmed(), 1, 4);
        if (!size || *size == 3) {
            setError(error, u"length: wants a field size of 1, 2 or 4 bytes, such as length:2"_s);
            return std::nullopt;
        }
        f.lengthSize = int(*size);
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QStringView option = parts[i].trimmed();
            if (option == u"le") {
                f.littleEndian = true;
            } else if (option == u"be") {
                f.littleEndian = false;
            } else if (option.startsWith(u"offset=")) {
                const auto offset = parseCount(option.mid(7), 0, MaxLengthOffset);
                if (!offset) {
                    setError(error, u"length: offset= wants 0 to %1 bytes"_s.arg(MaxLengthOffset));
                    return std::nullopt;
                }
                f.lengthOffset = int(*offset);
            } else if (option.startsWith(u"adjust=")) {
                QStringView value = option.mid(7);
                if (value.startsWith(u'+'))
                    value = value.mid(1);
                const auto adjust = parseCount(value, -MaxLengthAdjust, MaxLengthAdjust);
                if (!adjust) {
                    setError(error, u"length: adjust= wants a whole number of bytes, such as adjust=-2"_s);
                    return std::nullopt;
                }
                f.lengthAdjust = *adjust;
            } else {
                setError(error, u"length: unknown option \"%1\" (le, be, offset=N, adjust=N)"_s.arg(option));
                return std::nullopt;
            }
        }
        return f;
    }
    setError(error, u"unknown framing \"%1\": line, delimiter:HEX, fixed:N, length:SIZE[,le][,offset=N][,adjust=N] or idle:MS"_s
                            .arg(kind));
    return std::nullopt;
}

QString Framing::spec() const
{
    switch (kind) {
    case Kind::Line:
        break;
    case Kind::Delimiter:
        return u"delimiter:"_s + QString::fromLatin1(delimiter.toHex());
    case Kind::Fixed:
        return u"fixed:%1"_s.arg(fixedSize);
    case Kind::Length: {
        QString text = u"length:%1"_s.arg(lengthSize);
        if (littleEndian)
            text += u",le"_s;
        if (lengthOffset != 0)
            text += u",offset=%1"_s.arg(lengthOffset);
        if (lengthAdjust != 0)
            text += u",adjust=%1"_s.arg(lengthAdjust);
        return text;
    }
    case Kind::Idle:
        return u"idle:%1"_s.arg(idleMs);
    }
    return u"line"_s;
}

QString Framing::describe() const
{
    // Said in the windows, in the user's language (the console does not need it).
    switch (kind) {
    case Kind::Line:
        break;
    case Kind::Delimiter:
        return tr("a frame ends with the bytes %1: 61 62 %1 is the message 61 62").arg(QString::fromLatin1(delimiter.toHex(' ')));
    case Kind::Fixed:
        return tr("every %1 bytes are one frame").arg(fixedSize);
    case Kind::Length: {
        // An example frame with a body of two bytes.
        const qint64 value = 2 - lengthAdjust;
        const bool fits = value >= 0 && quint64(value) <= fieldMaximum();
        const QByteArray field = lengthField(quint64(value));
        const QByteArray frame = QByteArray(lengthOffset, '\0') + field + "\xaa\xbb"_ba;
        const QString shown = frame.size() <= 16 ? QString::fromLatin1(frame.toHex(' '))
                                                 : tr("%1 bytes, then %2").arg(lengthOffset).arg(QString::fromLatin1((field + "\xaa\xbb"_ba).toHex(' ')));
        return tr("a %1-byte %2 length field at byte %3 counts the bytes after it%4: %5 is one frame")
                .arg(lengthSize)
                .arg(littleEndian ? tr("little-endian") : tr("big-endian"))
                .arg(lengthOffset)
                .arg(lengthAdjust == 0 ? QString()
                     : lengthAdjust > 0 ? tr(" minus %1").arg(lengthAdjust) : tr(" plus %1").arg(-lengthAdjust))
                .arg(fits ? shown : tr("(no two-byte body fits)"));
    }
    case Kind::Idle:
        return idleMs == 0 ? tr("every read is one frame") : tr("a frame is what arrived before %1 ms without a byte").arg(idleMs);
    }
    return tr("a frame ends with a line feed (CR LF too): \"ab\\n\" is the message \"ab\"");
}

QByteArray Framing::suffix() const
{
    switch (kind) {
    case Kind::Line:
        return QByteArrayLiteral("\n");
    case Kind::Delimiter:
        return delimiter;
    case Kind::Fixed:
    case Kind::Length:
    case Kind::Idle:
        break;
    }
    return {};
}

QByteArray Framing::lengthField(quint64 value) const
{
    QByteArray field(lengthSize, '\0');
    for (int i = 0; i < lengthSize; ++i) {
        const int shift = 8 * (littleEndian ? i : lengthSize - 1 - i);
        field[i] = char((value >> shift) & 0xff);
    }
    return field;
}

bool Framing::carries(QByteArrayView message) const
{
    switch (kind) {
    case Kind::Line:
        break;
    case Kind::Delimiter:
        // Not only inside: the message's end and the delimiter may make an earlier one ("xab" + "aba").
        return (message.toByteArray() + delimiter).indexOf(delimiter) == message.size();
    case Kind::Fixed:
        return message.size() == fixedSize;
    case Kind::Length:
        return message.size() >= headerSize() && announcedSize(message) == message.size();
    case Kind::Idle:
        return !message.isEmpty();
    }
    return !message.contains('\n');
}

QString Framing::checkLimit(qsizetype maxMessageBytes) const
{
    if (kind == Kind::Fixed && fixedSize > maxMessageBytes)
        return u"fixed:%1 frames are longer than the longest message (%2 bytes)"_s.arg(fixedSize).arg(maxMessageBytes);
    if (kind == Kind::Length && headerSize() > maxMessageBytes)
        return u"the length header (%1 bytes) is longer than the longest message (%2 bytes)"_s.arg(headerSize()).arg(maxMessageBytes);
    return {};
}

std::optional<QByteArray> Framing::encode(QByteArrayView payload, QString *error) const
{
    switch (kind) {
    case Kind::Line:
    case Kind::Idle:
        break;
    case Kind::Delimiter:
        if (!carries(payload)) {
            setError(error, u"the message holds the delimiter %1, so it would arrive as more than one"_s
                                    .arg(QString::fromLatin1(delimiter.toHex(' '))));
            return std::nullopt;
        }
        break;
    case Kind::Fixed:
        if (payload.size() != fixedSize) {
            setError(error, u"a frame is %1 bytes, this message is %2"_s.arg(fixedSize).arg(payload.size()));
            return std::nullopt;
        }
        break;
    case Kind::Length: {
        if (lengthOffset == 0) {
            // The field is made for the payload: value = payload bytes - adjust.
            const qint64 value = qint64(payload.size()) - lengthAdjust;
            if (value < 0 || quint64(value) > fieldMaximum()) {
                setError(error, u"%1 bytes cannot be announced by a %2-byte length field"_s.arg(payload.size()).arg(lengthSize));
                return std::nullopt;
            }
            QByteArray frame = lengthField(quint64(value));
            frame.append(payload.data(), payload.size());
            return frame;
        }
        // With bytes before the field, the sender writes the whole frame.
        if (payload.size() < headerSize()) {
            setError(error, u"a frame starts with a %1-byte header, this message is %2 bytes"_s.arg(headerSize()).arg(payload.size()));
            return std::nullopt;
        }
        if (!carries(payload)) {
            setError(error, u"the length field announces a frame of %1 bytes, this message is %2"_s
                                    .arg(announcedSize(payload)).arg(payload.size()));
            return std::nullopt;
        }
        break;
    }
    }
    return payload.toByteArray();
}
