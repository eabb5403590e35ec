// SPDX-License-Identifier: MIT
// libFuzzer target: LineFramer against a plain reference, in arbitrary chunks.
//
// Input: byte 0 picks the length limit, byte 1 the chunk pattern; the rest is
// the stream. Whatever the chunking, the framer must produce exactly what the
// reference produces from the whole stream at once.

#include "core/lineframer.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdlib>

namespace {

struct Outcome {
    QList<QByteArray> messages;
    QByteArray partial;
    bool overlong = false;
    bool operator==(const Outcome &) const = default;
};

// The grammar of lineframer.cpp, the simplest way: split, strip one CR, check length.
Outcome reference(const QByteArray &stream, qsizetype maxLength)
{
    Outcome out;
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = stream.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = stream.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > maxLength) {
            out.overlong = true;
            return out;
        }
        out.messages.append(line);
        start = nl + 1;
    }
    const QByteArray rest = stream.mid(start);
    if (rest.size() > maxLength + 1) {   // one byte of room for a CR whose LF is still to come
        out.overlong = true;
        return out;
    }
    out.partial = rest.endsWith('\r') ? rest.chopped(1) : rest;
    return out;
}

Outcome chunked(const QByteArray &stream, qsizetype maxLength, uint8_t pattern)
{
    Outcome out;
    LineFramer framer(maxLength);
    qsizetype at = 0;
    uint32_t state = pattern;
    while (at < stream.size()) {
        state = state * 1103515245u + 12345u;
        const qsizetype chunk = qMin<qsizetype>(stream.size() - at, 1 + (state >> 16) % 17);
        const auto status = framer.feed(QByteArrayView(stream).sliced(at, chunk), [&out](QByteArrayView m) {
            out.messages.append(m.toByteArray());
            return true;
        });
        if (status == LineFramer::Status::Overlong) {
            out.overlong = true;
            return out;
        }
        at += chunk;
    }
    out.partial = framer.takePartial();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype maxLength = 1 + data[0] % 64;
    const QByteArray stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const Outcome expected = reference(stream, maxLength);
    const Outcome actual = chunked(stream, maxLength, data[1]);
    if (expected.overlong != actual.overlong)
        std::abort();
    if (!expected.overlong && !(expected == actual))
        std::abort();
    if (expected.overlong) {
        // Up to the offending line, both agree message for message.
        for (qsizetype i = 0; i < actual.messages.size(); ++i) {
            if (actual.messages.at(i) != expected.messages.value(i))
                std::abort();
        }
    }
    return 0;
}
