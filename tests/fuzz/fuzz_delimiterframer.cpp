// SPDX-License-Identifier: MIT
// libFuzzer target: delimiter framing (DelimiterFramer behind Framer) against a plain
// reference, in arbitrary chunks.
//
// Input: byte 0 picks the delimiter's length (1 to 3) and, in bit 2, a stream of
// only four byte values (so that delimiters, and their first bytes alone, are
// everywhere); byte 1 the length limit; byte 2 the message at which the
// callback says stop (0: never); byte 3 the chunk pattern; then the delimiter's
// bytes; the rest is the stream. Whatever the chunking, the framer must produce
// exactly what the reference produces from the whole stream at once.

#include "framerfuzz.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace Qt::Literals::StringLiterals;

namespace {

using FramerFuzz::Outcome;


/** Where @p needle first occurs in @p haystack at or after @p from, by trying every place. */
qsizetype naiveFind(const QByteArray &haystack, const QByteArray &needle, qsizetype from)
{
    for (qsizetype i = from; i + needle.size() <= haystack.size(); ++i) {
        bool match = true;
        for (qsizetype j = 0; j < needle.size() && match; ++j)
            match = haystack[i + j] == needle[j];
        if (match)
            return i;
    }
    return -1;
}

// The grammar of delimiterframer.h, the simplest way: cut at each first occurrence, check lengths.
Outcome reference(const QByteArray &stream, const QByteArray &delimiter, qsizetype maxLength, int stopAt)
{
    Outcome out;
    qsizetype start = 0;
    for (;;) {
        const qsizetype at = naiveFind(stream, delimiter, start);
        if (at < 0)
            break;
        const QByteArray message = stream.mid(start, at - start);
        if (message.size() > maxLength) {
            out.status = FrameStatus::Overlong;
            return out;
        }
        out.messages.append(message);
        if (out.messages.size() == stopAt) {
            out.status = FrameStatus::Stopped;
            return out;
        }
        start = at + delimiter.size();
    }
    const QByteArray rest = stream.mid(start);
    // Its last delimiter-1 bytes may still begin a delimiter; more than that over the limit is certain.
    if (rest.size() > maxLength + delimiter.size() - 1) {
        out.status = FrameStatus::Overlong;
        return out;
    }
    out.partial = rest;
    return out;
}


} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const qsizetype delimiterSize = 1 + data[0] % 3;
    const bool fewValues = data[0] & 4;
    const qsizetype maxLength = 1 + data[1] % 64;
    const int stopAt = data[2] % 8;
    const uint8_t pattern = data[3];
    if (size < size_t(4 + delimiterSize))
        return 0;
    const auto byteAt = [&](size_t i) { return char(fewValues ? 'a' + (data[i] & 3) : data[i]); };
    QByteArray delimiter;
    for (qsizetype i = 0; i < delimiterSize; ++i)
        delimiter.append(byteAt(size_t(4 + i)));
    QByteArray stream;
    for (size_t i = size_t(4 + delimiterSize); i < size; ++i)
        stream.append(byteAt(i));

    // The framing as a user types it, and back.
    const std::optional<Framing> framing = Framing::parse(u"delimiter:"_s + QString::fromLatin1(delimiter.toHex()));
    if (!framing || framing->kind != Framing::Kind::Delimiter || framing->delimiter != delimiter)
        std::abort();
    if (Framing::parse(framing->spec()) != framing || framing->suffix() != delimiter)
        std::abort();

    const Outcome expected = reference(stream, delimiter, maxLength, stopAt);
    const Outcome actual = FramerFuzz::chunked(stream, *framing, maxLength, stopAt, pattern, 19);
    if (!(expected == actual))
        std::abort();
    // Each message is one a sender may write (Framing::carries(), what the cluster checks), and the
    // stream with the delimiter after it is one message only if carries() takes it.
    for (const QByteArray &message : actual.messages) {
        if (!framing->carries(message) || framing->encode(message) != message)
            std::abort();
    }
    const Outcome whole = reference(stream + delimiter, delimiter, stream.size(), 0);
    if (whole.messages == QList<QByteArray> { stream } && whole.partial.isEmpty() && !framing->carries(stream))
        std::abort();
    return 0;
}
