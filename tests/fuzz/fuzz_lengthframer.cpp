// SPDX-License-Identifier: MIT
// libFuzzer target: length-field framing (LengthFramer behind Framer) against a
// plain reference, in arbitrary chunks.
//
// Input: byte 0 picks the field's size (bits 0-1: 1, 2, 4 or 2 bytes), its byte
// order (bit 2: little-endian) and the adjustment's scale (bit 3: times 2^25,
// up to the +-2^32 that parse() allows); byte 1 the offset (0 to 7); byte 2 the
// adjustment (signed); byte 3 the length limit (1 to 256); byte 4 the message at
// which the callback says stop (0: never); byte 5 the chunk pattern; the rest is
// the stream. Whatever the chunking, the framer must produce exactly what the
// reference produces from the whole stream at once.

#include "framerfuzz.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace {

using FramerFuzz::Outcome;


struct Params {
    int fieldSize = 2;
    bool littleEndian = false;
    int offset = 0;
    qint64 adjust = 0;
};

/** The field's value in the frame at @p start, a digit (byte) at a time. */
quint64 fieldAt(const QByteArray &stream, qsizetype start, const Params &p)
{
    quint64 value = 0;
    quint64 weight = 1;
    for (int i = 0; i < p.fieldSize; ++i) {
        // Big-endian: the last byte weighs least; little-endian: the first.
        const qsizetype at = start + p.offset + (p.littleEndian ? i : p.fieldSize - 1 - i);
        value += quint64(uchar(stream[at])) * weight;
        weight *= 256;
    }
    return value;
}

// The grammar of lengthframer.h, the simplest way: from the whole stream, one frame after another.
Outcome reference(const QByteArray &stream, const Params &p, qsizetype maxLength, int stopAt)
{
    Outcome out;
    const qsizetype header = p.offset + p.fieldSize;
    qsizetype start = 0;
    while (stream.size() - start >= header) {
        const qint64 body = qint64(fieldAt(stream, start, p)) + p.adjust;
        if (body < 0) {
            out.status = FrameStatus::BadLength;
            return out;
        }
        const qint64 total = header + body;
        if (total > maxLength) {   // known from the header alone
            out.status = FrameStatus::Overlong;
            return out;
        }
        if (stream.size() - start < total)
            break;
        out.messages.append(stream.mid(start, qsizetype(total)));
        if (out.messages.size() == stopAt) {
            out.status = FrameStatus::Stopped;
            return out;
        }
        start += qsizetype(total);
    }
    out.partial = stream.mid(start);
    return out;
}


} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 6)
        return 0;
    Params p;
    p.fieldSize = (data[0] & 3) == 2 ? 4 : (data[0] & 3) == 0 ? 1 : 2;
    p.littleEndian = data[0] & 4;
    p.offset = data[1] % 8;
    p.adjust = qint64(int8_t(data[2])) * ((data[0] & 8) ? (qint64(1) << 25) : 1);
    const qsizetype maxLength = 1 + data[3];
    const int stopAt = data[4] % 8;
    const uint8_t pattern = data[5];
    const QByteArray stream(reinterpret_cast<const char *>(data + 6), qsizetype(size - 6));

    // The framing as a user types it, and back.
    QString spec = u"length:%1"_s.arg(p.fieldSize);
    spec += p.littleEndian ? u",le"_s : u",be"_s;
    spec += u",offset=%1,adjust=%2"_s.arg(p.offset).arg(p.adjust);
    const std::optional<Framing> framing = Framing::parse(spec);
    if (!framing || framing->kind != Framing::Kind::Length || framing->lengthSize != p.fieldSize
        || framing->littleEndian != p.littleEndian || framing->lengthOffset != p.offset || framing->lengthAdjust != p.adjust)
        std::abort();
    if (Framing::parse(framing->spec()) != framing || framing->headerSize() != p.offset + p.fieldSize)
        std::abort();
    // The owner refuses a header over its limit; the framer must still be exact without that.
    if (framing->checkLimit(maxLength).isEmpty() != (framing->headerSize() <= maxLength))
        std::abort();

    const Outcome expected = reference(stream, p, maxLength, stopAt);
    const Outcome actual = FramerFuzz::chunked(stream, *framing, maxLength, stopAt, pattern, 23);
    if (!(expected == actual))
        std::abort();

    // Each frame is what a sender composes: from its body at offset 0, from the whole frame else.
    for (const QByteArray &message : actual.messages) {
        if (framing->fieldValue(message) != fieldAt(message, 0, p))
            std::abort();
        const QByteArrayView payload = p.offset == 0 ? QByteArrayView(message).sliced(p.fieldSize) : QByteArrayView(message);
        if (framing->encode(payload) != message || !framing->carries(message))
            std::abort();
    }
    // The whole stream is one frame exactly when carries() says so (no limit in the way).
    const Outcome whole = reference(stream, p, std::numeric_limits<qsizetype>::max(), 0);
    const bool one = whole.status == FrameStatus::Ok && whole.messages == QList<QByteArray> { stream } && whole.partial.isEmpty();
    if (framing->carries(stream) != one)
        std::abort();
    return 0;
}
