// SPDX-License-Identifier: MIT
// libFuzzer target: fixed-size framing (FixedFramer behind Framer) against a plain
// reference, in arbitrary chunks.
//
// Input: byte 0 picks the frame size (1 to 32), byte 1 the longest message the
// owner allows, byte 2 the message at which the callback says stop (0: never),
// byte 3 the chunk pattern; the rest is the stream. Whatever the chunking, the
// framer must produce exactly what the reference produces from the whole stream.

#include "framerfuzz.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace {

using FramerFuzz::Outcome;


// The grammar of fixedframer.h, the simplest way: every N bytes from the first one, byte by byte.
Outcome reference(const QByteArray &stream, qsizetype frameSize, int stopAt)
{
    Outcome out;
    QByteArray current;
    for (const char byte : stream) {
        current.append(byte);
        if (current.size() < frameSize)
            continue;
        out.messages.append(std::exchange(current, QByteArray()));
        if (out.messages.size() == stopAt) {
            out.status = FrameStatus::Stopped;
            return out;
        }
    }
    out.partial = current;
    return out;
}


} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const qsizetype frameSize = 1 + data[0] % 32;
    const qsizetype maxLength = 1 + data[1] % 64;
    const int stopAt = data[2] % 8;
    const uint8_t pattern = data[3];
    const QByteArray stream(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));

    const std::optional<Framing> framing = Framing::parse(u"fixed:%1"_s.arg(frameSize));
    if (!framing || framing->kind != Framing::Kind::Fixed || framing->fixedSize != frameSize)
        std::abort();
    if (Framing::parse(framing->spec()) != framing)
        std::abort();
    // The owner refuses a frame size over its limit; the framer itself ignores the limit.
    if (framing->checkLimit(maxLength).isEmpty() != (frameSize <= maxLength))
        std::abort();

    const Outcome expected = reference(stream, frameSize, stopAt);
    const Outcome actual = FramerFuzz::chunked(stream, *framing, maxLength, stopAt, pattern, 41);
    if (!(expected == actual))
        std::abort();
    // What a sender composes of one frame's bytes is that frame.
    for (const QByteArray &message : actual.messages) {
        if (framing->encode(message) != message || !framing->carries(message))
            std::abort();
    }
    if (!actual.partial.isEmpty() && (framing->encode(actual.partial) || framing->carries(actual.partial)))
        std::abort();
    // The whole stream is one message exactly when carries() says so.
    const Outcome whole = reference(stream, frameSize, 0);
    if (framing->carries(stream) != (whole.messages == QList<QByteArray> { stream } && whole.partial.isEmpty()))
        std::abort();
    return 0;
}
